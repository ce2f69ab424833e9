/* Opening and closing the store of naccsctl's run (ctl_store.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/trail.h"
#include "base/i18n.h"
#include "policy/admin_lock.h"
#include "ctl_access.h"
#include "ctl_store.h"
#include "ctl.h"

static int open_store(struct ctl_ctx *ctx, bool read_only, bool create)
{
	struct naccs_store_options opt = {
	    .path = ctx->cfg.store_path,
	    .owner_uid = ctx->cfg.owner_uid,
	    .timeout_ms = ctx->cfg.store_timeout_ms,
	    .create = create,
	    .read_only = read_only,
	    .migrate = ctx->store_migrate && !read_only,
	};
	struct naccs_err err;
	int rc;

	if (ctx->store != NULL)
		return CTL_EXIT_OK;
	/* Without the rights: say which, not what SQLite makes of it. */
	if (ctl_store_access_denied(ctx->cfg.store_path, !read_only, create))
		return CTL_EXIT_UNAVAILABLE;
	naccs_err_clear(&err);
	rc = naccs_store_open(&opt, &ctx->store, &err);
	if (rc < 0) {
		ctx->store = NULL;
		ctl_error(_("store unavailable: %s"), err.msg[0] != '\0' ? err.msg : strerror(-rc));
		return CTL_EXIT_UNAVAILABLE;
	}
	ctx->store_writable = !read_only;
	return CTL_EXIT_OK;
}

int ctl_open_store(struct ctl_ctx *ctx, bool read_only)
{
	struct naccs_err err;

	/* No change unrecorded (UTS-2.2.1.4(1)(b)): before a command that
	 * writes, the audit trail must be able to take its line. */
	naccs_err_clear(&err);
	if (ctx->store == NULL && ctl_store_access_denied(ctx->cfg.store_path, !read_only, false))
		return CTL_EXIT_UNAVAILABLE;
	if (!read_only && ctx->store == NULL && ctx->cfg.audit_fail_deny &&
	    ctl_trail_access_denied(ctx->cfg.audit_dir))
		return CTL_EXIT_UNAVAILABLE;
	if (!read_only && ctx->store == NULL && ctx->cfg.audit_fail_deny &&
	    naccs_audit_ready(&ctx->cfg, &err) < 0) {
		ctl_error(_("%s; nothing was changed ([audit] on_audit_failure = deny)"), err.msg);
		return CTL_EXIT_UNAVAILABLE;
	}
	return open_store(ctx, read_only, false);
}

int ctl_create_store(struct ctl_ctx *ctx)
{
	return open_store(ctx, false, true);
}

void ctl_close_store(struct ctl_ctx *ctx)
{
	if (ctx->store != NULL) {
		naccs_store_close(ctx->store);
		ctx->store = NULL;
	}
	if (ctx->store_locked)
		naccs_admin_unlock(&ctx->store_lock);
	ctx->store_locked = false;
}

int ctl_store_lock(struct ctl_ctx *ctx)
{
	struct naccs_err err;
	int rc;

	if (ctx->store_locked)
		return CTL_EXIT_OK;
	naccs_err_clear(&err);
	rc = naccs_admin_lock(&ctx->cfg, true, true, &ctx->store_lock, &err);
	if (rc == -ENOENT) /* no state directory: no store to protect yet */
		return CTL_EXIT_OK;
	if (rc < 0) {
		ctl_error(_("%s; nothing was changed"), err.msg);
		return CTL_EXIT_UNAVAILABLE;
	}
	ctx->store_locked = true;
	return CTL_EXIT_OK;
}
