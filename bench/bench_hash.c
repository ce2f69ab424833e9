/* Benchmark (not a test): milliseconds per argon2id verification with each
 * engine at the configured parameters, their ratio measured in the same run,
 * the cost of the unknown-user dummy verification against a real one, and
 * one PBKDF2-HMAC-SHA-256 verification (the CRYPTREC engine, openssl) at
 * the configured iterations with its dummy.
 *
 *   bench_hash [--m-kib N] [--t N] [--p N] [--iterations N] [--rounds N]
 *
 * Defaults are the shipped ones (64 MiB, t = 3, p = 1; 600000 PBKDF2
 * iterations). Each round times
 * every case once, interleaved, so drift in CPU frequency or load hits all
 * cases alike; the median of the rounds is printed. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "crypto/hash.h"

#define MAX_ROUNDS 1000

enum bench_case { B_LIBARGON2, B_LIBSODIUM, B_REAL, B_DUMMY, B_PBKDF2, B_PBKDF2_DUMMY, B_COUNT };

struct bench {
	struct naccs_hash_params cfg;
	struct naccs_hash_params pbkdf2; /* cfg with algorithm = pbkdf2-sha256 */
	unsigned rounds;
	bool have_sodium;	 /* libsodium computes these parameters */
	char phc[NACCS_PHC_MAX]; /* made with cfg */
	char pbkdf2_phc[NACCS_PHC_MAX];
	double *ms[B_COUNT]; /* per round */
};

static const char bench_pw[] = "benchmark password";

static int time_verify(struct bench *b, enum naccs_engine_id engine, double *ms)
{
	struct naccs_hash_params cfg = b->cfg;
	struct naccs_err err = {0};
	bool match = false;
	double t0;
	int rc;

	cfg.engine = engine;
	t0 = bench_now_ms();
	rc = naccs_hash_verify(&cfg, b->phc, bench_pw, &match, NULL, &err);
	*ms = bench_now_ms() - t0;
	if (rc != 0 || !match) {
		fprintf(stderr, "verify with %s failed: %s\n", naccs_hash_engine_name(engine),
			rc != 0 ? err.msg : "no match");
		return rc != 0 ? rc : -EINVAL;
	}
	return 0;
}

static int time_pbkdf2(struct bench *b, double *ms)
{
	struct naccs_err err = {0};
	bool match = false;
	double t0 = bench_now_ms();
	int rc = naccs_hash_verify(&b->pbkdf2, b->pbkdf2_phc, bench_pw, &match, NULL, &err);

	*ms = bench_now_ms() - t0;
	if (rc != 0 || !match) {
		fprintf(stderr, "pbkdf2-sha256 verify failed: %s\n",
			rc != 0 ? err.msg : "no match");
		return rc != 0 ? rc : -EINVAL;
	}
	return 0;
}

static int time_dummy(const struct naccs_hash_params *cfg, double *ms)
{
	struct naccs_err err = {0};
	double t0 = bench_now_ms();
	int rc = naccs_hash_dummy_verify(cfg, bench_pw, &err);

	*ms = bench_now_ms() - t0;
	if (rc != 0)
		fprintf(stderr, "dummy verify failed: %s\n", err.msg);
	return rc;
}

static int run_round(struct bench *b, unsigned r)
{
	int rc;

	if ((rc = time_verify(b, NACCS_ENGINE_LIBARGON2, &b->ms[B_LIBARGON2][r])) != 0)
		return rc;
	if (b->have_sodium &&
	    (rc = time_verify(b, NACCS_ENGINE_LIBSODIUM, &b->ms[B_LIBSODIUM][r])) != 0)
		return rc;
	if ((rc = time_verify(b, b->cfg.engine, &b->ms[B_REAL][r])) != 0)
		return rc;
	if ((rc = time_dummy(&b->cfg, &b->ms[B_DUMMY][r])) != 0)
		return rc;
	if ((rc = time_pbkdf2(b, &b->ms[B_PBKDF2][r])) != 0)
		return rc;
	return time_dummy(&b->pbkdf2, &b->ms[B_PBKDF2_DUMMY][r]);
}

static int setup(struct bench *b)
{
	struct naccs_hash_params sodium = b->cfg;
	struct naccs_err err = {0};
	int rc;

	b->pbkdf2 = b->cfg;
	b->pbkdf2.alg = NACCS_ALG_PBKDF2_SHA256;
	if (naccs_hash_params_validate(&b->cfg, &err) != 0 ||
	    naccs_hash_new(&b->cfg, bench_pw, b->phc, &err) != 0 ||
	    naccs_hash_new(&b->pbkdf2, bench_pw, b->pbkdf2_phc, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -EINVAL;
	}
	sodium.engine = NACCS_ENGINE_LIBSODIUM;
	b->have_sodium = naccs_hash_pick_engine(&sodium, NULL) == NACCS_ENGINE_LIBSODIUM;
	for (int i = 0; i < B_COUNT; i++) {
		b->ms[i] = calloc(b->rounds, sizeof(double));
		if (b->ms[i] == NULL)
			return -ENOMEM;
	}
	/* One untimed run per engine: page faults of the first allocation,
	 * libsodium's CPU feature probe. */
	rc = time_verify(b, NACCS_ENGINE_LIBARGON2, &b->ms[B_LIBARGON2][0]);
	if (rc == 0 && b->have_sodium)
		rc = time_verify(b, NACCS_ENGINE_LIBSODIUM, &b->ms[B_LIBSODIUM][0]);
	return rc;
}

static void report(struct bench *b)
{
	double argon2 = bench_median(b->ms[B_LIBARGON2], b->rounds);
	double real = bench_median(b->ms[B_REAL], b->rounds);
	double dummy = bench_median(b->ms[B_DUMMY], b->rounds);
	double pbkdf2 = bench_median(b->ms[B_PBKDF2], b->rounds);
	double pbkdf2_dummy = bench_median(b->ms[B_PBKDF2_DUMMY], b->rounds);
	int real_engine = naccs_hash_pick_engine(&b->cfg, NULL);

	printf("params: argon2id m_kib=%u t=%u p=%u salt=%u hash=%u rounds=%u\n", b->cfg.m_kib,
	       b->cfg.t_cost, b->cfg.parallelism, b->cfg.salt_len, b->cfg.hash_len, b->rounds);
	printf("libargon2 ms/verify: %.2f\n", argon2);
	if (b->have_sodium) {
		double sodium = bench_median(b->ms[B_LIBSODIUM], b->rounds);

		printf("libsodium ms/verify: %.2f\n", sodium);
		printf("ratio libargon2/libsodium: %.2f\n", argon2 / sodium);
	} else {
		printf("libsodium ms/verify: unsupported (needs p = 1, 16-byte salt)\n");
		printf("ratio libargon2/libsodium: n/a\n");
	}
	printf("real verify ms (engine auto -> %s): %.2f\n",
	       real_engine > 0 ? naccs_hash_engine_name((enum naccs_engine_id)real_engine) : "?",
	       real);
	printf("dummy verify ms: %.2f\n", dummy);
	printf("ratio dummy/real: %.2f\n", dummy / real);
	printf("pbkdf2-sha256 (openssl) i=%u ms/verify: %.2f\n", b->pbkdf2.pbkdf2_iterations,
	       pbkdf2);
	printf("pbkdf2-sha256 dummy verify ms: %.2f\n", pbkdf2_dummy);
	printf("ratio pbkdf2 dummy/real: %.2f\n", pbkdf2_dummy / pbkdf2);
}

int main(int argc, char **argv)
{
	struct bench b;
	int rc;

	memset(&b, 0, sizeof(b));
	naccs_hash_params_default(&b.cfg);
	b.rounds = 9;
	if (bench_parse_args(argc, argv, &b.cfg, &b.rounds, MAX_ROUNDS) != 0)
		return 2;
	rc = setup(&b);
	for (unsigned r = 0; rc == 0 && r < b.rounds; r++)
		rc = run_round(&b, r);
	if (rc == 0)
		report(&b);
	for (int i = 0; i < B_COUNT; i++)
		free(b.ms[i]);
	return rc == 0 ? 0 : 1;
}
