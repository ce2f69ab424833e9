/* Switching to a shared administrator ID (UTS-2.2.1.1(1)(g)(カ)).
 *
 * A shared ID marked admin (root, once registered with
 * naccsctl user add --shared --admin --adopt-local, and any other shared
 * admin ID of the store) is never a way in by itself:
 *  - on a service not listed in [su] switch_services (login, sshd, gdm,
 *    ...) the account phase refuses it: no direct login, key logins
 *    included;
 *  - on a switch service (su, su-l, and any other listed: sudo, pkexec ...)
 *    it is allowed only when the invoking person is an active individual ID
 *    (not shared, not locked, suspended or retired, password not expired)
 *    named by [su] allow_ids or a member of a store group named by
 *    [su] allow_groups; or, for a target that has [su] target_NAME
 *    entries, named by the ids= or a member of the groups= of one of its
 *    entries (the global lists then do not apply to that target).
 * The same verdict is applied again when a session opens on a switch
 * service (sudo sets PAM_USER to the target only then).
 * The invoker is the real uid of the calling process and the audit login
 * uid (/proc/self/loginuid); when the login uid is set the two must agree
 * (else refused).  Never getlogin() or PAM_RUSER: those are claims of the
 * application.  The verdict names the individual (login, user code,
 * identifying number, uid) and the target for the one event of the
 * decision.
 * Here: the invoker, the lists of names, the [su] target_NAME entries.  The
 * decision, which reads the store and resolves names, is the policy's
 * (policy/su.h); the [su] lists of services are read by policy/settings.h. */
#ifndef NACCS_SU_H
#define NACCS_SU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/name.h"
#include "rules/access.h"

struct naccs_su_invoker {
	uint32_t uid;	   /* real uid of the calling process */
	bool has_loginuid; /* the audit login uid is set */
	uint32_t loginuid;
};

/* The invoker of this process: getuid() and /proc/self/loginuid (unset
 * when unreadable or (uid_t)-1).  A test build (--enable-test-hooks) also
 * honours NACCS_TEST_INVOKER_UID and NACCS_TEST_LOGINUID ("unset" or a
 * number), read with secure_getenv; an installed module has no such
 * hook. */
void naccs_su_read_invoker(struct naccs_su_invoker *inv);

/* A service deciding for a peer (naccsd) names the invoker of the request
 * it decides: until naccs_su_use_invoker(NULL), naccs_su_read_invoker in
 * this thread gives inv (copied) instead of this process's own, so the su
 * rule and every trail line name the peer, never the service.  Thread-local:
 * each worker of the service sets its own.  (A later step of issue 18
 * carries the invoker in struct naccs_request instead.) */
void naccs_su_use_invoker(const struct naccs_su_invoker *inv);

/* The next name of a list (names separated by spaces, commas or tabs) at
 * *p into out (skipped when too long to be one, outlen bytes with the
 * NUL); false at the end. */
bool naccs_su_next_name(const char **p, char *out, size_t outlen);

/* Is service one of the names of list ([su] switch_services,
 * job_services)? */
bool naccs_su_service_listed(const char *list, const char *service);

/* One [su] target_NAME entry: "TARGET [groups=G1,G2] [ids=ID1,ID2]",
 * words separated by spaces, lists by commas, at least one list.  TARGET
 * and the IDs are resolved by the one resolver (policy/resolve.h) when a
 * decision is made, so the NACCS form works as at a login prompt. */
struct naccs_su_target {
	char target[NACCS_LOGIN_MAX + 8];
	char groups[NACCS_ACCESS_TEXT_MAX];
	char ids[NACCS_ACCESS_TEXT_MAX];
};

/* Parse text into *out: 0, or -EINVAL with why in err (no location). */
int naccs_su_target_parse(const char *text, struct naccs_su_target *out, struct naccs_err *err);

#endif
