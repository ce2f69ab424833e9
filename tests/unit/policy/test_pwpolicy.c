/* The password rules (rules/password.h) and the change orchestration
 * (policy/password.c) without PAM, against a real store: length in
 * characters after NFC, classes, repeats, sequences, user data, the old
 * password, the dictionary, the blocklist, history (N and N + 1, across hash
 * parameters and engines), minimum age, the compare-and-swap (two changes
 * at once, one wins), expiry in the account phase, the administrator-reset
 * notice, and generated one-time passwords always meeting the policy. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "config/conf.h"
#include "crypto/hash.h"
#include "policy/policy.h"
#include "rules/password.h"
#include "rules/password_generate.h"
#include "base/secret.h"
#include "store/store.h"
#include "testdb.h"
#include "teststore.h"
#include "testutil.h"

#define DL()   naccs_deadline_in(10000)
#define OLD_PW "Corr3ct-Horse!"
#define LOGIN  "abcde-001"
#define DAY    86400

struct fx {
	char *dir;
	struct naccs_config cfg;
	struct naccs_store *st;
	struct naccs_policy pol;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct naccs_hash_params p = tu_hash_params(1024);
	struct naccs_identity id;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX];

	assert_non_null(f);
	f->dir = tu_mkdtemp("pwpolicy");
	tu_config_in(&f->cfg, f->dir, getuid());
	f->cfg.password.min_age_days = 0;
	f->st = tst_open_store(f->cfg.store_path, getuid(), true);
	tst_identity(&id, LOGIN, "ABCDE", "001", NACCS_UID_ALLOCATE, "Yamada Taro", NULL);
	assert_int_equal(naccs_hash_new(&p, OLD_PW, phc, &err), 0);
	if (naccs_store_add_identity(f->st, DL(), &id, 20000, 29999, phc, false, "test", "Yamada",
				     &err) < 0)
		fail_msg("add: %s", err.msg);
	f->pol.cfg = &f->cfg;
	f->pol.store = f->st;
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

static const struct naccs_pw_user yamada = {LOGIN, "ABCDE", "001", "Yamada Taro"};

/* The rule that refuses pw (NACCS_PW_OK when accepted), with the message. */
static enum naccs_pw_rule rule_of(struct fx *f, const char *pw, size_t len, const char *old,
				  char *msg, size_t msglen)
{
	struct naccs_pw_verdict v;
	struct naccs_err err;
	int rc;

	naccs_err_clear(&err);
	memset(&v, 0, sizeof(v));
	rc = naccs_pw_check_new(&f->cfg.password, f->cfg.hash.max_password_bytes, f->cfg.owner_uid,
				pw, len, &yamada, old, &v, &err);
	if (msg != NULL)
		snprintf(msg, msglen, "%s", v.message);
	if (rc < 0)
		return NACCS_PW_UNAVAILABLE;
	return rc == 0 ? NACCS_PW_OK : v.rule;
}

static enum naccs_pw_rule rule(struct fx *f, const char *pw)
{
	return rule_of(f, pw, strlen(pw), NULL, NULL, 0);
}

/* UTS-2.2.1.1(1)(e)(ウ): lengths in characters, boundaries included. */
static void test_length_in_characters(void **state)
{
	struct fx *f = *state;
	char msg[NACCS_ERR_MSG_MAX];

	f->cfg.password.min_length = 8;
	f->cfg.password.max_length = 10;
	assert_int_equal(rule_of(f, "Ab1!xyz", 7, NULL, msg, sizeof(msg)), NACCS_PW_TOO_SHORT);
	assert_non_null(strstr(msg, "at least 8 characters"));
	assert_int_equal(rule(f, "Ab1!xyzq"), NACCS_PW_OK);	     /* 8 */
	assert_int_equal(rule(f, "Ab1!xkzqrt"), NACCS_PW_OK);	     /* 10 */
	assert_int_equal(rule(f, "Ab1!xkzqrtw"), NACCS_PW_TOO_LONG); /* 11 */
	/* 8 kana = 8 characters = 24 bytes; 7 kana are too short. */
	f->cfg.password.min_classes = 0;
	f->cfg.password.dictionary_check = false;
	assert_int_equal(rule(f, "さくらがさいたよね"), NACCS_PW_OK);
	assert_int_equal(strlen("さくらがさいたよ"), 24);
	assert_int_equal(rule(f, "さくらがさいたよ"), NACCS_PW_OK);
	assert_int_equal(rule(f, "さくらがさいた"), NACCS_PW_TOO_SHORT);
}

/* NFC: "é" typed composed or as e + combining acute is one character. */
static void test_nfc_and_nfd_are_one_password(void **state)
{
	struct fx *f = *state;
	const char *nfc = "Caf\xc3\xa9-12X"; /* 8 characters */
	const char *nfd = "Caf"
			  "e\xcc\x81"
			  "-12X"; /* 9 code points, 8 after NFC */
	struct naccs_pw_text a, b;
	struct naccs_pw_verdict v;

	f->cfg.password.min_length = 9;
	assert_int_equal(rule(f, nfc), NACCS_PW_TOO_SHORT);
	assert_int_equal(rule(f, nfd), NACCS_PW_TOO_SHORT); /* counted after NFC */
	assert_int_equal(naccs_pw_text_from(&f->cfg.password, 512, nfc, strlen(nfc), &a, &v), 0);
	assert_int_equal(naccs_pw_text_from(&f->cfg.password, 512, nfd, strlen(nfd), &b, &v), 0);
	assert_int_equal(a.n, 8);
	assert_int_equal(b.n, 8);
	assert_string_equal(a.utf8, b.utf8);
	naccs_pw_text_free(&a);
	naccs_pw_text_free(&b);
}

static void test_bytes_refused_first(void **state)
{
	struct fx *f = *state;
	char big[600];

	assert_int_equal(rule_of(f, "Ab1!\0xyzq", 9, NULL, NULL, 0), NACCS_PW_NUL);
	assert_int_equal(rule(f, "Ab1!xy\xff\xfezq"), NACCS_PW_BAD_UTF8);
	assert_int_equal(rule(f, "Ab1!xy\xc0\xafzq"), NACCS_PW_BAD_UTF8); /* over-long '/' */
	assert_int_equal(rule(f, ""), NACCS_PW_EMPTY);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(rule(f, big), NACCS_PW_TOO_MANY_BYTES); /* > 512 bytes */
}

static void test_classes(void **state)
{
	struct fx *f = *state;
	char msg[NACCS_ERR_MSG_MAX];

	assert_int_equal(rule_of(f, "xkcdzqwv", 8, NULL, msg, sizeof(msg)), NACCS_PW_CLASSES);
	assert_string_equal(msg, "The password must contain at least 3 of: upper case, lower "
				 "case, digits, symbols.");
	assert_int_equal(rule(f, "xkcdZQWV"), NACCS_PW_CLASSES);
	assert_int_equal(rule(f, "xkcdZQW7"), NACCS_PW_OK);
	assert_int_equal(rule(f, "xkcd-QWV"), NACCS_PW_OK);
	assert_int_equal(rule(f, "xkcd-7!?"), NACCS_PW_OK);
	/* Kana count only as "other", and only when that class counts. */
	assert_int_equal(rule(f, "xkcdさくら7"), NACCS_PW_CLASSES);
	f->cfg.password.classes |= NACCS_PWCLASS_OTHER;
	assert_int_equal(rule(f, "xkcdさくら7"), NACCS_PW_OK);
	f->cfg.password.min_classes = 4;
	assert_int_equal(rule(f, "xkcdさくら7"), NACCS_PW_CLASSES);
}

static void test_repeats_and_sequences(void **state)
{
	struct fx *f = *state;
	char msg[NACCS_ERR_MSG_MAX];

	f->cfg.password.dictionary_check = false; /* cracklib has views on these */
	f->cfg.password.max_repeat = 3;
	f->cfg.password.max_sequence = 4;
	assert_int_equal(rule(f, "Xq7!bbbQ"), NACCS_PW_OK);
	assert_int_equal(rule_of(f, "Xq7!bbbbQ", 9, NULL, msg, sizeof(msg)), NACCS_PW_REPEAT);
	assert_non_null(strstr(msg, "more than 3 identical"));
	assert_int_equal(rule(f, "Xq!abcd9"), NACCS_PW_OK);
	assert_int_equal(rule_of(f, "Xq!lmnop9", 9, NULL, msg, sizeof(msg)), NACCS_PW_SEQUENCE);
	assert_non_null(strstr(msg, "more than 4"));
	assert_int_equal(rule(f, "Xq!54321z"), NACCS_PW_SEQUENCE); /* descending */
	assert_int_equal(rule(f, "Xq!lMnOp9"), NACCS_PW_SEQUENCE); /* any case */
	f->cfg.password.max_repeat = 0;
	f->cfg.password.max_sequence = 0;
	assert_int_equal(rule(f, "Xq7!bbbbbbbQ"), NACCS_PW_OK);
	assert_int_equal(rule(f, "Xq!bcdefghi9"), NACCS_PW_OK);
}

static void test_user_data_inside(void **state)
{
	struct fx *f = *state;
	char msg[NACCS_ERR_MSG_MAX];

	f->cfg.password.max_sequence = 0; /* "EDCBA" is a sequence too */
	assert_int_equal(rule_of(f, "Z9!abcde-001x", 13, NULL, msg, sizeof(msg)),
			 NACCS_PW_USER_DATA);
	assert_non_null(strstr(msg, "login"));
	assert_int_equal(rule(f, "Z9!100-EDCBAx"), NACCS_PW_USER_DATA); /* reversed, any case */
	assert_int_equal(rule_of(f, "Zz9!aBcDeQ", 10, NULL, msg, sizeof(msg)), NACCS_PW_USER_DATA);
	assert_non_null(strstr(msg, "user code"));
	assert_int_equal(rule(f, "Zz9!EDCBAQ"), NACCS_PW_USER_DATA);
	assert_int_equal(rule_of(f, "Zz!q001Qwt", 10, NULL, msg, sizeof(msg)), NACCS_PW_USER_DATA);
	assert_non_null(strstr(msg, "identifying number"));
	assert_int_equal(rule_of(f, "Zz9!yamadaQ", 11, NULL, msg, sizeof(msg)), NACCS_PW_USER_DATA);
	assert_non_null(strstr(msg, "name"));
	assert_int_equal(rule(f, "Zz9!adamayQ"), NACCS_PW_USER_DATA);
	f->cfg.password.user_check = false;
	assert_int_equal(rule(f, "Zz9!yamadaQ"), NACCS_PW_OK);
}

static void test_old_password(void **state)
{
	struct fx *f = *state;
	char msg[NACCS_ERR_MSG_MAX];

	f->cfg.password.min_diff = 3;
	assert_int_equal(rule_of(f, OLD_PW, strlen(OLD_PW), OLD_PW, msg, sizeof(msg)),
			 NACCS_PW_SAME);
	assert_int_equal(rule_of(f, "Corr3ct-Horse!X", 15, OLD_PW, msg, sizeof(msg)),
			 NACCS_PW_TOO_SIMILAR);
	assert_non_null(strstr(msg, "at least 3 characters"));
	assert_int_equal(rule_of(f, "Corr3ct-Horse!XYZ", 17, OLD_PW, NULL, 0), NACCS_PW_OK);
}

/* libpwquality + cracklib, our settings only. */
static void test_dictionary(void **state)
{
	struct fx *f = *state;
	char msg[NACCS_ERR_MSG_MAX];

	f->cfg.password.min_classes = 0;
	assert_int_equal(rule_of(f, "elephant", 8, NULL, msg, sizeof(msg)), NACCS_PW_DICTIONARY);
	assert_non_null(strstr(msg, "dictionary"));
	assert_int_equal(rule(f, "Xq7-vJ2p!kW"), NACCS_PW_OK);
	f->cfg.password.dictionary_check = false;
	assert_int_equal(rule(f, "elephant"), NACCS_PW_OK);
	/* A missing dictionary fails closed, with a message. */
	f->cfg.password.dictionary_check = true;
	snprintf(f->cfg.password.dictionary, sizeof(f->cfg.password.dictionary), "%s/none", f->dir);
	assert_int_equal(rule_of(f, "Xq7-vJ2p!kW", 11, NULL, msg, sizeof(msg)),
			 NACCS_PW_UNAVAILABLE);
	assert_non_null(strstr(msg, "dictionary is not available"));
}

static void test_blocklist(void **state)
{
	struct fx *f = *state;
	char msg[NACCS_ERR_MSG_MAX];
	char *path =
	    tu_write_file(f->dir, "blocklist", "# comment\nSummer2024!\nさくら-Sakura1\n", 0644);

	chmod(path, 0644);
	snprintf(f->cfg.password.blocklist, sizeof(f->cfg.password.blocklist), "%s", path);
	assert_int_equal(rule_of(f, "sUMMER2024!", 11, NULL, msg, sizeof(msg)), NACCS_PW_BLOCKLIST);
	assert_non_null(strstr(msg, "not allowed"));
	assert_int_equal(rule(f, "さくら-SAKURA1"), NACCS_PW_BLOCKLIST);
	assert_int_equal(rule(f, "Summer2025!"), NACCS_PW_OK);
	/* Unsafe (group-writable) or missing: fail closed. */
	chmod(path, 0664);
	assert_int_equal(rule(f, "Summer2025!"), NACCS_PW_UNAVAILABLE);
	unlink(path);
	assert_int_equal(rule_of(f, "Summer2025!", 11, NULL, msg, sizeof(msg)),
			 NACCS_PW_UNAVAILABLE);
	assert_non_null(strstr(msg, "blocklist is not available"));
	free(path);
}

/* One-time passwords always meet the policy, at its strictest. */
static void test_generated_passwords_meet_the_policy(void **state)
{
	struct fx *f = *state;
	struct naccs_pw_verdict v;
	struct naccs_err err;
	char otp[129];

	f->cfg.password.min_length = 20;
	f->cfg.password.min_classes = 4;
	f->cfg.password.max_repeat = 1;
	f->cfg.password.max_sequence = 2;
	for (int i = 0; i < 500; i++) {
		assert_int_equal(naccs_pw_generate(&f->cfg.password, f->cfg.hash.max_password_bytes,
						   f->cfg.owner_uid, &yamada, otp, sizeof(otp),
						   &err),
				 0);
		assert_int_equal(strlen(otp), 20);
		assert_int_equal(
		    naccs_pw_check_new(&f->cfg.password, f->cfg.hash.max_password_bytes,
				       f->cfg.owner_uid, otp, strlen(otp), &yamada, NULL, &v, &err),
		    0);
	}
	/* A policy no generated password can meet is an error, not a loop. */
	f->cfg.password.classes = NACCS_PWCLASS_ALL;
	f->cfg.password.min_classes = 5;
	assert_true(naccs_pw_generate(&f->cfg.password, f->cfg.hash.max_password_bytes,
				      f->cfg.owner_uid, &yamada, otp, sizeof(otp), &err) < 0);
	f->cfg.password.min_classes = 4;
	f->cfg.password.min_length = 200;
	f->cfg.password.max_length = 300;
	assert_true(naccs_pw_generate(&f->cfg.password, f->cfg.hash.max_password_bytes,
				      f->cfg.owner_uid, &yamada, otp, sizeof(otp), &err) < 0);
}

/* ---- the change, against the store ------------------------------------ */

static const struct naccs_request req = {.service = "passwd", .user = LOGIN, .tty = "pts/0"};

static void set_changed_at(struct fx *f, int64_t when);

static enum naccs_outcome change(struct fx *f, const char *cur, const char *new_pw,
				 enum naccs_pw_rule *r)
{
	struct naccs_pw_change c;
	struct naccs_err err;
	enum naccs_outcome o = naccs_policy_password_begin(&f->pol, &req, false, cur, &c, &err);

	if (o == NACCS_OUT_ALLOW)
		o = naccs_policy_password_change(&f->pol, &req, &c, cur, new_pw, &err);
	if (r != NULL)
		*r = c.rule;
	naccs_pw_change_clear(&c);
	return o;
}

static struct naccs_account_state state_of(struct fx *f)
{
	struct naccs_account_state s;
	struct naccs_err err;

	assert_int_equal(naccs_store_get_state(f->st, DL(), LOGIN, &s, &err), 0);
	return s;
}

/* UTS-2.2.1.1(1)(g)(オ): history N refused, N + 1 accepted. */
static void test_history_n_and_n_plus_one(void **state)
{
	struct fx *f = *state;
	const char *pws[] = {"Xq7-vJ2p!kW1", "Xq7-vJ2p!kW2", "Xq7-vJ2p!kW3"};
	enum naccs_pw_rule r;

	f->cfg.password.history = 2;
	f->cfg.password.min_diff = 0;
	assert_int_equal(change(f, OLD_PW, pws[0], NULL), NACCS_OUT_ALLOW);
	assert_int_equal(change(f, pws[0], pws[1], NULL), NACCS_OUT_ALLOW);
	assert_int_equal(change(f, pws[1], pws[2], NULL), NACCS_OUT_ALLOW);
	/* current pws[2], history pws[1], pws[0]; OLD_PW is N + 1 back */
	assert_int_equal(change(f, pws[2], pws[2], &r), NACCS_OUT_REJECTED);
	assert_int_equal(r, NACCS_PW_SAME);
	assert_int_equal(change(f, pws[2], pws[0], &r), NACCS_OUT_REJECTED);
	assert_int_equal(r, NACCS_PW_HISTORY);
	assert_int_equal(change(f, pws[2], pws[1], &r), NACCS_OUT_REJECTED);
	assert_int_equal(r, NACCS_PW_HISTORY);
	assert_int_equal(change(f, pws[2], OLD_PW, NULL), NACCS_OUT_ALLOW);
	assert_false(state_of(f).must_change);
}

/* History entries keep working after the hash parameters and the engine
 * change (each is verified with its own). */
static void test_history_across_parameters(void **state)
{
	struct fx *f = *state;
	enum naccs_pw_rule r;
	bool used = false;
	struct naccs_err err;

	f->cfg.password.min_diff = 0;
	f->cfg.hash = tu_hash_params(512);
	f->cfg.hash.engine = NACCS_ENGINE_LIBARGON2;
	assert_int_equal(change(f, OLD_PW, "Xq7-vJ2p!kW1", NULL), NACCS_OUT_ALLOW);
	f->cfg.hash = tu_hash_params(1024);
	f->cfg.hash.engine = NACCS_ENGINE_LIBSODIUM;
	assert_int_equal(change(f, "Xq7-vJ2p!kW1", "Xq7-vJ2p!kW2", NULL), NACCS_OUT_ALLOW);
	assert_int_equal(change(f, "Xq7-vJ2p!kW2", OLD_PW, &r), NACCS_OUT_REJECTED);
	assert_int_equal(r, NACCS_PW_HISTORY);
	assert_int_equal(
	    naccs_policy_password_used(&f->pol, LOGIN, NULL, "Xq7-vJ2p!kW1", &used, &err), 0);
	assert_true(used);
	f->cfg.password.history = 0; /* off: only the current one is refused */
	assert_int_equal(change(f, "Xq7-vJ2p!kW2", OLD_PW, NULL), NACCS_OUT_ALLOW);
}

/* UTS-2.2.1.6(1)(e)(イ): after a switch of algorithm (argon2id to the
 * CRYPTREC engine's PBKDF2-HMAC-SHA-256 and back), history entries of
 * either algorithm are still checked. */
static void test_history_across_algorithms(void **state)
{
	struct fx *f = *state;
	enum naccs_pw_rule r;

	f->cfg.password.min_diff = 0;
	f->cfg.hash.alg = NACCS_ALG_PBKDF2_SHA256;
	f->cfg.hash.engine = NACCS_ENGINE_AUTO;
	f->cfg.hash.pbkdf2_iterations = 100000;
	assert_int_equal(change(f, OLD_PW, "Xq7-vJ2p!kW1", NULL), NACCS_OUT_ALLOW);
	assert_non_null(strstr(state_of(f).phc, "$pbkdf2-sha256$"));
	f->cfg.hash = tu_hash_params(1024);
	assert_int_equal(change(f, "Xq7-vJ2p!kW1", "Xq7-vJ2p!kW2", NULL), NACCS_OUT_ALLOW);
	assert_non_null(strstr(state_of(f).phc, "$argon2id$"));
	/* OLD_PW was hashed with argon2id, Xq7-vJ2p!kW1 with PBKDF2. */
	assert_int_equal(change(f, "Xq7-vJ2p!kW2", "Xq7-vJ2p!kW1", &r), NACCS_OUT_REJECTED);
	assert_int_equal(r, NACCS_PW_HISTORY);
	assert_int_equal(change(f, "Xq7-vJ2p!kW2", OLD_PW, &r), NACCS_OUT_REJECTED);
	assert_int_equal(r, NACCS_PW_HISTORY);
}

static void test_wrong_current_password(void **state)
{
	struct fx *f = *state;
	struct naccs_account_state s;

	assert_int_equal(change(f, "wrong", "Xq7-vJ2p!kW1", NULL), NACCS_OUT_BAD_CREDENTIALS);
	s = state_of(f);
	assert_int_equal(s.failures_since_success, 1); /* counted */
	assert_int_equal(change(f, "", "Xq7-vJ2p!kW1", NULL), NACCS_OUT_BAD_CREDENTIALS);
}

static void test_min_age(void **state)
{
	struct fx *f = *state;
	enum naccs_pw_rule r;
	struct naccs_pw_change c;
	struct naccs_err err;

	f->cfg.password.min_age_days = 1;
	assert_int_equal(change(f, OLD_PW, "Xq7-vJ2p!kW1", &r), NACCS_OUT_REJECTED);
	assert_int_equal(r, NACCS_PW_MIN_AGE);
	set_changed_at(f, naccs_now_wall() - 2 * DAY);
	assert_int_equal(change(f, OLD_PW, "Xq7-vJ2p!kW1", NULL), NACCS_OUT_ALLOW);
	/* ...the user's own not before a day has passed. */
	assert_int_equal(change(f, "Xq7-vJ2p!kW1", "Xq7-vJ2p!kW2", &r), NACCS_OUT_REJECTED);
	assert_int_equal(r, NACCS_PW_MIN_AGE);
	/* One day: the singular (ngettext), never "1 days". */
	assert_int_equal(
	    naccs_policy_password_begin(&f->pol, &req, false, "Xq7-vJ2p!kW1", &c, &err),
	    NACCS_OUT_REJECTED);
	assert_non_null(strstr(c.message, "changed less than 1 day ago"));
	naccs_pw_change_clear(&c);
	/* An administrator's password (must change) may be changed at once,
	 * and root changing another user's password is not held back. */
	assert_int_equal(naccs_policy_password_begin(&f->pol, &req, true, NULL, &c, &err),
			 NACCS_OUT_ALLOW);
	naccs_pw_change_clear(&c);
}

/* Two changes verified against the same hash: only one is written. */
static void test_concurrent_changes_one_wins(void **state)
{
	struct fx *f = *state;
	struct naccs_pw_change a, b;
	struct naccs_err err;
	bool used = false;

	assert_int_equal(naccs_policy_password_begin(&f->pol, &req, false, OLD_PW, &a, &err),
			 NACCS_OUT_ALLOW);
	assert_int_equal(naccs_policy_password_begin(&f->pol, &req, false, OLD_PW, &b, &err),
			 NACCS_OUT_ALLOW);
	assert_int_equal(
	    naccs_policy_password_change(&f->pol, &req, &a, OLD_PW, "Xq7-vJ2p!kW1", &err),
	    NACCS_OUT_ALLOW);
	assert_int_equal(
	    naccs_policy_password_change(&f->pol, &req, &b, OLD_PW, "Zr8=wK3q?mX2", &err),
	    NACCS_OUT_UNAVAILABLE);
	assert_non_null(strstr(b.message, "meanwhile"));
	/* The winner's password is the one in force. */
	assert_int_equal(naccs_policy_password_used(&f->pol, LOGIN, state_of(f).phc, "Xq7-vJ2p!kW1",
						    &used, &err),
			 0);
	assert_true(used);
	naccs_pw_change_clear(&a);
	naccs_pw_change_clear(&b);
}

/* A store error leaves the old password valid. */
static void test_store_error_leaves_old_password(void **state)
{
	struct fx *f = *state;
	struct naccs_pw_change c;
	struct naccs_err err;
	struct naccs_decision d;
	struct naccs_request r = req;

	assert_int_equal(naccs_policy_password_begin(&f->pol, &req, false, OLD_PW, &c, &err),
			 NACCS_OUT_ALLOW);
	snprintf(c.expected_phc, sizeof(c.expected_phc), "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA");
	assert_int_equal(
	    naccs_policy_password_change(&f->pol, &req, &c, OLD_PW, "Xq7-vJ2p!kW1", &err),
	    NACCS_OUT_UNAVAILABLE);
	naccs_pw_change_clear(&c);
	r.service = "login";
	assert_int_equal(naccs_policy_authenticate(&f->pol, &r, OLD_PW, &d, &err), NACCS_OUT_ALLOW);
}

static void set_changed_at(struct fx *f, int64_t when)
{
	sqlite3 *db = tdb_open(f->cfg.store_path);
	char sql[128];

	snprintf(sql, sizeof(sql), "UPDATE credentials SET changed_at = %lld", (long long)when);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static enum naccs_outcome account(struct fx *f, struct naccs_decision *d)
{
	struct naccs_err err;

	return naccs_policy_account(&f->pol, &req, d, &err);
}

/* UTS-2.2.1.1(1)(c)(ア)(イ): warning, forced change, grace period. */
static void test_expiry(void **state)
{
	struct fx *f = *state;
	struct naccs_decision d;
	int64_t now = naccs_now_wall();

	f->cfg.password.max_age_days = 90;
	f->cfg.password.warn_days = 14;
	set_changed_at(f, now - 70 * DAY);
	assert_int_equal(account(f, &d), NACCS_OUT_ALLOW);
	assert_string_equal(d.message, "");
	set_changed_at(f, now - 80 * DAY);
	assert_int_equal(account(f, &d), NACCS_OUT_ALLOW);
	assert_non_null(strstr(d.message, "expires in 10 days"));
	/* One day: the singular (ngettext), never "1 days". */
	set_changed_at(f, now - 89 * DAY - DAY / 2);
	assert_int_equal(account(f, &d), NACCS_OUT_ALLOW);
	assert_non_null(strstr(d.message, "expires in 1 day (on"));
	set_changed_at(f, now - 91 * DAY);
	assert_int_equal(account(f, &d), NACCS_OUT_CHANGE_REQUIRED);
	assert_non_null(strstr(d.message, "expired on"));
	f->cfg.password.grace_days = 7;
	assert_int_equal(account(f, &d), NACCS_OUT_CHANGE_REQUIRED);
	set_changed_at(f, now - 98 * DAY);
	assert_int_equal(account(f, &d), NACCS_OUT_EXPIRED);
	assert_non_null(strstr(d.message, "Ask an administrator"));
	assert_non_null(strstr(d.message, "the 7 days to change it have passed"));
	f->cfg.password.grace_days = 1;
	assert_int_equal(account(f, &d), NACCS_OUT_EXPIRED);
	assert_non_null(strstr(d.message, "the 1 day to change it has passed"));
	f->cfg.password.max_age_days = 0; /* no periodic change */
	assert_int_equal(account(f, &d), NACCS_OUT_ALLOW);
}

static void test_admin_reset_notice(void **state)
{
	struct fx *f = *state;
	struct naccs_decision d;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX];

	assert_int_equal(naccs_hash_new(&f->cfg.hash, "Xq7-vJ2p!kW1", phc, &err), 0);
	assert_int_equal(naccs_store_set_password(f->st, DL(), LOGIN, phc, true, 24,
						  "password-reset", "admin", &err),
			 0);
	assert_int_equal(account(f, &d), NACCS_OUT_CHANGE_REQUIRED);
	assert_non_null(strstr(d.message, "reset by an administrator on "));
	/* An expiry an administrator ordered says so. */
	assert_int_equal(change(f, "Xq7-vJ2p!kW1", "Zr8=wK3q?mX2", NULL), NACCS_OUT_ALLOW);
	assert_int_equal(account(f, &d), NACCS_OUT_ALLOW);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), LOGIN, NACCS_FLAG_MUST_CHANGE, true,
					      "compromise", "admin", &err),
			 0);
	assert_int_equal(account(f, &d), NACCS_OUT_CHANGE_REQUIRED);
	assert_non_null(strstr(d.message, "An administrator required"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_length_in_characters),
	    T(test_nfc_and_nfd_are_one_password),
	    T(test_bytes_refused_first),
	    T(test_classes),
	    T(test_repeats_and_sequences),
	    T(test_user_data_inside),
	    T(test_old_password),
	    T(test_dictionary),
	    T(test_blocklist),
	    T(test_generated_passwords_meet_the_policy),
	    T(test_history_n_and_n_plus_one),
	    T(test_history_across_parameters),
	    T(test_history_across_algorithms),
	    T(test_wrong_current_password),
	    T(test_min_age),
	    T(test_concurrent_changes_one_wins),
	    T(test_store_error_leaves_old_password),
	    T(test_expiry),
	    T(test_admin_reset_notice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
