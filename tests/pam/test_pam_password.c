/* pam_sm_chauthtok through real PAM conversations (libpamtest + pam_wrapper,
 * services tests/lib/services/naccs-passwd*): every rule refused with its own
 * PAM_ERROR_MSG and accepted at its boundary, retry=N, the current password,
 * the forced change in the same handle after authenticate + acct_mgmt (admin
 * reset notice, expiry), root changing another user's password, use_authtok,
 * and a stack with a module below that a naccs ID's change never reaches.
 * Runs as a non-root real uid (setreuid) unless a test needs root. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>
#include <sqlite3.h>

#include "audit/trail.h"
#include "crypto/hash.h"
#include "store/store.h"
#include "pamfixture.h"
#include "testdb.h"
#include "testutil.h"

#define SERVICE "naccs-passwd"
#define CUR	"Corr3ct-Horse!"
#define NEW	"Xq7-vJ2p!kW1"
#define ALICE	"abcde-001"
#define RESET	"abcde-004" /* reset by an administrator: must change */
#define NSLOTS	16

static char store_path[512];
static char conf_extra[1024];
static uid_t real_uid; /* the uid the tests started with */

static void write_conf(void)
{
	pfx_write_conf(PAM_FIXTURE_DIR, PAM_FIXTURE_DIR, store_path, NULL,
		       "[password]\nmin_age_days = 0\nretry = 1\n%s", conf_extra);
}

static struct naccs_store *open_store(bool create)
{
	return tst_open_store(store_path, real_uid, create);
}

static void add_user(struct naccs_store *st, const char *number, const char *login)
{
	pfx_add_user(st, &(struct pfx_user){.login = login,
					    .code = "ABCDE",
					    .number = number,
					    .gecos = "Yamada Taro",
					    .password = CUR});
}

static int setup(void **state)
{
	struct naccs_store *st;
	struct naccs_hash_params p;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX];

	(void)state;
	pfx_fresh_dir(PAM_FIXTURE_DIR);
	snprintf(store_path, sizeof(store_path), "%s/naccs.db", PAM_FIXTURE_DIR);
	write_conf();
	st = open_store(true);
	add_user(st, "001", ALICE);
	add_user(st, "004", RESET);
	p = tu_hash_params(1024);
	assert_int_equal(naccs_hash_new(&p, CUR, phc, &err), 0);
	if (naccs_store_set_password(st, naccs_deadline_in(5000), RESET, phc, true, 24,
				     "password-reset", "admin", &err) < 0)
		fail_msg("reset: %s", err.msg);
	naccs_store_close(st);
	/* The user's own change: the real uid is not root's. */
	if (real_uid == 0 && setreuid(65534, 0) != 0)
		fail_msg("setreuid");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (real_uid == 0 && setreuid(0, 0) != 0)
		fail_msg("setreuid back");
	conf_extra[0] = '\0';
	tu_rmtree(PAM_FIXTURE_DIR);
	return 0;
}

static struct naccs_account_state get_state(const char *login)
{
	return pfx_get_state(store_path, real_uid, login);
}

/* The conversation: the answers in order, NSLOTS info and error buffers. */
static void conv_init(struct pfx_conv *c, const char *const *answers)
{
	static const char *const none[] = {NULL};

	pfx_conv_init(c, answers != NULL ? answers : none, NSLOTS, NSLOTS);
}

static bool said(char buf[][PAM_MAX_MSG_SIZE], const char *what)
{
	for (int i = 0; i < NSLOTS; i++)
		if (strstr(buf[i], what) != NULL)
			return true;
	return false;
}

/* One chauthtok (passwd) for user with the answers given in order. */
static int passwd(const char *service, const char *user, const char *const *answers,
		  struct pfx_conv *c)
{
	conv_init(c, answers);
	return pfx_run(service, PAMTEST_CHAUTHTOK, user, c);
}

static int auth(const char *user, const char *pw)
{
	struct pam_testcase tc[] = {pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS)};
	const char *a[] = {pw, NULL};
	struct pfx_conv c;

	conv_init(&c, a);
	run_pamtest(SERVICE, user, &c.data, tc, NULL);
	return tc[0].op_rv;
}

static void set_changed_at(const char *login, int64_t when)
{
	sqlite3 *db = tdb_open(store_path);
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "UPDATE credentials SET changed_at = %lld WHERE identity = "
		 "(SELECT id FROM identities WHERE login = '%s')",
		 (long long)when, login);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* UTS-2.2.1.1(1)(e)(ア): the user sets their own password. */
static void test_change(void **state)
{
	const char *a[] = {CUR, NEW, NEW, NULL};
	struct pfx_conv c;

	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_true(said(c.info_buf, "The password was changed."));
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, CUR), PAM_AUTH_ERR);
	/* A NACCS form of the name changes the same ID. */
	{
		const char *b[] = {NEW, "Zr8=wK3q?mX2", "Zr8=wK3q?mX2", NULL};

		assert_int_equal(passwd(SERVICE, "ABCDE001", b, &c), PAM_SUCCESS);
		assert_int_equal(auth(ALICE, "Zr8=wK3q?mX2"), PAM_SUCCESS);
	}
}

static void test_wrong_current_password(void **state)
{
	const char *a[] = {"Wrong-pw-1", NEW, NEW, NULL};
	struct pfx_conv c;

	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_AUTH_ERR);
	assert_true(said(c.err_buf, "current password is not correct"));
	assert_int_equal(get_state(ALICE).failures_since_success, 1);
	assert_int_equal(auth(ALICE, CUR), PAM_SUCCESS);
}

/* How many lines of the trail hold needle. */
static size_t trail_count(const char *needle)
{
	return tu_trail_count(PAM_FIXTURE_DIR, needle);
}

/* A wrong current password counts as a failed login, and the one that
 * reaches lockout.deny locks the ID with its lock event, once (issue #16). */
static void test_wrong_current_password_locks(void **state)
{
	const char *a[] = {"Wrong-pw-1", NULL};
	struct pfx_conv c;

	snprintf(conf_extra, sizeof(conf_extra), "[lockout]\ndeny = 2\nunlock_time = 0\n");
	write_conf();
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_AUTH_ERR);
	assert_int_equal(trail_count("\"action\":\"lock\""), 0);
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_AUTH_ERR);
	assert_true(get_state(ALICE).locked);
	assert_int_equal(trail_count("\"action\":\"lock\""), 1);
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_PERM_DENIED);
	assert_int_equal(trail_count("\"action\":\"lock\""), 1);
}

static void test_mismatch_refused(void **state)
{
	const char *a[] = {CUR, NEW, "Xq7-vJ2p!kW2", NULL};
	struct pfx_conv c;

	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_AUTHTOK_ERR);
	assert_int_equal(auth(ALICE, CUR), PAM_SUCCESS);
}

/* Every rule: refused with a message that names it (UTS-2.2.1.1(1)(e)(ウ),
 * (g)(オ)), and the old password still valid. */
static void test_each_rule_refused_with_its_message(void **state)
{
	static const struct {
		const char *pw, *msg;
	} cases[] = {
	    {"Ab1!xyz", "at least 8 characters"},
	    {"Ab1!xyzqrtAb1!xyzqrtAb1!xyzqrtAb1!xyzqrt", "at most 32 characters"},
	    {"xkcdzqwv", "at least 3 of: upper case, lower case, digits, symbols"},
	    {"Xq7!bbbbQ", "identical characters in a row"},
	    {"Xq!lmnop9", "sequence"},
	    {"Z9!abcde-001x", "login name"},
	    {"Z9!100-EDCBAx", "login name"},
	    {"Zz9!aBcDeQ", "user code"},
	    {"Zz!q001Qwt", "identifying number"},
	    {"Zz9!YAMADAQ", "your name"},
	    {"Elephant1!", "dictionary"},
	    {"sUMMER2024!", "not allowed"},
	    {CUR, "same as the current"},
	    {"Corr3ct-Horse!X", "too similar"},
	    {"Ab1!\xff\xfe"
	     "xyzq",
	     "not valid UTF-8"},
	};
	char *bl = tu_write_file(PAM_FIXTURE_DIR, "blocklist", "Summer2024!\n", 0644);

	snprintf(conf_extra, sizeof(conf_extra), "max_length = 32\nblocklist = %s\n", bl);
	write_conf();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *a[] = {CUR, cases[i].pw, cases[i].pw, NULL};
		struct pfx_conv c;

		if (passwd(SERVICE, ALICE, a, &c) != PAM_AUTHTOK_ERR ||
		    !said(c.err_buf, cases[i].msg))
			fail_msg("'%s': expected '%s', got '%s'", cases[i].pw, cases[i].msg,
				 c.err_buf[0]);
	}
	assert_int_equal(auth(ALICE, CUR), PAM_SUCCESS);
	free(bl);
}

/* Boundaries accepted: 8 characters; 8 kana (24 bytes) with the "other"
 * class counting; NFD text counted after NFC. */
static void test_boundaries_accepted(void **state)
{
	const char *eight[] = {CUR, "Ab1!xyzq", "Ab1!xyzq", NULL};
	const char *kana[] = {"Ab1!xyzq", "さくらがさいた7Q", "さくらがさいた7Q", NULL};
	const char *nfd[] = {"さくらがさいた7Q", "Cafe\xcc\x81-12X", "Cafe\xcc\x81-12X", NULL};
	struct pfx_conv c;

	snprintf(conf_extra, sizeof(conf_extra),
		 "classes = upper,lower,digit,symbol,other\nmin_classes = 2\n");
	write_conf();
	assert_int_equal(passwd(SERVICE, ALICE, eight, &c), PAM_SUCCESS);
	assert_int_equal(passwd(SERVICE, ALICE, kana, &c), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, "さくらがさいた7Q"), PAM_SUCCESS);
	/* "Café-12X" in NFD is 9 code points, 8 characters: accepted at 8. */
	assert_int_equal(passwd(SERVICE, ALICE, nfd, &c), PAM_SUCCESS);
	/* ...and the same text typed in NFC is the same password. */
	assert_int_equal(auth(ALICE, "Cafe\xcc\x81-12X"), PAM_SUCCESS);
}

/* retry=N: asked again after a refusal, up to N times; then PAM_MAXTRIES,
 * as pam_pwquality and pam_pwhistory answer (with one try, the refusal's own
 * code, as pam_pwquality does). */
static void test_retry(void **state)
{
	const char *a[] = {CUR, "short", "short", "xkcdzqwv", "xkcdzqwv", NEW, NEW, NULL};
	const char *b[] = {NEW, "short", "short", "xkcdzqwv", "xkcdzqwv", NULL};
	struct pfx_conv c;

	snprintf(conf_extra, sizeof(conf_extra), "retry = 3\n");
	write_conf();
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_true(said(c.err_buf, "at least 8 characters"));
	assert_true(said(c.err_buf, "at least 3 of"));
	snprintf(conf_extra, sizeof(conf_extra), "retry = 2\n");
	write_conf();
	assert_int_equal(passwd(SERVICE, ALICE, b, &c), PAM_MAXTRIES);
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
	/* Entries that do not match use up the tries the same way. */
	{
		const char *m[] = {
		    NEW, "Xq7-vJ2p!kW7", "Xq7-vJ2p!kW8", "Xq7-vJ2p!kW7", "Xq7-vJ2p!kW9", NULL};

		assert_int_equal(passwd(SERVICE, ALICE, m, &c), PAM_MAXTRIES);
	}
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
}

/* History at N refused, at N + 1 accepted (UTS-2.2.1.1(1)(g)(オ)). */
static void test_history(void **state)
{
	const char *p[] = {CUR, "Xq7-vJ2p!kW1", "Xq7-vJ2p!kW2", "Xq7-vJ2p!kW3"};
	struct pfx_conv c;

	snprintf(conf_extra, sizeof(conf_extra), "history = 2\nmin_diff = 0\n");
	write_conf();
	for (int i = 0; i < 3; i++) {
		const char *a[] = {p[i], p[i + 1], p[i + 1], NULL};

		assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	}
	{
		const char *a[] = {p[3], p[1], p[1], NULL}; /* 2 back: refused */

		assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_AUTHTOK_ERR);
		assert_true(said(c.err_buf, "used before"));
	}
	{
		const char *a[] = {p[3], p[0], p[0], NULL}; /* 3 back: accepted */

		assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	}
}

static void test_min_age(void **state)
{
	const char *a[] = {CUR, NEW, NEW, NULL};
	const char *b[] = {NEW, "Zr8=wK3q?mX2", "Zr8=wK3q?mX2", NULL};
	struct pfx_conv c;

	snprintf(conf_extra, sizeof(conf_extra), "min_age_days = 1\n");
	write_conf();
	set_changed_at(ALICE, naccs_now_wall() - 2 * 86400);
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_int_equal(passwd(SERVICE, ALICE, b, &c), PAM_AUTHTOK_ERR);
	assert_true(said(c.err_buf, "can be changed again from"));
}

/* The forced change in the same handle, as login does it after an
 * administrator's reset, with the notice text (UTS-2.2.1.3(2)(a)). */
static void test_forced_change_after_reset_same_handle(void **state)
{
	struct pam_testcase tc[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_NEW_AUTHTOK_REQD),
	    pam_test_flags(PAMTEST_CHAUTHTOK, PAM_SUCCESS, PAM_CHANGE_EXPIRED_AUTHTOK),
	    pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
	};
	const char *a[] = {CUR, CUR, NEW, NEW, NULL};
	struct pfx_conv c;

	assert_true(get_state(RESET).must_change);
	conv_init(&c, a);
	assert_int_equal(run_pamtest(SERVICE, RESET, &c.data, tc, NULL), PAMTEST_ERR_OK);
	assert_true(said(c.info_buf, "Your password was reset by an administrator on "));
	assert_false(get_state(RESET).must_change);
}

static void set_lock(const char *login, int64_t at, int64_t until)
{
	sqlite3 *db = tdb_open(store_path);
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "UPDATE flags SET locked = 1, locked_at = %lld, lock_until = %lld, "
		 "lock_reason = 'too many failed logins' WHERE identity = "
		 "(SELECT id FROM identities WHERE login = '%s')",
		 (long long)at, (long long)until, login);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* One rule for the lock's end (UTS-2.2.1.1(1)(g)(ウ), issue #16): a timed
 * lock that has ended no longer refuses the password change either, as it
 * no longer refuses auth and account (a key login that must change its
 * password goes on to the change); one still in force does. */
static void test_change_after_timed_lock_ended(void **state)
{
	struct pam_testcase key_login[] = {
	    pam_test(PAMTEST_ACCOUNT, PAM_NEW_AUTHTOK_REQD),
	    pam_test_flags(PAMTEST_CHAUTHTOK, PAM_SUCCESS, PAM_CHANGE_EXPIRED_AUTHTOK),
	};
	const char *a[] = {CUR, NEW, NEW, NULL};
	const char *b[] = {NEW, CUR, CUR, NULL};
	int64_t now = naccs_now_wall();
	struct pfx_conv c;

	set_lock(RESET, now - 400, now - 100);
	conv_init(&c, a);
	assert_int_equal(run_pamtest(SERVICE, RESET, &c.data, key_login, NULL), PAMTEST_ERR_OK);
	assert_false(said(c.err_buf, "locked"));
	assert_false(get_state(RESET).must_change);
	set_lock(ALICE, now - 10, now + 300);
	assert_int_equal(passwd(SERVICE, ALICE, b, &c), PAM_PERM_DENIED);
	assert_true(said(c.err_buf, "locked"));
}

/* A login counts when its session opens (issue #16): a first login whose
 * forced change was aborted (wrong current password) never happened, and
 * is not the "Last login" of the first real one; that one is, of the next. */
static void test_aborted_login_not_counted(void **state)
{
	struct pam_testcase aborted[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_NEW_AUTHTOK_REQD),
	    pam_test_flags(PAMTEST_CHAUTHTOK, PAM_AUTH_ERR, PAM_CHANGE_EXPIRED_AUTHTOK),
	};
	struct pam_testcase first[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_NEW_AUTHTOK_REQD),
	    pam_test_flags(PAMTEST_CHAUTHTOK, PAM_SUCCESS, PAM_CHANGE_EXPIRED_AUTHTOK),
	    pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
	};
	struct pam_testcase next[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
	    pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
	};
	const char *a[] = {CUR, "Wrong-current-1", NULL};
	const char *b[] = {CUR, CUR, NEW, NEW, NULL};
	const char *n[] = {NEW, NULL};
	struct pfx_conv c;

	conv_init(&c, a);
	assert_int_equal(run_pamtest(SERVICE, RESET, &c.data, aborted, NULL), PAMTEST_ERR_OK);
	assert_false(get_state(RESET).has_last_success);
	conv_init(&c, b);
	assert_int_equal(run_pamtest(SERVICE, RESET, &c.data, first, NULL), PAMTEST_ERR_OK);
	assert_false(said(c.info_buf, "Last login"));
	assert_true(get_state(RESET).has_last_success);
	conv_init(&c, n);
	assert_int_equal(run_pamtest(SERVICE, RESET, &c.data, next, NULL), PAMTEST_ERR_OK);
	assert_true(said(c.info_buf, "Last login"));
}

/* Past the maximum age: a warning first, then a forced change in the same
 * handle (UTS-2.2.1.1(1)(c)(ア)(イ)); after the grace period, refused. */
static void test_expiry(void **state)
{
	struct pam_testcase warn[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
	};
	struct pam_testcase forced[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_NEW_AUTHTOK_REQD),
	    pam_test_flags(PAMTEST_CHAUTHTOK, PAM_SUCCESS, PAM_CHANGE_EXPIRED_AUTHTOK),
	};
	struct pam_testcase refused[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_ACCT_EXPIRED),
	};
	const char *w[] = {CUR, NULL};
	const char *w2[] = {NEW, NULL};
	const char *a[] = {CUR, CUR, NEW, NEW, NULL};
	int64_t now = naccs_now_wall();
	struct pfx_conv c;

	snprintf(conf_extra, sizeof(conf_extra), "max_age_days = 30\nwarn_days = 7\n");
	write_conf();
	set_changed_at(ALICE, now - 25 * 86400);
	conv_init(&c, w);
	assert_int_equal(run_pamtest(SERVICE, ALICE, &c.data, warn, NULL), PAMTEST_ERR_OK);
	assert_true(said(c.info_buf, "Your password expires in 5 days"));
	set_changed_at(ALICE, now - 31 * 86400);
	conv_init(&c, a);
	assert_int_equal(run_pamtest(SERVICE, ALICE, &c.data, forced, NULL), PAMTEST_ERR_OK);
	assert_true(said(c.info_buf, "Your password expired on"));
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
	snprintf(conf_extra, sizeof(conf_extra), "max_age_days = 30\ngrace_days = 5\n");
	write_conf();
	set_changed_at(ALICE, now - 40 * 86400);
	conv_init(&c, w2);
	assert_int_equal(run_pamtest(SERVICE, ALICE, &c.data, refused, NULL), PAMTEST_ERR_OK);
	assert_true(said(c.err_buf, "Ask an administrator"));
}

/* Root (real uid 0) changing another user's password: no current password;
 * the rules still apply. */
static void test_root_changes_another_users_password(void **state)
{
	const char *weak[] = {"short", "short", NULL};
	const char *a[] = {NEW, NEW, NULL};
	struct pfx_conv c;

	if (real_uid != 0)
		skip(); /* needs a real uid of 0 (CI runs as root) */
	assert_int_equal(setreuid(0, 0), 0);
	assert_int_equal(passwd(SERVICE, ALICE, weak, &c), PAM_AUTHTOK_ERR);
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_int_equal(setreuid(65534, 0), 0);
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
}

/* use_authtok / try_first_pass: tokens a module above set are used as they
 * are, nothing asked. */
static void test_use_authtok(void **state)
{
	struct pfx_conv c;

	/* pam_wrapper's pam_set_items.so, above us, sets both tokens. */
	setenv("PAM_OLDAUTHTOK", CUR, 1);
	setenv("PAM_AUTHTOK", NEW, 1);
	assert_int_equal(passwd("naccs-passwd-stack", ALICE, NULL, &c), PAM_SUCCESS);
	unsetenv("PAM_OLDAUTHTOK");
	unsetenv("PAM_AUTHTOK");
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
}

/* With a module below (pam_permit here, pam_unix on a real system): a naccs
 * ID's refused change fails the stack instead of falling through, and only a
 * real change clears must-change; a local account goes on down the stack. */
static void test_change_never_falls_through(void **state)
{
	const char *weak[] = {CUR, "short", "short", NULL};
	const char *good[] = {CUR, NEW, NEW, NULL};
	const char *local[] = {NEW, NEW, NULL};
	const char *differ[] = {NEW, CUR, NULL};
	struct pfx_conv c;

	assert_int_equal(passwd("naccs-passwd-unix", RESET, weak, &c), PAM_AUTHTOK_ERR);
	assert_true(get_state(RESET).must_change);
	assert_int_equal(passwd("naccs-passwd-unix", RESET, good, &c), PAM_SUCCESS);
	assert_false(get_state(RESET).must_change);
	/* Not ours: the new password is asked (twice) and left in PAM_AUTHTOK
	 * for the module below, pam_unix with use_authtok in the stacks
	 * pam-auth-update writes (#11, found end to end: before, nothing was
	 * asked and pam_unix could not change a local account's password). */
	assert_int_equal(passwd("naccs-passwd-unix", "nobody-local", local, &c), PAM_SUCCESS);
	assert_int_equal(passwd("naccs-passwd-unix", "nobody-local", differ, &c), PAM_AUTHTOK_ERR);
}

/* UTS-2.2.1.1(1)(b)(ウ): on a service of [notice] unencrypted_services the
 * warning is shown when the user sets or changes a password too, before
 * the first prompt of the change (passwd, and the forced change in the
 * handle of a login that already showed it at entry), for a local account
 * as for a naccs ID; on other services never. */
static void test_unencrypted_warning_at_change(void **state)
{
	struct pam_testcase forced[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_NEW_AUTHTOK_REQD),
	    pam_test_flags(PAMTEST_CHAUTHTOK, PAM_SUCCESS, PAM_CHANGE_EXPIRED_AUTHTOK),
	};
	const char *a[] = {CUR, NEW, NEW, NULL};
	const char *f[] = {CUR, CUR, NEW, NEW, NULL};
	const char *local[] = {NEW, NEW, NULL};
	struct pfx_conv c;
	int shown = 0;

	snprintf(conf_extra, sizeof(conf_extra),
		 "[notice]\nunencrypted_services = telnet " SERVICE " naccs-passwd-unix\n");
	write_conf();
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_true(said(c.info_buf, "not encrypted"));
	assert_true(said(c.info_buf, "password you use on other systems"));
	/* Before the first prompt: the first message of the conversation. */
	assert_non_null(strstr(c.info_buf[0], "not encrypted"));
	/* The forced change after a login: at entry, and again at the change. */
	conv_init(&c, f);
	assert_int_equal(run_pamtest(SERVICE, RESET, &c.data, forced, NULL), PAMTEST_ERR_OK);
	for (int i = 0; i < NSLOTS; i++)
		shown += strstr(c.info_buf[i], "password you use on other systems") != NULL;
	assert_int_equal(shown, 1);
	/* A local account's change on that service: the channel is the same. */
	assert_int_equal(passwd("naccs-passwd-unix", "nobody-local", local, &c), PAM_SUCCESS);
	assert_true(said(c.info_buf, "password you use on other systems"));
	/* A service not listed: no warning. */
	snprintf(conf_extra, sizeof(conf_extra), "[notice]\nunencrypted_services = telnet\n");
	write_conf();
	{
		const char *b[] = {NEW, "Zr8=wK3q?mX2", "Zr8=wK3q?mX2", NULL};

		assert_int_equal(passwd(SERVICE, ALICE, b, &c), PAM_SUCCESS);
		assert_false(said(c.info_buf, "not encrypted"));
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_change),
	    T(test_wrong_current_password),
	    T(test_wrong_current_password_locks),
	    T(test_mismatch_refused),
	    T(test_each_rule_refused_with_its_message),
	    T(test_boundaries_accepted),
	    T(test_retry),
	    T(test_history),
	    T(test_min_age),
	    T(test_forced_change_after_reset_same_handle),
	    T(test_change_after_timed_lock_ended),
	    T(test_aborted_login_not_counted),
	    T(test_expiry),
	    T(test_root_changes_another_users_password),
	    T(test_use_authtok),
	    T(test_change_never_falls_through),
	    T(test_unencrypted_warning_at_change),
	};

	real_uid = getuid();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
