/* Switching the hashing algorithm through pam_naccs.so (libpamtest +
 * pam_wrapper, service tests/lib/services/naccs-algo, its own fixture
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
#include "pamfixture.h"
#include "testutil.h"

#define SERVICE "naccs-algo"
#define GOOD_PW "Corr3ct-Horse!"
#define ALICE	"abcde-001"

static char store_path[512];

static void write_conf(const char *algorithm)
{
	char hash[256];

	snprintf(hash, sizeof(hash),
		 "algorithm = %s\nmemory_kib = 1024\ntime_cost = 1\npbkdf2_iterations = 100000\n",
		 algorithm);
	pfx_write_conf(PAM_FIXTURE_DIR, PAM_FIXTURE_DIR, store_path, hash, "%s", "");
}

static struct naccs_store *open_store(bool create)
{
	return tst_open_store(store_path, getuid(), create);
}

static void add_user(struct naccs_store *st, const char *number, const struct naccs_hash_params *p)
{
	char login[32], gecos[32];

	snprintf(login, sizeof(login), "abcde-%s", number);
	snprintf(gecos, sizeof(gecos), "Test %s", number);
	pfx_add_user(st, &(struct pfx_user){.login = login,
					    .code = "ABCDE",
					    .number = number,
					    .gecos = gecos,
					    .password = GOOD_PW,
					    .params = p});
}

static int setup(void **state)
{
	struct naccs_hash_params argon2, pbkdf2;
	struct naccs_store *st;

	(void)state;
	pfx_fresh_dir(PAM_FIXTURE_DIR);
	snprintf(store_path, sizeof(store_path), "%s/naccs.db", PAM_FIXTURE_DIR);
	argon2 = tu_hash_params(1024);
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
	struct naccs_account_state s = pfx_get_state(store_path, getuid(), login);

	snprintf(out, NACCS_PHC_MAX, "%s", s.phc);
}

/* Authentication with pw, no output buffers. */
static int auth(const char *user, const char *pw)
{
	return pfx_run_pw(SERVICE, PAMTEST_AUTHENTICATE, user, pw, 0, 0, NULL);
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

	if (!pfx_have_wrapper("test_pam_algo"))
		return 77;
	return cmocka_run_group_tests_name("pam_naccs_algo", tests, NULL, NULL);
}
