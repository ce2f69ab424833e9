/* Unit tests of the CRYPTREC engine: PBKDF2-HMAC-SHA-256 through OpenSSL
 * (common/crypto/engine_openssl.c) behind the hashing interface, its PHC form
 * $pbkdf2-sha256$i=I$<salt>$<hash>, and living next to argon2id.
 *   UTS-2.2.1.6(1)(e)(イ)  selectable algorithms (CRYPTREC-listed primitives);
 *                          each stored hash names its algorithm and parameters
 *   UTS-2.2.1.6(1)(e)(ア)  the engine sits behind the same interface
 *   UTS-2.2.1.1(1)(e)(イ)  one-way hashes only; unknown users cost the same */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>

#include "crypto/hash.h"
#include "crypto/phc.h"
#include "crypto/engine.h"
#include "store/sqlite/schema.h"
#include "testutil.h"

#define REQ_SWAP   "UTS-2.2.1.6(1)(e)(ア)"
#define REQ_SELECT "UTS-2.2.1.6(1)(e)(イ)"
#define REQ_ONEWAY "UTS-2.2.1.1(1)(e)(イ)"

/* "somesaltsomesalt" and the bytes 0..31, as in test_hash.c. */
#define SALT_B64    "c29tZXNhbHRzb21lc2FsdA"
#define HASH_B64    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
#define ITER	    "100000" /* NACCS_PBKDF2_ITER_MIN: keeps the tests fast */
#define GOOD_PBKDF2 "$pbkdf2-sha256$i=" ITER "$" SALT_B64 "$" HASH_B64

static void pbkdf2_params(struct naccs_hash_params *p)
{
	naccs_hash_params_default(p);
	p->alg = NACCS_ALG_PBKDF2_SHA256;
	p->pbkdf2_iterations = NACCS_PBKDF2_ITER_MIN;
}

static void argon2_params(struct naccs_hash_params *p)
{
	*p = tu_hash_params(256);
}

static void hex_to_bin(const char *hex, uint8_t *out, size_t len)
{
	size_t got = 0;

	assert_int_equal(sodium_hex2bin(out, len, hex, strlen(hex), NULL, &got, NULL), 0);
	assert_int_equal(got, len);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void engine_pbkdf2(const char *pw, const char *salt, uint32_t c, const char *want_hex)
{
	struct naccs_phc h;
	uint8_t want[64], got[64];

	memset(&h, 0, sizeof(h));
	h.alg = NACCS_ALG_PBKDF2_SHA256;
	h.iterations = c;
	h.salt_len = strlen(salt);
	memcpy(h.salt, salt, h.salt_len);
	h.hash_len = 64;
	hex_to_bin(want_hex, want, sizeof(want));
	assert_int_equal(naccs_engine_openssl.compute(&h, pw, strlen(pw), got), 0);
	assert_memory_equal(got, want, sizeof(want));
}

/* The published PBKDF2-HMAC-SHA256 vectors of RFC 7914 section 11. */
static void test_rfc7914_vectors(void **state)
{
	(void)state;
	assert_string_equal(naccs_engine_openssl.name, "openssl");
	assert_int_equal(naccs_engine_openssl.alg, NACCS_ALG_PBKDF2_SHA256);
	engine_pbkdf2("passwd", "salt", 1,
		      "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
		      "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
	engine_pbkdf2("Password", "NaCl", 80000,
		      "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
		      "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

static void test_names_and_engine_choice(void **state)
{
	struct naccs_hash_params p;
	struct naccs_err err = {0};
	enum naccs_hash_alg alg = NACCS_ALG_ARGON2ID;
	enum naccs_engine_id id = NACCS_ENGINE_AUTO;

	(void)state;
	assert_string_equal(naccs_hash_alg_name(NACCS_ALG_PBKDF2_SHA256), "pbkdf2-sha256");
	assert_string_equal(naccs_hash_alg_name(NACCS_ALG_ARGON2ID), "argon2id");
	assert_int_equal(naccs_hash_alg_from_name("pbkdf2-sha256", &alg), 0);
	assert_int_equal(alg, NACCS_ALG_PBKDF2_SHA256);
	assert_int_equal(naccs_hash_alg_from_name("argon2id", &alg), 0);
	assert_int_equal(alg, NACCS_ALG_ARGON2ID);
	assert_int_equal(naccs_hash_alg_from_name("pbkdf2", &alg), -EINVAL);
	assert_int_equal(naccs_hash_alg_from_name("PBKDF2-SHA256", &alg), -EINVAL);
	assert_string_equal(naccs_hash_engine_name(NACCS_ENGINE_OPENSSL), "openssl");
	assert_int_equal(naccs_hash_engine_from_name("openssl", &id), 0);
	assert_int_equal(id, NACCS_ENGINE_OPENSSL);

	/* auto picks openssl for pbkdf2-sha256 and an argon2id engine for argon2id. */
	pbkdf2_params(&p);
	assert_int_equal(naccs_hash_params_validate(&p, &err), 0);
	assert_int_equal(naccs_hash_pick_engine(&p, &err), NACCS_ENGINE_OPENSSL);
	p.engine = NACCS_ENGINE_OPENSSL;
	assert_int_equal(naccs_hash_pick_engine(&p, &err), NACCS_ENGINE_OPENSSL);
	/* An engine of the other algorithm is refused with a clear message. */
	p.engine = NACCS_ENGINE_LIBARGON2;
	assert_int_equal(naccs_hash_pick_engine(&p, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "computes only argon2id"));
	assert_non_null(strstr(err.msg, "openssl"));
	p.engine = NACCS_ENGINE_LIBSODIUM;
	assert_int_equal(naccs_hash_pick_engine(&p, &err), -ENOTSUP);
	argon2_params(&p);
	assert_int_equal(naccs_hash_pick_engine(&p, &err), NACCS_ENGINE_LIBSODIUM);
	p.engine = NACCS_ENGINE_OPENSSL;
	assert_int_equal(naccs_hash_pick_engine(&p, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "computes only pbkdf2-sha256"));
}

static void test_params_validate(void **state)
{
	struct naccs_hash_params p;
	struct naccs_err err = {0};

	(void)state;
	naccs_hash_params_default(&p);
	assert_int_equal(p.pbkdf2_iterations, 600000);
	assert_int_equal(p.alg, NACCS_ALG_ARGON2ID);
	pbkdf2_params(&p);
	p.pbkdf2_iterations = NACCS_PBKDF2_ITER_MIN - 1;
	assert_int_equal(naccs_hash_params_validate(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "hash.pbkdf2_iterations"));
	p.pbkdf2_iterations = NACCS_PBKDF2_ITER_MAX + 1;
	assert_int_equal(naccs_hash_params_validate(&p, &err), -EINVAL);
	p.pbkdf2_iterations = NACCS_PBKDF2_ITER_MAX;
	assert_int_equal(naccs_hash_params_validate(&p, &err), 0);
	/* More than one SHA-256 block of output: refused for pbkdf2 only. */
	p.hash_len = 33;
	assert_int_equal(naccs_hash_params_validate(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "hash.hash_bytes"));
	p.alg = NACCS_ALG_ARGON2ID;
	assert_int_equal(naccs_hash_params_validate(&p, &err), 0);
}

static void test_roundtrip_and_format(void **state)
{
	struct naccs_hash_params p;
	struct naccs_err err = {0};
	struct naccs_phc h;
	char phc[NACCS_PHC_MAX], again[NACCS_PHC_MAX];
	bool match = false, rehash = true;

	(void)state;
	pbkdf2_params(&p);
	assert_int_equal(naccs_hash_new(&p, "pässwörd ✓", phc, &err), 0);
	assert_int_equal(
	    strncmp(phc, "$pbkdf2-sha256$i=" ITER "$", strlen("$pbkdf2-sha256$i=" ITER "$")), 0);
	/* 16-byte salt = 22 base64 characters, 32-byte hash = 43, unpadded. */
	assert_int_equal(strlen(phc), strlen("$pbkdf2-sha256$i=" ITER "$") + 22 + 1 + 43);
	assert_null(strchr(phc + strlen("$pbkdf2-sha256$i="), '='));
	assert_int_equal(naccs_phc_parse(phc, &h, &err), 0);
	assert_int_equal(h.alg, NACCS_ALG_PBKDF2_SHA256);
	assert_int_equal(h.iterations, NACCS_PBKDF2_ITER_MIN);
	assert_int_equal(h.salt_len, 16);
	assert_int_equal(h.hash_len, 32);
	assert_int_equal(naccs_phc_format(&h, again, sizeof(again), &err), 0);
	assert_string_equal(again, phc);
	assert_int_equal(naccs_hash_verify(&p, phc, "pässwörd ✓", &match, &rehash, &err), 0);
	assert_true(match);
	assert_false(rehash);
	assert_int_equal(naccs_hash_verify(&p, phc, "passwörd ✓", &match, &rehash, &err), 0);
	assert_false(match);
	/* Two hashes of one password differ (fresh salt). */
	assert_int_equal(naccs_hash_new(&p, "pässwörd ✓", again, &err), 0);
	assert_string_not_equal(again, phc);
	/* The codec's fixed example parses and formats back identically. */
	assert_int_equal(naccs_phc_parse(GOOD_PBKDF2, &h, &err), 0);
	assert_int_equal(naccs_phc_format(&h, again, sizeof(again), &err), 0);
	assert_string_equal(again, GOOD_PBKDF2);
}

/* Either algorithm verifies whatever is configured; a switch of algorithm or
 * parameters asks for a re-hash. */
static void test_cross_algorithm_and_rehash(void **state)
{
	struct naccs_hash_params a, b;
	struct naccs_err err = {0};
	char pa[NACCS_PHC_MAX], pb[NACCS_PHC_MAX];
	bool match = false, rehash = false;

	(void)state;
	argon2_params(&a);
	pbkdf2_params(&b);
	assert_int_equal(naccs_hash_new(&a, "secret one", pa, &err), 0);
	assert_int_equal(naccs_hash_new(&b, "secret one", pb, &err), 0);

	/* argon2id hash, pbkdf2 configured (engine openssl): verifies, re-hash. */
	b.engine = NACCS_ENGINE_OPENSSL;
	assert_int_equal(naccs_hash_verify(&b, pa, "secret one", &match, &rehash, &err), 0);
	assert_true(match);
	assert_true(rehash);
	assert_int_equal(naccs_hash_verify(&b, pa, "secret two", &match, &rehash, &err), 0);
	assert_false(match);
	/* pbkdf2 hash, argon2id configured (each argon2 engine): verifies, re-hash. */
	for (int e = NACCS_ENGINE_AUTO; e <= NACCS_ENGINE_LIBSODIUM; e++) {
		a.engine = (enum naccs_engine_id)e;
		assert_int_equal(naccs_hash_verify(&a, pb, "secret one", &match, &rehash, &err), 0);
		assert_true(match);
		assert_true(rehash);
	}
	/* Same algorithm, other iterations: re-hash too. */
	b.pbkdf2_iterations = NACCS_PBKDF2_ITER_MIN + 1;
	assert_int_equal(naccs_hash_verify(&b, pb, "secret one", &match, &rehash, &err), 0);
	assert_true(match);
	assert_true(rehash);
	/* Other salt length: re-hash. */
	pbkdf2_params(&b);
	b.salt_len = 24;
	assert_int_equal(naccs_hash_verify(&b, pb, "secret one", &match, &rehash, &err), 0);
	assert_true(rehash);
	/* argon2 parameters do not matter to a pbkdf2 hash. */
	pbkdf2_params(&b);
	b.m_kib = 1024;
	assert_int_equal(naccs_hash_verify(&b, pb, "secret one", &match, &rehash, &err), 0);
	assert_true(match);
	assert_false(rehash);
}

static void assert_malformed(const char *phc)
{
	struct naccs_hash_params p;
	struct naccs_err err = {0};
	struct naccs_phc h;
	bool match = true;

	pbkdf2_params(&p);
	if (naccs_phc_parse(phc, &h, &err) != -EINVAL)
		fail_msg("accepted: %s", phc);
	assert_non_null(strstr(err.msg, "malformed password hash"));
	assert_int_equal(naccs_hash_verify(&p, phc, "x-password", &match, NULL, &err), -EINVAL);
	assert_false(match);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
	    "$pbkdf2-sha256$i=" ITER "$" SALT_B64 "$" HASH_B64 "$",
	    "$pbkdf2-sha256$i=" ITER "$" SALT_B64,
	    "$pbkdf2-sha256$i=" ITER,
	    "$pbkdf2-sha256",
	    "$pbkdf2-sha256$$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$i=$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$i=0$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$i=99999$" SALT_B64 "$" HASH_B64,	/* below the minimum */
	    "$pbkdf2-sha256$i=10000001$" SALT_B64 "$" HASH_B64, /* above the maximum */
	    "$pbkdf2-sha256$i=0100000$" SALT_B64 "$" HASH_B64,	/* leading zero */
	    "$pbkdf2-sha256$i=+100000$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$i=100000 $" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$i=99999999999$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$I=" ITER "$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$c=" ITER "$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$i=" ITER ",l=32$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$v=19$i=" ITER "$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2-sha256$" ITER "$" SALT_B64 "$" HASH_B64, /* passlib's form */
	    "$pbkdf2-sha256$i=" ITER "$" SALT_B64 "=$" HASH_B64,
	    "$pbkdf2-sha256$i=" ITER "$" SALT_B64 "$" HASH_B64 "=",
	    "$pbkdf2-sha256$i=" ITER "$c29tZQ$" HASH_B64,	     /* 4-byte salt */
	    "$pbkdf2-sha256$i=" ITER "$" SALT_B64 "$AAECAwQFBgcICQ", /* 10-byte hash */
	    /* 33-byte hash: more than one SHA-256 block. */
	    "$pbkdf2-sha256$i=" ITER "$" SALT_B64 "$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g",
	    "$pbkdf2-sha256$i=" ITER "$" SALT_B64 "$" HASH_B64 "\xc3\xa9",
	    "$pbkdf2-sha512$i=" ITER "$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2_sha256$i=" ITER "$" SALT_B64 "$" HASH_B64,
	    "$PBKDF2-SHA256$i=" ITER "$" SALT_B64 "$" HASH_B64,
	    "$pbkdf2$i=" ITER "$" SALT_B64 "$" HASH_B64,
	    "pbkdf2-sha256$i=" ITER "$" SALT_B64 "$" HASH_B64,
	    /* The argon2id parameters under the pbkdf2 name, and the reverse. */
	    "$pbkdf2-sha256$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$i=" ITER "$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$i=" ITER "$" SALT_B64 "$" HASH_B64,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_malformed(bad[i]);
}

/* The formatter refuses what the parser would (no hash is written that no
 * login could read). */
static void test_format_refuses(void **state)
{
	struct naccs_err err = {0};
	struct naccs_phc h;
	char out[NACCS_PHC_MAX];

	(void)state;
	assert_int_equal(naccs_phc_parse(GOOD_PBKDF2, &h, &err), 0);
	h.iterations = NACCS_PBKDF2_ITER_MIN - 1;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), -EINVAL);
	h.iterations = NACCS_PBKDF2_ITER_MIN;
	h.hash_len = 33;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), -EINVAL);
	h.hash_len = 32;
	assert_int_equal(naccs_phc_format(&h, out, 20, &err), -ENOSPC);
	/* Canonical: no argon2id field in a pbkdf2 struct, and the reverse. */
	h.m_kib = 256;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), -EINVAL);
	h.m_kib = 0;
	h.version = NACCS_ARGON2_VERSION;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), -EINVAL);
	h.alg = NACCS_ALG_ARGON2ID;
	h.m_kib = 256;
	h.t_cost = 1;
	h.parallelism = 1;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), -EINVAL);
	h.iterations = 0;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), 0);
	assert_int_equal(strncmp(out, "$argon2id$v=19$m=256,t=1,p=1$", 29), 0);
}

/* The store's typical parameters (SQ_PHC_PARAMS) of a pbkdf2 hash, and the
 * dummy verification that costs what verifying such a hash does. */
static void test_store_params_prefix(void **state)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char got[NACCS_PHC_MAX] = "";

	(void)state;
	(void)naccs_sqlite_migrations;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT " SQ_PHC_PARAMS("?1"), -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_bind_text(st, 1, GOOD_PBKDF2, -1, SQLITE_STATIC), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(got, sizeof(got), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_string_equal(got, "$pbkdf2-sha256$i=" ITER "$");
}

static void test_dummy_costs_like_verify(void **state)
{
	struct naccs_hash_params cfg, argon;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX];
	double real = 1e9, dummy = 1e9, like = 1e9;
	bool match;

	(void)state;
	pbkdf2_params(&cfg);
	argon2_params(&argon);
	assert_int_equal(naccs_hash_new(&cfg, "timing", phc, &err), 0);
	/* The store's prefix form, for either configuration. */
	assert_int_equal(
	    naccs_hash_dummy_verify_like(&argon, "$pbkdf2-sha256$i=" ITER "$", "timing", &err), 0);
	assert_int_equal(naccs_hash_dummy_verify_like(&cfg, "$pbkdf2-sha256$i=99$", "timing", &err),
			 -EINVAL);
	for (int i = 0; i < 3; i++) {
		double t0 = now_ms(), t1, t2, t3;

		assert_int_equal(naccs_hash_verify(&cfg, phc, "timing", &match, NULL, &err), 0);
		t1 = now_ms();
		assert_int_equal(naccs_hash_dummy_verify(&cfg, "timing", &err), 0);
		t2 = now_ms();
		/* argon2id configured, the store's typical hash is pbkdf2. */
		assert_int_equal(naccs_hash_dummy_verify_like(&argon, "$pbkdf2-sha256$i=" ITER "$",
							      "timing", &err),
				 0);
		t3 = now_ms();
		real = t1 - t0 < real ? t1 - t0 : real;
		dummy = t2 - t1 < dummy ? t2 - t1 : dummy;
		like = t3 - t2 < like ? t3 - t2 : like;
	}
	/* The same bound as test_hash.c's: the minima of a few runs, on a
	 * machine that may be busy (and under ASan or valgrind). */
	if (dummy < 0.3 * real || like < 0.3 * real)
		fail_msg("dummy %.3f ms, like %.3f ms vs real %.3f ms", dummy, like, real);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    REQ_TEST(REQ_SELECT, test_rfc7914_vectors),
	    REQ_TEST(REQ_SWAP, test_names_and_engine_choice),
	    REQ_TEST(REQ_SELECT, test_params_validate),
	    REQ_TEST(REQ_SELECT, test_roundtrip_and_format),
	    REQ_TEST(REQ_SELECT, test_cross_algorithm_and_rehash),
	    REQ_TEST(REQ_SELECT, test_malformed),
	    REQ_TEST(REQ_SELECT, test_format_refuses),
	    REQ_TEST(REQ_ONEWAY, test_store_params_prefix),
	    REQ_TEST(REQ_ONEWAY, test_dummy_costs_like_verify),
	};

	return cmocka_run_group_tests_name("naccs_hash_pbkdf2", tests, NULL, NULL);
}
