/* The SQLite backend of the credential store: reading rows.
 *
 * Every row read is checked against the domain of the fixed-size fields of
 * store/store.h: a value that is NULL where it may not be, of the wrong type,
 * too long or otherwise out of domain is reported as -EINVAL naming the
 * table, the login and the column, never truncated or passed on.
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

/* A row being read, for messages about a malformed value. */
struct row {
	const struct sq *s;
	sqlite3_stmt *st;
	const char *table;
	char who[48]; /* the login, printable, possibly shortened */
};

/* ---- rows and their errors ------------------------------------------- */

static void row_init(struct row *r, const struct sq *s, sqlite3_stmt *st, const char *table,
		     const char *login)
{
	r->s = s;
	r->st = st;
	r->table = table;
	sq_printable(login, strlen(login), r->who, sizeof(r->who));
}

/* The login of a row about to be read, printable whatever the row holds. */
static void row_init_from_col(struct row *r, const struct sq *s, sqlite3_stmt *st,
			      const char *table, int col)
{
	const char *t = NULL;

	/* Only a text value is read as such: reading another type as text
	 * would convert it and spoil the type check that follows. */
	if (sqlite3_column_type(st, col) == SQLITE_TEXT)
		t = (const char *)sqlite3_column_text(st, col);
	row_init(r, s, st, table, "?");
	if (t != NULL)
		sq_printable(t, (size_t)sqlite3_column_bytes(st, col), r->who, sizeof(r->who));
}

static int bad_row(const struct row *r, int col, const char *why, struct naccs_err *err)
{
	return naccs_err_set(
	    err, EINVAL,
	    _("credential store %s: malformed row in table %s (login '%s'), column %s: %s"),
	    r->s->path, r->table, r->who, sqlite3_column_name(r->st, col), why);
}

int sq_missing_row(const struct sq *s, const char *table, const char *login, struct naccs_err *err)
{
	return naccs_err_set(err, EINVAL,
			     _("credential store %s: malformed data: table %s has no row for "
			       "login '%s'"),
			     s->path, table, login);
}

/* ---- reading columns ------------------------------------------------- */

/* Copy a text column into out[size] (out NULL: only check it).  NULL, a
 * non-text value, an embedded NUL or a value that does not fit is refused. */
static int col_text(const struct row *r, int col, char *out, size_t size, bool nonempty,
		    struct naccs_err *err)
{
	int type = sqlite3_column_type(r->st, col);
	const unsigned char *t;
	int n;
	char why[96];

	if (type == SQLITE_NULL)
		return bad_row(r, col, _("missing (NULL)"), err);
	if (type != SQLITE_TEXT)
		return bad_row(r, col, _("not text"), err);
	t = sqlite3_column_text(r->st, col);
	n = sqlite3_column_bytes(r->st, col);
	if (t == NULL)
		return naccs_err_set(err, ENOMEM, _("credential store %s: out of memory"),
				     r->s->path);
	if ((size_t)n >= size) {
		snprintf(why, sizeof(why), _("too long (%d bytes, at most %zu)"), n, size - 1);
		return bad_row(r, col, why, err);
	}
	if (memchr(t, '\0', (size_t)n) != NULL)
		return bad_row(r, col, _("contains a NUL byte"), err);
	if (nonempty && n == 0)
		return bad_row(r, col, _("empty"), err);
	if (out != NULL) {
		memcpy(out, t, (size_t)n);
		out[n] = '\0';
	}
	return 0;
}

/* An optional text column: NULL reads as "". */
static int col_opt_text(const struct row *r, int col, char *out, size_t size, struct naccs_err *err)
{
	if (sqlite3_column_type(r->st, col) == SQLITE_NULL) {
		out[0] = '\0';
		return 0;
	}
	return col_text(r, col, out, size, true, err);
}

static int col_int(const struct row *r, int col, int64_t min, int64_t max, int64_t *out,
		   struct naccs_err *err)
{
	int type = sqlite3_column_type(r->st, col);
	int64_t v;
	char why[96];

	if (type == SQLITE_NULL)
		return bad_row(r, col, _("missing (NULL)"), err);
	if (type != SQLITE_INTEGER)
		return bad_row(r, col, _("not an integer"), err);
	v = sqlite3_column_int64(r->st, col);
	if (v < min || v > max) {
		snprintf(why, sizeof(why), _("%lld out of range [%lld, %lld]"), (long long)v,
			 (long long)min, (long long)max);
		return bad_row(r, col, why, err);
	}
	*out = v;
	return 0;
}

/* An optional time: NULL reads as 0. */
static int col_opt_time(const struct row *r, int col, int64_t *out, struct naccs_err *err)
{
	if (sqlite3_column_type(r->st, col) == SQLITE_NULL) {
		*out = 0;
		return 0;
	}
	return col_int(r, col, INT64_MIN, INT64_MAX, out, err);
}

static int col_bool(const struct row *r, int col, bool *out, struct naccs_err *err)
{
	int64_t v = 0;
	int rc = col_int(r, col, 0, 1, &v, err);

	*out = v != 0;
	return rc;
}

static int col_time(const struct row *r, int col, int64_t *out, struct naccs_err *err)
{
	return col_int(r, col, INT64_MIN, INT64_MAX, out, err);
}

static int col_kind(const struct row *r, int col, enum naccs_id_kind *out, struct naccs_err *err)
{
	char kind[16];
	int rc = col_text(r, col, kind, sizeof(kind), true, err);

	if (rc < 0)
		return rc;
	if (strcmp(kind, "individual") == 0)
		*out = NACCS_KIND_INDIVIDUAL;
	else if (strcmp(kind, "shared") == 0)
		*out = NACCS_KIND_SHARED;
	else
		return bad_row(r, col, _("unknown kind (expected individual or shared)"), err);
	return 0;
}

/* ---- identities ------------------------------------------------------ */

/* Read the columns of SQ_IDENTITY_COLS from the current row of st. */
int sq_read_identity(const struct sq *s, sqlite3_stmt *st, struct naccs_identity *id,
		     struct sq_ident_meta *meta, struct naccs_err *err)
{
	struct row r;
	int64_t uid = 0, gid = 0;
	int rc;

	memset(id, 0, sizeof(*id));
	row_init_from_col(&r, s, st, "identities", 1);
	rc = col_int(&r, 0, 1, INT64_MAX, &meta->id, err);
	if (rc == 0)
		rc = col_text(&r, 1, id->login, sizeof(id->login), true, err);
	if (rc == 0)
		rc = col_opt_text(&r, 2, id->user_code, sizeof(id->user_code), err);
	if (rc == 0)
		rc = col_opt_text(&r, 3, id->id_number, sizeof(id->id_number), err);
	if (rc == 0)
		rc = col_int(&r, 4, 0, UINT32_MAX - 1, &uid, err);
	if (rc == 0)
		rc = col_int(&r, 5, 0, UINT32_MAX - 1, &gid, err);
	if (rc == 0)
		rc = col_text(&r, 6, id->gecos, sizeof(id->gecos), false, err);
	if (rc == 0)
		rc = col_text(&r, 7, id->home, sizeof(id->home), false, err);
	if (rc == 0)
		rc = col_text(&r, 8, id->shell, sizeof(id->shell), false, err);
	if (rc == 0)
		rc = col_kind(&r, 9, &id->kind, err);
	if (rc == 0)
		rc = col_bool(&r, 10, &id->admin, err);
	if (rc == 0)
		rc = col_text(&r, 11, id->created_by, sizeof(id->created_by), false, err);
	if (rc == 0)
		rc = col_time(&r, 12, &id->created_at, err);
	if (rc == 0)
		rc = col_bool(&r, 13, &meta->retired, err);
	if (rc == 0)
		rc = col_opt_time(&r, 14, &meta->retired_at, err);
	if (rc == 0)
		rc = col_opt_text(&r, 15, id->staff_number, sizeof(id->staff_number), err);
	if (rc == 0)
		rc = col_opt_text(&r, 16, id->approval, sizeof(id->approval), err);
	if (rc == 0)
		rc = col_opt_text(&r, 17, id->second_id_reason, sizeof(id->second_id_reason), err);
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

static int read_event(const struct row *r, int col, struct naccs_login_event *ev,
		      struct naccs_err *err)
{
	int rc = col_time(r, col, &ev->at, err);

	if (rc == 0)
		rc = col_text(r, col + 1, ev->service, sizeof(ev->service), false, err);
	if (rc == 0)
		rc = col_text(r, col + 2, ev->tty, sizeof(ev->tty), false, err);
	if (rc == 0)
		rc = col_text(r, col + 3, ev->rhost, sizeof(ev->rhost), false, err);
	return rc;
}

/* A login event at col (at, service, tty, rhost) of a row of table. */
int sq_read_event(struct sq *s, sqlite3_stmt *st, const char *table, const char *login, int col,
		  struct naccs_login_event *ev, struct naccs_err *err)
{
	struct row r;

	row_init(&r, s, st, table, login);
	return read_event(&r, col, ev, err);
}

static int read_credential_row(const struct row *r, bool with_phc, struct naccs_account_state *out,
			       struct naccs_err *err)
{
	const unsigned char *phc;
	int rc = col_text(r, 0, with_phc ? out->phc : NULL, sizeof(out->phc), true, err);

	if (rc < 0)
		return rc;
	/* A PHC string is printable ASCII without spaces. */
	phc = sqlite3_column_text(r->st, 0);
	for (; phc != NULL && *phc != '\0'; phc++)
		if (*phc <= 0x20 || *phc >= 0x7f)
			return bad_row(r, 0, _("not a PHC hash string"), err);
	out->has_password = true;
	rc = col_time(r, 1, &out->password_changed_at, err);
	if (rc == 0)
		rc = col_bool(r, 2, &out->must_change, err);
	return rc;
}

static int load_credential(struct sq *s, const char *login, int64_t id, bool with_phc,
			   struct naccs_account_state *out, struct naccs_err *err)
{
	sqlite3_stmt *st;
	struct row r;
	int rc = sq_prepare(
	    s, &st, err, "SELECT phc, changed_at, must_change FROM credentials WHERE identity = ?1",
	    "l", id);

	if (rc < 0)
		return rc;
	row_init(&r, s, st, "credentials", login);
	rc = sq_step(s, st, err);
	if (rc > 0)
		rc = read_credential_row(&r, with_phc, out, err);
	sqlite3_finalize(st);
	return rc;
}

static int read_flags_row(const struct row *r, struct naccs_account_state *out, int64_t *mark,
			  struct naccs_err *err)
{
	int rc = col_bool(r, 0, &out->locked, err);

	if (rc == 0)
		rc = col_opt_time(r, 1, &out->locked_at, err);
	if (rc == 0)
		rc = col_text(r, 2, out->lock_reason, sizeof(out->lock_reason), false, err);
	if (rc == 0)
		rc = col_bool(r, 3, &out->suspended, err);
	if (rc == 0)
		rc = col_opt_time(r, 4, &out->suspended_at, err);
	if (rc == 0)
		rc = col_text(r, 5, out->suspend_reason, sizeof(out->suspend_reason), false, err);
	if (rc == 0)
		rc = col_int(r, 6, 0, INT64_MAX, mark, err);
	if (rc == 0)
		rc = col_opt_time(r, 7, &out->lock_until, err);
	return rc;
}

/* Flags, and the failure mark: failures with a larger id are the ones that
 * count (those after the last success or unlock). */
static int load_flags(struct sq *s, const char *login, int64_t id, struct naccs_account_state *out,
		      int64_t *mark, struct naccs_err *err)
{
	sqlite3_stmt *st;
	struct row r;
	int rc =
	    sq_prepare(s, &st, err,
		       "SELECT locked, locked_at, lock_reason, suspended, suspended_at, "
		       "suspend_reason, failure_mark, lock_until FROM flags WHERE identity = ?1",
		       "l", id);

	if (rc < 0)
		return rc;
	row_init(&r, s, st, "flags", login);
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
	struct row r;
	int rc = sq_prepare(s, &st, err,
			    "SELECT at, service, tty, rhost FROM last_success WHERE identity = ?1",
			    "l", id);

	if (rc < 0)
		return rc;
	row_init(&r, s, st, "last_success", login);
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
	struct row r;
	int64_t count = 0;
	int rc = sq_prepare(s, &st, err,
			    "SELECT at, service, tty, rhost, (SELECT count(*) FROM failures "
			    "WHERE identity = ?1 AND id > ?2) FROM failures "
			    "WHERE identity = ?1 AND id > ?2 ORDER BY id DESC LIMIT 1",
			    "ll", id, mark);

	if (rc < 0)
		return rc;
	row_init(&r, s, st, "failures", login);
	rc = sq_step(s, st, err);
	if (rc > 0) {
		out->has_last_failure = true;
		rc = read_event(&r, 0, &out->last_failure, err);
		if (rc == 0)
			rc = col_int(&r, 4, 0, INT64_MAX, &count, err);
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
	struct row r;
	int rc;

	memset(e, 0, sizeof(*e));
	row_init_from_col(&r, s, st, "registry", 1);
	rc = col_time(&r, 0, &e->at, err);
	if (rc == 0)
		rc = col_text(&r, 1, e->login, sizeof(e->login), true, err);
	if (rc == 0)
		rc = col_text(&r, 2, e->event, sizeof(e->event), true, err);
	if (rc == 0)
		rc = col_text(&r, 3, e->by, sizeof(e->by), true, err);
	if (rc == 0)
		rc = col_text(&r, 4, e->detail, sizeof(e->detail), false, err);
	return rc;
}
