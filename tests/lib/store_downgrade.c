/* store_downgrade PATH VERSION: bring the credential store at PATH back to
 * schema VERSION, as an older naccs-auth left it, for the tests of an
 * upgrade (issue 16, item 2: tests/e2e/test_upgrade.sh,
 * tests/cli/test_naccsctl_upgrade_package.sh).  Never used by the product.
 *
 * Generic over the migrations of common/store/sqlite/schema.h: a scratch
 * database is built from migrations 1..VERSION (the old DDL itself); then,
 * in one transaction, every trigger, index, table and column of the store
 * that the scratch lacks (or holds with other SQL) is dropped, the old
 * triggers and indexes are made again, and the schema_version rows above
 * VERSION are deleted.  What the later migrations added is lost, the rest
 * (IDs, hashes, counters, the registry) stays.  Exit 0, or 1 with a
 * message. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/sqlite/schema.h"

static int fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "store_downgrade: %s: %s\n", what, db != NULL ? sqlite3_errmsg(db) : "");
	return 1;
}

/* The SQL of object name of type in db, or NULL (malloc'd). */
static char *object_sql(sqlite3 *db, const char *type, const char *name)
{
	sqlite3_stmt *st = NULL;
	char *sql = NULL;

	if (sqlite3_prepare_v2(
		db, "SELECT coalesce(sql, '') FROM sqlite_master WHERE type = ?1 AND name = ?2", -1,
		&st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		sql = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return sql;
}

static bool has_column(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st,
			       NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Run sql (built with sqlite3_mprintf; freed here). */
static int run(sqlite3 *db, char *sql)
{
	int rc = sql != NULL ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;

	if (rc != SQLITE_OK)
		fprintf(stderr, "store_downgrade: %s: %s\n", sql != NULL ? sql : "?",
			sqlite3_errmsg(db));
	sqlite3_free(sql);
	return rc == SQLITE_OK ? 0 : 1;
}

/* Drop the objects of type in the store that the scratch lacks or, with
 * sql_too, holds with other SQL (triggers and indexes are made again
 * afterwards; a table's SQL grows with each column added, its columns are
 * dropped one by one). */
static int drop_changed(sqlite3 *db, sqlite3 *old, const char *type, bool sql_too)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = ?1 "
			       "AND name NOT LIKE 'sqlite_%'",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(db, "listing the schema");
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char *name = strdup((const char *)sqlite3_column_text(st, 0));
		char *was = object_sql(old, type, name);

		if (was == NULL ||
		    (sql_too && strcmp(was, (const char *)sqlite3_column_text(st, 1)) != 0)) {
			sqlite3_reset(st); /* the statement must not run over its own change */
			rc = run(db, sqlite3_mprintf("DROP %s \"%w\"", type, name));
		}
		free(was);
		free(name);
	}
	sqlite3_finalize(st);
	return rc;
}

static int drop_new_columns(sqlite3 *db, sqlite3 *old)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(
		db,
		"SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c "
		"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
		-1, &st, NULL) != SQLITE_OK)
		return fail(db, "listing the columns");
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char *table = strdup((const char *)sqlite3_column_text(st, 0));
		char *column = strdup((const char *)sqlite3_column_text(st, 1));

		if (!has_column(old, table, column)) {
			sqlite3_reset(st);
			rc = run(db, sqlite3_mprintf("ALTER TABLE \"%w\" DROP COLUMN \"%w\"", table,
						     column));
		}
		free(table);
		free(column);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Make the scratch's triggers and indexes that the store lacks now. */
static int make_missing(sqlite3 *db, sqlite3 *old)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(old,
			       "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', "
			       "'trigger') AND sql IS NOT NULL ORDER BY type = 'trigger'",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(old, "listing the old schema");
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char *have = object_sql(db, (const char *)sqlite3_column_text(st, 0),
					(const char *)sqlite3_column_text(st, 1));

		if (have == NULL)
			rc = run(db, sqlite3_mprintf("%s", sqlite3_column_text(st, 2)));
		free(have);
	}
	sqlite3_finalize(st);
	return rc;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL, *old = NULL;
	char *end = NULL;
	long version;
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: store_downgrade PATH VERSION\n");
		return 2;
	}
	version = strtol(argv[2], &end, 10);
	if (end == argv[2] || *end != '\0' || version < 1 ||
	    version >= NACCS_SQLITE_SCHEMA_VERSION) {
		fprintf(stderr, "store_downgrade: VERSION must be 1..%d\n",
			NACCS_SQLITE_SCHEMA_VERSION - 1);
		return 2;
	}
	if (sqlite3_open_v2(":memory:", &old, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return fail(old, "scratch");
	for (long v = 1; v <= version && rc == 0; v++)
		if (sqlite3_exec(old, naccs_sqlite_migrations[v - 1], NULL, NULL, NULL) !=
		    SQLITE_OK)
			rc = fail(old, "the old DDL");
	if (rc == 0 && sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		rc = fail(db, argv[1]);
	if (rc == 0) {
		sqlite3_busy_timeout(db, 5000);
		rc = run(db, sqlite3_mprintf("BEGIN IMMEDIATE"));
	}
	if (rc == 0)
		rc = drop_changed(db, old, "trigger", true);
	if (rc == 0)
		rc = drop_changed(db, old, "index", true);
	if (rc == 0)
		rc = drop_changed(db, old, "table", false);
	if (rc == 0)
		rc = drop_new_columns(db, old);
	if (rc == 0)
		rc = make_missing(db, old);
	if (rc == 0)
		rc = run(
		    db, sqlite3_mprintf("DELETE FROM schema_version WHERE version > %ld", version));
	if (rc == 0)
		rc = run(db, sqlite3_mprintf("COMMIT"));
	else if (db != NULL)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	sqlite3_close(old);
	return rc;
}
