/* naccsd's SESSION_OPEN and SESSION_CLOSE through its socket (issue 18,
 * naccsd/decide_session.c), and the account phase's login of a service
 * without sessions: a session opens with its notices (last login, failures
 * since) and a session_mark; the close with that mark is the logout's trail
 * line and frees the session's place ([session] max_sessions_per_id); a
 * garbled or forged mark (version, lengths, trailing bytes, another boot)
 * is refused and writes nothing; an unprivileged peer may not send either. */
#include "config.h"

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
#define ONE   "[session]\nmax_sessions_per_id = 1\n"

/* Where the boot id starts in a version 1 mark (docs/PROTOCOL.md). */
#define MARK_BOOT_LEN 22

struct mark {
	uint8_t b[256];
	size_t n;
};

/* The IDs of this file have uids of their own (FILE_UID_BASE + number): a
 * test run beside this one that suspends its first ID (uid 20000, the first
 * allocated) ends every process of that uid, this file's peers included. */
#define FILE_UID_BASE 28300u

/* SESSION_OPEN for user: its outcome; an ALLOW's mark into *mk. */
static int open_session(int fd, struct naccs_msg *m, const char *user, struct mark *mk)
{
	const uint8_t *p;
	size_t n;
	int o;

	assert_int_equal(fx_start_ask(m, NACCS_MSG_SESSION_OPEN, user), 0);
	o = fx_ask_msg(fd, m);
	if (mk != NULL && naccs_msg_get_bytes(m, NACCS_TAG_SESSION_MARK_OUT, &p, &n) == 0) {
		assert_true(n > 0 && n <= sizeof(mk->b));
		memcpy(mk->b, p, n);
		mk->n = n;
	}
	return o;
}

static int close_session(int fd, struct naccs_msg *m, const char *user, const void *mark, size_t n)
{
	assert_int_equal(fx_start_ask(m, NACCS_MSG_SESSION_CLOSE, user), 0);
	assert_int_equal(naccs_msg_set_bytes(m, NACCS_TAG_SESSION_MARK, mark, n, NULL), 0);
	return fx_ask_msg(fd, m);
}

static unsigned count(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* A session opens (a key login: the first, no notice yet) with a mark; its
 * close is the logout line; after a wrong password the next session tells
 * the last login and the failure.  With max_sessions_per_id = 1 a second
 * session is refused until the first closes. */
static void test_open_close(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	struct mark mk1 = {0}, mk2 = {0};
	char *text;
	int fd;

	fx_store_conf_extra(f, 0, 5, ONE "[su]\njob_services = cron\n");
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(open_session(fd, m, "abcde-001", &mk1), NACCS_OUT_ALLOW);
	assert_true(mk1.n > MARK_BOOT_LEN);
	assert_int_equal(mk1.b[0], 1); /* the mark's version */
	assert_false(fx_info_has(m, "Last login"));
	assert_true(fx_state_of(f, "abcde-001").has_last_success); /* the login recorded */
	/* The limit: one session at a time (this process is alive). */
	assert_int_equal(open_session(fd, m, "abcde-001", NULL), NACCS_OUT_REJECTED);
	assert_true(fx_info_has(m, "session"));
	assert_false(naccs_msg_has(m, NACCS_TAG_SESSION_MARK_OUT));
	assert_int_equal(close_session(fd, m, "abcde-001", mk1.b, mk1.n), NACCS_OUT_ALLOW);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", WRONG),
			 NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(open_session(fd, m, "ABCDE001", &mk2), NACCS_OUT_ALLOW);
	assert_true(fx_info_has(m, "Last login"));
	assert_true(fx_info_has(m, "1 failed login attempt"));
	assert_int_equal(close_session(fd, m, "abcde-001", mk2.b, mk2.n), NACCS_OUT_ALLOW);
	/* Two opens and two closes in the trail, the closes with their
	 * durations; the refused open's line too. */
	text = fx_trail(f);
	assert_int_equal(
	    count(text, "\"type\":\"session\",\"action\":\"open\",\"result\":\"allow\""), 2);
	assert_int_equal(count(text, "\"type\":\"session\",\"action\":\"close\""), 2);
	assert_int_equal(count(text, "duration="), 2);
	assert_non_null(strstr(text, "\"reason\":\"too-many-sessions\""));
	free(text);
	/* A name that is no ID here: not ours, no mark. */
	assert_int_equal(open_session(fd, m, "nobody-here", NULL), NACCS_OUT_UNKNOWN);
	assert_false(naccs_msg_has(m, NACCS_TAG_SESSION_MARK_OUT));
	/* A job ([su] job_services): no login, no session, no mark. */
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_SESSION_OPEN, NULL, NULL), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_SERVICE, "cron", NULL), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_USER, "abcde-001", NULL), 0);
	assert_int_equal(fx_ask_msg(fd, m), NACCS_OUT_UNKNOWN);
	assert_false(naccs_msg_has(m, NACCS_TAG_SESSION_MARK_OUT));
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* Marks that are not what SESSION_OPEN gave: each refused (DENIED), no
 * logout written, the session's place still taken; the real one closes. */
static void test_bad_mark(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	struct mark mk = {0}, bad;
	char *text;
	int fd;

	fx_store_conf_extra(f, 0, 5, ONE);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(open_session(fd, m, "abcde-001", &mk), NACCS_OUT_ALLOW);
	assert_true(mk.n > MARK_BOOT_LEN + 2 && mk.n < sizeof(mk.b));
	/* Truncated, one byte too many, another version, no byte at all. */
	assert_int_equal(close_session(fd, m, "abcde-001", mk.b, mk.n - 1), NACCS_OUT_DENIED);
	bad = mk;
	bad.b[bad.n++] = 0;
	assert_int_equal(close_session(fd, m, "abcde-001", bad.b, bad.n), NACCS_OUT_DENIED);
	bad = mk;
	bad.b[0] = 2;
	assert_int_equal(close_session(fd, m, "abcde-001", bad.b, bad.n), NACCS_OUT_DENIED);
	assert_int_equal(close_session(fd, m, "abcde-001", "", 0), NACCS_OUT_DENIED);
	/* A length past the end; unknown flag bits; another boot. */
	bad = mk;
	bad.b[MARK_BOOT_LEN] = 200;
	assert_int_equal(close_session(fd, m, "abcde-001", bad.b, bad.n), NACCS_OUT_DENIED);
	bad = mk;
	bad.b[1] |= 0x80;
	assert_int_equal(close_session(fd, m, "abcde-001", bad.b, bad.n), NACCS_OUT_DENIED);
	bad = mk;
	bad.b[MARK_BOOT_LEN + 1] = bad.b[MARK_BOOT_LEN + 1] == 'a' ? 'b' : 'a';
	assert_int_equal(close_session(fd, m, "abcde-001", bad.b, bad.n), NACCS_OUT_DENIED);
	text = fx_trail(f);
	assert_null(strstr(text, "\"action\":\"close\""));
	free(text);
	assert_int_equal(open_session(fd, m, "abcde-001", NULL), NACCS_OUT_REJECTED);
	assert_true(fx_log_has(f, "session_mark", 5000));
	assert_int_equal(close_session(fd, m, "abcde-001", mk.b, mk.n), NACCS_OUT_ALLOW);
	assert_int_equal(open_session(fd, m, "abcde-001", NULL), NACCS_OUT_ALLOW);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* The session's line names the peer's process, not the service's: a
 * session whose process ended without a close no longer counts. */
static void test_peer_process(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	pid_t pid;
	int fd, st;

	fx_store_conf_extra(f, 0, 5, ONE);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* a login process that dies without its close */
		fd = fx_connect_wait(f->sock);
		st = open_session(fd, m, "abcde-001", NULL) == NACCS_OUT_ALLOW ? 0 : 1;
		naccs_msg_free(m);
		_exit(st);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(open_session(fd, m, "abcde-001", NULL), NACCS_OUT_ALLOW);
	assert_int_equal(open_session(fd, m, "abcde-001", NULL), NACCS_OUT_REJECTED);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* In the child, as uid: SESSION_OPEN and SESSION_CLOSE are not allowed. */
static int as_peer(const struct fx *f, uid_t uid)
{
	struct naccs_msg *m = naccs_msg_new();
	const char *code;
	int fd, rc = 0;

	if (setgid(65534) < 0 || setuid(uid) < 0)
		return 10;
	fd = fx_connect_wait(f->sock);
	if (fx_start_ask(m, NACCS_MSG_SESSION_OPEN, "abcde-001") < 0 || fx_ask_msg(fd, m) != -1 ||
	    m->type != NACCS_MSG_ERROR ||
	    naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &code, NULL) < 0 ||
	    strcmp(code, NACCS_PROTO_ERR_NOT_ALLOWED) != 0)
		rc = 1;
	else if (fx_start_ask(m, NACCS_MSG_SESSION_CLOSE, "abcde-001") < 0 ||
		 naccs_msg_set_bytes(m, NACCS_TAG_SESSION_MARK, "\1", 1, NULL) < 0 ||
		 fx_ask_msg(fd, m) != -1 || m->type != NACCS_MSG_ERROR ||
		 naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &code, NULL) < 0 ||
		 strcmp(code, NACCS_PROTO_ERR_NOT_ALLOWED) != 0)
		rc = 2;
	naccs_msg_free(m);
	close(fd);
	return rc;
}

static void test_unprivileged(void **state)
{
	struct fx *f = *state;
	uint32_t uid;
	pid_t pid;
	int st;

	if (geteuid() != 0) {
		skip(); /* # needs root to connect as another uid */
		return;
	}
	assert_int_equal(chmod(f->dir, 0755), 0);
	fx_store_conf(f, 0, 5);
	uid = fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(as_peer(f, uid));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_false(fx_state_of(f, "abcde-001").has_last_success);
	fx_stop(f);
}

/* ACCOUNT on a service of [session] sessionless_services, after a password
 * auth: the login counts then (as pam_sm_acct_mgmt's
 * naccs_policy_account_login); on any other service only at its session. */
static void test_account_sessionless(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	int fd;

	/* "login" has sessions: no login yet. */
	fx_store_conf_extra(f, 0, 5, "[session]\nsessionless_services = other\n");
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_issue(f, FILE_UID_BASE, "002", "abcde-002");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD), NACCS_OUT_ALLOW);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-001", NULL), NACCS_OUT_ALLOW);
	assert_false(fx_state_of(f, "abcde-001").has_last_success);
	close(fd);
	fx_stop(f);
	/* "login" without sessions: the account phase is the login. */
	fx_conf_extra(f, 0, 5, "[session]\nsessionless_services = other, login\n");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-002", GOOD), NACCS_OUT_ALLOW);
	assert_false(fx_state_of(f, "abcde-002").has_last_success); /* auth alone: no login */
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-002", NULL), NACCS_OUT_ALLOW);
	assert_true(fx_state_of(f, "abcde-002").has_last_success);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_close, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_mark, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_peer_process, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_unprivileged, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_account_sessionless, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
