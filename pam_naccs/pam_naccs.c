/* pam_naccs.so: the PAM entry points. A thin adapter: PAM items in, one call
 * into the policy layer (common/naccs_policy.c), PAM_* codes out. Never exits
 * or aborts the host; any store or config problem fails closed. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
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

/* Everything one PAM call works with; on the stack, no module-global state. */
struct call {
	struct pam_naccs_opts o;
	struct naccs_policy pol;
	struct naccs_request req;
	struct naccs_decision d;
	struct naccs_err err;
	bool store_open;
};

/* The common start of auth and account: options and config, the user, the
 * store.  A store that cannot be opened leaves c->store_open false, with
 * the reason in c->err; each caller decides what that means (fail closed). */
static int call_begin(pam_handle_t *pamh, int flags, int argc, const char **argv, struct call *c,
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
	rv = pam_get_user(pamh, &user, NULL);
	if (rv != PAM_SUCCESS)
		return rv;
	if (user == NULL || user[0] == '\0')
		return PAM_USER_UNKNOWN;
	request_from(pamh, user, &c->req);
	c->store_open = naccs_policy_open(&c->pol, &c->o.cfg, read_only, &c->err) == 0;
	if (!c->store_open)
		pam_syslog(pamh, LOG_ERR, "credential store unavailable: %s", c->err.msg);
	return PAM_SUCCESS;
}

/* After the policy decided: log a fail-closed reason, show the user's message. */
static void call_report(pam_handle_t *pamh, const struct call *c, const char *what)
{
	if (c->d.outcome == NACCS_OUT_UNAVAILABLE)
		pam_syslog(pamh, LOG_ERR, "%s failed closed: %s", what, c->err.msg);
	if (!c->o.quiet && c->d.message[0] != '\0')
		pam_error(pamh, "%s", c->d.message);
}

static int call_end(struct call *c, int rv)
{
	naccs_policy_close(&c->pol);
	naccs_wipe(&c->d, sizeof(c->d));
	naccs_wipe(&c->err, sizeof(c->err));
	return rv;
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
	struct call c;
	const char *tok = NULL;
	/* Authentication records the outcome: read-write. */
	int rv = call_begin(pamh, flags, argc, argv, &c, true, false);

	if (rv != PAM_SUCCESS)
		return call_end(&c, rv);
	if (!c.store_open) /* fail closed; the stack may go on to pam_unix */
		return call_end(&c, PAM_AUTHINFO_UNAVAIL);
	/* Same prompt for everybody, known or not. pam_get_authtok() honours
	 * use_first_pass / try_first_pass and keeps the token for the stack. */
	rv = pam_get_authtok(pamh, PAM_AUTHTOK, &tok, _("Password: "));
	if (rv != PAM_SUCCESS || tok == NULL)
		return call_end(&c, rv == PAM_SUCCESS ? PAM_AUTH_ERR : rv);
	rv = auth_code(naccs_policy_authenticate(&c.pol, &c.req, tok, &c.d, &c.err));
	call_report(pamh, &c, "authentication");
	/* From here on the stack knows the user by the canonical login. */
	if (rv == PAM_SUCCESS && strcmp(c.req.user, c.d.identity.login) != 0 &&
	    pam_set_item(pamh, PAM_USER, c.d.identity.login) != PAM_SUCCESS)
		rv = PAM_SYSTEM_ERR;
	return call_end(&c, rv);
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
	case NACCS_OUT_NOT_MANAGED:
		return PAM_IGNORE;
	default: /* locked, suspended */
		return PAM_PERM_DENIED;
	}
}

EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct call c;
	/* The account phase only reads: it opens the store read-only. */
	int rv = call_begin(pamh, flags, argc, argv, &c, false, true);

	if (rv != PAM_SUCCESS)
		return call_end(&c, rv);
	/* Without the store: fail closed for what may be a naccs ID, but leave
	 * the machine's own local accounts to the rest of the stack. */
	if (!c.store_open)
		rv = account_code(
		    naccs_policy_account_unavailable(&c.o.cfg, &c.req, &c.d, c.err.msg));
	else
		rv = account_code(naccs_policy_account(&c.pol, &c.req, &c.d, &c.err));
	call_report(pamh, &c, "account check");
	return call_end(&c, rv);
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
