/* What every PAM entry point of pam_naccs.so does around its one call into
 * the policy layer: options and config, the user, the store, the user's
 * message, cleaning up (pam_call.h). */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "base/i18n.h"
#include "policy/policy.h"
#include "base/secret.h"
#include "pam_call.h"
#include "pam_prelogin.h"

const char *pam_call_item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

void pam_call_request_from(pam_handle_t *pamh, const char *user, struct naccs_request *req)
{
	req->user = user;
	req->service = pam_call_item(pamh, PAM_SERVICE);
	req->tty = pam_call_item(pamh, PAM_TTY);
	req->rhost = pam_call_item(pamh, PAM_RHOST);
	req->ruser = pam_call_item(pamh, PAM_RUSER);
}

int call_begin(pam_handle_t *pamh, int flags, int argc, const char **argv, struct call *c,
	       bool with_fail_delay, bool read_only)
{
	const char *user = NULL;
	int rv;

	naccs_i18n_init();
	memset(c, 0, sizeof(*c));
	rv = pam_naccs_load_opts(pamh, flags, argc, argv, &c->o);
	if (rv != PAM_SUCCESS)
		return rv;
	if (with_fail_delay && !c->o.nodelay && c->o.cfg.fail_delay_ms > 0)
		pam_fail_delay(pamh, c->o.cfg.fail_delay_ms * 1000u);
	if (with_fail_delay) {
		c->req.service = pam_call_item(pamh, PAM_SERVICE);
		prelogin_show(pamh, &c->o.cfg, c->req.service);
	}
	rv = pam_get_user(pamh, &user, NULL);
	if (rv != PAM_SUCCESS)
		return rv;
	if (user == NULL || user[0] == '\0')
		return PAM_USER_UNKNOWN;
	pam_call_request_from(pamh, user, &c->req);
	/* Every event of this call goes to the trail of this configuration
	 * (UTS-2.2.1.4(1)(a)); its on_audit_failure decides (1)(b). */
	c->req.trail = &c->o.cfg;
	c->store_open = naccs_policy_open(&c->pol, &c->o.cfg, read_only, &c->err) == 0;
	if (!c->store_open)
		pam_syslog(pamh, LOG_ERR, "credential store unavailable: %s", c->err.msg);
	return PAM_SUCCESS;
}

void call_report(pam_handle_t *pamh, const struct call *c, const char *what)
{
	if (c->d.outcome == NACCS_OUT_UNAVAILABLE)
		pam_syslog(pamh, LOG_ERR, "%s failed closed: %s", what,
			   c->d.audit_refused ? "the audit trail cannot be written" : c->err.msg);
	if (c->o.quiet || c->d.message[0] == '\0')
		return;
	/* UTS-2.2.1.1(1)(c)(ア): an expiry warning or a change to make is
	 * information (PAM_TEXT_INFO); a refusal is an error. */
	if (c->d.outcome == NACCS_OUT_ALLOW || c->d.outcome == NACCS_OUT_CHANGE_REQUIRED)
		pam_info(pamh, "%s", c->d.message);
	else
		pam_error(pamh, "%s", c->d.message);
}

int call_end(struct call *c, int rv)
{
	naccs_policy_close(&c->pol);
	naccs_wipe(&c->d, sizeof(c->d));
	naccs_wipe(&c->err, sizeof(c->err));
	return rv;
}

int pam_auth_code(enum naccs_outcome o)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return PAM_SUCCESS;
	case NACCS_OUT_UNAVAILABLE:
		return PAM_AUTHINFO_UNAVAIL;
	case NACCS_OUT_UNKNOWN:
		/* No such ID here: "not mine", as in the account phase, so a
		 * stack with user_unknown=ignore goes on to pam_unix for the
		 * machine's own accounts. Same work and fail delay as a wrong
		 * password (naccs_policy_authenticate). */
		return PAM_USER_UNKNOWN;
	case NACCS_OUT_NOT_MANAGED:
		/* The store unavailable, and the identity index does not hold
		 * the name: not ours, the stack goes on (issue 16). */
		return PAM_IGNORE;
	default: /* wrong password, locked, suspended, retired */
		return PAM_AUTH_ERR;
	}
}

int pam_account_code(enum naccs_outcome o)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return PAM_SUCCESS;
	case NACCS_OUT_UNKNOWN:
		return PAM_USER_UNKNOWN;
	case NACCS_OUT_RETIRED:
	case NACCS_OUT_EXPIRED: /* password expired, grace period over */
		return PAM_ACCT_EXPIRED;
	case NACCS_OUT_CHANGE_REQUIRED:
		return PAM_NEW_AUTHTOK_REQD;
	case NACCS_OUT_UNAVAILABLE:
		return PAM_SYSTEM_ERR;
	case NACCS_OUT_NOT_MANAGED:
		return PAM_IGNORE;
	default: /* locked, suspended */
		return PAM_PERM_DENIED;
	}
}
