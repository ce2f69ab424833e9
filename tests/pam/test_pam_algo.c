/* Switching the hashing algorithm through pam_naccs.so (libpamtest +
 * pam_wrapper, service tests/services/naccs-algo, its own fixture
 * directory): a user whose hash is argon2id logs in after the configuration
 * switches to pbkdf2-sha256 (the CRYPTREC engine), and the stored hash
 * becomes pbkdf2-sha256 at that login; switched back, it becomes argon2id
 * again (UTS-2.2.1.6(1)(e)(イ): selectable algorithms, each stored hash names
 * its own). */
#include "config.h"

#include <errno.h>
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

#include "crypto/hash.h"
#include "store/store.h"
#include "testutil.h"

#define SERVICE "naccs-algo"
#define GOOD_PW "Corr3ct-Horse!"
#define ALICE	"abcde-001"

static char store_path[512];

static void write_conf(const char *algorithm)
{
	char text[2048], audit[512];

	snprintf(text, sizeof(text),
		 "%s[store]\npath = %s\n[hash]\nalgorithm = %s\nmemory_kib = 1024\ntime_cost = 1\n"
		 "pbkdf2_iterations = 100000\n[auth]\nfail_delay_ms = 0\n",
		 tu_audit_trail(PAM_FIXTURE_DIR, audit, sizeof(audit)), store_path, algorithm);
	free(tu_write_file(PAM_FIXTURE_DIR, "naccs.conf", text, 0600));
}

static struct naccs_store *open_store(bool create)
{
	struct naccs_store_options opt = {
	    .path = store_path, .owner_uid = getuid(), .timeout_ms = 5000, .create = create};
	struct naccs_store *st = NULL;
	struct naccs_err err;

	if (naccs_store_open(&opt, &st, &err) < 0)
		fail_msg("store open: %s", err.msg);
	return st;
}

static void add_user(struct naccs_store *st, const char *number, const struct naccs_hash_params *p)
{
	struct naccs_identity id;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX];

	memset(&id, 0, sizeof(id));
	snprintf(id.login, sizeof(id.login), "abcde-%s", number);
	snprintf(id.user_code, sizeof(id.user_code), "ABCDE");
	snprintf(id.id_number, sizeof(id.id_number), "%s", number);
	id.kind = NACCS_KIND_INDIVIDUAL;
	id.uid = NACCS_UID_ALLOCATE;
	id.gid = 100;
	snprintf(id.gecos, sizeof(id.gecos), "Test %s", number);
	snprintf(id.home, sizeof(id.home), "/home/abcde-%s", number);
	snprintf(id.shell, sizeof(id.shell), "/bin/sh");
	assert_int_equal(naccs_hash_new(p, GOOD_PW, phc, &err), 0);
	if (naccs_store_add_identity(st, naccs_deadline_in(5000), &id, 20000, 29999, phc, false,
				     "test", "test person", &err) < 0)
		fail_msg("add %s: %s", id.login, err.msg);
}

static int setup(void **state)
{
	struct naccs_hash_params argon2, pbkdf2;
	struct naccs_store *st;

	(void)state;
	tu_rmtree(PAM_FIXTURE_DIR);
	if (mkdir(PAM_FIXTURE_DIR, 0700) != 0)
		fail_msg("mkdir %s", PAM_FIXTURE_DIR);
	snprintf(store_path, sizeof(store_path), "%s/naccs.db", PAM_FIXTURE_DIR);
	naccs_hash_params_default(&argon2);
	argon2.m_kib = 1024;
	argon2.t_cost = 1;
	pbkdf2 = argon2;
	pbkdf2.alg = NACCS_ALG_PBKDF2_SHA256;
	pbkdf2.pbkdf2_iterations = 100000;
	st = open_store(true);
	add_user(st, "001", &argon2);
	add_user(st, "002", &pbkdf2);
	naccs_store_close(st);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(PAM_FIXTURE_DIR);
	return 0;
}

static void stored_phc(const char *login, char out[NACCS_PHC_MAX])
{
	struct naccs_store *st = open_store(false);
	struct naccs_account_state s;
	struct naccs_err err;

	if (naccs_store_get_state(st, naccs_deadline_in(5000), login, &s, &err) < 0)
		fail_msg("get_state %s: %s", login, err.msg);
	naccs_store_close(st);
	snprintf(out, NACCS_PHC_MAX, "%s", s.phc);
}

static int auth(const char *user, const char *pw)
{
	const char *answers[2] = {pw, NULL};
	struct pamtest_conv_data conv = {.in_echo_off = answers};
	struct pam_testcase tc[] = {pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS)};
	enum pamtest_err perr;

	perr = run_pamtest(SERVICE, user, &conv, tc, NULL);
	if (perr != PAMTEST_ERR_OK && perr != PAMTEST_ERR_CASE)
		fail_msg("run_pamtest: %d", perr);
	return tc[0].op_rv;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

#define PBKDF2_PREFIX "$pbkdf2-sha256$i=100000$"
#define ARGON2_PREFIX "$argon2id$v=19$m=1024,t=1,p=1$"

/* argon2id stored, pbkdf2-sha256 configured: the login succeeds and re-hashes;
 * a wrong password neither logs in nor re-hashes. */
static void test_switch_to_pbkdf2(void **state)
{
	char phc[NACCS_PHC_MAX];

	(void)state;
	write_conf("pbkdf2-sha256");
	stored_phc(ALICE, phc);
	assert_true(starts_with(phc, ARGON2_PREFIX));
	assert_int_equal(auth(ALICE, "wrong password"), PAM_AUTH_ERR);
	stored_phc(ALICE, phc);
	assert_true(starts_with(phc, ARGON2_PREFIX));
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_SUCCESS);
	stored_phc(ALICE, phc);
	if (!starts_with(phc, PBKDF2_PREFIX))
		fail_msg("not re-hashed to pbkdf2-sha256: %.30s", phc);
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, "Corr3ct-Horse"), PAM_AUTH_ERR);
	/* Unknown users are "not mine" with pbkdf2-sha256 configured too. */
	assert_int_equal(auth("abcde-999", GOOD_PW), PAM_USER_UNKNOWN);
}

/* And back: pbkdf2-sha256 stored, argon2id configured. */
static void test_switch_back_to_argon2id(void **state)
{
	char phc[NACCS_PHC_MAX];

	(void)state;
	write_conf("argon2id");
	stored_phc("abcde-002", phc);
	assert_true(starts_with(phc, PBKDF2_PREFIX));
	assert_int_equal(auth("abcde-002", GOOD_PW), PAM_SUCCESS);
	stored_phc("abcde-002", phc);
	if (!starts_with(phc, ARGON2_PREFIX))
		fail_msg("not re-hashed to argon2id: %.30s", phc);
	assert_int_equal(auth("abcde-002", GOOD_PW), PAM_SUCCESS);
	/* A full round trip: to pbkdf2 and back again. */
	write_conf("pbkdf2-sha256");
	assert_int_equal(auth("abcde-002", GOOD_PW), PAM_SUCCESS);
	stored_phc("abcde-002", phc);
	assert_true(starts_with(phc, PBKDF2_PREFIX));
	write_conf("argon2id");
	assert_int_equal(auth("abcde-002", GOOD_PW), PAM_SUCCESS);
	stored_phc("abcde-002", phc);
	assert_true(starts_with(phc, ARGON2_PREFIX));
}

/* An engine that cannot compute the configured algorithm: the module fails
 * closed (the configuration is refused), nobody logs in. */
static void test_engine_mismatch_fails_closed(void **state)
{
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text),
		 "[store]\npath = %s\n[hash]\nalgorithm = pbkdf2-sha256\nengine = libsodium\n",
		 store_path);
	free(tu_write_file(PAM_FIXTURE_DIR, "naccs.conf", text, 0600));
	assert_int_equal(auth(ALICE, GOOD_PW), PAM_SERVICE_ERR);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_switch_to_pbkdf2),
	    T(test_switch_back_to_argon2id),
	    T(test_engine_mismatch_fails_closed),
	};

	if (getenv("PAM_WRAPPER") == NULL) {
		fprintf(stderr, "test_pam_algo: needs pam_wrapper (run through make check)\n");
		return 77;
	}
	return cmocka_run_group_tests_name("pam_naccs_algo", tests, NULL, NULL);
}
