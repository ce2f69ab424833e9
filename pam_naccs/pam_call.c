/* The small helpers every entry point of pam_naccs.so shares (pam_call.h). */
#include "config.h"

#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "naccs_i18n.h"
#include "naccs_secret.h"
#include "pam_call.h"

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
		c->req.service = item(pamh, PAM_SERVICE);
		call_prelogin(pamh, c);
	}
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

void call_report(pam_handle_t *pamh, const struct call *c, const char *what)
{
	if (c->d.outcome == NACCS_OUT_UNAVAILABLE)
		pam_syslog(pamh, LOG_ERR, "%s failed closed: %s", what, c->err.msg);
	if (!c->o.quiet && c->d.message[0] != '\0')
		pam_error(pamh, "%s", c->d.message);
}

int call_end(struct call *c, int rv)
{
	naccs_policy_close(&c->pol);
	naccs_wipe(&c->d, sizeof(c->d));
	naccs_wipe(&c->err, sizeof(c->err));
	return rv;
}
