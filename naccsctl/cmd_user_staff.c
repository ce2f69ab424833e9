/* naccsctl user staff-number LOGIN NUMBER [--allow-second-id REASON]:
 * record (or correct) whose individual ID it is, under the rule of user
 * add: one active individual ID per person (UTS-2.2.1.3(2)(g)(ア)). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "store/store.h"
#include "ctl.h"
#include "cmd_user.h"

enum {
	OPT_ALLOW_SECOND_ID = 0x100,
};

static int parse_staff_args(int argc, char **argv, const char **login, const char **number,
			    const char **reason)
{
	static const struct option opts[] = {
	    {"allow-second-id", required_argument, NULL, OPT_ALLOW_SECOND_ID},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_ALLOW_SECOND_ID)
			return ctl_bad_option("user staff-number", c, argv, optind);
		*reason = optarg;
	}
	if (argc - optind < 2)
		return ctl_usage_error("user staff-number", _("missing LOGIN or NUMBER"));
	*login = argv[optind];
	*number = argv[optind + 1];
	if (!naccs_store_staff_number_ok(*number))
		return ctl_usage_error("user staff-number",
				       _("not a staff number (printable text, at most %d bytes, "
					 "no ':')"),
				       NACCS_STAFF_MAX);
	if (*reason != NULL && (!user_passwd_field_ok(*reason) || (*reason)[0] == '\0' ||
				strlen(*reason) > NACCS_SECOND_ID_MAX))
		return ctl_usage_error("user staff-number", _("--allow-second-id: not a valid "
							      "reason"));
	optind++;
	return ctl_max_args("user staff-number", argc, argv, 1);
}

int user_staff_number(struct ctl_ctx *ctx, int argc, char **argv)
{
	const char *login = NULL, *number = NULL, *reason = NULL;
	struct naccs_identity id;
	struct naccs_err err;
	int rc = parse_staff_args(argc, argv, &login, &number, &reason);

	if (rc == CTL_EXIT_OK)
		rc = user_open_and_resolve(ctx, false, login, &id, NULL);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	ctl_change_begin(ctx, "staff-number", &id, NULL, number);
	rc = naccs_store_set_staff_number(ctx->store, ctl_deadline(ctx), id.login, number, reason,
					  ctx->actor, &err);
	if (ctl_change_end(ctx) != CTL_EXIT_OK)
		return CTL_EXIT_UNAVAILABLE;
	if (rc == -ENOTUNIQ) {
		ctl_error("%s: %s", id.login, err.msg);
		ctl_error(_("to record it anyway, add --allow-second-id REASON (the reason is "
			    "recorded in the registry)"));
		ctl_emit(ctx, "staff-number", "error", "second-id", &id, NULL, number);
		return CTL_EXIT_FAIL;
	}
	if (rc < 0)
		return ctl_report_store_error(ctx, "staff-number", rc, &err, &id, number);
	printf(_("%s: staff number %s recorded\n"), id.login, number);
	return ctl_report_done(ctx, "staff-number", &id, number);
}
