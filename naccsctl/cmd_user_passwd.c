/* naccsctl user passwd: an administrator's reset to a new one-time
 * password. */
#include "config.h"

#include <stdio.h>

#include "crypto/hash.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "store/store.h"
#include "ctl.h"
#include "cmd_user.h"

/* An administrator's reset: a new random one-time value that must be
 * changed at next login; never read from argv or the environment
 * (UTS-2.2.1.1(1)(e)(イ)). */
int user_passwd(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	struct naccs_err err;
	char otp[CTL_OTP_MAX + 1];
	char phc[NACCS_PHC_MAX];
	const char *name;
	int rc;

	rc = user_login_json_args(ctx, "user passwd", argc, argv, &name);
	if (rc == CTL_EXIT_OK)
		rc = user_open_and_resolve(ctx, false, name, &id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (st.retired)
		return user_refuse_retired(ctx, "password-reset", &id);
	rc = user_new_otp(ctx, &id, otp, phc);
	if (rc != CTL_EXIT_OK)
		return rc;

	naccs_err_clear(&err);
	ctl_change_begin(ctx, "password-reset", &id, NULL, NULL);
	rc =
	    naccs_store_set_password(ctx->store, ctl_deadline(ctx), id.login, phc, true,
				     ctx->cfg.password.history, "password-reset", ctx->actor, &err);
	naccs_wipe(phc, sizeof(phc));
	if (ctl_change_end(ctx) != CTL_EXIT_OK) {
		rc = CTL_EXIT_UNAVAILABLE;
	} else if (rc < 0) {
		rc = ctl_report_store_error(ctx, "password-reset", rc, &err, &id, NULL);
	} else {
		rc = ctl_report_done(ctx, "password-reset", &id, NULL);
		if (user_show_otp(ctx, &id, otp, _("password reset for"), NULL) < 0)
			rc = CTL_EXIT_FAIL;
	}
	naccs_wipe(otp, sizeof(otp));
	return rc;
}
