/* naccsd's decisions: request frame -> naccs_request -> policy -> response
 * frame (decide.h).  Here: what every family shares (internal.h) and the
 * dispatch by type; the families are decide_auth.c, decide_session.c and
 * decide_password.c; ADMIN is decide_admin.c's. */
#include "config.h"

#include "decide.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "base/proc.h"
#include "base/secret.h"
#include "base/text.h"
#include "base/time.h"
#include "crypto/hash.h"
#include "index/local.h"
#include "internal.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "policy/settings.h"
#include "proto/schema.h"
#include "rules/notice.h"
#include "rules/su.h"

static const char *opt_str(const struct naccs_msg *m, uint16_t tag)
{
	const char *s = NULL;

	return naccs_msg_get_str(m, tag, &s, NULL) == 0 ? s : NULL;
}

/* The request's fields into a, by who the peer is. */
void naccsd_ask_from(struct ask *a, const struct naccsd_peer *peer, const struct naccs_msg *m,
		     const struct naccs_config *cfg)
{
	uint32_t v;

	memset(a, 0, sizeof(*a));
	a->root = peer->privileged;
	a->req.trail = cfg;
	/* Written once, however often the client retries it (policy.h). */
	a->req.request_id = m->request_id;
	a->req.user = opt_str(m, NACCS_TAG_USER);
	if (naccs_msg_get_u32(m, NACCS_TAG_FLAGS, &a->flags) < 0)
		a->flags = 0;
	if (naccs_msg_get_secret(m, NACCS_TAG_PASSWORD, &a->password) < 0)
		a->password = NULL;
	if (a->root) {
		a->req.service = opt_str(m, NACCS_TAG_SERVICE);
		a->req.tty = opt_str(m, NACCS_TAG_TTY);
		a->req.rhost = opt_str(m, NACCS_TAG_RHOST);
		a->req.ruser = opt_str(m, NACCS_TAG_RUSER);
		a->inv.uid = naccs_msg_get_u32(m, NACCS_TAG_INVOKER_UID, &v) == 0 ? v : 0;
		a->inv.has_loginuid = naccs_msg_get_u32(m, NACCS_TAG_INVOKER_LOGINUID, &v) == 0;
		a->inv.loginuid = a->inv.has_loginuid ? v : 0;
		return;
	}
	/* Nothing an unprivileged peer says about itself is taken: its
	 * invoker is its uid and the kernel's loginuid of its pid. */
	/* "naccsd-peer:NAME": what it says it is, never another service. */
	naccs_text_tagged_name(NACCSD_PEER_SERVICE, opt_str(m, NACCS_TAG_SERVICE), a->svc,
			       sizeof(a->svc));
	a->req.service = a->svc;
	snprintf(a->actor, sizeof(a->actor), "uid=%lu", (unsigned long)peer->uid);
	a->req.ruser = a->actor;
	a->inv.uid = (uint32_t)peer->uid;
	a->inv.has_loginuid = naccs_proc_loginuid((long)peer->pid, &a->inv.loginuid);
	a->flags &= ~NACCS_FLAG_NO_FAIL_DELAY; /* a root peer's choice only */
}

/* An unprivileged peer: the ID of its uid, and is the name it typed that
 * ID?  The same look-ups whatever the name, so the answer's cost says
 * nothing of it either. */
enum whose naccsd_whose(struct naccs_policy *pol, const struct naccsd_peer *peer, struct ask *a)
{
	struct naccs_identity mine, named;
	struct naccs_err err;
	naccs_deadline_t dl = naccs_deadline_in(pol->cfg->store_timeout_ms);
	char other[256];
	int rc, rn;

	naccs_err_clear(&err);
	rc = naccs_store_find_by_uid(pol->store, dl, (uint32_t)peer->uid, &mine, &err);
	if (rc == -ENOENT)
		return WHOSE_NO_ID;
	if (rc < 0)
		goto unavailable;
	/* The uid must name this ID alone: a local account given it later
	 * must not check (or lock) the ID's password (as naccs_chkpwd). */
	rn = naccs_uid_other_account((uint32_t)peer->uid, mine.login, other, sizeof(other));
	if (rn != 0) {
		syslog(LOG_WARNING,
		       "uid %lu is ID %s's and also another account: refused while the uid "
		       "is ambiguous (naccsctl store check)",
		       (unsigned long)peer->uid, mine.login);
		return WHOSE_OTHER;
	}
	snprintf(a->login, sizeof(a->login), "%s", mine.login);
	if (a->req.user == NULL)
		return WHOSE_OTHER;
	rc = naccs_resolve_name(pol->store, dl, a->req.user, &named, NULL, &err);
	if (rc < 0 && rc != -ENOENT && rc != -EINVAL)
		goto unavailable;
	if (rc == 0 && strcmp(named.login, mine.login) == 0)
		return WHOSE_MINE;
	/* syslog only (root's): the trail and the peer learn nothing. */
	syslog(LOG_NOTICE,
	       "uid %lu (ID %s) asked about another name: refused as a wrong "
	       "password",
	       (unsigned long)peer->uid, mine.login);
	return WHOSE_OTHER;
unavailable:
	syslog(LOG_ERR, "credential store: %s", err.msg);
	return WHOSE_UNAVAILABLE;
}

/* The cost of verifying the peer's own hash, for a refusal that must look
 * like a wrong password: nothing counted, nothing written. */
void naccsd_refuse_like_wrong(struct naccs_policy *pol, const struct ask *a)
{
	struct naccs_account_state st;
	struct naccs_err err;

	naccs_err_clear(&err);
	if (naccs_store_get_state(pol->store, naccs_deadline_in(pol->cfg->store_timeout_ms),
				  a->login, &st, &err) < 0)
		st.phc[0] = '\0';
	(void)naccs_hash_dummy_verify_like(&pol->cfg->hash, st.phc,
					   a->password != NULL ? a->password : "", &err);
	naccs_wipe(&st, sizeof(st));
	naccs_wipe(&err, sizeof(err));
}

/* A string for the wire: C0, DEL and C1-free, whatever the message holds
 * (translations end lines with '\n'). */
int naccsd_set_text(struct naccs_msg *m, uint16_t tag, const char *s, struct naccs_err *err)
{
	char buf[NACCS_ERR_MSG_MAX + NACCS_NOTICE_MAX];
	size_t n = 0;

	for (; *s != '\0' && n < sizeof(buf) - 1; s++) {
		unsigned char c = (unsigned char)*s;

		buf[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	if (n == 0)
		return 0;
	if (naccs_msg_set_str(m, tag, buf, err) == 0)
		return 0;
	/* Cut inside a character, or a C1 control: not for the wire. */
	return naccs_msg_set_str(m, tag, "?", err);
}

int naccsd_respond(const struct naccs_config *cfg, const struct naccs_msg *req,
		   struct naccs_msg *resp, const struct ask *a, enum naccs_outcome o,
		   const struct naccs_decision *d, struct naccs_err *err)
{
	char last[NACCS_NOTICE_MAX], failures[NACCS_NOTICE_MAX];
	struct naccs_notice_options opt;
	int rc;

	rc = naccs_msg_start_response(resp, req, req->type | NACCS_PROTO_RESPONSE, err);
	if (rc == 0)
		rc = naccs_msg_set_u32(resp, NACCS_TAG_OUTCOME, (uint32_t)o, err);
	if (d == NULL || rc < 0)
		return rc;
	if ((a->flags & NACCS_FLAG_SILENT) == 0)
		rc = naccsd_set_text(resp, NACCS_TAG_MESSAGE, d->message, err);
	if (rc == 0 && d->has_notice && (a->flags & (NACCS_FLAG_QUIET | NACCS_FLAG_SILENT)) == 0) {
		naccs_notice_options_from_config(cfg, &opt);
		naccs_notice_format(&opt, &d->notice, last, failures);
		rc = naccsd_set_text(resp, NACCS_TAG_INFO, last, err);
		if (rc == 0)
			rc = naccsd_set_text(resp, NACCS_TAG_INFO, failures, err);
	}
	if (rc == 0 && o == NACCS_OUT_ALLOW && d->known &&
	    naccs_proto_field_flags(resp->type, NACCS_TAG_LOGIN) >= 0)
		rc = naccs_msg_set_str(resp, NACCS_TAG_LOGIN, d->identity.login, err);
	/* The repeat cache is a PAM handle's (root peers): an unprivileged
	 * peer's refusals all look alike, without it. */
	if (rc == 0 && a->root && req->type == NACCS_MSG_AUTHENTICATE && d->verified_wrong)
		rc = naccs_msg_set_str(resp, NACCS_TAG_GENERATION, d->generation, err);
	return rc;
}

enum naccs_outcome naccsd_store_unavailable(const struct naccs_config *cfg,
					    const struct naccsd_peer *peer, uint16_t type,
					    const char *what, const struct ask *a,
					    struct naccs_decision *d, const char *why)
{
	struct naccs_err err;
	bool held = true;

	if (a->root && type == NACCS_MSG_ACCOUNT)
		return naccs_policy_account_unavailable(cfg, &a->req, d, why);
	if (a->root)
		return naccs_policy_unavailable(cfg, &a->req, what, d, why);
	naccs_err_clear(&err);
	memset(d, 0, sizeof(*d));
	syslog(LOG_ERR, "credential store unavailable: %s", why);
	if (naccs_local_index_holds(cfg, NULL, peer->uid, &held, &err) == 0 && !held)
		return d->outcome = NACCS_OUT_UNKNOWN;
	return d->outcome = NACCS_OUT_UNAVAILABLE;
}

bool naccsd_decides(uint16_t type)
{
	switch (type) {
	case NACCS_MSG_AUTH_GATE:
	case NACCS_MSG_AUTHENTICATE:
	case NACCS_MSG_ACCOUNT:
	case NACCS_MSG_SESSION_OPEN:
	case NACCS_MSG_SESSION_CLOSE:
	case NACCS_MSG_PASSWORD_BEGIN:
	case NACCS_MSG_PASSWORD_CHANGE:
	case NACCS_MSG_ADMIN: /* decide_admin.c */
		return true;
	default:
		return false;
	}
}

int naccsd_decide(const struct naccs_config *cfg, const struct naccsd_peer *peer,
		  const struct naccs_msg *req, struct naccs_msg *resp, unsigned *hold_ms,
		  struct naccs_err *err)
{
	struct naccs_decision *d; /* large: one per call, on the heap */
	struct ask a;
	int rc;

	*hold_ms = 0;
	if (!naccsd_decides(req->type))
		return naccs_err_set(err, EINVAL, "not a decision: %s",
				     naccs_proto_type_name(req->type));
	/* Root peers only (docs/PROTOCOL.md, "Who may ask what"). */
	if (!peer->privileged &&
	    (req->type == NACCS_MSG_AUTH_GATE || req->type == NACCS_MSG_SESSION_OPEN ||
	     req->type == NACCS_MSG_SESSION_CLOSE))
		return naccs_err_set(err, EPERM, "%s is for root peers",
				     naccs_proto_type_name(req->type));
	if (req->type == NACCS_MSG_ADMIN)
		return naccsd_admin(cfg, peer, req, resp, err);
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return naccs_err_set(err, ENOMEM, "out of memory");
	naccsd_ask_from(&a, peer, req, cfg);
	/* The invoker the su rule and every trail line of this decision name
	 * (rules/su.h); cleared before returning. */
	naccs_su_use_invoker(&a.inv);
	switch (req->type) {
	case NACCS_MSG_SESSION_OPEN:
	case NACCS_MSG_SESSION_CLOSE:
		rc = naccsd_decide_session(cfg, peer, req, resp, &a, d, err);
		break;
	case NACCS_MSG_PASSWORD_BEGIN:
	case NACCS_MSG_PASSWORD_CHANGE:
		rc = naccsd_decide_password(cfg, peer, req, resp, hold_ms, &a, d, err);
		break;
	default:
		rc = naccsd_decide_auth(cfg, peer, req, resp, hold_ms, &a, d, err);
		break;
	}
	naccs_su_use_invoker(NULL);
	naccs_wipe(d, sizeof(*d));
	free(d);
	naccs_wipe(&a, sizeof(a));
	return rc;
}
