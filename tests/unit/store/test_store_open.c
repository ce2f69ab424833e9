/* Opening the credential store (review issue #5, items 4, 6, 7, 12):
 *  - no umask is touched, and the files are 0600 whatever the umask;
 *  - a plain open (a login) never creates, rewrites, migrates or
 *    checkpoints a store it has not validated: a damaged store is left byte
 *    for byte as it was, an older schema or a store not in WAL mode is
 *    refused with a message that names naccsctl upgrade; only an
 *    administrative open (migrate) changes them;
 *  - the account phase opens read-only;
 *  - after a credential change, the old hash is in none of the files;
 *  - checking the store's files never drops the locks SQLite holds in the
 *    same process.
 * UTS-2.2.1.1(1)(b)(ア) (hashes only, private, not lingering) and
 * UTS-2.2.1.2(2)(a) (trusted files). */
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "config/conf.h"
#include "policy/policy.h"
#include "base/secret.h"
#include "store/store.h"
#include "store/sqlite/schema.h"
#include "testdb.h"
#include "testutil.h"

#define DL() naccs_deadline_in(10000)
/* What the default lockout rule asks of a failure (policy/lockout.h):
 * rows kept 400 days, no lock. */
#define KEEP_SECONDS (400u * 86400u)
static const struct naccs_failure_write KEEP = {.retain = KEEP_SECONDS};

/* ---- umask interposed: the library must never call it ---------------- */

static int umask_calls;

/* Linked into this program, this umask() replaces the C library's for
 * libnaccs too (it is linked in statically): every call is counted. */
mode_t umask(mode_t mask)
{
	umask_calls++;
	return (mode_t)syscall(SYS_umask, mask);
}

static mode_t current_umask(void)
{
	mode_t m = (mode_t)syscall(SYS_umask, 022);

	syscall(SYS_umask, m);
	return m;
}

/* ---- fixture and helpers --------------------------------------------- */

struct fx {
	char *dir;
	char path[PATH_MAX];
	char wal[PATH_MAX + 8];
	char shm[PATH_MAX + 8];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp("store-open");
	snprintf(f->path, sizeof(f->path), "%s/naccs.db", f->dir);
	snprintf(f->wal, sizeof(f->wal), "%s-wal", f->path);
	snprintf(f->shm, sizeof(f->shm), "%s-shm", f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree_free(f->dir);
	free(f);
	return 0;
}

static int open_with(const char *path, bool create, bool read_only, bool migrate,
		     struct naccs_store **st, struct naccs_err *err)
{
	struct naccs_store_options opt = {.path = path,
					  .owner_uid = getuid(),
					  .timeout_ms = 5000,
					  .create = create,
					  .read_only = read_only,
					  .migrate = migrate};

	return naccs_store_open(&opt, st, err);
}

static struct naccs_store *must_open(const char *path, bool create)
{
	struct naccs_store *st = NULL;
	struct naccs_err err;

	if (open_with(path, create, false, false, &st, &err) < 0)
		fail_msg("open %s: %s", path, err.msg);
	return st;
}

static void add(struct naccs_store *st, const char *login, const char *code, const char *phc)
{
	struct naccs_identity id;
	struct naccs_err err;

	memset(&id, 0, sizeof(id));
	snprintf(id.login, sizeof(id.login), "%s", login);
	snprintf(id.user_code, sizeof(id.user_code), "%s", code);
	snprintf(id.id_number, sizeof(id.id_number), "001");
	id.uid = NACCS_UID_ALLOCATE;
	id.gid = 100;
	snprintf(id.home, sizeof(id.home), "/home/%s", login);
	snprintf(id.shell, sizeof(id.shell), "/bin/sh");
	if (naccs_store_add_identity(st, DL(), &id, 20000, 20099, phc, false, "admin", "Taro",
				     &err) < 0)
		fail_msg("add %s: %s", login, err.msg);
}

static bool contains(const struct tu_snap *sn, const char *needle)
{
	size_t len = strlen(needle);

	for (size_t i = 0; sn->present && len <= sn->len && i <= sn->len - len; i++)
		if (memcmp(sn->data + i, needle, len) == 0)
			return true;
	return false;
}

static bool any_file_contains(const struct fx *f, const char *needle)
{
	const char *paths[] = {f->path, f->wal, f->shm};
	bool found = false;

	for (size_t i = 0; i < 3; i++) {
		struct tu_snap sn = tu_snap_take(paths[i]);

		found = found || contains(&sn, needle);
		free(sn.data);
	}
	return found;
}

static off_t size_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static unsigned mode_of(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return (unsigned)(sb.st_mode & 07777);
}

/* ---- item 4: no umask ------------------------------------------------ */

/* The store and its -wal and -shm files are 0600 under umask 0 and 022,
 * and opening never calls umask() (process-wide: racy in a threaded host). */
static void test_no_umask(void **state)
{
	struct fx *f = *state;
	static const mode_t masks[] = {0, 022};
	mode_t saved = current_umask();

	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		struct naccs_store *st;

		unlink(f->path);
		unlink(f->wal);
		unlink(f->shm);
		syscall(SYS_umask, masks[i]);
		umask_calls = 0;
		st = must_open(f->path, true);
		add(st, "abcde-001", "ABCDE", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA");
		naccs_store_close(st);
		st = must_open(f->path, false);
		naccs_store_close(st);
		assert_int_equal(umask_calls, 0);
		assert_int_equal(current_umask(), masks[i]);
		assert_int_equal(mode_of(f->path), 0600);
		assert_int_equal(mode_of(f->wal), 0600);
		assert_int_equal(mode_of(f->shm), 0600);
	}
	syscall(SYS_umask, saved);
}

/* ---- item 12: a damaged store is left untouched ---------------------- */

/* A store whose WAL holds committed data (no checkpoint on close). */
static void make_store_with_wal(const struct fx *f)
{
	struct naccs_store *st = must_open(f->path, true);

	add(st, "abcde-001", "ABCDE", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA");
	naccs_store_close(st);
	assert_true(size_of(f->wal) > 0);
}

/* Every kind of open of the store at f->path fails with -EIO, says
 * "damaged", and leaves the three files exactly as they were. */
static void assert_refused_untouched(const struct fx *f)
{
	struct tu_snap db = tu_snap_take(f->path), wal = tu_snap_take(f->wal),
		       shm = tu_snap_take(f->shm);
	struct naccs_store_options opt = {
	    .path = f->path, .owner_uid = getuid(), .timeout_ms = 5000};
	struct naccs_store_report rep;
	struct naccs_store *st = NULL;
	struct naccs_config cfg;
	struct naccs_policy pol;
	struct naccs_err err;

	/* a login's open (auth: read-write), the account phase (read-only) */
	assert_int_equal(open_with(f->path, false, false, false, &st, &err), -EIO);
	assert_null(st);
	assert_non_null(strstr(err.msg, f->path));
	assert_non_null(strstr(err.msg, "damaged"));
	assert_non_null(strstr(err.msg, "left untouched"));
	assert_int_equal(open_with(f->path, false, true, false, &st, &err), -EIO);
	/* the authentication path, through the policy layer */
	naccs_config_defaults(&cfg);
	cfg.owner_uid = getuid();
	snprintf(cfg.store_path, sizeof(cfg.store_path), "%s", f->path);
	assert_int_equal(naccs_policy_open(&pol, &cfg, false, &err), -EIO);
	naccs_policy_close(&pol);
	/* even an administrative open does not "repair" it */
	assert_int_equal(open_with(f->path, false, false, true, &st, &err), -EIO);
	/* naccsctl store check sees it as damaged */
	assert_int_equal(naccs_store_inspect(&opt, true, &rep, &err), -EIO);
	assert_true(rep.damaged);

	assert_true(tu_snap_same(&db, f->path));
	assert_true(tu_snap_same(&wal, f->wal));
	assert_true(tu_snap_same(&shm, f->shm));
	free(db.data);
	free(wal.data);
	free(shm.data);
}

/* The case of the review: naccs.db truncated to 0 bytes, a WAL beside it. */
static void test_truncated_store_untouched(void **state)
{
	struct fx *f = *state;

	make_store_with_wal(f);
	assert_int_equal(truncate(f->path, 0), 0);
	assert_refused_untouched(f);
}

static void write_at(const char *path, off_t at, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, len, at), (ssize_t)len);
	close(fd);
}

/* Each check of the header: too short, no magic, impossible page size, a
 * size that is no whole number of pages, an unknown journal format. */
static void test_bad_headers_untouched(void **state)
{
	struct fx *f = *state;
	static const unsigned char bad_page[2] = {0x03, 0x00}; /* 768: not a power of 2 */
	static const unsigned char bad_journal[2] = {3, 3};
	static const unsigned char half_page[1] = {0};

	make_store_with_wal(f);
	assert_int_equal(truncate(f->path, 50), 0);
	assert_refused_untouched(f);

	unlink(f->path);
	unlink(f->wal);
	unlink(f->shm);
	make_store_with_wal(f);
	write_at(f->path, 0, "SQLite format 2", 15);
	assert_refused_untouched(f);

	unlink(f->path);
	unlink(f->wal);
	unlink(f->shm);
	make_store_with_wal(f);
	write_at(f->path, 16, bad_page, sizeof(bad_page));
	assert_refused_untouched(f);

	unlink(f->path);
	unlink(f->wal);
	unlink(f->shm);
	make_store_with_wal(f);
	write_at(f->path, size_of(f->path) + 100, half_page, sizeof(half_page));
	assert_refused_untouched(f);

	unlink(f->path);
	unlink(f->wal);
	unlink(f->shm);
	make_store_with_wal(f);
	write_at(f->path, 18, bad_journal, sizeof(bad_journal));
	assert_refused_untouched(f);
}

/* A store as the last connection left it: checkpointed, no -wal or -shm
 * beside it. */
static void make_store_without_side_files(const struct fx *f)
{
	sqlite3 *db;

	make_store_with_wal(f);
	db = tdb_open(f->path);
	assert_int_equal(sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db); /* the last connection: checkpointed, -wal and -shm gone */
	assert_int_equal(access(f->wal, F_OK), -1);
	assert_int_equal(access(f->shm, F_OK), -1);
}

/* A login (auth read-write, account read-only) refuses it and leaves no
 * -wal or -shm beside it (issue 16, items 1 and 27). */
static void assert_refused_no_side_files(const struct fx *f, int expect)
{
	struct tu_snap db = tu_snap_take(f->path);
	struct naccs_store *st = NULL;
	struct naccs_config cfg;
	struct naccs_policy pol;
	struct naccs_identity id;
	struct naccs_err err;
	int rc;

	naccs_config_defaults(&cfg);
	cfg.owner_uid = getuid();
	snprintf(cfg.store_path, sizeof(cfg.store_path), "%s", f->path);
	for (int ro = 0; ro <= 1; ro++) {
		rc = naccs_policy_open(&pol, &cfg, ro, &err);
		/* A store whose damage lies beyond what opening reads: the
		 * first look-up finds it. */
		if (rc == 0)
			rc = naccs_store_find(pol.store, DL(), "abcde-001", &id, &err);
		naccs_policy_close(&pol);
		assert_int_equal(rc, expect);
		assert_int_equal(access(f->wal, F_OK), -1);
		assert_int_equal(access(f->shm, F_OK), -1);
	}
	assert_int_equal(open_with(f->path, false, false, false, &st, &err), expect);
	assert_null(st);
	assert_int_equal(access(f->wal, F_OK), -1);
	assert_int_equal(access(f->shm, F_OK), -1);
	assert_true(tu_snap_same(&db, f->path));
	free(db.data);
}

static void test_damaged_store_no_side_files(void **state)
{
	struct fx *f = *state;
	unsigned char junk[4096 - 100];

	/* 0 bytes */
	make_store_without_side_files(f);
	assert_int_equal(truncate(f->path, 0), 0);
	assert_refused_no_side_files(f, -EIO);
	/* the header overwritten */
	unlink(f->path);
	make_store_without_side_files(f);
	memset(junk, 0x5a, sizeof(junk));
	write_at(f->path, 0, junk, 100);
	assert_refused_no_side_files(f, -EIO);
	/* the header intact, the first page's content overwritten */
	unlink(f->path);
	make_store_without_side_files(f);
	write_at(f->path, 100, junk, sizeof(junk));
	assert_refused_no_side_files(f, -EIO);
	/* a page deep in the file (the last one) overwritten: found before
	 * SQLite makes any companion */
	unlink(f->path);
	make_store_without_side_files(f);
	write_at(f->path, size_of(f->path) - 4096, junk, sizeof(junk));
	assert_refused_no_side_files(f, -EIO);
	/* a sound store without its companions opens as ever (a backup of
	 * naccs.db alone restored), and gets them */
	unlink(f->path);
	make_store_without_side_files(f);
	naccs_store_close(must_open(f->path, false));
	assert_int_equal(access(f->wal, F_OK), 0);
}

/* ---- item 6: a plain open never migrates or switches the journal ------ */

/* A version-1 store as an older naccs-auth left it; wal: in WAL mode. */
static void make_v1_store(const char *path, bool wal)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	sqlite3 *db;

	assert_true(fd >= 0);
	close(fd);
	db = tdb_open(path);
	if (wal)
		assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, naccs_sqlite_migrations[0], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO schema_version (version, applied_at) "
				      "VALUES (1, 1)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db); /* the last connection: checkpointed, WAL removed */
}

static void test_old_schema_needs_upgrade(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = NULL;
	struct naccs_err err;
	struct tu_snap db;
	char expect[PATH_MAX + 128];
	int version = 0;

	make_v1_store(f->path, true);
	db = tu_snap_take(f->path);
	/* a login: refused, closed, the store unchanged */
	assert_int_equal(open_with(f->path, false, false, false, &st, &err), -EPROTO);
	assert_null(st);
	snprintf(expect, sizeof(expect),
		 "credential store %s has schema version 1, this naccs-auth needs %d: run "
		 "naccsctl upgrade",
		 f->path, NACCS_SQLITE_SCHEMA_VERSION);
	assert_string_equal(err.msg, expect);
	assert_int_equal(open_with(f->path, false, true, false, &st, &err), -EPROTO);
	assert_true(tu_snap_same(&db, f->path));
	free(db.data);
	/* an administrative open that migrates may not be read-only */
	assert_int_equal(open_with(f->path, false, true, true, &st, &err), -EINVAL);
	/* naccsctl upgrade: migrates */
	assert_int_equal(open_with(f->path, false, false, true, &st, &err), 0);
	assert_int_equal(naccs_store_schema_version(st, DL(), &version, &err), 0);
	assert_int_equal(version, NACCS_SQLITE_SCHEMA_VERSION);
	naccs_store_close(st);
	/* and now a login opens it */
	naccs_store_close(must_open(f->path, false));
}

static void test_not_wal_refused(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = NULL;
	struct naccs_store_options opt = {
	    .path = f->path, .owner_uid = getuid(), .timeout_ms = 5000};
	struct naccs_store_report rep;
	struct naccs_err err;
	struct tu_snap db;

	make_v1_store(f->path, false);
	db = tu_snap_take(f->path);
	assert_int_equal(open_with(f->path, false, false, false, &st, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "not in WAL mode"));
	assert_non_null(strstr(err.msg, "naccsctl upgrade"));
	assert_int_equal(naccs_store_inspect(&opt, true, &rep, &err), -EPROTO);
	assert_false(rep.damaged);
	assert_true(rep.header_ok);
	assert_false(rep.wal_mode);
	assert_int_equal(rep.schema_version, 1);
	assert_string_equal(rep.integrity, "ok");
	assert_true(tu_snap_same(&db, f->path));
	assert_int_equal(access(f->wal, F_OK), -1); /* no WAL made either */
	free(db.data);
	/* the administrative open switches it to WAL and migrates */
	assert_int_equal(open_with(f->path, false, false, true, &st, &err), 0);
	naccs_store_close(st);
	assert_int_equal(naccs_store_inspect(&opt, true, &rep, &err), 0);
	assert_true(rep.wal_mode);
	assert_int_equal(rep.schema_version, NACCS_SQLITE_SCHEMA_VERSION);
}

/* A valid database without any table (e.g. an init killed halfway): a
 * login refuses it, an administrative open (init) makes it a store. */
static void test_empty_database(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = NULL;
	struct naccs_err err;
	sqlite3 *db;
	int fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	close(fd);
	db = tdb_open(f->path);
	assert_int_equal(sqlite3_exec(db,
				      "PRAGMA journal_mode = WAL; CREATE TABLE t (x);"
				      "DROP TABLE t;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(open_with(f->path, false, false, false, &st, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "naccsctl init"));
	assert_int_equal(open_with(f->path, false, false, true, &st, &err), 0);
	naccs_store_close(st);
	naccs_store_close(must_open(f->path, false));
}

/* The account phase only reads: its store is read-only. */
static void test_account_open_read_only(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = must_open(f->path, true);
	struct naccs_login_event ev;
	struct naccs_account_state after;
	struct naccs_identity id;
	struct naccs_config cfg;
	struct naccs_policy pol;
	struct naccs_err err;

	add(st, "abcde-001", "ABCDE", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA");
	naccs_store_close(st);
	naccs_config_defaults(&cfg);
	cfg.owner_uid = getuid();
	snprintf(cfg.store_path, sizeof(cfg.store_path), "%s", f->path);
	memset(&ev, 0, sizeof(ev));

	assert_int_equal(naccs_policy_open(&pol, &cfg, true, &err), 0);
	assert_int_equal(naccs_store_find(pol.store, DL(), "abcde-001", &id, &err), 0);
	assert_int_equal(naccs_store_append_failure(pol.store, DL(), "abcde-001", &ev, &KEEP,
						    &after, NULL, &err),
			 -EROFS);
	naccs_policy_close(&pol);

	assert_int_equal(naccs_policy_open(&pol, &cfg, false, &err), 0);
	assert_int_equal(naccs_store_append_failure(pol.store, DL(), "abcde-001", &ev, &KEEP,
						    &after, NULL, &err),
			 0);
	naccs_wipe(&after, sizeof(after));
	naccs_policy_close(&pol);
}

/* ---- item 7: no old hash lingers ------------------------------------- */

#define OLD_HASH_PART "T2xkV2Vha0hhc2hSZXBsYWNlZA"
#define OLD_PHC	      "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$" OLD_HASH_PART
#define NEW_PHC	      "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$TmV3U3Ryb25nSGFzaA"

/* The store holds OLD_PHC for abcde-001, committed and checkpointed into
 * the main file (as a long-lived store would). */
static struct naccs_store *store_with_old_hash(const struct fx *f)
{
	struct naccs_store *st = must_open(f->path, true);
	sqlite3 *db;

	add(st, "abcde-001", "ABCDE", OLD_PHC);
	db = tdb_open(f->path);
	assert_int_equal(sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_true(any_file_contains(f, OLD_HASH_PART)); /* the test can see it */
	return st;
}

static void assert_old_hash_gone(const struct fx *f)
{
	assert_false(any_file_contains(f, OLD_PHC));
	assert_false(any_file_contains(f, OLD_HASH_PART));
}

static void test_rehash_leaves_no_old_hash(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = store_with_old_hash(f);
	struct naccs_err err;

	assert_int_equal(naccs_store_replace_hash(st, DL(), "abcde-001", OLD_PHC, NEW_PHC, &err),
			 0);
	assert_old_hash_gone(f);
	assert_true(any_file_contains(f, "TmV3U3Ryb25nSGFzaA"));
	naccs_store_close(st);
	assert_old_hash_gone(f);
}

static void test_set_password_leaves_no_old_hash(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = store_with_old_hash(f);
	struct naccs_err err;

	/* no history kept: the old hash must go entirely */
	assert_int_equal(naccs_store_set_password(st, DL(), "abcde-001", NEW_PHC, true, 0,
						  "password-reset", "admin", &err),
			 0);
	assert_old_hash_gone(f);
	naccs_store_close(st);
	assert_old_hash_gone(f);
}

static void test_retire_leaves_no_old_hash(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st = store_with_old_hash(f);
	struct naccs_err err;

	assert_int_equal(naccs_store_retire(st, DL(), "abcde-001", "left", "admin", &err), 0);
	assert_old_hash_gone(f);
	naccs_store_close(st);
	assert_old_hash_gone(f);
}

/* ---- locks: checking the files never drops SQLite's ------------------ */

/* SQLite's unix locks (sqlite3.c: PENDING_BYTE and the SHARED range). */
#define SQ_SHARED_FIRST (0x40000000 + 2)
#define SQ_SHARED_SIZE	510

/* Could another process take the write lock SQLite's readers block? */
static bool other_process_can_lock(const char *path)
{
	pid_t pid = fork();
	int status = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct flock fl = {.l_type = F_WRLCK,
				   .l_whence = SEEK_SET,
				   .l_start = SQ_SHARED_FIRST,
				   .l_len = SQ_SHARED_SIZE};
		int fd = open(path, O_RDWR | O_CLOEXEC);

		_exit(fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A connection in WAL mode holds a shared lock on the database file for as
 * long as it is open.  POSIX drops every lock of a process on a file when
 * any of its descriptors of that file is closed, so opening a second
 * connection must not open and close a descriptor of its own. */
static void test_open_keeps_other_connections_locks(void **state)
{
	struct fx *f = *state;
	struct naccs_store *first = must_open(f->path, true);
	struct naccs_store_options opt = {
	    .path = f->path, .owner_uid = getuid(), .timeout_ms = 5000};
	struct naccs_store_report rep;
	struct naccs_identity id;
	struct naccs_err err;
	int fd;

	add(first, "abcde-001", "ABCDE", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA");
	assert_int_equal(naccs_store_find(first, DL(), "abcde-001", &id, &err), 0);
	assert_false(other_process_can_lock(f->path)); /* the first connection's lock */

	naccs_store_close(must_open(f->path, false));
	assert_false(other_process_can_lock(f->path));
	naccs_store_close(must_open(f->path, false) /* again, read-write */);
	assert_int_equal(naccs_store_inspect(&opt, true, &rep, &err), 0);
	assert_false(other_process_can_lock(f->path));

	/* What this test guards against: a plain descriptor closed. */
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	close(fd);
	assert_true(other_process_can_lock(f->path));
	naccs_store_close(first);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_no_umask, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_store_untouched, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_headers_untouched, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_store_no_side_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_old_schema_needs_upgrade, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_wal_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_account_open_read_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rehash_leaves_no_old_hash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_password_leaves_no_old_hash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retire_leaves_no_old_hash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_keeps_other_connections_locks, setup,
					    teardown),
	};

	return cmocka_run_group_tests_name("store_open", tests, NULL, NULL);
}
