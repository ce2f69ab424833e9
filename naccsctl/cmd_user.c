/* naccsctl user ...: the dispatcher, and the arguments several subcommands
 * share.  Each action resolves the ID, does one store operation, reports
 * one "admin" event and prints one confirmation line; cmd_user.h says which
 * file holds each subcommand. */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "base/i18n.h"
#include "base/text.h"
#include "ctl.h"
#include "cmd_user.h"

enum {
	OPT_JSON = 0x100,
};

int user_one_login(const char *cmd, int argc, char **argv, const char **login)
{
	if (optind >= argc)
		return ctl_usage_error(cmd, _("missing LOGIN"));
	*login = argv[optind];
	return ctl_max_args(cmd, argc, argv, 1);
}

int user_login_json_args(struct ctl_ctx *ctx, const char *cmd, int argc, char **argv,
			 const char **login)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_JSON)
			return ctl_bad_option(cmd, c, argv, optind);
		ctx->json = true;
	}
	return user_one_login(cmd, argc, argv, login);
}

bool user_passwd_field_ok(const char *s)
{
	/* ':' separates passwd fields; controls and broken UTF-8 never belong. */
	return strchr(s, ':') == NULL && naccs_text_is_clean(s, strlen(s), 0);
}

static const struct {
	const char *name;
	ctl_cmd_fn fn;
} user_commands[] = {
    {"add", user_add},		 {"passwd", user_passwd},  {"show", user_show},
    {"list", user_list},	 {"lock", user_flag},	   {"unlock", user_flag},
    {"suspend", user_flag},	 {"unsuspend", user_flag}, {"retire", user_retire},
    {"failures", user_failures}, {"expire", user_flag},	   {"staff-number", user_staff_number},
};

int cmd_user(struct ctl_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("user", _("missing subcommand"));
	for (size_t i = 0; i < sizeof(user_commands) / sizeof(user_commands[0]); i++)
		if (strcmp(argv[1], user_commands[i].name) == 0)
			return user_commands[i].fn(ctx, argc - 1, argv + 1);
	return ctl_usage_error("user", _("unknown subcommand '%s'"), argv[1]);
}
