/* The private credential store: the semantic
 * interface of store/store.h over its SQLite backend.  Raw sqlite3 calls
 * stand in for an intruder or a damaged file where a test needs one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "base/secret.h"
#include "store/store.h"
#include "store/sqlite/schema.h"
#include "testdb.h"
#include "teststore.h"
#include "testutil.h"

#define DL() naccs_deadline_in(10000)
/* What the default lockout rule asks of a failure (policy/lockout.h):
 * rows kept 400 days, no lock. */
#define KEEP_SECONDS (400u * 86400u)
static const struct naccs_failure_write KEEP = {.retain = KEEP_SECONDS};

struct fx {
	char *dir;
	char path[PATH_MAX];
	struct naccs_store *st;
};

/* ---- helpers --------------------------------------------------------- */

static int open_as(const char *path, uid_t owner, bool create, bool read_only,
		   struct naccs_store **st, struct naccs_err *err)
{
	struct naccs_store_options opt = {.path = path,
					  .owner_uid = owner,
					  .timeout_ms = 5000,
					  .create = create,
					  .read_only = read_only};

	return naccs_store_open(&opt, st, err);
}

static struct naccs_store *must_open(const char *path, bool create)
{
	struct naccs_store *st = NULL;
	struct naccs_err err;

	if (open_as(path, getuid(), create, false, &st, &err) < 0)
		fail_msg("open %s: %s", path, err.msg);
	return st;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp("store");
	snprintf(f->path, sizeof(f->path), "%s/naccs.db", f->dir);
	f->st = must_open(f->path, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tst_close_dir(f->st, f->dir);
	free(f);
	return 0;
}

/* A distinct, well-formed PHC string per n. */
static void phc_for(int n, char out[NACCS_PHC_MAX])
{
	snprintf(out, NACCS_PHC_MAX, "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaF%04d", n);
}

static void identity(struct naccs_identity *id, const char *login, const char *code,
		     const char *number)
{
	char gecos[sizeof(id->gecos)];

	snprintf(gecos, sizeof(gecos), "Test %s", login);
	tst_identity(id, login, code, number, NACCS_UID_ALLOCATE, gecos, "/bin/bash");
}

static int add(struct naccs_store *st, const char *login, const char *code, const char *number,
	       uint32_t uid, struct naccs_err *err)
{
	struct naccs_identity id;
	char phc[NACCS_PHC_MAX];

	identity(&id, login, code, number);
	id.uid = uid;
	phc_for(0, phc);
	return naccs_store_add_identity(st, DL(), &id, 20000, 20009, phc, true, "admin1",
					"Taro Yamada", err);
}

static void must_add(struct naccs_store *st, const char *login, const char *code,
		     const char *number)
{
	struct naccs_err err;

	if (add(st, login, code, number, NACCS_UID_ALLOCATE, &err) < 0)
		fail_msg("add %s: %s", login, err.msg);
}

static struct naccs_login_event event(const char *service, const char *rhost)
{
	struct naccs_login_event ev;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.service, sizeof(ev.service), "%s", service);
	snprintf(ev.tty, sizeof(ev.tty), "pts/1");
	snprintf(ev.rhost, sizeof(ev.rhost), "%s", rhost);
	return ev;
}

static void state_of(struct naccs_store *st, const char *login, struct naccs_account_state *s)
{
	struct naccs_err err;

	if (naccs_store_get_state(st, DL(), login, s, &err) < 0)
		fail_msg("state %s: %s", login, err.msg);
}

static int raw_exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t raw_query_int(const char *path, const char *sql)
{
	sqlite3 *db = tdb_open(path);
	int64_t v = raw_int(db, sql);

	sqlite3_close(db);
	return v;
}

/* Does the file contain this string anywhere? */
static bool file_contains(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	size_t len = strlen(needle), n;
	char *buf;
	bool found;

	if (fp == NULL)
		return false;
	buf = malloc(64 * 1024 * 1024);
	assert_non_null(buf);
	n = fread(buf, 1, 64 * 1024 * 1024, fp);
	fclose(fp);
	found = false;
	for (size_t i = 0; !found && len <= n && i <= n - len; i++)
		found = memcmp(buf + i, needle, len) == 0;
	free(buf);
	return found;
}

/* ---- open, create, trust --------------------------------------------- */

/* UTS-2.2.1.1(1)(b)(ア): the store holds hashes only and is 0600, with
 * its -wal and -shm files, whatever the caller's umask; WAL mode is on. */
static void test_create_mode_and_wal(void **state)
{
	struct fx *f = *state;
	char side[PATH_MAX + 8];
	struct stat sb;
	mode_t old;
	int version = 0;
	struct naccs_err err;

	naccs_store_close(f->st);
	unlink(f->path);
	snprintf(side, sizeof(side), "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", f->path);
	unlink(side);
	old = umask(0);
	f->st = must_open(f->path, true);
	umask(old);
	must_add(f->st, "abcde-001", "ABCDE", "001");

	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	snprintf(side, sizeof(side), "%s-wal", f->path);
	assert_int_equal(stat(side, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	snprintf(side, sizeof(side), "%s-shm", f->path);
	assert_int_equal(stat(side, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);

	sqlite3 *db = tdb_open(f->path);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);

	assert_int_equal(naccs_store_schema_version(f->st, DL(), &version, &err), 0);
	assert_int_equal(version, NACCS_SQLITE_SCHEMA_VERSION);

	/* close, reopen (not create): still there */
	naccs_store_close(f->st);
	f->st = must_open(f->path, false);
	struct naccs_identity id;
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-001", &id, &err), 0);
}

static void test_open_missing(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = (struct naccs_store *)1;
	struct naccs_err err;
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/absent.db", f->dir);
	assert_int_equal(open_as(path, getuid(), false, false, &st, &err), -ENOENT);
	assert_null(st);
	assert_non_null(strstr(err.msg, path));
	/* the explicit backend prefix means the same */
	snprintf(path, sizeof(path), "sqlite:%s/absent.db", f->dir);
	assert_int_equal(open_as(path, getuid(), false, false, &st, &err), -ENOENT);
	assert_int_equal(open_as("ldap://x/y", getuid(), false, false, &st, &err),
			 -EPROTONOSUPPORT);
	assert_int_equal(open_as("relative.db", getuid(), false, false, &st, &err), -EINVAL);
	assert_int_equal(open_as(NULL, getuid(), false, false, &st, &err), -EINVAL);
}

static void test_create_twice(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = NULL;
	struct naccs_err err;

	assert_int_equal(open_as(f->path, getuid(), true, false, &st, &err), -EEXIST);
	assert_null(st);
	assert_non_null(strstr(err.msg, f->path));
	/* and the first store is untouched */
	assert_int_equal(open_as(f->path, getuid(), false, false, &st, &err), 0);
	naccs_store_close(st);
}

/* Files: anything holding secrets must be owned by the expected
 * owner and not writable (here: not readable either) by group or others. */
static void test_refuse_untrusted(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = NULL;
	struct naccs_err err;

	naccs_store_close(f->st);
	f->st = NULL;
	assert_int_equal(chmod(f->path, 0660), 0);
	assert_int_equal(open_as(f->path, getuid(), false, false, &st, &err), -EPERM);
	assert_non_null(strstr(err.msg, f->path));
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(open_as(f->path, getuid(), false, false, &st, &err), -EPERM);
	assert_non_null(strstr(err.msg, "0600"));
	assert_int_equal(chmod(f->path, 0600), 0);
	assert_int_equal(open_as(f->path, getuid() + 1, false, false, &st, &err), -EPERM);
	assert_non_null(strstr(err.msg, "owned by"));
	assert_int_equal(chmod(f->dir, 0770), 0);
	assert_int_equal(open_as(f->path, getuid(), false, false, &st, &err), -EPERM);
	assert_int_equal(chmod(f->dir, 0700), 0);
	/* creating in an untrusted directory is refused too */
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/new.db", f->dir);
	assert_int_equal(open_as(path, getuid() + 1, true, false, &st, &err), -EPERM);
	assert_int_equal(access(path, F_OK), -1);
	/* a symbolic link in place of the store is refused, not followed */
	snprintf(path, sizeof(path), "%s/link.db", f->dir);
	assert_int_equal(symlink(f->path, path), 0);
	assert_true(open_as(path, getuid(), false, false, &st, &err) < 0);
	assert_null(st);
	f->st = must_open(f->path, false);
}

static void test_not_a_store(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = NULL;
	struct naccs_err err;
	char *p;

	/* garbage: not a database at all */
	p = tu_write_file(f->dir, "garbage.db", "this is not an SQLite database, not at all....",
			  0600);
	assert_int_equal(open_as(p, getuid(), false, false, &st, &err), -EIO);
	assert_non_null(strstr(err.msg, p));
	free(p);
	/* an empty file is not an initialised store: a damaged one, left as it
	 * is (issue #5 item 12; it used to be -EPROTO "is empty") */
	p = tu_write_file(f->dir, "empty.db", "", 0600);
	assert_int_equal(open_as(p, getuid(), false, false, &st, &err), -EIO);
	assert_non_null(strstr(err.msg, "damaged"));
	free(p);
	/* another application's database */
	p = tu_write_file(f->dir, "other.db", "", 0600);
	sqlite3 *db = tdb_open(p);
	assert_int_equal(raw_exec(db, "CREATE TABLE t (x)"), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(open_as(p, getuid(), false, false, &st, &err), -EPROTO);
	assert_null(st);
	free(p);
}

/* ---- schema versions and migrations ---------------------------------- */

static void test_future_schema_refused(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = NULL;
	struct naccs_err err;

	naccs_store_close(f->st);
	f->st = NULL;
	sqlite3 *db = tdb_open(f->path);
	assert_int_equal(
	    raw_exec(db, "INSERT INTO schema_version (version, applied_at) VALUES (99, 0)"),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(open_as(f->path, getuid(), false, false, &st, &err), -EPROTO);
	assert_null(st);
	assert_non_null(strstr(err.msg, "99"));
	assert_int_equal(raw_query_int(f->path, "DELETE FROM schema_version WHERE version = 99"),
			 -1);
	f->st = must_open(f->path, false);
}

/* A store made by hand at version 1 (as an older naccs-auth left it) is
 * brought to the current version by an administrative open (migrate), its
 * data kept; a plain open refuses it (issue #5 item 6, test_store_open.c). */
static void test_migration_from_v1(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 16];
	struct naccs_identity id;
	struct naccs_account_state s;
	struct naccs_err err;
	int version = 0;

	snprintf(path, sizeof(path), "%s/v1.db", f->dir);
	sqlite3 *db = tdb_open(path);
	assert_int_equal(raw_exec(db, naccs_sqlite_migrations[0]), SQLITE_OK);
	assert_int_equal(
	    raw_exec(db, "INSERT INTO schema_version (version, applied_at) VALUES (1, 1);"
			 "INSERT INTO identities (login, user_code, id_number, uid, gid, gecos, "
			 " home, shell, kind, admin, created_by, created_at) VALUES ('abcde-009', "
			 " 'ABCDE', '009', 20500, 100, 'Old', '/home/o', '/bin/sh', 'individual', "
			 " 0, 'admin0', 1);"
			 "INSERT INTO credentials (identity, phc, changed_at) VALUES (1, "
			 " '$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA', 1);"
			 "INSERT INTO flags (identity) VALUES (1);"),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(chmod(path, 0600), 0);

	struct naccs_store_options admin = {
	    .path = path, .owner_uid = getuid(), .timeout_ms = 5000, .migrate = true};
	struct naccs_store *st = NULL;
	assert_int_equal(open_as(path, getuid(), false, false, &st, &err), -EPROTO);
	assert_int_equal(naccs_store_open(&admin, &st, &err), 0);
	assert_int_equal(naccs_store_schema_version(st, DL(), &version, &err), 0);
	assert_int_equal(version, NACCS_SQLITE_SCHEMA_VERSION);
	assert_int_equal(naccs_store_find(st, DL(), "abcde-009", &id, &err), 0);
	assert_int_equal(id.uid, 20500);
	assert_string_equal(id.gecos, "Old");
	assert_int_equal(naccs_store_get_state(st, DL(), "abcde-009", &s, &err), 0);
	assert_true(s.has_password);
	assert_string_equal(s.phc, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA");
	naccs_wipe(&s, sizeof(s));
	/* Version 3 counted the credentials already there. */
	char typical[NACCS_PHC_MAX];
	assert_int_equal(naccs_store_typical_hash(st, DL(), typical, &err), 0);
	assert_string_equal(typical, "$argon2id$v=19$m=8,t=1,p=1$");
	naccs_store_close(st);
	/* one schema_version row per applied migration */
	assert_int_equal(raw_query_int(path, "SELECT count(*) FROM schema_version"),
			 NACCS_SQLITE_SCHEMA_VERSION);
}

/* Version 7 (issue #16): a last login recorded at version 6 notes the newest
 * failure row before it, as the old notice query read it (a failure in the
 * login's second before it: id up to the failure mark). */
static void test_migration_v7_failure_id(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 16];
	struct naccs_err err;

	snprintf(path, sizeof(path), "%s/v6.db", f->dir);
	sqlite3 *db = tdb_open(path);
	for (int v = 0; v < 6; v++)
		assert_int_equal(raw_exec(db, naccs_sqlite_migrations[v]), SQLITE_OK);
	assert_int_equal(
	    raw_exec(db, "INSERT INTO schema_version (version, applied_at) VALUES (1, 1), (2, 1), "
			 " (3, 1), (4, 1), (5, 1), (6, 1);"
			 "INSERT INTO identities (login, user_code, id_number, uid, gid, gecos, "
			 " home, shell, kind, admin, created_by, created_at) VALUES ('abcde-009', "
			 " 'ABCDE', '009', 20500, 100, 'Old', '/home/o', '/bin/sh', 'individual', "
			 " 0, 'admin0', 1);"
			 "INSERT INTO flags (identity, failure_mark) VALUES (1, 3);"
			 "INSERT INTO last_success (identity, at, service, tty, rhost) VALUES "
			 " (1, 100, 'login', '', '');"
			 "INSERT INTO failures (identity, at, service, tty, rhost) VALUES "
			 " (1, 90, 'login', '', ''), (1, 100, 'login', '', ''), "
			 " (1, 100, 'login', '', ''), (1, 100, 'login', '', ''), "
			 " (1, 150, 'login', '', '');"),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(chmod(path, 0600), 0);

	struct naccs_store_options admin = {
	    .path = path, .owner_uid = getuid(), .timeout_ms = 5000, .migrate = true};
	struct naccs_store *st = NULL;
	assert_int_equal(naccs_store_open(&admin, &st, &err), 0);
	naccs_store_close(st);
	assert_int_equal(raw_query_int(path, "SELECT failure_id FROM last_success"), 3);
}

/* ---- identities ------------------------------------------------------ */

static void test_add_and_find(void **state)
{
	struct fx *f = *state;
	struct naccs_identity id, got;
	struct naccs_user_id pair;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX];

	identity(&id, "abcde-001", "ABCDE", "001");
	id.admin = true;
	phc_for(1, phc);
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, true,
						  "admin1", "Taro Yamada", &err),
			 0);
	assert_int_equal(id.uid, 20000);
	assert_string_equal(id.created_by, "admin1");
	assert_true(id.created_at > 0);

	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-001", &got, &err), 0);
	assert_string_equal(got.login, "abcde-001");
	assert_string_equal(got.user_code, "ABCDE");
	assert_string_equal(got.id_number, "001");
	assert_int_equal(got.uid, 20000);
	assert_int_equal(got.gid, 100);
	assert_string_equal(got.home, "/home/abcde-001");
	assert_int_equal(got.kind, NACCS_KIND_INDIVIDUAL);
	assert_true(got.admin);

	snprintf(pair.code, sizeof(pair.code), "abcde"); /* any case */
	snprintf(pair.number, sizeof(pair.number), "001");
	assert_int_equal(naccs_store_find_by_user_id(f->st, DL(), &pair, &got, &err), 0);
	assert_string_equal(got.login, "abcde-001");
	assert_int_equal(naccs_store_find_by_uid(f->st, DL(), 20000, &got, &err), 0);
	assert_string_equal(got.login, "abcde-001");

	assert_int_equal(naccs_store_find(f->st, DL(), "nobody", &got, &err), -ENOENT);
	assert_int_equal(naccs_store_find_by_uid(f->st, DL(), 20001, &got, &err), -ENOENT);
	snprintf(pair.number, sizeof(pair.number), "002");
	assert_int_equal(naccs_store_find_by_user_id(f->st, DL(), &pair, &got, &err), -ENOENT);

	/* a shared ID without a NACCS user ID */
	identity(&id, "ops", "", "");
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, false,
						  "admin1", "operations desk", &err),
			 0);
	assert_int_equal(naccs_store_find(f->st, DL(), "ops", &got, &err), 0);
	assert_int_equal(got.kind, NACCS_KIND_SHARED);
	assert_string_equal(got.user_code, "");
	assert_int_equal(got.uid, 20001);

	/* root is a shared ID too (UTS-2.2.1.1(1)(g)(カ)): uid 0 is registered
	 * as given, never allocated. */
	identity(&id, "root", "", "");
	id.uid = 0;
	id.admin = true;
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, false,
						  "admin1", "administrators", &err),
			 0);
	assert_int_equal(naccs_store_find_by_uid(f->st, DL(), 0, &got, &err), 0);
	assert_string_equal(got.login, "root");
	assert_true(got.admin);

	struct naccs_account_state s;
	state_of(f->st, "abcde-001", &s);
	assert_true(s.has_password);
	assert_true(s.must_change);
	assert_string_equal(s.phc, phc);
	assert_false(s.locked || s.suspended || s.retired || s.has_last_success);
	naccs_wipe(&s, sizeof(s));
}

/* UTS-2.2.1.3(2)(g)(ウ): the lowest never-used uid; a retired ID's uid is
 * never handed out again. */
static void test_uid_allocation(void **state)
{
	struct fx *f = *state;
	struct naccs_identity got;
	struct naccs_err err;

	must_add(f->st, "abcde-001", "ABCDE", "001");				   /* 20000 */
	must_add(f->st, "abcde-002", "ABCDE", "002");				   /* 20001 */
	assert_int_equal(add(f->st, "abcde-003", "ABCDE", "003", 20003, &err), 0); /* explicit */
	must_add(f->st, "abcde-004", "ABCDE", "004");				   /* 20002 */
	must_add(f->st, "abcde-005", "ABCDE", "005");				   /* 20004 */
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-004", &got, &err), 0);
	assert_int_equal(got.uid, 20002);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-005", &got, &err), 0);
	assert_int_equal(got.uid, 20004);

	assert_int_equal(naccs_store_retire(f->st, DL(), "abcde-001", "left", "admin1", &err), 0);
	must_add(f->st, "abcde-006", "ABCDE", "006");
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-006", &got, &err), 0);
	assert_int_equal(got.uid, 20005); /* not 20000 */

	/* range exhausted (20000..20009) */
	for (unsigned i = 7; i <= 10; i++) {
		char login[32], num[8];

		snprintf(login, sizeof(login), "abcde-%03u", i % 1000);
		snprintf(num, sizeof(num), "%03u", i % 1000);
		must_add(f->st, login, "ABCDE", num);
	}
	assert_int_equal(add(f->st, "abcde-011", "ABCDE", "011", NACCS_UID_ALLOCATE, &err),
			 -ENOSPC);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-011", &got, &err), -ENOENT);
}

/* UTS-2.2.1.3(2)(g)(ウ): a login, NACCS user ID or uid once issued is never
 * issued again, retired or not, and the message says which. */
static void test_no_reissue(void **state)
{
	struct fx *f = *state;
	struct naccs_err err;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	assert_int_equal(add(f->st, "abcde-001", "ABCDE", "002", NACCS_UID_ALLOCATE, &err),
			 -EEXIST);
	assert_non_null(strstr(err.msg, "login"));
	assert_int_equal(add(f->st, "ABCDE-001", "ABCDE", "003", NACCS_UID_ALLOCATE, &err),
			 -EEXIST); /* case */
	assert_int_equal(add(f->st, "abcde001", "ABCDE", "001", NACCS_UID_ALLOCATE, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "NACCS user ID ABCDE-001"));
	assert_int_equal(add(f->st, "abcde-004", "ABCDE", "004", 20000, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "uid 20000"));

	assert_int_equal(naccs_store_retire(f->st, DL(), "abcde-001", "left", "admin1", &err), 0);
	assert_int_equal(add(f->st, "abcde-001", "ABCDE", "005", NACCS_UID_ALLOCATE, &err),
			 -EEXIST);
	assert_non_null(strstr(err.msg, "retired"));
	assert_int_equal(add(f->st, "other-001", "ABCDE", "001", NACCS_UID_ALLOCATE, &err),
			 -EEXIST);
	assert_non_null(strstr(err.msg, "retired"));
	assert_int_equal(add(f->st, "other-002", "ABCDE", "006", 20000, &err), -EEXIST);
	/* none of the refusals left anything behind */
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM identities"), 1);
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM registry"), 2);
}

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	struct naccs_identity id;
	struct naccs_account_state s;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX], longname[200];
	static const char *const hostile[] = {"",    "../etc/passwd", "a\nb",	     "-rf", "123",
					      "a b", "a:b",	      "root\x1b[2J", "a/b", "ü"};

	phc_for(1, phc);
	must_add(f->st, "abcde-001", "ABCDE", "001");
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		assert_int_equal(naccs_store_find(f->st, DL(), hostile[i], &id, &err), -EINVAL);
		assert_int_equal(naccs_store_get_state(f->st, DL(), hostile[i], &s, &err), -EINVAL);
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(naccs_store_find(f->st, DL(), longname, &id, &err), -EINVAL);
	assert_int_equal(naccs_store_find(f->st, DL(), NULL, &id, &err), -EINVAL);
	assert_int_equal(naccs_store_find(NULL, DL(), "abcde-001", &id, &err), -EINVAL);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-001", NULL, &err), -EINVAL);

	/* identities that would break a passwd entry or a report */
	identity(&id, "abcde-002", "ABCDE", "002");
	snprintf(id.gecos, sizeof(id.gecos), "Evil:0:0");
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, true,
						  "admin1", "x", &err),
			 -EINVAL);
	identity(&id, "abcde-002", "ABCDE", "002");
	snprintf(id.shell, sizeof(id.shell), "bash");
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, true,
						  "admin1", "x", &err),
			 -EINVAL);
	identity(&id, "abcde-002", "abcde", "002"); /* not normalised */
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, true,
						  "admin1", "x", &err),
			 -EINVAL);
	identity(&id, "abcde-002", "", ""); /* individual without a user ID */
	id.kind = NACCS_KIND_INDIVIDUAL;
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, true,
						  "admin1", "x", &err),
			 -EINVAL);
	identity(&id, "abcde-002", "ABCDE", "002");
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, "plaintext", true,
						  "admin1", "x", &err),
			 -EINVAL);
	assert_int_equal(
	    naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, true, "", "x", &err),
	    -EINVAL);
	assert_int_equal(
	    naccs_store_add_identity(f->st, DL(), &id, 0, 20009, phc, true, "admin1", "x", &err),
	    -EINVAL); /* could allocate uid 0 */
	assert_int_equal(naccs_store_add_identity(f->st, DL(), &id, 20000, 20009, phc, true,
						  "admin1", "line\nbreak", &err),
			 -EINVAL);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", (enum naccs_flag)7, true,
					      "x", "admin1", &err),
			 -EINVAL);
	assert_int_equal(naccs_store_set_password(f->st, DL(), "abcde-001", phc, false, 3,
						  "Password Reset", "admin1", &err),
			 -EINVAL);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-002", &id, &err), -ENOENT);
}

/* ---- login outcomes -------------------------------------------------- */

/* UTS-2.2.1.1(1)(g)(ウ): every failure is recorded with time, service, tty
 * and remote host; the state after it is read in the same transaction. */
static void test_failures_and_success(void **state)
{
	struct fx *f = *state;
	struct naccs_login_event ev = event("sshd", "192.0.2.7");
	struct naccs_account_state after, before;
	struct naccs_err err;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	for (int i = 1; i <= 3; i++) {
		ev.at = 1700000000 + i;
		assert_int_equal(naccs_store_append_failure(f->st, DL(), "abcde-001", &ev, &KEEP,
							    &after, NULL, &err),
				 0);
		assert_int_equal(after.failures_since_success, i);
	}
	assert_true(after.has_last_failure);
	assert_int_equal(after.last_failure.at, 1700000003);
	assert_string_equal(after.last_failure.service, "sshd");
	assert_string_equal(after.last_failure.tty, "pts/1");
	assert_string_equal(after.last_failure.rhost, "192.0.2.7");
	assert_false(after.has_last_success);
	assert_true(after.has_password);
	assert_string_equal(after.phc, ""); /* the counts, never the hash */

	/* success: the state before it, for the last-login notice */
	ev = event("login", "");
	ev.at = 1700000100;
	assert_int_equal(
	    naccs_store_record_success(f->st, DL(), "abcde-001", &ev, NULL, &before, &err), 0);
	assert_int_equal(before.failures_since_success, 3);
	assert_false(before.has_last_success);
	assert_true(before.has_last_failure);
	assert_string_equal(before.last_failure.rhost, "192.0.2.7");

	state_of(f->st, "abcde-001", &after);
	assert_int_equal(after.failures_since_success, 0);
	assert_false(after.has_last_failure);
	/* Noted, not counted: the login counts when its session opens
	 * (issue #16). */
	assert_false(after.has_last_success);
	naccs_wipe(&after, sizeof(after));
	{
		struct naccs_login_note note, n;

		/* A session counts the login (policy/login_note.c decides when). */
		assert_int_equal(naccs_store_login_note(f->st, DL(), "abcde-001", &note, &err), 0);
		assert_int_equal(naccs_store_session_write(f->st, DL(), "abcde-001", &ev, &note,
							   NACCS_NOTE_COUNT, 0, &n, &err),
				 0);
		assert_false(n.notice.has_previous); /* the first login */
	}
	state_of(f->st, "abcde-001", &after);
	assert_true(after.has_last_success);
	assert_int_equal(after.last_success.at, 1700000100);
	assert_string_equal(after.last_success.service, "login");
	naccs_wipe(&after, sizeof(after));

	/* a hostile rhost is stored defanged; at = 0 means now */
	ev = event("sshd", "evil\x1b[2Jhost\n");
	assert_int_equal(
	    naccs_store_append_failure(f->st, DL(), "abcde-001", &ev, &KEEP, &after, NULL, &err),
	    0);
	assert_int_equal(after.failures_since_success, 1);
	assert_string_equal(after.last_failure.rhost, "evil?[2Jhost?");
	assert_true(after.last_failure.at > 1700000100);

	/* the next success reports the previous one */
	ev = event("sshd", "192.0.2.8");
	assert_int_equal(
	    naccs_store_record_success(f->st, DL(), "abcde-001", &ev, NULL, &before, &err), 0);
	assert_true(before.has_last_success);
	assert_int_equal(before.last_success.at, 1700000100);
	assert_int_equal(before.failures_since_success, 1);

	/* The three failures of 2023 are older than the 400-day retention:
	 * the failure recorded now pruned them (lockout.failure_retention_days). */
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM failures"), 1);
	assert_int_equal(
	    naccs_store_append_failure(f->st, DL(), "nobody", &ev, &KEEP, &after, NULL, &err),
	    -ENOENT);
	assert_int_equal(
	    naccs_store_append_failure(f->st, DL(), "abcde-001", NULL, &KEEP, &after, NULL, &err),
	    -EINVAL);
}

/* UTS-2.2.1.1(1)(g)(ウ): attempts on unknown names are recorded too, with the
 * name only as it may be written (audit/nametag.h: an account of the
 * system, or a tag), never a password typed as a name, even one that has
 * the form of a name or of a NACCS user ID (issue 16, item 14). */
static void test_unknown_failures(void **state)
{
	struct fx *f = *state;
	struct naccs_login_event ev = event("sshd", "192.0.2.9");
	struct naccs_err err;

	assert_int_equal(naccs_store_append_unknown_failure(f->st, DL(), "nobody", &ev, 100000,
							    KEEP_SECONDS, NULL, &err),
			 0);
	assert_int_equal(naccs_store_append_unknown_failure(f->st, DL(), "#0123456789abcdef", &ev,
							    100000, KEEP_SECONDS, NULL, &err),
			 0);
	assert_int_equal(naccs_store_append_unknown_failure(f->st, DL(), "zzzzz-999", &ev, 100000,
							    KEEP_SECONDS, NULL, &err),
			 0);
	assert_int_equal(naccs_store_append_unknown_failure(f->st, DL(), "ZZZZZ999", &ev, 100000,
							    KEEP_SECONDS, NULL, &err),
			 0);
	assert_int_equal(naccs_store_append_unknown_failure(f->st, DL(), "S3cret pass!", &ev,
							    100000, KEEP_SECONDS, NULL, &err),
			 0);
	assert_int_equal(naccs_store_append_unknown_failure(f->st, DL(), NULL, &ev, 100000,
							    KEEP_SECONDS, NULL, &err),
			 0);
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM unknown_failures"), 6);
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM unknown_failures "
						"WHERE name IN ('nobody', '#0123456789abcdef')"),
			 2);
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM unknown_failures "
						"WHERE name = '' AND rhost = '192.0.2.9'"),
			 4);
	/* nothing was counted against any identity */
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM failures"), 0);
	assert_int_equal(naccs_store_append_unknown_failure(f->st, DL(), "x", NULL, 100000,
							    KEEP_SECONDS, NULL, &err),
			 -EINVAL);
}

/* UTS-2.2.1.1(1)(d): an ID suspended or locked while its password was being
 * checked gets no success: the flags are read in the recording transaction
 * and compared with those read before the check (compare-and-set). */
static void test_success_refused_when_locked_meanwhile(void **state)
{
	struct fx *f = *state;
	struct naccs_login_event ev = event("login", "");
	struct naccs_account_state before;
	struct naccs_state_stamp seen;
	struct naccs_success_write w = {.expect = &seen};
	struct naccs_err err;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	state_of(f->st, "abcde-001", &before); /* what the policy read before */
	naccs_store_stamp_of(&before, &seen);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_SUSPENDED, true,
					      "leaked", "admin1", &err),
			 0);
	assert_int_equal(
	    naccs_store_record_success(f->st, DL(), "abcde-001", &ev, &w, &before, &err),
	    -ECANCELED);
	assert_true(before.suspended);
	assert_string_equal(before.suspend_reason, "leaked");
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM last_success"), 0);
	assert_false(naccs_err_is_unavailable(-ECANCELED));
}

/* UTS-2.2.1.1(1)(g)(ウ) lock until an administrator unlocks;
 * UTS-2.2.1.3(2)(g)(イ) every change recorded with who and why. */
static void test_flags(void **state)
{
	struct fx *f = *state;
	struct naccs_login_event ev = event("sshd", "192.0.2.7");
	struct naccs_account_state s;
	struct naccs_err err;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	for (int i = 0; i < 5; i++)
		assert_int_equal(naccs_store_append_failure(f->st, DL(), "abcde-001", &ev, &KEEP,
							    &s, NULL, &err),
				 0);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_LOCKED, true,
					      "5 failures", "pam", &err),
			 0);
	state_of(f->st, "abcde-001", &s);
	assert_true(s.locked);
	assert_true(s.locked_at > 0);
	assert_string_equal(s.lock_reason, "5 failures");
	assert_int_equal(s.failures_since_success, 5);

	/* unlocking forgets the failures counted so far */
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_LOCKED, false,
					      "verified by phone", "admin1", &err),
			 0);
	state_of(f->st, "abcde-001", &s);
	assert_false(s.locked);
	assert_int_equal(s.locked_at, 0);
	assert_int_equal(s.failures_since_success, 0);
	assert_false(s.has_last_failure);
	assert_int_equal(
	    naccs_store_append_failure(f->st, DL(), "abcde-001", &ev, &KEEP, &s, NULL, &err), 0);
	assert_int_equal(s.failures_since_success, 1);

	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_SUSPENDED, true,
					      "on leave", "admin1", &err),
			 0);
	state_of(f->st, "abcde-001", &s);
	assert_true(s.suspended);
	assert_string_equal(s.suspend_reason, "on leave");
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_SUSPENDED, false,
					      NULL, "admin1", &err),
			 0);
	state_of(f->st, "abcde-001", &s);
	assert_false(s.suspended);
	assert_string_equal(s.suspend_reason, "");

	assert_true(s.must_change);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_MUST_CHANGE,
					      false, NULL, "admin1", &err),
			 0);
	state_of(f->st, "abcde-001", &s);
	assert_false(s.must_change);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_MUST_CHANGE,
					      true, "reset", "admin1", &err),
			 0);
	state_of(f->st, "abcde-001", &s);
	assert_true(s.must_change);
	naccs_wipe(&s, sizeof(s));
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "nobody", NACCS_FLAG_LOCKED, true, "x",
					      "admin1", &err),
			 -ENOENT);
}

/* ---- credentials ----------------------------------------------------- */

struct history {
	int n;
	char phc[8][NACCS_PHC_MAX];
};

static void read_history(const char *path, struct history *h)
{
	sqlite3 *db = tdb_open(path);
	sqlite3_stmt *st;

	memset(h, 0, sizeof(*h));
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT phc FROM password_history ORDER BY id", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && h->n < 8)
		snprintf(h->phc[h->n++], NACCS_PHC_MAX, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* UTS-2.2.1.1(1)(g)(オ) needs the last N hashes: the old one moves to the
 * history, which keeps only the newest keep_history. */
static void test_set_password_history(void **state)
{
	struct fx *f = *state;
	struct naccs_account_state s;
	struct naccs_err err;
	struct history h;
	char phc[NACCS_PHC_MAX], expect[NACCS_PHC_MAX];

	must_add(f->st, "abcde-001", "ABCDE", "001"); /* phc 0 */
	for (int i = 1; i <= 5; i++) {
		phc_for(i, phc);
		assert_int_equal(naccs_store_set_password(f->st, DL(), "abcde-001", phc, false, 3,
							  "password-change", "abcde-001", &err),
				 0);
	}
	state_of(f->st, "abcde-001", &s);
	assert_string_equal(s.phc, phc);
	assert_false(s.must_change);
	assert_true(s.password_changed_at > 0);
	naccs_wipe(&s, sizeof(s));

	read_history(f->path, &h);
	assert_int_equal(h.n, 3);
	for (int i = 0; i < 3; i++) {
		phc_for(i + 2, expect);
		assert_string_equal(h.phc[i], expect);
	}
	/* an administrator's reset sets must_change; keep 0 clears the history */
	phc_for(6, phc);
	assert_int_equal(naccs_store_set_password(f->st, DL(), "abcde-001", phc, true, 0,
						  "password-reset", "admin1", &err),
			 0);
	state_of(f->st, "abcde-001", &s);
	assert_true(s.must_change);
	naccs_wipe(&s, sizeof(s));
	read_history(f->path, &h);
	assert_int_equal(h.n, 0);
	assert_int_equal(
	    raw_query_int(f->path,
			  "SELECT count(*) FROM registry WHERE event = 'password-reset' AND "
			  "actor = 'admin1' AND detail = 'must-change'"),
	    1);
	assert_int_equal(naccs_store_set_password(f->st, DL(), "nobody", phc, true, 0,
						  "password-reset", "admin1", &err),
			 -ENOENT);
}

static void test_replace_hash_cas(void **state)
{
	struct fx *f = *state;
	struct naccs_account_state s;
	struct naccs_err err;
	char old[NACCS_PHC_MAX], upgraded[NACCS_PHC_MAX];
	int64_t changed;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	phc_for(0, old);
	phc_for(50, upgraded);
	state_of(f->st, "abcde-001", &s);
	changed = s.password_changed_at;
	assert_int_equal(naccs_store_replace_hash(f->st, DL(), "abcde-001", old, upgraded, &err),
			 0);
	state_of(f->st, "abcde-001", &s);
	assert_string_equal(s.phc, upgraded);
	assert_int_equal(s.password_changed_at, changed); /* not a password change */
	assert_true(s.must_change);
	naccs_wipe(&s, sizeof(s));
	/* the old hash is stale now */
	assert_int_equal(naccs_store_replace_hash(f->st, DL(), "abcde-001", old, old, &err),
			 -ESTALE);
	state_of(f->st, "abcde-001", &s);
	assert_string_equal(s.phc, upgraded);
	naccs_wipe(&s, sizeof(s));
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM password_history"), 0);
	assert_int_equal(naccs_store_replace_hash(f->st, DL(), "abcde-001", upgraded, "nope", &err),
			 -EINVAL);
}

/* UTS-2.2.1.3(2)(g)(ウ): retiring keeps the row as a tombstone and erases
 * the credential; UTS-2.2.1.1(1)(b)(ア): the erased hash does not linger in
 * the file. */
static void test_retire(void **state)
{
	struct fx *f = *state;
	struct naccs_identity id;
	struct naccs_account_state s;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX], wal[PATH_MAX + 8];
	const char *marker = "$argon2id$v=19$m=1024,t=1,p=1$UNIQUEsalt$UNIQUEHASHvalue";

	/* another handle stays open throughout, so closing ours does not
	 * checkpoint: the erase itself must reach the files */
	sqlite3 *other = tdb_open(f->path);

	must_add(f->st, "abcde-001", "ABCDE", "001");
	phc_for(1, phc);
	assert_int_equal(naccs_store_set_password(f->st, DL(), "abcde-001", marker, false, 5,
						  "password-change", "abcde-001", &err),
			 0);
	assert_int_equal(naccs_store_set_password(f->st, DL(), "abcde-001", phc, false, 5,
						  "password-change", "abcde-001", &err),
			 0);
	assert_int_equal(
	    naccs_store_retire(f->st, DL(), "abcde-001", "left the company", "admin1", &err), 0);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-001", &id, &err), 0);
	state_of(f->st, "abcde-001", &s);
	assert_true(s.retired);
	assert_true(s.retired_at > 0);
	assert_false(s.has_password);
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM credentials"), 0);
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM password_history"), 0);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_false(file_contains(f->path, "UNIQUEHASHvalue"));
	assert_false(file_contains(wal, "UNIQUEHASHvalue"));

	assert_int_equal(naccs_store_retire(f->st, DL(), "abcde-001", "again", "admin1", &err),
			 -EALREADY);
	assert_int_equal(naccs_store_set_password(f->st, DL(), "abcde-001", phc, false, 5,
						  "password-reset", "admin1", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "retired"));
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_LOCKED, true,
					      "x", "admin1", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "retired"));
	assert_int_equal(naccs_store_replace_hash(f->st, DL(), "abcde-001", phc, phc, &err),
			 -EINVAL);
	/* the database refuses to bring it back, whoever asks */
	sqlite3 *db = tdb_open(f->path);
	assert_int_not_equal(raw_exec(db, "UPDATE identities SET retired = 0"), SQLITE_OK);
	assert_int_not_equal(raw_exec(db, "DELETE FROM identities"), SQLITE_OK);
	assert_int_not_equal(raw_exec(db, "UPDATE identities SET login = 'x'"), SQLITE_OK);
	assert_int_not_equal(raw_exec(db, "UPDATE identities SET uid = 1"), SQLITE_OK);
	sqlite3_close(db);

	sqlite3_close(other);
	naccs_store_close(f->st);
	f->st = NULL;
	assert_false(file_contains(f->path, "UNIQUEHASHvalue"));
	assert_false(file_contains(wal, "UNIQUEHASHvalue"));
	f->st = must_open(f->path, false);
}

/* ---- registry -------------------------------------------------------- */

struct reg_list {
	int n;
	struct naccs_registry_entry e[16];
};

static int collect_registry(void *ctx, const struct naccs_registry_entry *e)
{
	struct reg_list *l = ctx;

	if (l->n < 16)
		l->e[l->n++] = *e;
	return 0;
}

/* UTS-2.2.1.3(2)(g)(イ): who was given which ID, by whom, and every later
 * change; the lines cannot be changed or removed. */
static void test_registry(void **state)
{
	struct fx *f = *state;
	struct reg_list l;
	struct naccs_err err;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	must_add(f->st, "abcde-002", "ABCDE", "002");
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_LOCKED, true,
					      "suspicious", "admin2", &err),
			 0);
	assert_int_equal(
	    naccs_store_retire(f->st, DL(), "abcde-001", "transferred", "admin3", &err), 0);

	memset(&l, 0, sizeof(l));
	assert_int_equal(naccs_store_registry(f->st, DL(), "abcde-001", collect_registry, &l, &err),
			 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.e[0].event, "issued");
	assert_string_equal(l.e[0].by, "admin1");
	assert_string_equal(l.e[0].detail, "Taro Yamada");
	assert_string_equal(l.e[0].login, "abcde-001");
	assert_true(l.e[0].at > 0);
	assert_string_equal(l.e[1].event, "locked");
	assert_string_equal(l.e[1].by, "admin2");
	assert_string_equal(l.e[1].detail, "suspicious");
	assert_string_equal(l.e[2].event, "retired");
	assert_string_equal(l.e[2].by, "admin3");
	assert_string_equal(l.e[2].detail, "transferred");

	memset(&l, 0, sizeof(l));
	assert_int_equal(naccs_store_registry(f->st, DL(), NULL, collect_registry, &l, &err), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.e[1].login, "abcde-002");

	sqlite3 *db = tdb_open(f->path);
	assert_int_equal(raw_exec(db, "UPDATE registry SET actor = 'nobody'"), SQLITE_CONSTRAINT);
	assert_int_equal(raw_exec(db, "DELETE FROM registry"), SQLITE_CONSTRAINT);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM registry WHERE actor = 'nobody'"), 0);
	sqlite3_close(db);
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM registry"), 4);
}

/* ---- listing --------------------------------------------------------- */

struct seen {
	int n, stop_after, rc;
	char login[8][NACCS_LOGIN_MAX + 1];
	bool phc_empty;
	bool locked[8];
};

static int collect_list(void *ctx, const struct naccs_identity *id,
			const struct naccs_account_state *s)
{
	struct seen *v = ctx;
	static const char zero[NACCS_PHC_MAX];

	if (v->n < 8) {
		snprintf(v->login[v->n], sizeof(v->login[0]), "%s", id->login);
		v->locked[v->n] = s->locked;
	}
	v->n++;
	v->phc_empty = v->phc_empty && memcmp(s->phc, zero, sizeof(zero)) == 0;
	return v->n == v->stop_after ? v->rc : 0;
}

/* A listing callback may read the store (one snapshot) but not write it:
 * the write would wait for a lock the listing itself holds. */
struct nested {
	struct naccs_store *st;
	int reads_ok, writes_refused;
};

static int nested_cb(void *ctx, const struct naccs_identity *id,
		     const struct naccs_account_state *s)
{
	struct nested *n = ctx;
	struct naccs_account_state full;
	struct naccs_login_event ev = event("sshd", "");
	struct naccs_err err;

	(void)s;
	if (naccs_store_get_state(n->st, DL(), id->login, &full, &err) == 0)
		n->reads_ok++;
	naccs_wipe(&full, sizeof(full));
	if (naccs_store_append_failure(n->st, DL(), id->login, &ev, &KEEP, &full, NULL, &err) ==
	    -EDEADLK)
		n->writes_refused++;
	return 0;
}

static void test_list(void **state)
{
	struct fx *f = *state;
	struct seen v;
	struct naccs_err err;

	must_add(f->st, "abcde-003", "ABCDE", "003");
	must_add(f->st, "abcde-001", "ABCDE", "001");
	must_add(f->st, "abcde-002", "ABCDE", "002");
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-002", NACCS_FLAG_LOCKED, true,
					      "x", "admin1", &err),
			 0);
	memset(&v, 0, sizeof(v));
	v.phc_empty = true;
	assert_int_equal(naccs_store_list(f->st, DL(), collect_list, &v, &err), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.login[0], "abcde-001");
	assert_string_equal(v.login[1], "abcde-002");
	assert_string_equal(v.login[2], "abcde-003");
	assert_true(v.locked[1]);
	assert_true(v.phc_empty); /* listing never carries hashes */

	memset(&v, 0, sizeof(v));
	v.stop_after = 2;
	v.rc = 1;
	assert_int_equal(naccs_store_list(f->st, DL(), collect_list, &v, &err), 0);
	assert_int_equal(v.n, 2);
	memset(&v, 0, sizeof(v));
	v.stop_after = 1;
	v.rc = -EPIPE;
	assert_int_equal(naccs_store_list(f->st, DL(), collect_list, &v, &err), -EPIPE);
	assert_int_equal(v.n, 1);
	struct nested n = {.st = f->st};
	assert_int_equal(naccs_store_list(f->st, DL(), nested_cb, &n, &err), 0);
	assert_int_equal(n.reads_ok, 3);
	assert_int_equal(n.writes_refused, 3);
	/* the handle is still usable after a stopped listing */
	struct naccs_identity id;
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-003", &id, &err), 0);
}

/* ---- malformed rows -------------------------------------------------- */

/* Run SQL on the store file as an intruder or a broken tool would, with the
 * CHECK constraints turned off. */
static void tamper(const char *path, const char *sql)
{
	sqlite3 *db = tdb_open(path);
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("tamper: %s", msg);
	sqlite3_close(db);
}

#define INSERT_ID                                                                                  \
	"PRAGMA ignore_check_constraints = ON; INSERT INTO identities (login, user_code, "         \
	"id_number, uid, gid, gecos, home, shell, kind, admin, created_by, created_at) VALUES "

static void expect_bad_list(struct naccs_store *st, const char *table, const char *column)
{
	struct seen v;
	struct naccs_err err;

	memset(&v, 0, sizeof(v));
	assert_int_equal(naccs_store_list(st, DL(), collect_list, &v, &err), -EINVAL);
	if (table != NULL && strstr(err.msg, table) == NULL)
		fail_msg("message lacks table %s: %s", table, err.msg);
	if (column != NULL && strstr(err.msg, column) == NULL)
		fail_msg("message lacks column %s: %s", column, err.msg);
}

static void test_bad_rows(void **state)
{
	struct fx *f = *state;
	struct naccs_identity id;
	struct naccs_account_state s;
	struct naccs_err err;

	must_add(f->st, "abcde-001", "ABCDE", "001");

	/* over-long login */
	tamper(f->path, INSERT_ID "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', NULL, NULL, 30001, "
				  "100, '', '/', '', 'shared', 0, 'x', 1)");
	expect_bad_list(f->st, "identities", "login");
	assert_int_equal(naccs_store_find_by_uid(f->st, DL(), 30001, &id, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "too long"));
	/* good rows are still served */
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-001", &id, &err), 0);

	/* unknown kind */
	tamper(f->path, INSERT_ID "('robot', NULL, NULL, 30002, 100, '', '/', '', 'robot', 0, "
				  "'x', 1)");
	assert_int_equal(naccs_store_find(f->st, DL(), "robot", &id, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "kind"));
	assert_non_null(strstr(err.msg, "robot"));

	/* a passwd-breaking gecos and a control character in a login */
	tamper(f->path, INSERT_ID "('colon', NULL, NULL, 30003, 100, 'a:b', '/', '', 'shared', "
				  "0, 'x', 1)");
	assert_int_equal(naccs_store_find(f->st, DL(), "colon", &id, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "gecos"));
	tamper(f->path, INSERT_ID "('ctl' || char(27), NULL, NULL, 30004, 100, '', '/', '', "
				  "'shared', 0, 'x', 1)");
	assert_int_equal(naccs_store_find_by_uid(f->st, DL(), 30004, &id, &err), -EINVAL);
	assert_null(strchr(err.msg, 27)); /* never echoed raw */

	/* an individual without its NACCS user ID */
	tamper(f->path, INSERT_ID "('nocode', NULL, NULL, 30005, 100, '', '/', '', "
				  "'individual', 0, 'x', 1)");
	assert_int_equal(naccs_store_find(f->st, DL(), "nocode", &id, &err), -EINVAL);

	/* a hash longer than any PHC buffer */
	tamper(f->path, "PRAGMA ignore_check_constraints = ON; INSERT INTO identities (login, "
			"uid, gid, gecos, home, shell, kind, created_by, created_at) VALUES "
			"('longhash', 30006, 100, '', '/', '', 'shared', 'x', 1);"
			"INSERT INTO flags (identity) SELECT id FROM identities "
			"WHERE login = 'longhash';"
			"INSERT INTO credentials (identity, phc, changed_at) SELECT id, '$' || "
			"replace(hex(zeroblob(150)), '0', 'x'), 1 FROM identities "
			"WHERE login = 'longhash'");
	assert_int_equal(naccs_store_get_state(f->st, DL(), "longhash", &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "credentials"));
	assert_non_null(strstr(err.msg, "phc"));
	assert_non_null(strstr(err.msg, "longhash"));

	/* a missing flags row */
	tamper(f->path, "INSERT INTO identities (login, uid, gid, gecos, home, shell, kind, "
			"created_by, created_at) VALUES ('noflags', 30007, 100, '', '/', '', "
			"'shared', 'x', 1)");
	assert_int_equal(naccs_store_get_state(f->st, DL(), "noflags", &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "flags"));

	/* NULL where the schema forbids it: a schema edited by hand */
	naccs_store_close(f->st);
	f->st = NULL;
	tamper(f->path, "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = "
			"replace(sql, 'gecos TEXT NOT NULL', 'gecos TEXT') WHERE name = "
			"'identities'");
	tamper(f->path, "INSERT INTO identities (login, uid, gid, gecos, home, shell, kind, "
			"created_by, created_at) VALUES ('nullgecos', 30008, 100, NULL, '/', '', "
			"'shared', 'x', 1)");
	f->st = must_open(f->path, false);
	assert_int_equal(naccs_store_find(f->st, DL(), "nullgecos", &id, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "gecos"));
	assert_non_null(strstr(err.msg, "NULL"));
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-001", &id, &err), 0);
}

/* ---- concurrency and deadlines --------------------------------------- */

#define CHILDREN 4
#define ATTEMPTS 25

static int child_failures(const char *path)
{
	struct naccs_login_event ev = event("sshd", "198.51.100.1");
	struct naccs_account_state after;
	struct naccs_store *st = NULL;
	struct naccs_err err;
	int bad = 0;

	if (open_as(path, getuid(), false, false, &st, &err) < 0)
		return 1;
	for (int i = 0; i < ATTEMPTS; i++)
		if (naccs_store_append_failure(st, naccs_deadline_in(20000), "abcde-001", &ev,
					       &KEEP, &after, NULL, &err) < 0 ||
		    after.failures_since_success < 1)
			bad++;
	naccs_store_close(st);
	return bad == 0 ? 0 : 1;
}

/* Reliability: N processes making M failed attempts at once record
 * exactly N×M failures (UTS-2.2.1.1(1)(g)(ウ)). */
static void test_concurrent_failures(void **state)
{
	struct fx *f = *state;
	struct naccs_account_state s;
	pid_t pids[CHILDREN];

	must_add(f->st, "abcde-001", "ABCDE", "001");
	naccs_store_close(f->st); /* no SQLite handle crosses a fork */
	f->st = NULL;
	for (int i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(child_failures(f->path));
	}
	for (int i = 0; i < CHILDREN; i++) {
		int status = 0;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	f->st = must_open(f->path, false);
	state_of(f->st, "abcde-001", &s);
	assert_int_equal(s.failures_since_success, CHILDREN * ATTEMPTS);
	naccs_wipe(&s, sizeof(s));
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM failures"),
			 CHILDREN * ATTEMPTS);
}

/* A writer that holds the lock makes a call give up at its deadline, not
 * hang a login; readers are not blocked meanwhile (WAL). */
static void test_deadline_busy(void **state)
{
	struct fx *f = *state;
	struct naccs_login_event ev = event("sshd", "");
	struct naccs_account_state s;
	struct naccs_err err;
	int64_t t0, ms;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	sqlite3 *db = tdb_open(f->path);
	assert_int_equal(raw_exec(db, "BEGIN IMMEDIATE"), SQLITE_OK);

	t0 = naccs_now_mono_ms();
	assert_int_equal(naccs_store_append_failure(f->st, naccs_deadline_in(200), "abcde-001", &ev,
						    &KEEP, &s, NULL, &err),
			 -ETIMEDOUT);
	ms = naccs_now_mono_ms() - t0;
	assert_true(ms >= 190);
	assert_true(ms < 2000);
	assert_non_null(strstr(err.msg, f->path));
	assert_int_equal(
	    naccs_store_get_state(f->st, naccs_deadline_in(200), "abcde-001", &s, &err), 0);
	naccs_wipe(&s, sizeof(s));

	assert_int_equal(raw_exec(db, "ROLLBACK"), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(naccs_store_append_failure(f->st, naccs_deadline_in(200), "abcde-001", &ev,
						    &KEEP, &s, NULL, &err),
			 0);
	assert_int_equal(s.failures_since_success, 1);
}

static void test_deadline_passed(void **state)
{
	struct fx *f = *state;
	struct naccs_login_event ev = event("sshd", "");
	struct naccs_account_state s;
	struct naccs_identity id;
	struct naccs_err err;
	naccs_deadline_t past = naccs_now_mono_ms() - 1;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	assert_int_equal(
	    naccs_store_append_failure(f->st, past, "abcde-001", &ev, &KEEP, &s, NULL, &err),
	    -ETIMEDOUT);
	assert_int_equal(naccs_store_find(f->st, past, "abcde-001", &id, &err), -ETIMEDOUT);
	assert_true(naccs_err_is_unavailable(-ETIMEDOUT));
	assert_int_equal(raw_query_int(f->path, "SELECT count(*) FROM failures"), 0);
	/* 0 means the default budget */
	assert_int_equal(naccs_store_find(f->st, 0, "abcde-001", &id, &err), 0);
}

static void test_read_only(void **state)
{
	struct fx *f = *state;
	struct naccs_login_event ev = event("sshd", "");
	struct naccs_account_state s;
	struct naccs_identity id;
	struct naccs_store *ro = NULL;
	struct naccs_err err;

	must_add(f->st, "abcde-001", "ABCDE", "001");
	assert_int_equal(open_as(f->path, getuid(), false, true, &ro, &err), 0);
	assert_int_equal(naccs_store_find(ro, DL(), "abcde-001", &id, &err), 0);
	assert_int_equal(
	    naccs_store_append_failure(ro, DL(), "abcde-001", &ev, &KEEP, &s, NULL, &err), -EROFS);
	naccs_store_close(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_mode_and_wal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_create_twice, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuse_untrusted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_future_schema_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migration_from_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migration_v7_failure_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_add_and_find, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_uid_allocation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_reissue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failures_and_success, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_failures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_success_refused_when_locked_meanwhile, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_password_history, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replace_hash_cas, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retire, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_failures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deadline_busy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deadline_passed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
