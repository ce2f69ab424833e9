/* pam_naccs.so: the PAM entry points. A thin adapter: PAM items in, one call
 * into the policy layer (common/policy/policy.c), PAM_* codes out. Never exits
 * or aborts the host; any store or config problem fails closed. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "base/i18n.h"
#include "rules/notice.h"
#include "policy/policy.h"
#include "pam_call.h"
#include "pam_prelogin.h"
#include "pam_chkpwd.h"
#include "pam_client.h"
#include "pam_once.h"

/* pam_once's view of the ID now (naccs_policy_generation). */
static int generation_now(void *ctx, char *gen, size_t len)
{
	struct call *c = ctx;
	char g[NACCS_GENERATION_MAX];
	int rc = naccs_policy_generation(&c->pol, &c->req, g, &c->err);

	if (rc == 0)
		snprintf(gen, len, "%s", g);
	return rc;
}

/* The in-process decision (the store opened here).  Not inlined: its
 * struct call (~92 KB) must not be on the stack of a call that goes to
 * naccsd. */
static __attribute__((noinline)) int local_authenticate(pam_handle_t *pamh, int flags, int argc,
							const char **argv)
{
	struct call c;
	const char *tok = NULL;
	int rv;

	/* Neither root nor the store's owner: the store is out of reach, the
	 * setuid helper decides (pam_chkpwd.c, issue #11). */
	if (pam_chkpwd_needed(argc, argv))
		return pam_chkpwd_authenticate(pamh, flags, argc, argv);
	/* Authentication records the outcome: read-write. */
	rv = call_begin(pamh, flags, argc, argv, &c, true, false);
	if (rv != PAM_SUCCESS)
		return call_end(&c, rv);
	/* A switch to a shared admin ID that the invoker may not make: refused
	 * before any prompt, nothing counted (UTS-2.2.1.1(1)(g)(カ), #16).
	 * Without the store the identity index decides, after the prompt. */
	if (c.store_open) {
		rv = pam_auth_code(naccs_policy_auth_gate(&c.pol, &c.req, &c.d, &c.err));
		if (rv != PAM_SUCCESS) {
			call_report(pamh, &c, "authentication");
			return call_end(&c, rv);
		}
	}
	/* Same prompt for everybody, known or not, the store usable or not.
	 * pam_get_authtok() honours use_first_pass / try_first_pass and keeps
	 * the token for the stack. A conversation error or a prompt timeout is
	 * returned as it is and never counted as a wrong password
	 * (UTS-2.2.1.1(1)(g)(ウ)). */
	rv = pam_get_authtok(pamh, PAM_AUTHTOK, &tok, _("Password: "));
	if (rv != PAM_SUCCESS || tok == NULL)
		return call_end(&c, rv == PAM_SUCCESS ? PAM_AUTH_ERR : rv);
	if (!c.store_open) {
		/* A name the identity index does not hold (root, any local
		 * account) goes on to pam_unix with the token; a naccs ID,
		 * or any name without a trusted index, fails closed (issue
		 * 16). */
		rv = pam_auth_code(
		    naccs_policy_unavailable(&c.o.cfg, &c.req, "auth", &c.d, c.err.msg));
		call_report(pamh, &c, "authentication");
		return call_end(&c, rv);
	}
	/* The same wrong token again in this handle, in the same generation
	 * of the ID: counted once already, and answered as the first time. */
	rv = pam_once_already_failed(pamh, c.req.user, tok, generation_now, &c);
	if (rv != PAM_SUCCESS)
		return call_end(&c, rv);
	rv = pam_auth_code(naccs_policy_authenticate(&c.pol, &c.req, tok, &c.d, &c.err));
	/* Only what a verification found wrong (issue #16). */
	if ((rv == PAM_AUTH_ERR || rv == PAM_USER_UNKNOWN) && c.d.verified_wrong)
		pam_once_remember_failure(pamh, c.req.user, tok, rv, c.d.generation);
	call_report(pamh, &c, "authentication");
	if (rv == PAM_SUCCESS) /* notice_in_auth: services without sessions */
		prelogin_notices(pamh, &c.o.cfg, c.o.quiet, &c.d);
	/* From here on the stack knows the user by the canonical login. */
	if (rv == PAM_SUCCESS && strcmp(c.req.user, c.d.identity.login) != 0 &&
	    pam_set_item(pamh, PAM_USER, c.d.identity.login) != PAM_SUCCESS)
		rv = PAM_SYSTEM_ERR;
	return call_end(&c, rv);
}

EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* naccsd decides (pam_client.c, issue 18), or this process. */
	if (pam_client_wanted(argc, argv))
		return pam_client_authenticate(pamh, flags, argc, argv);
	return local_authenticate(pamh, flags, argc, argv);
}

EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* A password check leaves no credentials to establish or delete. */
	return PAM_SUCCESS;
}

/* The in-process account check (not inlined: as local_authenticate). */
static __attribute__((noinline)) int local_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
						     const char **argv)
{
	struct call c;
	int rv;

	/* Out of the store's reach: the helper's --account (pam_chkpwd.c). */
	if (pam_chkpwd_needed(argc, argv))
		return pam_chkpwd_account(pamh, flags, argc, argv);
	/* The account phase only reads: it opens the store read-only. */
	rv = call_begin(pamh, flags, argc, argv, &c, false, true);

	if (rv != PAM_SUCCESS)
		return call_end(&c, rv);
	/* Without the store: fail closed for what may be a naccs ID, but leave
	 * the machine's own local accounts to the rest of the stack. */
	if (!c.store_open)
		rv = pam_account_code(
		    naccs_policy_account_unavailable(&c.o.cfg, &c.req, &c.d, c.err.msg));
	else
		rv = pam_account_code(naccs_policy_account(&c.pol, &c.req, &c.d, &c.err));
	/* A service without sessions: the login counts now (issue #16). */
	if (rv == PAM_SUCCESS && c.store_open &&
	    naccs_policy_account_login(&c.o.cfg, &c.req, &c.d, &c.err) < 0)
		pam_syslog(pamh, LOG_ERR, "account check: login not recorded: %s", c.err.msg);
	call_report(pamh, &c, "account check");
	return call_end(&c, rv);
}

EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	if (pam_client_wanted(argc, argv))
		return pam_client_account(pamh, flags, argc, argv);
	return local_acct_mgmt(pamh, flags, argc, argv);
}

/* pam_sm_chauthtok: pam_chauthtok.c; the session type: pam_session.c. */
