/* naccsctl user staff-number LOGIN NUMBER [--allow-second-id REASON]:
 * record (or correct) whose individual ID it is, under the rule of user
 * add: one active individual ID per person (UTS-2.2.1.3(2)(g)(ア)).  The
 * change user.staff-number (policy/admin.h), sent to naccsd when it runs,
 * else made here (ctl_client.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "policy/admin.h"
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
	struct naccs_admin_change c = {.op = NACCS_ADMIN_STAFF_NUMBER};
	struct naccs_admin_outcome o;
	bool remote;
	int rc = parse_staff_args(argc, argv, &c.target, &c.value, &c.reason);

	if (rc == CTL_EXIT_OK)
		rc = user_admin_run(ctx, &c, &o, &remote);
	if (rc == CTL_EXIT_OK)
		rc = user_admin_refusal(&c, &o);
	if (rc >= 0)
		return rc;
	printf(_("%s: staff number %s recorded\n"), o.id.login, c.value);
	return o.event_failed && o.event_denied ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
