/* The SQLite backend of the credential store: administering identities.
 *
 * Setting a password (with its history), setting and clearing flags,
 * retiring an ID, listing identities and reading the issuance registry.
 * Every change writes its registry line in the same transaction; retired
 * IDs refuse every change. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "store/sqlite/internal.h"

/* ---- shared by every change ------------------------------------------ */

/* One line of the issuance registry (UTS-2.2.1.3(2)(g)(イ)). */
int sq_registry_add(struct sq *s, int64_t at, const char *login, const char *event, const char *by,
		    const char *detail, struct naccs_err *err)
{
	return sq_run(s, NULL, err,
		      "INSERT INTO registry (at, login, event, actor, detail) "
		      "VALUES (?1, ?2, ?3, ?4, ?5)",
		      "ltttt", at, login, event, by, detail != NULL ? detail : "");
}

/* A retired ID is a tombstone: it takes no more changes. */
int sq_refuse_retired(const struct sq *s, const char *login, const struct sq_ident_meta *meta,
		      struct naccs_err *err)
{
	if (!meta->retired)
		return 0;
	return naccs_err_set(err, EINVAL, _("credential store %s: '%s' is retired (%s)"), s->path,
			     login, s->op);
}

/* ---- passwords ------------------------------------------------------- */

/* The old hash moves to the history inside the database (no copy passes
 * through our memory), then the history is pruned to keep_history. */
static int replace_credential(struct sq *s, int64_t id, const char *phc, bool must_change,
			      unsigned keep_history, int64_t now, struct naccs_err *err)
{
	int rc = sq_run(s, NULL, err,
			"INSERT INTO password_history (identity, phc, changed_at) "
			"SELECT identity, phc, changed_at FROM credentials WHERE identity = ?1",
			"l", id);

	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "INSERT INTO credentials (identity, phc, changed_at, must_change) "
			    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (identity) DO UPDATE SET "
			    "phc = excluded.phc, changed_at = excluded.changed_at, "
			    "must_change = excluded.must_change",
			    "ltld", id, phc, now, must_change ? 1 : 0);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "DELETE FROM password_history WHERE identity = ?1 AND id NOT IN "
			    "(SELECT id FROM password_history WHERE identity = ?1 "
			    "ORDER BY id DESC LIMIT ?2)",
			    "ll", id, (int64_t)keep_history);
	return rc;
}

int sq_set_password(void *impl, naccs_deadline_t dl, const char *login, const char *phc,
		    bool must_change, unsigned keep_history, const char *event, const char *by,
		    struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int64_t now = naccs_now_wall();
	int rc = sq_tx_begin(s, dl, true, _("setting a password"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_refuse_retired(s, login, &meta, err);
	if (rc == 0)
		rc = replace_credential(s, meta.id, phc, must_change, keep_history, now, err);
	if (rc == 0)
		rc = sq_registry_add(s, now, login, event, by, must_change ? "must-change" : "",
				     err);
	rc = sq_tx_end(s, rc, err);
	if (rc == 0)
		sq_erase_old_pages(s); /* hashes pruned from the history */
	return rc;
}

/* ---- flags ----------------------------------------------------------- */

static int apply_lock(struct sq *s, int64_t id, bool on, const char *reason, int64_t now,
		      int *changes, struct naccs_err *err)
{
	if (on)
		return sq_run(s, changes, err,
			      "UPDATE flags SET locked = 1, locked_at = ?2, lock_reason = ?3, "
			      "lock_until = NULL WHERE identity = ?1",
			      "llt", id, now, reason);
	/* Unlocking also forgets the failures counted so far. */
	return sq_run(
	    s, changes, err,
	    "UPDATE flags SET locked = 0, locked_at = NULL, lock_reason = '', "
	    "lock_until = NULL, failure_mark = (SELECT coalesce(max(id), 0) FROM failures "
	    "WHERE identity = ?1) WHERE identity = ?1",
	    "l", id);
}

static int apply_suspend(struct sq *s, int64_t id, bool on, const char *reason, int64_t now,
			 int *changes, struct naccs_err *err)
{
	if (on)
		return sq_run(s, changes, err,
			      "UPDATE flags SET suspended = 1, suspended_at = ?2, "
			      "suspend_reason = ?3 WHERE identity = ?1",
			      "llt", id, now, reason);
	return sq_run(s, changes, err,
		      "UPDATE flags SET suspended = 0, suspended_at = NULL, suspend_reason = '' "
		      "WHERE identity = ?1",
		      "l", id);
}

static int apply_flag(struct sq *s, const char *login, int64_t id, enum naccs_flag flag, bool on,
		      const char *reason, int64_t now, struct naccs_err *err)
{
	int changes = 0;
	int rc;

	if (flag == NACCS_FLAG_LOCKED)
		rc = apply_lock(s, id, on, reason, now, &changes, err);
	else if (flag == NACCS_FLAG_SUSPENDED)
		rc = apply_suspend(s, id, on, reason, now, &changes, err);
	else
		rc = sq_run(s, &changes, err,
			    "UPDATE credentials SET must_change = ?2 WHERE identity = ?1", "ld", id,
			    on ? 1 : 0);
	if (rc == 0 && changes == 0 && flag == NACCS_FLAG_MUST_CHANGE)
		return naccs_err_set(err, EINVAL, _("credential store %s: '%s' has no password"),
				     s->path, login);
	if (rc == 0 && changes == 0)
		return sq_missing_row(s, "flags", login, err);
	return rc;
}

static const char *flag_event(enum naccs_flag flag, bool on)
{
	switch (flag) {
	case NACCS_FLAG_LOCKED:
		return on ? "locked" : "unlocked";
	case NACCS_FLAG_SUSPENDED:
		return on ? "suspended" : "unsuspended";
	case NACCS_FLAG_MUST_CHANGE:
		break;
	}
	return on ? "must-change-set" : "must-change-cleared";
}

int sq_set_flag(void *impl, naccs_deadline_t dl, const char *login, enum naccs_flag flag, bool on,
		const char *reason, const char *by, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int64_t now = naccs_now_wall();
	int rc = sq_tx_begin(s, dl, true, _("setting a flag"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_refuse_retired(s, login, &meta, err);
	if (rc == 0)
		rc = apply_flag(s, login, meta.id, flag, on, reason, now, err);
	if (rc == 0)
		rc = sq_registry_add(s, now, login, flag_event(flag, on), by, reason, err);
	return sq_tx_end(s, rc, err);
}

/* ---- retirement ------------------------------------------------------ */

/* The row stays as a tombstone; the credential and its history go. */
int sq_retire(void *impl, naccs_deadline_t dl, const char *login, const char *reason,
	      const char *by, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int64_t now = naccs_now_wall();
	int rc = sq_tx_begin(s, dl, true, _("retiring an identity"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0 && meta.retired)
		rc = naccs_err_set(err, EALREADY, _("credential store %s: '%s' is already retired"),
				   s->path, login);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "UPDATE identities SET retired = 1, retired_at = ?2 WHERE id = ?1",
			    "ll", meta.id, now);
	if (rc == 0)
		rc = sq_run(s, NULL, err, "DELETE FROM credentials WHERE identity = ?1", "l",
			    meta.id);
	if (rc == 0)
		rc = sq_run(s, NULL, err, "DELETE FROM password_history WHERE identity = ?1", "l",
			    meta.id);
	if (rc == 0)
		rc = sq_registry_add(s, now, login, "retired", by, reason, err);
	rc = sq_tx_end(s, rc, err);
	if (rc == 0)
		sq_erase_old_pages(s);
	return rc;
}

/* ---- listing and registry -------------------------------------------- */

/* One identity of a listing: its state (without hash) and the callback.
 * Returns 1 when the callback asked to stop. */
static int list_one(struct sq *s, sqlite3_stmt *st, naccs_store_list_fn cb, void *ctx, int *cb_rc,
		    struct naccs_err *err)
{
	struct naccs_identity id;
	struct naccs_account_state state;
	struct sq_ident_meta meta;
	int rc = sq_read_identity(s, st, &id, &meta, err);

	if (rc == 0)
		rc = sq_load_state(s, id.login, &meta, false, &state, err);
	if (rc < 0)
		return rc;
	*cb_rc = cb(ctx, &id, &state);
	naccs_wipe(&state, sizeof(state));
	return *cb_rc != 0 ? 1 : 0;
}

int sq_list(void *impl, naccs_deadline_t dl, naccs_store_list_fn cb, void *ctx,
	    struct naccs_err *err)
{
	struct sq *s = impl;
	sqlite3_stmt *st = NULL;
	int cb_rc = 0;
	int rc = sq_tx_begin(s, dl, false, _("listing identities"), err);

	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT " SQ_IDENTITY_COLS " FROM identities ORDER BY login", "");
	while (rc == 0 && (rc = sq_step(s, st, err)) > 0)
		rc = list_one(s, st, cb, ctx, &cb_rc, err);
	sqlite3_finalize(st);
	if (rc > 0) /* stopped by the callback: its negative answer is the result */
		rc = cb_rc < 0 ? cb_rc : 0;
	return sq_tx_end(s, rc, err);
}

int sq_registry(void *impl, naccs_deadline_t dl, const char *login, naccs_registry_fn cb, void *ctx,
		struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_registry_entry e;
	sqlite3_stmt *st = NULL;
	int cb_rc = 0;
	int rc = sq_tx_begin(s, dl, false, _("reading the registry"), err);

	if (rc == 0 && login == NULL)
		rc = sq_prepare(s, &st, err,
				"SELECT at, login, event, actor, detail FROM registry ORDER BY seq",
				"");
	else if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT at, login, event, actor, detail FROM registry "
				"WHERE login = ?1 ORDER BY seq",
				"t", login);
	while (rc == 0 && (rc = sq_step(s, st, err)) > 0) {
		rc = sq_read_registry_row(s, st, &e, err);
		if (rc == 0 && (cb_rc = cb(ctx, &e)) != 0)
			rc = 1;
	}
	sqlite3_finalize(st);
	if (rc > 0)
		rc = cb_rc < 0 ? cb_rc : 0;
	return sq_tx_end(s, rc, err);
}
