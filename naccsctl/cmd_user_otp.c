/* naccsctl user: one-time passwords, for user add and user passwd: made,
 * hashed and shown only once. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "crypto/hash.h"
#include "base/i18n.h"
#include "base/json.h"
#include "policy/admin.h"
#include "base/secret.h"
#include "ctl.h"
#include "cmd_user.h"

/* UTS-2.2.1.3(2)(a): a random initial secret, changed at first logon, that
 * meets the same password rules as the user's own (UTS-2.2.1.1(1)(e)(ウ)).
 * The value is hashed here and shown once by the caller; only the hash
 * reaches the store (UTS-2.2.1.1(1)(e)(イ)). */
int user_new_otp(struct ctl_ctx *ctx, const struct naccs_identity *id, char otp[CTL_OTP_MAX + 1],
		 char phc[NACCS_PHC_MAX])
{
	struct naccs_err err;

	naccs_err_clear(&err);
	if (naccs_admin_new_otp(&ctx->cfg, id, otp, CTL_OTP_MAX + 1, phc, &err) < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

/* The JSON answer is built in a buffer on the stack and written straight
 * to stdout by ctl_print_secret, so no stdio buffer keeps the password;
 * the buffer is wiped on every path. */
static int show_otp_json(const struct naccs_identity *id, const char *otp, const char *notice)
{
	char buf[4096];
	struct naccs_json w;
	struct naccs_err err;
	int rc;

	naccs_json_init_buffer(&w, buf, sizeof(buf));
	naccs_json_object_begin(&w);
	naccs_json_member_string(&w, "login", id->login);
	user_json_text(&w, "user_code", id->user_code);
	user_json_text(&w, "id_number", id->id_number);
	naccs_json_member_uint(&w, "uid", id->uid);
	naccs_json_member_uint(&w, "gid", id->gid);
	naccs_json_member_string(&w, "kind", user_kind_name(id->kind));
	naccs_json_member_bool(&w, "admin", id->admin);
	naccs_json_member_string(&w, "one_time_password", otp);
	naccs_json_member_bool(&w, "must_change", true);
	if (notice != NULL)
		naccs_json_member_string(&w, "notice", notice);
	naccs_json_object_end(&w);
	naccs_err_clear(&err);
	rc = naccs_json_finish(&w, &err);
	if (rc < 0)
		ctl_error("%s", err.msg);
	else
		rc = ctl_print_secret("%s\n", buf);
	naccs_wipe(buf, sizeof(buf));
	return rc;
}

int user_show_otp(const struct ctl_ctx *ctx, const struct naccs_identity *id, const char *otp,
		  const char *what, const char *notice)
{
	char uid_text[32];
	int rc;

	if (ctx->json)
		return show_otp_json(id, otp, notice);
	user_id_text(id, uid_text, sizeof(uid_text));
	printf(_("%s %s (%s), uid %lu, gid %lu, %s%s\n"), what, id->login, uid_text,
	       (unsigned long)id->uid, (unsigned long)id->gid,
	       id->kind == NACCS_KIND_SHARED ? _("shared ID") : _("individual ID"),
	       id->admin ? _(", administrator") : "");
	rc = ctl_print_secret(_("one-time password: %s\n"), otp);
	printf(_("It must be changed at first login and is shown only now.\n"));
	if (notice != NULL)
		printf("%s", notice);
	return rc;
}
