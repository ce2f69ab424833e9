/* What naccsctl init (and upgrade, for a store from before the trail)
 * creates beside the store: directories, and the audit trail with its key
 * printed once. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "audit/key.h"
#include "base/i18n.h"
#include "base/path.h"
#include "base/secret.h"
#include "ctl_setup.h"
#include "ctl.h"

#define CTL_DIR_MODE 0755

static int make_one_dir(const char *path)
{
	if (mkdir(path, CTL_DIR_MODE) < 0)
		return -errno;
	/* mkdir honours the umask; the mode we promise does not depend on it. */
	if (chmod(path, CTL_DIR_MODE) < 0)
		return -errno;
	printf(_("created directory %s (mode 0755)\n"), path);
	return 0;
}

int ctl_ensure_dir(const char *dir, bool parents)
{
	struct stat sb;
	char parent[PATH_MAX];
	int rc;

	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			ctl_error(_("%s exists and is not a directory"), dir);
			return -ENOTDIR;
		}
		return 0;
	}
	if (errno != ENOENT) {
		ctl_error("%s: %s", dir, strerror(errno));
		return -errno;
	}
	naccs_path_dirname(dir, parent, sizeof(parent));
	if (stat(parent, &sb) < 0) {
		if (errno != ENOENT || !parents) {
			ctl_error(_("cannot create %s: %s is missing (use --force-dirs)"), dir,
				  parent);
			return -ENOENT;
		}
		rc = ctl_ensure_dir(parent, parents);
		if (rc < 0)
			return rc;
	}
	rc = make_one_dir(dir);
	if (rc < 0)
		ctl_error(_("cannot create %s: %s"), dir, strerror(-rc));
	return rc;
}

int ctl_create_trail(struct ctl_ctx *ctx, bool force_dirs, bool quiet_if_exists)
{
	char parent[PATH_MAX], key[NACCS_AUDIT_MAC_HEX + 1];
	struct naccs_err err;
	int rc;

	naccs_path_dirname(ctx->cfg.audit_dir, parent, sizeof(parent));
	if (ctl_ensure_dir(parent, force_dirs) < 0)
		return CTL_EXIT_FAIL;
	naccs_err_clear(&err);
	rc = naccs_audit_create(&ctx->cfg, key, &err);
	if (rc == -EEXIST) {
		if (!quiet_if_exists)
			printf(_("audit trail %s exists; left unchanged\n"), ctx->cfg.audit_dir);
		return CTL_EXIT_OK;
	}
	if (rc < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	printf(_("created audit trail %s (mode 0700)\n"), ctx->cfg.audit_dir);
	fflush(stdout);
	rc = ctl_print_secret(_("audit trail verification key (shown only this once: keep it "
				"offline; naccsctl audit verify --key KEY checks every line with "
				"it):\n%s\n"),
			      key);
	naccs_wipe(key, sizeof(key));
	return rc < 0 ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
