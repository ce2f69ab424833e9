/* pam_sm_authenticate and pam_sm_acct_mgmt through naccsd (pam_client.h):
 * AUTH_GATE (a root peer's switch services, before the prompt), the
 * prompt, AUTHENTICATE with the repeat cache (pam_once.c); ACCOUNT.  An
 * unprivileged peer (a screen locker) asks the same of naccsd for its own
 * ID, where naccs_chkpwd (pam_chkpwd.c) decided in-process. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "base/i18n.h"
#include "policy/policy.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "pam_call.h"
#include "pam_client.h"
#include "pam_once.h"

/* After the prompt: AUTHENTICATE, with the repeat cache (pam_once.c). */
static int authenticate(struct client *c, const char *tok)
{
	char prior[NACCS_GENERATION_MAX];
	const char *gen = NULL;
	bool repeat = pam_once_prior_generation(c->pamh, c->user, tok, prior, sizeof(prior));
	struct client_req x = {.password = tok, .prior = repeat ? prior : NULL};
	enum reach r = client_exchange(c, NACCS_MSG_AUTHENTICATE, &x);
	int rv;

	if (r != REACH_ANSWERED)
		return pam_auth_code(client_fallback(c, "auth", r == REACH_BUSY));
	rv = pam_auth_code(c->outcome);
	/* A wrong password a verification found (naccsd says so with the
	 * generation it holds for): the same token again in this handle
	 * asks naccsd not to count it twice (UTS-2.2.1.1(1)(g)(ウ)). */
	if ((rv == PAM_AUTH_ERR || rv == PAM_USER_UNKNOWN) &&
	    naccs_msg_get_str(c->m, NACCS_TAG_GENERATION, &gen, NULL) == 0)
		pam_once_remember_failure(c->pamh, c->user, tok, rv, gen);
	client_show(c);
	if (rv == PAM_SUCCESS)
		rv = client_set_login(c);
	return rv;
}

int pam_client_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct client c;
	const char *tok = NULL;
	enum reach r = REACH_ANSWERED;
	int rv = client_begin(&c, pamh, flags, argc, argv, PHASE_AUTH);

	if (rv != PAM_SUCCESS)
		return client_end(&c, rv);
	/* A switch to a shared admin ID that the invoker may not make: refused
	 * before any prompt, nothing counted (UTS-2.2.1.1(1)(g)(カ), #16).  A
	 * root peer's request only (switch services run as root).  naccsd's
	 * store out of reach (UNAVAILABLE, NOT_MANAGED) refuses nothing here:
	 * the same prompt for everybody, then AUTHENTICATE decides. */
	if (c.root) {
		r = client_exchange(&c, NACCS_MSG_AUTH_GATE, NULL);
		rv = r == REACH_ANSWERED && c.outcome != NACCS_OUT_UNAVAILABLE &&
			     c.outcome != NACCS_OUT_NOT_MANAGED
			 ? pam_auth_code(c.outcome)
			 : PAM_SUCCESS;
		if (rv != PAM_SUCCESS) {
			client_show(&c);
			return client_end(&c, rv);
		}
	}
	/* Same prompt for everybody, naccsd reachable or not; a conversation
	 * error is never counted as a wrong password (UTS-2.2.1.1(1)(g)(ウ)). */
	rv = pam_get_authtok(pamh, PAM_AUTHTOK, &tok, _("Password: "));
	if (rv != PAM_SUCCESS || tok == NULL)
		return client_end(&c, rv == PAM_SUCCESS ? PAM_AUTH_ERR : rv);
	/* Without the gate's answer (unreachable, busy), the index decides
	 * (after the prompt, as in-process without the store). */
	if (r != REACH_ANSWERED)
		return client_end(&c, pam_auth_code(client_fallback(&c, "auth", r == REACH_BUSY)));
	return client_end(&c, authenticate(&c, tok));
}

int pam_client_account(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct client c;
	enum reach r;
	int rv = client_begin(&c, pamh, flags, argc, argv, PHASE_OTHER);

	if (rv != PAM_SUCCESS)
		return client_end(&c, rv);
	r = client_exchange(&c, NACCS_MSG_ACCOUNT, NULL);
	if (r != REACH_ANSWERED)
		return client_end(
		    &c, pam_account_code(client_fallback(&c, "account", r == REACH_BUSY)));
	rv = pam_account_code(c.outcome);
	client_show(&c);
	return client_end(&c, rv);
}
