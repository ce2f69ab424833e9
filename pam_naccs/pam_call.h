/* Private to pam_naccs.so: what its entry points (pam_naccs.c,
 * pam_chauthtok.c) share around their one call into the policy layer. */
#ifndef PAM_NACCS_CALL_H
#define PAM_NACCS_CALL_H

#include <stdbool.h>

#include <security/pam_modules.h>

#include "policy/policy.h"
#include "pam_args.h"

#define EXPORT __attribute__((visibility("default")))

/* Everything one PAM call works with; on the stack, no module-global state. */
struct call {
	struct pam_naccs_opts o;
	struct naccs_policy pol;
	struct naccs_request req;
	struct naccs_decision d;
	struct naccs_err err;
	bool store_open;
};

const char *pam_call_item(pam_handle_t *pamh, int type);
void pam_call_request_from(pam_handle_t *pamh, const char *user, struct naccs_request *req);

/* The common start of every entry point: options and config, the user, the
 * store.  with_fail_delay is the auth phase: it also sets the fail delay
 * and, before the first prompt (the login name's included), shows the
 * pre-login banner and the unencrypted-channel warning (pam_prelogin.c).
 * A store that cannot be opened leaves c->store_open false, with the
 * reason in c->err; each caller decides what that means (fail closed). */
int call_begin(pam_handle_t *pamh, int flags, int argc, const char **argv, struct call *c,
	       bool with_fail_delay, bool read_only);
/* After the policy decided: log a fail-closed reason, show the user's
 * message (an error, or information when the answer lets the user in or
 * asks for a change: expiry warnings, the administrator-reset notice). */
void call_report(pam_handle_t *pamh, const struct call *c, const char *what);
int call_end(struct call *c, int rv);

/* The PAM code of an authentication (account) outcome, the module's own
 * decision or naccs_chkpwd's. */
int pam_auth_code(enum naccs_outcome o);
int pam_account_code(enum naccs_outcome o);

#endif
