/* What naccsd's decisions share (naccsd/decide.c): the request as the
 * policy sees it, who may ask what, the response.  Each family of requests
 * has its own file: decide_auth.c (AUTHENTICATE, ACCOUNT, AUTH_GATE),
 * decide_session.c (SESSION_OPEN, SESSION_CLOSE), decide_password.c
 * (PASSWORD_BEGIN, PASSWORD_CHANGE); naccsd_decide (decide.h) dispatches
 * by type.  Private to naccsd/. */
#ifndef NACCSD_INTERNAL_H
#define NACCSD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "config/conf.h"
#include "decide.h"
#include "policy/policy.h"
#include "proto/message.h"
#include "rules/su.h"

/* One request as the policy sees it, and what it needs kept alive. */
struct ask {
	struct naccs_request req;
	struct naccs_su_invoker inv;
	const char *password; /* points into the request message (wiped with it) */
	uint32_t flags;
	bool root;
	char svc[96], actor[32];
	char login[NACCS_LOGIN_MAX + 1];
};

/* Whose request an unprivileged peer's is. */
enum whose {
	WHOSE_MINE,	   /* the name is the peer's own ID: ask->login */
	WHOSE_NO_ID,	   /* the peer's uid is no ID here: UNKNOWN, whatever the name */
	WHOSE_OTHER,	   /* any other name: as a wrong password of its own ID */
	WHOSE_UNAVAILABLE, /* the store failed: fail closed */
};

/* The request's fields into a, by who the peer is: a root peer's as
 * stated; an unprivileged peer's service becomes "naccsd-peer:NAME", its
 * invoker its uid and /proc loginuid, and flags bit 3 is dropped. */
void naccsd_ask_from(struct ask *a, const struct naccsd_peer *peer, const struct naccs_msg *m,
		     const struct naccs_config *cfg);

/* An unprivileged peer: the ID of its uid, and is the name it typed that
 * ID?  The same look-ups whatever the name (no oracle). */
enum whose naccsd_whose(struct naccs_policy *pol, const struct naccsd_peer *peer, struct ask *a);

/* The cost of verifying the peer's own hash with a->password, for a
 * refusal that must look like a wrong password: nothing counted, nothing
 * written. */
void naccsd_refuse_like_wrong(struct naccs_policy *pol, const struct ask *a);

/* A string for the wire: C0, DEL and C1-free; "" sets nothing. */
int naccsd_set_text(struct naccs_msg *m, uint16_t tag, const char *s, struct naccs_err *err);

/* Start req's response in resp with outcome o, and from d (NULL: the
 * outcome only): the message (unless flags say silent), the login notices
 * as info lines (unless quiet or silent), the canonical login of an ALLOW
 * (where the response's schema has it), AUTHENTICATE's generation. */
int naccsd_respond(const struct naccs_config *cfg, const struct naccs_msg *req,
		   struct naccs_msg *resp, const struct ask *a, enum naccs_outcome o,
		   const struct naccs_decision *d, struct naccs_err *err);

/* The store cannot be opened: the public identity index decides (issue
 * 16), for an unprivileged peer by its uid only.  what: the decision's type
 * as naccs_policy_unavailable names it ("auth", "password"); the account
 * phase has its own. */
enum naccs_outcome naccsd_store_unavailable(const struct naccs_config *cfg,
					    const struct naccsd_peer *peer, uint16_t type,
					    const char *what, const struct ask *a,
					    struct naccs_decision *d, const char *why);

/* The families.  a: the request (naccsd_ask_from), its invoker in use
 * (naccs_su_use_invoker); d: a zeroed decision of this call.  As
 * naccsd_decide: 0 with the response in resp and *hold_ms, or -errno. */
int naccsd_decide_auth(const struct naccs_config *cfg, const struct naccsd_peer *peer,
		       const struct naccs_msg *req, struct naccs_msg *resp, unsigned *hold_ms,
		       struct ask *a, struct naccs_decision *d, struct naccs_err *err);
int naccsd_decide_session(const struct naccs_config *cfg, const struct naccsd_peer *peer,
			  const struct naccs_msg *req, struct naccs_msg *resp, struct ask *a,
			  struct naccs_decision *d, struct naccs_err *err);
int naccsd_decide_password(const struct naccs_config *cfg, const struct naccsd_peer *peer,
			   const struct naccs_msg *req, struct naccs_msg *resp, unsigned *hold_ms,
			   struct ask *a, struct naccs_decision *d, struct naccs_err *err);

/* decide_admin.c: naccsd's ADMIN requests (issue 18, docs/NACCSD-PLAN.md step 5;
 * docs/PROTOCOL.md "ADMIN"): one administrative change as a value
 * (policy/admin.h), from a root peer only, applied by the code naccsctl
 * applies with the service stopped, under the store's lock held shared
 * (policy/admin_lock.h); then the public index is rebuilt.
 * req: a decoded ADMIN from peer (SO_PEERCRED).  0 with the response in resp
 * (whatever the change came to, an unknown operation included); -EPERM for
 * a peer that is not privileged (root, or the --owner uid: answer ERROR
 * not-allowed; syslog names it, nothing else does); another -errno when no
 * response could be built. */
int naccsd_admin(const struct naccs_config *cfg, const struct naccsd_peer *peer,
		 const struct naccs_msg *req, struct naccs_msg *resp, struct naccs_err *err);

#endif
