/* naccsctl user passwd: an administrator's reset to a new one-time
 * password: the change user.reset (policy/admin.h), sent to naccsd when it
 * runs, else made here (ctl_client.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "policy/admin.h"
#include "store/store.h"
#include "ctl.h"
#include "ctl_store.h"
#include "cmd_user.h"

/* The ID as the one-time password's lines show it.  Made by the service:
 * read here (read-only); the password is shown whatever that read says. */
static void shown_id(struct ctl_ctx *ctx, bool remote, const struct naccs_admin_outcome *o,
		     struct naccs_identity *id)
{
	struct naccs_identity full;
	struct naccs_err err;

	*id = o->id;
	if (!remote)
		return;
	naccs_err_clear(&err);
	if (ctl_open_store(ctx, true) == CTL_EXIT_OK &&
	    naccs_store_find(ctx->store, ctl_deadline(ctx), o->id.login, &full, &err) == 0 &&
	    full.uid == o->id.uid)
		*id = full;
	ctl_close_store(ctx);
}

/* An administrator's reset: a new random one-time value that must be
 * changed at next login; never read from argv or the environment
 * (UTS-2.2.1.1(1)(e)(イ)).  The change holds no password: it is made by
 * whoever applies the change and given back to this run only. */
int user_passwd(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_admin_change c = {.op = NACCS_ADMIN_RESET};
	struct naccs_admin_outcome o;
	struct naccs_identity id;
	bool remote = false;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = user_login_json_args(ctx, "user passwd", argc, argv, &c.target);
	if (rc == CTL_EXIT_OK)
		rc = user_admin_run(ctx, &c, &o, &remote);
	if (rc == CTL_EXIT_OK)
		rc = user_admin_refusal(&c, &o);
	if (rc < 0) { /* done: a reset is never "unchanged" */
		shown_id(ctx, remote, &o, &id);
		rc = o.event_failed && o.event_denied ? CTL_EXIT_FAIL : CTL_EXIT_OK;
		if (user_show_otp(ctx, &id, o.otp, _("password reset for"), NULL) < 0)
			rc = CTL_EXIT_FAIL;
	}
	naccs_wipe(&o, sizeof(o));
	return rc;
}
