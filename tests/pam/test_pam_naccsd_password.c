/* pam_naccs.so's password type as a client of naccsd (issue 18,
 * docs/PROTOCOL.md "The password change"): real PAM conversations
 * (libpamtest + pam_wrapper) through the services naccs-client*
 * (naccsd_socket=) against a real naccsd the fixture starts.  The change is
 * a short exchange: ask the current password (PASSWORD_BEGIN), ask the new
 * one twice (PASSWORD_CHANGE), a refusal shows the rule's message and asks
 * again up to retry=; a forced change (PAM_CHANGE_EXPIRED_AUTHTOK) asks the
 * current password even of root; root changes another's without it.  And
 * an unprivileged process (a screen locker: neither root nor the store's
 * owner) authenticates its own ID through naccsd, never through
 * naccs_chkpwd.  Test hooks: NACCS_TEST_INVOKER_UID (who runs passwd),
 * NACCS_CHKPWD_TEST_HELPER (the helper the module would run). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "index/write.h"
#include "policy/chkpwd.h"
#include "store/store.h"
#include "pamfixture.h"
#include "teststore.h"
#include "testutil.h"

#define SERVICE "naccs-client"
#define STACK	"naccs-client-stack"
#define CUR	"Corr3ct-Horse!"
#define NEW	"Xq7-vJ2p!kW1"
#define NEW2	"Zr8=wK3q?mX2"
#define WRONG	"Wr0ng-pass!"
#define ALICE	"abcde-001"
#define BOB	"abcde-002"
#define RESET	"abcde-004" /* issued: must change */
#define NSLOTS	16

static char store_path[512], sock_path[100], conf_path[512], log_path[512];
static pid_t naccsd = -1;
static uint32_t alice_uid;

static int setup(void **state)
{
	struct naccs_store *st;
	struct naccs_index_stats stats;
	struct naccs_err err;
	char index[600];

	(void)state;
	pfx_fresh_dir(PAM_FIXTURE_DIR);
	snprintf(store_path, sizeof(store_path), "%s/naccs.db", PAM_FIXTURE_DIR);
	snprintf(sock_path, sizeof(sock_path), "%s/naccsd.sock", PAM_FIXTURE_DIR);
	snprintf(conf_path, sizeof(conf_path), "%s/naccs.conf", PAM_FIXTURE_DIR);
	snprintf(log_path, sizeof(log_path), "%s/naccsd.log", PAM_FIXTURE_DIR);
	pfx_write_conf(PAM_FIXTURE_DIR, PAM_FIXTURE_DIR, store_path, NULL,
		       "[password]\nmin_age_days = 0\nretry = 3\ndictionary_check = no\n"
		       "history = 3\n");
	st = tst_open_store(store_path, geteuid(), true);
	/* uids of its own: another test's suspension of uid 20000 (the first
	 * allocated) would end this file's unprivileged peer. */
	alice_uid = tst_must_add_id(st, CUR, "ABCDE", "001", ALICE, 28501, false);
	tst_must_add_id(st, CUR, "ABCDE", "002", BOB, 28502, false);
	pfx_add_user(st, &(struct pfx_user){.login = RESET,
					    .code = "ABCDE",
					    .number = "004",
					    .password = CUR,
					    .must_change = true});
	snprintf(index, sizeof(index), "%s/passwd.cdb", PAM_FIXTURE_DIR);
	if (naccs_index_write(st, naccs_deadline_in(5000), index, &stats, &err) < 0)
		fail_msg("index: %s", err.msg);
	naccs_store_close(st);
	/* passwd run by a user (root's own changes: the tests that say so). */
	setenv("NACCS_TEST_INVOKER_UID", "65534", 1);
	naccsd = pfx_naccsd_start(conf_path, sock_path, log_path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pfx_naccsd_kill(naccsd);
	naccsd = -1;
	unsetenv("NACCS_TEST_INVOKER_UID");
	tu_rmtree(PAM_FIXTURE_DIR);
	return 0;
}

static bool said(char buf[][PAM_MAX_MSG_SIZE], const char *what)
{
	for (int i = 0; i < NSLOTS; i++)
		if (strstr(buf[i], what) != NULL)
			return true;
	return false;
}

/* One chauthtok (passwd) of service for user with the answers in order. */
static int passwd(const char *service, const char *user, const char *const *answers,
		  struct pfx_conv *c)
{
	pfx_conv_init(c, answers, NSLOTS, NSLOTS);
	return pfx_run(service, PAMTEST_CHAUTHTOK, user, c);
}

static int auth(const char *user, const char *pw)
{
	return pfx_run_pw(SERVICE, PAMTEST_AUTHENTICATE, user, pw, 4, 4, NULL);
}

static uint32_t failures(const char *login)
{
	return pfx_get_state(store_path, geteuid(), login).failures_since_success;
}

/* UTS-2.2.1.1(1)(e)(ア): the user sets their own password; naccsd says it
 * was changed. */
static void test_change(void **state)
{
	const char *a[] = {CUR, NEW, NEW, NULL};
	const char *b[] = {NEW, NEW2, NEW2, NULL};
	struct pfx_conv c;

	(void)state;
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_true(said(c.info_buf, "The password was changed."));
	assert_string_equal(c.err_buf[0], "");
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, CUR), PAM_AUTH_ERR);
	/* A NACCS form of the name changes the same ID. */
	assert_int_equal(passwd(SERVICE, "ABCDE001", b, &c), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, NEW2), PAM_SUCCESS);
}

/* A password too weak: the rule's message, asked again (retry = 3); the
 * entries that do not match are caught here and asked again too; three
 * refusals: PAM_MAXTRIES, the old password still valid. */
static void test_refused_asked_again(void **state)
{
	const char *a[] = {CUR, "short", "short", NEW, "Xq7-vJ2p!kW9", NEW, NEW, NULL};
	const char *b[] = {NEW, "short", "short", "xkcdzqwv", "xkcdzqwv", "short", "short", NULL};
	struct pfx_conv c;

	(void)state;
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_true(said(c.err_buf, "at least 8 characters"));
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
	assert_int_equal(passwd(SERVICE, ALICE, b, &c), PAM_MAXTRIES);
	assert_true(said(c.err_buf, "at least 3 of"));
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
}

/* A wrong current password: refused with naccsd's message, counted as a
 * failed login; nothing changed, no new password asked. */
static void test_wrong_current_password(void **state)
{
	const char *a[] = {WRONG, NEW, NEW, NULL};
	struct pfx_conv c;

	(void)state;
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_AUTH_ERR);
	assert_true(said(c.err_buf, "current password is not correct"));
	assert_int_equal(failures(ALICE), 1);
	assert_int_equal(auth(ALICE, CUR), PAM_SUCCESS);
}

/* UTS-2.2.1.1(1)(g)(オ): a password of the history is refused with its
 * message, and another is asked. */
static void test_history(void **state)
{
	const char *a[] = {CUR, NEW, NEW, NULL};
	const char *b[] = {NEW, CUR, CUR, NEW2, NEW2, NULL};
	struct pfx_conv c;

	(void)state;
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_int_equal(passwd(SERVICE, ALICE, b, &c), PAM_SUCCESS);
	assert_true(said(c.err_buf, "used before"));
	assert_int_equal(auth(ALICE, NEW2), PAM_SUCCESS);
}

/* The forced change after issue (must_change), in the handle of the login
 * as login does it: asked the current password even when root runs it
 * (flags: expired), then the change; the next account check lets in. */
static void test_forced_change_after_issue(void **state)
{
	struct pam_testcase tc[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_ACCOUNT, PAM_NEW_AUTHTOK_REQD),
	    pam_test_flags(PAMTEST_CHAUTHTOK, PAM_SUCCESS, PAM_CHANGE_EXPIRED_AUTHTOK),
	    pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
	};
	const char *a[] = {CUR, CUR, NEW, NEW, NULL};
	struct pfx_conv c;

	(void)state;
	setenv("NACCS_TEST_INVOKER_UID", "0", 1); /* login runs as root */
	assert_true(pfx_get_state(store_path, geteuid(), RESET).must_change);
	pfx_conv_init(&c, a, NSLOTS, NSLOTS);
	assert_int_equal(run_pamtest(SERVICE, RESET, &c.data, tc, NULL), PAMTEST_ERR_OK);
	assert_false(pfx_get_state(store_path, geteuid(), RESET).must_change);
	assert_int_equal(auth(RESET, NEW), PAM_SUCCESS);
}

/* Root changes another user's password (passwd USER): no current password
 * asked. */
static void test_root_changes_another(void **state)
{
	const char *a[] = {NEW, NEW, NULL};
	struct pfx_conv c;

	(void)state;
	setenv("NACCS_TEST_INVOKER_UID", "0", 1);
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_int_equal(auth(ALICE, NEW), PAM_SUCCESS);
}

/* A name that is no ID here: the module below changes it (here
 * pam_permit), with the new password asked here for it. */
static void test_not_ours(void **state)
{
	const char *a[] = {NEW, NEW, NULL};
	struct pfx_conv c;

	(void)state;
	assert_int_equal(passwd(STACK, "localuser", a, &c), PAM_SUCCESS);
}

/* naccsd out of reach: an ID's change fails closed, nothing changed; a
 * local name goes on to the module below. */
static void test_unreachable(void **state)
{
	const char *a[] = {CUR, NEW, NEW, NULL};
	const char *b[] = {NEW, NEW, NULL};
	struct pfx_conv c;

	(void)state;
	pfx_naccsd_stop(naccsd);
	naccsd = -1;
	assert_int_not_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_int_not_equal(passwd(STACK, ALICE, a, &c), PAM_SUCCESS);
	assert_int_equal(passwd(STACK, "localuser", b, &c), PAM_SUCCESS);
	naccsd = pfx_naccsd_start(conf_path, sock_path, log_path);
	assert_int_equal(auth(ALICE, CUR), PAM_SUCCESS);
}

/* ERROR busy (the flood cap full): an ID's change is refused with "try
 * again", nothing changed; a local name goes on. */
static void test_busy(void **state)
{
	const char *a[] = {CUR, NEW, NEW, NULL};
	const char *b[] = {NEW, NEW, NULL};
	struct pfx_conv c;

	(void)state;
	pfx_naccsd_stop(naccsd);
	naccsd = pfx_fake_naccsd(sock_path, "busy");
	assert_int_not_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_true(said(c.err_buf, "try again"));
	assert_int_equal(passwd(STACK, "localuser", b, &c), PAM_SUCCESS);
	pfx_naccsd_kill(naccsd);
	(void)unlink(sock_path);
	naccsd = pfx_naccsd_start(conf_path, sock_path, log_path);
	assert_int_equal(auth(ALICE, CUR), PAM_SUCCESS);
}

/* UTS-2.2.1.1(1)(b)(ウ): on a service of [notice] unencrypted_services the
 * warning comes before the first prompt of a change (naccsd's info line of
 * the first PASSWORD_BEGIN), once, for an ID and a local name alike, and
 * from the configuration when naccsd cannot be reached. */
static void test_unencrypted_warning(void **state)
{
	const char *a[] = {CUR, NEW, NEW, NULL};
	const char *b[] = {NEW, NEW2, NEW2, NULL};
	const char *local[] = {NEW, NEW, NULL};
	struct pfx_conv c;
	int shown = 0;

	(void)state;
	pfx_naccsd_stop(naccsd);
	pfx_write_conf(
	    PAM_FIXTURE_DIR, PAM_FIXTURE_DIR, store_path, NULL,
	    "[password]\nmin_age_days = 0\n[notice]\nunencrypted_services = telnet " SERVICE
	    " " STACK "\n");
	naccsd = pfx_naccsd_start(conf_path, sock_path, log_path);
	assert_int_equal(passwd(SERVICE, ALICE, a, &c), PAM_SUCCESS);
	assert_non_null(strstr(c.info_buf[0], "not encrypted"));
	for (int i = 0; i < NSLOTS; i++)
		shown += strstr(c.info_buf[i], "password you use on other systems") != NULL;
	assert_int_equal(shown, 1);
	assert_int_equal(passwd(STACK, "localuser", local, &c), PAM_SUCCESS);
	assert_non_null(strstr(c.info_buf[0], "not encrypted"));
	pfx_naccsd_stop(naccsd);
	naccsd = -1;
	assert_int_not_equal(passwd(SERVICE, ALICE, b, &c), PAM_SUCCESS);
	assert_non_null(strstr(c.info_buf[0], "not encrypted"));
}

/* ---- an unprivileged process (a screen locker) ------------------------- */

/* In the child, as ALICE's uid: the exit code says which step failed. */
static int as_locker(void)
{
	if (setgid(65534) < 0 || setuid(alice_uid) < 0)
		return 10;
	if (auth(ALICE, CUR) != PAM_SUCCESS)
		return 1;
	if (auth(ALICE, WRONG) != PAM_AUTH_ERR)
		return 2;
	/* Another ID, even with its right password: a wrong password. */
	if (auth(BOB, CUR) != PAM_AUTH_ERR)
		return 3;
	if (pfx_run_pw(SERVICE, PAMTEST_ACCOUNT, ALICE, NULL, 4, 4, NULL) != PAM_SUCCESS)
		return 4;
	return 0;
}

/* Issue 18: a screen locker's auth and account go to naccsd as an
 * unprivileged peer (SO_PEERCRED), never to the setuid naccs_chkpwd (here
 * a helper path that does not exist: running it would fail closed).  Its
 * own wrong password counts; another ID's name learns and counts
 * nothing. */
static void test_unprivileged_peer(void **state)
{
	const char *root = getenv("NACCS_FIXTURE_ROOT");
	unsigned char rc = 0xff;
	int fds[2], st;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		skip(); /* needs root to become another uid */
		return;
	}
	{
		char module[PATH_MAX];

		snprintf(module, sizeof(module), "%s/pam_naccs/.libs/pam_naccs.so",
			 getenv("NACCS_TOP_BUILDDIR") != NULL ? getenv("NACCS_TOP_BUILDDIR") : ".");
		if (!tu_reachable_as(alice_uid, 65534, module, R_OK)) {
			printf("# SKIP: uid %lu cannot load %s (a clone in root's 0700 home)\n",
			       (unsigned long)alice_uid, module);
			skip();
			return;
		}
	}
	/* The socket's directories: reachable for the child. */
	assert_int_equal(chmod(PAM_FIXTURE_DIR, 0711), 0);
	if (root != NULL)
		assert_int_equal(chmod(root, 0711), 0);
	setenv(NACCS_CHKPWD_TEST_HELPER_ENV, "/nonexistent/naccs_chkpwd", 1);
	/* The child's answer through a pipe: its exit status is valgrind's
	 * when the tests run under it (pam_wrapper's constructor's strings,
	 * freed by its destructor, which _exit skips, count as lost). */
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rc = (unsigned char)as_locker();
		_exit(write(fds[1], &rc, 1) == 1 ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &rc, 1), 1);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	unsetenv(NACCS_CHKPWD_TEST_HELPER_ENV);
	if (root != NULL)
		assert_int_equal(chmod(root, 0700), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(rc, 0);
	assert_int_equal(failures(ALICE), 1);
	assert_int_equal(failures(BOB), 0);
	assert_int_equal(tu_trail_count(PAM_FIXTURE_DIR, BOB), 0);
}

/* ---- the host's stack ------------------------------------------------- */

/* A conversation for pam_start: the answers in order to the prompts; the
 * messages kept (PAM_TEXT_INFO) to look at. */
struct answers {
	const char *const *next;
	char info[PAM_MAX_MSG_SIZE * 2];
};

static int answer_conv(int n, const struct pam_message **m, struct pam_response **r, void *data)
{
	struct answers *k = data;
	struct pam_response *resp = calloc((size_t)n, sizeof(*resp));

	if (resp == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (m[i]->msg_style == PAM_PROMPT_ECHO_OFF && *k->next != NULL)
			resp[i].resp = strdup(*k->next++);
		else if (m[i]->msg_style == PAM_TEXT_INFO)
			snprintf(k->info + strlen(k->info), sizeof(k->info) - strlen(k->info),
				 "%s\n", m[i]->msg);
	}
	*r = resp;
	return PAM_SUCCESS;
}

struct call {
	pam_handle_t *h;
	int rv;
};

static void *chauthtok_call(void *arg)
{
	struct call *k = arg;

	k->rv = pam_chauthtok(k->h, 0);
	return NULL;
}

/* The stack chauthtok of service for ALICE took with answers a. */
static size_t chauthtok_stack(const char *service, const char *const *a, struct answers *k, int *rv)
{
	struct pam_conv conv = {answer_conv, k};
	struct call c = {0};
	size_t n;

	memset(k, 0, sizeof(*k));
	k->next = a;
	assert_int_equal(pam_start(service, ALICE, &conv, &c.h), PAM_SUCCESS);
	n = pfx_stack_used(chauthtok_call, &c);
	pam_end(c.h, c.rv);
	*rv = c.rv;
	return n;
}

/* Issue 18: well under 8 KiB of the host's stack per call, both steps of
 * the change (PASSWORD_BEGIN, PASSWORD_CHANGE) in one pam_chauthtok. */
static void test_stack_per_call(void **state)
{
	const char *a[] = {CUR, NEW, NEW, NULL}, *none[] = {NULL};
	struct answers k;
	size_t floor, used;
	int rv;

	(void)state;
	if (pfx_stack_unmeasurable())
		return;
	floor = chauthtok_stack("other", none, &k, &rv);
	used = chauthtok_stack(SERVICE, a, &k, &rv) - floor;
	printf("stack: libpam + pam_wrapper + thread (pam_deny alone): %zu bytes\n", floor);
	printf("stack: pam_naccs chauthtok (both steps), through naccsd: %zu bytes\n", used);
	assert_int_equal(rv, PAM_SUCCESS);
	assert_non_null(strstr(k.info, "The password was changed."));
	assert_true(used < 8192);
	/* naccsd stopped: the index decides in this process (its trail line
	 * included), its buffers on the heap: bounded too. */
	pfx_naccsd_stop(naccsd);
	naccsd = -1;
	used = chauthtok_stack(SERVICE, a, &k, &rv) - floor;
	printf("stack: pam_naccs chauthtok, naccsd unreachable: %zu bytes\n", used);
	assert_int_not_equal(rv, PAM_SUCCESS);
	assert_true(used < 8192);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_change),
	    T(test_refused_asked_again),
	    T(test_wrong_current_password),
	    T(test_history),
	    T(test_forced_change_after_issue),
	    T(test_root_changes_another),
	    T(test_not_ours),
	    T(test_unreachable),
	    T(test_busy),
	    T(test_unencrypted_warning),
	    T(test_unprivileged_peer),
	    T(test_stack_per_call),
	};
	const char *filter = getenv("NACCS_TEST_FILTER");

	/* pam_wrapper writes what the module gives pam_syslog to stderr with
	 * fprintf, and glibc formats for an unbuffered stream through an 8 KiB
	 * buffer on the caller's stack: pam_wrapper's share, not libpam's (which
	 * formats on the heap for syslog(3)) nor the module's.  Line-buffered,
	 * the stack figures of the unreachable path (which logs) are the
	 * module's and libpam's (issue 18). */
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (!pfx_have_wrapper("test_pam_naccsd_password"))
		return 77;
	if (filter != NULL)
		cmocka_set_test_filter(filter);
	if (geteuid() != 0) {
		printf("not root: naccsd takes the invoker from root peers only: skipped\n");
		return 77;
	}
#ifndef NACCS_TEST_HOOKS
	printf("needs a build configured with --enable-test-hooks (NACCS_TEST_INVOKER_UID, "
	       "NACCS_CHKPWD_TEST_HELPER): skipped\n");
	return 77;
#endif
	return cmocka_run_group_tests_name("pam_naccs password changes through naccsd", tests, NULL,
					   NULL);
}
