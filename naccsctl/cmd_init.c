/* naccsctl init: create the audit trail (printing its verification key
 * once), the state directory and an empty store, and the configuration
 * directory when it is missing.  Nothing that exists is ever
 * overwritten: an existing store is examined, upgraded if its schema is
 * older, and a damaged one is reported and left as it is (cmd_store.c).
 * The directories and the trail: ctl_setup.c. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "audit/trail.h"
#include "base/i18n.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/trust.h"
#include "cmd_store.h"
#include "ctl_access.h"
#include "ctl_setup.h"
#include "ctl_store.h"
#include "ctl.h"

static int create_or_check_store(struct ctl_ctx *ctx)
{
	struct stat sb;
	int before = -1;
	bool was_wal = true;
	int rc;

	if (lstat(ctx->cfg.store_path, &sb) != 0) {
		rc = ctl_create_store(ctx);
		if (rc == CTL_EXIT_OK)
			printf(_("created store %s (mode 0600)\n"), ctx->cfg.store_path);
		return rc;
	}
	/* Never overwrite: an existing store is examined first (a damaged one
	 * is reported and left untouched), then opened as it is, which also
	 * checks its owner and mode and brings an older schema up to date. */
	rc = ctl_store_open_admin(ctx, &before, &was_wal);
	if (rc == CTL_EXIT_OK && !ctl_store_report_changes(ctx, before, was_wal))
		printf(_("store %s exists; left unchanged\n"), ctx->cfg.store_path);
	return rc;
}

/* The store (to change, or to create in its directory) and the trail's
 * directory, where they exist already. */
static bool init_access_denied(const struct ctl_ctx *ctx)
{
	char dir[PATH_MAX];
	struct stat sb;

	if (lstat(ctx->cfg.store_path, &sb) == 0 || errno != ENOENT) {
		if (ctl_store_access_denied(ctx->cfg.store_path, true, false))
			return true;
	} else {
		naccs_path_dirname(ctx->cfg.store_path, dir, sizeof(dir));
		if (stat(dir, &sb) == 0 && ctl_store_access_denied(ctx->cfg.store_path, true, true))
			return true;
	}
	return ctl_trail_access_denied(ctx->cfg.audit_dir);
}

static int parse_init_options(int argc, char **argv, bool *force_dirs)
{
	static const struct option opts[] = {
	    {"force-dirs", no_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'f')
			return ctl_bad_option("init", c, argv, optind);
		*force_dirs = true;
	}
	return ctl_max_args("init", argc, argv, 0);
}

int cmd_init(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_err err;
	char dir[PATH_MAX];
	bool force_dirs = false;
	int rc;

	rc = parse_init_options(argc, argv, &force_dirs);
	if (rc != CTL_EXIT_OK)
		return rc;
	/* Without the rights to what is there already, nothing is tried (and
	 * no event could be written): one plain sentence instead. */
	if (init_access_denied(ctx))
		return CTL_EXIT_UNAVAILABLE;

	naccs_path_dirname(ctx->cfg.store_path, dir, sizeof(dir));
	if (ctl_ensure_dir(dir, force_dirs) < 0) {
		rc = CTL_EXIT_FAIL;
		goto out;
	}
	/* The state directory holds the private store: same trust rules. */
	naccs_err_clear(&err);
	if (naccs_trust_check_dir(dir, ctx->cfg.owner_uid, &err) < 0) {
		ctl_error("%s", err.msg);
		rc = CTL_EXIT_FAIL;
		goto out;
	}
	/* The trail first: every later change (this one's event included)
	 * is recorded there (UTS-2.2.1.4(1)(a)).  The store's lock first of
	 * all: naccsd must not use a store being made or migrated. */
	rc = ctl_store_lock(ctx);
	if (rc == CTL_EXIT_OK)
		rc = ctl_create_trail(ctx, force_dirs, false);
	if (rc != CTL_EXIT_OK)
		goto out;
	rc = create_or_check_store(ctx);
	if (rc != CTL_EXIT_OK)
		goto out;

	/* Only the directory: the configuration file itself is the
	 * administrator's to write (etc/naccs.conf.example shows one). */
	naccs_path_dirname(ctx->conf_path, dir, sizeof(dir));
	if (ctl_ensure_dir(dir, force_dirs) < 0)
		rc = CTL_EXIT_FAIL;
	/* Root is gated only once registered as a shared administrator ID
	 * (UTS-2.2.1.1(1)(g)(カ)); naccsctl config check warns until one
	 * exists. */
	if (rc == CTL_EXIT_OK)
		printf("%s",
		       _("next: register root as the shared administrator ID (no direct login, "
			 "su and sudo only from the people allowed):\n"
			 "  naccsctl user add --shared --admin --adopt-local --login root "
			 "--approval REF --issued-to TEAM\n"
			 "and name who may switch to it in [su] allow_groups or allow_ids.\n"));
out:
	ctl_emit(ctx, "init", rc == CTL_EXIT_OK ? "done" : "error", NULL, NULL, NULL,
		 ctx->cfg.store_path);
	return rc;
}
