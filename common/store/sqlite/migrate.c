/* The SQLite backend: the schema version of an open store, the judgement
 * of a plain open on it, and the migrations of an administrative open
 * (WAL mode, store/sqlite/schema.h), each in its own transaction (the rules
 * are those of store/sqlite/open.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/path.h"
#include "base/trust.h"
#include "store/sqlite/internal.h"
#include "store/sqlite/schema.h"

/* Administrative opens only: WAL mode, so readers never wait for writers. */
int sq_switch_to_wal(struct sq *s, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err, "PRAGMA journal_mode = WAL", "");

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0 && (sqlite3_column_text(st, 0) == NULL ||
		       sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") != 0))
		rc = naccs_err_set(err, EIO, _("credential store %s: cannot switch to WAL mode"),
				   s->path);
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---- schema ---------------------------------------------------------- */

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

/* The schema version: 0 for a database without any table, -EPROTO for a
 * database that is not a credential store. */
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

int sq_schema_version(void *impl, naccs_deadline_t dl, int *version, struct naccs_err *err)
{
	struct sq *s = impl;
	int rc = sq_tx_begin(s, dl, false, _("reading the schema version"), err);

	if (rc == 0)
		rc = read_version(s, version, err);
	return sq_tx_end(s, rc, err);
}

static int apply_migration(struct sq *s, int version, struct naccs_err *err)
{
	int now_at = 0;
	int rc = sq_tx_begin(s, s->dl, true, _("upgrading the schema"), err);

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
	return sq_tx_end(s, rc, err);
}

int sq_refuse_not_wal(const struct sq *s, struct naccs_err *err)
{
	return naccs_err_set(err, EPROTO,
			     _("credential store %s is not in WAL mode: run naccsctl upgrade"),
			     s->path);
}

int sq_judge_version(const struct sq *s, int version, bool migrate, struct naccs_err *err)
{
	if (version > NACCS_SQLITE_SCHEMA_VERSION)
		return naccs_err_set(err, EPROTO,
				     _("credential store %s has schema version %d, newer than this "
				       "naccs-auth knows (%d): upgrade naccs-auth"),
				     s->path, version, NACCS_SQLITE_SCHEMA_VERSION);
	if (migrate)
		return 0;
	if (version == 0)
		return naccs_err_set(err, EPROTO,
				     _("credential store %s is an empty database without tables: "
				       "run naccsctl init"),
				     s->path);
	if (version < NACCS_SQLITE_SCHEMA_VERSION)
		return naccs_err_set(err, EPROTO,
				     _("credential store %s has schema version %d, this naccs-auth "
				       "needs %d: run naccsctl upgrade"),
				     s->path, version, NACCS_SQLITE_SCHEMA_VERSION);
	return 0;
}

/* The version, read in a read transaction; a plain open goes no further
 * unless it is exactly the version this code works with. */
int sq_check_version(struct sq *s, bool migrate, struct naccs_err *err)
{
	int version = 0;
	int rc = sq_schema_version(s, s->dl, &version, err);

	if (rc == 0)
		rc = sq_judge_version(s, version, migrate, err);
	for (int v = version + 1; v <= NACCS_SQLITE_SCHEMA_VERSION && rc == 0; v++)
		rc = apply_migration(s, v, err);
	return rc;
}
