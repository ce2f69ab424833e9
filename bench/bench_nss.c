/* Benchmark (not a test): passwd look-ups through libnss_naccs.so.2 against
 * glibc's files backend, on the same accounts, in the same run.
 *
 *   bench_nss [--rounds N]
 *
 * For 10, 1,000, 10,000 and 100,000 accounts: getpwnam_r and getpwuid_r,
 * hit and miss, in ns per call (median over the rounds), for
 *   naccs-direct  the module's entry points called directly (dlopen);
 *   naccs-glibc   getpwnam_r through glibc with "passwd: naccs";
 *   files-glibc   getpwnam_r through glibc with "passwd: files" on a
 *                 passwd file of the same accounts;
 * and the ratio files/naccs; the time of the first look-up after the
 * index was replaced (the module opens the file then), and of the first
 * look-up of a fresh process (id, ls -l, sshd's children: the median of
 * FRESH_RUNS processes, each re-executing this program as
 * "bench_nss --fresh N", dlopen not counted).  The two glibc
 * runs happen in a child with a private mount namespace
 * (unshare(CLONE_NEWNS)) where a bind mount puts the generated passwd and
 * nsswitch.conf over /etc/passwd and /etc/nsswitch.conf: the real files
 * are never touched.  Without root (or without namespaces) the comparison
 * is skipped with the reason.  The index is written in the format of
 * common/index/map.h by the bench itself (issuing 100,000 IDs through
 * the store would take minutes). */
#define _GNU_SOURCE
#include "config.h"

#include <cdb.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "index/map.h"
#include "nss_naccs.h"

#define UID_BASE   300000u
#define MAX_ROUNDS 1000
#define FRESH_RUNS 11

static const unsigned sizes[] = {10, 1000, 10000, 100000};
enum { HIT_NAME, MISS_NAME, HIT_UID, MISS_UID, N_OPS };
static const char *const op_names[] = {"getpwnam hit", "getpwnam miss", "getpwuid hit",
				       "getpwuid miss"};

static int die(const char *what, const char *why)
{
	fprintf(stderr, "bench_nss: %s: %s\n", what, why);
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void login_of(unsigned i, char *out, size_t len)
{
	snprintf(out, len, "bn%06u-001", i);
}

/* The index and the passwd file of n accounts, in dir.  The index is
 * replaced the way naccsctl does it (naccs_index_write): a temporary file
 * in the same directory renamed over the old one, never rewritten in
 * place under the module that reads it. */
static void write_files(const char *dir, unsigned n)
{
	char path[PATH_MAX], tmp[PATH_MAX], key[NACCS_INDEX_KEY_MAX], login[32], home[64],
	    count[32];
	unsigned char rec[256];
	struct cdb_make mk;
	FILE *pw;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/passwd.cdb.tmp", dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0644);
	if (fd < 0 || cdb_make_start(&mk, fd) < 0)
		die(tmp, strerror(errno));
	snprintf(path, sizeof(path), "%s/passwd", dir);
	pw = fopen(path, "w");
	if (pw == NULL)
		die(path, strerror(errno));
	fprintf(pw, "root:x:0:0:root:/root:/bin/bash\n");
	cdb_make_add(&mk, "#version", 8, NACCS_INDEX_VERSION, strlen(NACCS_INDEX_VERSION));
	cdb_make_add(&mk, "#stale", 6, "0", 1);
	for (unsigned i = 0; i < n; i++) {
		size_t len, klen;

		login_of(i, login, sizeof(login));
		snprintf(home, sizeof(home), "/home/%s", login);
		len = naccs_index_encode_pw(UID_BASE + i, 100, login, "Bench User", home,
					    "/bin/bash", rec, sizeof(rec));
		klen = naccs_index_key('p', login, key, sizeof(key));
		cdb_make_add(&mk, key, (unsigned)klen, rec, (unsigned)len);
		klen = naccs_index_key_num('u', UID_BASE + i, key, sizeof(key));
		cdb_make_add(&mk, key, (unsigned)klen, rec, (unsigned)len);
		klen = naccs_index_key_num('P', i, key, sizeof(key));
		cdb_make_add(&mk, key, (unsigned)klen, rec, (unsigned)len);
		fprintf(pw, "%s:x:%u:100:Bench User:%s:/bin/bash\n", login, UID_BASE + i, home);
	}
	snprintf(count, sizeof(count), "%u 0", n);
	cdb_make_add(&mk, "#count", 6, count, strlen(count));
	if (cdb_make_finish(&mk) < 0 || close(fd) < 0 || fclose(pw) != 0)
		die("write", strerror(errno));
	snprintf(path, sizeof(path), "%s/passwd.cdb", dir);
	if (rename(tmp, path) < 0)
		die(path, strerror(errno));
}

/* ---- one way of looking up ---- */

typedef int (*by_name_fn)(const char *name, struct passwd *pw, char *buf, size_t len);
typedef int (*by_uid_fn)(uid_t uid, struct passwd *pw, char *buf, size_t len);

static __typeof__(_nss_naccs_getpwnam_r) *mod_getpwnam;
static __typeof__(_nss_naccs_getpwuid_r) *mod_getpwuid;

/* 1 found, 0 not */
static int direct_name(const char *name, struct passwd *pw, char *buf, size_t len)
{
	int e;

	return mod_getpwnam(name, pw, buf, len, &e) == NSS_STATUS_SUCCESS;
}

static int direct_uid(uid_t uid, struct passwd *pw, char *buf, size_t len)
{
	int e;

	return mod_getpwuid(uid, pw, buf, len, &e) == NSS_STATUS_SUCCESS;
}

static int glibc_name(const char *name, struct passwd *pw, char *buf, size_t len)
{
	struct passwd *r = NULL;

	return getpwnam_r(name, pw, buf, len, &r) == 0 && r != NULL;
}

static int glibc_uid(uid_t uid, struct passwd *pw, char *buf, size_t len)
{
	struct passwd *r = NULL;

	return getpwuid_r(uid, pw, buf, len, &r) == 0 && r != NULL;
}

/* The median ns per call of each operation: rounds of calls spread over the
 * accounts (a fixed pseudo-random walk), at most about 2e6 / n calls per
 * round for a backend that scans (files). */
static void measure(unsigned n, unsigned rounds, bool scans, by_name_fn byname, by_uid_fn byuid,
		    double out[N_OPS])
{
	unsigned calls = 2000;
	double *t = calloc(rounds, sizeof(double));
	char name[32], buf[1024];
	struct passwd pw;

	if (t == NULL)
		die("memory", "out of memory");
	if (scans && n > 1000)
		calls = 2000000 / n < 20 ? 20 : 2000000 / n;
	for (int op = 0; op < N_OPS; op++) {
		unsigned seed = 12345;

		for (unsigned r = 0; r < rounds; r++) {
			double start = now_ns();
			unsigned found = 0;

			for (unsigned c = 0; c < calls; c++) {
				unsigned i;

				seed = seed * 1103515245u + 12345u;
				i = (seed >> 8) % n;
				switch (op) {
				case HIT_NAME:
					login_of(i, name, sizeof(name));
					found += (unsigned)byname(name, &pw, buf, sizeof(buf));
					break;
				case MISS_NAME:
					snprintf(name, sizeof(name), "zz%06u-999", i);
					found += (unsigned)byname(name, &pw, buf, sizeof(buf));
					break;
				case HIT_UID:
					found +=
					    (unsigned)byuid(UID_BASE + i, &pw, buf, sizeof(buf));
					break;
				default:
					found += (unsigned)byuid(UID_BASE + 200000 + i, &pw, buf,
								 sizeof(buf));
				}
			}
			t[r] = (now_ns() - start) / calls;
			if (found != ((op == HIT_NAME || op == HIT_UID) ? calls : 0))
				die(op_names[op], "wrong answer");
		}
		out[op] = bench_median(t, rounds);
	}
	free(t);
}

/* ---- the first look-up of a fresh process ---- */

/* Child: "bench_nss --fresh N": the module loaded, one look-up timed. */
static int fresh_child(unsigned n)
{
	char name[32], buf[1024];
	struct passwd pw;
	double start;
	void *mod = dlopen(BENCH_NSS_LIBDIR "/libnss_naccs.so.2", RTLD_NOW | RTLD_LOCAL);

	if (mod == NULL)
		die("dlopen", dlerror());
	mod_getpwnam = (__typeof__(mod_getpwnam))dlsym(mod, "_nss_naccs_getpwnam_r");
	if (mod_getpwnam == NULL)
		die("dlsym", dlerror());
	login_of(n / 2, name, sizeof(name));
	start = now_ns();
	if (!direct_name(name, &pw, buf, sizeof(buf)))
		die("fresh getpwnam", "wrong answer");
	printf("%.0f\n", now_ns() - start);
	return 0;
}

/* The median ns of the first look-up over FRESH_RUNS fresh processes. */
static double fresh_run(const char *self, unsigned n)
{
	double t[FRESH_RUNS];
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "'%s' --fresh %u", self, n);
	for (int i = 0; i < FRESH_RUNS; i++) {
		FILE *p = popen(cmd, "r");

		if (p == NULL || fscanf(p, "%lf", &t[i]) != 1)
			die("--fresh", "the child said nothing");
		if (pclose(p) != 0)
			die("--fresh", "the child failed");
	}
	return bench_median(t, FRESH_RUNS);
}

/* ---- the glibc runs, in a private mount namespace ---- */

static int bind_over(const char *src, const char *dst)
{
	return mount(src, dst, NULL, MS_BIND, NULL);
}

/* Child: re-executed as "bench_nss --glibc naccs|files N ROUNDS" inside the
 * namespace (glibc reads nsswitch.conf once per process). */
static int glibc_child(const char *which, unsigned n, unsigned rounds)
{
	double r[N_OPS];

	measure(n, rounds, strcmp(which, "files") == 0, glibc_name, glibc_uid, r);
	for (int op = 0; op < N_OPS; op++)
		printf("%.1f\n", r[op]);
	return 0;
}

/* Run the glibc measurement for which ("naccs" or "files") in a private
 * mount namespace; 0 with out filled, or -1 with why. */
static int glibc_run(const char *self, const char *dir, const char *which, unsigned n,
		     unsigned rounds, double out[N_OPS], char *why, size_t whylen)
{
	char nsconf[PATH_MAX], passwd[PATH_MAX], idx[PATH_MAX], libdir[PATH_MAX], arg_n[16],
	    arg_r[16];
	int pipefd[2], status;
	pid_t pid;
	FILE *f;

	snprintf(nsconf, sizeof(nsconf), "%s/nsswitch-%s.conf", dir, which);
	snprintf(passwd, sizeof(passwd), "%s/passwd", dir);
	snprintf(idx, sizeof(idx), "%s/passwd.cdb", dir);
	snprintf(libdir, sizeof(libdir), "%s", BENCH_NSS_LIBDIR);
	f = fopen(nsconf, "w");
	if (f == NULL)
		die(nsconf, strerror(errno));
	fprintf(f, "passwd: %s\ngroup: files\n", which);
	fclose(f);
	snprintf(arg_n, sizeof(arg_n), "%u", n);
	snprintf(arg_r, sizeof(arg_r), "%u", rounds);
	if (pipe(pipefd) < 0)
		die("pipe", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork", strerror(errno));
	if (pid == 0) {
		close(pipefd[0]);
		if (unshare(CLONE_NEWNS) < 0) {
			dprintf(pipefd[1], "unshare(CLONE_NEWNS): %s\n", strerror(errno));
			_exit(3);
		}
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    bind_over(passwd, "/etc/passwd") < 0 ||
		    bind_over(nsconf, "/etc/nsswitch.conf") < 0) {
			dprintf(pipefd[1], "mount: %s\n", strerror(errno));
			_exit(3);
		}
		dup2(pipefd[1], 1);
		setenv("LD_LIBRARY_PATH", libdir, 1);
		setenv(NACCS_NSS_INDEX_ENV, idx, 1);
		execl(self, self, "--glibc", which, arg_n, arg_r, (char *)NULL);
		dprintf(pipefd[1], "exec %s: %s\n", self, strerror(errno));
		_exit(3);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	for (int op = 0; op < N_OPS; op++) {
		char line[256];

		if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
			snprintf(why, whylen, "the child said nothing");
			break;
		}
		if (sscanf(line, "%lf", &out[op]) != 1) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(why, whylen, "%s", line);
			break;
		}
		why[0] = '\0';
	}
	if (f != NULL)
		fclose(f);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && why[0] == '\0' ? 0 : -1;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/bench-nss.XXXXXX", idx[PATH_MAX], why[256] = "", cmd[PATH_MAX + 16];
	char self[PATH_MAX];
	double first[sizeof(sizes) / sizeof(sizes[0])], fresh[sizeof(sizes) / sizeof(sizes[0])];
	unsigned rounds = 15;
	bool compare = true;
	void *mod;
	ssize_t sl;

	if (argc == 5 && strcmp(argv[1], "--glibc") == 0)
		return glibc_child(argv[2], (unsigned)strtoul(argv[3], NULL, 10),
				   (unsigned)strtoul(argv[4], NULL, 10));
	if (argc == 3 && strcmp(argv[1], "--fresh") == 0)
		return fresh_child((unsigned)strtoul(argv[2], NULL, 10));
	if (argc == 3 && strcmp(argv[1], "--rounds") == 0) {
		uint32_t r;

		if (bench_parse_uint(argv[2], MAX_ROUNDS, &r) < 0)
			return die("--rounds", "expected 1 to 1000"), 2;
		rounds = r;
	} else if (argc != 1) {
		fprintf(stderr, "usage: bench_nss [--rounds N]\n");
		return 2;
	}
#ifndef NACCS_TEST_HOOKS
	die("build", "configure with --enable-test-hooks (the module must read the bench's index)");
#endif
	sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl < 0)
		die("/proc/self/exe", strerror(errno));
	self[sl] = '\0';
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", strerror(errno));
	snprintf(idx, sizeof(idx), "%s/passwd.cdb", dir);
	setenv(NACCS_NSS_INDEX_ENV, idx, 1);
	mod = dlopen(BENCH_NSS_LIBDIR "/libnss_naccs.so.2", RTLD_NOW | RTLD_LOCAL);
	if (mod == NULL)
		die("dlopen", dlerror());
	mod_getpwnam = (__typeof__(mod_getpwnam))dlsym(mod, "_nss_naccs_getpwnam_r");
	mod_getpwuid = (__typeof__(mod_getpwuid))dlsym(mod, "_nss_naccs_getpwuid_r");
	if (mod_getpwnam == NULL || mod_getpwuid == NULL)
		die("dlsym", dlerror());
	if (geteuid() != 0) {
		snprintf(why, sizeof(why), "not root: no private mount namespace for /etc/passwd");
		compare = false;
	}

	printf("passwd look-ups, ns per call (median of %u rounds)\n", rounds);
	printf("%-8s %-14s %12s %12s %12s %10s\n", "accounts", "operation", "naccs-direct",
	       "naccs-glibc", "files-glibc", "files/naccs");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		double direct[N_OPS], viag[N_OPS] = {0}, files[N_OPS] = {0};
		bool have = compare;

		write_files(dir, sizes[s]);
		{
			/* The first call after a replaced index reads the file. */
			char name[32], buf[1024];
			struct passwd pw;
			double start = now_ns();

			login_of(0, name, sizeof(name));
			if (!direct_name(name, &pw, buf, sizeof(buf)))
				die("first getpwnam", "wrong answer");
			first[s] = now_ns() - start;
		}
		fresh[s] = fresh_run(self, sizes[s]);
		measure(sizes[s], rounds, false, direct_name, direct_uid, direct);
		if (have &&
		    (glibc_run(self, dir, "naccs", sizes[s], rounds, viag, why, sizeof(why)) < 0 ||
		     glibc_run(self, dir, "files", sizes[s], rounds, files, why, sizeof(why)) <
			 0)) {
			compare = have = false;
		}
		for (int op = 0; op < N_OPS; op++) {
			if (have)
				printf("%-8u %-14s %12.0f %12.0f %12.0f %9.1fx\n", sizes[s],
				       op_names[op], direct[op], viag[op], files[op],
				       files[op] / viag[op]);
			else
				printf("%-8u %-14s %12.0f %12s %12s %10s\n", sizes[s], op_names[op],
				       direct[op], "-", "-", "-");
		}
		fflush(stdout);
	}
	printf("first look-up after the index was replaced (opens the file), ns:");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		printf(" %u: %.0f%s", sizes[s], first[s],
		       s + 1 < sizeof(sizes) / sizeof(sizes[0]) ? "," : "\n");
	printf("first look-up of a fresh process (median of %d), ns:", FRESH_RUNS);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		printf(" %u: %.0f%s", sizes[s], fresh[s],
		       s + 1 < sizeof(sizes) / sizeof(sizes[0]) ? "," : "\n");
	if (!compare)
		printf("glibc comparison skipped: %s\n", why);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_nss: could not remove %s\n", dir);
	return 0;
}
