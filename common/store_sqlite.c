/* The SQLite backend of the credential store.
 *
 * One database file, root-only (0600), in WAL mode with full synchronous
 * commits (BRIEF "Storage (decided)").  Every read-modify-write runs inside
 * one BEGIN IMMEDIATE transaction, so concurrent logins serialise on the write
 * lock instead of losing updates; plain reads run in one read transaction so
 * they see one consistent snapshot.  Waiting for the lock honours the
 * caller's deadline through a busy handler.
 *
 * Every row read is checked against the domain of the fixed-size fields of
 * naccs_store.h: a value that is NULL where it may not be, of the wrong type,
 * too long or otherwise out of domain is reported as -EINVAL naming the
 * table, the login and the column, never truncated or passed on.
 *
 * SQL text is constant; user data only ever travels as bound parameters. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "naccs_i18n.h"
#include "naccs_secret.h"
#include "naccs_store_backend.h"
#include "naccs_trust.h"
#include "store_sqlite_schema.h"

_Static_assert(sizeof(naccs_sqlite_migrations) / sizeof(naccs_sqlite_migrations[0]) ==
		   NACCS_SQLITE_SCHEMA_VERSION,
	       "one migration per schema version");

/* Waiting for a lock: short sleeps first (most waits are one commit, about
 * a millisecond), longer ones later so a long wait does not spin. */
#define BUSY_STEP_SHORT_MS 1
#define BUSY_STEP_LONG_MS  5
#define BUSY_SHORT_STEPS   20
/* Erasing old page images after a hash is erased is worth this much waiting
 * for readers, no more. */
#define ERASE_WAIT_MS 100

#define IDENTITY_COLS                                                                              \
	"id, login, user_code, id_number, uid, gid, gecos, home, shell, kind, admin, "             \
	"created_by, created_at, retired, retired_at"

struct sq {
	sqlite3 *db;
	naccs_deadline_t dl; /* of the call in progress, read by the busy handler */
	int depth;	     /* open transaction levels (a listing callback may nest reads) */
	int last_rc;	     /* extended code of the last failed SQLite call */
	bool read_only;
	const char *op; /* what the call in progress does, for messages */
	char path[];
};

/* What an identity row says beyond struct naccs_identity. */
struct ident_meta {
	int64_t id;
	bool retired;
	int64_t retired_at;
};

/* A row being read, for messages about a malformed value. */
struct row {
	const struct sq *s;
	sqlite3_stmt *st;
	const char *table;
	char who[48]; /* the login, printable, possibly shortened */
};

/* ---- errors ---------------------------------------------------------- */

/* Make a possibly hostile string safe to put in a message. */
static void printable(const char *in, size_t inlen, char *out, size_t outsz)
{
	size_t i, n = 0;

	for (i = 0; i < inlen && in[i] != '\0' && n + 4 < outsz; i++) {
		unsigned char c = (unsigned char)in[i];

		out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (i < inlen && in[i] != '\0') { /* shortened: say so */
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

static int cantopen_errno(const struct sq *s)
{
	int e = sqlite3_system_errno(s->db);

	return e == ENOENT ? ENOENT : e == ENOSPC ? ENOSPC : EACCES;
}

/* Map a failed SQLite call to -errno with a message naming the store. */
static int sq_fail(struct sq *s, int rc, struct naccs_err *err)
{
	const char *why = sqlite3_errmsg(s->db);
	const char *op = s->op != NULL ? s->op : "";

	s->last_rc = rc;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return naccs_err_set(err, ETIMEDOUT,
				     _("credential store %s is busy: gave up at the deadline (%s)"),
				     s->path, op);
	case SQLITE_CANTOPEN:
		return naccs_err_set(err, cantopen_errno(s),
				     _("credential store %s: cannot open: %s"), s->path, why);
	case SQLITE_FULL:
		return naccs_err_set(err, ENOSPC,
				     _("credential store %s: disk full, nothing written (%s)"),
				     s->path, op);
	case SQLITE_READONLY:
		return naccs_err_set(err, EROFS, _("credential store %s is read-only (%s): %s"),
				     s->path, op, why);
	case SQLITE_NOMEM:
		return naccs_err_set(err, ENOMEM, _("credential store %s: out of memory (%s)"),
				     s->path, op);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return naccs_err_set(err, EIO,
				     _("credential store %s is damaged or not a database (%s): %s"),
				     s->path, op, why);
	case SQLITE_IOERR:
		if (sqlite3_system_errno(s->db) == ENOSPC)
			return naccs_err_set(
			    err, ENOSPC, _("credential store %s: disk full, nothing written (%s)"),
			    s->path, op);
		return naccs_err_set(err, EIO, _("credential store %s: I/O error (%s): %s"),
				     s->path, op, why);
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return naccs_err_set(err, EACCES, _("credential store %s: access denied (%s): %s"),
				     s->path, op, why);
	case SQLITE_CONSTRAINT:
	case SQLITE_TOOBIG:
		return naccs_err_set(err, EINVAL, _("credential store %s: refused (%s): %s"),
				     s->path, op, why);
	default:
		return naccs_err_set(err, EIO, _("credential store %s: internal error (%s): %s"),
				     s->path, op, why);
	}
}

static int bad_row(const struct row *r, int col, const char *why, struct naccs_err *err)
{
	return naccs_err_set(
	    err, EINVAL,
	    _("credential store %s: malformed row in table %s (login '%s'), column %s: %s"),
	    r->s->path, r->table, r->who, sqlite3_column_name(r->st, col), why);
}

static int missing_row(const struct sq *s, const char *table, const char *login,
		       struct naccs_err *err)
{
	return naccs_err_set(err, EINVAL,
			     _("credential store %s: malformed data: table %s has no row for "
			       "login '%s'"),
			     s->path, table, login);
}

/* ---- waiting for locks ---------------------------------------------- */

static int busy_wait(void *arg, int attempts)
{
	const struct sq *s = arg;
	int64_t left = naccs_deadline_left_ms(s->dl);
	int64_t step = attempts < BUSY_SHORT_STEPS ? BUSY_STEP_SHORT_MS : BUSY_STEP_LONG_MS;
	struct timespec ts;

	if (left <= 0)
		return 0; /* give up: the caller fails closed with -ETIMEDOUT */
	if (step > left)
		step = left;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)step * 1000000L;
	nanosleep(&ts, NULL);
	return 1;
}

/* ---- statements ------------------------------------------------------ */

/* Bind arguments by type letters: 'l' int64_t, 'd' int (bools), 't' text
 * (NULL binds SQL NULL).  The strings outlive the statement: SQLITE_STATIC. */
static int bind_args(sqlite3_stmt *st, const char *types, va_list ap)
{
	int rc = SQLITE_OK;

	for (int i = 0; types[i] != '\0' && rc == SQLITE_OK; i++) {
		const char *t;

		switch (types[i]) {
		case 'l':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int));
			break;
		case 't':
			t = va_arg(ap, const char *);
			rc = t != NULL ? sqlite3_bind_text(st, i + 1, t, -1, SQLITE_STATIC)
				       : sqlite3_bind_null(st, i + 1);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
	}
	return rc;
}

static int prepare_v(struct sq *s, sqlite3_stmt **st, struct naccs_err *err, const char *sql,
		     const char *types, va_list ap)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	if (rc != SQLITE_OK) {
		*st = NULL;
		return sq_fail(s, rc, err);
	}
	rc = bind_args(*st, types, ap);
	if (rc != SQLITE_OK) {
		int ret = sq_fail(s, rc, err);

		sqlite3_finalize(*st);
		*st = NULL;
		return ret;
	}
	return 0;
}

/* Prepare sql and bind its arguments; the caller finalizes *st. */
static int sq_prepare(struct sq *s, sqlite3_stmt **st, struct naccs_err *err, const char *sql,
		      const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = prepare_v(s, st, err, sql, types, ap);
	va_end(ap);
	return rc;
}

/* One step: 1 with a row, 0 when done, -errno on failure. */
static int sq_step(struct sq *s, sqlite3_stmt *st, struct naccs_err *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_fail(s, rc, err);
}

/* Run a statement that returns no rows; *changes (if not NULL) gets the
 * number of rows it changed. */
static int sq_run(struct sq *s, int *changes, struct naccs_err *err, const char *sql,
		  const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = prepare_v(s, &st, err, sql, types, ap);
	va_end(ap);
	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0)
		rc = 0; /* rows of a PRAGMA that reports its new value */
	if (rc == 0 && changes != NULL)
		*changes = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return rc;
}

/* Run constant SQL of several statements (schema migrations, PRAGMAs). */
static int sq_script(struct sq *s, const char *sql, struct naccs_err *err)
{
	while (sql != NULL && *sql != '\0') {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;
		int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, &tail);

		if (rc != SQLITE_OK)
			return sq_fail(s, rc, err);
		while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (st != NULL && rc != SQLITE_DONE) {
			rc = sq_fail(s, rc, err);
			sqlite3_finalize(st);
			return rc;
		}
		sqlite3_finalize(st);
		sql = tail;
	}
	return 0;
}

/* ---- transactions ---------------------------------------------------- */

static int exec_begin(struct sq *s, bool write, struct naccs_err *err)
{
	int rc;

	/* The busy handler covers most waits; a few busy cases (WAL recovery
	 * by another process) skip it, so retry those here, still bounded. */
	for (;;) {
		rc = sq_script(s, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
		if (rc != -ETIMEDOUT || busy_wait(s, BUSY_SHORT_STEPS) == 0)
			return rc;
	}
}

static int tx_begin(struct sq *s, naccs_deadline_t dl, bool write, const char *op,
		    struct naccs_err *err)
{
	s->dl = dl;
	s->op = op;
	if (write && s->read_only) {
		s->depth++;
		return naccs_err_set(err, EROFS, _("credential store %s was opened read-only (%s)"),
				     s->path, op);
	}
	/* Counted even when beginning fails: every tx_begin has its tx_end. */
	if (s->depth++ > 0) {
		/* Called from a listing callback: reads share the open snapshot;
		 * a write would need a lock the listing cannot give up. */
		if (write)
			return naccs_err_set(err, EDEADLK,
					     _("credential store %s: cannot write from inside a "
					       "listing (%s)"),
					     s->path, op);
		return 0;
	}
	return exec_begin(s, write, err);
}

/* Commit when rc is 0, roll back otherwise (a no-op when the transaction
 * never began); returns the final result. */
static int tx_end(struct sq *s, int rc, struct naccs_err *err)
{
	if (--s->depth > 0)
		return rc;
	if (rc == 0)
		rc = sq_script(s, "COMMIT", err);
	if (rc != 0 && !sqlite3_get_autocommit(s->db)) {
		sqlite3_stmt *st = NULL;

		/* Not sq_script: the message of the first failure must stay. */
		if (sqlite3_prepare_v2(s->db, "ROLLBACK", -1, &st, NULL) == SQLITE_OK)
			sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return rc;
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

/* ---- identities ------------------------------------------------------ */

static void row_init(struct row *r, const struct sq *s, sqlite3_stmt *st, const char *table,
		     const char *login)
{
	r->s = s;
	r->st = st;
	r->table = table;
	printable(login, strlen(login), r->who, sizeof(r->who));
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
		printable(t, (size_t)sqlite3_column_bytes(st, col), r->who, sizeof(r->who));
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

/* Read the columns of IDENTITY_COLS from the current row of st. */
static int read_identity(const struct sq *s, sqlite3_stmt *st, struct naccs_identity *id,
			 struct ident_meta *meta, struct naccs_err *err)
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
	id->uid = (uint32_t)uid;
	id->gid = (uint32_t)gid;
	return rc;
}

/* Step a prepared identity query (IDENTITY_COLS) and read its one row;
 * finalizes st.  -ENOENT when there is none. */
static int fetch_identity(struct sq *s, sqlite3_stmt *st, const char *what,
			  struct naccs_identity *id, struct ident_meta *meta, struct naccs_err *err)
{
	int rc = sq_step(s, st, err);

	if (rc > 0)
		rc = read_identity(s, st, id, meta, err);
	else if (rc == 0)
		rc = naccs_err_set(err, ENOENT, _("no identity %s"), what);
	sqlite3_finalize(st);
	return rc;
}

static int identity_by_login(struct sq *s, const char *login, struct naccs_identity *id,
			     struct ident_meta *meta, struct naccs_err *err)
{
	sqlite3_stmt *st;
	char what[NACCS_LOGIN_MAX + 16];
	int rc = sq_prepare(
	    s, &st, err, "SELECT " IDENTITY_COLS " FROM identities WHERE login = ?1", "t", login);

	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "'%s'", login);
	return fetch_identity(s, st, what, id, meta, err);
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
	return rc;
}

/* Flags, and the failure mark: failures with a larger id are the ones that
 * count (those after the last success or unlock). */
static int load_flags(struct sq *s, const char *login, int64_t id, struct naccs_account_state *out,
		      int64_t *mark, struct naccs_err *err)
{
	sqlite3_stmt *st;
	struct row r;
	int rc = sq_prepare(s, &st, err,
			    "SELECT locked, locked_at, lock_reason, suspended, suspended_at, "
			    "suspend_reason, failure_mark FROM flags WHERE identity = ?1",
			    "l", id);

	if (rc < 0)
		return rc;
	row_init(&r, s, st, "flags", login);
	rc = sq_step(s, st, err);
	if (rc > 0)
		rc = read_flags_row(&r, out, mark, err);
	else if (rc == 0)
		rc = missing_row(s, "flags", login, err);
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
static int load_state(struct sq *s, const char *login, const struct ident_meta *meta, bool with_phc,
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
	if (rc < 0)
		naccs_wipe(out, sizeof(*out));
	return rc;
}

/* ---- writes ---------------------------------------------------------- */

/* One line of the issuance registry (UTS-2.2.1.3(2)(g)(イ)). */
static int registry_add(struct sq *s, int64_t at, const char *login, const char *event,
			const char *by, const char *detail, struct naccs_err *err)
{
	return sq_run(s, NULL, err,
		      "INSERT INTO registry (at, login, event, actor, detail) "
		      "VALUES (?1, ?2, ?3, ?4, ?5)",
		      "ltttt", at, login, event, by, detail != NULL ? detail : "");
}

/* Failures up to now stop counting (a success or an unlock). */
static int reset_failures(struct sq *s, int64_t id, struct naccs_err *err)
{
	return sq_run(s, NULL, err,
		      "UPDATE flags SET failure_mark = (SELECT coalesce(max(id), 0) "
		      "FROM failures WHERE identity = ?1) WHERE identity = ?1",
		      "l", id);
}

static int refuse_retired(const struct sq *s, const char *login, const struct ident_meta *meta,
			  struct naccs_err *err)
{
	if (!meta->retired)
		return 0;
	return naccs_err_set(err, EINVAL, _("credential store %s: '%s' is retired (%s)"), s->path,
			     login, s->op);
}

/* After a hash was erased: secure_delete zeroed it in the new page images,
 * but older images may still sit in the WAL and the main file until a
 * checkpoint copies the new ones over them and empties the WAL.  Best
 * effort, with a short wait for readers: the erase itself is committed. */
static void erase_old_pages(struct sq *s)
{
	naccs_deadline_t soon = naccs_deadline_in(ERASE_WAIT_MS);

	if (soon < s->dl)
		s->dl = soon;
	sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

/* ---- open and schema ------------------------------------------------- */

static int dir_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash == NULL ? 0 : (size_t)(slash - path);

	if (slash == NULL)
		return snprintf(out, size, ".") < (int)size ? 0 : -ENAMETOOLONG;
	if (len == 0)
		len = 1; /* the root directory */
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(out, path, len);
	out[len] = '\0';
	return 0;
}

/* The store holds password hashes: beyond the trust rule (owner, no group or
 * other write), nobody else may read it either (UTS-2.2.1.1(1)(b)(ア)). */
static int check_private(const char *path, uid_t owner, bool must_exist, struct naccs_err *err)
{
	struct stat sb;
	int rc = naccs_trust_check_file(path, owner, err);

	if (rc == -ENOENT && !must_exist)
		return 0;
	if (rc < 0)
		return rc;
	if (lstat(path, &sb) != 0)
		return naccs_err_set(err, errno, _("%s: cannot check: %s"), path, strerror(errno));
	if ((sb.st_mode & 077) != 0)
		return naccs_err_set(
		    err, EPERM,
		    _("%s: readable by group or others (mode %04o); the credential "
		      "store must be mode 0600"),
		    path, (unsigned)(sb.st_mode & 07777));
	return 0;
}

/* The -wal and -shm files: leftovers of another database would be replayed
 * into this one, and readable ones would leak hashes. */
static int check_side_files(const struct sq *s, uid_t owner, bool create, struct naccs_err *err)
{
	static const char *const suffix[] = {"-wal", "-shm"};
	char side[PATH_MAX];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		struct stat sb;
		int rc;

		if (snprintf(side, sizeof(side), "%s%s", s->path, suffix[i]) >= (int)sizeof(side))
			return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), s->path);
		if (create && lstat(side, &sb) == 0)
			return naccs_err_set(err, EEXIST,
					     _("%s exists although the store %s does not: remove "
					       "it first"),
					     side, s->path);
		rc = check_private(side, owner, false, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int check_existing(const struct sq *s, uid_t owner, struct naccs_err *err)
{
	int rc = check_private(s->path, owner, true, err);

	if (rc == -ENOENT)
		return naccs_err_set(err, ENOENT,
				     _("credential store %s does not exist (create it with "
				       "naccsctl init)"),
				     s->path);
	if (rc == 0)
		rc = check_side_files(s, owner, false, err);
	return rc;
}

/* Create the empty file ourselves: O_EXCL refuses an existing store and
 * O_NOFOLLOW a planted link; mode 0600 from the start. */
static int create_file(const struct sq *s, uid_t owner, struct naccs_err *err)
{
	char dir[PATH_MAX];
	int fd, rc;

	if (dir_of(s->path, dir, sizeof(dir)) < 0)
		return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), s->path);
	rc = naccs_trust_check_dir(dir, owner, err);
	if (rc == 0)
		rc = check_side_files(s, owner, true, err);
	if (rc < 0)
		return rc;
	fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return naccs_err_set(err, EEXIST, _("credential store %s already exists"), s->path);
	if (fd < 0)
		return naccs_err_set(err, errno, _("credential store %s: cannot create: %s"),
				     s->path, strerror(errno));
	rc = naccs_trust_check_fd(fd, s->path, owner, err);
	close(fd);
	if (rc < 0)
		unlink(s->path);
	return rc;
}

static int open_db(struct sq *s, struct naccs_err *err)
{
	int flags =
	    (s->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOFOLLOW;
	int rc;

#ifdef SQLITE_OPEN_EXRESCODE
	flags |= SQLITE_OPEN_EXRESCODE;
#endif
	rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (s->db == NULL)
			return naccs_err_set(err, ENOMEM, _("credential store %s: out of memory"),
					     s->path);
		return sq_fail(s, rc, err);
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_wait, s);
	/* Defensive: no writable_schema or other ways to corrupt the file from
	 * SQL; no functions with side effects in the schema; no "strings" that
	 * silently become identifiers. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	return 0;
}

/* Connection settings.  secure_delete overwrites erased hashes instead of
 * leaving them in free pages; WAL with synchronous=FULL makes each commit
 * durable before it returns while readers never wait for writers. */
static int configure(struct sq *s, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_script(s,
			   "PRAGMA trusted_schema = OFF; PRAGMA foreign_keys = ON;"
			   "PRAGMA secure_delete = ON; PRAGMA cell_size_check = ON;",
			   err);

	if (rc < 0 || s->read_only)
		return rc; /* a read-only handle cannot change the journal mode */
	rc = sq_prepare(s, &st, err, "PRAGMA journal_mode = WAL", "");
	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0 && (sqlite3_column_text(st, 0) == NULL ||
		       sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") != 0))
		rc = naccs_err_set(err, EIO, _("credential store %s: cannot switch to WAL mode"),
				   s->path);
	sqlite3_finalize(st);
	if (rc >= 0)
		rc = sq_script(s, "PRAGMA synchronous = FULL", err);
	return rc < 0 ? rc : 0;
}

/* A query that yields one row of integers (NULL reads as 0). */
static int query_ints(struct sq *s, const char *sql, int64_t *out, int n, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err, sql, "");

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	for (int i = 0; i < n; i++)
		out[i] = rc > 0 ? sqlite3_column_int64(st, i) : 0;
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The schema version: 0 for an empty file, -EPROTO for a database that is
 * not a credential store. */
static int read_version(struct sq *s, int *version, struct naccs_err *err)
{
	int64_t n[2] = {0, 0}, v = 0;
	int rc = query_ints(s,
			    "SELECT count(*), count(*) FILTER (WHERE type = 'table' AND "
			    "name = 'schema_version') FROM sqlite_master",
			    n, 2, err);

	*version = 0;
	if (rc < 0 || n[0] == 0)
		return rc;
	if (n[1] == 1)
		rc = query_ints(s, "SELECT max(version) FROM schema_version", &v, 1, err);
	if (rc < 0)
		return rc;
	if (v <= 0 || v >= INT_MAX)
		return naccs_err_set(err, EPROTO,
				     _("%s is a database but not a credential store (no schema "
				       "version)"),
				     s->path);
	*version = (int)v;
	return 0;
}

static int apply_migration(struct sq *s, int version, struct naccs_err *err)
{
	int now_at = 0;
	int rc = tx_begin(s, s->dl, true, _("upgrading the schema"), err);

	if (rc < 0)
		return rc;
	/* Another process may have applied it while we waited for the lock. */
	rc = read_version(s, &now_at, err);
	if (rc == 0 && now_at < version) {
		rc = sq_script(s, naccs_sqlite_migrations[version - 1], err);
		if (rc == 0)
			rc = sq_run(
			    s, NULL, err,
			    "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
			    "dl", version, naccs_now_wall());
	}
	return tx_end(s, rc, err);
}

static int migrate(struct sq *s, bool create, struct naccs_err *err)
{
	int version = 0;
	int rc = read_version(s, &version, err);

	if (rc < 0)
		return rc;
	if (version > NACCS_SQLITE_SCHEMA_VERSION)
		return naccs_err_set(err, EPROTO,
				     _("credential store %s has schema version %d, newer than this "
				       "naccs-auth knows (%d): upgrade naccs-auth"),
				     s->path, version, NACCS_SQLITE_SCHEMA_VERSION);
	if (version == 0 && !create)
		return naccs_err_set(
		    err, EPROTO, _("credential store %s is empty (create it with naccsctl init)"),
		    s->path);
	if (version < NACCS_SQLITE_SCHEMA_VERSION && s->read_only)
		return naccs_err_set(err, EPROTO,
				     _("credential store %s has schema version %d and needs an "
				       "upgrade: open it read-write once"),
				     s->path, version);
	for (int v = version + 1; v <= NACCS_SQLITE_SCHEMA_VERSION && rc == 0; v++)
		rc = apply_migration(s, v, err);
	return rc;
}

static void unlink_store(const char *path)
{
	char side[PATH_MAX];

	unlink(path);
	if (snprintf(side, sizeof(side), "%s-wal", path) < (int)sizeof(side))
		unlink(side);
	if (snprintf(side, sizeof(side), "%s-shm", path) < (int)sizeof(side))
		unlink(side);
}

static void sq_close(void *impl)
{
	struct sq *s = impl;

	if (s == NULL)
		return;
	sqlite3_close_v2(s->db);
	free(s);
}

static int open_steps(struct sq *s, const struct naccs_store_options *opt, struct naccs_err *err)
{
	int rc = opt->create ? create_file(s, opt->owner_uid, err)
			     : check_existing(s, opt->owner_uid, err);

	if (rc == 0)
		rc = open_db(s, err);
	if (rc == 0)
		rc = configure(s, err);
	if (rc == 0)
		rc = migrate(s, opt->create, err);
	if (rc < 0 && opt->create && rc != -EEXIST) {
		/* Leave no half-made store behind, so init can be run again. */
		sqlite3_close_v2(s->db);
		s->db = NULL;
		unlink_store(s->path);
	}
	return rc;
}

static int sq_open(const struct naccs_store_options *opt, void **impl, struct naccs_err *err)
{
	size_t len = strlen(opt->path);
	struct sq *s;
	mode_t old_mask;
	int rc;

	if (len >= PATH_MAX)
		return naccs_err_set(err, ENAMETOOLONG, _("credential store path too long"));
	s = calloc(1, sizeof(*s) + len + 1);
	if (s == NULL)
		return naccs_err_set(err, ENOMEM, _("credential store: out of memory"));
	memcpy(s->path, opt->path, len + 1);
	s->read_only = opt->read_only;
	s->dl = naccs_deadline_in(opt->timeout_ms);
	s->op = _("opening");
	/* The -wal and -shm files are made by SQLite as needed; with this mask
	 * they can never be more open than 0600, whatever the host's umask. */
	old_mask = umask(077);
	rc = open_steps(s, opt, err);
	umask(old_mask);
	if (rc < 0) {
		sq_close(s);
		return rc;
	}
	*impl = s;
	return 0;
}

/* ---- operations ------------------------------------------------------ */

static int sq_schema_version(void *impl, naccs_deadline_t dl, int *version, struct naccs_err *err)
{
	struct sq *s = impl;
	int rc = tx_begin(s, dl, false, _("reading the schema version"), err);

	if (rc == 0)
		rc = read_version(s, version, err);
	return tx_end(s, rc, err);
}

static int sq_find(void *impl, naccs_deadline_t dl, const char *login, struct naccs_identity *out,
		   struct naccs_err *err)
{
	struct sq *s = impl;
	struct ident_meta meta;
	int rc = tx_begin(s, dl, false, _("looking up an identity"), err);

	if (rc == 0)
		rc = identity_by_login(s, login, out, &meta, err);
	return tx_end(s, rc, err);
}

static int sq_find_by_user_id(void *impl, naccs_deadline_t dl, const struct naccs_user_id *u,
			      struct naccs_identity *out, struct naccs_err *err)
{
	struct sq *s = impl;
	struct ident_meta meta;
	sqlite3_stmt *st;
	char what[NACCS_CODE_MAX + NACCS_NUMBER_LEN + 24];
	int rc = tx_begin(s, dl, false, _("looking up a NACCS user ID"), err);

	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT " IDENTITY_COLS
				" FROM identities WHERE user_code = ?1 AND id_number = ?2",
				"tt", u->code, u->number);
	if (rc == 0) {
		snprintf(what, sizeof(what), _("with NACCS user ID %s-%s"), u->code, u->number);
		rc = fetch_identity(s, st, what, out, &meta, err);
	}
	return tx_end(s, rc, err);
}

static int sq_find_by_uid(void *impl, naccs_deadline_t dl, uint32_t uid, struct naccs_identity *out,
			  struct naccs_err *err)
{
	struct sq *s = impl;
	struct ident_meta meta;
	sqlite3_stmt *st;
	char what[32];
	int rc = tx_begin(s, dl, false, _("looking up a uid"), err);

	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT " IDENTITY_COLS " FROM identities WHERE uid = ?1", "l",
				(int64_t)uid);
	if (rc == 0) {
		snprintf(what, sizeof(what), _("with uid %lu"), (unsigned long)uid);
		rc = fetch_identity(s, st, what, out, &meta, err);
	}
	return tx_end(s, rc, err);
}

static int sq_get_state(void *impl, naccs_deadline_t dl, const char *login,
			struct naccs_account_state *out, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct ident_meta meta;
	int rc = tx_begin(s, dl, false, _("reading an account state"), err);

	if (rc == 0)
		rc = identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = load_state(s, login, &meta, true, out, err);
	return tx_end(s, rc, err);
}

/* The failure is added and the state read back in one transaction, so N
 * concurrent failures always count N (UTS-2.2.1.1(1)(g)(ウ)).  The state
 * returned carries no hash: the caller needs the counts and flags. */
static int sq_record_failure(void *impl, naccs_deadline_t dl, const char *login,
			     const struct naccs_login_event *ev, struct naccs_account_state *after,
			     struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct ident_meta meta;
	int rc = tx_begin(s, dl, true, _("recording a failed login"), err);

	if (rc == 0)
		rc = identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "INSERT INTO failures (identity, at, service, tty, rhost) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)",
			    "llttt", meta.id, ev->at, ev->service, ev->tty, ev->rhost);
	if (rc == 0)
		rc = load_state(s, login, &meta, false, after, err);
	return tx_end(s, rc, err);
}

/* The state before (for the last-login notice), then this login becomes the
 * last success and the failures so far stop counting. */
static int sq_record_success(void *impl, naccs_deadline_t dl, const char *login,
			     const struct naccs_login_event *ev, struct naccs_account_state *before,
			     struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct ident_meta meta;
	int rc = tx_begin(s, dl, true, _("recording a successful login"), err);

	if (rc == 0)
		rc = identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = load_state(s, login, &meta, false, before, err);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "INSERT INTO last_success (identity, at, service, tty, rhost) "
			    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (identity) DO UPDATE SET "
			    "at = excluded.at, service = excluded.service, tty = excluded.tty, "
			    "rhost = excluded.rhost",
			    "llttt", meta.id, ev->at, ev->service, ev->tty, ev->rhost);
	if (rc == 0)
		rc = reset_failures(s, meta.id, err);
	return tx_end(s, rc, err);
}

/* -EEXIST if the prepared query (login, retired) finds a row; finalizes st. */
static int taken(struct sq *s, sqlite3_stmt *st, const char *what, struct naccs_err *err)
{
	char holder[48];
	int rc = sq_step(s, st, err);

	if (rc > 0) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		printable(t != NULL ? t : "", t != NULL ? strlen(t) : 0, holder, sizeof(holder));
		rc = naccs_err_set(err, EEXIST,
				   _("%s was already issued (to login '%s'%s); an ID is never "
				     "issued twice"),
				   what, holder,
				   sqlite3_column_int(st, 1) != 0 ? _(", now retired") : "");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Everything that makes an identity unique must never have been issued,
 * retired tombstones included (UTS-2.2.1.3(2)(g)(ウ)).  Logins differing
 * only in case count as the same. */
static int check_unissued(struct sq *s, const struct naccs_identity *id, struct naccs_err *err)
{
	char what[NACCS_LOGIN_MAX + NACCS_CODE_MAX + NACCS_NUMBER_LEN + 40];
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err,
			    "SELECT login, retired FROM identities WHERE login = ?1 COLLATE NOCASE",
			    "t", id->login);

	snprintf(what, sizeof(what), _("login '%s'"), id->login);
	if (rc == 0)
		rc = taken(s, st, what, err);
	if (rc == 0 && id->user_code[0] != '\0') {
		snprintf(what, sizeof(what), _("NACCS user ID %s-%s"), id->user_code,
			 id->id_number);
		rc = sq_prepare(s, &st, err,
				"SELECT login, retired FROM identities "
				"WHERE user_code = ?1 AND id_number = ?2",
				"tt", id->user_code, id->id_number);
		if (rc == 0)
			rc = taken(s, st, what, err);
	}
	if (rc == 0 && id->uid != NACCS_UID_ALLOCATE) {
		snprintf(what, sizeof(what), _("uid %lu"), (unsigned long)id->uid);
		rc = sq_prepare(s, &st, err, "SELECT login, retired FROM identities WHERE uid = ?1",
				"l", (int64_t)id->uid);
		if (rc == 0)
			rc = taken(s, st, what, err);
	}
	return rc;
}

/* The lowest uid in [min, max] that no identity, retired or not, ever had. */
static int allocate_uid(struct sq *s, uint32_t min, uint32_t max, uint32_t *uid,
			struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err,
			    "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM identities WHERE uid = ?1) "
			    "THEN ?1 ELSE (SELECT min(a.uid) + 1 FROM identities a "
			    "WHERE a.uid BETWEEN ?1 AND ?2 - 1 AND NOT EXISTS "
			    "(SELECT 1 FROM identities b WHERE b.uid = a.uid + 1)) END",
			    "ll", (int64_t)min, (int64_t)max);

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0 && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
		*uid = (uint32_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc >= 0) {
		rc = naccs_err_set(err, ENOSPC,
				   _("credential store %s: every uid in [%lu, %lu] was already "
				     "issued"),
				   s->path, (unsigned long)min, (unsigned long)max);
	}
	sqlite3_finalize(st);
	return rc;
}

static int insert_identity(struct sq *s, const struct naccs_identity *id, struct naccs_err *err)
{
	const char *code = id->user_code[0] != '\0' ? id->user_code : NULL;
	const char *number = id->id_number[0] != '\0' ? id->id_number : NULL;
	int rc = sq_run(s, NULL, err,
			"INSERT INTO identities (login, user_code, id_number, uid, gid, gecos, "
			"home, shell, kind, admin, created_by, created_at) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
			"tttllttttdtl", id->login, code, number, (int64_t)id->uid, (int64_t)id->gid,
			id->gecos, id->home, id->shell,
			id->kind == NACCS_KIND_SHARED ? "shared" : "individual", id->admin ? 1 : 0,
			id->created_by, id->created_at);

	/* check_unissued ran in this transaction, so this is a last resort. */
	if (rc < 0 && (s->last_rc & 0xff) == SQLITE_CONSTRAINT)
		rc =
		    naccs_err_set(err, EEXIST,
				  _("credential store %s: login '%s', its NACCS user ID or its uid "
				    "was already issued"),
				  s->path, id->login);
	return rc;
}

static int add_rows(struct sq *s, struct naccs_identity *id, const char *phc, bool must_change,
		    const char *issued_to, struct naccs_err *err)
{
	int64_t row;
	int rc = insert_identity(s, id, err);

	if (rc < 0)
		return rc;
	row = sqlite3_last_insert_rowid(s->db);
	rc = sq_run(s, NULL, err,
		    "INSERT INTO credentials (identity, phc, changed_at, must_change) "
		    "VALUES (?1, ?2, ?3, ?4)",
		    "ltld", row, phc, id->created_at, must_change ? 1 : 0);
	if (rc == 0)
		rc = sq_run(s, NULL, err, "INSERT INTO flags (identity) VALUES (?1)", "l", row);
	if (rc == 0)
		rc = registry_add(s, id->created_at, id->login, "issued", id->created_by, issued_to,
				  err);
	return rc;
}

static int sq_add_identity(void *impl, naccs_deadline_t dl, struct naccs_identity *id,
			   uint32_t uid_min, uint32_t uid_max, const char *phc, bool must_change,
			   const char *issued_by, const char *issued_to, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity row = *id;
	int rc = tx_begin(s, dl, true, _("issuing an identity"), err);

	snprintf(row.created_by, sizeof(row.created_by), "%s", issued_by);
	row.created_at = naccs_now_wall();
	if (rc == 0)
		rc = check_unissued(s, &row, err);
	if (rc == 0 && row.uid == NACCS_UID_ALLOCATE)
		rc = allocate_uid(s, uid_min, uid_max, &row.uid, err);
	if (rc == 0)
		rc = add_rows(s, &row, phc, must_change, issued_to, err);
	rc = tx_end(s, rc, err);
	if (rc == 0)
		*id = row;
	return rc;
}

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

static int sq_set_password(void *impl, naccs_deadline_t dl, const char *login, const char *phc,
			   bool must_change, unsigned keep_history, const char *event,
			   const char *by, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct ident_meta meta;
	int64_t now = naccs_now_wall();
	int rc = tx_begin(s, dl, true, _("setting a password"), err);

	if (rc == 0)
		rc = identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = refuse_retired(s, login, &meta, err);
	if (rc == 0)
		rc = replace_credential(s, meta.id, phc, must_change, keep_history, now, err);
	if (rc == 0)
		rc = registry_add(s, now, login, event, by, must_change ? "must-change" : "", err);
	rc = tx_end(s, rc, err);
	if (rc == 0)
		erase_old_pages(s); /* hashes pruned from the history */
	return rc;
}

/* Compare-and-swap of the hash alone: no history, no change of the
 * password's age (the password itself did not change). */
static int sq_replace_hash(void *impl, naccs_deadline_t dl, const char *login, const char *old_phc,
			   const char *new_phc, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct ident_meta meta;
	int changes = 0;
	int rc = tx_begin(s, dl, true, _("upgrading a hash"), err);

	if (rc == 0)
		rc = identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = refuse_retired(s, login, &meta, err);
	if (rc == 0)
		rc = sq_run(s, &changes, err,
			    "UPDATE credentials SET phc = ?3 WHERE identity = ?1 AND phc = ?2",
			    "ltt", meta.id, old_phc, new_phc);
	if (rc == 0 && changes == 0)
		rc = naccs_err_set(err, ESTALE,
				   _("credential store %s: the credential of '%s' changed "
				     "meanwhile; hash left as it is"),
				   s->path, login);
	return tx_end(s, rc, err);
}

static int apply_lock(struct sq *s, int64_t id, bool on, const char *reason, int64_t now,
		      int *changes, struct naccs_err *err)
{
	if (on)
		return sq_run(s, changes, err,
			      "UPDATE flags SET locked = 1, locked_at = ?2, lock_reason = ?3 "
			      "WHERE identity = ?1",
			      "llt", id, now, reason);
	/* Unlocking also forgets the failures counted so far. */
	return sq_run(s, changes, err,
		      "UPDATE flags SET locked = 0, locked_at = NULL, lock_reason = '', "
		      "failure_mark = (SELECT coalesce(max(id), 0) FROM failures "
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
		return missing_row(s, "flags", login, err);
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

static int sq_set_flag(void *impl, naccs_deadline_t dl, const char *login, enum naccs_flag flag,
		       bool on, const char *reason, const char *by, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct ident_meta meta;
	int64_t now = naccs_now_wall();
	int rc = tx_begin(s, dl, true, _("setting a flag"), err);

	if (rc == 0)
		rc = identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = refuse_retired(s, login, &meta, err);
	if (rc == 0)
		rc = apply_flag(s, login, meta.id, flag, on, reason, now, err);
	if (rc == 0)
		rc = registry_add(s, now, login, flag_event(flag, on), by, reason, err);
	return tx_end(s, rc, err);
}

/* The row stays as a tombstone; the credential and its history go. */
static int sq_retire(void *impl, naccs_deadline_t dl, const char *login, const char *reason,
		     const char *by, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct ident_meta meta;
	int64_t now = naccs_now_wall();
	int rc = tx_begin(s, dl, true, _("retiring an identity"), err);

	if (rc == 0)
		rc = identity_by_login(s, login, &id, &meta, err);
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
		rc = registry_add(s, now, login, "retired", by, reason, err);
	rc = tx_end(s, rc, err);
	if (rc == 0)
		erase_old_pages(s);
	return rc;
}

/* One identity of a listing: its state (without hash) and the callback.
 * Returns 1 when the callback asked to stop. */
static int list_one(struct sq *s, sqlite3_stmt *st, naccs_store_list_fn cb, void *ctx, int *cb_rc,
		    struct naccs_err *err)
{
	struct naccs_identity id;
	struct naccs_account_state state;
	struct ident_meta meta;
	int rc = read_identity(s, st, &id, &meta, err);

	if (rc == 0)
		rc = load_state(s, id.login, &meta, false, &state, err);
	if (rc < 0)
		return rc;
	*cb_rc = cb(ctx, &id, &state);
	naccs_wipe(&state, sizeof(state));
	return *cb_rc != 0 ? 1 : 0;
}

static int sq_list(void *impl, naccs_deadline_t dl, naccs_store_list_fn cb, void *ctx,
		   struct naccs_err *err)
{
	struct sq *s = impl;
	sqlite3_stmt *st = NULL;
	int cb_rc = 0;
	int rc = tx_begin(s, dl, false, _("listing identities"), err);

	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT " IDENTITY_COLS " FROM identities ORDER BY login", "");
	while (rc == 0 && (rc = sq_step(s, st, err)) > 0)
		rc = list_one(s, st, cb, ctx, &cb_rc, err);
	sqlite3_finalize(st);
	if (rc > 0) /* stopped by the callback: its negative answer is the result */
		rc = cb_rc < 0 ? cb_rc : 0;
	return tx_end(s, rc, err);
}

static int read_registry_row(const struct sq *s, sqlite3_stmt *st, struct naccs_registry_entry *e,
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

static int sq_registry(void *impl, naccs_deadline_t dl, const char *login, naccs_registry_fn cb,
		       void *ctx, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_registry_entry e;
	sqlite3_stmt *st = NULL;
	int cb_rc = 0;
	int rc = tx_begin(s, dl, false, _("reading the registry"), err);

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
		rc = read_registry_row(s, st, &e, err);
		if (rc == 0 && (cb_rc = cb(ctx, &e)) != 0)
			rc = 1;
	}
	sqlite3_finalize(st);
	if (rc > 0)
		rc = cb_rc < 0 ? cb_rc : 0;
	return tx_end(s, rc, err);
}

const struct naccs_store_backend naccs_store_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .schema_version = sq_schema_version,
    .find = sq_find,
    .find_by_user_id = sq_find_by_user_id,
    .find_by_uid = sq_find_by_uid,
    .get_state = sq_get_state,
    .record_failure = sq_record_failure,
    .record_success = sq_record_success,
    .add_identity = sq_add_identity,
    .set_password = sq_set_password,
    .replace_hash = sq_replace_hash,
    .set_flag = sq_set_flag,
    .retire = sq_retire,
    .list = sq_list,
    .registry = sq_registry,
};
