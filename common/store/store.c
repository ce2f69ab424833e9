/* The credential store dispatcher: picks the backend named by the store
 * path and forwards each call to it.
 *
 * Everything that does not depend on the backend is done here, once, so a
 * second backend (a distributed engine, later) gets it for free:
 *  - arguments are checked before any backend sees them: hostile or
 *    oversized names, strings that do not fit the fixed fields, text with
 *    control characters where it would reach passwd entries, reports or
 *    terminals;
 *  - a deadline that has already passed fails with -ETIMEDOUT without
 *    touching the store; a deadline of 0 means "the default budget"
 *    (naccs_store_options.timeout_ms);
 *  - identities coming back from the backend are checked against the same
 *    rules as those going in, so a bad row never reaches NSS or PAM. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/nametag.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "base/text.h"
#include "store/backend.h"
#include "store/internal.h"
#include "store/store.h"

/* Budget for a call made with deadline 0 and for opening, when the options
 * give none. */
#define DEFAULT_TIMEOUT_MS 5000

/* ---- open and close -------------------------------------------------- */

/* "sqlite:/path" or a plain absolute path mean the SQLite backend. */
static int pick_backend(const char *path, const struct naccs_store_backend **be, const char **rest,
			struct naccs_err *err)
{
	static const char prefix[] = "sqlite:";

	if (strncmp(path, prefix, sizeof(prefix) - 1) == 0)
		path += sizeof(prefix) - 1;
	else if (path[0] != '/' && strchr(path, ':') != NULL)
		return naccs_err_set(err, EPROTONOSUPPORT,
				     _("credential store: unknown backend in '%s' (only sqlite)"),
				     path);
	if (path[0] != '/')
		return store_bad_arg(err, _("the store path must be absolute"));
	*be = &naccs_store_sqlite;
	*rest = path;
	return 0;
}

int naccs_store_open(const struct naccs_store_options *opt, struct naccs_store **out,
		     struct naccs_err *err)
{
	struct naccs_store_options bopt;
	struct naccs_store *st;
	int rc;

	naccs_err_clear(err);
	if (out != NULL)
		*out = NULL;
	if (opt == NULL || out == NULL || opt->path == NULL || opt->path[0] == '\0')
		return store_bad_arg(err, _("no store options or path"));
	if (opt->create && opt->read_only)
		return store_bad_arg(err, _("a new store cannot be read-only"));
	if (opt->migrate && opt->read_only)
		return store_bad_arg(err, _("a store opened read-only cannot be upgraded"));
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return naccs_err_set(err, ENOMEM, _("credential store: out of memory"));
	bopt = *opt;
	if (bopt.timeout_ms == 0)
		bopt.timeout_ms = DEFAULT_TIMEOUT_MS;
	st->default_ms = bopt.timeout_ms;
	rc = pick_backend(opt->path, &st->be, &bopt.path, err);
	if (rc == 0)
		rc = st->be->open(&bopt, &st->impl, err);
	if (rc < 0) {
		free(st);
		return rc;
	}
	*out = st;
	return store_finish(0, err);
}

int naccs_store_inspect(const struct naccs_store_options *opt, bool deep,
			struct naccs_store_report *out, struct naccs_err *err)
{
	const struct naccs_store_backend *be = NULL;
	struct naccs_store_options bopt;
	int rc;

	naccs_err_clear(err);
	if (out != NULL) {
		memset(out, 0, sizeof(*out));
		out->schema_version = -1;
	}
	if (opt == NULL || out == NULL || opt->path == NULL || opt->path[0] == '\0')
		return store_bad_arg(err, _("no store options or path"));
	bopt = *opt;
	bopt.create = false;
	bopt.migrate = false;
	bopt.read_only = true;
	if (bopt.timeout_ms == 0)
		bopt.timeout_ms = DEFAULT_TIMEOUT_MS;
	rc = pick_backend(opt->path, &be, &bopt.path, err);
	if (rc == 0)
		rc = be->inspect(&bopt, deep, out, err);
	return rc;
}

void naccs_store_close(struct naccs_store *st)
{
	if (st == NULL)
		return;
	st->be->close(st->impl);
	free(st);
}

int naccs_store_schema_version(struct naccs_store *st, naccs_deadline_t dl, int *version,
			       struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && version == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->schema_version(st->impl, dl, version, err), err);
}

void naccs_store_set_commit_hook(struct naccs_store *st, naccs_store_commit_fn fn, void *ctx)
{
	if (st != NULL)
		st->be->set_commit_hook(st->impl, fn, ctx);
}

int naccs_store_read_begin(struct naccs_store *st, naccs_deadline_t dl, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc < 0)
		return rc;
	return st->be->read_begin(st->impl, dl, err);
}

int naccs_store_read_end(struct naccs_store *st, int rc, struct naccs_err *err)
{
	if (st == NULL || st->be == NULL)
		return rc;
	return st->be->read_end(st->impl, rc, err);
}

/* ---- enumeration ----------------------------------------------------- */

/* Wraps the caller's callback so every listed identity is checked first. */
struct list_guard {
	naccs_store_list_fn cb;
	void *ctx;
	struct naccs_err *err;
	int cb_rc;
};

static int list_guard_cb(void *ctx, const struct naccs_identity *id,
			 const struct naccs_account_state *state)
{
	struct list_guard *g = ctx;
	int rc = store_check_stored_identity(id, g->err);

	if (rc < 0)
		return rc;
	g->cb_rc = g->cb(g->ctx, id, state);
	return g->cb_rc;
}

int naccs_store_list(struct naccs_store *st, naccs_deadline_t dl, naccs_store_list_fn cb, void *ctx,
		     struct naccs_err *err)
{
	struct list_guard g = {.cb = cb, .ctx = ctx, .err = err, .cb_rc = 0};
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && cb == NULL)
		rc = store_bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	rc = st->be->list(st->impl, dl, list_guard_cb, &g, err);
	if (rc < 0 && rc == g.cb_rc && (err == NULL || err->code == 0))
		rc = naccs_err_set(err, -rc, _("credential store: listing stopped by the caller"));
	return store_finish(rc, err);
}

int naccs_store_registry(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 naccs_registry_fn cb, void *ctx, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, login != NULL, err);

	if (rc == 0 && cb == NULL)
		rc = store_bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->registry(st->impl, dl, login, cb, ctx, err), err);
}
