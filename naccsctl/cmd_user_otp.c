/* naccsctl user: one-time passwords, for user add and user passwd: made,
 * hashed and shown only once. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "naccs_hash.h"
#include "naccs_i18n.h"
#include "naccs_secret.h"
#include "naccsctl.h"
#include "cmd_user.h"

/* UTS-2.2.1.3(2)(a): a random initial secret, changed at first logon.  The
 * value is hashed here and shown once by the caller; only the hash reaches
 * the store (UTS-2.2.1.1(1)(e)(イ)). */
int user_new_otp(struct ctl_ctx *ctx, char otp[CTL_OTP_LEN + 1], char phc[NACCS_PHC_MAX])
{
	struct naccs_err err;
	int rc;

	rc = ctl_make_otp(otp, CTL_OTP_LEN + 1);
	if (rc < 0) {
		ctl_error(_("cannot generate a one-time password: %s"), strerror(-rc));
		return CTL_EXIT_FAIL;
	}
	naccs_err_clear(&err);
	rc = naccs_hash_new(&ctx->cfg.hash, otp, phc, &err);
	if (rc < 0) {
		naccs_wipe(otp, CTL_OTP_LEN + 1);
		naccs_wipe(phc, NACCS_PHC_MAX);
		ctl_error(_("cannot hash the one-time password: %s"), err.msg);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

int user_show_otp(const struct ctl_ctx *ctx, const struct naccs_identity *id, const char *otp,
		  const char *what)
{
	char uid_text[32];
	int rc;

	user_id_text(id, uid_text, sizeof(uid_text));
	if (ctx->json) {
		printf("{\"login\":");
		ctl_json_str(stdout, id->login);
		printf(",\"user_code\":");
		ctl_json_str(stdout, id->user_code[0] != '\0' ? id->user_code : NULL);
		printf(",\"id_number\":");
		ctl_json_str(stdout, id->id_number[0] != '\0' ? id->id_number : NULL);
		printf(",\"uid\":%lu,\"gid\":%lu,\"kind\":\"%s\",\"admin\":%s,",
		       (unsigned long)id->uid, (unsigned long)id->gid, user_kind_name(id->kind),
		       id->admin ? "true" : "false");
		/* The alphabet has no character JSON would need to escape. */
		rc = ctl_print_secret("\"one_time_password\":\"%s\",", otp);
		printf("\"must_change\":true}\n");
		return rc;
	}
	printf(_("%s %s (%s), uid %lu, gid %lu, %s%s\n"), what, id->login, uid_text,
	       (unsigned long)id->uid, (unsigned long)id->gid,
	       id->kind == NACCS_KIND_SHARED ? _("shared ID") : _("individual ID"),
	       id->admin ? _(", administrator") : "");
	rc = ctl_print_secret(_("one-time password: %s\n"), otp);
	printf(_("It must be changed at first login and is shown only now.\n"));
	return rc;
}
