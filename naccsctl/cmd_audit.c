/* naccsctl audit: verify the trail (UTS-2.2.1.4(1)(c), (d)(ア)), export the
 * logins, switches and sessions of issued IDs (the access log; the NACCS
 * message log of NACCS-T7-3-2 needs message-level records, which the trail
 * does not hold yet), report and prune. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/trail.h"
#include "base/csv.h"
#include "base/i18n.h"
#include "base/name.h"
#include "audit/nametag.h"
#include "base/secret.h"
#include "base/time.h"
#include "ctl_store.h"
#include "ctl.h"
#include "audit/key.h"
#include "audit/line.h"
#include "audit/prune.h"
#include "audit/verify.h"

void ctl_usage_audit(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] audit COMMAND [ARGS]\n\nCommands:\n"), CTL_PROG);
	fputs(_("  audit verify [--key KEY|-]\n"
		"    Check the audit trail: every line well formed, sequence numbers\n"
		"    consecutive across the month files, each line chained to the one\n"
		"    before, nothing missing at the end, no torn last line.  With the\n"
		"    verification key printed by 'init' (KEY, or '-' to read it from\n"
		"    standard input) every line's MAC is checked too.  Names the first\n"
		"    bad file and line.  Exit 0 intact, 1 not.\n"
		"  audit export --since DATE --until DATE\n"
		"    The access log of issued IDs between the two dates (YYYY-MM-DD,\n"
		"    UTC, both included): their logins (auth and account), switches\n"
		"    (su) and sessions (open, close), as CSV with a header: time_utc,\n"
		"    event, result, pam_service, login, user_code, identifying_number,\n"
		"    and for a switch to a shared ID the individual behind it\n"
		"    (individual_login, individual_user_code,\n"
		"    individual_identifying_number).  Not the NACCS message log: no\n"
		"    procedure codes, no administrative events.\n"
		"  audit report --since DATE --until DATE [--user ID] [--type TYPE]\n"
		"               [--format text|json|csv]\n"
		"    The events between the two times, grouped: failed logins per ID,\n"
		"    locks and unlocks, switches to shared admin IDs (the individual\n"
		"    and the target), logins refused by the access rules, and the\n"
		"    timeline.  DATE is YYYY-MM-DD (UTC) or YYYY-MM-DDTHH:MM:SSZ;\n"
		"    --since is included, --until DATE includes that whole day and\n"
		"    --until TIME is excluded.  --user: the ID's events and the\n"
		"    switches it made.  Lines that are not the trail's are named on\n"
		"    standard error and skipped (exit 1).\n"
		"  audit prune\n"
		"    Delete the month files entirely older than [audit] retention_days\n"
		"    (never the newest); the prune is a line of the trail, written first,\n"
		"    and verify accepts the later beginning it records.\n"
		"  audit name-tag\n"
		"    For each name on standard input (a guess may be a password: never\n"
		"    an argument), how the trail, syslog and alerts write it when it is\n"
		"    typed at a login: the name itself for an account of this system,\n"
		"    else its tag (#, 16 hex digits, keyed by this installation's\n"
		"    name-tag.key beside the store).  Search the trail for the tag\n"
		"    (audit report --user TAG).\n"),
	      out);
}

/* The key: from the argument, or from standard input for "-" (a key on the
 * command line is visible to other users in the process list). */
static int read_key(const char *arg, uint8_t key[NACCS_AUDIT_KEY_LEN])
{
	char buf[NACCS_AUDIT_MAC_HEX + 8];
	int rc;

	if (strcmp(arg, "-") != 0)
		return naccs_audit_key_from_hex(arg, key);
	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return -EINVAL;
	buf[strcspn(buf, "\r\n")] = '\0';
	rc = naccs_audit_key_from_hex(buf, key);
	naccs_wipe(buf, sizeof(buf));
	return rc;
}

static int audit_verify(struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"key", required_argument, NULL, 'k'},
	    {NULL, 0, NULL, 0},
	};
	struct naccs_audit_verdict v;
	struct naccs_err err;
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	bool have_key = false;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'k')
			return ctl_bad_option("audit verify", c, argv, optind);
		if (read_key(optarg, key) < 0)
			return ctl_usage_error("audit verify", "%s",
					       _("--key: 64 hexadecimal digits expected"));
		naccs_wipe(optarg, strlen(optarg));
		have_key = true;
	}
	rc = ctl_max_args("audit verify", argc, argv, 0);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	rc = naccs_audit_verify(ctx->cfg.audit_dir, have_key ? key : NULL, &v, &err);
	naccs_wipe(key, sizeof(key));
	if (rc < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	if (!v.ok) {
		if (v.line > 0)
			printf(_("audit trail %s: FAILED at %s:%" PRIu64 ": %s\n"),
			       ctx->cfg.audit_dir, v.file, v.line, v.why);
		else
			printf(_("audit trail %s: FAILED at %s: %s\n"), ctx->cfg.audit_dir, v.file,
			       v.why);
		return CTL_EXIT_FAIL;
	}
	printf(_("audit trail %s: OK, %" PRIu64 " lines in %" PRIu64 " files (seq %" PRIu64
		 " to %" PRIu64 ")%s\n"),
	       ctx->cfg.audit_dir, v.lines, v.files, v.first_seq, v.last_seq,
	       v.macs_checked ? _(", every MAC checked with the key")
			      : _("; MACs not checked (no --key)"));
	return CTL_EXIT_OK;
}

static bool valid_date(const char *s)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

/* The columns of the export, each the trail member it holds ("event" is
 * made from type and action). */
static const char *const export_columns[] = {
    "time_utc",
    "event",
    "result",
    "pam_service",
    "login",
    "user_code",
    "identifying_number",
    "individual_login",
    "individual_user_code",
    "individual_identifying_number",
};
static const char *const export_members[] = {
    "time",
    NULL,
    "result",
    "service",
    "login",
    "user_code",
    "id_number",
    "individual_login",
    "individual_user_code",
    "individual_id_number",
};

static const char *export_kind(const char *line)
{
	char type[16], action[16];

	if (!naccs_audit_field(line, "type", type, sizeof(type)) ||
	    !naccs_audit_field(line, "action", action, sizeof(action)))
		return NULL;
	if (strcmp(type, "auth") == 0 && strcmp(action, "login") == 0)
		return "auth";
	if (strcmp(type, "account") == 0 && strcmp(action, "check") == 0)
		return "account";
	if (strcmp(type, "session") == 0 && strcmp(action, "open") == 0)
		return "session-open";
	if (strcmp(type, "session") == 0 && strcmp(action, "close") == 0)
		return "session-close";
	return NULL;
}

/* The event of a line when it is one the export holds (*event, else
 * NULL): a login (auth, account), a switch (the same, by su) or a session
 * of an issued ID.  The PAM module names an ID's user code only when the
 * name was an issued ID (policy/policy.c); an ID without one (a shared ID)
 * is one its decision judged (allow, deny, error: a name that is no ID is
 * "ignore") and the store knows.  0, or -errno with err when the store
 * cannot say. */
static int export_event(struct ctl_ctx *ctx, const char *line, const char **event,
			struct naccs_err *err)
{
	char code[8], result[16], login[NACCS_LOGIN_MAX + 2];
	struct naccs_identity id;
	int rc;

	*event = export_kind(line);
	if (*event == NULL || naccs_audit_field(line, "user_code", code, sizeof(code)) ||
	    naccs_audit_field(line, "individual_user_code", code, sizeof(code)))
		return 0;
	if (!naccs_audit_field(line, "result", result, sizeof(result)) ||
	    (strcmp(result, "allow") != 0 && strcmp(result, "deny") != 0 &&
	     strcmp(result, "error") != 0) ||
	    !naccs_audit_field(line, "login", login, sizeof(login)) ||
	    !naccs_name_valid_login(login)) {
		*event = NULL;
		return 0;
	}
	rc = naccs_store_find(ctx->store, ctl_deadline(ctx), login, &id, err);
	if (rc == -ENOENT) {
		naccs_err_clear(err);
		*event = NULL;
		return 0;
	}
	return rc;
}

/* One file's rows between since and until (dates, both included). */
static int export_file(struct ctl_ctx *ctx, const char *name, const char *since, const char *until,
		       struct naccs_csv *w, struct naccs_err *err)
{
	const char *dir = ctx->cfg.audit_dir;
	char path[PATH_MAX], when[32], value[1024];
	const char *event;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int rc = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return naccs_err_set(err, ENAMETOOLONG, "%s", _("directory name too long"));
	f = fopen(path, "re");
	if (f == NULL)
		return naccs_err_set(err, errno, _("cannot open %s"), path);
	while (getline(&line, &cap, f) > 0) {
		if (!naccs_audit_field(line, "time", when, sizeof(when)) ||
		    strncmp(when, since, 10) < 0 || strncmp(when, until, 10) > 0)
			continue;
		rc = export_event(ctx, line, &event, err);
		if (rc < 0)
			break;
		if (event == NULL)
			continue;
		/* A switch to a shared ID names the individual behind it in
		 * columns of their own (UTS-2.2.1.1(1)(g)(カ)). */
		for (size_t i = 0; i < sizeof(export_members) / sizeof(export_members[0]); i++) {
			if (export_members[i] == NULL)
				naccs_csv_text(w, event);
			else if (naccs_audit_field(line, export_members[i], value, sizeof(value)))
				naccs_csv_text(w, value);
			else
				naccs_csv_text(w, "");
		}
		naccs_csv_end_row(w);
	}
	free(line);
	fclose(f);
	return rc;
}

static int audit_export(struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"since", required_argument, NULL, 's'},
	    {"until", required_argument, NULL, 'u'},
	    {NULL, 0, NULL, 0},
	};
	const char *since = NULL, *until = NULL;
	struct naccs_csv w;
	struct naccs_err err;
	char **names = NULL;
	size_t n = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 's')
			since = optarg;
		else if (c == 'u')
			until = optarg;
		else
			return ctl_bad_option("audit export", c, argv, optind);
	}
	rc = ctl_max_args("audit export", argc, argv, 0);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (!valid_date(since) || !valid_date(until))
		return ctl_usage_error("audit export", "%s",
				       _("--since and --until: dates YYYY-MM-DD expected"));
	/* The store tells which names are issued IDs. */
	rc = ctl_open_store(ctx, true);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	rc = naccs_audit_list(ctx->cfg.audit_dir, &names, &n, &err);
	if (rc < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	naccs_csv_init_stream(&w, stdout);
	/* Each column named for what it holds: a PAM service is no NACCS
	 * procedure code, and this is no NACCS message log (NACCS-T7-3-2). */
	for (size_t i = 0; i < sizeof(export_columns) / sizeof(export_columns[0]); i++)
		naccs_csv_text(&w, export_columns[i]);
	naccs_csv_end_row(&w);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = export_file(ctx, names[i], since, until, &w, &err);
	naccs_audit_names_free(names, n);
	if (rc == 0)
		rc = naccs_csv_finish(&w, &err);
	if (rc < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

/* Retention (UTS-2.2.1.4(2)(b), NACCS-LOG-RET): the prune is recorded in
 * the trail BEFORE anything is deleted, so a trail that cannot take the
 * line loses nothing. */
static int audit_prune(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_audit_prune p;
	struct naccs_err err;
	int rc = ctl_max_args("audit prune", argc, argv, 0);

	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	if (naccs_audit_prune_plan(&ctx->cfg, naccs_now_wall(), &p, &err) < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	if (p.nfiles == 0) {
		printf(dngettext(NACCS_TEXTDOMAIN,
				 "audit trail %s: nothing is past retention (%u day)\n",
				 "audit trail %s: nothing is past retention (%u days)\n",
				 ctx->cfg.audit_retention_days),
		       ctx->cfg.audit_dir, ctx->cfg.audit_retention_days);
		return CTL_EXIT_OK;
	}
	if (ctl_emit(ctx, "audit-prune", "done", NULL, NULL, NULL, p.detail) < 0)
		return CTL_EXIT_FAIL;
	if (naccs_audit_prune_apply(&ctx->cfg, &p, &err) < 0) {
		ctl_error("%s", err.msg);
		ctl_emit(ctx, "audit-prune", "error", NULL, NULL, NULL, err.msg);
		return CTL_EXIT_FAIL;
	}
	printf(dngettext(NACCS_TEXTDOMAIN,
			 "audit trail %s: %zu file past retention deleted (%s to %s); it now "
			 "begins at seq %" PRIu64 "\n",
			 "audit trail %s: %zu files past retention deleted (%s to %s); it now "
			 "begins at seq %" PRIu64 "\n",
			 p.nfiles),
	       ctx->cfg.audit_dir, p.nfiles, p.first, p.last, p.begin_seq);
	return CTL_EXIT_OK;
}

/* Test a guess against the tags of the trail (audit/nametag.h): one name
 * per line of standard input, its written form on standard output. */
static int audit_name_tag(struct ctl_ctx *ctx, int argc, char **argv)
{
	char out[NACCS_NAME_SHOWN_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct naccs_err err;
	int rc = ctl_max_args("audit name-tag", argc, argv, 0);
	bool any = false;

	if (rc != CTL_EXIT_OK)
		return rc;
	while (rc == CTL_EXIT_OK && (len = getline(&line, &cap, stdin)) >= 0) {
		line[strcspn(line, "\r\n")] = '\0';
		naccs_err_clear(&err);
		if (naccs_name_is_account(line))
			snprintf(out, sizeof(out), "%s", line);
		else if (naccs_name_tag(&ctx->cfg, line, out, &err) < 0) {
			ctl_error("%s", err.msg);
			rc = CTL_EXIT_FAIL;
			break;
		}
		puts(out);
		any = true;
	}
	if (line != NULL)
		naccs_wipe(line, cap);
	free(line);
	if (rc == CTL_EXIT_OK && !any)
		return ctl_usage_error("audit name-tag", "%s", _("no name on standard input"));
	return rc;
}

int cmd_audit(struct ctl_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("audit", "%s", _("missing command"));
	if (strcmp(argv[1], "verify") == 0)
		return audit_verify(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return audit_export(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "prune") == 0)
		return audit_prune(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return ctl_audit_report(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "name-tag") == 0)
		return audit_name_tag(ctx, argc - 1, argv + 1);
	return ctl_usage_error("audit", _("unknown command '%s'"), argv[1]);
}
