/* naccsctl config check [FILE]: validate-only mode.  The file goes through
 * the parser and the trust checks the PAM module uses, in the parser's
 * collect mode: every error and warning in one run, each as
 * "FILE:LINE: error|warning: TEXT", then a count (issue #11).  A draft
 * (FILE other than the configured file) is checked wherever it lies: that
 * its location would not be trusted is a warning; for the configured file
 * it is an error (the module refuses it, UTS-2.2.1.2(2)(a)).
 * naccsctl config show --effective [--json]: every key with its resolved
 * value and where it came from (built-in default, policy profile,
 * FILE:LINE, --set), after the file, --set and --store like any command. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "rules/access.h"
#include "rules/access_parse.h"
#include "config/conf.h"
#include "base/i18n.h"
#include "policy/resolve.h"
#include "policy/su.h"
#include "store/store.h"
#include "ctl.h"

struct check_report {
	const char *file;
	bool draft; /* not the configured file: its location is only a warning */
	unsigned errors, warnings;
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

static void report_warning(struct check_report *rep, const char *msg)
{
	print_diagnostic(rep->file, _("warning"), msg);
	rep->warnings++;
}

static void report_error(struct check_report *rep, const char *msg)
{
	print_diagnostic(rep->file, _("error"), msg);
	rep->errors++;
}

static void on_diag(void *ctx, enum naccs_config_severity sev, const char *msg)
{
	struct check_report *rep = ctx;
	char text[NACCS_ERR_MSG_MAX + 160];

	switch (sev) {
	case NACCS_CONFIG_ERROR:
		report_error(rep, msg);
		break;
	case NACCS_CONFIG_WARNING:
		report_warning(rep, msg);
		break;
	case NACCS_CONFIG_UNTRUSTED:
		/* "FILE: why" about the file itself: the line names it already. */
		if (strncmp(msg, rep->file, strlen(rep->file)) == 0 &&
		    strncmp(msg + strlen(rep->file), ": ", 2) == 0)
			msg += strlen(rep->file) + 2;
		if (rep->draft) {
			snprintf(text, sizeof(text),
				 _("not trusted where it lies: %s (the PAM module would refuse "
				   "it there)"),
				 msg);
			report_warning(rep, text);
		} else {
			snprintf(text, sizeof(text),
				 _("not trusted: %s (the PAM module refuses it)"), msg);
			report_error(rep, text);
		}
		break;
	}
}

/* Is path the configured file (the one the module reads)?  A file that
 * cannot be looked at is not. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Does the store know what rule r names?  NULL, or why it names nobody. */
static const char *names_nobody(struct naccs_store *st, const struct naccs_access_rule *r)
{
	struct naccs_identity id;
	struct naccs_group g;
	struct naccs_err err;
	int rc;

	if (r->selector == NACCS_ACCESS_GROUP) {
		rc = naccs_store_group_find(st, naccs_deadline_in(5000), r->who, &g, &err);
		if (rc == -ENOENT)
			return _("no such group in the store");
		if (rc == 0 && g.deleted)
			return _("the group was deleted");
	} else if (r->selector == NACCS_ACCESS_ID) {
		rc = naccs_resolve_name(st, naccs_deadline_in(5000), r->who, &id, NULL, &err);
		if (rc == -ENOENT || rc == -EINVAL)
			return _("no such ID in the store");
	}
	return NULL;
}

/* An [su] target_NAME entry whose target is no shared admin ID of the
 * store decides nothing (su to it is not gated, or it does not exist): a
 * warning for each (UTS-2.2.1.1(1)(g)(カ)). */
static void check_su_targets(const struct naccs_config *cfg, struct check_report *rep,
			     struct naccs_store *st)
{
	char msg[NACCS_ERR_MSG_MAX + 160];

	for (unsigned i = 0; i < cfg->su_target_count; i++) {
		const struct naccs_config_rule *cr = &cfg->su_targets[i];
		struct naccs_su_target t;
		struct naccs_identity id;
		struct naccs_err err;
		const char *why = NULL;
		int rc;

		if (naccs_su_target_parse(cr->text, &t, &err) < 0)
			continue; /* the load refused it already */
		rc = naccs_resolve_name(st, naccs_deadline_in(5000), t.target, &id, NULL, &err);
		if (rc == -ENOENT || rc == -EINVAL)
			why = _("no such ID in the store");
		else if (rc == 0 && !naccs_su_gated(&id))
			why = _("not a shared administrator ID, so switching to it is not gated");
		if (why == NULL)
			continue;
		snprintf(msg, sizeof(msg), _("%s:%u: su.%s: '%s': %s; the entry decides nothing"),
			 rep->file, cr->origin.line, cr->key, t.target, why);
		report_warning(rep, msg);
	}
}

/* A rule naming a group or an ID the store does not have applies to
 * nobody, and the people meant stay unrestricted (or under their other
 * rules): a warning for each, when the store can be read. */
static void check_rule_names(const struct naccs_config *cfg, struct check_report *rep, uid_t owner)
{
	struct naccs_store_options opt = {
	    .path = cfg->store_path,
	    .owner_uid = owner,
	    .timeout_ms = cfg->store_timeout_ms,
	    .read_only = true,
	};
	struct naccs_store *st = NULL;
	struct naccs_err err;
	char msg[NACCS_ERR_MSG_MAX + 160];

	if (cfg->access_rule_count == 0 && cfg->su_target_count == 0)
		return;
	naccs_err_clear(&err);
	if (naccs_store_open(&opt, &st, &err) < 0) {
		snprintf(msg, sizeof(msg),
			 _("the store cannot be read (%s): the groups and IDs of the access rules "
			   "and su targets are not checked"),
			 err.msg);
		report_warning(rep, msg);
		return;
	}
	for (unsigned i = 0; i < cfg->access_rule_count; i++) {
		const struct naccs_config_rule *cr = &cfg->access_rules[i];
		struct naccs_access_rule r;
		const char *why;

		if (naccs_access_parse(cr->text, &r, &err) < 0)
			continue; /* the load refused it already */
		why = names_nobody(st, &r);
		if (why == NULL)
			continue;
		snprintf(msg, sizeof(msg),
			 _("%s:%u: access.%s: '%s': %s; the rule applies to nobody"), rep->file,
			 cr->origin.line, cr->key, r.who, why);
		report_warning(rep, msg);
	}
	check_su_targets(cfg, rep, st);
	naccs_store_close(st);
}

static int count_shared_admin(void *ctx, const struct naccs_identity *id,
			      const struct naccs_account_state *state)
{
	if (naccs_su_gated(id) && !state->retired)
		(*(unsigned *)ctx)++;
	return 0;
}

/* Until a shared administrator ID exists (root registered with
 * --shared --admin --adopt-local), nothing is gated: root's password works
 * on every service, for anyone who has it (UTS-2.2.1.1(1)(g)(カ)).  A
 * warning, when the store can be read (before init there is none). */
static void check_shared_admin(const struct naccs_config *cfg, struct check_report *rep,
			       uid_t owner)
{
	struct naccs_store_options opt = {
	    .path = cfg->store_path,
	    .owner_uid = owner,
	    .timeout_ms = cfg->store_timeout_ms,
	    .read_only = true,
	};
	struct naccs_store *st = NULL;
	struct naccs_err err;
	unsigned n = 0;

	naccs_err_clear(&err);
	if (naccs_store_open(&opt, &st, &err) < 0)
		return;
	if (naccs_store_list(st, naccs_deadline_in(5000), count_shared_admin, &n, &err) == 0 &&
	    n == 0)
		report_warning(rep,
			       _("no shared administrator ID in the store: root is not gated "
				 "(direct logins and su to it are not restricted); register it "
				 "with naccsctl user add --shared --admin --adopt-local --login "
				 "root --approval REF"));
	naccs_store_close(st);
}

/* The last line: "FILE: OK", or how many errors and warnings. */
static void print_summary(const struct check_report *rep)
{
	char warnings[96];

	snprintf(warnings, sizeof(warnings),
		 dngettext(NACCS_TEXTDOMAIN, "%u warning", "%u warnings", rep->warnings),
		 rep->warnings);
	if (rep->errors == 0 && rep->warnings == 0)
		printf(_("%s: OK\n"), rep->file);
	else if (rep->errors == 0)
		printf(_("%s: OK, %s\n"), rep->file, warnings);
	else
		printf(dngettext(NACCS_TEXTDOMAIN, "%s: %u error, %s\n", "%s: %u errors, %s\n",
				 rep->errors),
		       rep->file, rep->errors, warnings);
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
	rep.draft = !same_file(rep.file, ctx->conf_path);

	naccs_err_clear(&err);
	naccs_config_defaults(&cfg);
	cfg.owner_uid = ctx->owner;
	/* A file to check must exist, even the default one. */
	rc = naccs_config_check_file(&cfg, rep.file, on_diag, &rep, &err);
	if (rc < 0) {
		/* Nothing of it could be read: one line, the reason. */
		report_error(&rep, err.msg);
	} else if (rep.errors == 0) {
		/* The store-based checks need a configuration that loads. */
		check_rule_names(&cfg, &rep, ctx->owner);
		check_shared_admin(&cfg, &rep, ctx->owner);
	}
	print_summary(&rep);
	return rep.errors > 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}

/* Where a value came from, for people. */
static void describe_origin(const struct naccs_config_item *it, char *buf, size_t buflen)
{
	char file[PATH_MAX];

	switch (it->origin) {
	case NACCS_ORIGIN_DEFAULT:
		snprintf(buf, buflen, "%s", _("built-in default"));
		break;
	case NACCS_ORIGIN_PROFILE:
		snprintf(buf, buflen, _("profile %s"), it->profile);
		break;
	case NACCS_ORIGIN_FILE:
		ctl_safe(it->file, file, sizeof(file));
		if (it->line > 0)
			snprintf(buf, buflen, "%s:%u", file, it->line);
		else
			snprintf(buf, buflen, "%s", file);
		break;
	case NACCS_ORIGIN_ARG:
		snprintf(buf, buflen, "%s", _("command line (--set, --store, --owner)"));
		break;
	}
}

static int show_effective_json(const struct naccs_config *cfg)
{
	struct naccs_config_item it;
	struct naccs_json w;

	naccs_json_init_stream(&w, stdout);
	naccs_json_object_begin(&w);
	naccs_json_member_string(&w, "profile", naccs_policy_profile_name(cfg->profile));
	naccs_json_key(&w, "keys");
	naccs_json_array_begin(&w);
	for (size_t i = 0; naccs_config_item(cfg, i, &it) == 0; i++) {
		naccs_json_object_begin(&w);
		naccs_json_member_string(&w, "section", it.section);
		naccs_json_member_string(&w, "key", it.key);
		naccs_json_member_string(&w, "value", it.value);
		naccs_json_member_string(&w, "origin", naccs_config_origin_name(it.origin));
		if (it.origin == NACCS_ORIGIN_PROFILE)
			naccs_json_member_string(&w, "profile", it.profile);
		if (it.origin == NACCS_ORIGIN_FILE) {
			naccs_json_member_string(&w, "file", it.file);
			naccs_json_member_uint(&w, "line", it.line);
		}
		naccs_json_object_end(&w);
	}
	naccs_json_array_end(&w);
	naccs_json_object_end(&w);
	return ctl_json_done(&w);
}

static int config_show(struct ctl_ctx *ctx, int argc, char **argv)
{
	enum { OPT_EFFECTIVE = 0x100, OPT_JSON };
	static const struct option opts[] = {
	    {"effective", no_argument, NULL, OPT_EFFECTIVE},
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	struct naccs_config_item it;
	bool effective = false;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == OPT_EFFECTIVE)
			effective = true;
		else if (c == OPT_JSON)
			ctx->json = true;
		else
			return ctl_bad_option("config", c, argv, optind);
	}
	rc = ctl_max_args("config", argc, argv, 0);
	if (rc != CTL_EXIT_OK)
		return rc;
	/* Only the effective view exists; the option keeps room for others. */
	if (!effective)
		return ctl_usage_error("config", _("config show needs --effective"));
	rc = ctl_load_config(ctx);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (ctx->json)
		return show_effective_json(&ctx->cfg);
	for (size_t i = 0; naccs_config_item(&ctx->cfg, i, &it) == 0; i++) {
		char origin[PATH_MAX + 64];

		describe_origin(&it, origin, sizeof(origin));
		printf("%s.%s = %s  (%s)\n", it.section, it.key, it.value, origin);
	}
	return CTL_EXIT_OK;
}

int cmd_config(struct ctl_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("config", _("missing subcommand (check, show)"));
	if (strcmp(argv[1], "check") == 0)
		return config_check(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return config_show(ctx, argc - 1, argv + 1);
	return ctl_usage_error("config", _("unknown subcommand '%s'"), argv[1]);
}
