/* Switching to a shared administrator ID (UTS-2.2.1.1(1)(g)(カ)): the
 * decision, on the rules of rules/su.h (who may switch, and from where),
 * with what the store knows of the invoker and the [su] lists of
 * naccs.conf.  The verdict names the individual (login, user code,
 * identifying number, uid) and the target for the one event of the
 * decision. */
#ifndef NACCS_POLICY_SU_H
#define NACCS_POLICY_SU_H

#include <stdbool.h>

#include "config/conf.h"
#include "base/err.h"
#include "rules/lockout.h"
#include "rules/su.h"
#include "store/store.h"

/* Is target a shared admin ID, the targets this rule guards? */
bool naccs_su_gated(const struct naccs_identity *target);

/* The policy's rule on an ID's state: NULL when usable, else a short
 * reason ("locked", "password-expired", ...). */
typedef const char *(*naccs_su_state_fn)(void *ctx, const struct naccs_account_state *st);

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
