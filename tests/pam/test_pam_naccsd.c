/* pam_naccs.so as a client of naccsd (issue 18, docs/NACCSD-PLAN.md step 3):
 * real PAM conversations (libpamtest + pam_wrapper) through the services
 * naccs-client* (naccsd_socket=) against a real naccsd the fixture starts
 * (pfx_naccsd_start).  Unreachable (stopped, killed, silent, busy, a socket
 * of the wrong owner): the identity index decides (issue 16).  Test hooks:
 * NACCS_TEST_INVOKER_UID / _LOGINUID (su), NACCS_TEST_NOW (naccsd's clock),
 * NACCS_TEST_CLIENT_MS (the client's deadline). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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
#define TWICE	"naccs-client-twice"
#define STACK	"naccs-client-stack" /* account: then pam_permit */
#define GOOD_PW "Corr3ct-Horse!"
#define WRONG	"Wr0ng-pass!"
#define ALICE	"abcde-001"
#define DENY	3

static char store_path[512], sock_path[100], conf_path[512], log_path[512];
static pid_t naccsd = -1;
static uint32_t alice_uid;
static int64_t t0;

static void write_conf(void)
{
	pfx_write_conf(PAM_FIXTURE_DIR, PAM_FIXTURE_DIR, store_path, NULL,
		       "[lockout]\ndeny = %d\n[notice]\nnotice_in_auth = yes\n"
		       "[password]\nmax_age_days = 90\ngrace_days = 7\n[su]\nswitch_services = " SU
		       "\n",
		       DENY);
}

static void set_now(int64_t t)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", (long long)t);
	setenv("NACCS_TEST_NOW", v, 1);
}

static void start(void)
{
	naccsd = pfx_naccsd_start(conf_path, sock_path, log_path);
}

static void stop(void)
{
	pfx_naccsd_stop(naccsd);
	naccsd = -1;
}

static int setup(void **state)
{
	struct naccs_store *st;
	struct naccs_index_stats stats;
	struct naccs_err err;
	char index[600];

	(void)state;
	t0 = (int64_t)time(NULL);
	set_now(t0);
	pfx_fresh_dir(PAM_FIXTURE_DIR);
	snprintf(store_path, sizeof(store_path), "%s/naccs.db", PAM_FIXTURE_DIR);
	snprintf(sock_path, sizeof(sock_path), "%s/naccsd.sock", PAM_FIXTURE_DIR);
	snprintf(conf_path, sizeof(conf_path), "%s/naccs.conf", PAM_FIXTURE_DIR);
	snprintf(log_path, sizeof(log_path), "%s/naccsd.log", PAM_FIXTURE_DIR);
	write_conf();
	st = tst_open_store(store_path, geteuid(), true);
	alice_uid = tst_must_add_id(st, GOOD_PW, "ABCDE", "001", ALICE, NACCS_UID_ALLOCATE, false);
	tst_must_add_id(st, GOOD_PW, "ABCDE", "002", "abcde-002", NACCS_UID_ALLOCATE, false);
	pfx_add_user(st, &(struct pfx_user){.login = "abcde-004",
					    .code = "ABCDE",
					    .number = "004",
					    .password = GOOD_PW,
					    .must_change = true});
	tst_must_add_id(st, GOOD_PW, "ABCDE", "005", "abcde-005", NACCS_UID_ALLOCATE, false);
	tst_must_add_id(st, GOOD_PW, "", "", "root", 0, true); /* a shared admin ID */
	if (naccs_store_set_flag(st, naccs_deadline_in(5000), "abcde-002", NACCS_FLAG_LOCKED, true,
				 "too many failures", "test", &err) < 0 ||
	    naccs_store_retire(st, naccs_deadline_in(5000), "abcde-005", "left", "test", &err) < 0)
		fail_msg("state: %s", err.msg);
	/* The public identity index: what decides without naccsd. */
	snprintf(index, sizeof(index), "%s/passwd.cdb", PAM_FIXTURE_DIR);
	if (naccs_index_write(st, naccs_deadline_in(5000), index, &stats, &err) < 0)
		fail_msg("index: %s", err.msg);
	naccs_store_close(st);
	start();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pfx_naccsd_kill(naccsd);
	naccsd = -1;
	unsetenv("NACCS_TEST_INVOKER_UID");
	unsetenv("NACCS_TEST_LOGINUID");
	unsetenv("NACCS_TEST_CLIENT_MS");
	unsetenv("NACCS_TEST_NOW");
	tu_rmtree(PAM_FIXTURE_DIR);
	return 0;
}

static int run(enum pamtest_ops op, const char *user, const char *pw, struct pfx_conv *c)
{
	return pfx_run_pw(SERVICE, op, user, pw, 4, 4, c);
}

static uint32_t failures(const char *login)
{
	return pfx_get_state(store_path, geteuid(), login).failures_since_success;
}

static bool info_has(const struct pfx_conv *c, const char *needle)
{
	for (int i = 0; i < 4; i++)
		if (strstr(c->info_buf[i], needle) != NULL)
			return true;
	return false;
}

/* ---- a conversation that counts prompts (pam_start, pam_wrapper) ---- */

struct counted {
	const char *answer; /* to every prompt (NULL: WRONG) */
	int prompts;
	char err[PAM_MAX_MSG_SIZE];
};

static int count_conv(int n, const struct pam_message **m, struct pam_response **r, void *data)
{
	struct counted *k = data;
	struct pam_response *resp = calloc((size_t)n, sizeof(*resp));

	if (resp == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (m[i]->msg_style == PAM_PROMPT_ECHO_OFF) {
			k->prompts++;
			resp[i].resp = strdup(k->answer != NULL ? k->answer : WRONG);
		} else if (m[i]->msg_style == PAM_ERROR_MSG) {
			snprintf(k->err, sizeof(k->err), "%s", m[i]->msg);
		}
	}
	*r = resp;
	return PAM_SUCCESS;
}

static int auth_counted(const char *service, const char *user, struct counted *k)
{
	struct pam_conv conv = {count_conv, k};
	pam_handle_t *h = NULL;
	int rv;

	memset(k, 0, sizeof(*k));
	assert_int_equal(pam_start(service, user, &conv, &h), PAM_SUCCESS);
	rv = pam_authenticate(h, 0);
	pam_end(h, rv);
	return rv;
}

/* ---- decisions through naccsd ----------------------------------------- */

/* The right password lets the ID in; a NACCS form of its name becomes the
 * canonical login in PAM_USER (UTS-2.2.1.1(1)(a)). */
static void test_good_password_canonical_user(void **state)
{
	struct pam_testcase tc[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_KEEPHANDLE, PAM_SUCCESS),
	};
	struct pfx_conv c;
	const void *user = NULL;

	(void)state;
	pfx_conv_pw(&c, GOOD_PW, 4, 4);
	assert_int_equal(run_pamtest(SERVICE, "ABCDE-001", &c.data, tc, NULL), PAMTEST_ERR_OK);
	assert_int_equal(pam_get_item(tc[1].case_out.ph, PAM_USER, &user), PAM_SUCCESS);
	assert_string_equal((const char *)user, ALICE);
	pam_end(tc[1].case_out.ph, PAM_SUCCESS);
}

/* A wrong password: PAM_AUTH_ERR, one failure in the store. */
static void test_wrong_password_counted_once(void **state)
{
	struct pfx_conv c;

	(void)state;
	assert_int_equal(run(PAMTEST_AUTHENTICATE, ALICE, WRONG, &c), PAM_AUTH_ERR);
	assert_int_equal(failures(ALICE), 1);
	assert_int_equal(run(PAMTEST_AUTHENTICATE, ALICE, "Other-wr0ng", &c), PAM_AUTH_ERR);
	assert_int_equal(failures(ALICE), 2);
	/* A name that is no ID here: not ours. */
	assert_int_equal(run(PAMTEST_AUTHENTICATE, "nobody-here", WRONG, &c), PAM_USER_UNKNOWN);
}

/* The same wrong token twice in one handle counts once
 * (UTS-2.2.1.1(1)(g)(ウ), #16): two pam_authenticate calls of one handle,
 * and one call through a stack that lists the module twice; two different
 * tokens count twice; after a success (a new generation) the same token
 * counts again. */
static void test_same_token_twice_in_one_handle(void **state)
{
	struct pam_testcase two[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_AUTH_ERR),
	    pam_test(PAMTEST_AUTHENTICATE, PAM_AUTH_ERR),
	};
	struct pam_testcase three[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_AUTH_ERR),
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_AUTHENTICATE, PAM_AUTH_ERR),
	};
	const char *same[] = {WRONG, WRONG, NULL};
	const char *other[] = {WRONG, "Other-wr0ng", NULL};
	const char *around[] = {WRONG, GOOD_PW, WRONG, NULL};
	struct pfx_conv c;

	(void)state;
	pfx_conv_init(&c, same, 4, 4);
	assert_int_equal(run_pamtest(SERVICE, ALICE, &c.data, two, NULL), PAMTEST_ERR_OK);
	assert_int_equal(failures(ALICE), 1);
	pfx_conv_init(&c, other, 4, 4);
	assert_int_equal(run_pamtest(SERVICE, ALICE, &c.data, two, NULL), PAMTEST_ERR_OK);
	assert_int_equal(failures(ALICE), 3);
	pfx_conv_init(&c, around, 4, 4);
	assert_int_equal(run_pamtest(SERVICE, "abcde-004", &c.data, three, NULL), PAMTEST_ERR_OK);
	assert_int_equal(failures("abcde-004"), 1);
	/* One pam_authenticate, the module twice (use_first_pass). */
	assert_int_equal(pfx_run_pw(TWICE, PAMTEST_AUTHENTICATE, "abcde-004", WRONG, 4, 4, NULL),
			 PAM_AUTH_ERR);
	assert_int_equal(failures("abcde-004"), 2);
}

/* UTS-2.2.1.1(1)(d): lockout.deny failures lock the ID; then the right
 * password is refused too. */
static void test_lockout_after_deny(void **state)
{
	struct pfx_conv c;

	(void)state;
	for (int i = 0; i < DENY; i++)
		assert_int_equal(run(PAMTEST_AUTHENTICATE, ALICE, WRONG, &c), PAM_AUTH_ERR);
	assert_true(pfx_get_state(store_path, geteuid(), ALICE).locked);
	assert_int_equal(run(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW, &c), PAM_AUTH_ERR);
	assert_int_equal(run(PAMTEST_ACCOUNT, ALICE, NULL, &c), PAM_PERM_DENIED);
}

/* The account phase: usable, a change demanded (information, not an
 * error), locked, retired, no ID, and a password past its age. */
static void test_account_phase(void **state)
{
	struct pfx_conv c;

	(void)state;
	assert_int_equal(run(PAMTEST_ACCOUNT, ALICE, NULL, &c), PAM_SUCCESS);
	assert_int_equal(run(PAMTEST_ACCOUNT, "abcde-004", NULL, &c), PAM_NEW_AUTHTOK_REQD);
	assert_true(info_has(&c, "must be changed"));
	assert_string_equal(c.err_buf[0], "");
	assert_int_equal(run(PAMTEST_ACCOUNT, "abcde-002", NULL, &c), PAM_PERM_DENIED);
	assert_non_null(strstr(c.err_buf[0], "too many failures"));
	assert_int_equal(run(PAMTEST_ACCOUNT, "abcde-005", NULL, &c), PAM_ACCT_EXPIRED);
	assert_int_equal(run(PAMTEST_ACCOUNT, "nobody-here", NULL, &c), PAM_USER_UNKNOWN);
	/* naccsd's clock 200 days on: ALICE's password is past 90 days and
	 * the grace period. */
	stop();
	set_now(t0 + 200 * 86400);
	start();
	assert_int_equal(run(PAMTEST_ACCOUNT, ALICE, NULL, &c), PAM_ACCT_EXPIRED);
}

/* UTS-2.2.1.1(1)(g)(イ), (ウ): with notice_in_auth, the last login and the
 * failures since arrive as PAM_TEXT_INFO at the end of auth. */
static void test_notices_as_info(void **state)
{
	struct pam_testcase login[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
	};
	struct pfx_conv c;

	(void)state;
	/* A login (its session) records the last one. */
	pfx_conv_pw(&c, GOOD_PW, 4, 4);
	assert_int_equal(run_pamtest(SERVICE, ALICE, &c.data, login, NULL), PAMTEST_ERR_OK);
	assert_int_equal(run(PAMTEST_AUTHENTICATE, ALICE, WRONG, &c), PAM_AUTH_ERR);
	assert_int_equal(run(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW, &c), PAM_SUCCESS);
	assert_true(info_has(&c, "Last login: "));
	assert_true(info_has(&c, "1 failed login attempt since your last login"));
	assert_string_equal(c.err_buf[0], "");
}

/* UTS-2.2.1.1(1)(g)(カ): su to a shared admin ID by an invoker who may not
 * switch is refused by naccsd's AUTH_GATE before any prompt, and counts
 * nothing; a direct login prompts as always. */
static void test_su_gate_before_prompt(void **state)
{
	struct counted k;
	char v[16];

	(void)state;
	snprintf(v, sizeof(v), "%lu", (unsigned long)alice_uid);
	setenv("NACCS_TEST_INVOKER_UID", v, 1);
	setenv("NACCS_TEST_LOGINUID", v, 1);
	assert_int_equal(auth_counted(SU, "root", &k), PAM_AUTH_ERR);
	assert_int_equal(k.prompts, 0);
	assert_non_null(strstr(k.err, "may not switch to root"));
	assert_int_equal(failures("root"), 0);
	assert_int_equal(failures(ALICE), 0);
	/* Not a switch service: the prompt, and the wrong password counts. */
	assert_int_equal(auth_counted(SERVICE, ALICE, &k), PAM_AUTH_ERR);
	assert_int_equal(k.prompts, 1);
	assert_int_equal(failures(ALICE), 1);
}

/* ---- naccsd out of reach: the identity index decides ------------------ */

/* A naccs ID fails closed, any other name is not ours; the same prompt for
 * both. */
static void expect_unreachable(void)
{
	struct counted k;
	struct pfx_conv c;

	assert_int_equal(auth_counted(SERVICE, ALICE, &k), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(k.prompts, 1);
	assert_int_equal(run(PAMTEST_ACCOUNT, ALICE, NULL, &c), PAM_SYSTEM_ERR);
	assert_int_equal(run(PAMTEST_AUTHENTICATE, "ABCDE001", GOOD_PW, &c), PAM_AUTHINFO_UNAVAIL);
	/* The module alone decides nothing for a local name (PAM_IGNORE,
	 * which libpam makes a refusal when no module decided); in the
	 * README's stack (user_unknown=ignore ignore=ignore, then pam_unix,
	 * here pam_permit) the local account goes on, the ID does not. */
	assert_int_equal(auth_counted(SERVICE, "localuser", &k), PAM_PERM_DENIED);
	assert_int_equal(k.prompts, 1);
	assert_int_equal(auth_counted(STACK, "localuser", &k), PAM_SUCCESS);
	assert_int_equal(k.prompts, 1);
	assert_int_equal(auth_counted(STACK, ALICE, &k), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(run(PAMTEST_ACCOUNT, "localuser", NULL, &c), PAM_PERM_DENIED);
	assert_int_equal(pfx_run_pw(STACK, PAMTEST_ACCOUNT, "localuser", NULL, 4, 4, NULL),
			 PAM_SUCCESS);
	assert_int_equal(pfx_run_pw(STACK, PAMTEST_ACCOUNT, ALICE, NULL, 4, 4, NULL),
			 PAM_SYSTEM_ERR);
	assert_int_equal(failures(ALICE), 0);
}

static void test_naccsd_stopped(void **state)
{
	(void)state;
	stop(); /* the socket is removed */
	expect_unreachable();
}

static void test_naccsd_killed(void **state)
{
	struct stat st;

	(void)state;
	pfx_naccsd_kill(naccsd); /* the socket stays, nobody listens */
	naccsd = -1;
	assert_int_equal(lstat(sock_path, &st), 0);
	expect_unreachable();
}

/* A socket that accepts but never answers: the client's deadline. */
static void test_naccsd_silent(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	(void)state;
	stop();
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 64), 0);
	setenv("NACCS_TEST_CLIENT_MS", "300", 1);
	expect_unreachable();
	close(fd);
}

/* The socket must be root's (here: the owner= of the test's services):
 * another owner's, or a symbolic link to the real one, is as none. */
static void test_socket_wrong_owner(void **state)
{
	char real[600];
	struct pfx_conv c;

	(void)state;
	snprintf(real, sizeof(real), "%s.real", sock_path);
	assert_int_equal(rename(sock_path, real), 0);
	assert_int_equal(symlink(real, sock_path), 0);
	expect_unreachable();
	assert_int_equal(unlink(sock_path), 0);
	assert_int_equal(rename(real, sock_path), 0);
	assert_int_equal(run(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW, &c), PAM_SUCCESS);
	if (geteuid() != 0) {
		printf("not root: the socket of another uid is not tried\n");
		return;
	}
	assert_int_equal(lchown(sock_path, 4242, (gid_t)-1), 0);
	expect_unreachable();
	assert_int_equal(lchown(sock_path, 0, (gid_t)-1), 0);
	assert_int_equal(run(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW, &c), PAM_SUCCESS);
}

/* ERROR busy (the flood cap full): an ID is refused, told to try again,
 * nothing counted; a local name goes on (a flood keeps root in). */
static void test_naccsd_busy(void **state)
{
	struct counted k;

	(void)state;
	stop();
	naccsd = pfx_fake_naccsd(sock_path, "busy");
	assert_int_equal(auth_counted(SERVICE, ALICE, &k), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(k.prompts, 1);
	assert_non_null(strstr(k.err, "try again"));
	assert_int_equal(auth_counted(STACK, "localuser", &k), PAM_SUCCESS);
	assert_int_equal(pfx_run_pw(STACK, PAMTEST_ACCOUNT, ALICE, NULL, 4, 4, NULL),
			 PAM_SYSTEM_ERR);
	assert_int_equal(failures(ALICE), 0);
}

/* naccsd up, its store gone: naccsd's own answer by the index (issue 16),
 * after the same prompt for an ID and a local name (the su gate refuses
 * nothing for it). */
static void test_naccsd_store_unavailable(void **state)
{
	struct counted k;
	struct pfx_conv c;

	(void)state;
	assert_int_equal(unlink(store_path), 0);
	assert_int_equal(auth_counted(SERVICE, ALICE, &k), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(k.prompts, 1);
	assert_int_equal(auth_counted(STACK, "localuser", &k), PAM_SUCCESS);
	assert_int_equal(k.prompts, 1);
	assert_int_equal(run(PAMTEST_ACCOUNT, ALICE, NULL, &c), PAM_SYSTEM_ERR);
	assert_int_equal(pfx_run_pw(STACK, PAMTEST_ACCOUNT, "localuser", NULL, 4, 4, NULL),
			 PAM_SUCCESS);
}

/* ---- the host's stack ------------------------------------------------- */

struct stack_run {
	const char *label, *user, *pw; /* label NULL: the service "other" */
	enum pamtest_ops op;
	int rv;
	pam_handle_t *h;
};

static void *stack_thread(void *arg)
{
	struct stack_run *r = arg;

	if (r->op == PAMTEST_AUTHENTICATE)
		r->rv = pam_authenticate(r->h, 0);
	else if (r->op == PAMTEST_ACCOUNT)
		r->rv = pam_acct_mgmt(r->h, 0);
	else
		r->rv = pam_open_session(r->h, 0);
	return NULL;
}

/* The deepest the stack went in one PAM call (the module, libpam and
 * pam_wrapper's dispatch, the conversation above): pam_start (which reads
 * the service file and loads the modules) here, the call in
 * pfx_stack_used. */
static size_t stack_used(struct stack_run *r)
{
	struct counted k = {.answer = r->pw};
	struct pam_conv conv = {count_conv, &k};
	size_t n;

	assert_int_equal(pam_start(r->label != NULL ? SERVICE : "other", r->user, &conv, &r->h),
			 PAM_SUCCESS);
	n = pfx_stack_used(stack_thread, r);
	if (r->op == PAMTEST_OPEN_SESSION && r->rv == PAM_SUCCESS)
		pam_close_session(r->h, 0);
	pam_end(r->h, r->rv);
	return n;
}

/* Issue 18: well under 8 KiB of the host's stack per call, the messages
 * (66 KB each) and the configuration on the heap.  libpam's dispatch and
 * the thread's start are in the figure too: a bound on the module's
 * share. */
static void test_stack_per_call(void **state)
{
	struct stack_run runs[] = {
	    {"auth, right password, through naccsd", ALICE, GOOD_PW, PAMTEST_AUTHENTICATE,
	     PAM_SUCCESS, NULL},
	    {"auth, wrong password, through naccsd", ALICE, WRONG, PAMTEST_AUTHENTICATE,
	     PAM_AUTH_ERR, NULL},
	    {"account, through naccsd", ALICE, NULL, PAMTEST_ACCOUNT, PAM_SUCCESS, NULL},
	    {"session open, through naccsd", ALICE, NULL, PAMTEST_OPEN_SESSION, PAM_SUCCESS, NULL},
	    {NULL, NULL, NULL, 0, 0, NULL}, /* naccsd stopped: */
	    {"auth, naccsd unreachable", ALICE, GOOD_PW, PAMTEST_AUTHENTICATE, PAM_AUTHINFO_UNAVAIL,
	     NULL},
	    {"account, naccsd unreachable", ALICE, NULL, PAMTEST_ACCOUNT, PAM_SYSTEM_ERR, NULL},
	};
	/* libpam's and pam_wrapper's own share: pam_deny alone. */
	struct stack_run base = {NULL, ALICE, GOOD_PW, PAMTEST_AUTHENTICATE, 0, NULL};
	size_t used[sizeof(runs) / sizeof(runs[0])] = {0}, floor;

	(void)state;
	if (pfx_stack_unmeasurable())
		return;
	floor = stack_used(&base);
	printf("stack: libpam + pam_wrapper + thread (pam_deny alone): %zu bytes\n", floor);
	/* A banner to read and show (the client still reads it locally). */
	free(tu_write_file(PAM_FIXTURE_DIR, "banner", "Authorised use only.\n", 0644));
	pfx_write_conf(PAM_FIXTURE_DIR, PAM_FIXTURE_DIR, store_path, NULL,
		       "[notice]\nbanner_file = %s/banner\n", PAM_FIXTURE_DIR);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		int want = runs[i].rv;

		if (runs[i].label == NULL) {
			stop();
			continue;
		}
		used[i] = stack_used(&runs[i]) - floor;
		printf("stack: pam_naccs %s: %zu bytes\n", runs[i].label, used[i]);
		assert_int_equal(runs[i].rv, want);
	}
	/* Auth (banner included), account and session through naccsd: the
	 * module's.  naccsd stopped: the index and the trail line decided
	 * here, the buffers on the heap; bounded too. */
	assert_true(used[0] < 8192);
	assert_true(used[1] < 8192);
	assert_true(used[2] < 8192);
	assert_true(used[3] < 8192);
	assert_true(used[5] < 8192);
	assert_true(used[6] < 8192);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_good_password_canonical_user),
	    T(test_wrong_password_counted_once),
	    T(test_same_token_twice_in_one_handle),
	    T(test_lockout_after_deny),
	    T(test_account_phase),
	    T(test_notices_as_info),
	    T(test_su_gate_before_prompt),
	    T(test_naccsd_stopped),
	    T(test_naccsd_killed),
	    T(test_naccsd_silent),
	    T(test_socket_wrong_owner),
	    T(test_naccsd_store_unavailable),
	    T(test_naccsd_busy),
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
	if (!pfx_have_wrapper("test_pam_naccsd"))
		return 77;
	if (filter != NULL)
		cmocka_set_test_filter(filter);
#ifndef NACCS_TEST_HOOKS
	printf("needs a build configured with --enable-test-hooks (NACCS_TEST_INVOKER_UID, "
	       "NACCS_TEST_NOW, NACCS_TEST_CLIENT_MS): skipped\n");
	return 77;
#endif
	return cmocka_run_group_tests_name("pam_naccs through naccsd", tests, NULL, NULL);
}
