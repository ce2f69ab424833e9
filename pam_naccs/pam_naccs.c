/* pam_naccs.so: the PAM entry points. A thin adapter: PAM items in, one call
 * into the policy layer (common/naccs_policy.c), PAM_* codes out. Never exits
 * or aborts the host; any store or config problem fails closed. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "naccs_i18n.h"
#include "naccs_policy.h"
#include "naccs_secret.h"
#include "pam_args.h"

#define EXPORT __attribute__((visibility("default")))

static const char *item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

static void request_from(pam_handle_t *pamh, const char *user, struct naccs_request *req)
{
	req->user = user;
	req->service = item(pamh, PAM_SERVICE);
	req->tty = item(pamh, PAM_TTY);
	req->rhost = item(pamh, PAM_RHOST);
	req->ruser = item(pamh, PAM_RUSER);
}

static void tell_user(pam_handle_t *pamh, const struct pam_naccs_opts *o,
		      const struct naccs_decision *d)
{
	if (!o->quiet && d->message[0] != '\0')
		pam_error(pamh, "%s", d->message);
}

static int open_policy(pam_handle_t *pamh, const struct pam_naccs_opts *o, struct naccs_policy *pol,
		       int unavailable_rc)
{
	struct naccs_err err;

	naccs_err_clear(&err);
	if (naccs_policy_open(pol, &o->cfg, &err) < 0) {
		pam_syslog(pamh, LOG_ERR, "credential store unavailable, failing closed: %s",
			   err.msg);
		return unavailable_rc;
	}
	return PAM_SUCCESS;
}

static int auth_code(enum naccs_outcome o)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return PAM_SUCCESS;
	case NACCS_OUT_UNAVAILABLE:
		return PAM_AUTHINFO_UNAVAIL;
	default: /* wrong password, unknown, locked, suspended, retired */
		return PAM_AUTH_ERR;
	}
}

EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pam_naccs_opts o;
	struct naccs_policy pol = {0};
	struct naccs_decision d;
	struct naccs_request req = {0};
	struct naccs_err err;
	const char *user = NULL, *tok = NULL;
	int rv;

	naccs_i18n_init();
	naccs_err_clear(&err);
	memset(&d, 0, sizeof(d));
	rv = pam_naccs_load_opts(pamh, flags, argc, argv, &o);
	if (rv != PAM_SUCCESS)
		goto out;
	if (!o.nodelay && o.cfg.fail_delay_ms > 0)
		pam_fail_delay(pamh, o.cfg.fail_delay_ms * 1000u);
	rv = pam_get_user(pamh, &user, NULL);
	if (rv != PAM_SUCCESS || user == NULL || user[0] == '\0') {
		rv = rv == PAM_SUCCESS ? PAM_USER_UNKNOWN : rv;
		goto out;
	}
	rv = open_policy(pamh, &o, &pol, PAM_AUTHINFO_UNAVAIL);
	if (rv != PAM_SUCCESS)
		goto out;
	/* Same prompt for everybody, known or not. pam_get_authtok() honours
	 * use_first_pass / try_first_pass and keeps the token for the stack. */
	rv = pam_get_authtok(pamh, PAM_AUTHTOK, &tok, _("Password: "));
	if (rv != PAM_SUCCESS || tok == NULL) {
		rv = rv == PAM_SUCCESS ? PAM_AUTH_ERR : rv;
		goto out;
	}
	request_from(pamh, user, &req);
	rv = auth_code(naccs_policy_authenticate(&pol, &req, tok, &d, &err));
	if (d.outcome == NACCS_OUT_UNAVAILABLE)
		pam_syslog(pamh, LOG_ERR, "authentication failed closed: %s", err.msg);
	tell_user(pamh, &o, &d);
	/* From here on the stack knows the user by the canonical login. */
	if (rv == PAM_SUCCESS && strcmp(user, d.identity.login) != 0 &&
	    pam_set_item(pamh, PAM_USER, d.identity.login) != PAM_SUCCESS)
		rv = PAM_SYSTEM_ERR;
out:
	naccs_policy_close(&pol);
	naccs_wipe(&d, sizeof(d));
	naccs_wipe(&err, sizeof(err));
	return rv;
}

EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* A password check leaves no credentials to establish or delete. */
	return PAM_SUCCESS;
}

static int account_code(enum naccs_outcome o)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return PAM_SUCCESS;
	case NACCS_OUT_UNKNOWN:
		return PAM_USER_UNKNOWN;
	case NACCS_OUT_RETIRED:
		return PAM_ACCT_EXPIRED;
	case NACCS_OUT_CHANGE_REQUIRED:
		return PAM_NEW_AUTHTOK_REQD;
	case NACCS_OUT_UNAVAILABLE:
		return PAM_SYSTEM_ERR;
	default: /* locked, suspended */
		return PAM_PERM_DENIED;
	}
}

EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pam_naccs_opts o;
	struct naccs_policy pol = {0};
	struct naccs_decision d;
	struct naccs_request req = {0};
	struct naccs_err err;
	const char *user = NULL;
	int rv;

	naccs_i18n_init();
	naccs_err_clear(&err);
	memset(&d, 0, sizeof(d));
	rv = pam_naccs_load_opts(pamh, flags, argc, argv, &o);
	if (rv != PAM_SUCCESS)
		goto out;
	rv = pam_get_user(pamh, &user, NULL);
	if (rv != PAM_SUCCESS || user == NULL || user[0] == '\0') {
		rv = PAM_USER_UNKNOWN;
		goto out;
	}
	rv = open_policy(pamh, &o, &pol, PAM_SYSTEM_ERR);
	if (rv != PAM_SUCCESS)
		goto out;
	request_from(pamh, user, &req);
	rv = account_code(naccs_policy_account(&pol, &req, &d, &err));
	if (d.outcome == NACCS_OUT_UNAVAILABLE)
		pam_syslog(pamh, LOG_ERR, "account check failed closed: %s", err.msg);
	tell_user(pamh, &o, &d);
out:
	naccs_policy_close(&pol);
	naccs_wipe(&d, sizeof(d));
	return rv;
}

/* The password and session types arrive with their own issues; until then
 * the module stays out of those stacks' way. */
EXPORT int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}
