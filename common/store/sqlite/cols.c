/* The SQLite backend of the credential store: reading columns.
 *
 * Every value read is checked against the domain of the fixed-size fields
 * of store/store.h: a value that is NULL where it may not be, of the wrong
 * type, too long or otherwise out of domain is reported as -EINVAL naming
 * the table, the login and the column, never truncated or passed on.  The
 * rows themselves: store/sqlite/rows.c. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "store/sqlite/internal.h"

/* ---- rows and their errors ------------------------------------------- */

void sq_row_init(struct sq_row *r, const struct sq *s, sqlite3_stmt *st, const char *table,
		 const char *login)
{
	r->s = s;
	r->st = st;
	r->table = table;
	sq_printable(login, strlen(login), r->who, sizeof(r->who));
}

/* The login of a row about to be read, printable whatever the row holds. */
void sq_row_init_from_col(struct sq_row *r, const struct sq *s, sqlite3_stmt *st, const char *table,
			  int col)
{
	const char *t = NULL;

	/* Only a text value is read as such: reading another type as text
	 * would convert it and spoil the type check that follows. */
	if (sqlite3_column_type(st, col) == SQLITE_TEXT)
		t = (const char *)sqlite3_column_text(st, col);
	sq_row_init(r, s, st, table, "?");
	if (t != NULL)
		sq_printable(t, (size_t)sqlite3_column_bytes(st, col), r->who, sizeof(r->who));
}

int sq_bad_row(const struct sq_row *r, int col, const char *why, struct naccs_err *err)
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
int sq_col_text(const struct sq_row *r, int col, char *out, size_t size, bool nonempty,
		struct naccs_err *err)
{
	int type = sqlite3_column_type(r->st, col);
	const unsigned char *t;
	int n;
	char why[96];

	if (type == SQLITE_NULL)
		return sq_bad_row(r, col, _("missing (NULL)"), err);
	if (type != SQLITE_TEXT)
		return sq_bad_row(r, col, _("not text"), err);
	t = sqlite3_column_text(r->st, col);
	n = sqlite3_column_bytes(r->st, col);
	if (t == NULL)
		return naccs_err_set(err, ENOMEM, _("credential store %s: out of memory"),
				     r->s->path);
	if ((size_t)n >= size) {
		snprintf(why, sizeof(why), _("too long (%d bytes, at most %zu)"), n, size - 1);
		return sq_bad_row(r, col, why, err);
	}
	if (memchr(t, '\0', (size_t)n) != NULL)
		return sq_bad_row(r, col, _("contains a NUL byte"), err);
	if (nonempty && n == 0)
		return sq_bad_row(r, col, _("empty"), err);
	if (out != NULL) {
		memcpy(out, t, (size_t)n);
		out[n] = '\0';
	}
	return 0;
}

/* An optional text column: NULL reads as "". */
int sq_col_opt_text(const struct sq_row *r, int col, char *out, size_t size, struct naccs_err *err)
{
	if (sqlite3_column_type(r->st, col) == SQLITE_NULL) {
		out[0] = '\0';
		return 0;
	}
	return sq_col_text(r, col, out, size, true, err);
}

int sq_col_int(const struct sq_row *r, int col, int64_t min, int64_t max, int64_t *out,
	       struct naccs_err *err)
{
	int type = sqlite3_column_type(r->st, col);
	int64_t v;
	char why[96];

	if (type == SQLITE_NULL)
		return sq_bad_row(r, col, _("missing (NULL)"), err);
	if (type != SQLITE_INTEGER)
		return sq_bad_row(r, col, _("not an integer"), err);
	v = sqlite3_column_int64(r->st, col);
	if (v < min || v > max) {
		snprintf(why, sizeof(why), _("%lld out of range [%lld, %lld]"), (long long)v,
			 (long long)min, (long long)max);
		return sq_bad_row(r, col, why, err);
	}
	*out = v;
	return 0;
}

/* An optional time: NULL reads as 0. */
int sq_col_opt_time(const struct sq_row *r, int col, int64_t *out, struct naccs_err *err)
{
	if (sqlite3_column_type(r->st, col) == SQLITE_NULL) {
		*out = 0;
		return 0;
	}
	return sq_col_int(r, col, INT64_MIN, INT64_MAX, out, err);
}

int sq_col_bool(const struct sq_row *r, int col, bool *out, struct naccs_err *err)
{
	int64_t v = 0;
	int rc = sq_col_int(r, col, 0, 1, &v, err);

	*out = v != 0;
	return rc;
}

int sq_col_time(const struct sq_row *r, int col, int64_t *out, struct naccs_err *err)
{
	return sq_col_int(r, col, INT64_MIN, INT64_MAX, out, err);
}

int sq_col_kind(const struct sq_row *r, int col, enum naccs_id_kind *out, struct naccs_err *err)
{
	char kind[16];
	int rc = sq_col_text(r, col, kind, sizeof(kind), true, err);

	if (rc < 0)
		return rc;
	if (strcmp(kind, "individual") == 0)
		*out = NACCS_KIND_INDIVIDUAL;
	else if (strcmp(kind, "shared") == 0)
		*out = NACCS_KIND_SHARED;
	else
		return sq_bad_row(r, col, _("unknown kind (expected individual or shared)"), err);
	return 0;
}
