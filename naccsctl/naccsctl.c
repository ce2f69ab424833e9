/* naccsctl: main, global options, command dispatch and usage texts. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "ctl_client.h"
#include "ctl_store.h"
#include "ctl.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif
#ifndef PACKAGE_NAME
#define PACKAGE_NAME "naccs-auth"
#endif

enum {
	OPT_CONF = 0x100,
	OPT_STORE,
	OPT_SET,
	OPT_OWNER,
	OPT_JSON,
	OPT_VERSION,
	OPT_SOCKET,
};

static int cmd_help(struct ctl_ctx *ctx, int argc, char **argv);

struct ctl_command {
	const char *name;
	ctl_cmd_fn fn;
	bool needs_config; /* load the configuration before running */
	void (*usage)(FILE *out);
};

static void usage_user_all(FILE *out)
{
	ctl_usage_user(out, NULL);
}

static const struct ctl_command commands[] = {
    {"init", cmd_init, true, ctl_usage_init},
    {"upgrade", cmd_upgrade, true, ctl_usage_upgrade}, /* cmd_store.c */
    {"store", cmd_store, true, ctl_usage_store},       /* cmd_store.c */
    {"config", cmd_config, false, ctl_usage_config},
    {"user", cmd_user, true, usage_user_all},
    {"group", cmd_group, true, ctl_usage_group},
    {"index", cmd_index, true, ctl_usage_index}, /* cmd_index.c */
    {"audit", cmd_audit, true, ctl_usage_audit}, /* cmd_audit.c */
    {"help", cmd_help, false, ctl_usage_main},
};

static const struct ctl_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void ctl_usage_main(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] COMMAND [ARGS]\n"), CTL_PROG);
	fputs(_("Administer NACCS workstation IDs (naccs-auth).\n"
		"\n"
		"Commands:\n"
		"  init                    create the audit trail, the state directory\n"
		"                          and the store\n"
		"  upgrade                 bring the store to this version's schema\n"
		"  store check             check the store without changing it\n"
		"  config check [FILE]     validate a configuration file\n"
		"  config show --effective every key, its value and where it came from\n"
		"  user add ...            issue an ID with a one-time password\n"
		"  user passwd LOGIN       reset the password to a new one-time password\n"
		"  user show LOGIN         show an ID, its state and its registry lines\n"
		"  user list [FILTERS]     list IDs (review of unneeded IDs)\n"
		"  user lock|unlock LOGIN  lock or unlock an ID\n"
		"  user failures LOGIN     list the failed login attempts on an ID\n"
		"  user suspend LOGIN --reason R, user unsuspend LOGIN\n"
		"  user retire LOGIN       retire an ID for good (tombstone)\n"
		"  user expire LOGIN       force a password change at the next login\n"
		"  user staff-number LOGIN NUMBER  record whose individual ID it is\n"
		"  group add|del|list|show ...  groups of the store (named by access rules)\n"
		"  group member add|remove GROUP LOGIN\n"
		"  index rebuild|check     the public identity index NSS reads\n"
		"  audit verify [--key KEY|-]  check the audit trail's chain and MACs\n"
		"  audit export --since DATE --until DATE  logins, su and sessions of IDs (CSV)\n"
		"  audit report --since DATE --until DATE  the events grouped: failures,\n"
		"                          locks, switches, refusals, timeline\n"
		"  audit prune             delete trail files past retention_days\n"
		"  audit name-tag          the tag a typed name is written as (stdin)\n"
		"  help [COMMAND]          show help\n"
		"\n"
		"Options (before the command):\n"
		"  --conf FILE             configuration file (default: see below)\n"
		"  --store PATH            store to use (overrides store.path)\n"
		"  --set SECTION.KEY=VALUE override one configuration key (repeatable)\n"
		"  --owner UID             expected owner of trusted files (default 0)\n"
		"  --json                  JSON output where available\n"
		"  -h, --help              show this help\n"
		"  --version               show the version\n"
		"\n"
		"LOGIN may be the login name or a NACCS user ID (ABCDE001, ABCDE-001).\n"
		"\n"
		"Exit status: 0 ok, 1 operation failed, 2 usage error, 3 no such ID,\n"
		"4 store unavailable.\n"),
	      out);
	fprintf(out, _("Default configuration file: %s\n"), NACCS_DEFAULT_CONF);
	/* ctl_client.h: the rule. */
	fprintf(out,
		_("\nThe service (naccsd):\n"
		  "  --socket PATH           its socket (else $NACCSCTL_SOCKET, else\n"
		  "                          %s when no --conf,\n"
		  "                          --store or --set is given)\n"
		  "user lock, unlock, suspend, unsuspend, expire, retire, staff-number and\n"
		  "passwd, and group add, del and member add|remove go through naccsd when\n"
		  "it listens there; with the service stopped naccsctl makes the change\n"
		  "itself.  user add, init, upgrade and store check always run here.\n"),
		CTL_SOCKET_DEFAULT);
}

void ctl_usage_init(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] init [--force-dirs]\n"), CTL_PROG);
	fputs(_("Create the state directory and an empty store (mode 0600), and the\n"
		"configuration directory if it is missing.  An existing store or\n"
		"configuration is never overwritten: an existing store is upgraded\n"
		"if needed, and a damaged one is reported and left untouched.\n"
		"\n"
		"  --force-dirs   also create missing parent directories\n"),
	      out);
}

void ctl_usage_upgrade(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] upgrade [--package]\n"), CTL_PROG);
	fputs(_("Bring the store up to the schema version this naccs-auth needs, and\n"
		"switch it to WAL mode if it is not. Logins never do this: until it is\n"
		"done they fail closed with a message naming this command. A damaged\n"
		"store is reported and left untouched (see 'store check'). A store\n"
		"from before the audit trail gets its trail, as 'init' makes it (the\n"
		"verification key is printed once); an existing trail is left as it is.\n"
		"Each schema step is one transaction; the upgrade is an audit trail line.\n"
		"\n"
		"  --package   what the package's postinst runs: without a store, do\n"
		"              nothing (exit 0); without an audit trail, change nothing\n"
		"              and create no trail (exit 4: run 'naccsctl upgrade')\n"),
	      out);
}

void ctl_usage_store(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] store check\n"), CTL_PROG);
	fputs(_("Check the store without changing it: owner and mode of the store and\n"
		"its -wal and -shm files, the file header, WAL mode, the schema version\n"
		"and the database's full integrity check. Says what to do about any\n"
		"problem.\n"
		"\n"
		"Exit status: 0 healthy, 1 a problem was found, 2 usage error,\n"
		"4 naccsctl may not read the store.\n"),
	      out);
}

void ctl_usage_config(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] config check [FILE]\n"), CTL_PROG);
	fprintf(out, _("       %s [OPTIONS] config show --effective [--json]\n"), CTL_PROG);
	fputs(_("check: validate a configuration file (default: the --conf file) and\n"
		"report every error and warning in one run, each as\n"
		"FILE:LINE: error|warning: MESSAGE, then their count; exit 1 if there is\n"
		"an error.  A FILE other than the configured one is a draft: where it\n"
		"lies, a location the PAM module would not trust is only a warning.\n"
		"show --effective: print every key with its resolved value and where it\n"
		"came from (built-in default, policy profile, FILE:LINE, command line).\n"),
	      out);
}

static const struct {
	const char *name;
	const char *text;
} user_usage[] = {
    {"add", N_("user add --user-code CODE --id-number NUMBER [--login NAME]\n"
	       "         [--shared] [--admin] [--uid UID] [--gid GID] [--name GECOS]\n"
	       "         [--home DIR] [--shell SHELL] [--issued-to PERSON] [--json]\n"
	       "         [--staff-number N [--allow-second-id REASON]]\n"
	       "         [--approval REF] [--adopt-local] [--no-create-home]\n"
	       "         [--allow-system-gid REASON]\n"
	       "    Issue an ID. Individual IDs need a user code and identifying\n"
	       "    number; shared IDs (--shared) need --login and --approval REF\n"
	       "    (who authorised it). Prints a one-time password, shown only\n"
	       "    once, to be changed at first login.\n"
	       "    --staff-number: the person's staff number; a second active\n"
	       "    individual ID with the same number is refused unless\n"
	       "    --allow-second-id gives the reason (recorded).\n"
	       "    The home directory is created from identity.skel unless\n"
	       "    --no-create-home (or identity.create_home = no).\n"
	       "    Uids, logins and groups the system already has (NSS) are not\n"
	       "    issued; --shared --adopt-local registers an existing local\n"
	       "    account (e.g. root) with its own uid.\n"
	       "    A system group (gid 0, or up to SYS_GID_MAX of login.defs;\n"
	       "    not \"users\") as the ID's group is refused unless\n"
	       "    --allow-system-gid gives the reason (recorded in the trail).\n")},
    {"passwd", N_("user passwd LOGIN [--json]\n"
		  "    Reset the password to a new one-time password (shown once).\n")},
    {"show", N_("user show LOGIN [--json]\n"
		"    Show the ID, its state, its password's age, expiry and history\n"
		"    count, and its registry lines.\n")},
    {"list", N_("user list [--json | --csv] [--shared] [--admin] [--inactive DAYS]\n"
		"          [--never-logged-in] [--expired] [--locked] [--suspended]\n"
		"          [--retired] [--must-change] [--no-staff-number]\n"
		"    List IDs, for the periodic review of IDs no longer needed.\n"
		"    Filters combine: an ID is listed when every one given holds.\n"
		"    --shared: shared IDs.  --admin: administrator IDs.\n"
		"    --inactive N: no successful login in the last N days (never\n"
		"    logged in: counted from issue).  --never-logged-in: no\n"
		"    successful login ever.  --expired: IDs not retired whose\n"
		"    password is past password.max_age_days (as the login sees it),\n"
		"    with the date it expired; IDs forced by 'user expire' are\n"
		"    --must-change, retired IDs --retired.  --locked: IDs whose lock\n"
		"    is in force, with the time it was taken and the time it ends\n"
		"    (or \"unlock\": an administrator).  --no-staff-number: active\n"
		"    individual IDs that name no person (one ID per person).\n"
		"    --csv: RFC 4180 (header row, CRLF, times in UTC as\n"
		"    YYYY-MM-DDTHH:MM:SSZ); a text field starting with =, +, -, @,\n"
		"    TAB or CR gets a leading ' so that a spreadsheet shows it as\n"
		"    text and never runs it as a formula.\n")},
    {"lock", N_("user lock LOGIN [--reason REASON]\n"
		"    Lock the ID until an administrator unlocks it.\n")},
    {"unlock", N_("user unlock LOGIN\n"
		  "    Clear the lock (timed or not) and the failures counted towards\n"
		  "    the next one; the registry records who did it.\n")},
    {"failures", N_("user failures LOGIN [--since DATE] [--json]\n"
		    "    The failed login attempts on the ID (time, service, tty,\n"
		    "    source), oldest first.  DATE: YYYY-MM-DD[ HH:MM[:SS]] (local\n"
		    "    time) or seconds since the epoch.\n")},
    {"suspend", N_("user suspend LOGIN --reason REASON [--keep-sessions]\n"
		   "    Suspend the ID at once (e.g. a credential was exposed) and end\n"
		   "    its running sessions, the su and sudo shells of its person\n"
		   "    included (SIGTERM, SIGKILL after 5 s); --keep-sessions leaves\n"
		   "    them open.  The trail records what was ended.\n")},
    {"unsuspend", N_("user unsuspend LOGIN\n")},
    {"expire", N_("user expire LOGIN [--reason REASON]\n"
		  "    Force a password change at the next login (the password stays\n"
		  "    valid until then).\n")},
    {"staff-number", N_("user staff-number LOGIN NUMBER [--allow-second-id REASON]\n"
			"    Record (or correct) the staff number of an individual ID; the\n"
			"    rule of user add applies (one active ID per person).\n")},
    {"retire", N_("user retire LOGIN [--reason REASON] [--yes] [--keep-sessions]\n"
		  "    Retire the ID for good; it is never issued again. Asks for\n"
		  "    confirmation on a terminal; otherwise --yes is required.\n"
		  "    Its running sessions end as at suspend.\n")},
};

void ctl_usage_user(FILE *out, const char *sub)
{
	bool found = false;

	if (sub == NULL)
		fprintf(out, _("Usage: %s [OPTIONS] user COMMAND [ARGS]\n\nCommands:\n"), CTL_PROG);
	for (size_t i = 0; i < sizeof(user_usage) / sizeof(user_usage[0]); i++) {
		if (sub == NULL)
			fprintf(out, "  %s", _(user_usage[i].text));
		else if (strcmp(sub, user_usage[i].name) == 0)
			fprintf(out, _("Usage: %s [OPTIONS] %s"), CTL_PROG, _(user_usage[i].text));
		else
			continue;
		found = true;
	}
	if (!found) {
		ctl_usage_user(out, NULL);
		return;
	}
	if (sub == NULL)
		fputs(
		    _("\nLOGIN may be the login name or a NACCS user ID (ABCDE001, ABCDE-001).\n"),
		    out);
}

static int cmd_help(struct ctl_ctx *ctx, int argc, char **argv)
{
	const struct ctl_command *c;

	(void)ctx;
	if (argc < 2) {
		ctl_usage_main(stdout);
		return CTL_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (c == NULL)
		return ctl_usage_error("", _("unknown command '%s'"), argv[1]);
	if (c->fn == cmd_user && argc >= 3)
		ctl_usage_user(stdout, argv[2]);
	else
		c->usage(stdout);
	return CTL_EXIT_OK;
}

/* "CMD ... --help" anywhere before a "--": answered before the configuration
 * is loaded, so help works on a machine without one. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

static int command_help(const struct ctl_command *c, int argc, char **argv)
{
	if (c->fn == cmd_user && argc >= 2 && argv[1][0] != '-')
		ctl_usage_user(stdout, argv[1]);
	else
		c->usage(stdout);
	return CTL_EXIT_OK;
}

static int parse_global(struct ctl_ctx *ctx, int argc, char **argv, bool *done)
{
	static const struct option opts[] = {
	    {"conf", required_argument, NULL, OPT_CONF},
	    {"store", required_argument, NULL, OPT_STORE},
	    {"set", required_argument, NULL, OPT_SET},
	    {"owner", required_argument, NULL, OPT_OWNER},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"socket", required_argument, NULL, OPT_SOCKET},
	    {NULL, 0, NULL, 0},
	};
	unsigned long v;
	int c;

	opterr = 0;
	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONF:
			ctx->conf_path = optarg;
			ctx->conf_named = true;
			break;
		case OPT_STORE:
			ctx->store_path = optarg;
			break;
		case OPT_SET:
			if (ctx->n_set_args >= CTL_MAX_SET_ARGS)
				return ctl_usage_error("", _("too many --set options"));
			ctx->set_args[ctx->n_set_args++] = optarg;
			break;
		case OPT_OWNER:
			if (ctl_parse_uint(optarg, 4294967294UL, &v) < 0)
				return ctl_usage_error("", _("--owner: not a uid: '%s'"), optarg);
			ctx->owner = (uid_t)v;
			break;
		case OPT_JSON:
			ctx->json = true;
			break;
		case OPT_SOCKET:
			ctx->socket_path = optarg;
			break;
		case 'h':
			ctl_usage_main(stdout);
			*done = true;
			return CTL_EXIT_OK;
		case OPT_VERSION:
			printf("%s (%s) %s\n", CTL_PROG, PACKAGE_NAME, PACKAGE_VERSION);
			*done = true;
			return CTL_EXIT_OK;
		default:
			return ctl_bad_option("", c, argv, optind);
		}
	}
	return CTL_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct ctl_ctx ctx;
	const struct ctl_command *cmd;
	bool done = false;
	int rc;

	setlocale(LC_ALL, "");
	naccs_i18n_init();

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf_path = NACCS_DEFAULT_CONF;
	ctx.owner = 0;

	rc = parse_global(&ctx, argc, argv, &done);
	if (rc != CTL_EXIT_OK || done)
		return rc;
	if (optind >= argc)
		return ctl_usage_error("", _("no command given"));
	argc -= optind;
	argv += optind;

	cmd = find_command(argv[0]);
	if (cmd == NULL)
		return ctl_usage_error("", _("unknown command '%s'"), argv[0]);
	if (cmd->fn != cmd_help && wants_help(argc, argv))
		return command_help(cmd, argc, argv);

	ctl_actor_name(ctx.actor, sizeof(ctx.actor));
	if (cmd->needs_config) {
		rc = ctl_load_config(&ctx);
		if (rc != CTL_EXIT_OK)
			return rc;
	}
	rc = cmd->fn(&ctx, argc, argv);
	/* The one place the public identity index follows the store. */
	rc = ctl_index_after(&ctx, rc);
	ctl_close_store(&ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ctl_error(_("write error on standard output"));
		if (rc == CTL_EXIT_OK)
			rc = CTL_EXIT_FAIL;
	}
	return rc;
}
