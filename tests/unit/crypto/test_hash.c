/* Unit tests of the password-hashing layer (common/crypto/hash.c and its two
 * engines).  Requirement IDs cited in the test names:
 *   UTS-2.2.1.6(1)(e)(ア)  swappable crypto module: two interchangeable engines
 *   UTS-2.2.1.6(1)(e)(イ)  selectable algorithms; parameters travel in each hash
 *   UTS-2.2.1.1(1)(e)(イ)  passwords are stored only as one-way hashes
 * Most tests use m = 256 KiB, t = 1 to stay fast; one runs the defaults. */
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

#include <argon2.h>
#include <sodium.h>

#include "crypto/hash.h"
#include "crypto/phc.h"
#include "crypto/engine.h"
#include "testutil.h"

#define REQ_SWAP   "UTS-2.2.1.6(1)(e)(ア)"
#define REQ_SELECT "UTS-2.2.1.6(1)(e)(イ)"
#define REQ_ONEWAY "UTS-2.2.1.1(1)(e)(イ)"

/* A well-formed 16-byte salt ("somesaltsomesalt") and 32-byte hash (0..31). */
#define SALT_B64 "c29tZXNhbHRzb21lc2FsdA"
#define HASH_B64 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
/* 65 zero bytes: one more than any salt or hash may hold. */
#define B64_65_BYTES                                                                               \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"                                             \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define GOOD_PHC "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64

static const char fixed_salt[16] = "0123456789abcdef";

static void small_params(struct naccs_hash_params *p, enum naccs_engine_id engine)
{
	*p = tu_hash_params(256);
	p->engine = engine;
}

static void hex_to_bin(const char *hex, uint8_t *out, size_t len)
{
	size_t got = 0;

	assert_int_equal(sodium_hex2bin(out, len, hex, strlen(hex), NULL, &got, NULL), 0);
	assert_int_equal(got, len);
}

static void assert_verifies(const struct naccs_hash_params *cfg, const char *phc, const char *pw,
			    bool expect_match)
{
	struct naccs_err err = {0};
	bool match = !expect_match, rehash;

	assert_int_equal(naccs_hash_verify(cfg, phc, pw, &match, &rehash, &err), 0);
	assert_true(match == expect_match);
}

/* ---- parameters and engine choice ---- */

static void test_params_default(void **state)
{
	struct naccs_hash_params p;
	struct naccs_err err = {0};

	(void)state;
	naccs_hash_params_default(&p);
	assert_int_equal(p.alg, NACCS_ALG_ARGON2ID);
	assert_int_equal(p.engine, NACCS_ENGINE_AUTO);
	assert_int_equal(p.m_kib, 65536);
	assert_int_equal(p.t_cost, 3);
	assert_int_equal(p.parallelism, 1);
	assert_int_equal(p.salt_len, 16);
	assert_int_equal(p.hash_len, 32);
	assert_int_equal(p.max_password_bytes, 512);
	assert_int_equal(naccs_hash_params_validate(&p, &err), 0);
	/* The defaults fit libsodium, the faster engine. */
	assert_int_equal(naccs_hash_pick_engine(&p, &err), NACCS_ENGINE_LIBSODIUM);
}

struct param_case {
	size_t field; /* offsetof a uint32_t member */
	uint32_t value;
	const char *key; /* must be named in the message */
};

#define F(member) offsetof(struct naccs_hash_params, member)

static void set_field(struct naccs_hash_params *p, size_t field, uint32_t v)
{
	memcpy((char *)p + field, &v, sizeof(v));
}

static void test_params_validate(void **state)
{
	static const struct param_case bad[] = {
	    {F(m_kib), 7, "hash.memory_kib"},
	    /* Capped at 1 GiB until concurrent verifications are bounded. */
	    {F(m_kib), 1048577, "hash.memory_kib"},
	    {F(m_kib), 4194304, "hash.memory_kib"},
	    {F(t_cost), 0, "hash.time_cost"},
	    {F(t_cost), 65, "hash.time_cost"},
	    {F(parallelism), 0, "hash.parallelism"},
	    {F(parallelism), 65, "hash.parallelism"},
	    {F(salt_len), 7, "hash.salt_bytes"},
	    {F(salt_len), 65, "hash.salt_bytes"},
	    {F(hash_len), 15, "hash.hash_bytes"},
	    {F(hash_len), 65, "hash.hash_bytes"},
	    {F(max_password_bytes), 15, "hash.max_password_bytes"},
	    {F(max_password_bytes), 4097, "hash.max_password_bytes"},
	};
	static const struct param_case good[] = {
	    {F(m_kib), 8, NULL},
	    {F(m_kib), NACCS_HASH_M_KIB_MAX, NULL},
	    {F(t_cost), 1, NULL},
	    {F(t_cost), 64, NULL},
	    {F(salt_len), 8, NULL},
	    {F(salt_len), 64, NULL},
	    {F(hash_len), 16, NULL},
	    {F(hash_len), 64, NULL},
	    {F(max_password_bytes), 16, NULL},
	    {F(max_password_bytes), 4096, NULL},
	};
	struct naccs_hash_params p;
	struct naccs_err err;

	(void)state;
	/* The documented cap (etc/naccs.conf.example): 1 GiB. */
	assert_int_equal(NACCS_HASH_M_KIB_MAX, 1048576);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		naccs_hash_params_default(&p);
		set_field(&p, bad[i].field, bad[i].value);
		memset(&err, 0, sizeof(err));
		assert_int_equal(naccs_hash_params_validate(&p, &err), -EINVAL);
		assert_int_equal(err.code, EINVAL);
		assert_non_null(strstr(err.msg, bad[i].key));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		naccs_hash_params_default(&p);
		set_field(&p, good[i].field, good[i].value);
		assert_int_equal(naccs_hash_params_validate(&p, &err), 0);
	}
	/* Memory must give each lane 8 KiB. */
	naccs_hash_params_default(&p);
	p.parallelism = 4;
	p.m_kib = 31;
	assert_int_equal(naccs_hash_params_validate(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "hash.memory_kib"));
	p.m_kib = 32;
	assert_int_equal(naccs_hash_params_validate(&p, &err), 0);
	/* Unknown engine or algorithm values. */
	naccs_hash_params_default(&p);
	p.engine = (enum naccs_engine_id)7;
	assert_int_equal(naccs_hash_params_validate(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "hash.engine"));
	naccs_hash_params_default(&p);
	p.alg = (enum naccs_hash_alg)3;
	assert_int_equal(naccs_hash_params_validate(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "hash.algorithm"));
	assert_int_equal(naccs_hash_params_validate(NULL, &err), -EINVAL);
}

static void test_engine_names(void **state)
{
	enum naccs_engine_id id = NACCS_ENGINE_AUTO;

	(void)state;
	assert_string_equal(naccs_hash_engine_name(NACCS_ENGINE_AUTO), "auto");
	assert_string_equal(naccs_hash_engine_name(NACCS_ENGINE_LIBARGON2), "libargon2");
	assert_string_equal(naccs_hash_engine_name(NACCS_ENGINE_LIBSODIUM), "libsodium");
	assert_int_equal(naccs_hash_engine_from_name("libsodium", &id), 0);
	assert_int_equal(id, NACCS_ENGINE_LIBSODIUM);
	assert_int_equal(naccs_hash_engine_from_name("libargon2", &id), 0);
	assert_int_equal(id, NACCS_ENGINE_LIBARGON2);
	assert_int_equal(naccs_hash_engine_from_name("auto", &id), 0);
	assert_int_equal(id, NACCS_ENGINE_AUTO);
	assert_int_equal(naccs_hash_engine_from_name("argon2", &id), -EINVAL);
	assert_int_equal(naccs_hash_engine_from_name("", &id), -EINVAL);
	assert_int_equal(naccs_hash_engine_from_name("libsodium ", &id), -EINVAL);
	assert_int_equal(naccs_hash_engine_from_name(NULL, &id), -EINVAL);
	assert_string_equal(naccs_engine_libargon2.name, "libargon2");
	assert_string_equal(naccs_engine_libsodium.name, "libsodium");
}

/* An argon2id parameter set as the engines see it. */
static const struct naccs_phc *argon2_set(uint32_t m_kib, uint32_t t, uint32_t p, size_t salt_len,
					  size_t hash_len)
{
	static struct naccs_phc h;

	memset(&h, 0, sizeof(h));
	h.alg = NACCS_ALG_ARGON2ID;
	h.version = NACCS_ARGON2_VERSION;
	h.m_kib = m_kib;
	h.t_cost = t;
	h.parallelism = p;
	h.salt_len = salt_len;
	h.hash_len = hash_len;
	return &h;
}

/* The same with a salt, for compute(). */
static const struct naccs_phc *argon2_salted(uint32_t m_kib, uint32_t t, uint32_t p,
					     const void *salt, size_t salt_len, size_t hash_len)
{
	struct naccs_phc *h = (struct naccs_phc *)argon2_set(m_kib, t, p, salt_len, hash_len);

	memcpy(h->salt, salt, salt_len);
	return h;
}

static void test_engine_supports(void **state)
{
	(void)state;
	assert_true(naccs_engine_libsodium.supports(argon2_set(256, 1, 1, 16, 32)));
	assert_false(naccs_engine_libsodium.supports(argon2_set(256, 1, 2, 16, 32)));
	assert_false(naccs_engine_libsodium.supports(argon2_set(256, 1, 1, 8, 32)));
	assert_false(naccs_engine_libsodium.supports(argon2_set(256, 1, 1, 32, 32)));
	assert_false(naccs_engine_libsodium.supports(argon2_set(256, 0, 1, 16, 32)));
	assert_false(naccs_engine_libsodium.supports(argon2_set(4, 1, 1, 16, 32)));
	assert_false(naccs_engine_libsodium.supports(argon2_set(256, 1, 1, 16, 8)));
	assert_true(naccs_engine_libargon2.supports(argon2_set(256, 1, 1, 16, 32)));
	assert_true(naccs_engine_libargon2.supports(argon2_set(256, 1, 4, 8, 64)));
	assert_false(naccs_engine_libargon2.supports(argon2_set(24, 1, 4, 16, 32)));
	assert_false(naccs_engine_libargon2.supports(argon2_set(256, 0, 1, 16, 32)));
	assert_false(naccs_engine_libargon2.supports(argon2_set(256, 1, 1, 4, 32)));
	assert_false(naccs_engine_libargon2.supports(argon2_set(256, 1, 0, 16, 32)));
	/* Each engine computes one algorithm. */
	assert_false(naccs_engine_openssl.supports(argon2_set(256, 1, 1, 16, 32)));
}

/* ---- round trips per engine ---- */

static void roundtrip(enum naccs_engine_id engine)
{
	struct naccs_hash_params cfg;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX], phc2[NACCS_PHC_MAX];
	bool match = false, rehash = true;

	small_params(&cfg, engine);
	assert_int_equal(naccs_hash_new(&cfg, "correct horse", phc, &err), 0);
	assert_true(strncmp(phc, "$argon2id$v=19$m=256,t=1,p=1$", 29) == 0);
	assert_int_equal(naccs_hash_verify(&cfg, phc, "correct horse", &match, &rehash, &err), 0);
	assert_true(match);
	assert_false(rehash);
	assert_verifies(&cfg, phc, "correct horsE", false);
	/* An empty password is refused before any hashing, never a match. */
	match = true;
	assert_int_equal(naccs_hash_verify(&cfg, phc, "", &match, &rehash, &err), -EINVAL);
	assert_false(match);
	/* Fresh random salt each time: equal passwords give different hashes. */
	assert_int_equal(naccs_hash_new(&cfg, "correct horse", phc2, &err), 0);
	assert_string_not_equal(phc, phc2);
	/* The empty password is never hashed (UTS-2.2.1.1(1)(e)(ウ)). */
	assert_int_equal(naccs_hash_new(&cfg, "", phc, &err), -EINVAL);
	assert_string_equal(phc, "");
}

static void test_roundtrip_libargon2(void **state)
{
	(void)state;
	roundtrip(NACCS_ENGINE_LIBARGON2);
}

static void test_roundtrip_libsodium(void **state)
{
	(void)state;
	roundtrip(NACCS_ENGINE_LIBSODIUM);
}

static void test_roundtrip_auto(void **state)
{
	(void)state;
	roundtrip(NACCS_ENGINE_AUTO);
}

/* The stored string is one-way: it holds no form of the password, and a
 * wrong password (even one differing in one byte or by a prefix) fails. */
static void test_wrong_password(void **state)
{
	static const enum naccs_engine_id engines[] = {NACCS_ENGINE_LIBARGON2,
						       NACCS_ENGINE_LIBSODIUM};
	struct naccs_hash_params cfg;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX];

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		small_params(&cfg, engines[i]);
		assert_int_equal(naccs_hash_new(&cfg, "Tr0ub4dor&3", phc, &err), 0);
		assert_null(strstr(phc, "Tr0ub4dor"));
		assert_verifies(&cfg, phc, "Tr0ub4dor&3", true);
		assert_verifies(&cfg, phc, "Tr0ub4dor&4", false);
		assert_verifies(&cfg, phc, "Tr0ub4dor&", false);
		assert_verifies(&cfg, phc, "Tr0ub4dor&33", false);
		assert_verifies(&cfg, phc, "tr0ub4dor&3", false);
	}
}

/* ---- interchangeability of the engines ---- */

static void test_cross_engine_verify(void **state)
{
	struct naccs_hash_params by_sodium, by_argon2;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX];

	(void)state;
	small_params(&by_sodium, NACCS_ENGINE_LIBSODIUM);
	small_params(&by_argon2, NACCS_ENGINE_LIBARGON2);
	assert_int_equal(naccs_hash_new(&by_sodium, "pässwörd ✓", phc, &err), 0);
	assert_verifies(&by_argon2, phc, "pässwörd ✓", true);
	assert_verifies(&by_argon2, phc, "passwort", false);
	assert_int_equal(naccs_hash_new(&by_argon2, "pässwörd ✓", phc, &err), 0);
	assert_verifies(&by_sodium, phc, "pässwörd ✓", true);
	assert_verifies(&by_sodium, phc, "passwort", false);
}

static void test_engines_same_raw_output(void **state)
{
	static const char pw[] = "same input, same output";
	uint8_t a[64], b[64];

	(void)state;
	assert_int_equal(naccs_engine_libargon2.compute(
			     argon2_salted(256, 2, 1, fixed_salt, 16, 64), pw, strlen(pw), a),
			 0);
	assert_int_equal(naccs_engine_libsodium.compute(
			     argon2_salted(256, 2, 1, fixed_salt, 16, 64), pw, strlen(pw), b),
			 0);
	assert_memory_equal(a, b, 64);
	/* An engine asked for what it cannot do refuses, it does not guess. */
	assert_int_equal(naccs_engine_libsodium.compute(
			     argon2_salted(256, 2, 2, fixed_salt, 16, 32), pw, strlen(pw), b),
			 -EINVAL);
	assert_int_equal(naccs_engine_openssl.compute(argon2_salted(256, 2, 1, fixed_salt, 16, 32),
						      pw, strlen(pw), b),
			 -EINVAL);
}

/* A hash made by libargon2's own encoder verifies through our layer with
 * either engine preferred. */
static void test_reference_encoded_verifies(void **state)
{
	static const char pw[] = "reference encoder";
	struct naccs_hash_params cfg;
	char enc[NACCS_PHC_MAX];

	(void)state;
	assert_int_equal(
	    argon2id_hash_encoded(1, 256, 1, pw, strlen(pw), fixed_salt, 16, 32, enc, sizeof(enc)),
	    ARGON2_OK);
	small_params(&cfg, NACCS_ENGINE_LIBSODIUM);
	assert_verifies(&cfg, enc, pw, true);
	assert_verifies(&cfg, enc, "reference encodeR", false);
	small_params(&cfg, NACCS_ENGINE_LIBARGON2);
	assert_verifies(&cfg, enc, pw, true);
	/* Other salt and output lengths, which only libargon2 computes. */
	assert_int_equal(
	    argon2id_hash_encoded(2, 512, 1, pw, strlen(pw), fixed_salt, 12, 20, enc, sizeof(enc)),
	    ARGON2_OK);
	small_params(&cfg, NACCS_ENGINE_LIBSODIUM);
	assert_verifies(&cfg, enc, pw, true);
	assert_verifies(&cfg, enc, "x", false);
}

/* Our strings are standard PHC: libargon2 and libsodium verify them too. */
static void test_ours_verify_in_references(void **state)
{
	static const enum naccs_engine_id engines[] = {NACCS_ENGINE_LIBARGON2,
						       NACCS_ENGINE_LIBSODIUM};
	static const char pw[] = "verified elsewhere";
	struct naccs_hash_params cfg;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX];

	(void)state;
	assert_true(sodium_init() >= 0);
	for (size_t i = 0; i < 2; i++) {
		small_params(&cfg, engines[i]);
		assert_int_equal(naccs_hash_new(&cfg, pw, phc, &err), 0);
		assert_int_equal(argon2_verify(phc, pw, strlen(pw), Argon2_id), ARGON2_OK);
		assert_int_equal(argon2_verify(phc, "nope", 4, Argon2_id), ARGON2_VERIFY_MISMATCH);
		assert_int_equal(crypto_pwhash_str_verify(phc, pw, strlen(pw)), 0);
		assert_int_not_equal(crypto_pwhash_str_verify(phc, "nope", 4), 0);
	}
	/* libargon2 also reads our p > 1 strings. */
	small_params(&cfg, NACCS_ENGINE_LIBARGON2);
	cfg.parallelism = 2;
	assert_int_equal(naccs_hash_new(&cfg, pw, phc, &err), 0);
	assert_int_equal(argon2_verify(phc, pw, strlen(pw), Argon2_id), ARGON2_OK);
}

/* Known answers: the reference implementation's published argon2id v=19
 * vectors (password "password", salt "somesalt"), and libsodium checked
 * against libargon2's encoder for a 16-byte salt. */
static void test_known_answers(void **state)
{
	static const char v256_phc[] = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"
				       "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
	static const char v256_hex[] =
	    "9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe";
	static const char v256p2_phc[] = "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$"
					 "bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc";
	struct naccs_hash_params cfg;
	struct naccs_err err = {0};
	struct naccs_phc h;
	uint8_t want[32], got[32];
	char enc[NACCS_PHC_MAX];

	(void)state;
	hex_to_bin(v256_hex, want, sizeof(want));
	assert_int_equal(naccs_engine_libargon2.compute(argon2_salted(256, 2, 1, "somesalt", 8, 32),
							"password", 8, got),
			 0);
	assert_memory_equal(got, want, 32);
	/* 8-byte salt: libsodium cannot, so verification falls back to libargon2. */
	small_params(&cfg, NACCS_ENGINE_LIBSODIUM);
	assert_verifies(&cfg, v256_phc, "password", true);
	assert_verifies(&cfg, v256_phc, "Password", false);
	assert_verifies(&cfg, v256p2_phc, "password", true);

	/* libsodium engine == libargon2's argon2id_hash_encoded, 16-byte salt. */
	assert_int_equal(
	    argon2id_hash_encoded(3, 1024, 1, "password", 8, fixed_salt, 16, 32, enc, sizeof(enc)),
	    ARGON2_OK);
	assert_int_equal(naccs_phc_parse(enc, &h, &err), 0);
	assert_int_equal(h.salt_len, 16);
	assert_memory_equal(h.salt, fixed_salt, 16);
	assert_int_equal(naccs_engine_libsodium.compute(&h, "password", 8, got), 0);
	assert_memory_equal(got, h.hash, 32);
}

/* ---- parallelism and engine selection ---- */

static void test_parallelism(void **state)
{
	struct naccs_hash_params cfg, p1;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX];
	bool match = false, rehash = false;

	(void)state;
	small_params(&cfg, NACCS_ENGINE_LIBARGON2);
	cfg.parallelism = 2;
	assert_int_equal(naccs_hash_pick_engine(&cfg, &err), NACCS_ENGINE_LIBARGON2);
	assert_int_equal(naccs_hash_new(&cfg, "two lanes", phc, &err), 0);
	assert_non_null(strstr(phc, "$m=256,t=1,p=2$"));
	assert_verifies(&cfg, phc, "two lanes", true);
	assert_verifies(&cfg, phc, "one lane", false);

	/* A p = 2 hash under a libsodium p = 1 configuration: libargon2 steps
	 * in, and the hash is due for an upgrade. */
	small_params(&p1, NACCS_ENGINE_LIBSODIUM);
	assert_int_equal(naccs_hash_verify(&p1, phc, "two lanes", &match, &rehash, &err), 0);
	assert_true(match);
	assert_true(rehash);

	/* libsodium refuses p > 1 explicitly; auto picks libargon2. */
	cfg.engine = NACCS_ENGINE_LIBSODIUM;
	memset(&err, 0, sizeof(err));
	assert_int_equal(naccs_hash_pick_engine(&cfg, &err), -ENOTSUP);
	assert_int_equal(err.code, ENOTSUP);
	assert_non_null(strstr(err.msg, "libsodium"));
	strcpy(phc, "left over");
	assert_int_equal(naccs_hash_new(&cfg, "two lanes", phc, &err), -ENOTSUP);
	assert_string_equal(phc, "");
	cfg.engine = NACCS_ENGINE_AUTO;
	assert_int_equal(naccs_hash_pick_engine(&cfg, &err), NACCS_ENGINE_LIBARGON2);
	assert_int_equal(naccs_hash_new(&cfg, "two lanes", phc, &err), 0);
	assert_verifies(&cfg, phc, "two lanes", true);

	/* A salt other than 16 bytes also needs libargon2. */
	small_params(&cfg, NACCS_ENGINE_AUTO);
	cfg.salt_len = 32;
	assert_int_equal(naccs_hash_pick_engine(&cfg, &err), NACCS_ENGINE_LIBARGON2);
	cfg.engine = NACCS_ENGINE_LIBSODIUM;
	assert_int_equal(naccs_hash_pick_engine(&cfg, &err), -ENOTSUP);
	small_params(&cfg, NACCS_ENGINE_AUTO);
	assert_int_equal(naccs_hash_pick_engine(&cfg, &err), NACCS_ENGINE_LIBSODIUM);
}

/* ---- parameters travel with each hash ---- */

static void test_needs_rehash(void **state)
{
	struct naccs_hash_params made, cfg;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX];
	bool match, rehash;

	(void)state;
	small_params(&made, NACCS_ENGINE_AUTO);
	assert_int_equal(naccs_hash_new(&made, "upgrade me", phc, &err), 0);

	struct {
		size_t field;
		uint32_t value;
		bool expect;
	} cases[] = {
	    {F(m_kib), 256, false},
	    {F(m_kib), 512, true},
	    {F(t_cost), 2, true},
	    {F(parallelism), 2, true},
	    {F(salt_len), 24, true},
	    {F(hash_len), 48, true},
	    {F(max_password_bytes), 64, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg = made;
		set_field(&cfg, cases[i].field, cases[i].value);
		match = false;
		rehash = !cases[i].expect;
		assert_int_equal(naccs_hash_verify(&cfg, phc, "upgrade me", &match, &rehash, &err),
				 0);
		assert_true(match);
		assert_true(rehash == cases[i].expect);
	}
	/* The engine is not a property of the hash: switching it needs no rehash. */
	cfg = made;
	cfg.engine = NACCS_ENGINE_LIBARGON2;
	assert_int_equal(naccs_hash_verify(&cfg, phc, "upgrade me", &match, &rehash, &err), 0);
	assert_true(match);
	assert_false(rehash);
	/* needs_rehash is optional. */
	assert_int_equal(naccs_hash_verify(&made, phc, "upgrade me", &match, NULL, &err), 0);
	assert_true(match);
}

static void test_phc_codec(void **state)
{
	struct naccs_phc h, h2;
	struct naccs_err err = {0};
	char out[NACCS_PHC_MAX], small[40];

	(void)state;
	assert_int_equal(naccs_phc_parse(GOOD_PHC, &h, &err), 0);
	assert_int_equal(h.alg, NACCS_ALG_ARGON2ID);
	assert_int_equal(h.version, 19);
	assert_int_equal(h.m_kib, 256);
	assert_int_equal(h.t_cost, 1);
	assert_int_equal(h.parallelism, 1);
	assert_int_equal(h.salt_len, 16);
	assert_memory_equal(h.salt, "somesaltsomesalt", 16);
	assert_int_equal(h.hash_len, 32);
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(h.hash[i], i);
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), 0);
	assert_string_equal(out, GOOD_PHC);
	assert_int_equal(naccs_phc_parse(out, &h2, &err), 0);
	assert_memory_equal(&h, &h2, sizeof(h));

	/* Largest salt and hash still fit NACCS_PHC_MAX. */
	h.m_kib = NACCS_HASH_M_KIB_MAX;
	h.t_cost = 64;
	h.parallelism = 64;
	h.salt_len = NACCS_SALT_MAX;
	h.hash_len = NACCS_HASH_OUT_MAX;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), 0);
	assert_int_equal(naccs_phc_parse(out, &h2, &err), 0);
	assert_int_equal(h2.salt_len, NACCS_SALT_MAX);
	assert_int_equal(h2.hash_len, NACCS_HASH_OUT_MAX);

	/* A short buffer is an error, never a crash or a truncated hash. */
	assert_int_equal(naccs_phc_format(&h, small, sizeof(small), &err), -ENOSPC);
	assert_string_equal(small, "");
	assert_int_equal(naccs_phc_format(&h, out, 0, &err), -EINVAL);
	h.salt_len = NACCS_SALT_MAX + 1;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), -EINVAL);
	h.salt_len = 16;
	h.version = 16;
	assert_int_equal(naccs_phc_format(&h, out, sizeof(out), &err), -EINVAL);
	assert_int_equal(naccs_phc_parse(NULL, &h, &err), -EINVAL);
}

static void test_malformed_phc(void **state)
{
	static const char *const bad[] = {
	    "",
	    "$",
	    "argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2i$v=19$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2d$v=19$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$ARGON2ID$v=19$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=16$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=019$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19x$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$t=1,m=256,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1,keyid=abc$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1,$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=0,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=65,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=0$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=65$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=4,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=24,t=1,p=4$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=4194305,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    /* Over the 1 GiB cap: refused before anything is allocated. */
	    "$argon2id$v=19$m=1048577,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=4194304,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=99999999999,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=4294967552,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=-1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=+256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=0256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m= 256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64,
	    "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "$",
	    "$argon2id$v=19$m=256,t=1,p=1$$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "==$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64 "=",
	    "$argon2id$v=19$m=256,t=1,p=1$c29tZXNh*HRzb21lc2FsdA$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHRzb21lc2FsdB$" HASH_B64, /* stray bits */
	    /* Bytes >= 0x80, which libsodium 1.0.18 decodes as '/' (found by
	     * fuzz/fuzz_phc.c; fuzz/corpus/phc/regress-b64-non-ascii.bin). */
	    "$argon2id$v=19$m=256,t=1,p=1$c29tZXNh"
	    "\xff"
	    "HRzb21lc2FsdA$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "$AAECAwQF"
	    "\x80"
	    "gcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
	    "$argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHRzb21lc2Fsd$" HASH_B64,   /* 1 char tail */
	    "$argon2id$v=19$m=256,t=1,p=1$c2hvcnQ$" HASH_B64,		      /* 5-byte salt */
	    "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "$AAAAAAAAAAAAAAAAAAAA", /* 15 bytes */
	    "$argon2id$v=19$m=256,t=1,p=1$" B64_65_BYTES "$" HASH_B64,
	    "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "$" B64_65_BYTES,
	    GOOD_PHC "$",
	    GOOD_PHC "$extra",
	    GOOD_PHC "\n",
	    GOOD_PHC " ",
	    " " GOOD_PHC,
	    "$argon2id$v=19$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64 "$" HASH_B64,
	    "$argon2id$$v=19$m=256,t=1,p=1$" SALT_B64 "$" HASH_B64,
	};
	struct naccs_hash_params cfg;
	struct naccs_err err;
	struct naccs_phc h;
	char longest[NACCS_PHC_MAX + 64];
	bool match, rehash;

	(void)state;
	small_params(&cfg, NACCS_ENGINE_AUTO);
	/* The template itself is fine, so each case fails for its own defect. */
	assert_int_equal(naccs_phc_parse(GOOD_PHC, &h, &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (naccs_phc_parse(bad[i], &h, &err) != -EINVAL)
			fail_msg("case %zu accepted: %s", i, bad[i]);
		assert_int_equal(err.code, EINVAL);
		assert_true(err.msg[0] != '\0');
		/* Messages never echo the stored salt or hash. */
		assert_null(strstr(err.msg, SALT_B64));
		assert_null(strstr(err.msg, "AAECAwQF"));
		match = true;
		rehash = true;
		assert_int_equal(naccs_hash_verify(&cfg, bad[i], "pw", &match, &rehash, &err),
				 -EINVAL);
		assert_false(match);
		assert_false(rehash);
	}
	/* Longer than any PHC string we make: refused before being decoded. */
	memset(longest, 'A', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memcpy(longest, GOOD_PHC, strlen(GOOD_PHC));
	assert_int_equal(naccs_phc_parse(longest, &h, &err), -EINVAL);
	assert_int_equal(naccs_hash_verify(&cfg, NULL, "pw", &match, &rehash, &err), -EINVAL);
	assert_int_equal(naccs_hash_verify(&cfg, GOOD_PHC, "pw", NULL, &rehash, &err), -EINVAL);
}

/* ---- password length ---- */

/* A password of exactly len bytes in buf (which has room for len + 1). */
static char *fill(char *buf, size_t len)
{
	memset(buf, 's', len);
	buf[len] = '\0';
	return buf;
}

static void test_password_length(void **state)
{
	struct naccs_hash_params cfg;
	struct naccs_err err = {0};
	char pw[4098], phc[NACCS_PHC_MAX];
	bool match = true, rehash = true;

	(void)state;
	small_params(&cfg, NACCS_ENGINE_AUTO);
	/* Exactly the limit: accepted. */
	fill(pw, 512);
	assert_int_equal(naccs_hash_new(&cfg, pw, phc, &err), 0);
	assert_verifies(&cfg, phc, pw, true);
	assert_null(strstr(phc, "ssss"));
	/* One more byte: refused by new, verify and the dummy alike. */
	fill(pw, 513);
	memset(&err, 0, sizeof(err));
	assert_int_equal(naccs_hash_new(&cfg, pw, phc, &err), -E2BIG);
	assert_int_equal(err.code, E2BIG);
	assert_null(strstr(err.msg, "ssss"));
	assert_string_equal(phc, "");
	assert_int_equal(naccs_hash_verify(&cfg, GOOD_PHC, pw, &match, &rehash, &err), -E2BIG);
	assert_false(match);
	assert_int_equal(naccs_hash_dummy_verify(&cfg, pw, &err), -E2BIG);

	/* The limit is checked before hashing: with 1 GiB and 64 passes any
	 * hashing would take minutes, so returning at once proves it. */
	cfg.m_kib = NACCS_HASH_M_KIB_MAX;
	cfg.t_cost = 64;
	assert_int_equal(naccs_hash_new(&cfg, pw, phc, &err), -E2BIG);
	assert_int_equal(naccs_hash_dummy_verify(&cfg, pw, &err), -E2BIG);

	/* A configured limit, and the largest allowed one. */
	small_params(&cfg, NACCS_ENGINE_LIBARGON2);
	cfg.max_password_bytes = 16;
	assert_int_equal(naccs_hash_new(&cfg, fill(pw, 16), phc, &err), 0);
	assert_int_equal(naccs_hash_new(&cfg, fill(pw, 17), phc, &err), -E2BIG);
	cfg.max_password_bytes = 4096;
	assert_int_equal(naccs_hash_new(&cfg, fill(pw, 4096), phc, &err), 0);
	assert_verifies(&cfg, phc, pw, true);
	assert_int_equal(naccs_hash_new(&cfg, fill(pw, 4097), phc, &err), -E2BIG);
	assert_int_equal(naccs_hash_new(&cfg, NULL, phc, &err), -EINVAL);
}

/* ---- unknown users ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_dummy_verify(void **state)
{
	static const enum naccs_engine_id engines[] = {NACCS_ENGINE_AUTO, NACCS_ENGINE_LIBARGON2,
						       NACCS_ENGINE_LIBSODIUM};
	struct naccs_hash_params cfg;
	struct naccs_err err = {0};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		small_params(&cfg, engines[i]);
		assert_int_equal(naccs_hash_dummy_verify(&cfg, "anything", &err), 0);
		assert_int_equal(naccs_hash_dummy_verify(&cfg, "", &err), -EINVAL);
		cfg.salt_len = 64;
		cfg.hash_len = 64;
		assert_int_equal(naccs_hash_dummy_verify(&cfg, "anything", &err), 0);
	}
	small_params(&cfg, NACCS_ENGINE_LIBSODIUM);
	cfg.parallelism = 2;
	assert_int_equal(naccs_hash_dummy_verify(&cfg, "p2", &err), 0);
	assert_int_equal(naccs_hash_dummy_verify(&cfg, NULL, &err), -EINVAL);
	cfg.t_cost = 0;
	assert_int_equal(naccs_hash_dummy_verify(&cfg, "x", &err), -EINVAL);
}

/* The dummy really does the work: it costs about what a verification does
 * (coarse bound, so a loaded machine does not make this flaky). */
static void test_dummy_costs_like_verify(void **state)
{
	struct naccs_hash_params cfg;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX];
	double real = 1e9, dummy = 1e9;
	bool match;

	(void)state;
	naccs_hash_params_default(&cfg);
	cfg.m_kib = 8192;
	cfg.t_cost = 2;
	assert_int_equal(naccs_hash_new(&cfg, "timing", phc, &err), 0);
	for (int i = 0; i < 5; i++) {
		double t0 = now_ms(), t1, t2;

		assert_int_equal(naccs_hash_verify(&cfg, phc, "timing", &match, NULL, &err), 0);
		t1 = now_ms();
		assert_int_equal(naccs_hash_dummy_verify(&cfg, "timing", &err), 0);
		t2 = now_ms();
		real = t1 - t0 < real ? t1 - t0 : real;
		dummy = t2 - t1 < dummy ? t2 - t1 : dummy;
	}
	if (dummy < 0.3 * real)
		fail_msg("dummy verify %.3f ms vs real %.3f ms", dummy, real);
}

/* ---- the defaults, once, at full cost ---- */

static void test_default_params_64mib(void **state)
{
	static const char upstream[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
				       "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
	struct naccs_hash_params cfg;
	struct naccs_err err = {0};
	char phc[NACCS_PHC_MAX];
	bool match = false, rehash = true;

	(void)state;
	naccs_hash_params_default(&cfg);
	assert_int_equal(naccs_hash_new(&cfg, "default cost", phc, &err), 0);
	assert_true(strncmp(phc, "$argon2id$v=19$m=65536,t=3,p=1$", 31) == 0);
	assert_int_equal(strlen(phc), 31 + 22 + 1 + 43);
	assert_int_equal(naccs_hash_verify(&cfg, phc, "default cost", &match, &rehash, &err), 0);
	assert_true(match);
	assert_false(rehash);
	cfg.engine = NACCS_ENGINE_LIBARGON2;
	assert_verifies(&cfg, phc, "default cost", true);
	assert_verifies(&cfg, phc, "default cosT", false);
	/* The reference implementation's 64 MiB vector. */
	assert_verifies(&cfg, upstream, "password", true);
	assert_int_equal(naccs_hash_dummy_verify(&cfg, "default cost", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    REQ_TEST(REQ_SELECT, test_params_default),
	    REQ_TEST(REQ_SELECT, test_params_validate),
	    REQ_TEST(REQ_SWAP, test_engine_names),
	    REQ_TEST(REQ_SWAP, test_engine_supports),
	    REQ_TEST(REQ_SWAP, test_roundtrip_libargon2),
	    REQ_TEST(REQ_SWAP, test_roundtrip_libsodium),
	    REQ_TEST(REQ_SWAP, test_roundtrip_auto),
	    REQ_TEST(REQ_ONEWAY, test_wrong_password),
	    REQ_TEST(REQ_SWAP, test_cross_engine_verify),
	    REQ_TEST(REQ_SWAP, test_engines_same_raw_output),
	    REQ_TEST(REQ_SELECT, test_reference_encoded_verifies),
	    REQ_TEST(REQ_SELECT, test_ours_verify_in_references),
	    REQ_TEST(REQ_ONEWAY, test_known_answers),
	    REQ_TEST(REQ_SWAP, test_parallelism),
	    REQ_TEST(REQ_SELECT, test_needs_rehash),
	    REQ_TEST(REQ_SELECT, test_phc_codec),
	    REQ_TEST(REQ_SELECT, test_malformed_phc),
	    REQ_TEST(REQ_ONEWAY, test_password_length),
	    REQ_TEST(REQ_ONEWAY, test_dummy_verify),
	    REQ_TEST(REQ_ONEWAY, test_dummy_costs_like_verify),
	    REQ_TEST(REQ_ONEWAY, test_default_params_64mib),
	};

	return cmocka_run_group_tests_name("naccs_hash", tests, NULL, NULL);
}
