/* pam_naccs.so's session type as a client of naccsd (issue 18,
 * docs/PROTOCOL.md "Sessions"): real PAM conversations (libpamtest +
 * pam_wrapper) through the services naccs-client* (naccsd_socket=) against
 * a real naccsd the fixture starts (pfx_naccsd_start).  The open shows the
 * login notices and records the login, the close (with the session mark
 * the open handed over) records the logout; the su rule refuses a switch
 * service's session; naccsd out of reach: an ID's session fails closed, a
 * local name goes on.  Test hooks: NACCS_TEST_INVOKER_UID / _LOGINUID (su),
 * NACCS_TEST_NOW (naccsd's clock). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "index/write.h"
#include "store/store.h"
#include "pamfixture.h"
#include "teststore.h"
#include "testutil.h"

#define SERVICE "naccs-client"
#define SU	"naccs-client-su" /* in [su] switch_services */
#define STACK	"naccs-client-stack"
#define GOOD_PW "Corr3ct-Horse!"
#define WRONG	"Wr0ng-pass!"
#define ALICE	"abcde-001"
#define OPENED	"\"type\":\"session\",\"action\":\"open\",\"result\":\"allow\""
#define CLOSED	"\"type\":\"session\",\"action\":\"close\""

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
		       "[su]\nswitch_services = " SU "\n");
	st = tst_open_store(store_path, geteuid(), true);
	alice_uid = tst_must_add_id(st, GOOD_PW, "ABCDE", "001", ALICE, NACCS_UID_ALLOCATE, false);
	tst_must_add_id(st, GOOD_PW, "", "", "root", 0, true); /* a shared admin ID */
	snprintf(index, sizeof(index), "%s/passwd.cdb", PAM_FIXTURE_DIR);
	if (naccs_index_write(st, naccs_deadline_in(5000), index, &stats, &err) < 0)
		fail_msg("index: %s", err.msg);
	naccs_store_close(st);
	naccsd = pfx_naccsd_start(conf_path, sock_path, log_path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pfx_naccsd_kill(naccsd);
	naccsd = -1;
	unsetenv("NACCS_TEST_INVOKER_UID");
	unsetenv("NACCS_TEST_LOGINUID");
	tu_rmtree(PAM_FIXTURE_DIR);
	return 0;
}

static void stop(void)
{
	pfx_naccsd_stop(naccsd);
	naccsd = -1;
}

static bool has(char buf[][PAM_MAX_MSG_SIZE], const char *needle)
{
	for (int i = 0; i < 4; i++)
		if (strstr(buf[i], needle) != NULL)
			return true;
	return false;
}

/* One handle: open the session, then close it (op_rv of each in rv). */
static void open_close(const char *service, const char *user, struct pfx_conv *c, int rv[2])
{
	struct pam_testcase tc[] = {
	    pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
	    pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
	};

	pfx_conv_init(c, NULL, 4, 4);
	(void)run_pamtest(service, user, &c->data, tc, NULL);
	rv[0] = tc[0].op_rv;
	rv[1] = tc[1].op_rv;
}

static size_t trail_count(const char *needle)
{
	return tu_trail_count(PAM_FIXTURE_DIR, needle);
}

/* UTS-2.2.1.1(1)(g)(イ), (ウ): the open records the login and shows the
 * last login and the failures since it; the close (the open's session
 * mark, kept in the handle) records the logout (UTS-2.2.1.4(1)(a)). */
static void test_open_notices_close_logout(void **state)
{
	struct pfx_conv c;
	int rv[2];

	(void)state;
	open_close(SERVICE, ALICE, &c, rv);
	assert_int_equal(rv[0], PAM_SUCCESS);
	assert_int_equal(rv[1], PAM_SUCCESS);
	assert_true(pfx_get_state(store_path, geteuid(), ALICE).has_last_success);
	assert_int_equal(trail_count(OPENED), 1);
	assert_int_equal(trail_count(CLOSED), 1);
	/* A wrong password since: the next session's notices say so. */
	assert_int_equal(pfx_run_pw(SERVICE, PAMTEST_AUTHENTICATE, ALICE, WRONG, 4, 4, NULL),
			 PAM_AUTH_ERR);
	open_close(SERVICE, ALICE, &c, rv);
	assert_int_equal(rv[0], PAM_SUCCESS);
	assert_int_equal(rv[1], PAM_SUCCESS);
	assert_true(has(c.info_buf, "Last login: "));
	assert_true(has(c.info_buf, "1 failed login attempt since your last login"));
	assert_string_equal(c.err_buf[0], "");
	assert_int_equal(trail_count(OPENED), 2);
	assert_int_equal(trail_count(CLOSED), 2);
	/* Closed once: a second close in the same handle writes nothing. */
	{
		struct pam_testcase tc[] = {
		    pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
		    pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
		    pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
		};

		pfx_conv_init(&c, NULL, 4, 4);
		(void)run_pamtest(STACK, ALICE, &c.data, tc, NULL);
		assert_int_equal(tc[0].op_rv, PAM_SUCCESS);
		assert_int_equal(tc[1].op_rv, PAM_SUCCESS);
		assert_int_equal(trail_count(CLOSED), 3);
	}
}

/* UTS-2.2.1.1(1)(g)(カ): on a switch service whose user is now a shared
 * admin ID (sudo), an invoker who may not switch is refused
 * (PAM_PERM_DENIED: sudo runs the command after a PAM_SESSION_ERR);
 * nothing is opened. */
static void test_su_session_refused(void **state)
{
	struct pfx_conv c;
	char v[16];
	int rv[2];

	(void)state;
	snprintf(v, sizeof(v), "%lu", (unsigned long)alice_uid);
	setenv("NACCS_TEST_INVOKER_UID", v, 1);
	setenv("NACCS_TEST_LOGINUID", v, 1);
	open_close(SU, "root", &c, rv);
	assert_int_equal(rv[0], PAM_PERM_DENIED);
	assert_true(has(c.err_buf, "may not switch to root"));
	assert_int_equal(trail_count(OPENED), 0);
	/* The ID's own session on the same service opens. */
	open_close(SU, ALICE, &c, rv);
	assert_int_equal(rv[0], PAM_SUCCESS);
	assert_int_equal(trail_count(OPENED), 1);
}

/* A name that is no ID here is not ours: the stack goes on. */
static void test_not_ours(void **state)
{
	struct pfx_conv c;
	int rv[2];

	(void)state;
	open_close(STACK, "localuser", &c, rv);
	assert_int_equal(rv[0], PAM_SUCCESS);
	assert_int_equal(trail_count("\"type\":\"session\""), 0);
}

/* naccsd out of reach: nothing can record the session of an ID, which
 * fails closed as its account check does (the index decides, issue 18);
 * a local name goes on.  A session opened before naccsd went away closes
 * without its logout line (logged), and is not refused. */
static void test_unreachable(void **state)
{
	struct pam_testcase tc[] = {
	    pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
	    pam_test(PAMTEST_KEEPHANDLE, PAM_SUCCESS),
	};
	struct pfx_conv c;
	pam_handle_t *h;
	int rv[2];

	(void)state;
	pfx_conv_init(&c, NULL, 4, 4);
	assert_int_equal(run_pamtest(STACK, ALICE, &c.data, tc, NULL), PAMTEST_ERR_OK);
	h = tc[1].case_out.ph;
	stop();
	assert_int_equal(pam_close_session(h, 0), PAM_SUCCESS);
	pam_end(h, PAM_SUCCESS);
	assert_int_equal(trail_count(CLOSED), 0);
	open_close(STACK, ALICE, &c, rv);
	assert_int_equal(rv[0], PAM_SESSION_ERR);
	open_close(SERVICE, ALICE, &c, rv);
	assert_int_equal(rv[0], PAM_SESSION_ERR);
	open_close(STACK, "localuser", &c, rv);
	assert_int_equal(rv[0], PAM_SUCCESS);
}

/* naccsd up, its store gone: the login is not recorded, the session not
 * refused (NOT_MANAGED: PAM_IGNORE, as in-process). */
static void test_store_unavailable(void **state)
{
	struct pfx_conv c;
	int rv[2];

	(void)state;
	assert_int_equal(unlink(store_path), 0);
	open_close(STACK, ALICE, &c, rv);
	assert_int_equal(rv[0], PAM_SUCCESS);
}

/* ---- the host's stack ------------------------------------------------- */

/* Messages only (no prompt in a session call): read and dropped. */
static int quiet_conv(int n, const struct pam_message **m, struct pam_response **r, void *data)
{
	(void)m;
	(void)data;
	*r = calloc((size_t)n, sizeof(**r));
	return *r != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
}

struct call {
	pam_handle_t *h;
	bool close;
	int rv;
};

static void *session_call(void *arg)
{
	struct call *k = arg;

	k->rv = k->close ? pam_close_session(k->h, 0) : pam_open_session(k->h, 0);
	return NULL;
}

/* Issue 18: well under 8 KiB of the host's stack per call.  pam_deny's
 * figure (service "other") is libpam's, pam_wrapper's and the thread's
 * share, taken off. */
static void test_stack_per_call(void **state)
{
	struct pam_conv conv = {quiet_conv, NULL};
	struct call k = {0};
	size_t floor, open, close;

	(void)state;
	if (pfx_stack_unmeasurable())
		return;
	assert_int_equal(pam_start("other", ALICE, &conv, &k.h), PAM_SUCCESS);
	floor = pfx_stack_used(session_call, &k);
	pam_end(k.h, k.rv);
	assert_int_equal(pam_start(SERVICE, ALICE, &conv, &k.h), PAM_SUCCESS);
	open = pfx_stack_used(session_call, &k) - floor;
	assert_int_equal(k.rv, PAM_SUCCESS);
	k.close = true;
	close = pfx_stack_used(session_call, &k) - floor;
	assert_int_equal(k.rv, PAM_SUCCESS);
	pam_end(k.h, k.rv);
	printf("stack: libpam + pam_wrapper + thread (pam_deny alone): %zu bytes\n", floor);
	printf("stack: pam_naccs session open, through naccsd: %zu bytes\n", open);
	printf("stack: pam_naccs session close, through naccsd: %zu bytes\n", close);
	assert_int_equal(trail_count(CLOSED), 1);
	assert_true(open < 8192);
	assert_true(close < 8192);
	/* naccsd stopped: the index decides in this process (its trail line
	 * included), its buffers on the heap: bounded too. */
	pfx_naccsd_stop(naccsd);
	naccsd = -1;
	k.close = false;
	assert_int_equal(pam_start(SERVICE, ALICE, &conv, &k.h), PAM_SUCCESS);
	open = pfx_stack_used(session_call, &k) - floor;
	assert_int_equal(k.rv, PAM_SESSION_ERR);
	pam_end(k.h, k.rv);
	printf("stack: pam_naccs session open, naccsd unreachable: %zu bytes\n", open);
	assert_true(open < 8192);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_open_notices_close_logout),
	    T(test_su_session_refused),
	    T(test_not_ours),
	    T(test_unreachable),
	    T(test_store_unavailable),
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
	if (!pfx_have_wrapper("test_pam_naccsd_session"))
		return 77;
	if (filter != NULL)
		cmocka_set_test_filter(filter);
	if (geteuid() != 0) {
		printf("not root: naccsd takes SESSION_OPEN from root peers only: skipped\n");
		return 77;
	}
#ifndef NACCS_TEST_HOOKS
	printf("needs a build configured with --enable-test-hooks (NACCS_TEST_INVOKER_UID): "
	       "skipped\n");
	return 77;
#endif
	return cmocka_run_group_tests_name("pam_naccs sessions through naccsd", tests, NULL, NULL);
}
