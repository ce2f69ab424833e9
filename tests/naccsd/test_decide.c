/* naccsd's decisions through its socket (issue 18, docs/NACCSD-PLAN.md step
 * 3a; naccsd/decide.h): IDs issued in the store the service uses, then
 * AUTHENTICATE and ACCOUNT from a root peer (the right password, a wrong
 * one counted, the lockout, the refused states, the trail line naming the
 * stated invoker), the fail delay that holds one answer without blocking
 * another connection, and the rules for an unprivileged peer: its own ID
 * only, any other name answered as its own wrong password, nothing counted
 * against that name, AUTH_GATE not allowed. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/time.h"
#include "policy/outcome.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "store/store.h"
#include "fixture.h"
#include "teststore.h"
#include "testutil.h"

#define GOOD  FX_GOOD
#define WRONG "wrong-password-1"

/* The IDs of this file have uids of their own (FILE_UID_BASE + number): a
 * test run beside this one that suspends its first ID (uid 20000, the first
 * allocated) ends every process of that uid, this file's peers included. */
#define FILE_UID_BASE 28100u

static void expect_login(const struct naccs_msg *m, const char *want)
{
	const char *got;

	assert_int_equal(naccs_msg_get_str(m, NACCS_TAG_LOGIN, &got, NULL), 0);
	assert_string_equal(got, want);
}

/* The right password (typed as the login, then in the NACCS form) is ALLOW
 * with the canonical login; a wrong one BAD_CREDENTIALS, counted in the
 * store, with the trail line naming the invoker the root peer stated. */
static void test_authenticate(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	char *text, want[64];
	int fd;

	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD), NACCS_OUT_ALLOW);
	expect_login(m, "abcde-001");
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "ABCDE001", GOOD), NACCS_OUT_ALLOW);
	expect_login(m, "abcde-001");
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", WRONG),
			 NACCS_OUT_BAD_CREDENTIALS);
	assert_false(naccs_msg_has(m, NACCS_TAG_LOGIN));
	assert_true(naccs_msg_has(m, NACCS_TAG_GENERATION)); /* a root peer's repeat cache */
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 1);
	/* A name that is no ID here: "not mine". */
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "nobody-here", GOOD),
			 NACCS_OUT_UNKNOWN);
	text = fx_trail(f);
	assert_non_null(strstr(text, "\"reason\":\"bad-password\""));
	snprintf(want, sizeof(want), "\"uid\":%u", FX_INVOKER);
	assert_non_null(strstr(text, want)); /* the peer's invoker, not naccsd's uid */
	free(text);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* One AUTHENTICATE, request id ID, wrong password, on a new connection. */
static int ask_wrong_with_id(const struct fx *f, const uint8_t *id)
{
	struct naccs_msg *m = naccs_msg_new();
	int fd = fx_connect_wait(f->sock), o = -1;

	assert_non_null(m);
	if (naccs_msg_start(m, NACCS_MSG_AUTHENTICATE, id, NULL) == 0 &&
	    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "login", NULL) == 0 &&
	    naccs_msg_set_str(m, NACCS_TAG_USER, "abcde-001", NULL) == 0 &&
	    naccs_msg_set_u32(m, NACCS_TAG_INVOKER_UID, FX_INVOKER, NULL) == 0 &&
	    naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, WRONG, NULL) == 0)
		o = fx_ask_msg(fd, m);
	close(fd);
	naccs_msg_free(m);
	return o;
}

/* A request retried after naccsd restarted (its in-memory id cache gone):
 * the store keeps the request id with the failure, so the retry is
 * answered as before and counted nowhere; another id counts
 * (UTS-2.2.1.1(1)(g)(ウ): one attempt, one count). */
static void test_retry_after_restart(void **state)
{
	struct fx *f = *state;
	uint8_t id[NACCS_PROTO_ID_LEN], other[NACCS_PROTO_ID_LEN];

	memset(id, 0x5a, sizeof(id));
	memset(other, 0xa5, sizeof(other));
	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	assert_int_equal(ask_wrong_with_id(f, id), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 1);
	fx_stop(f);
	fx_start(f);
	assert_int_equal(ask_wrong_with_id(f, id), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 1);
	assert_int_equal(ask_wrong_with_id(f, other), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 2);
	fx_stop(f);
}

/* [lockout] deny = 3: after three wrong passwords the right one is refused
 * and the ID is locked in the store. */
static void test_lockout(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	int fd, i;

	fx_store_conf(f, 0, 3);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	for (i = 0; i < 3; i++)
		assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", WRONG),
				 NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD),
			 NACCS_OUT_BAD_CREDENTIALS);
	assert_true(fx_state_of(f, "abcde-001").locked);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-001", NULL), NACCS_OUT_LOCKED);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* ACCOUNT: an active ID is ALLOW; a suspended, a retired and a locked one
 * their refusals; an unknown name "not mine". */
static void test_account(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	struct naccs_store *st;
	struct naccs_err err;
	int fd;

	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_issue(f, FILE_UID_BASE, "002", "abcde-002");
	fx_issue(f, FILE_UID_BASE, "003", "abcde-003");
	fx_issue(f, FILE_UID_BASE, "004", "abcde-004");
	st = fx_store_open(f);
	assert_int_equal(naccs_store_set_flag(st, naccs_deadline_in(5000), "abcde-002",
					      NACCS_FLAG_SUSPENDED, true, "test", "test", &err),
			 0);
	assert_int_equal(
	    naccs_store_retire(st, naccs_deadline_in(5000), "abcde-003", "test", "test", &err), 0);
	assert_int_equal(naccs_store_set_flag(st, naccs_deadline_in(5000), "abcde-004",
					      NACCS_FLAG_LOCKED, true, "test", "test", &err),
			 0);
	naccs_store_close(st);
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-001", NULL), NACCS_OUT_ALLOW);
	expect_login(m, "abcde-001");
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-002", NULL), NACCS_OUT_SUSPENDED);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-003", NULL), NACCS_OUT_RETIRED);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-004", NULL), NACCS_OUT_LOCKED);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "nobody-here", NULL), NACCS_OUT_UNKNOWN);
	/* AUTH_GATE from root: nothing gates a login service. */
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTH_GATE, "abcde-001", NULL), NACCS_OUT_ALLOW);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* [auth] fail_delay_ms = 3000: a wrong password's answer waits that long,
 * and a HELLO on another connection is answered meanwhile (the held answer
 * not yet readable: the delay blocks nobody). */
static void test_fail_delay(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	struct pollfd p;
	int64_t t0;
	uint32_t o;
	int c1, c2;

	fx_store_conf(f, 3000, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	c1 = fx_connect_wait(f->sock);
	c2 = fx_connect_wait(f->sock);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_AUTHENTICATE, NULL, NULL), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_SERVICE, "login", NULL), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_USER, "abcde-001", NULL), 0);
	assert_int_equal(naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, WRONG, NULL), 0);
	t0 = naccs_now_mono_ms();
	assert_int_equal(naccs_msg_send(c1, m, naccs_deadline_in(10000), NULL), 0);
	usleep(200000); /* the decision is made (or under way), its answer held */
	fx_check_hello(c2);
	p = (struct pollfd){.fd = c1, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_int_equal(naccs_msg_recv(c1, m, naccs_deadline_in(30000), NULL), 0);
	assert_true(naccs_now_mono_ms() - t0 >= 2950);
	assert_int_equal(naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &o), 0);
	assert_int_equal(o, NACCS_OUT_BAD_CREDENTIALS);
	close(c1);
	close(c2);
	naccs_msg_free(m);
	fx_stop(f);
}

/* What an unprivileged peer's refusal shows: nothing but the outcome. */
static int bare(const struct naccs_msg *m, int o)
{
	if (naccs_msg_has(m, NACCS_TAG_LOGIN) || naccs_msg_has(m, NACCS_TAG_GENERATION) ||
	    naccs_msg_has(m, NACCS_TAG_MESSAGE) || naccs_msg_has(m, NACCS_TAG_INFO))
		return -2;
	return o;
}

/* In the child, as uid: the exit code says which step failed (0: none). */
static int as_peer(const struct fx *f, uid_t uid, const char *mine, const char *other)
{
	struct naccs_msg *m = naccs_msg_new();
	int64_t t0;
	int fd, rc = 0;

	if (setgid(65534) < 0 || setuid(uid) < 0)
		return 10;
	fd = fx_connect_wait(f->sock);
	if (mine == NULL) { /* a uid that is no ID here: "not mine" for any name */
		if (fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, other, GOOD) != NACCS_OUT_UNKNOWN)
			rc = 11;
		goto out;
	}
	if (fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, mine, GOOD) != NACCS_OUT_ALLOW)
		rc = 1;
	else if (fx_ask(fd, m, NACCS_MSG_ACCOUNT, mine, NULL) != NACCS_OUT_ALLOW)
		rc = 2;
	else if (bare(m, fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, mine, WRONG)) !=
		 NACCS_OUT_BAD_CREDENTIALS)
		rc = 3;
	if (rc != 0)
		goto out;
	/* Another ID with its right password, an unknown name: the answer of
	 * the wrong password above, after the same delay. */
	t0 = naccs_now_mono_ms();
	if (bare(m, fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, other, GOOD)) !=
	    NACCS_OUT_BAD_CREDENTIALS)
		rc = 4;
	else if (naccs_now_mono_ms() - t0 < 280)
		rc = 5;
	else if (bare(m, fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "nobody-here", GOOD)) !=
		 NACCS_OUT_BAD_CREDENTIALS)
		rc = 6;
	else if (fx_ask(fd, m, NACCS_MSG_ACCOUNT, other, NULL) != NACCS_OUT_BAD_CREDENTIALS)
		rc = 7;
	else if (fx_ask(fd, m, NACCS_MSG_AUTH_GATE, mine, NULL) != -1 || m->type != NACCS_MSG_ERROR)
		rc = 8;
out:
	naccs_msg_free(m);
	close(fd);
	return rc;
}

static void run_peer(const struct fx *f, uid_t uid, const char *mine, const char *other)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(as_peer(f, uid, mine, other));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* In the child, as uid: AUTHENTICATE abcde-001 with its right password. */
static int owner_peer(const struct fx *f, uid_t uid)
{
	struct naccs_msg *m = naccs_msg_new();
	int fd, o;

	if (setgid(65534) < 0 || setuid(uid) < 0)
		return 100;
	fd = fx_connect_wait(f->sock);
	o = fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD);
	naccs_msg_free(m);
	close(fd);
	return o < 0 ? 101 : o;
}

/* naccsd --owner UID run as that uid (the tests and the demo when run by
 * one user): a peer of that uid may do what root may, as it owns the store
 * anyway; any other uid is unprivileged (here: no ID of its own, so "not
 * mine"). */
static void test_owner_is_privileged(void **state)
{
	struct fx *f = *state;
	const char *args[] = {"--foreground", "--socket", f->sock, "--conf",
			      f->conf,	      "--owner",  "4243",  NULL};
	char cmd[400];
	uid_t uids[2] = {4243, 4244};
	int want[2] = {NACCS_OUT_ALLOW, NACCS_OUT_UNKNOWN};

	if (geteuid() != 0) {
		skip(); /* # needs root to run as other uids */
		return;
	}
	snprintf(cmd, sizeof(cmd), "%s/naccsd/naccsd",
		 getenv("NACCS_TOP_BUILDDIR") != NULL ? getenv("NACCS_TOP_BUILDDIR") : ".");
	if (!tu_reachable_as(4243, 4243, cmd, X_OK)) {
		printf("# SKIP: uid 4243 cannot reach %s (a clone in root's 0700 home)\n", cmd);
		skip();
		return;
	}
	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	/* The trusted files are the owner's, and naccsd runs as the owner. */
	snprintf(cmd, sizeof(cmd), "chown -R 4243 '%s' && chmod 0755 '%s'", f->dir, f->dir);
	assert_int_equal(system(cmd), 0);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		/* (pam_wrapper, preloaded by make check, cannot set up as 4243.) */
		unsetenv("PAM_WRAPPER");
		if (setgid(4243) < 0 || setuid(4243) < 0)
			_exit(126);
		fx_exec(f, args);
	}
	close(fx_connect_wait(f->sock));
	for (int i = 0; i < 2; i++) {
		pid_t pid = fork();
		int st;

		assert_true(pid >= 0);
		if (pid == 0)
			_exit(owner_peer(f, uids[i]));
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), want[i]);
	}
	fx_stop(f);
}

/* An unprivileged peer (the uid of abcde-001): its own ID only; another
 * ID's name, even with that ID's right password, or an unknown name, gets
 * its own wrong password's answer after the same delay, and nothing is
 * counted against (or written about) that name; AUTH_GATE is not allowed.
 * A uid that is no ID here gets "not mine" whatever it asks. */
static void test_unprivileged(void **state)
{
	struct fx *f = *state;
	uint32_t uid;
	char *text, want[64];

	if (geteuid() != 0) {
		skip(); /* # needs root to connect as another uid */
		return;
	}
	assert_int_equal(chmod(f->dir, 0755), 0);
	fx_store_conf(f, 300, 5);
	uid = fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_issue(f, FILE_UID_BASE, "002", "abcde-002");
	fx_start(f);
	run_peer(f, uid, "abcde-001", "abcde-002");
	run_peer(f, 65534, NULL, "abcde-001");
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 1); /* its own */
	assert_int_equal(fx_state_of(f, "abcde-002").failures_since_success, 0);
	assert_false(fx_state_of(f, "abcde-002").has_last_failure);
	text = fx_trail(f);
	assert_null(strstr(text, "abcde-002"));
	assert_non_null(strstr(text, "naccsd-peer:login"));
	snprintf(want, sizeof(want), "\"uid\":%u", uid); /* not the invoker it stated */
	assert_non_null(strstr(text, want));
	free(text);
	assert_true(fx_log_has(f, "asked about another name", 5000));
	fx_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_authenticate, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_retry_after_restart, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_owner_is_privileged, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_lockout, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_account, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_fail_delay, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_unprivileged, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
