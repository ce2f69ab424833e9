/* naccsctl store check and naccsctl upgrade: the store as a whole.
 *
 * store check examines the store without changing it (the same header
 * validation as a login's open, then read-only the schema version and the
 * engine's integrity check) and says what to do about what it finds.
 * upgrade is the administrative open that may bring the schema up to date
 * and switch to WAL mode, which a login never does; init uses the same
 * open for a store that already exists. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "cmd_store.h"
#include "ctl_access.h"
#include "ctl_setup.h"
#include "ctl_store.h"
#include "ctl.h"

static struct naccs_store_options inspect_options(const struct ctl_ctx *ctx)
{
	struct naccs_store_options opt = {
	    .path = ctx->cfg.store_path,
	    .owner_uid = ctx->cfg.owner_uid,
	    .timeout_ms = ctx->cfg.store_timeout_ms,
	    .read_only = true,
	};

	return opt;
}

void ctl_store_damaged_advice(const char *path)
{
	char safe[PATH_MAX * 4 + 1];

	ctl_safe(path, safe, sizeof(safe));
	fprintf(stderr,
		_("The store %s was left untouched. Move it aside together with its -wal and\n"
		  "-shm files, and keep them: they may be needed for recovery. Then restore\n"
		  "the store from a backup, or run 'naccsctl init' to create a new, empty\n"
		  "one (every ID must then be issued again).\n"),
		safe);
}

int ctl_store_open_admin(struct ctl_ctx *ctx, int *before, bool *was_wal)
{
	struct naccs_store_options opt = inspect_options(ctx);
	struct naccs_store_report rep;
	struct naccs_err err;
	int rc;

	/* Look first, without touching it: a damaged store is reported, never
	 * "repaired" by an open that would rewrite it. */
	naccs_err_clear(&err);
	rc = naccs_store_inspect(&opt, false, &rep, &err);
	if (rc < 0 && rep.damaged) {
		ctl_error(_("the store exists but is damaged: %s"), err.msg);
		ctl_store_damaged_advice(ctx->cfg.store_path);
		return CTL_EXIT_UNAVAILABLE;
	}
	if (rc < 0 && rc != -EPROTO) {
		ctl_error(_("store unavailable: %s"), err.msg);
		return CTL_EXIT_UNAVAILABLE;
	}
	*before = rep.schema_version;
	*was_wal = rep.wal_mode;
	ctx->store_migrate = true;
	return ctl_open_store(ctx, false);
}

bool ctl_store_report_changes(struct ctl_ctx *ctx, int before, bool was_wal)
{
	struct naccs_err err;
	int after = 0;
	bool changed = false;

	naccs_err_clear(&err);
	if (!was_wal) {
		printf(_("store %s switched to WAL mode\n"), ctx->cfg.store_path);
		changed = true;
	}
	if (naccs_store_schema_version(ctx->store, ctl_deadline(ctx), &after, &err) == 0 &&
	    after != before) {
		if (before <= 0)
			printf(_("store %s initialised at schema version %d\n"),
			       ctx->cfg.store_path, after);
		else
			printf(_("store %s upgraded from schema version %d to %d\n"),
			       ctx->cfg.store_path, before, after);
		changed = true;
	}
	return changed;
}

static int no_options(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	c = getopt_long(argc, argv, ":", opts, NULL);
	if (c != -1)
		return ctl_bad_option(cmd, c, argv, optind);
	return ctl_max_args(cmd, argc, argv, 0);
}

static int upgrade_options(int argc, char **argv, bool *package)
{
	static const struct option opts[] = {
	    {"package", no_argument, NULL, 'p'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'p')
			return ctl_bad_option("upgrade", c, argv, optind);
		*package = true;
	}
	return ctl_max_args("upgrade", argc, argv, 0);
}

/* --package (the Debian package's postinst, issue 16): only a store that
 * exists is upgraded, and a missing trail is not created, since its key
 * would be printed into the package manager's log.  CTL_EXIT_OK to go on,
 * else the exit code (*done: nothing more to do). */
static int package_checks(struct ctl_ctx *ctx, bool *done)
{
	char safe[PATH_MAX * 4 + 1], state[PATH_MAX + 8];
	struct stat sb;

	*done = false;
	if (lstat(ctx->cfg.store_path, &sb) < 0 && errno == ENOENT) {
		ctl_safe(ctx->cfg.store_path, safe, sizeof(safe));
		printf(_("no store at %s: nothing to upgrade (naccsctl init creates it)\n"), safe);
		*done = true;
		return CTL_EXIT_OK;
	}
	/* The trail is its state file (audit/trail.h): the package makes the
	 * directory itself. */
	if ((size_t)snprintf(state, sizeof(state), "%s/state", ctx->cfg.audit_dir) <
		sizeof(state) &&
	    lstat(state, &sb) < 0 && errno == ENOENT) {
		ctl_safe(ctx->cfg.audit_dir, safe, sizeof(safe));
		ctl_error(_("the audit trail %s does not exist: the store was left as it is; run "
			    "'naccsctl upgrade' by hand (it creates the trail and prints its "
			    "verification key once)"),
			  safe);
		return CTL_EXIT_UNAVAILABLE;
	}
	return CTL_EXIT_OK;
}

int cmd_upgrade(struct ctl_ctx *ctx, int argc, char **argv)
{
	char detail[PATH_MAX + 64];
	int before = -1, after = -1;
	bool was_wal = true, package = false, done = false;
	struct naccs_err err;
	int rc = upgrade_options(argc, argv, &package);

	if (rc != CTL_EXIT_OK)
		return rc;
	if (package && ((rc = package_checks(ctx, &done)) != CTL_EXIT_OK || done))
		return rc;
	/* Without the rights nothing is tried (and no event could be written). */
	if (ctl_store_access_denied(ctx->cfg.store_path, true, false))
		return CTL_EXIT_UNAVAILABLE;
	/* naccsd must not use a store being migrated (policy/admin_lock.h). */
	rc = ctl_store_lock(ctx);
	if (rc != CTL_EXIT_OK)
		return rc;
	/* A store from before the audit trail (#10): create the trail as init
	 * does (its key printed once), else every login fails closed.  An
	 * existing trail is left as it is, silently. */
	if (!package)
		rc = ctl_create_trail(ctx, false, true);
	/* Each migration is one transaction (store/sqlite/open.c); the trail
	 * must be able to take the line first (ctl_open_store). */
	if (rc == CTL_EXIT_OK)
		rc = ctl_store_open_admin(ctx, &before, &was_wal);
	if (rc == CTL_EXIT_OK && !ctl_store_report_changes(ctx, before, was_wal))
		printf(_("store %s is at schema version %d; nothing to do\n"), ctx->cfg.store_path,
		       before);
	naccs_err_clear(&err);
	if (rc == CTL_EXIT_OK &&
	    naccs_store_schema_version(ctx->store, ctl_deadline(ctx), &after, &err) == 0 &&
	    after != before)
		snprintf(detail, sizeof(detail), "%s: schema %d -> %d%s", ctx->cfg.store_path,
			 before, after, package ? " (package)" : "");
	else
		snprintf(detail, sizeof(detail), "%s%s", ctx->cfg.store_path,
			 package ? " (package)" : "");
	ctl_emit(ctx, "upgrade", rc == CTL_EXIT_OK ? "done" : "error", NULL, NULL, NULL, detail);
	return rc;
}

/* ---- store check ---- */

static void print_file(const struct naccs_store_file_info *f)
{
	char safe[sizeof(f->path) * 4 + 1];

	ctl_safe(f->path, safe, sizeof(safe));
	if (!f->present)
		printf(_("  %s: absent\n"), safe);
	else
		printf(_("  %s: mode %04o, owner uid %lu, %lld bytes\n"), safe, f->mode,
		       (unsigned long)f->uid, (long long)f->size);
}

static void print_report(const struct naccs_store_report *rep)
{
	printf(_("files:\n"));
	for (int i = 0; i < rep->n_files; i++)
		print_file(&rep->files[i]);
	if (rep->header_ok)
		printf(_("journal mode: %s\n"), rep->wal_mode ? "WAL" : _("rollback (not WAL)"));
	if (rep->schema_version >= 0)
		printf(_("schema version: %d (this naccs-auth needs %d)\n"), rep->schema_version,
		       rep->schema_needed);
	if (rep->integrity_checked)
		printf(_("integrity check: %s\n"), rep->integrity);
}

static int store_check(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_store_options opt = inspect_options(ctx);
	struct naccs_store_report rep;
	struct naccs_err err;
	int rc = no_options("store", argc, argv);

	if (rc != CTL_EXIT_OK)
		return rc;
	if (ctl_store_access_denied(ctx->cfg.store_path, false, false))
		return CTL_EXIT_UNAVAILABLE;
	naccs_err_clear(&err);
	rc = naccs_store_inspect(&opt, true, &rep, &err);
	printf(_("store: %s\n"), ctx->cfg.store_path);
	print_report(&rep);
	if (rc == 0) {
		/* UTS-2.2.1.3(2)(g)(ア): one holder per ID, so one account per
		 * uid. */
		rc = ctl_open_store(ctx, true);
		if (rc != CTL_EXIT_OK)
			return rc;
		if (ctl_uid_clashes(ctx) != 0)
			return CTL_EXIT_FAIL;
		printf(_("%s: healthy\n"), ctx->cfg.store_path);
		return CTL_EXIT_OK;
	}
	ctl_error("%s", err.msg);
	if (rep.damaged)
		ctl_store_damaged_advice(ctx->cfg.store_path);
	return CTL_EXIT_FAIL;
}

int cmd_store(struct ctl_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("store", _("missing subcommand (check)"));
	if (strcmp(argv[1], "check") == 0)
		return store_check(ctx, argc - 1, argv + 1);
	return ctl_usage_error("store", _("unknown subcommand '%s'"), argv[1]);
}
