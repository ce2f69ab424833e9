/* Time and terminal windows through pam_naccs.so (UTS-2.2.1.2(1)(b)(ア)),
 * pam_wrapper: the account phase refuses outside an ID's or its groups'
 * windows and says when login is next allowed, refuses services, terminals
 * and networks a rule does not list, applies the switching person's days
 * and hours to an su to a shared admin ID, and fails closed on a bad rule.
 * The clock is the test build's NACCS_TEST_NOW, the zone TZ=Asia/Tokyo;
 * the invoker of su the test hooks NACCS_TEST_INVOKER_UID/LOGINUID.
 * Also the optional limit on concurrent sessions per ID ([session]
 * max_sessions_per_id): the session's process is NACCS_TEST_SESSION_PID,
 * children of this test that stand in for sshd's or login's processes.
 * syslog is captured here (the binary exports it) to check the one event
 * of each decision. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>
#include <syslog.h>

#include "store/store.h"
#include "pamfixture.h"
#include "testlog.h"
#include "teststore.h"
#include "testutil.h"

#define LOGIN	"naccs-window"	  /* a login service */
#define SU	"naccs-window-su" /* listed in [su] switch_services */
#define GOOD_PW "Corr3ct-Horse!"

/* 2026-12-01 is a Tuesday; Tokyo is UTC+9. */
#define TUE_1000_JST "1796086800" /* 2026-12-01 01:00 UTC */
#define TUE_2000_JST "1796122800" /* 2026-12-01 11:00 UTC */
#define SAT_1000_JST "1796432400" /* 2026-12-05 01:00 UTC */

/* ---- fixture ---------------------------------------------------------- */

static char store_path[512];
static uint32_t uid_alice;

static const char rules[] = "rule_ops = group:ops days=Mon-Fri time=08:00-18:00\n"
			    "rule_bob = id:abcde-002 time=20:00-23:00\n"
			    "rule_carol = id:ABCDE003 services=sshd," LOGIN " ttys=tty*,ssh "
			    "networks=192.0.2.0/24,local\n";

static void write_conf(const char *access)
{
	pfx_write_conf(PAM_FIXTURE_DIR, PAM_FIXTURE_DIR, store_path, NULL,
		       "[password]\nmax_age_days = 0\n"
		       "[su]\nswitch_services = " SU "\nallow_groups = wheel-naccs\n"
		       "[access]\n%s",
		       access);
}

static void group(struct naccs_store *st, const char *name, const char *const *members)
{
	struct naccs_group g = {.gid = NACCS_GID_ALLOCATE};
	struct naccs_err err;

	snprintf(g.name, sizeof(g.name), "%s", name);
	if (naccs_store_group_add(st, naccs_deadline_in(5000), &g, 30000, 30999, "test", &err) < 0)
		fail_msg("group %s: %s", name, err.msg);
	for (; *members != NULL; members++)
		if (naccs_store_group_member(st, naccs_deadline_in(5000), name, *members, true,
					     "test", &err) < 0)
			fail_msg("member %s: %s", *members, err.msg);
}

static int setup(void **state)
{
	static const char *const ops[] = {"abcde-001", "abcde-002", NULL};
	static const char *const wheel[] = {"abcde-001", "abcde-004", NULL};
	struct naccs_store *st;

	(void)state;
	pfx_fresh_dir(PAM_FIXTURE_DIR);
	snprintf(store_path, sizeof(store_path), "%s/naccs.db", PAM_FIXTURE_DIR);
	write_conf(rules);
	st = tst_open_store(store_path, getuid(), true);
	tst_must_add_id(st, GOOD_PW, "", "", "root", 0, true);
	uid_alice =
	    tst_must_add_id(st, GOOD_PW, "ABCDE", "001", "abcde-001", NACCS_UID_ALLOCATE, false);
	tst_must_add_id(st, GOOD_PW, "ABCDE", "002", "abcde-002", NACCS_UID_ALLOCATE, false);
	tst_must_add_id(st, GOOD_PW, "ABCDE", "003", "abcde-003", NACCS_UID_ALLOCATE, false);
	tst_must_add_id(st, GOOD_PW, "ABCDE", "004", "abcde-004", NACCS_UID_ALLOCATE, false);
	group(st, "ops", ops);
	group(st, "wheel-naccs", wheel);
	naccs_store_close(st);
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("NACCS_TEST_NOW");
	unsetenv("NACCS_TEST_INVOKER_UID");
	unsetenv("NACCS_TEST_LOGINUID");
	unsetenv("NACCS_TEST_SESSION_PID");
	tu_rmtree(PAM_FIXTURE_DIR);
	return 0;
}

/* ---- running PAM ------------------------------------------------------- */

static char errors[1024];

static int conv(int n, const struct pam_message **m, struct pam_response **r, void *data)
{
	(void)data;
	for (int i = 0; i < n; i++)
		if (m[i]->msg_style == PAM_ERROR_MSG)
			snprintf(errors + strlen(errors), sizeof(errors) - strlen(errors), "%s\n",
				 m[i]->msg);
	*r = NULL;
	return PAM_SUCCESS;
}

/* The account phase of service for user at the time now (seconds, text),
 * with PAM_TTY and PAM_RHOST when given. */
static int account(const char *service, const char *user, const char *now, const char *tty,
		   const char *rhost)
{
	struct pam_conv c = {conv, NULL};

	tl_reset();
	errors[0] = '\0';
	setenv("NACCS_TEST_NOW", now, 1);
	return pfx_acct_direct(service, user, &c, tty, rhost, NULL);
}

/* ---- windows ------------------------------------------------------------ */

static void test_group_window(void **state)
{
	(void)state;
	/* alice is in ops: weekdays 08:00-18:00 in Tokyo. */
	assert_int_equal(account(LOGIN, "abcde-001", TUE_1000_JST, "tty1", NULL), PAM_SUCCESS);
	assert_int_equal(account(LOGIN, "abcde-001", TUE_2000_JST, "tty1", NULL), PAM_PERM_DENIED);
	/* The message says when (computed, local time). */
	assert_non_null(strstr(errors, "abcde-001 may not log in at this time. Login is allowed "
				       "again from 2026-12-02 08:00 (Wed) +0900."));
	/* One event: the reason, the rule and the next time. */
	assert_true(tl_logged("reason=\"outside-window\""));
	assert_true(tl_logged("rule=rule_ops next=2026-12-02 08:00 (Wed) +0900"));
	/* Saturday: next Monday. */
	assert_int_equal(account(LOGIN, "abcde-001", SAT_1000_JST, "tty1", NULL), PAM_PERM_DENIED);
	assert_non_null(strstr(errors, "from 2026-12-07 08:00 (Mon) +0900"));
}

static void test_id_rule_overrides_group(void **state)
{
	(void)state;
	/* bob is in ops too, but his own rule wins: evenings only. */
	assert_int_equal(account(LOGIN, "abcde-002", TUE_2000_JST, "tty1", NULL), PAM_SUCCESS);
	assert_int_equal(account(LOGIN, "abcde-002", TUE_1000_JST, "tty1", NULL), PAM_PERM_DENIED);
	assert_true(tl_logged("rule=rule_bob"));
	assert_non_null(strstr(errors, "from 2026-12-01 20:00 (Tue) +0900"));
	/* dave: no rule names him, no all rule: no restriction. */
	assert_int_equal(account(LOGIN, "abcde-004", SAT_1000_JST, NULL, "198.51.100.7"),
			 PAM_SUCCESS);
}

static void test_service_tty_network(void **state)
{
	(void)state;
	/* carol (named by her NACCS form): sshd or LOGIN, tty* or ssh,
	 * 192.0.2.0/24 or a local login. */
	assert_int_equal(account(LOGIN, "abcde-003", SAT_1000_JST, "/dev/tty3", NULL), PAM_SUCCESS);
	assert_int_equal(account(LOGIN, "abcde-003", SAT_1000_JST, "ssh", "192.0.2.44"),
			 PAM_SUCCESS);
	assert_int_equal(account(SU, "abcde-003", SAT_1000_JST, "tty3", NULL), PAM_PERM_DENIED);
	assert_true(tl_logged("reason=\"service-not-allowed\""));
	assert_non_null(strstr(errors, "abcde-003 may not log in through " SU "."));
	assert_int_equal(account(LOGIN, "abcde-003", SAT_1000_JST, "pts/4", NULL), PAM_PERM_DENIED);
	assert_true(tl_logged("reason=\"tty-not-allowed\""));
	assert_non_null(strstr(errors, "may not log in from this terminal"));
	assert_int_equal(account(LOGIN, "abcde-003", SAT_1000_JST, NULL, NULL), PAM_PERM_DENIED);
	assert_true(tl_logged("reason=\"tty-not-allowed\""));
	assert_int_equal(account(LOGIN, "abcde-003", SAT_1000_JST, "ssh", "198.51.100.7"),
			 PAM_PERM_DENIED);
	assert_true(tl_logged("reason=\"network-not-allowed\""));
	assert_non_null(strstr(errors, "may not log in from this address"));
	/* A host name is never resolved: refused. */
	assert_int_equal(account(LOGIN, "abcde-003", SAT_1000_JST, "ssh", "gw.example"),
			 PAM_PERM_DENIED);
}

static void test_su_invoker_window(void **state)
{
	char v[16];

	(void)state;
	snprintf(v, sizeof(v), "%lu", (unsigned long)uid_alice);
	setenv("NACCS_TEST_INVOKER_UID", v, 1);
	setenv("NACCS_TEST_LOGINUID", v, 1);
	/* alice may switch to root (wheel-naccs), within her own hours only:
	 * the windows apply to the person, not to the shared ID. */
	assert_int_equal(account(SU, "root", TUE_1000_JST, "pts/1", NULL), PAM_SUCCESS);
	assert_true(tl_logged("su-allowed"));
	assert_int_equal(account(SU, "root", TUE_2000_JST, "pts/1", NULL), PAM_PERM_DENIED);
	assert_true(tl_logged("reason=\"su-invoker-outside-window\""));
	assert_true(tl_logged("invoker=abcde-001"));
	assert_true(tl_logged("rule=rule_ops applied-to=invoker"));
	assert_non_null(strstr(errors, "Switching to root is refused: your ID abcde-001 may not be "
				       "used at this time. It may be used again from 2026-12-02 "
				       "08:00 (Wed) +0900."));
	/* A rule on the target itself applies in full. */
	write_conf("rule_root = id:root days=Mon-Fri\n");
	assert_int_equal(account(SU, "root", TUE_2000_JST, "pts/1", NULL), PAM_SUCCESS);
	assert_int_equal(account(SU, "root", SAT_1000_JST, "pts/1", NULL), PAM_PERM_DENIED);
	assert_true(tl_logged("reason=\"outside-window\""));
	assert_true(tl_logged("rule=rule_root"));
}

static void test_all_rule_and_bad_rule(void **state)
{
	(void)state;
	write_conf("rule_everyone = all days=Mon-Fri\n");
	assert_int_equal(account(LOGIN, "abcde-004", TUE_2000_JST, NULL, NULL), PAM_SUCCESS);
	assert_int_equal(account(LOGIN, "abcde-004", SAT_1000_JST, NULL, NULL), PAM_PERM_DENIED);
	assert_non_null(strstr(errors, "from 2026-12-07 00:00 (Mon) +0900"));
	/* A rule that does not parse: nobody gets in (fail closed). */
	write_conf("rule_bad = group:ops time=08:00-25:00\n");
	assert_int_equal(account(LOGIN, "abcde-004", TUE_1000_JST, NULL, NULL), PAM_SERVICE_ERR);
}

/* ---- concurrent sessions per ID ------------------------------------------- */

/* A process that stands for a session's holder until killed. */
static pid_t holder(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void end_holder(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Open a session of user held by pid; *h keeps the handle open when h is
 * not NULL (for the close). */
static int open_session(const char *user, pid_t pid, pam_handle_t **h)
{
	struct pam_conv c = {conv, NULL};
	pam_handle_t *ph = NULL;
	char v[16];
	int rv;

	snprintf(v, sizeof(v), "%ld", (long)pid);
	setenv("NACCS_TEST_SESSION_PID", v, 1);
	tl_reset();
	errors[0] = '\0';
	assert_int_equal(pam_start(LOGIN, user, &c, &ph), PAM_SUCCESS);
	rv = pam_open_session(ph, 0);
	if (h != NULL)
		*h = ph;
	else
		pam_end(ph, rv);
	return rv;
}

static unsigned table_lines(const char *login)
{
	char path[600], line[256];
	unsigned n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sessions/%s", PAM_FIXTURE_DIR, login);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n++;
	fclose(f);
	return n;
}

/* The fixture's session directory ([session] session_dir's default). */
static const char *fixture_sessions(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/sessions", PAM_FIXTURE_DIR);
	return path;
}

static void test_session_limit(void **state)
{
	pid_t a = holder(), b = holder();
	pam_handle_t *h = NULL;
	struct stat sb;

	(void)state;
	/* Off by default: never refused, but counted all the same, so that
	 * naccsctl user suspend can end the session (UTS-2.2.1.1(1)(d)); a
	 * table that cannot be used then refuses nothing. */
	assert_int_equal(open_session("abcde-002", a, NULL), PAM_SUCCESS);
	assert_int_equal(stat(fixture_sessions(), &sb), 0);
	assert_int_equal(table_lines("abcde-002"), 1);
	assert_int_equal(chmod(fixture_sessions(), 0777), 0);
	assert_int_equal(open_session("abcde-002", b, NULL), PAM_SUCCESS);
	assert_int_equal(chmod(fixture_sessions(), 0700), 0);
	assert_int_equal(table_lines("abcde-002"), 1);
	write_conf("[session]\nmax_sessions_per_id = 2\n");
	assert_int_equal(open_session("abcde-004", a, NULL), PAM_SUCCESS);
	assert_int_equal(open_session("ABCDE004", b, NULL), PAM_SUCCESS); /* the same ID */
	assert_int_equal(table_lines("abcde-004"), 2);
	/* A third, while both live: refused with a message and one event. */
	assert_int_equal(open_session("abcde-004", getpid(), NULL), PAM_SESSION_ERR);
	assert_non_null(strstr(errors, "abcde-004 already has 2 sessions open"));
	assert_true(tl_logged("reason=\"too-many-sessions\""));
	assert_true(tl_logged("live=2 max=2"));
	/* Another ID is not affected. */
	assert_int_equal(open_session("abcde-001", getpid(), NULL), PAM_SUCCESS);
	/* A holder that crashed (kill -9, no close) stops counting. */
	end_holder(a);
	assert_int_equal(open_session("abcde-004", getpid(), &h), PAM_SUCCESS);
	assert_int_equal(table_lines("abcde-004"), 2); /* the dead line dropped */
	/* A closed session frees its place. */
	assert_int_equal(pam_close_session(h, 0), PAM_SUCCESS);
	pam_end(h, PAM_SUCCESS);
	assert_int_equal(table_lines("abcde-004"), 1);
	end_holder(b);
}

static void test_session_after_reboot(void **state)
{
	pid_t a = holder(), b = holder();
	char path[600], text[512];
	FILE *f;

	(void)state;
	write_conf("[session]\nmax_sessions_per_id = 1\n");
	assert_int_equal(open_session("abcde-001", a, NULL), PAM_SUCCESS);
	assert_int_equal(open_session("abcde-001", b, NULL), PAM_SESSION_ERR);
	/* One session: the singular (the e2e sshd test showed "1 sessions"). */
	assert_non_null(strstr(errors, "abcde-001 already has 1 session open, the most allowed"));
	/* The line of a live process, but of another boot (the table
	 * survived a reboot), and a line cut by a crash: neither counts. */
	snprintf(path, sizeof(path), "%s/sessions/abcde-001", PAM_FIXTURE_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	memcpy(text, "00000000", 8);
	strcat(text, "garbage 12");
	free(tu_write_file(fixture_sessions(), "abcde-001", text, 0600));
	assert_int_equal(open_session("abcde-001", b, NULL), PAM_SUCCESS);
	assert_int_equal(table_lines("abcde-001"), 1);
	/* A table nobody else may write, or fail closed. */
	assert_int_equal(chmod(fixture_sessions(), 0777), 0);
	assert_int_equal(open_session("abcde-002", a, NULL), PAM_SESSION_ERR);
	assert_true(tl_logged("reason=\"session-table-unavailable\""));
	assert_non_null(strstr(errors, "the session table cannot be used"));
	assert_int_equal(chmod(fixture_sessions(), 0700), 0);
	end_holder(a);
	end_holder(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_group_window),	   T(test_id_rule_overrides_group),
	    T(test_service_tty_network),   T(test_su_invoker_window),
	    T(test_all_rule_and_bad_rule), T(test_session_limit),
	    T(test_session_after_reboot),
#undef T
	};

#ifndef NACCS_TEST_HOOKS
	/* The su invoker and the clock come from test hooks: skipped, saying
	 * why (77); scripts/build.sh (CI) always enables them. */
	(void)tests;
	printf("needs a build configured with --enable-test-hooks (NACCS_TEST_NOW, "
	       "NACCS_TEST_INVOKER_UID, NACCS_TEST_SESSION_PID): skipped\n");
	return 77;
#endif

	return cmocka_run_group_tests(tests, NULL, NULL);
}
