/* Issue 18, "Attacks", run against naccsd by an unprivileged peer (a child
 * that dropped to an ID's uid, as a screen locker runs): the attacks that
 * worked on the setuid naccs_chkpwd fail on the service.
 *  - Resource limits and timers: a tiny RLIMIT_STACK, RLIMIT_NOFILE just
 *    enough for the socket, RLIMIT_CPU, and an ITIMER_REAL or ITIMER_PROF
 *    that kills the client after it sent a wrong guess and before the
 *    answer (held by the fail delay): the guess is counted in the store and
 *    has its trail line all the same; a retry with its id counts nothing
 *    more.  A client that closes the socket right after sending: counted
 *    once too (a guess still waiting for a worker when its client went is
 *    cancelled unverified, and the retry decides it).
 *  - The name oracle: another ID (with its right password), its NACCS form,
 *    a retired, a suspended and a locked ID, a name never issued, a local
 *    account, malformed names: AUTHENTICATE, ACCOUNT and PASSWORD_BEGIN
 *    answer each of them with the same bytes (request id zeroed) as the
 *    peer's own wrong password (ACCOUNT: as one another), after at least
 *    the same fail delay; bad UTF-8 and an over-long name get the same
 *    ERROR whatever name they spoil; nothing is counted or written about
 *    those names.
 * Slot starvation and the rate limit: test_attacks_load.c.  Needs root. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "attacks.h"
#include "base/time.h"
#include "policy/outcome.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "store/store.h"
#include "fixture.h"

#define ME "abcde-001"

/* The fail delay that holds a wrong guess's answer. */
static unsigned delay_ms(void)
{
	return at_valgrind() ? 4000 : 1000;
}

/* Root only; the service started with f's store (the peer's ID issued). */
static bool need_root(struct fx *f)
{
	if (geteuid() != 0)
		return false;
	assert_int_equal(chmod(f->dir, 0755), 0);  /* the socket reachable */
	setenv("NACCSD_TEST_UID_BURST", "100", 1); /* test_attacks_load.c's */
	return true;
}

/* ---- resource limits and timers ---- */

enum how { BY_ALARM, BY_PROF, BY_XCPU, BY_CLOSE, N_HOW };
struct guess {
	enum how how;
	uint8_t id[NACCS_PROTO_ID_LEN];
};

static void spin(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}

static int lower(int which, rlim_t soft)
{
	struct rlimit r;

	if (getrlimit(which, &r) < 0)
		return -1;
	r.rlim_cur = soft;
	return setrlimit(which, &r);
}

/* Static: reachable when the signal ends the child (valgrind's leak check). */
static struct naccs_msg *m;

/* As the peer: limits lowered, a wrong guess sent, then killed by the
 * timer (or the CPU limit) before the answer, or the socket closed. */
static int send_and_die(const struct fx *f, void *arg)
{
	const struct guess *g = arg;
	unsigned fire = delay_ms() * 2 / 5;
	struct itimerval t = {.it_value = {.tv_sec = fire / 1000, .tv_usec = fire % 1000 * 1000}};
	int fd = fx_connect(f->sock);

	m = naccs_msg_new();
	if (fd < 0 || m == NULL || naccs_msg_start(m, NACCS_MSG_AUTHENTICATE, g->id, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "xscreensaver", NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_USER, ME, NULL) < 0 ||
	    naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, AT_WRONG, NULL) < 0)
		return 20;
	/* The soft limits (valgrind keeps the hard ones). */
	if (lower(RLIMIT_CORE, 0) < 0 || lower(RLIMIT_STACK, 65536) < 0 ||
	    lower(RLIMIT_NOFILE, (rlim_t)fd + 1) < 0 || lower(RLIMIT_CPU, 1) < 0)
		return 21;
	if ((g->how == BY_ALARM && setitimer(ITIMER_REAL, &t, NULL) < 0) ||
	    (g->how == BY_PROF && setitimer(ITIMER_PROF, &t, NULL) < 0))
		return 22;
	if (naccs_msg_send(fd, m, naccs_deadline_in(10000), NULL) < 0)
		return 23;
	if (g->how == BY_CLOSE) {
		close(fd);
		naccs_msg_free(m);
		return 0;
	}
	if (g->how == BY_ALARM) {
		(void)naccs_msg_recv(fd, m, naccs_deadline_in(60000), NULL);
		return 24; /* answered before the timer fired */
	}
	spin(); /* SIGPROF, or SIGXCPU at RLIMIT_CPU */
	return 25;
}

/* As the peer: the guess again with its id, until it is not `busy`. */
static int retry(const struct fx *f, void *arg)
{
	const struct guess *g = arg;
	uint8_t *buf = malloc(NACCS_PROTO_FRAME_MAX);
	char code[32];
	size_t len;
	int fd = fx_connect(f->sock), o = -1;

	for (int i = 0; fd >= 0 && buf != NULL && i < 100; i++) {
		o = at_ask_raw(fd, NACCS_MSG_AUTHENTICATE, ME, AT_WRONG, g->id, buf, &len, code);
		if (o != -2 || strcmp(code, NACCS_PROTO_ERR_BUSY) != 0)
			break;
		usleep(100000);
	}
	free(buf);
	return o == NACCS_OUT_BAD_CREDENTIALS ? 0 : 30;
}

static void test_limits_and_timers(void **state)
{
	static const int sig[N_HOW] = {SIGALRM, SIGPROF, SIGXCPU, 0};
	struct fx *f = *state;
	struct guess g;
	uint32_t uid;
	long n = 0;
	int st;

	if (!need_root(f)) {
		skip(); /* # needs root to run as an ID's uid */
		return;
	}
	fx_store_conf(f, delay_ms(), 0); /* deny 0: never locked */
	uid = at_issue(f, "001", ME);
	fx_start(f);
	for (int i = 0; i < N_HOW; i++) {
		/* valgrind does not model CPU time: its children are not sent
		 * SIGPROF or SIGXCPU when the kernel would. */
		if (at_valgrind() && (i == BY_PROF || i == BY_XCPU))
			continue;
		g.how = (enum how)i;
		memset(g.id, 0x40 + i, sizeof(g.id));
		st = at_as_uid(f, uid, send_and_die, &g);
		if (sig[i] != 0 && (!WIFSIGNALED(st) || WTERMSIG(st) != sig[i]))
			fail_msg("how %d: status %#x, not killed by signal %d", i, st, sig[i]);
		if (sig[i] == 0)
			assert_int_equal(st, 0); /* exited 0 */
		n++;
		/* The service did the work (its worker had the guess long
		 * before the timer fired): counted, with its line.  Under
		 * valgrind, and for a client gone at once, the guess may still
		 * have been waiting for a worker: cancelled, never verified. */
		if (sig[i] != 0 && !at_valgrind()) {
			assert_int_equal(at_wait_failures(f, ME, n, 30000), n);
			assert_int_equal(at_trail_wrong(f, ME), n);
		}
		/* Its retry (same id): decided now, or answered from the record
		 * and counted nowhere more: once in all. */
		st = at_as_uid(f, uid, retry, &g);
		assert_int_equal(st, 0);
		assert_int_equal(at_wait_failures(f, ME, n, 30000), n);
		assert_int_equal(at_trail_wrong(f, ME), n);
	}
	fx_hello_on(f->sock);
	assert_int_equal(at_failures(f, ME), n);
	fx_stop(f);
}

/* ---- the name oracle ---- */

static const char *const others[] = {
    "abcde-002",
    "ABCDE002",	 /* another ID, its right password */
    "abcde-003", /* retired */
    "abcde-004", /* suspended */
    "abcde-005", /* locked */
    "abcde-099",
    "ABCDE099", /* never issued */
    "root",	/* a local account */
    "abc/../de",
    "-", /* malformed */
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 256 */
};
#define N_OTHERS (sizeof(others) / sizeof(others[0]))
#define N_ISSUED 5

struct answer {
	uint8_t *b;
	size_t len;
	int o;
};

/* 0 when got is ref; else says where they part (the finding). */
static int same(const char *what, const char *name, const struct answer *ref,
		const struct answer *got)
{
	size_t i = 0;

	if (got->o == ref->o && got->len == ref->len && memcmp(got->b, ref->b, got->len) == 0)
		return 0;
	while (i < got->len && i < ref->len && got->b[i] == ref->b[i])
		i++;
	fprintf(stderr,
		"%s for \"%.20s\": outcome %d (own: %d), %zu bytes (own: %zu), first "
		"difference at byte %zu\n",
		what, name, got->o, ref->o, got->len, ref->len, i);
	return 1;
}

static int ask(int fd, uint16_t type, const char *user, const char *pw, struct answer *a,
	       int64_t *ms)
{
	char code[32];
	int64_t t0 = naccs_now_mono_ms();

	a->o = at_ask_raw(fd, type, user, pw, NULL, a->b, &a->len, code);
	*ms = naccs_now_mono_ms() - t0;
	return a->o;
}

/* As the peer: each type's answers, byte for byte. */
static int probe_names(const struct fx *f, void *arg)
{
	static const uint16_t types[] = {NACCS_MSG_AUTHENTICATE, NACCS_MSG_ACCOUNT,
					 NACCS_MSG_PASSWORD_BEGIN};
	struct answer ref = {.b = malloc(NACCS_PROTO_FRAME_MAX)};
	struct answer got = {.b = malloc(NACCS_PROTO_FRAME_MAX)};
	int fd = fx_connect(f->sock), bad = 0;
	int64_t ms;

	(void)arg;
	if (fd < 0 || ref.b == NULL || got.b == NULL)
		return 40;
	for (size_t t = 0; t < 3; t++) {
		bool held = types[t] != NACCS_MSG_ACCOUNT;
		const char *what = naccs_proto_type_name(types[t]);

		/* The reference: its own wrong password (ACCOUNT has none: the
		 * first other name's answer). */
		if (held) {
			if (ask(fd, types[t], ME, AT_WRONG, &ref, &ms) != NACCS_OUT_BAD_CREDENTIALS)
				return 41;
			if (ms < delay_ms())
				return 42;
		} else if (ask(fd, types[t], others[0], NULL, &ref, &ms) !=
			   NACCS_OUT_BAD_CREDENTIALS) {
			return 43;
		}
		for (size_t i = 0; i < N_OTHERS; i++) {
			ask(fd, types[t], others[i], held ? AT_GOOD : NULL, &got, &ms);
			bad |= same(what, others[i], &ref, &got);
			if (held && ms < delay_ms()) {
				fprintf(stderr, "%s for \"%.20s\": answered after %lld ms\n", what,
					others[i], (long long)ms);
				bad = 1;
			}
		}
	}
	free(ref.b);
	free(got.b);
	close(fd);
	return bad ? 44 : 0;
}

/* As the peer: names the codec refuses (bad UTF-8, 257 bytes), spoiling
 * its own ID's name, another's, one never issued: the same ERROR. */
static int probe_bytes(const struct fx *f, void *arg)
{
	static const char *const base[] = {ME, "abcde-002", "abcde-099"};
	struct answer ref = {.b = malloc(NACCS_PROTO_FRAME_MAX)};
	struct answer got = {.b = malloc(NACCS_PROTO_FRAME_MAX)};
	char name[300], code[32];
	int bad = 0;

	(void)arg;
	if (ref.b == NULL || got.b == NULL)
		return 50;
	for (int kind = 0; kind < 2; kind++)
		for (size_t i = 0; i < 3; i++) {
			struct answer *a = i == 0 ? &ref : &got;
			size_t n = strlen(base[i]);
			int fd = fx_connect(f->sock);

			memset(name, 'x', sizeof(name));
			memcpy(name, base[i], n);
			if (kind == 0)
				name[n] = (char)0xc3; /* a character cut short */
			n = kind == 0 ? n + 1 : 257;
			if (fd < 0)
				return 51;
			a->o =
			    at_ask_bytes(fd, NACCS_MSG_AUTHENTICATE, name, n, a->b, &a->len, code);
			close(fd);
			if (a->o != -2 || strcmp(code, NACCS_PROTO_ERR_BAD_MESSAGE) != 0)
				return 52;
			if (i > 0)
				bad |= same(kind == 0 ? "bad UTF-8" : "257 bytes", base[i], &ref,
					    &got);
		}
	free(ref.b);
	free(got.b);
	return bad ? 53 : 0;
}

static void test_name_oracle(void **state)
{
	struct fx *f = *state;
	struct naccs_account_state before[N_ISSUED], now;
	struct naccs_store *st;
	struct naccs_err err;
	char *t0, *t1, num[8], login[16];
	uint32_t uid;
	int s;

	if (!need_root(f)) {
		skip(); /* # needs root to run as an ID's uid */
		return;
	}
	fx_store_conf_extra(f, delay_ms(), 5, "[password]\nmin_age_days = 0\n");
	uid = at_issue(f, "001", ME);
	for (int i = 2; i <= N_ISSUED; i++) {
		snprintf(num, sizeof(num), "%03d", i);
		snprintf(login, sizeof(login), "abcde-%03d", i);
		at_issue(f, num, login);
	}
	st = fx_store_open(f);
	assert_int_equal(
	    naccs_store_retire(st, naccs_deadline_in(5000), "abcde-003", "test", "test", &err), 0);
	assert_int_equal(naccs_store_set_flag(st, naccs_deadline_in(5000), "abcde-004",
					      NACCS_FLAG_SUSPENDED, true, "test", "test", &err),
			 0);
	assert_int_equal(naccs_store_set_flag(st, naccs_deadline_in(5000), "abcde-005",
					      NACCS_FLAG_LOCKED, true, "test", "test", &err),
			 0);
	for (int i = 2; i <= N_ISSUED; i++) {
		snprintf(login, sizeof(login), "abcde-%03d", i);
		assert_int_equal(
		    naccs_store_get_state(st, naccs_deadline_in(5000), login, &before[i - 1], &err),
		    0);
	}
	naccs_store_close(st);
	fx_start(f);
	t0 = fx_trail(f);
	s = at_as_uid(f, uid, probe_names, NULL);
	assert_int_equal(s, 0); /* exited 0 */
	s = at_as_uid(f, uid, probe_bytes, NULL);
	assert_int_equal(s, 0);
	/* Its own two wrong passwords counted; nothing about another name. */
	assert_int_equal(at_failures(f, ME), 2);
	assert_int_equal(at_trail_wrong(f, ME), 2);
	t1 = fx_trail(f);
	assert_memory_equal(t0, t1, strlen(t0));
	for (size_t i = 0; i < N_OTHERS; i++) {
		char quoted[300];

		snprintf(quoted, sizeof(quoted), "\"%s\"", others[i]);
		if (strstr(t1 + strlen(t0), quoted) != NULL)
			fail_msg("the trail names %s", others[i]);
	}
	st = fx_store_open(f);
	for (int i = 2; i <= N_ISSUED; i++) {
		snprintf(login, sizeof(login), "abcde-%03d", i);
		assert_int_equal(at_failures(f, login), 0);
		assert_int_equal(
		    naccs_store_get_state(st, naccs_deadline_in(5000), login, &now, &err), 0);
		assert_int_equal(now.failures_since_success, before[i - 1].failures_since_success);
		assert_int_equal(now.has_last_failure, before[i - 1].has_last_failure);
		assert_int_equal(now.locked, before[i - 1].locked);
		assert_int_equal(now.has_last_success, before[i - 1].has_last_success);
	}
	naccs_store_close(st);
	free(t0);
	free(t1);
	fx_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_limits_and_timers, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_name_oracle, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
