/* naccsd's faults (issue 18), through its socket: SIGKILL during 100
 * parallel logins, SIGKILL while an answer is held, SIGTERM under load:
 * every client returns before its deadline; per ID answered <= counted <=
 * sent, in the store and the trail; integrity_check ok; the trail verifies
 * with K_1; a restart on the stale socket path serves again.  What was
 * decided before a signal is read from the store, never assumed: the test
 * holds for the single-threaded loop and a worker pool alike.  Under
 * $NACCS_VALGRIND (~50 times slower): 20 clients, 1 MiB hashes, not 100
 * and 8 MiB, and wider margins. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/key.h"
#include "base/time.h"
#include "crypto/hash.h"
#include "policy/outcome.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "store/store.h"
#include "fixture.h"
#include "load.h"
#include "teststore.h"
#include "testutil.h"

#define GOOD	   "Correct-Horse-42"
#define WRONG	   "wrong-password-1"
#define IDS	   5
#define CLIENT_MS  60000 /* each client's deadline for its answer */
#define HOLD_DELAY 30000 /* [auth] fail_delay_ms where an answer is held */

static bool valgrind(void)
{
	return getenv("NACCS_VALGRIND") != NULL && *getenv("NACCS_VALGRIND") != '\0';
}

/* What may pass beyond a deadline the test gives (a slow machine, valgrind). */
static int64_t margin_ms(void)
{
	return valgrind() ? 15000 : 5000;
}

static const char *login_of(int id)
{
	static const char *const l[IDS] = {"abcde-001", "abcde-002", "abcde-003", "abcde-004",
					   "abcde-005"};
	return l[id];
}

/* A root peer asks for any ID (an unprivileged one: its own, 8 connections). */
static void need_root(void)
{
	if (geteuid() != 0)
		skip(); /* # needs root (cmocka's skip leaves the test) */
}

/* IDS IDs hashed with m_kib KiB (what a verification costs); K_1 of a new
 * trail in key; [store] timeout_ms (and the trail's lock's) wait_ms. */
static void setup_ids(struct fx *f, unsigned fail_delay_ms, uint32_t m_kib,
		      uint8_t key[NACCS_AUDIT_KEY_LEN], unsigned wait_ms)
{
	struct naccs_hash_params p = tu_hash_params(m_kib);
	struct naccs_store *st;
	struct naccs_err err;
	char extra[96], phc[NACCS_PHC_MAX];

	fx_audit_key(f, key);
	/* deny 0: no lockout, so that a right password stays ALLOW. */
	snprintf(extra, sizeof(extra), "[hash]\nmemory_kib = %u\n[store]\ntimeout_ms = %u\n",
		 (unsigned)m_kib, wait_ms);
	fx_store_conf_extra(f, fail_delay_ms, 0, extra);
	st = fx_store_open(f);
	assert_int_equal(naccs_hash_new(&p, GOOD, phc, &err), 0);
	for (int i = 0; i < IDS; i++) {
		struct naccs_identity id;
		char num[4];

		snprintf(num, sizeof(num), "%03d", i + 1);
		tst_identity(&id, login_of(i), "ABCDE", num, NACCS_UID_ALLOCATE, NULL, "/bin/sh");
		if (naccs_store_add_identity(st, naccs_deadline_in(5000), &id, 20000, 29999, phc,
					     false, "test", "test person", &err) < 0)
			fail_msg("add %s: %s", login_of(i), err.msg);
	}
	naccs_store_close(st);
}

/* The trail's lines of a wrong password per ID; their sum. */
static long trail_failures(const struct fx *f, long n[IDS])
{
	long sum = 0;

	for (int i = 0; i < IDS; i++)
		sum += n[i] = fx_trail_lines(f, "\"reason\":\"bad-password\"", login_of(i));
	return sum;
}

/* Failures per ID as the store holds them (every row, whatever the
 * failure_mark), read-only: a WAL a killed writer left is read, not
 * recovered.  Their sum. */
static long store_failures(const struct fx *f, long n[IDS])
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long sum = 0;

	assert_int_equal(sqlite3_open_v2(f->store, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*) FROM failures f JOIN identities i"
					    " ON i.id = f.identity WHERE i.login = ?1",
					    -1, &q, NULL),
			 SQLITE_OK);
	for (int i = 0; i < IDS; i++) {
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, login_of(i), -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		n[i] = sqlite3_column_int64(q, 0);
		sum += n[i];
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return sum;
}

/* ---- parallel clients: client i for ID i % IDS, wrong for two of every
 * three ---- */
#define wrong_of(i) ((i) % 3 != 0)

static void load_start(struct fx_load *l, const struct fx *f, size_t n)
{
	memset(l, 0, sizeof(*l));
	l->n = n;
	for (size_t i = 0; i < n; i++)
		l->c[i] = (struct fx_client){.user = login_of((int)(i % IDS)),
					     .password = wrong_of(i) ? WRONG : GOOD,
					     .deadline_ms = CLIENT_MS};
	fx_load_start(l, f);
}

/* Per ID: wrong attempts sent and wrong answers received; a right password
 * is never refused, a wrong one never allowed. */
static void load_tally(const struct fx_load *l, long sent[IDS], long got[IDS])
{
	memset(sent, 0, sizeof(long) * IDS);
	memset(got, 0, sizeof(long) * IDS);
	for (size_t i = 0; i < l->n; i++) {
		int o = l->c[i].outcome;

		if (o != FX_NO_ANSWER)
			assert_int_equal(o,
					 wrong_of(i) ? NACCS_OUT_BAD_CREDENTIALS : NACCS_OUT_ALLOW);
		if (wrong_of(i)) {
			sent[i % IDS]++;
			got[i % IDS] += o != FX_NO_ANSWER;
		}
	}
}

/* Nothing answered is lost, nothing is counted twice: for each ID,
 * answered <= counted <= sent, in the store and in the trail. */
static void expect_counted(const struct fx *f, const long sent[IDS], const long got[IDS],
			   long stored[IDS])
{
	long trail[IDS];

	store_failures(f, stored);
	trail_failures(f, trail);
	for (int i = 0; i < IDS; i++) {
		print_message("# %s: %ld wrong sent, %ld answered, counted %ld, %ld trail lines\n",
			      login_of(i), sent[i], got[i], stored[i], trail[i]);
		assert_true(got[i] <= stored[i] && stored[i] <= sent[i]);
		assert_true(got[i] <= trail[i] && trail[i] <= sent[i]);
	}
}

/* SIGKILL while 100 parallel logins are under way, after some answers
 * arrived; then the checks above, a restart on the stale socket path, a
 * right password ALLOW and a wrong one counted exactly once more. */
static void test_kill_under_load(void **state)
{
	struct fx *f = *state;
	struct fx_load *l = calloc(1, sizeof(*l));
	struct naccs_msg *m = naccs_msg_new();
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	long sent[IDS], got[IDS], stored[IDS], after[IDS];
	size_t n = valgrind() ? 20 : 100, k = n / 10, at_kill, answered;
	int64_t t_kill, t_up;
	int fd;

	need_root();
	assert_non_null(l);
	setup_ids(f, 0, valgrind() ? 1024 : 8192, key, 5000);
	fx_start(f);
	load_start(l, f, n);
	at_kill = fx_load_wait(l, k, CLIENT_MS);
	assert_true(at_kill >= k);
	t_kill = naccs_now_mono_ms();
	assert_int_equal(kill(f->pid, SIGKILL), 0);
	fx_reap_killed(f);
	fx_load_join(l); /* every client within its deadline: */
	assert_true(naccs_now_mono_ms() - l->t0 <= CLIENT_MS + margin_ms());
	answered = l->answered;
	print_message("# %zu clients: %zu answered when SIGKILL was sent (%lld ms after the "
		      "requests), %zu in all; every client returned %lld ms after it\n",
		      n, at_kill, (long long)(t_kill - l->t0), answered,
		      (long long)(naccs_now_mono_ms() - t_kill));
	assert_true(answered < n); /* the kill landed mid-flight */
	load_tally(l, sent, got);
	fx_store_check(f); /* before anyone recovers the WAL */
	expect_counted(f, sent, got, stored);

	t_up = naccs_now_mono_ms();
	fx_start(f); /* the socket file left behind is stale: replaced */
	fd = fx_connect_wait(f->sock);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, login_of(0), GOOD), NACCS_OUT_ALLOW);
	print_message("# restarted and a login allowed in %lld ms\n",
		      (long long)(naccs_now_mono_ms() - t_up));
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, login_of(0), WRONG),
			 NACCS_OUT_BAD_CREDENTIALS);
	store_failures(f, after);
	for (int i = 0; i < IDS; i++)
		assert_int_equal(after[i], stored[i] + (i == 0));
	close(fd);
	fx_stop(f);
	fx_store_check(f);
	fx_trail_verify(f, key);
	naccs_msg_free(m);
	free(l);
}

/* Wait until the store and the trail hold at least want failures. */
static void wait_counted(const struct fx *f, long want)
{
	naccs_deadline_t dl = naccs_deadline_in(CLIENT_MS);
	long n[IDS];

	while (store_failures(f, n) < want || trail_failures(f, n) < want) {
		assert_true(naccs_deadline_left_ms(dl) > 0);
		usleep(20000);
	}
}

/* A new connection, a wrong password for ID 0 sent on it. */
static int send_wrong(const struct fx *f, struct naccs_msg *m)
{
	int fd = fx_connect_wait(f->sock);

	assert_int_equal(fx_start_ask(m, NACCS_MSG_AUTHENTICATE, login_of(0)), 0);
	assert_int_equal(naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, WRONG, NULL), 0);
	assert_int_equal(naccs_msg_send(fd, m, naccs_deadline_in(CLIENT_MS), NULL), 0);
	return fd;
}

/* SIGKILL while a wrong password's answer waits out the fail delay: the
 * client sees the connection close at once, not at its deadline; the
 * failure is counted once with its trail line, nothing half written. */
static void test_kill_while_held(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	long s[IDS], t[IDS];
	int64_t t_kill;
	int fd, rc;

	setup_ids(f, HOLD_DELAY, 1024, key, 5000);
	fx_start(f);
	fd = send_wrong(f, m);
	wait_counted(f, 1); /* decided: its answer is held */
	t_kill = naccs_now_mono_ms();
	assert_int_equal(kill(f->pid, SIGKILL), 0);
	rc = naccs_msg_recv(fd, m, naccs_deadline_in(HOLD_DELAY + CLIENT_MS), NULL);
	assert_int_equal(rc, -ECONNRESET);
	assert_true(naccs_now_mono_ms() - t_kill < HOLD_DELAY);
	close(fd);
	fx_reap_killed(f);
	fx_store_check(f);
	assert_int_equal(store_failures(f, s), 1);
	assert_int_equal(trail_failures(f, t), 1);
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, login_of(0), GOOD), NACCS_OUT_ALLOW);
	close(fd);
	fx_stop(f);
	assert_int_equal(store_failures(f, s), 1);
	fx_trail_verify(f, key);
	naccs_msg_free(m);
}

/* SIGTERM while wrong passwords are decided and held: every failure the
 * store held before the signal is answered, within NACCSD_DRAIN_MS of the
 * service taking the signal (its log line: the single-threaded loop takes
 * it after its turn, a pool at once), long before the fail delay ends; the
 * service exits 0 in that time; counts bounded; the trail verifies. */
static void test_term_drains(void **state)
{
	struct fx *f = *state;
	struct fx_load *l = calloc(1, sizeof(*l));
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	long sent[IDS], got[IDS], stored[IDS], before, answered = 0, wrong = 0;
	size_t n = valgrind() ? 20 : 100;
	int64_t t_term, t_stop;
	int fd;

	need_root();
	assert_non_null(l);
	setup_ids(f, HOLD_DELAY, valgrind() ? 1024 : 8192, key, 5000);
	fx_start(f);
	load_start(l, f, n);
	wait_counted(f, 3);
	before = store_failures(f, stored);
	/* A decision the store holds is one whose answer is under way: a
	 * HELLO round on a new connection lets a pool hand it to the loop. */
	fd = fx_connect_wait(f->sock);
	fx_check_hello(fd);
	close(fd);
	t_term = naccs_now_mono_ms();
	assert_int_equal(kill(f->pid, SIGTERM), 0);
	assert_true(fx_log_has(f, "signal 15: stopping", CLIENT_MS));
	t_stop = naccs_now_mono_ms(); /* at or after the service took it */
	assert_int_equal(fx_wait_exit(f->pid, NACCSD_DRAIN_MS + (int)margin_ms()), 0);
	f->pid = -1;
	fx_load_join(l);
	assert_true(naccs_now_mono_ms() - l->t0 <= CLIENT_MS + margin_ms());
	for (size_t i = 0; i < n; i++)
		if (l->c[i].outcome != FX_NO_ANSWER && ++answered > 0)
			assert_true(l->c[i].done_ms - t_stop <= NACCSD_DRAIN_MS + margin_ms());
	load_tally(l, sent, got);
	for (int i = 0; i < IDS; i++)
		wrong += got[i];
	print_message("# %zu clients: %ld failures decided before SIGTERM, %ld answers (%ld "
		      "wrong); taken after %lld ms, exit %lld ms after the signal\n",
		      n, before, answered, wrong, (long long)(t_stop - t_term),
		      (long long)(naccs_now_mono_ms() - t_term));
	assert_true(wrong >= before);
	expect_counted(f, sent, got, stored);
	fx_store_check(f);
	fx_trail_verify(f, key);
	free(l);
}

/* ID 0 asked a wrong password while the test holds the trail's lock
 * (returned): the failure is counted, its line waits for the lock ([store]
 * timeout_ms: CLIENT_MS here); *fd: the client's connection. */
static int line_waits(struct fx *f, struct naccs_msg *m, unsigned fail_delay_ms,
		      uint8_t key[NACCS_AUDIT_KEY_LEN], int *fd)
{
	char path[300];
	long s[IDS];
	int lk;

	setup_ids(f, fail_delay_ms, 1024, key, CLIENT_MS);
	fx_start(f);
	snprintf(path, sizeof(path), "%s/audit/lock", f->dir);
	lk = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(lk >= 0 && flock(lk, LOCK_EX) == 0);
	*fd = send_wrong(f, m);
	for (int i = 0; i < 5000 && store_failures(f, s) == 0; i++)
		usleep(2000);
	assert_int_equal(store_failures(f, s), 1);
	return lk;
}

/* SIGTERM while a decision is under way (counted, its line waiting): its
 * answer is written in the drain, not dropped (a client that lost it asks
 * again, and no id cache outlives the service).  The lock is let go once
 * the service took the signal (a pool: at once; the single-threaded loop
 * only after the decision: then after a while). */
static void test_term_answers_decision(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	int64_t t_stop;
	uint32_t o;
	int fd, lk = line_waits(f, m, HOLD_DELAY, key, &fd);

	assert_int_equal(kill(f->pid, SIGTERM), 0);
	(void)fx_log_has(f, "signal 15: stopping", valgrind() ? 3000 : 300);
	close(lk);
	assert_true(fx_log_has(f, "signal 15: stopping", CLIENT_MS));
	t_stop = naccs_now_mono_ms();
	assert_int_equal(naccs_msg_recv(fd, m, naccs_deadline_in(CLIENT_MS), NULL), 0);
	assert_true(naccs_now_mono_ms() - t_stop <= NACCSD_DRAIN_MS + margin_ms());
	assert_int_equal(naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &o), 0);
	assert_int_equal(o, NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(fx_wait_exit(f->pid, NACCSD_DRAIN_MS + (int)margin_ms()), 0);
	f->pid = -1;
	close(fd);
	naccs_msg_free(m);
	fx_trail_verify(f, key);
}

/* Reported, not fixed here (common/policy is not naccsd's): the store
 * commits a failure before its trail line is appended (attempt.c's
 * record_failure, then policy_decide), so a SIGKILL between the two leaves
 * a counted failure with no trail line (once in 25 kills under load);
 * certain while the test holds the trail's lock.  Skipped, saying so,
 * while the line is missing. */
static void test_kill_before_trail_line(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	long t[IDS];
	int fd, lk = line_waits(f, m, 0, key, &fd);

	assert_int_equal(kill(f->pid, SIGKILL), 0);
	fx_reap_killed(f);
	close(lk);
	close(fd);
	naccs_msg_free(m);
	fx_store_check(f);
	if (trail_failures(f, t) != 1) {
		print_message("# KNOWN DEFECT: a failure counted in the store, %ld trail lines\n",
			      t[0]);
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_kill_under_load, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_kill_while_held, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_term_drains, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_term_answers_decision, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_kill_before_trail_line, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
