/* Local accounts and root when the credential store cannot be used (issue
 * 16, item 1), through real PAM conversations (libpamtest + pam_wrapper)
 * with the stack the pam-auth-update profile writes: pam_naccs.so, then
 * pam_matrix in pam_unix's place, then pam_deny (tests/lib/services/
 * naccs-rescue).  Whatever is wrong with the store -- its header
 * overwritten, 0 bytes, missing, its pages unreadable, or its file system
 * full --
 *  - a name the public identity index does not hold (a local account, root)
 *    goes on to pam_unix: its own password lets it in, in auth, account
 *    and password;
 *  - a naccs ID (one the index holds, an adopted local account included)
 *    fails closed, even with a password pam_unix would take, and the
 *    password is asked before the answer (a name tells nothing);
 *  - without a trusted index, every name fails closed;
 *  - a login leaves the damaged files as they were.
 * The full file system (a tmpfs in a private mount namespace, filled) needs
 * root: skipped otherwise, with the reason.  UTS-2.2.1.1(1)(b)(ア),
 * UTS-2.2.1.2(2)(a) (the store and the index are trusted files). */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>
#include <sqlite3.h>

#include "config/conf.h"
#include "crypto/hash.h"
#include "index/write.h"
#include "store/store.h"
#include "pamfixture.h"
#include "testdb.h"
#include "testutil.h"

#define SERVICE	 "naccs-rescue"
#define GOOD_PW	 "Corr3ct-Horse!"
#define ALICE	 "abcde-001"
#define ADOPTED	 "opsroot" /* a local account registered as a shared ID */
#define LOCAL	 "localuser"
#define LOCAL_PW "Local-Unix-pw1"
#define STALE_PW "Stale-Unix-pw1" /* a shadow password a naccs ID still has */

static char state_dir[1024]; /* the store, its index, the trail */
static char store_path[1100];
static char index_path[1100];

static struct naccs_store *open_store(bool create)
{
	return tst_open_store(store_path, getuid(), create);
}

static void add_user(struct naccs_store *st, const char *code, const char *login)
{
	pfx_add_user(st, &(struct pfx_user){.login = login,
					    .code = code,
					    .number = code[0] != '\0' ? "001" : "",
					    .password = GOOD_PW});
}

/* The store, its index and the trail in state_dir; the config and
 * pam_matrix's password file (pam_unix's accounts) beside it. */
static void build_fixture(void)
{
	struct naccs_index_stats stats;
	struct naccs_store *st;
	struct naccs_err err;
	char text[4096];

	pfx_write_conf(PAM_FIXTURE_DIR, state_dir, store_path, NULL, "%s", "");
	snprintf(text, sizeof(text), "%s:%s:%s\n%s:%s:%s\n%s:%s:%s\n", LOCAL, LOCAL_PW, SERVICE,
		 ALICE, STALE_PW, SERVICE, ADOPTED, STALE_PW, SERVICE);
	free(tu_write_file(PAM_FIXTURE_DIR, "passdb", text, 0600));
	st = open_store(true);
	add_user(st, "ABCDE", ALICE);
	add_user(st, "", ADOPTED);
	if (naccs_index_write(st, naccs_deadline_in(5000), index_path, &stats, &err) < 0)
		fail_msg("index: %s", err.msg);
	naccs_store_close(st);
}

static int setup(void **state)
{
	(void)state;
	pfx_fresh_dir(PAM_FIXTURE_DIR);
	snprintf(state_dir, sizeof(state_dir), "%s/state", PAM_FIXTURE_DIR);
	if (mkdir(state_dir, 0700) != 0)
		fail_msg("mkdir %s", state_dir);
	snprintf(store_path, sizeof(store_path), "%s/naccs.db", state_dir);
	snprintf(index_path, sizeof(index_path), "%s/passwd.cdb", state_dir);
	build_fixture();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(PAM_FIXTURE_DIR);
	return 0;
}

/* ---- conversations ---------------------------------------------------- */

/* answers: to the prompts in order, NULL-terminated (pam_matrix asks the
 * password again: pam_unix would take it from PAM_AUTHTOK with
 * try_first_pass); four info and four error buffers. */
static int run_op(enum pamtest_ops op, const char *user, const char *const *answers)
{
	static const char *const none[] = {NULL};
	struct pfx_conv cv;

	pfx_conv_init(&cv, answers != NULL ? answers : none, 4, 4);
	return pfx_run(SERVICE, op, user, &cv);
}

static int auth(const char *user, const char *pw)
{
	const char *answers[] = {pw, pw, NULL};

	return run_op(PAMTEST_AUTHENTICATE, user, answers);
}

static int account(const char *user)
{
	return run_op(PAMTEST_ACCOUNT, user, NULL);
}

/* The password change: the current password, then the new one as often
 * as asked. */
static int chauthtok(const char *user, const char *old, const char *new_pw)
{
	const char *answers[] = {old, new_pw, new_pw, new_pw, new_pw, NULL};

	return run_op(PAMTEST_CHAUTHTOK, user, answers);
}

/* ---- files ------------------------------------------------------------ */

struct store_files {
	char path[3][PATH_MAX + 8];
	struct tu_snap snap[3];
};

static void files_take(struct store_files *f)
{
	snprintf(f->path[0], sizeof(f->path[0]), "%s", store_path);
	snprintf(f->path[1], sizeof(f->path[1]), "%s-wal", store_path);
	snprintf(f->path[2], sizeof(f->path[2]), "%s-shm", store_path);
	for (int i = 0; i < 3; i++)
		f->snap[i] = tu_snap_take(f->path[i]);
}

/* The store's files exactly as they were (absent ones still absent); the
 * -shm too unless SQLite read the store (a reader marks it). */
static void files_unchanged(struct store_files *f, bool shm_too)
{
	for (int i = 0; i < 3; i++) {
		if ((i < 2 || shm_too) && !tu_snap_same(&f->snap[i], f->path[i]))
			fail_msg("%s was changed by a login", f->path[i]);
		free(f->snap[i].data);
	}
}

static void write_at(const char *path, off_t at, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, len, at), (ssize_t)len);
	close(fd);
}

static void remove_store(void)
{
	char side[PATH_MAX + 8];

	unlink(store_path);
	snprintf(side, sizeof(side), "%s-wal", store_path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", store_path);
	unlink(side);
}

/* ---- what must hold without the store --------------------------------- */

/* Local accounts go on to pam_unix; naccs IDs fail closed, the adopted
 * local account included, whatever password pam_unix would take. */
static void assert_locals_go_on(bool shm_too)
{
	struct store_files f;

	files_take(&f);
	assert_int_equal(auth(LOCAL, LOCAL_PW), PAM_SUCCESS);
	assert_int_equal(auth(LOCAL, "wrong-for-unix"), PAM_AUTH_ERR); /* pam_unix's no */
	assert_int_equal(account(LOCAL), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(auth(ALICE, STALE_PW), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(auth("ABCDE001", STALE_PW), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(account(ALICE), PAM_SYSTEM_ERR);
	assert_int_equal(auth(ADOPTED, STALE_PW), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(account(ADOPTED), PAM_SYSTEM_ERR);
	files_unchanged(&f, shm_too);
}

/* Without a trusted index: nobody. */
static void assert_everybody_refused(void)
{
	assert_int_equal(auth(LOCAL, LOCAL_PW), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(account(LOCAL), PAM_SYSTEM_ERR);
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(auth(ADOPTED, STALE_PW), PAM_AUTHINFO_UNAVAIL);
}

/* ---- tests ------------------------------------------------------------ */

/* The store sound: the stack as ever (the index is not asked). */
static void test_store_sound(void **state)
{
	(void)state;
	assert_int_equal(auth(LOCAL, LOCAL_PW), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, STALE_PW), PAM_AUTH_ERR);
	assert_int_equal(auth(ADOPTED, STALE_PW), PAM_AUTH_ERR);
	/* the index missing changes nothing while the store answers */
	assert_int_equal(unlink(index_path), 0);
	assert_int_equal(auth(LOCAL, LOCAL_PW), PAM_SUCCESS);
	assert_int_equal(account(LOCAL), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_SUCCESS);
}

static void test_header_overwritten(void **state)
{
	char junk[100];

	(void)state;
	memset(junk, 0x5a, sizeof(junk));
	write_at(store_path, 0, junk, sizeof(junk));
	assert_locals_go_on(true);
}

static void test_zero_bytes(void **state)
{
	(void)state;
	assert_int_equal(truncate(store_path, 0), 0);
	assert_locals_go_on(true);
}

static void test_store_missing(void **state)
{
	(void)state;
	remove_store();
	assert_locals_go_on(true);
	/* a local account changes its password through pam_unix (pam_naccs.so
	 * asks the new one for pam_unix's use_authtok; pam_matrix asks again) */
	assert_int_equal(chauthtok(LOCAL, LOCAL_PW, "New-Unix-pw2"), PAM_SUCCESS);
	assert_int_equal(auth(LOCAL, "New-Unix-pw2"), PAM_SUCCESS);
	/* a naccs ID's password never goes to pam_unix */
	assert_int_not_equal(chauthtok(ALICE, STALE_PW, "New-Unix-pw3"), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, "New-Unix-pw3"), PAM_AUTHINFO_UNAVAIL);
}

/* The store opens (its header and schema version sound), but the pages of
 * its identities (the table and its indexes) are unreadable: the look-up
 * fails. */
static void test_pages_unreadable(void **state)
{
	static unsigned char junk[65536];
	sqlite3 *db = tdb_open(store_path); /* open throughout: -wal and -shm stay */
	sqlite3_stmt *st;
	int64_t page = 0;

	(void)state;
	/* everything into the main file first, so the damage is what SQLite
	 * reads (a connection checkpoints once it has read the store) */
	assert_int_equal(sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(
	    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	page = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_true(page > 0 && page <= (int64_t)sizeof(junk));
	memset(junk, 0xa5, sizeof(junk));
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT rootpage FROM sqlite_master WHERE "
					    "tbl_name = 'identities' AND rootpage > 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		write_at(store_path, (off_t)(sqlite3_column_int64(st, 0) - 1) * page, junk,
			 (size_t)page);
	sqlite3_finalize(st);
	assert_locals_go_on(false);
	sqlite3_close(db);
}

static void test_index_missing(void **state)
{
	(void)state;
	remove_store();
	assert_int_equal(unlink(index_path), 0);
	assert_everybody_refused();
}

/* An index others may write says nothing (UTS-2.2.1.2(2)(a)). */
static void test_index_untrusted(void **state)
{
	(void)state;
	remove_store();
	assert_int_equal(chmod(index_path, 0666), 0);
	assert_everybody_refused();
	assert_int_equal(chmod(index_path, 0644), 0);
	assert_int_equal(chmod(state_dir, 0777), 0); /* its directory too */
	assert_everybody_refused();
	assert_int_equal(chmod(state_dir, 0700), 0);
	assert_int_equal(auth(LOCAL, LOCAL_PW), PAM_SUCCESS);
}

/* The store's file system full (the store readable, no write possible),
 * the trail on it too: recording an attempt on a name that is no ID never
 * blocks the stack; a naccs ID's login fails closed (it cannot be
 * recorded). */
static void test_full_file_system(void **state)
{
	char filler[PATH_MAX + 16];

	(void)state;
	tu_private_tmpfs("a full file system", state_dir, "size=512k,mode=0700");
	build_fixture();
	/* Room: a login of each kind, so every file a login uses exists. */
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_SUCCESS);
	assert_int_equal(auth(LOCAL, LOCAL_PW), PAM_SUCCESS);
	snprintf(filler, sizeof(filler), "%s/filler", state_dir);
	tu_fill(filler);
	/* Full. */
	assert_int_equal(auth(LOCAL, LOCAL_PW), PAM_SUCCESS);
	assert_int_equal(auth(LOCAL, "wrong-for-unix"), PAM_AUTH_ERR);
	assert_int_equal(account(LOCAL), PAM_SUCCESS);
	assert_int_equal(auth("no-such-name", LOCAL_PW), PAM_AUTH_ERR); /* pam_deny's */
	assert_int_not_equal(auth(ALICE, GOOD_PW), PAM_SUCCESS);
	assert_int_not_equal(auth(ALICE, STALE_PW), PAM_SUCCESS);
	assert_int_not_equal(auth(ADOPTED, STALE_PW), PAM_SUCCESS);
	/* Room again. */
	assert_int_equal(unlink(filler), 0);
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_SUCCESS);
	assert_int_equal(umount(state_dir), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_store_sound),
	    T(test_header_overwritten),
	    T(test_zero_bytes),
	    T(test_store_missing),
	    T(test_pages_unreadable),
	    T(test_index_missing),
	    T(test_index_untrusted),
	    /* Last: it leaves this process in a mount namespace of its own. */
	    T(test_full_file_system),
	};

	if (!pfx_have_wrapper("test_pam_rescue"))
		return 77;
	return cmocka_run_group_tests_name("pam_naccs without the store", tests, NULL, NULL);
}
