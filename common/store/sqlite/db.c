/* The SQLite backend of the credential store: talking to the database.
 *
 * How a failed SQLite call becomes -errno with a message naming the store,
 * how waiting for a lock honours the caller's deadline, how statements are
 * prepared with their arguments bound (SQL text is constant; user data only
 * ever travels as bound parameters), and how every operation runs inside
 * one transaction.  Nothing here knows the tables. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/text.h"
#include "store/sqlite/internal.h"

/* Waiting for a lock: short sleeps first (most waits are one commit, about
 * a millisecond), longer ones later so a long wait does not spin. */
#define BUSY_STEP_SHORT_MS 1
#define BUSY_STEP_LONG_MS  5
#define BUSY_SHORT_STEPS   20

/* ---- errors ---------------------------------------------------------- */

/* Make a possibly hostile string safe to put in a message; shortened
 * strings end with "...". */
void sq_printable(const char *in, size_t inlen, char *out, size_t outsz)
{
	naccs_text_sanitize(in, inlen, out, outsz, NACCS_TEXT_ELLIPSIS);
}

static int cantopen_errno(const struct sq *s)
{
	int e = sqlite3_system_errno(s->db);

	return e == ENOENT ? ENOENT : e == ENOSPC ? ENOSPC : EACCES;
}

/* Map a failed SQLite call to -errno with a message naming the store. */
int sq_fail(struct sq *s, int rc, struct naccs_err *err)
{
	const char *why = sqlite3_errmsg(s->db);
	const char *op = s->op != NULL ? s->op : "";
	char sys[128];

	s->last_rc = rc;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return naccs_err_set(err, ETIMEDOUT,
				     _("credential store %s is busy: gave up at the deadline (%s)"),
				     s->path, op);
	case SQLITE_CANTOPEN:
		/* What the system said ("Permission denied"), not SQLite's
		 * "unable to open database file". */
		if (sqlite3_system_errno(s->db) != 0)
			why = naccs_strerror(sqlite3_system_errno(s->db), sys, sizeof(sys));
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

/* ---- waiting for locks ----------------------------------------------- */

int sq_busy_wait(void *arg, int attempts)
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

/* Bind arguments by type letters: 'l' int64_t, 'd' int (bools), 't' text,
 * 'r' a request id (NACCS_REQUEST_ID_LEN bytes) (NULL binds SQL NULL).  The strings outlive the
 * statement: SQLITE_STATIC. */
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
		case 'r':
			t = va_arg(ap, const char *);
			rc = t != NULL ? sqlite3_bind_blob(st, i + 1, t, NACCS_REQUEST_ID_LEN,
							   SQLITE_STATIC)
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
int sq_prepare(struct sq *s, sqlite3_stmt **st, struct naccs_err *err, const char *sql,
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
int sq_step(struct sq *s, sqlite3_stmt *st, struct naccs_err *err)
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
int sq_run(struct sq *s, int *changes, struct naccs_err *err, const char *sql, const char *types,
	   ...)
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
int sq_script(struct sq *s, const char *sql, struct naccs_err *err)
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
		if (rc != -ETIMEDOUT || sq_busy_wait(s, BUSY_SHORT_STEPS) == 0)
			return rc;
	}
}

int sq_tx_begin(struct sq *s, naccs_deadline_t dl, bool write, const char *op,
		struct naccs_err *err)
{
	s->dl = dl;
	s->op = op;
	if (write && s->read_only) {
		s->depth++;
		return naccs_err_set(err, EROFS, _("credential store %s was opened read-only (%s)"),
				     s->path, op);
	}
	/* Counted even when beginning fails: every sq_tx_begin has its sq_tx_end. */
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
	s->writing = write;
	return exec_begin(s, write, err);
}

/* Commit when rc is 0, roll back otherwise (a no-op when the transaction
 * never began); returns the final result. */
int sq_tx_end(struct sq *s, int rc, struct naccs_err *err)
{
	if (--s->depth > 0)
		return rc;
	/* The caller's last word on a write (naccsctl's trail line): a
	 * refusal rolls the whole change back. */
	if (rc == 0 && s->writing && s->commit_fn != NULL && !sqlite3_get_autocommit(s->db))
		rc = s->commit_fn(s->commit_ctx, err);
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

void sq_set_commit_hook(void *impl, naccs_store_commit_fn fn, void *ctx)
{
	struct sq *s = impl;

	s->commit_fn = fn;
	s->commit_ctx = ctx;
}

/* A read snapshot the caller holds across several calls (store/store.h):
 * the calls inside nest in it (sq_tx_begin's depth), so they share its
 * one read transaction.  A failed begin is undone here. */
int sq_read_begin(void *impl, naccs_deadline_t dl, struct naccs_err *err)
{
	struct sq *s = impl;
	int rc = sq_tx_begin(s, dl, false, "read snapshot", err);

	if (rc < 0)
		sq_tx_end(s, rc, err);
	return rc;
}

int sq_read_end(void *impl, int rc, struct naccs_err *err)
{
	return sq_tx_end(impl, rc, err);
}

/* ---- erasing old page images ----------------------------------------- */

/* Erasing old page images after a credential change is worth this much
 * waiting for readers, no more. */
#define ERASE_WAIT_MS 100

/* After a hash was replaced or erased (UTS-2.2.1.1(1)(b)(ア)): secure_delete
 * zeroed it in the new page images, but older images may still sit in the
 * WAL and the main file until a checkpoint copies the new ones over them
 * and empties the WAL.  Called after every committed credential change
 * (re-hash, password set, retirement).  Best effort, with a short wait for
 * readers: the change itself is committed. */
void sq_erase_old_pages(struct sq *s)
{
	naccs_deadline_t soon = naccs_deadline_in(ERASE_WAIT_MS);

	if (soon < s->dl)
		s->dl = soon;
	sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}
