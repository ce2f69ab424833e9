/* naccsd's PASSWORD_BEGIN and PASSWORD_CHANGE through its socket (issue 18,
 * naccsd/decide_password.c), as pam_sm_chauthtok decides them: the user's
 * own change (the old password no longer works, the new one does), a wrong
 * current password counted once and held for the fail delay, a new password
 * refused with its rule's message (too short, used before) and nothing
 * changed, root changing another user's password without the current one,
 * the forced change, and an unprivileged peer: its own ID only, any other
 * name answered byte for byte as its own wrong current password. */
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
#define NEW   "Xq7-vJ2p!kW1"
#define WRONG "wrong-password-1"
#define RULES "[password]\nmin_age_days = 0\ndictionary_check = no\nhistory = 3\n"

/* The IDs of this file have uids of their own (FILE_UID_BASE + number): a
 * test run beside this one that suspends its first ID (uid 20000, the first
 * allocated) ends every process of that uid, this file's peers included. */
#define FILE_UID_BASE 28200u

/* A PASSWORD_BEGIN (nw NULL) or PASSWORD_CHANGE from passwd for user with
 * flags, the stated invoker uid, the current password cur (NULL: none) and
 * the new one: the outcome. */
static int pw(int fd, struct naccs_msg *m, const char *user, uint32_t flags, uint32_t invoker,
	      const char *cur, const char *nw)
{
	uint16_t type = nw == NULL ? NACCS_MSG_PASSWORD_BEGIN : NACCS_MSG_PASSWORD_CHANGE;

	if (naccs_msg_start(m, type, NULL, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "passwd", NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_USER, user, NULL) < 0 ||
	    naccs_msg_set_u32(m, NACCS_TAG_INVOKER_UID, invoker, NULL) < 0 ||
	    naccs_msg_set_u32(m, NACCS_TAG_FLAGS, flags, NULL) < 0 ||
	    (cur != NULL && naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, cur, NULL) < 0) ||
	    (nw != NULL && naccs_msg_set_secret(m, NACCS_TAG_NEW_PASSWORD, nw, NULL) < 0))
		return -2;
	return fx_ask_msg(fd, m);
}

static int auth(int fd, struct naccs_msg *m, const char *user, const char *password)
{
	return fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, user, password);
}

/* The user's own change from a root peer (passwd: the invoker is the user):
 * BEGIN without the current password asks for it (nothing counted), with it
 * ALLOW; CHANGE swaps; the old password is refused, the new one works. */
static void test_change(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	const char *login;
	char *text;
	int fd;

	fx_store_conf_extra(f, 0, 5, RULES);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(pw(fd, m, "ABCDE001", NACCS_FLAG_PRELIM, FX_INVOKER, NULL, NULL),
			 NACCS_OUT_CHANGE_REQUIRED);
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 0);
	assert_int_equal(pw(fd, m, "ABCDE001", NACCS_FLAG_PRELIM, FX_INVOKER, GOOD, NULL),
			 NACCS_OUT_ALLOW);
	assert_int_equal(naccs_msg_get_str(m, NACCS_TAG_LOGIN, &login, NULL), 0);
	assert_string_equal(login, "abcde-001");
	assert_int_equal(pw(fd, m, "abcde-001", 0, FX_INVOKER, GOOD, NEW), NACCS_OUT_ALLOW);
	assert_true(fx_info_has(m, "The password was changed."));
	assert_int_equal(auth(fd, m, "abcde-001", GOOD), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(auth(fd, m, "abcde-001", NEW), NACCS_OUT_ALLOW);
	/* A name that is no ID here: not ours, nothing asked. */
	assert_int_equal(pw(fd, m, "nobody-here", NACCS_FLAG_PRELIM, FX_INVOKER, NULL, NULL),
			 NACCS_OUT_UNKNOWN);
	text = fx_trail(f);
	assert_non_null(
	    strstr(text, "\"type\":\"password\",\"action\":\"change\",\"result\":\"allow\""));
	assert_non_null(
	    strstr(text, "\"type\":\"password\",\"action\":\"check\",\"result\":\"allow\""));
	free(text);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* A wrong current password: BAD_CREDENTIALS with the message, counted once,
 * the answer held for [auth] fail_delay_ms; nothing changed. */
static void test_wrong_current(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	int64_t t0;
	int fd;

	fx_store_conf_extra(f, 600, 5, RULES);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	t0 = naccs_now_mono_ms();
	assert_int_equal(pw(fd, m, "abcde-001", 0, FX_INVOKER, WRONG, NEW),
			 NACCS_OUT_BAD_CREDENTIALS);
	assert_true(naccs_now_mono_ms() - t0 >= 550);
	assert_true(fx_info_has(m, "current password is not correct"));
	assert_false(naccs_msg_has(m, NACCS_TAG_LOGIN));
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 1);
	t0 = naccs_now_mono_ms();
	assert_int_equal(pw(fd, m, "abcde-001", NACCS_FLAG_PRELIM, FX_INVOKER, WRONG, NULL),
			 NACCS_OUT_BAD_CREDENTIALS);
	assert_true(naccs_now_mono_ms() - t0 >= 550);
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 2);
	assert_int_equal(auth(fd, m, "abcde-001", GOOD), NACCS_OUT_ALLOW);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* A new password a rule refuses: REJECTED with the rule's message, the
 * old password still valid; one used before (the history) too. */
static void test_rules(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	char *text;
	int fd;

	fx_store_conf_extra(f, 0, 5, RULES);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(pw(fd, m, "abcde-001", 0, FX_INVOKER, GOOD, "abc"), NACCS_OUT_REJECTED);
	assert_true(naccs_msg_has(m, NACCS_TAG_MESSAGE));
	assert_true(fx_info_has(m, "8"));
	assert_int_equal(auth(fd, m, "abcde-001", GOOD), NACCS_OUT_ALLOW);
	assert_int_equal(auth(fd, m, "abcde-001", "abc"), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(pw(fd, m, "abcde-001", 0, FX_INVOKER, GOOD, NEW), NACCS_OUT_ALLOW);
	assert_int_equal(pw(fd, m, "abcde-001", 0, FX_INVOKER, NEW, GOOD), NACCS_OUT_REJECTED);
	assert_true(fx_info_has(m, "used before"));
	assert_int_equal(auth(fd, m, "abcde-001", NEW), NACCS_OUT_ALLOW);
	text = fx_trail(f);
	assert_non_null(strstr(text, "\"reason\":\"too-short\""));
	assert_non_null(strstr(text, "\"reason\":\"history\""));
	free(text);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* Root (invoker uid 0) changes another user's password without the current
 * one; in a forced change (flags: expired) the current one is asked even
 * of root.  The forced change: ACCOUNT says CHANGE_REQUIRED until it is
 * made. */
static void test_root_and_forced(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	struct naccs_store *st;
	struct naccs_err err;
	int fd;

	fx_store_conf_extra(f, 0, 5, RULES);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_issue(f, FILE_UID_BASE, "002", "abcde-002");
	st = fx_store_open(f);
	assert_int_equal(naccs_store_set_flag(st, naccs_deadline_in(5000), "abcde-002",
					      NACCS_FLAG_MUST_CHANGE, true, "test", "test", &err),
			 0);
	naccs_store_close(st);
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(pw(fd, m, "abcde-001", NACCS_FLAG_PRELIM, 0, NULL, NULL), NACCS_OUT_ALLOW);
	assert_int_equal(pw(fd, m, "abcde-001", 0, 0, NULL, NEW), NACCS_OUT_ALLOW);
	assert_int_equal(auth(fd, m, "abcde-001", NEW), NACCS_OUT_ALLOW);
	/* The forced change. */
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-002", NULL),
			 NACCS_OUT_CHANGE_REQUIRED);
	assert_int_equal(
	    pw(fd, m, "abcde-002", NACCS_FLAG_PRELIM | NACCS_FLAG_EXPIRED, 0, NULL, NULL),
	    NACCS_OUT_CHANGE_REQUIRED);
	assert_int_equal(pw(fd, m, "abcde-002", NACCS_FLAG_EXPIRED, 0, NULL, NEW),
			 NACCS_OUT_CHANGE_REQUIRED);
	assert_int_equal(auth(fd, m, "abcde-002", NEW), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(pw(fd, m, "abcde-002", NACCS_FLAG_EXPIRED, 0, GOOD, NEW), NACCS_OUT_ALLOW);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-002", NULL), NACCS_OUT_ALLOW);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* m's encoding with its request id zeroed, into out. */
static size_t bytes_of(const struct naccs_msg *m, uint8_t *out, size_t cap)
{
	struct naccs_msg *c = naccs_msg_new();
	size_t n = 0;

	assert_non_null(c);
	memcpy(c, m, sizeof(*c));
	memset(c->request_id, 0, sizeof(c->request_id));
	assert_int_equal(naccs_msg_encode(c, out, cap, &n, NULL), 0);
	naccs_msg_free(c);
	return n;
}

/* In the child, as uid (abcde-001's): the exit code says which step failed. */
static int as_peer(const struct fx *f, uid_t uid)
{
	static uint8_t a[4096], b[4096];
	struct naccs_msg *m = naccs_msg_new();
	size_t na, nb;
	int64_t t0;
	int fd, rc = 0;

	if (setgid(65534) < 0 || setuid(uid) < 0)
		return 10;
	fd = fx_connect_wait(f->sock);
	if (pw(fd, m, "abcde-001", NACCS_FLAG_PRELIM, 0, GOOD, NULL) != NACCS_OUT_ALLOW)
		rc = 1;
	else if (pw(fd, m, "abcde-001", 0, 0, GOOD, NEW) != NACCS_OUT_ALLOW)
		rc = 2;
	else if (pw(fd, m, "abcde-001", 0, 0, WRONG, GOOD) != NACCS_OUT_BAD_CREDENTIALS)
		rc = 3;
	if (rc != 0)
		goto out;
	na = bytes_of(m, a, sizeof(a));
	/* Another ID with its right current password, an unknown name: the
	 * same bytes, after the same delay. */
	t0 = naccs_now_mono_ms();
	if (pw(fd, m, "abcde-002", 0, 0, GOOD, NEW) != NACCS_OUT_BAD_CREDENTIALS)
		rc = 4;
	else if (naccs_now_mono_ms() - t0 < 280)
		rc = 5;
	else if ((nb = bytes_of(m, b, sizeof(b))) != na || memcmp(a, b, na) != 0)
		rc = 6;
	else if (pw(fd, m, "nobody-here", 0, 0, GOOD, NEW) != NACCS_OUT_BAD_CREDENTIALS ||
		 (nb = bytes_of(m, b, sizeof(b))) != na || memcmp(a, b, na) != 0)
		rc = 7;
	else if (pw(fd, m, "abcde-001", NACCS_FLAG_PRELIM, 0, WRONG, NULL) !=
		 NACCS_OUT_BAD_CREDENTIALS)
		rc = 8;
	if (rc != 0)
		goto out;
	na = bytes_of(m, a, sizeof(a));
	if (pw(fd, m, "abcde-002", NACCS_FLAG_PRELIM, 0, GOOD, NULL) != NACCS_OUT_BAD_CREDENTIALS ||
	    (nb = bytes_of(m, b, sizeof(b))) != na || memcmp(a, b, na) != 0)
		rc = 9;
	/* The first step, before the prompt (no password): "ask it" alike. */
	else if (pw(fd, m, "abcde-001", NACCS_FLAG_PRELIM, 0, NULL, NULL) !=
		 NACCS_OUT_CHANGE_REQUIRED)
		rc = 11;
	else if ((na = bytes_of(m, a, sizeof(a))) == 0 ||
		 pw(fd, m, "abcde-002", NACCS_FLAG_PRELIM, 0, NULL, NULL) !=
		     NACCS_OUT_CHANGE_REQUIRED ||
		 (nb = bytes_of(m, b, sizeof(b))) != na || memcmp(a, b, na) != 0)
		rc = 12;
out:
	naccs_msg_free(m);
	close(fd);
	return rc;
}

/* An unprivileged peer (a screen locker's user): its own change works; a
 * wrong current password of its own is counted; another ID's name (even
 * with that ID's right password) or an unknown one gets the very bytes of
 * that answer, and nothing is counted against (or written about) it. */
static void test_unprivileged(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m;
	uint32_t uid;
	pid_t pid;
	char *text;
	int st, fd;

	if (geteuid() != 0) {
		skip(); /* # needs root to connect as another uid */
		return;
	}
	assert_int_equal(chmod(f->dir, 0755), 0);
	fx_store_conf_extra(f, 300, 9, RULES);
	uid = fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_issue(f, FILE_UID_BASE, "002", "abcde-002");
	/* Its nine checks exceed the per-uid burst (naccsd/caps.h), which
	 * tests/naccsd/test_pool checks: a test build takes a larger one. */
	setenv("NACCSD_TEST_UID_BURST", "20", 1);
	fx_start(f);
	unsetenv("NACCSD_TEST_UID_BURST");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(as_peer(f, uid));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(fx_state_of(f, "abcde-001").failures_since_success, 2);
	assert_int_equal(fx_state_of(f, "abcde-002").failures_since_success, 0);
	assert_false(fx_state_of(f, "abcde-002").has_last_failure);
	text = fx_trail(f);
	assert_null(strstr(text, "abcde-002"));
	free(text);
	m = naccs_msg_new(); /* after the fork: the child has none of its own */
	fd = fx_connect_wait(f->sock);
	assert_int_equal(auth(fd, m, "abcde-001", NEW), NACCS_OUT_ALLOW);
	assert_int_equal(auth(fd, m, "abcde-002", GOOD), NACCS_OUT_ALLOW);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_change, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_current, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_rules, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_root_and_forced, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_unprivileged, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
