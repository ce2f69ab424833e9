/* The policy layer (policy/policy.c) and the one name resolver
 * (policy/resolve.c) against a real store, without PAM: which ID a typed name
 * means, what a locked ID's attempt answers, what an unknown user's dummy
 * costs, what reaches the log.  syslog() is captured by defining it here:
 * libnaccs is linked into this program, so its calls land in these
 * definitions instead of the C library's. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <argon2.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "config/conf.h"
#include "crypto/hash.h"
#include "index/write.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "base/secret.h"
#include "store/store.h"
#include "testlog.h"
#include "teststore.h"
#include "testutil.h"

#define DL()	naccs_deadline_in(10000)
#define GOOD_PW "Corr3ct-Horse!"

/* ---- fixture ---------------------------------------------------------- */

struct fx {
	char *dir;
	struct naccs_config cfg;
	struct naccs_store *st;
	struct naccs_policy pol;
};

static int add(struct fx *f, const char *code, const char *number, const char *login,
	       enum naccs_id_kind kind, uint32_t m_kib, struct naccs_err *err)
{
	struct naccs_hash_params p = tu_hash_params(m_kib);
	struct naccs_identity id;
	char phc[NACCS_PHC_MAX];

	tst_identity(&id, login, code, number, NACCS_UID_ALLOCATE, NULL, NULL);
	id.kind = kind;
	assert_int_equal(naccs_hash_new(&p, GOOD_PW, phc, err), 0);
	return naccs_store_add_identity(f->st, DL(), &id, 20000, 29999, phc, false, "test",
					"test person", err);
}

static void must_add(struct fx *f, const char *code, const char *number, const char *login,
		     enum naccs_id_kind kind, uint32_t m_kib)
{
	struct naccs_err err;

	if (add(f, code, number, login, kind, m_kib, &err) < 0)
		fail_msg("add %s: %s", login, err.msg);
}

static void must_flag(struct fx *f, const char *login, enum naccs_flag flag)
{
	struct naccs_err err;

	if (naccs_store_set_flag(f->st, DL(), login, flag, true, "test reason", "test", &err) < 0)
		fail_msg("flag %s: %s", login, err.msg);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp("policy");
	tu_config_in(&f->cfg, f->dir, getuid());
	f->cfg.debug = true;
	f->st = tst_open_store(f->cfg.store_path, getuid(), true);
	must_add(f, "ABCDE", "001", "abcde-001", NACCS_KIND_INDIVIDUAL, 1024);
	must_add(f, "ABCDE", "002", "abcde-002", NACCS_KIND_INDIVIDUAL, 1024);
	must_add(f, "ABCDE", "003", "abcde-003", NACCS_KIND_INDIVIDUAL, 1024);
	must_add(f, "", "", "opsadmin", NACCS_KIND_SHARED, 1024);
	must_flag(f, "abcde-002", NACCS_FLAG_LOCKED);
	must_flag(f, "abcde-003", NACCS_FLAG_SUSPENDED);
	f->pol.cfg = &f->cfg;
	f->pol.store = f->st;
	tl_reset();
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

static enum naccs_outcome auth(struct fx *f, const char *user, const char *pw,
			       struct naccs_decision *d)
{
	struct naccs_request req = {.service = "test", .user = user, .tty = "tty1"};
	struct naccs_err err;

	return naccs_policy_authenticate(&f->pol, &req, pw, d, &err);
}

static uint32_t failures(struct fx *f, const char *login)
{
	struct naccs_account_state s;
	struct naccs_err err;

	uint32_t n;

	if (naccs_store_get_state(f->st, DL(), login, &s, &err) < 0)
		fail_msg("state %s: %s", login, err.msg);
	n = s.failures_since_success;
	naccs_wipe(&s, sizeof(s));
	return n;
}

/* ---- one name, one ID (review item 1) ---------------------------------- */

/* A shared ID whose login reads as a NACCS form ("opsadmin" reads as
 * OPSAD-MIN) is found by its login: an exact login wins. */
static void test_shared_login_that_reads_as_naccs_form(void **state)
{
	struct fx *f = *state;
	struct naccs_decision d;

	assert_int_equal(auth(f, "opsadmin", GOOD_PW, &d), NACCS_OUT_ALLOW);
	assert_string_equal(d.identity.login, "opsadmin");
}

static void test_resolver_precedence(void **state)
{
	struct fx *f = *state;
	struct naccs_identity id;
	struct naccs_err err;
	bool ambiguous = true;

	assert_int_equal(naccs_resolve_name(f->st, DL(), "opsadmin", &id, &ambiguous, &err), 0);
	assert_string_equal(id.login, "opsadmin");
	assert_false(ambiguous);
	assert_int_equal(naccs_resolve_name(f->st, DL(), "ABCDE-001", &id, NULL, &err), 0);
	assert_string_equal(id.login, "abcde-001");
	assert_int_equal(naccs_resolve_name(f->st, DL(), "abcde001", &id, NULL, &err), 0);
	assert_string_equal(id.login, "abcde-001");
	/* Logins are case-sensitive; as a NACCS form this is nobody's. */
	assert_int_equal(naccs_resolve_name(f->st, DL(), "OPSADMIN", &id, NULL, &err), -ENOENT);
	assert_int_equal(naccs_resolve_name(f->st, DL(), "a b", &id, NULL, &err), -EINVAL);
}

/* identity.login_prefix (#9): a user code that starts with a digit gets a
 * prefixed login; its NACCS forms still resolve to it, and log in. */
static void test_resolver_prefixed_login(void **state)
{
	struct fx *f = *state;
	struct naccs_identity id;
	struct naccs_user_id pair;
	struct naccs_err err;
	struct naccs_decision d;
	char login[NACCS_LOGIN_MAX + 1];
	static const char *const forms[] = {"1BCDE001", "1BCDE-001", "1bcde001", "1bcde-001",
					    "n1bcde-001"};

	assert_string_equal(f->cfg.login_prefix, "n");
	assert_int_equal(naccs_name_parse("1BCDE-001", &pair), 0);
	assert_int_equal(naccs_name_format_prefixed(&pair, f->cfg.login_format, f->cfg.login_prefix,
						    login, sizeof(login)),
			 0);
	assert_string_equal(login, "n1bcde-001");
	must_add(f, "1BCDE", "001", login, NACCS_KIND_INDIVIDUAL, 1024);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(naccs_resolve_name(f->st, DL(), forms[i], &id, NULL, &err), 0);
		assert_string_equal(id.login, "n1bcde-001");
	}
	assert_int_equal(auth(f, "1BCDE001", GOOD_PW, &d), NACCS_OUT_ALLOW);
	assert_string_equal(d.identity.login, "n1bcde-001");
}

/* UTS-2.2.1.3(2)(g)(ア): one ID per person, so one name must mean one ID, in
 * both directions of issue. */
static void test_issue_refuses_a_pair_a_login_reads_as(void **state)
{
	struct fx *f = *state;
	struct naccs_identity id;
	struct naccs_err err;

	assert_int_equal(add(f, "OPSAD", "MIN", "opsad-min", NACCS_KIND_INDIVIDUAL, 1024, &err),
			 -EEXIST);
	assert_non_null(strstr(err.msg, "opsadmin"));
	/* Typing "opsadmin" still means the shared ID, never an individual. */
	assert_int_equal(naccs_resolve_name(f->st, DL(), "opsadmin", &id, NULL, &err), 0);
	assert_string_equal(id.login, "opsadmin");
}

static void test_issue_refuses_a_login_that_reads_as_a_pair(void **state)
{
	struct fx *f = *state;
	struct naccs_err err;

	/* ABCDE-001 is abcde-001's: a shared login reading as it is refused. */
	assert_int_equal(add(f, "", "", "abcde001", NACCS_KIND_SHARED, 1024, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "ABCDE-001"));
	/* A login reading as a pair that another login also reads as. */
	assert_int_equal(add(f, "", "", "opsad-min", NACCS_KIND_SHARED, 1024, &err), -EEXIST);
	/* An individual's own canonical login reads as its own pair: fine. */
	must_add(f, "ABCDE", "009", "abcde009", NACCS_KIND_INDIVIDUAL, 1024);
}

/* A store made before the rule may hold both readings; the login wins and
 * the resolver says so. */
static void test_resolver_reports_an_old_ambiguity(void **state)
{
	struct fx *f = *state;
	struct naccs_identity id;
	struct naccs_err err;
	bool ambiguous = false;
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->cfg.store_path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
			 "INSERT INTO identities (login, user_code, id_number, uid, "
			 "gid, gecos, home, shell, kind, created_by, created_at) VALUES "
			 "('opsad-min', 'OPSAD', 'MIN', 29000, 100, '', '/home/x', '', "
			 "'individual', 'old', 0)",
			 NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(naccs_resolve_name(f->st, DL(), "opsadmin", &id, &ambiguous, &err), 0);
	assert_string_equal(id.login, "opsadmin");
	assert_true(ambiguous);
	assert_int_equal(naccs_resolve_name(f->st, DL(), "OPSAD-MIN", &id, &ambiguous, &err), 0);
	assert_string_equal(id.login, "opsad-min");
}

/* ---- no password oracle on locked IDs (review item 2) ------------------ */

/* UTS-2.2.1.1(1)(g)(ウ): a locked or suspended ID is refused before its
 * password is checked; right and wrong guesses get the same answer and are
 * both counted. */
static void test_locked_id_answers_like_a_wrong_password(void **state)
{
	struct fx *f = *state;
	struct naccs_decision right, wrong;

	assert_int_equal(auth(f, "abcde-002", GOOD_PW, &right), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(auth(f, "abcde-002", "a wrong guess", &wrong), NACCS_OUT_BAD_CREDENTIALS);
	assert_string_equal(right.message, "");
	assert_string_equal(wrong.message, "");
	assert_int_equal(failures(f, "abcde-002"), 2);
	/* The audit line names the state; the debug line the dummy's cost. */
	assert_true(tl_logged("reason=\"locked\""));
	assert_true(tl_logged("dummy verification with the cost of the ID's own hash"));
	assert_false(tl_logged("verifying the password"));

	assert_int_equal(auth(f, "abcde-003", GOOD_PW, &right), NACCS_OUT_BAD_CREDENTIALS);
	assert_string_equal(right.message, "");
	assert_int_equal(failures(f, "abcde-003"), 1);
	assert_true(tl_logged("reason=\"suspended\""));
}

static void test_retired_id_answers_like_a_wrong_password(void **state)
{
	struct fx *f = *state;
	struct naccs_decision d;
	struct naccs_err err;

	assert_int_equal(naccs_store_retire(f->st, DL(), "abcde-001", "left", "test", &err), 0);
	assert_int_equal(auth(f, "abcde-001", GOOD_PW, &d), NACCS_OUT_BAD_CREDENTIALS);
	assert_string_equal(d.message, "");
	assert_true(tl_logged("reason=\"retired\""));
}

/* auth.show_locked = yes: the state is told, whatever the password. */
static void test_show_locked_tells_the_state_whatever_the_password(void **state)
{
	struct fx *f = *state;
	struct naccs_decision right, wrong;

	f->cfg.show_locked = true;
	assert_int_equal(auth(f, "abcde-002", GOOD_PW, &right), NACCS_OUT_LOCKED);
	assert_int_equal(auth(f, "abcde-002", "a wrong guess", &wrong), NACCS_OUT_LOCKED);
	assert_non_null(strstr(right.message, "locked"));
	assert_string_equal(right.message, wrong.message);
	assert_int_equal(failures(f, "abcde-002"), 2);
	assert_int_equal(auth(f, "abcde-003", "a wrong guess", &wrong), NACCS_OUT_SUSPENDED);
}

/* ---- unknown users cost what known ones do (review item 3) ------------- */

static void test_typical_hash_follows_the_store(void **state)
{
	struct fx *f = *state;
	char typical[NACCS_PHC_MAX];
	struct naccs_err err;

	assert_int_equal(naccs_store_typical_hash(f->st, DL(), typical, &err), 0);
	assert_string_equal(typical, "$argon2id$v=19$m=1024,t=1,p=1$");
	must_add(f, "FGHIJ", "001", "fghij-001", NACCS_KIND_INDIVIDUAL, 512);
	must_add(f, "FGHIJ", "002", "fghij-002", NACCS_KIND_INDIVIDUAL, 512);
	must_add(f, "FGHIJ", "003", "fghij-003", NACCS_KIND_INDIVIDUAL, 512);
	must_add(f, "FGHIJ", "004", "fghij-004", NACCS_KIND_INDIVIDUAL, 512);
	must_add(f, "FGHIJ", "005", "fghij-005", NACCS_KIND_INDIVIDUAL, 512);
	assert_int_equal(naccs_store_typical_hash(f->st, DL(), typical, &err), 0);
	assert_string_equal(typical, "$argon2id$v=19$m=512,t=1,p=1$");
	/* Retiring erases credentials: they stop counting. */
	assert_int_equal(naccs_store_retire(f->st, DL(), "fghij-001", "", "test", &err), 0);
	assert_int_equal(naccs_store_retire(f->st, DL(), "fghij-002", "", "test", &err), 0);
	assert_int_equal(naccs_store_typical_hash(f->st, DL(), typical, &err), 0);
	assert_string_equal(typical, "$argon2id$v=19$m=1024,t=1,p=1$");
}

/* After the configured parameters change, unknown users still cost what
 * the hashes actually in the store cost, not the new configuration. */
static void test_unknown_user_dummy_has_the_typical_cost(void **state)
{
	struct fx *f = *state;
	struct naccs_decision d;

	f->cfg.hash.m_kib = 2048;
	assert_int_equal(auth(f, "zzzzz-999", GOOD_PW, &d), NACCS_OUT_UNKNOWN);
	assert_true(tl_logged("typical hash $argon2id$v=19$m=1024,t=1,p=1$"));
}

/* A name the store never issued is "not mine" in auth too, whatever the
 * password (empty, over-long, any): the same definition as the account
 * phase, the same work as a wrong password (the dummy verification, one
 * recorded attempt), logged as ignore with its reason (issue #11). */
static void test_auth_of_an_unknown_name_is_not_mine(void **state)
{
	struct fx *f = *state;
	struct naccs_request req = {.service = "test", .user = "zzzzz-999"};
	struct naccs_decision d;
	struct naccs_err err;
	char long_pw[600];

	memset(long_pw, 'x', sizeof(long_pw) - 1);
	long_pw[sizeof(long_pw) - 1] = '\0';
	assert_int_equal(naccs_policy_account(&f->pol, &req, &d, &err), NACCS_OUT_UNKNOWN);
	assert_int_equal(auth(f, "zzzzz-999", GOOD_PW, &d), NACCS_OUT_UNKNOWN);
	assert_false(d.known);
	assert_string_equal(d.message, "");
	assert_true(tl_logged("dummy verification with the cost of the store's typical hash"));
	assert_true(tl_logged("reason=\"unknown-user\""));
	assert_true(tl_logged("result=\"ignore\""));
	assert_false(tl_logged("result=\"deny\""));
	assert_int_equal(auth(f, "zzzzz-999", "", &d), NACCS_OUT_UNKNOWN);
	assert_int_equal(auth(f, "zzzzz-999", long_pw, &d), NACCS_OUT_UNKNOWN);
	assert_int_equal(auth(f, "nobody", GOOD_PW, &d), NACCS_OUT_UNKNOWN);
	/* An ID, whatever its state, is never "not mine". */
	assert_int_equal(auth(f, "abcde-001", "a wrong guess", &d), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(auth(f, "abcde-002", GOOD_PW, &d), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(auth(f, "abcde-003", GOOD_PW, &d), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(naccs_store_retire(f->st, DL(), "abcde-001", "left", "test", &err), 0);
	assert_int_equal(auth(f, "abcde-001", GOOD_PW, &d), NACCS_OUT_BAD_CREDENTIALS);
}

/* ---- what reaches the log (review items 9, 13, 15) --------------------- */

/* A password typed into the name field never reaches the log. */
static void test_unknown_name_is_not_logged_as_typed(void **state)
{
	struct fx *f = *state;
	struct naccs_request req = {.service = "test", .user = "Secr3t!Passw0rd"};
	struct naccs_decision d;
	struct naccs_err err;

	assert_int_equal(auth(f, "Secr3t!Passw0rd", GOOD_PW, &d), NACCS_OUT_UNKNOWN);
	assert_int_equal(naccs_policy_account(&f->pol, &req, &d, &err), NACCS_OUT_UNKNOWN);
	assert_false(tl_logged("Secr3t"));
	assert_true(tl_logged("(not a user name)"));
	/* Nor one that has the form of a name, or of a NACCS user ID (any
	 * eight letters and digits read as one: "summer26"), when the system
	 * has no such account (issue 16, item 14; without a configuration,
	 * no tag either: audit/nametag.h). */
	assert_int_equal(auth(f, "zzzzz-999", GOOD_PW, &d), NACCS_OUT_UNKNOWN);
	assert_int_equal(auth(f, "summer26", GOOD_PW, &d), NACCS_OUT_UNKNOWN);
	assert_false(tl_logged("zzzzz-999"));
	assert_false(tl_logged("summer26"));
	/* An account of the system is written by its name. */
	assert_int_equal(auth(f, "nobody", GOOD_PW, &d), NACCS_OUT_UNKNOWN);
	assert_true(tl_logged("login=\"nobody\""));
}

/* Accounts that are no ID here are not ours to refuse, nor to record
 * (issue 16, item 16: cron's account check of a local account). */
static void test_account_of_a_local_user_is_not_a_denial(void **state)
{
	struct fx *f = *state;
	struct naccs_request req = {.service = "test", .user = "nobody"};
	struct naccs_decision d;
	struct naccs_err err;

	tl_reset();
	assert_int_equal(naccs_policy_account(&f->pol, &req, &d, &err), NACCS_OUT_UNKNOWN);
	assert_false(tl_logged("login=\"nobody\""));
	assert_false(tl_logged("result=\"deny\""));
}

/* The store unavailable: fail closed for a naccs ID, leave the names the
 * public identity index does not hold (root, any local account) to the
 * stack; without the index, fail closed for every name (issue 16). */
static void test_account_with_the_store_unavailable(void **state)
{
	struct fx *f = *state;
	struct naccs_request req = {.service = "test"};
	struct naccs_index_stats stats;
	struct naccs_decision d;
	struct naccs_err err;
	char index[PATH_MAX];

	assert_int_equal(naccs_index_path(&f->cfg, index, sizeof(index)), 0);
	req.user = "root";
	assert_int_equal(naccs_policy_account_unavailable(&f->cfg, &req, &d, "gone"),
			 NACCS_OUT_UNAVAILABLE); /* no index yet */
	assert_true(tl_logged("reason=\"store-and-index-unavailable\""));
	if (naccs_index_write(f->st, naccs_deadline_in(5000), index, &stats, &err) < 0)
		fail_msg("index: %s", err.msg);
	tl_reset();
	assert_int_equal(naccs_policy_account_unavailable(&f->cfg, &req, &d, "gone"),
			 NACCS_OUT_NOT_MANAGED);
	assert_true(tl_logged("result=\"ignore\""));
	req.user = "no-such-user-here";
	assert_int_equal(naccs_policy_account_unavailable(&f->cfg, &req, &d, "gone"),
			 NACCS_OUT_NOT_MANAGED);
	/* IDs, by login and by NACCS form, a shared one, a suspended one */
	req.user = "ABCDE001";
	assert_int_equal(naccs_policy_account_unavailable(&f->cfg, &req, &d, "gone"),
			 NACCS_OUT_UNAVAILABLE);
	req.user = "abcde-001";
	assert_int_equal(naccs_policy_account_unavailable(&f->cfg, &req, &d, "gone"),
			 NACCS_OUT_UNAVAILABLE);
	req.user = "opsadmin";
	assert_int_equal(naccs_policy_unavailable(&f->cfg, &req, "auth", &d, "gone"),
			 NACCS_OUT_UNAVAILABLE);
	req.user = "abcde-003";
	assert_int_equal(naccs_policy_unavailable(&f->cfg, &req, "auth", &d, "gone"),
			 NACCS_OUT_UNAVAILABLE);
	/* an index others may write is no index */
	assert_int_equal(chmod(index, 0664), 0);
	req.user = "root";
	assert_int_equal(naccs_policy_account_unavailable(&f->cfg, &req, &d, "gone"),
			 NACCS_OUT_UNAVAILABLE);
}

/* debug = yes logs the path of the decision; debug = no nothing. */
static void test_debug_logs_the_decision_path(void **state)
{
	struct fx *f = *state;
	struct naccs_decision d;

	assert_int_equal(auth(f, "ABCDE001", GOOD_PW, &d), NACCS_OUT_ALLOW);
	assert_true(tl_logged("naccs debug: name 'ABCDE001' is the ID 'abcde-001'"));
	assert_true(tl_logged("naccs debug: verifying the password"));
	assert_true(tl_logged("naccs debug: authentication of 'abcde-001': allow"));
	assert_false(tl_logged(GOOD_PW));
	tl_reset();
	f->cfg.debug = false;
	assert_int_equal(auth(f, "ABCDE001", GOOD_PW, &d), NACCS_OUT_ALLOW);
	assert_false(tl_logged("naccs debug"));
}

/* ---- empty passwords (review item 16) ---------------------------------- */

/* A stored hash of the empty string (reachable only by editing the store)
 * never lets an empty password in. */
static void test_empty_password_never_verifies(void **state)
{
	struct fx *f = *state;
	static const uint8_t salt[16] = "0123456789abcdef";
	char encoded[NACCS_PHC_MAX], phc[NACCS_PHC_MAX];
	struct naccs_hash_params p = tu_hash_params(1024);
	struct naccs_decision d;
	struct naccs_err err;
	bool match = true;

	assert_int_equal(argon2id_hash_encoded(1, 1024, 1, "", 0, salt, sizeof(salt), 32, encoded,
					       sizeof(encoded)),
			 ARGON2_OK);
	assert_int_equal(naccs_store_set_password(f->st, DL(), "abcde-001", encoded, false, 5,
						  "password-reset", "test", &err),
			 0);
	assert_int_equal(auth(f, "abcde-001", "", &d), NACCS_OUT_BAD_CREDENTIALS);
	assert_true(tl_logged("reason=\"empty-password\""));
	assert_int_equal(failures(f, "abcde-001"), 1);
	/* The hashing layer refuses it too, in every function. */
	assert_int_equal(naccs_hash_verify(&p, encoded, "", &match, NULL, &err), -EINVAL);
	assert_false(match);
	assert_int_equal(naccs_hash_new(&p, "", phc, &err), -EINVAL);
	assert_int_equal(naccs_hash_dummy_verify(&p, "", &err), -EINVAL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_shared_login_that_reads_as_naccs_form),
	    T(test_resolver_precedence),
	    T(test_resolver_prefixed_login),
	    T(test_issue_refuses_a_pair_a_login_reads_as),
	    T(test_issue_refuses_a_login_that_reads_as_a_pair),
	    T(test_resolver_reports_an_old_ambiguity),
	    T(test_locked_id_answers_like_a_wrong_password),
	    T(test_retired_id_answers_like_a_wrong_password),
	    T(test_show_locked_tells_the_state_whatever_the_password),
	    T(test_typical_hash_follows_the_store),
	    T(test_unknown_user_dummy_has_the_typical_cost),
	    T(test_auth_of_an_unknown_name_is_not_mine),
	    T(test_unknown_name_is_not_logged_as_typed),
	    T(test_account_of_a_local_user_is_not_a_denial),
	    T(test_account_with_the_store_unavailable),
	    T(test_debug_logs_the_decision_path),
	    T(test_empty_password_never_verifies),
	};

	const char *filter = getenv("NACCS_TEST_FILTER");

	if (filter != NULL)
		cmocka_set_test_filter(filter);
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
