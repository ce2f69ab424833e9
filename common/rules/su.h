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
 * decision. */
#ifndef NACCS_SU_H
#define NACCS_SU_H

#include <stdbool.h>
#include <stdint.h>

#include "config/conf.h"
#include "base/err.h"
#include "store/store.h"

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

/* Is target a shared admin ID, the targets this rule guards? */
bool naccs_su_gated(const struct naccs_identity *target);

/* Is service one of [su] switch_services? */
bool naccs_su_switch_service(const struct naccs_config *cfg, const char *service);

/* Is service one of [su] job_services (cron, atd: jobs of an account, run
 * without a login)?  Their account phase does not refuse a shared admin ID
 * as a direct login (root's cron jobs run); they never authenticate (auth
 * refuses a shared admin ID there as on any service that is no switch);
 * their session is no login (not recorded, not counted). */
bool naccs_su_job_service(const struct naccs_config *cfg, const char *service);

/* The policy's rule on an ID's state: NULL when usable, else a short
 * reason ("locked", "password-expired", ...). */
typedef const char *(*naccs_su_state_fn)(void *ctx, const struct naccs_account_state *st);

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

struct naccs_su_verdict {
	bool allow;
	bool unavailable;   /* the store failed: refuse (fail closed) */
	const char *reason; /* "su-allowed", "direct-login-shared-admin", "su-invoker-..." */
	bool invoker_known;
	struct naccs_identity invoker;
	const char *entry;		 /* the [su] target_NAME key that decided, NULL: global */
	char detail[NACCS_ERR_MSG_MAX];	 /* individual and target, for the event */
	char message[NACCS_ERR_MSG_MAX]; /* for the user ("" when allowed) */
};

/* Decide for a gated target on service.  Always fills *out; 0. */
int naccs_su_decide(struct naccs_store *st, naccs_deadline_t dl, const struct naccs_config *cfg,
		    const char *service, const struct naccs_identity *target,
		    const struct naccs_su_invoker *inv, naccs_su_state_fn usable, void *ctx,
		    struct naccs_su_verdict *out);

#endif
