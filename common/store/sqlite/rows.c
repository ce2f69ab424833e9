/* The SQLite backend of the credential store: reading rows.
 *
 * Every row read is checked column by column (store/sqlite/cols.c).
 *
 * Identities, the private state of an identity (credential, flags, last
 * success, failures counted) and registry lines are read here; the callers
 * run these reads inside their own transaction. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "store/sqlite/internal.h"

/* ---- identities ------------------------------------------------------ */

/* Read the columns of SQ_IDENTITY_COLS from the current row of st. */
int sq_read_identity(const struct sq *s, sqlite3_stmt *st, struct naccs_identity *id,
		     struct sq_ident_meta *meta, struct naccs_err *err)
{
	struct sq_row r;
	int64_t uid = 0, gid = 0;
	int rc;

	memset(id, 0, sizeof(*id));
	sq_row_init_from_col(&r, s, st, "identities", 1);
	rc = sq_col_int(&r, 0, 1, INT64_MAX, &meta->id, err);
	if (rc == 0)
		rc = sq_col_text(&r, 1, id->login, sizeof(id->login), true, err);
	if (rc == 0)
		rc = sq_col_opt_text(&r, 2, id->user_code, sizeof(id->user_code), err);
	if (rc == 0)
		rc = sq_col_opt_text(&r, 3, id->id_number, sizeof(id->id_number), err);
	if (rc == 0)
		rc = sq_col_int(&r, 4, 0, UINT32_MAX - 1, &uid, err);
	if (rc == 0)
		rc = sq_col_int(&r, 5, 0, UINT32_MAX - 1, &gid, err);
	if (rc == 0)
		rc = sq_col_text(&r, 6, id->gecos, sizeof(id->gecos), false, err);
	if (rc == 0)
		rc = sq_col_text(&r, 7, id->home, sizeof(id->home), false, err);
	if (rc == 0)
		rc = sq_col_text(&r, 8, id->shell, sizeof(id->shell), false, err);
	if (rc == 0)
		rc = sq_col_kind(&r, 9, &id->kind, err);
	if (rc == 0)
		rc = sq_col_bool(&r, 10, &id->admin, err);
	if (rc == 0)
		rc = sq_col_text(&r, 11, id->created_by, sizeof(id->created_by), false, err);
	if (rc == 0)
		rc = sq_col_time(&r, 12, &id->created_at, err);
	if (rc == 0)
		rc = sq_col_bool(&r, 13, &meta->retired, err);
	if (rc == 0)
		rc = sq_col_opt_time(&r, 14, &meta->retired_at, err);
	if (rc == 0)
		rc = sq_col_opt_text(&r, 15, id->staff_number, sizeof(id->staff_number), err);
	if (rc == 0)
		rc = sq_col_opt_text(&r, 16, id->approval, sizeof(id->approval), err);
	if (rc == 0)
		rc = sq_col_opt_text(&r, 17, id->second_id_reason, sizeof(id->second_id_reason),
				     err);
	id->uid = (uint32_t)uid;
	id->gid = (uint32_t)gid;
	return rc;
}

/* Step a prepared identity query (SQ_IDENTITY_COLS) and read its one row;
 * finalizes st.  -ENOENT when there is none. */
int sq_fetch_identity(struct sq *s, sqlite3_stmt *st, const char *what, struct naccs_identity *id,
		      struct sq_ident_meta *meta, struct naccs_err *err)
{
	int rc = sq_step(s, st, err);

	if (rc > 0)
		rc = sq_read_identity(s, st, id, meta, err);
	else if (rc == 0)
		rc = naccs_err_set(err, ENOENT, _("no identity %s"), what);
	sqlite3_finalize(st);
	return rc;
}

int sq_identity_by_login(struct sq *s, const char *login, struct naccs_identity *id,
			 struct sq_ident_meta *meta, struct naccs_err *err)
{
	sqlite3_stmt *st;
	char what[NACCS_LOGIN_MAX + 16];
	int rc =
	    sq_prepare(s, &st, err, "SELECT " SQ_IDENTITY_COLS " FROM identities WHERE login = ?1",
		       "t", login);

	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "'%s'", login);
	return sq_fetch_identity(s, st, what, id, meta, err);
}

/* ---- account state --------------------------------------------------- */

static int read_event(const struct sq_row *r, int col, struct naccs_login_event *ev,
		      struct naccs_err *err)
{
	int rc = sq_col_time(r, col, &ev->at, err);

	if (rc == 0)
		rc = sq_col_text(r, col + 1, ev->service, sizeof(ev->service), false, err);
	if (rc == 0)
		rc = sq_col_text(r, col + 2, ev->tty, sizeof(ev->tty), false, err);
	if (rc == 0)
		rc = sq_col_text(r, col + 3, ev->rhost, sizeof(ev->rhost), false, err);
	return rc;
}

/* A login event at col (at, service, tty, rhost) of a row of table. */
int sq_read_event(struct sq *s, sqlite3_stmt *st, const char *table, const char *login, int col,
		  struct naccs_login_event *ev, struct naccs_err *err)
{
	struct sq_row r;

	sq_row_init(&r, s, st, table, login);
	return read_event(&r, col, ev, err);
}

static int read_credential_row(const struct sq_row *r, bool with_phc,
			       struct naccs_account_state *out, struct naccs_err *err)
{
	const unsigned char *phc;
	int rc = sq_col_text(r, 0, with_phc ? out->phc : NULL, sizeof(out->phc), true, err);

	if (rc < 0)
		return rc;
	/* A PHC string is printable ASCII without spaces. */
	phc = sqlite3_column_text(r->st, 0);
	for (; phc != NULL && *phc != '\0'; phc++)
		if (*phc <= 0x20 || *phc >= 0x7f)
			return sq_bad_row(r, 0, _("not a PHC hash string"), err);
	out->has_password = true;
	rc = sq_col_time(r, 1, &out->password_changed_at, err);
	if (rc == 0)
		rc = sq_col_bool(r, 2, &out->must_change, err);
	return rc;
}

static int load_credential(struct sq *s, const char *login, int64_t id, bool with_phc,
			   struct naccs_account_state *out, struct naccs_err *err)
{
	sqlite3_stmt *st;
	struct sq_row r;
	int rc = sq_prepare(
	    s, &st, err, "SELECT phc, changed_at, must_change FROM credentials WHERE identity = ?1",
	    "l", id);

	if (rc < 0)
		return rc;
	sq_row_init(&r, s, st, "credentials", login);
	rc = sq_step(s, st, err);
	if (rc > 0)
		rc = read_credential_row(&r, with_phc, out, err);
	sqlite3_finalize(st);
	return rc;
}

static int read_flags_row(const struct sq_row *r, struct naccs_account_state *out, int64_t *mark,
			  struct naccs_err *err)
{
	int rc = sq_col_bool(r, 0, &out->locked, err);

	if (rc == 0)
		rc = sq_col_opt_time(r, 1, &out->locked_at, err);
	if (rc == 0)
		rc = sq_col_text(r, 2, out->lock_reason, sizeof(out->lock_reason), false, err);
	if (rc == 0)
		rc = sq_col_bool(r, 3, &out->suspended, err);
	if (rc == 0)
		rc = sq_col_opt_time(r, 4, &out->suspended_at, err);
	if (rc == 0)
		rc =
		    sq_col_text(r, 5, out->suspend_reason, sizeof(out->suspend_reason), false, err);
	if (rc == 0)
		rc = sq_col_int(r, 6, 0, INT64_MAX, mark, err);
	if (rc == 0)
		rc = sq_col_opt_time(r, 7, &out->lock_until, err);
	return rc;
}

/* Flags, and the failure mark: failures with a larger id are the ones that
 * count (those after the last success or unlock). */
static int load_flags(struct sq *s, const char *login, int64_t id, struct naccs_account_state *out,
		      int64_t *mark, struct naccs_err *err)
{
	sqlite3_stmt *st;
	struct sq_row r;
	int rc =
	    sq_prepare(s, &st, err,
		       "SELECT locked, locked_at, lock_reason, suspended, suspended_at, "
		       "suspend_reason, failure_mark, lock_until FROM flags WHERE identity = ?1",
		       "l", id);

	if (rc < 0)
		return rc;
	sq_row_init(&r, s, st, "flags", login);
	rc = sq_step(s, st, err);
	if (rc > 0)
		rc = read_flags_row(&r, out, mark, err);
	else if (rc == 0)
		rc = sq_missing_row(s, "flags", login, err);
	sqlite3_finalize(st);
	return rc;
}

static int load_last_success(struct sq *s, const char *login, int64_t id,
			     struct naccs_account_state *out, struct naccs_err *err)
{
	sqlite3_stmt *st;
	struct sq_row r;
	int rc = sq_prepare(s, &st, err,
			    "SELECT at, service, tty, rhost FROM last_success WHERE identity = ?1",
			    "l", id);

	if (rc < 0)
		return rc;
	sq_row_init(&r, s, st, "last_success", login);
	rc = sq_step(s, st, err);
	if (rc > 0) {
		out->has_last_success = true;
		rc = read_event(&r, 0, &out->last_success, err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The failures counted (after the mark) and the latest of them. */
static int load_failures(struct sq *s, const char *login, int64_t id, int64_t mark,
			 struct naccs_account_state *out, struct naccs_err *err)
{
	sqlite3_stmt *st;
	struct sq_row r;
	int64_t count = 0;
	int rc = sq_prepare(s, &st, err,
			    "SELECT at, service, tty, rhost, (SELECT count(*) FROM failures "
			    "WHERE identity = ?1 AND id > ?2) FROM failures "
			    "WHERE identity = ?1 AND id > ?2 ORDER BY id DESC LIMIT 1",
			    "ll", id, mark);

	if (rc < 0)
		return rc;
	sq_row_init(&r, s, st, "failures", login);
	rc = sq_step(s, st, err);
	if (rc > 0) {
		out->has_last_failure = true;
		rc = read_event(&r, 0, &out->last_failure, err);
		if (rc == 0)
			rc = sq_col_int(&r, 4, 0, INT64_MAX, &count, err);
	}
	out->failures_since_success = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
	sqlite3_finalize(st);
	return rc;
}

/* The whole private state of one identity, inside the caller's transaction.
 * with_phc false leaves phc empty (the hash is still checked). */
int sq_load_state(struct sq *s, const char *login, const struct sq_ident_meta *meta, bool with_phc,
		  struct naccs_account_state *out, struct naccs_err *err)
{
	int64_t mark = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->retired = meta->retired;
	out->retired_at = meta->retired_at;
	rc = load_credential(s, login, meta->id, with_phc, out, err);
	if (rc == 0)
		rc = load_flags(s, login, meta->id, out, &mark, err);
	if (rc == 0)
		rc = load_last_success(s, login, meta->id, out, err);
	if (rc == 0)
		rc = load_failures(s, login, meta->id, mark, out, err);
	out->failure_mark = mark;
	if (rc < 0)
		naccs_wipe(out, sizeof(*out));
	return rc;
}

/* ---- registry -------------------------------------------------------- */

int sq_read_registry_row(const struct sq *s, sqlite3_stmt *st, struct naccs_registry_entry *e,
			 struct naccs_err *err)
{
	struct sq_row r;
	int rc;

	memset(e, 0, sizeof(*e));
	sq_row_init_from_col(&r, s, st, "registry", 1);
	rc = sq_col_time(&r, 0, &e->at, err);
	if (rc == 0)
		rc = sq_col_text(&r, 1, e->login, sizeof(e->login), true, err);
	if (rc == 0)
		rc = sq_col_text(&r, 2, e->event, sizeof(e->event), true, err);
	if (rc == 0)
		rc = sq_col_text(&r, 3, e->by, sizeof(e->by), true, err);
	if (rc == 0)
		rc = sq_col_text(&r, 4, e->detail, sizeof(e->detail), false, err);
	return rc;
}
