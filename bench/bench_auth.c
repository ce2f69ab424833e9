/* Benchmark (not a test): what one whole PAM authentication through
 * pam_naccs.so costs, against one argon2id verification by the fastest engine
 * at the same parameters (the bar: at most 1.05 x), and whether an unknown
 * user, a wrong password or a locked ID (right password) take the same time
 * as a right one.
 *
 *   bench_auth [--m-kib N] [--t N] [--p N] [--rounds N]
 *
 * Runs with its own temporary config, store and PAM service directory
 * (pam_start_confdir): nothing outside it changes. Each round times every
 * case once, interleaved; the median of the rounds is printed. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "bench_pam.h"
#include "bench_util.h"
#include "audit/trail.h"
#include "config/conf.h"
#include "crypto/hash.h"
#include "base/secret.h"
#include "store/store.h"
#include "audit/key.h"

#define MAX_ROUNDS 1000

enum bench_case { B_VERIFY, B_AUTH_OK, B_AUTH_UNKNOWN, B_AUTH_WRONG, B_AUTH_LOCKED, B_COUNT };

static const char *const case_name[B_COUNT] = {
    "one argon2id verification (fastest engine)",
    "PAM authentication, right password",
    "PAM authentication, unknown user",
    "PAM authentication, wrong password",
    "PAM authentication, locked ID, right password",
};

static const char bench_pw[] = "Bench-Passw0rd!";

struct bench {
	struct naccs_hash_params cfg;
	unsigned rounds;
	char dir[64];
	char phc[NACCS_PHC_MAX];
	double *ms[B_COUNT];
};

static int setup(struct bench *b)
{
	char path[256], text[1024];
	struct naccs_store_options opt = {
	    .owner_uid = getuid(), .timeout_ms = 5000, .create = true};
	struct naccs_identity id = {.uid = NACCS_UID_ALLOCATE, .gid = 100};
	struct naccs_store *st = NULL;
	struct naccs_config acfg;
	char key[NACCS_AUDIT_MAC_HEX + 1];
	struct naccs_err err;
	int rc;

	snprintf(b->dir, sizeof(b->dir), "/tmp/naccs-bench-XXXXXX");
	if (mkdtemp(b->dir) == NULL)
		return -1;
	/* The audit trail on, as installed: the bar includes its line. */
	naccs_config_defaults(&acfg);
	acfg.owner_uid = getuid();
	snprintf(acfg.audit_dir, sizeof(acfg.audit_dir), "%s/audit", b->dir);
	if (naccs_audit_create(&acfg, key, &err) < 0)
		return -1;
	naccs_wipe(key, sizeof(key));
	snprintf(text, sizeof(text),
		 "[store]\npath = %s/naccs.db\n[hash]\nmemory_kib = %u\ntime_cost = %u\n"
		 "parallelism = %u\n[audit]\ndir = %s/audit\n",
		 b->dir, b->cfg.m_kib, b->cfg.t_cost, b->cfg.parallelism, b->dir);
	snprintf(path, sizeof(path), "%s/naccs.conf", b->dir);
	if (bench_write_private(path, text) < 0)
		return -1;
	snprintf(text, sizeof(text), "auth required %s conf=%s owner=%u nodelay\n",
		 BENCH_MODULE_PATH, path, (unsigned)getuid());
	snprintf(path, sizeof(path), "%s/naccs-bench", b->dir);
	if (bench_write_private(path, text) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/naccs.db", b->dir);
	opt.path = path;
	snprintf(id.login, sizeof(id.login), "abcde-001");
	snprintf(id.user_code, sizeof(id.user_code), "ABCDE");
	snprintf(id.id_number, sizeof(id.id_number), "001");
	snprintf(id.home, sizeof(id.home), "/home/abcde-001");
	snprintf(id.shell, sizeof(id.shell), "/bin/sh");
	rc = naccs_store_open(&opt, &st, &err);
	if (rc == 0)
		rc = naccs_hash_new(&b->cfg, bench_pw, b->phc, &err);
	if (rc == 0)
		rc = naccs_store_add_identity(st, naccs_deadline_in(5000), &id, 20000, 29999,
					      b->phc, false, "bench", "bench", &err);
	/* A locked ID with the same password. */
	snprintf(id.login, sizeof(id.login), "abcde-002");
	snprintf(id.id_number, sizeof(id.id_number), "002");
	id.uid = NACCS_UID_ALLOCATE;
	if (rc == 0)
		rc = naccs_store_add_identity(st, naccs_deadline_in(5000), &id, 20000, 29999,
					      b->phc, false, "bench", "bench", &err);
	if (rc == 0)
		rc = naccs_store_set_flag(st, naccs_deadline_in(5000), "abcde-002",
					  NACCS_FLAG_LOCKED, true, "bench", "bench", &err);
	if (st != NULL)
		naccs_store_close(st);
	if (rc < 0)
		fprintf(stderr, "bench_auth: setup: %s\n", err.msg);
	return rc;
}

static int pam_auth(const struct bench *b, const char *user, const char *pw, double *ms)
{
	struct pam_conv c = {bench_pam_conv, (void *)pw};
	pam_handle_t *pamh = NULL;
	double t0 = bench_now_ms();
	int rv = pam_start_confdir("naccs-bench", user, &c, b->dir, &pamh);

	if (rv == PAM_SUCCESS)
		rv = pam_authenticate(pamh, PAM_SILENT);
	if (pamh != NULL)
		pam_end(pamh, rv);
	*ms = bench_now_ms() - t0;
	return rv;
}

static int verify(const struct bench *b, double *ms)
{
	bool match = false, rehash = false;
	struct naccs_err err;
	double t0 = bench_now_ms();
	int rc = naccs_hash_verify(&b->cfg, b->phc, bench_pw, &match, &rehash, &err);

	*ms = bench_now_ms() - t0;
	return rc == 0 && match ? 0 : -1;
}

static int round_once(struct bench *b, unsigned r)
{
	if (verify(b, &b->ms[B_VERIFY][r]) < 0 ||
	    pam_auth(b, "abcde-001", bench_pw, &b->ms[B_AUTH_OK][r]) != PAM_SUCCESS ||
	    pam_auth(b, "zzzzz-999", bench_pw, &b->ms[B_AUTH_UNKNOWN][r]) != PAM_USER_UNKNOWN ||
	    pam_auth(b, "abcde-001", "wrong", &b->ms[B_AUTH_WRONG][r]) != PAM_AUTH_ERR ||
	    pam_auth(b, "abcde-002", bench_pw, &b->ms[B_AUTH_LOCKED][r]) != PAM_AUTH_ERR) {
		fprintf(stderr, "bench_auth: a case did not give the expected answer\n");
		return -1;
	}
	return 0;
}

static void report(struct bench *b)
{
	double med[B_COUNT];
	int engine = naccs_hash_pick_engine(&b->cfg, NULL);

	for (int c = 0; c < B_COUNT; c++)
		med[c] = bench_median(b->ms[c], b->rounds);
	printf("parameters: argon2id m=%u KiB t=%u p=%u, engine %s, %u rounds (median)\n",
	       b->cfg.m_kib, b->cfg.t_cost, b->cfg.parallelism,
	       engine < 0 ? "?" : naccs_hash_engine_name((enum naccs_engine_id)engine), b->rounds);
	for (int c = 0; c < B_COUNT; c++)
		printf("%-45s %9.2f ms\n", case_name[c], med[c]);
	printf("ratio authentication / one verification:      %6.3f (bar: <= 1.05)\n",
	       med[B_AUTH_OK] / med[B_VERIFY]);
	printf("ratio unknown user / right password:           %6.3f (want ~1.00)\n",
	       med[B_AUTH_UNKNOWN] / med[B_AUTH_OK]);
	printf("ratio wrong password / right password:         %6.3f (want ~1.00)\n",
	       med[B_AUTH_WRONG] / med[B_AUTH_OK]);
	printf("ratio locked ID (right password) / wrong:      %6.3f (want ~1.00)\n",
	       med[B_AUTH_LOCKED] / med[B_AUTH_WRONG]);
}

int main(int argc, char **argv)
{
	struct bench b;
	char cmd[128];
	int rc = 0;

	memset(&b, 0, sizeof(b));
	naccs_hash_params_default(&b.cfg);
	b.rounds = 21;
	if (bench_parse_args(argc, argv, &b.cfg, &b.rounds, MAX_ROUNDS) < 0 ||
	    naccs_hash_params_validate(&b.cfg, NULL) < 0)
		return 2;
	for (int c = 0; c < B_COUNT; c++)
		if ((b.ms[c] = calloc(b.rounds, sizeof(double))) == NULL)
			return 1;
	if (setup(&b) < 0)
		rc = 1;
	for (unsigned r = 0; rc == 0 && r < b.rounds; r++)
		if (round_once(&b, r) < 0)
			rc = 1;
	if (rc == 0)
		report(&b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
	if (b.dir[0] != '\0' && system(cmd) != 0)
		fprintf(stderr, "bench_auth: could not remove %s\n", b.dir);
	for (int c = 0; c < B_COUNT; c++)
		free(b.ms[c]);
	return rc;
}
