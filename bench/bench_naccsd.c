/* Benchmark (not a test): naccsd against the in-process path (issue 18).
 *
 *   bench_naccsd [--m-kib N] [--t N] [--p N] [--rounds N] [--workers N]
 *                [--burst N]
 *
 * Starts its own naccsd (the build's, --foreground on a private socket)
 * with its own temporary configuration, store and audit trail, then prints,
 * measured in this run:
 *  - a whole PAM authentication through naccsd (pam_naccs.so with
 *    naccsd_socket=) against one argon2id verification in this process
 *    (the bar of issue 18: at most 1.03), beside the same PAM
 *    authentication decided in-process, and a bare AUTHENTICATE request;
 *  - the account phase (no hashing), p50 and p99: pam_acct_mgmt through
 *    naccsd against pam_naccs.so deciding in-process;
 *  - the service's resident memory idle after start, and its peak (VmHWM)
 *    after BURST (default 200) simultaneous logins, against the bound of
 *    issue 18: workers x argon2 memory + 30 MiB; the burst's p50 and p99.
 * Each round times every case once, interleaved; medians of the rounds. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "bench_pam.h"
#include "bench_util.h"
#include "caps.h" /* naccsd's NACCSD_WORKERS */
#include "audit/key.h"
#include "audit/trail.h"
#include "base/secret.h"
#include "config/conf.h"
#include "crypto/hash.h"
#include "policy/outcome.h"
#include "proto/message.h"
#include "store/store.h"

#define MAX_ROUNDS 1000
#define MAX_BURST  1000
/* Account calls per round (p99 needs samples). */
#define ACCOUNT_PER_ROUND 10

static const char bench_pw[] = "Bench-Passw0rd!";

struct bench {
	struct naccs_hash_params cfg;
	unsigned rounds, workers, burst;
	char dir[64], sock[128], conf[128];
	char phc[NACCS_PHC_MAX];
	pid_t pid;
	double *verify, *svc_auth, *pam_auth, *pam_auth_svc, *svc_acct, *pam_acct, *burst_ms;
};

/* The configuration (trail on, as installed), the PAM service file of the
 * in-process module, the store with one ID. */
static int setup(struct bench *b)
{
	char path[256], text[1024], key[NACCS_AUDIT_MAC_HEX + 1];
	struct naccs_store_options opt = {
	    .owner_uid = getuid(), .timeout_ms = 5000, .create = true};
	struct naccs_identity id = {.uid = NACCS_UID_ALLOCATE, .gid = 100};
	struct naccs_store *st = NULL;
	struct naccs_config acfg;
	struct naccs_err err;
	int rc;

	snprintf(b->dir, sizeof(b->dir), "/tmp/naccs-bench-XXXXXX");
	if (mkdtemp(b->dir) == NULL)
		return -1;
	naccs_config_defaults(&acfg);
	acfg.owner_uid = getuid();
	snprintf(acfg.audit_dir, sizeof(acfg.audit_dir), "%s/audit", b->dir);
	if (naccs_audit_create(&acfg, key, &err) < 0)
		return -1;
	naccs_wipe(key, sizeof(key));
	snprintf(text, sizeof(text),
		 "[store]\npath = %s/naccs.db\n[hash]\nmemory_kib = %u\ntime_cost = %u\n"
		 "parallelism = %u\n[audit]\ndir = %s/audit\n[auth]\nfail_delay_ms = 0\n",
		 b->dir, b->cfg.m_kib, b->cfg.t_cost, b->cfg.parallelism, b->dir);
	snprintf(b->conf, sizeof(b->conf), "%s/naccs.conf", b->dir);
	snprintf(b->sock, sizeof(b->sock), "%s/sock", b->dir);
	if (bench_write_private(b->conf, text) < 0)
		return -1;
	/* The same stack in-process and through the service. */
	for (int svc = 0; svc < 2; svc++) {
		char arg[160] = "";

		if (svc)
			snprintf(arg, sizeof(arg), " naccsd_socket=%s", b->sock);
		snprintf(text, sizeof(text),
			 "auth required %s conf=%s owner=%u nodelay%s\n"
			 "account required %s conf=%s owner=%u%s\n",
			 BENCH_MODULE_PATH, b->conf, (unsigned)getuid(), arg, BENCH_MODULE_PATH,
			 b->conf, (unsigned)getuid(), arg);
		snprintf(path, sizeof(path), "%s/naccs-bench%s", b->dir, svc ? "-svc" : "");
		if (bench_write_private(path, text) < 0)
			return -1;
	}
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
	if (st != NULL)
		naccs_store_close(st);
	if (rc < 0)
		fprintf(stderr, "bench_naccsd: setup: %s\n", err.msg);
	return rc;
}

static int connect_to(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* One request of type on a new connection; its outcome, -2 for ERROR busy
 * (the flood cap: try again), or -1. */
static int ask(const struct bench *b, uint16_t type, const char *password, double *ms)
{
	struct naccs_msg *m = naccs_msg_new();
	struct naccs_err err;
	double t0 = bench_now_ms();
	uint32_t outcome = 0;
	int fd = connect_to(b->sock), rc = -1;

	if (m != NULL && fd >= 0 && naccs_msg_start(m, type, NULL, &err) == 0 &&
	    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "naccs-bench", &err) == 0 &&
	    naccs_msg_set_str(m, NACCS_TAG_USER, "abcde-001", &err) == 0 &&
	    naccs_msg_set_u32(m, NACCS_TAG_INVOKER_UID, 0, &err) == 0 &&
	    naccs_msg_set_u32(m, NACCS_TAG_FLAGS, NACCS_FLAG_NO_FAIL_DELAY, &err) == 0 &&
	    (password == NULL ||
	     naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, password, &err) == 0) &&
	    naccs_msg_send(fd, m, naccs_deadline_in(60000), &err) == 0 &&
	    naccs_msg_recv(fd, m, naccs_deadline_in(600000), &err) == 0) {
		const char *code = NULL;

		if (naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &outcome) == 0)
			rc = (int)outcome;
		else if (naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &code, NULL) == 0 &&
			 strcmp(code, "busy") == 0)
			rc = -2;
	}
	*ms = bench_now_ms() - t0;
	if (fd >= 0)
		close(fd);
	naccs_msg_free(m);
	return rc;
}

/* One PAM call (authenticate or acct_mgmt) of service ("naccs-bench", or
 * "naccs-bench-svc": through naccsd). */
static int pam_call(const struct bench *b, const char *service, bool auth, double *ms)
{
	struct pam_conv c = {bench_pam_conv, (void *)bench_pw};
	pam_handle_t *pamh = NULL;
	double t0 = bench_now_ms();
	int rv = pam_start_confdir(service, "abcde-001", &c, b->dir, &pamh);

	if (rv == PAM_SUCCESS)
		rv = auth ? pam_authenticate(pamh, PAM_SILENT) : pam_acct_mgmt(pamh, PAM_SILENT);
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

/* naccsd started from the build tree; ready when it answers a connect. */
static int start_service(struct bench *b)
{
	char owner[16], workers[16];
	const char *argv[12];
	int n = 0;

	snprintf(owner, sizeof(owner), "%u", (unsigned)getuid());
	snprintf(workers, sizeof(workers), "%u", b->workers);
	argv[n++] = BENCH_NACCSD_PATH;
	argv[n++] = "--socket";
	argv[n++] = b->sock;
	argv[n++] = "--conf";
	argv[n++] = b->conf;
	argv[n++] = "--owner";
	argv[n++] = owner;
	if (b->workers > 0) {
		argv[n++] = "--workers";
		argv[n++] = workers;
	}
	argv[n] = NULL;
	b->pid = fork();
	if (b->pid < 0)
		return -1;
	if (b->pid == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		int fd = connect_to(b->sock);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
		usleep(10000);
	}
	fprintf(stderr, "bench_naccsd: %s did not start\n", BENCH_NACCSD_PATH);
	return -1;
}

/* A line of /proc/PID/status in KiB ("VmRSS", "VmHWM"), or -1. */
static long status_kib(pid_t pid, const char *what)
{
	char path[64], line[256];
	size_t n = strlen(what);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, what, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

struct burst_arg {
	const struct bench *b;
	double *ms;
	int outcome;
	pthread_barrier_t *go;
};

static void *burst_one(void *p)
{
	struct burst_arg *a = p;

	pthread_barrier_wait(a->go);
	a->outcome = ask(a->b, NACCS_MSG_AUTHENTICATE, bench_pw, a->ms);
	return NULL;
}

/* burst clients at once; 0 when every one was let in or told "busy" (the
 * flood cap: its queue deadline passed), with their numbers; the latencies
 * of the decided ones first in b->burst_ms. */
static int burst(struct bench *b, double *wall, unsigned *decided, unsigned *busy)
{
	pthread_t *t = calloc(b->burst, sizeof(*t));
	struct burst_arg *a = calloc(b->burst, sizeof(*a));
	pthread_barrier_t go;
	unsigned started = 0, other = 0;
	double t0;

	if (t == NULL || a == NULL || pthread_barrier_init(&go, NULL, b->burst + 1) != 0) {
		free(t);
		free(a);
		return -1;
	}
	for (; started < b->burst; started++) {
		a[started] = (struct burst_arg){b, &b->burst_ms[started], -1, &go};
		if (pthread_create(&t[started], NULL, burst_one, &a[started]) != 0)
			break;
	}
	if (started < b->burst) {
		fprintf(stderr, "bench_naccsd: only %u client threads\n", started);
		exit(1); /* the barrier would wait for ever */
	}
	t0 = bench_now_ms();
	pthread_barrier_wait(&go);
	*decided = *busy = 0;
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	*wall = bench_now_ms() - t0;
	for (unsigned i = 0; i < started; i++) {
		if (a[i].outcome == NACCS_OUT_ALLOW)
			b->burst_ms[(*decided)++] = *a[i].ms;
		else if (a[i].outcome == -2)
			(*busy)++;
		else
			other++;
	}
	pthread_barrier_destroy(&go);
	free(t);
	free(a);
	if (other > 0)
		fprintf(stderr, "bench_naccsd: %u of %u burst logins neither let in nor busy\n",
			other, b->burst);
	return other == 0 && *decided > 0 ? 0 : -1;
}

static double pct(double *v, unsigned n, double p)
{
	unsigned i;

	bench_median(v, n); /* sorts */
	i = (unsigned)(p * (n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static int run(struct bench *b)
{
	unsigned na = b->rounds * ACCOUNT_PER_ROUND;
	long idle_kib, idle_after_kib, hwm_kib;
	double wall = 0, med_v, med_a, med_p, med_ps;
	unsigned decided = 0, busy = 0;

	if (start_service(b) < 0)
		return -1;
	usleep(200000);
	idle_kib = status_kib(b->pid, "VmRSS");
	for (unsigned r = 0; r < b->rounds; r++) {
		if (verify(b, &b->verify[r]) < 0 ||
		    ask(b, NACCS_MSG_AUTHENTICATE, bench_pw, &b->svc_auth[r]) != NACCS_OUT_ALLOW ||
		    pam_call(b, "naccs-bench", true, &b->pam_auth[r]) != PAM_SUCCESS ||
		    pam_call(b, "naccs-bench-svc", true, &b->pam_auth_svc[r]) != PAM_SUCCESS)
			goto wrong;
		for (unsigned k = 0; k < ACCOUNT_PER_ROUND; k++) {
			unsigned i = r * ACCOUNT_PER_ROUND + k;

			if (pam_call(b, "naccs-bench-svc", false, &b->svc_acct[i]) != PAM_SUCCESS ||
			    pam_call(b, "naccs-bench", false, &b->pam_acct[i]) != PAM_SUCCESS)
				goto wrong;
		}
	}
	idle_after_kib = status_kib(b->pid, "VmRSS");
	if (burst(b, &wall, &decided, &busy) < 0)
		return -1;
	hwm_kib = status_kib(b->pid, "VmHWM");
	med_v = bench_median(b->verify, b->rounds);
	med_a = bench_median(b->svc_auth, b->rounds);
	med_p = bench_median(b->pam_auth, b->rounds);
	med_ps = bench_median(b->pam_auth_svc, b->rounds);
	printf("parameters: argon2id m=%u KiB t=%u p=%u, %u rounds (median), workers %s\n",
	       b->cfg.m_kib, b->cfg.t_cost, b->cfg.parallelism, b->rounds,
	       b->workers > 0 ? "as given" : "naccsd's default");
	printf("%-52s %9.2f ms\n", "one argon2id verification (in this process)", med_v);
	printf("%-52s %9.2f ms\n", "AUTHENTICATE request to naccsd (new connection)", med_a);
	printf("%-52s %9.2f ms\n", "PAM authentication, in-process", med_p);
	printf("%-52s %9.2f ms\n", "PAM authentication through naccsd", med_ps);
	printf("ratio PAM through naccsd / one verification:     %6.3f (bar: <= 1.03)\n",
	       med_ps / med_v);
	printf("ratio PAM in-process / one verification:         %6.3f\n", med_p / med_v);
	printf("ratio service request / one verification:        %6.3f\n", med_a / med_v);
	printf("account phase, PAM through naccsd: p50 %7.3f ms  p99 %7.3f ms (%u calls)\n",
	       pct(b->svc_acct, na, 0.5), pct(b->svc_acct, na, 0.99), na);
	printf("account phase, PAM in-process:     p50 %7.3f ms  p99 %7.3f ms (%u calls)\n",
	       pct(b->pam_acct, na, 0.5), pct(b->pam_acct, na, 0.99), na);
	printf("naccsd resident memory idle: %ld KiB at start, %ld KiB after the rounds\n",
	       idle_kib, idle_after_kib);
	printf("burst of %u simultaneous logins: %u let in, %u told busy (queue deadline), "
	       "%.0f ms in all\n",
	       b->burst, decided, busy, wall);
	printf("  latency of those let in: p50 %.1f ms, p99 %.1f ms\n",
	       pct(b->burst_ms, decided, 0.5), pct(b->burst_ms, decided, 0.99));
	printf("naccsd peak resident memory (VmHWM): %ld KiB; bound %u workers x %u KiB + 30 MiB "
	       "= %lu KiB\n",
	       hwm_kib, b->workers > 0 ? b->workers : NACCSD_WORKERS, b->cfg.m_kib,
	       (unsigned long)(b->workers > 0 ? b->workers : NACCSD_WORKERS) * b->cfg.m_kib +
		   30720ul);
	return 0;
wrong:
	fprintf(stderr, "bench_naccsd: a case did not give the expected answer\n");
	return -1;
}

/* --workers N and --burst N, taken out of argv before the common options. */
static int own_args(struct bench *b, int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		bool w = strcmp(argv[i], "--workers") == 0, u = strcmp(argv[i], "--burst") == 0;
		uint32_t v;

		if (!w && !u) {
			argv[out++] = argv[i];
			continue;
		}
		if (i + 1 >= *argc || bench_parse_uint(argv[i + 1], w ? 64 : MAX_BURST, &v) < 0) {
			fprintf(stderr, "bench_naccsd: %s N\n", argv[i]);
			return -1;
		}
		*(w ? &b->workers : &b->burst) = v;
		i++;
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	struct bench b;
	char cmd[128];
	int rc = 0;

	memset(&b, 0, sizeof(b));
	naccs_hash_params_default(&b.cfg);
	b.rounds = 21;
	b.burst = 200;
	if (own_args(&b, &argc, argv) < 0 ||
	    bench_parse_args(argc, argv, &b.cfg, &b.rounds, MAX_ROUNDS) < 0 ||
	    naccs_hash_params_validate(&b.cfg, NULL) < 0)
		return 2;
	b.verify = calloc(b.rounds, sizeof(double));
	b.svc_auth = calloc(b.rounds, sizeof(double));
	b.pam_auth = calloc(b.rounds, sizeof(double));
	b.pam_auth_svc = calloc(b.rounds, sizeof(double));
	b.svc_acct = calloc((size_t)b.rounds * ACCOUNT_PER_ROUND, sizeof(double));
	b.pam_acct = calloc((size_t)b.rounds * ACCOUNT_PER_ROUND, sizeof(double));
	b.burst_ms = calloc(b.burst, sizeof(double));
	if (b.verify == NULL || b.svc_auth == NULL || b.pam_auth == NULL ||
	    b.pam_auth_svc == NULL || b.svc_acct == NULL || b.pam_acct == NULL ||
	    b.burst_ms == NULL)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (setup(&b) < 0 || run(&b) < 0)
		rc = 1;
	if (b.pid > 0) {
		kill(b.pid, SIGTERM);
		waitpid(b.pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
	if (b.dir[0] != '\0' && system(cmd) != 0)
		fprintf(stderr, "bench_naccsd: could not remove %s\n", b.dir);
	free(b.verify);
	free(b.svc_auth);
	free(b.pam_auth);
	free(b.pam_auth_svc);
	free(b.svc_acct);
	free(b.pam_acct);
	free(b.burst_ms);
	return rc;
}
