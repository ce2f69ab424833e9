/* Benchmark (not a test): what one password change costs through the policy
 * layer pam_sm_chauthtok calls (naccs_policy_password_begin + _change: the
 * current password verified, every strength rule and the cracklib
 * dictionary, the history verified, the new hash, the compare-and-swap
 * write), with a history of 0 and of 24 full entries, against one argon2id
 * verification at the same parameters.  The new password is never in the
 * history, so every entry is verified (the worst case: a match stops early).
 *
 *   bench_chauthtok [--m-kib N] [--t N] [--p N] [--rounds N]
 *
 * Runs in its own temporary store; nothing outside it changes.  The median
 * of the rounds is printed. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "config/conf.h"
#include "crypto/hash.h"
#include "policy/policy.h"
#include "store/store.h"

#define MAX_ROUNDS 100
#define HISTORY	   24

struct bench {
	struct naccs_config cfg;
	struct naccs_policy pol;
	unsigned rounds;
	char dir[64];
	unsigned serial; /* next password number */
	char cur[2][64]; /* the current password of each ID */
};

static const char *const logins[2] = {"abcde-001", "abcde-002"};

/* A distinct password per n: no repeats, sequences or identifying numbers. */
static void pw_name(unsigned n, char *out, size_t len)
{
	char tail[16];

	for (int i = 0; i < 6; i++, n /= 4) {
		tail[2 * i] = "3579"[n % 4];
		tail[2 * i + 1] = 'x';
	}
	tail[12] = '\0';
	snprintf(out, len, "Bench-Kq!vZ-%s", tail);
}

static int setup(struct bench *b)
{
	struct naccs_store_options opt = {
	    .owner_uid = getuid(), .timeout_ms = 60000, .create = true};
	struct naccs_err err;
	char phc[NACCS_PHC_MAX], prev[NACCS_PHC_MAX];
	int rc = 0;

	snprintf(b->dir, sizeof(b->dir), "/tmp/naccs-bench-XXXXXX");
	if (mkdtemp(b->dir) == NULL)
		return -1;
	b->cfg.owner_uid = getuid();
	b->cfg.store_timeout_ms = 60000;
	b->cfg.password.min_age_days = 0;
	b->cfg.password.min_diff = 0; /* the bench passwords differ in a counter only */
	snprintf(b->cfg.store_path, sizeof(b->cfg.store_path), "%s/naccs.db", b->dir);
	opt.path = b->cfg.store_path;
	rc = naccs_store_open(&opt, &b->pol.store, &err);
	b->pol.cfg = &b->cfg;
	for (int i = 0; rc == 0 && i < 2; i++) {
		struct naccs_identity id = {.uid = NACCS_UID_ALLOCATE, .gid = 100};

		snprintf(id.login, sizeof(id.login), "%s", logins[i]);
		snprintf(id.user_code, sizeof(id.user_code), "ABCDE");
		snprintf(id.id_number, sizeof(id.id_number), "00%d", i + 1);
		snprintf(id.home, sizeof(id.home), "/home/%s", logins[i]);
		snprintf(id.shell, sizeof(id.shell), "/bin/sh");
		pw_name(b->serial++, b->cur[i], sizeof(b->cur[i]));
		rc = naccs_hash_new(&b->cfg.hash, b->cur[i], prev, &err);
		if (rc == 0)
			rc = naccs_store_add_identity(b->pol.store, 0, &id, 20000, 29999, prev,
						      false, "bench", "bench", &err);
		/* The second ID gets a full history at the shipped parameters. */
		for (int h = 0; rc == 0 && i == 1 && h < HISTORY; h++) {
			pw_name(b->serial++, b->cur[i], sizeof(b->cur[i]));
			rc = naccs_hash_new(&b->cfg.hash, b->cur[i], phc, &err);
			if (rc == 0)
				rc = naccs_store_change_password(b->pol.store, 0, logins[i], prev,
								 phc, HISTORY, "bench", &err);
			memcpy(prev, phc, sizeof(prev));
		}
	}
	if (rc < 0)
		fprintf(stderr, "bench_chauthtok: setup: %s\n", err.msg);
	return rc;
}

/* One change of ID i with history h; its time in *ms. */
static int change_once(struct bench *b, int i, unsigned h, double *ms)
{
	struct naccs_request req = {.service = "passwd", .user = logins[i]};
	struct naccs_pw_change c;
	struct naccs_err err;
	char next[64];
	enum naccs_outcome o;
	double t0;

	b->cfg.password.history = h;
	pw_name(b->serial++, next, sizeof(next));
	t0 = bench_now_ms();
	o = naccs_policy_password_begin(&b->pol, &req, false, b->cur[i], &c, &err);
	if (o == NACCS_OUT_ALLOW)
		o = naccs_policy_password_change(&b->pol, &req, &c, b->cur[i], next, &err);
	*ms = bench_now_ms() - t0;
	if (o != NACCS_OUT_ALLOW) {
		fprintf(stderr, "bench_chauthtok: change refused: %s %s\n", c.message, err.msg);
		naccs_pw_change_clear(&c);
		return -1;
	}
	naccs_pw_change_clear(&c);
	memcpy(b->cur[i], next, sizeof(next));
	return 0;
}

static int verify_once(const struct bench *b, double *ms)
{
	char phc[NACCS_PHC_MAX];
	bool match = false, rehash = false;
	struct naccs_err err;
	double t0;
	int rc = naccs_hash_new(&b->cfg.hash, "Bench-Verify-1!", phc, &err);

	t0 = bench_now_ms();
	if (rc == 0)
		rc = naccs_hash_verify(&b->cfg.hash, phc, "Bench-Verify-1!", &match, &rehash, &err);
	*ms = bench_now_ms() - t0;
	return rc == 0 && match ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct bench b;
	double *v, *h0, *h24;
	char cmd[128];
	int rc = 0, engine;

	memset(&b, 0, sizeof(b));
	naccs_config_defaults(&b.cfg);
	b.rounds = 5;
	if (bench_parse_args(argc, argv, &b.cfg.hash, &b.rounds, MAX_ROUNDS) < 0 ||
	    naccs_hash_params_validate(&b.cfg.hash, NULL) < 0)
		return 2;
	v = calloc(b.rounds, sizeof(double));
	h0 = calloc(b.rounds, sizeof(double));
	h24 = calloc(b.rounds, sizeof(double));
	if (v == NULL || h0 == NULL || h24 == NULL || setup(&b) < 0)
		rc = 1;
	for (unsigned r = 0; rc == 0 && r < b.rounds; r++) {
		if (verify_once(&b, &v[r]) < 0 || change_once(&b, 0, 0, &h0[r]) < 0 ||
		    change_once(&b, 1, HISTORY, &h24[r]) < 0)
			rc = 1;
	}
	if (rc == 0) {
		double mv = bench_median(v, b.rounds), m0 = bench_median(h0, b.rounds),
		       m24 = bench_median(h24, b.rounds);

		engine = naccs_hash_pick_engine(&b.cfg.hash, NULL);
		printf("parameters: argon2id m=%u KiB t=%u p=%u, engine %s, %u rounds (median)\n",
		       b.cfg.hash.m_kib, b.cfg.hash.t_cost, b.cfg.hash.parallelism,
		       engine < 0 ? "?" : naccs_hash_engine_name((enum naccs_engine_id)engine),
		       b.rounds);
		printf("%-45s %9.2f ms\n", "one argon2id verification", mv);
		printf("%-45s %9.2f ms  (%.2f verifications)\n", "password change, history 0", m0,
		       m0 / mv);
		printf("%-45s %9.2f ms  (%.2f verifications)\n",
		       "password change, history 24 (all checked)", m24, m24 / mv);
		printf("a change verifies the current password, verifies each history entry (in "
		       "parallel on up to 4 cores, stopping at a match) and makes one new hash\n");
	}
	if (b.pol.store != NULL)
		naccs_store_close(b.pol.store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
	if (b.dir[0] != '\0' && system(cmd) != 0)
		fprintf(stderr, "bench_chauthtok: could not remove %s\n", b.dir);
	free(v);
	free(h0);
	free(h24);
	return rc;
}
