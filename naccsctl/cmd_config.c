/* naccsctl config check [FILE]: validate-only mode.  The file is read with
 * the same loader and trust checks as the PAM module uses, so a file that
 * passes here is one the module accepts. */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "naccs_config.h"
#include "naccs_i18n.h"
#include "naccsctl.h"

struct check_report {
	const char *file;
};

/* Print one diagnostic as "FILE:LINE: LEVEL: TEXT".  Messages from the
 * loader usually start with "FILE:LINE: "; any other message gets the file
 * name in front, so every line says where it comes from. */
static void print_diagnostic(const char *file, const char *level, const char *msg)
{
	size_t flen = strlen(file);
	const char *p = msg;

	if (strncmp(msg, file, flen) == 0 && msg[flen] == ':') {
		p = msg + flen + 1;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == ':') {
			int loclen = (int)(p - msg);

			p++;
			while (*p == ' ')
				p++;
			printf("%.*s: %s: %s\n", loclen, msg, level, p);
			return;
		}
		p = msg;
	}
	printf("%s: %s: %s\n", file, level, p);
}

static void on_warning(void *ctx, const char *msg)
{
	const struct check_report *rep = ctx;

	print_diagnostic(rep->file, _("warning"), msg);
}

static int config_check(struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {NULL, 0, NULL, 0},
	};
	struct naccs_config cfg;
	struct check_report rep = {0};
	struct naccs_err err;
	int c, rc;

	optind = 0;
	opterr = 0;
	c = getopt_long(argc, argv, ":", opts, NULL);
	if (c != -1)
		return ctl_bad_option("config", c, argv, optind);
	rc = ctl_max_args("config", argc, argv, 1);
	if (rc != CTL_EXIT_OK)
		return rc;
	rep.file = optind < argc ? argv[optind] : ctx->conf_path;

	naccs_err_clear(&err);
	naccs_config_defaults(&cfg);
	cfg.owner_uid = ctx->owner;
	/* A file to check must exist, even the default one. */
	rc = naccs_config_load(&cfg, rep.file, true, on_warning, &rep, &err);
	if (rc == 0)
		rc = naccs_config_validate(&cfg, &err);
	if (rc < 0) {
		print_diagnostic(rep.file, _("error"), err.msg);
		fflush(stdout);
		ctl_error(_("%s: the configuration has errors"), rep.file);
		return CTL_EXIT_FAIL;
	}
	printf(_("%s: OK\n"), rep.file);
	return CTL_EXIT_OK;
}

int cmd_config(struct ctl_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("config", _("missing subcommand (check)"));
	if (strcmp(argv[1], "check") == 0)
		return config_check(ctx, argc - 1, argv + 1);
	return ctl_usage_error("config", _("unknown subcommand '%s'"), argv[1]);
}
