/* Benchmark (not a test): the login transactions of the lockout rules, and
 * the flood cap's effect on memory.
 *
 *   bench_lockout [--rounds N]
 *
 * 1. The failed-login transaction (record the failure, prune, count the
 *    failures in the window, maybe lock) and the successful-login
 *    transaction (record the login, keep the previous one, reset the
 *    count), in ms (median, p99), with 10, 10,000 and 100,000 IDs and
 *    1,000,000 failure rows in the store (spread over the last 399 days,
 *    before each ID's last reset, as in a store in use), synchronous=FULL.
 * 2. Peak memory (sum of the resident sizes of the processes) of 200
 *    simultaneous verifications at 8 MiB each, with the cap at 2 and
 *    without a cap.
 * Everything happens in a temporary directory. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"
#include "rules/flood.h"
#include "crypto/hash.h"
#include "policy/lockout.h"
#include "rules/lockout.h"
#include "store/store.h"

#define FAILURE_ROWS 1000000L
#define MAX_ROUNDS   100000
#define CHILDREN     200

static const char bench_pw[] = "Bench-Passw0rd!";

static int die(const char *what, const char *why)
{
	fprintf(stderr, "bench_lockout: %s: %s\n", what, why);
	exit(1);
}

static void sql(sqlite3 *db, const char *text)
{
	char *msg = NULL;

	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
		die(text, msg ? msg : "?");
}

/* A store with n IDs (one shared hash) and FAILURE_ROWS failures. */
static void fill_store(const char *path, long n, int64_t now)
{
	struct naccs_store_options opt = {
	    .path = path, .owner_uid = getuid(), .timeout_ms = 60000, .create = true};
	struct naccs_hash_params p;
	struct naccs_store *st = NULL;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX], q[1024];
	sqlite3 *db = NULL;

	if (naccs_store_open(&opt, &st, &err) < 0)
		die("store", err.msg);
	naccs_store_close(st);
	naccs_hash_params_default(&p);
	p.m_kib = 1024;
	p.t_cost = 1;
	if (naccs_hash_new(&p, bench_pw, phc, &err) < 0)
		die("hash", err.msg);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, "open");
	sql(db, "BEGIN");
	snprintf(
	    q, sizeof(q),
	    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %ld) "
	    "INSERT INTO identities (id, login, uid, gid, gecos, home, shell, kind, created_by, "
	    "created_at) SELECT i, printf('u%%07d', i), 100000 + i, 100, '', '/home/u', "
	    "'/bin/sh', 'shared', 'bench', %lld FROM c",
	    n, (long long)now);
	sql(db, q);
	snprintf(q, sizeof(q),
		 "INSERT INTO credentials (identity, phc, changed_at) SELECT id, '%s', %lld "
		 "FROM identities",
		 phc, (long long)now);
	sql(db, q);
	sql(db, "INSERT INTO flags (identity) SELECT id FROM identities");
	snprintf(q, sizeof(q),
		 "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %ld) "
		 "INSERT INTO failures (identity, at, service, tty, rhost) SELECT "
		 "1 + abs(random()) %% %ld, %lld - abs(random()) %% (399 * 86400) - 3600, "
		 "'sshd', 'ssh', '192.0.2.' || (i %% 250) FROM c",
		 FAILURE_ROWS, n, (long long)now);
	sql(db, q);
	/* A store in use: old failures are before each ID's last reset. */
	sql(db, "UPDATE flags SET failure_mark = (SELECT max(id) FROM failures)");
	sql(db, "COMMIT");
	sqlite3_close(db);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, long n, double *v, unsigned k)
{
	qsort(v, k, sizeof(*v), cmp);
	printf("  %-38s %7ld IDs: median %6.2f ms, p99 %6.2f ms\n", what, n, v[k / 2],
	       v[(k * 99) / 100 < k ? (k * 99) / 100 : k - 1]);
}

static void transactions(const char *dir, long n, unsigned rounds)
{
	char path[600];
	struct naccs_store_options opt = {.path = path, .owner_uid = getuid(), .timeout_ms = 60000};
	struct naccs_store *st = NULL;
	struct naccs_lockout_rule rule;
	struct naccs_login_event ev = {.service = "sshd", .tty = "ssh", .rhost = "192.0.2.1"};
	struct naccs_account_state s;
	struct naccs_err err;
	double *fail = calloc(rounds, sizeof(double)), *ok = calloc(rounds, sizeof(double));
	int64_t now = (int64_t)time(NULL);

	snprintf(path, sizeof(path), "%s/bench-%ld.db", dir, n);
	fill_store(path, n, now);
	if (naccs_store_open(&opt, &st, &err) < 0)
		die("store", err.msg);
	naccs_lockout_rule_default(&rule);
	rule.deny = 5; /* the defaults of naccs.conf */
	rule.unlock_time = 600;
	for (unsigned r = 0; r < rounds; r++) {
		struct naccs_identity id;
		struct naccs_account_state seen;
		char login[16];
		double t0;

		snprintf(login, sizeof(login), "u%07ld",
			 1 + (long)(((unsigned long)r * 7919UL) % (unsigned long)n));
		if (naccs_store_find(st, 0, login, &id, &err) < 0)
			die("find", err.msg);
		ev.at = now;
		/* The policy's failure: the state read, then the failure
		 * appended, counted and maybe locked (policy/lockout.h). */
		t0 = bench_now_ms();
		if (naccs_policy_count_failure(st, 0, &rule, &id, &ev, NULL, &s, &err) < 0)
			die("record_failure", err.msg);
		fail[r] = bench_now_ms() - t0;
		if (naccs_store_get_state(st, 0, login, &seen, &err) < 0)
			die("get_state", err.msg);
		t0 = bench_now_ms();
		if (naccs_policy_note_success(st, 0, &rule, login, &ev, &seen, NULL, &s, &err) <
			0 &&
		    err.code != ECANCELED)
			die("record_success", err.msg);
		ok[r] = bench_now_ms() - t0;
	}
	naccs_store_close(st);
	report("failed login (record+window+lock)", n, fail, rounds);
	report("successful login (record+previous)", n, ok, rounds);
	free(fail);
	free(ok);
	unlink(path);
}

/* Sum of the private memory (KiB: Private_Clean + Private_Dirty of
 * smaps_rollup) of the pids still running: what each process holds of its
 * own, not the pages it still shares with the parent after fork. */
static long private_kib(const pid_t *pids, int n)
{
	long total = 0;

	for (int i = 0; i < n; i++) {
		char p[64], line[256];
		FILE *f;

		if (pids[i] <= 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%d/smaps_rollup", (int)pids[i]);
		f = fopen(p, "r");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL) {
			long kib;

			if (sscanf(line, "Private_Clean: %ld kB", &kib) == 1 ||
			    sscanf(line, "Private_Dirty: %ld kB", &kib) == 1)
				total += kib;
		}
		fclose(f);
	}
	return total;
}

static void flood(const char *dir, unsigned cap)
{
	struct naccs_hash_params p;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX], slots[600];
	pid_t pids[CHILDREN];
	long peak = 0;
	int left = CHILDREN, busy = 0, go[2];
	double t0;

	naccs_hash_params_default(&p);
	p.m_kib = 8192;
	p.t_cost = 1;
	if (naccs_hash_new(&p, bench_pw, phc, &err) < 0)
		die("hash", err.msg);
	snprintf(slots, sizeof(slots), "%s/verify", dir);
	if (pipe(go) != 0)
		die("pipe", "failed");
	for (int i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct naccs_flood_slot slot;
			bool match = false, rehash = false;
			char c;

			/* All start together: the parent closes the pipe. */
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(4);

			if (naccs_flood_acquire(slots, cap, 120000, getuid(), &slot, &err) < 0)
				_exit(3);
			if (naccs_hash_verify(&p, phc, bench_pw, &match, &rehash, &err) < 0 ||
			    !match)
				_exit(2);
			naccs_flood_release(&slot);
			_exit(0);
		}
	}
	close(go[0]);
	t0 = bench_now_ms();
	close(go[1]);
	while (left > 0) {
		int status;
		pid_t w;
		long now = private_kib(pids, CHILDREN);

		if (now > peak)
			peak = now;
		while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
			for (int i = 0; i < CHILDREN; i++)
				if (pids[i] == w)
					pids[i] = 0;
			busy += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
			left--;
		}
		usleep(500);
	}
	printf("  %3d simultaneous verifications (8 MiB each), %s: peak %6.1f MiB private memory, "
	       "%.0f ms in all%s\n",
	       CHILDREN, cap ? "cap 2   " : "no cap  ", (double)peak / 1024, bench_now_ms() - t0,
	       busy ? " (some failed)" : "");
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/bench-lockout.XXXXXX";
	static const long sizes[] = {10, 10000, 100000};
	uint32_t rounds = 300;

	if (argc == 3 && strcmp(argv[1], "--rounds") == 0) {
		if (bench_parse_uint(argv[2], MAX_ROUNDS, &rounds) < 0)
			return die("--rounds", "not a number from 1 to 100000");
	} else if (argc != 1) {
		fprintf(stderr, "usage: bench_lockout [--rounds N]\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL)
		return die("mkdtemp", "failed");
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The flood first, from a small parent. */
	printf("Flood cap:\n");
	flood(dir, 2);
	flood(dir, 0);
	printf("Login transactions (%ld failure rows, synchronous=FULL, %u rounds):\n",
	       FAILURE_ROWS, (unsigned)rounds);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		transactions(dir, sizes[i], rounds);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_lockout: could not remove %s\n", dir);
	}
	return 0;
}
