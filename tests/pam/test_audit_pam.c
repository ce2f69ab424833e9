/* The audit trail through the PAM module (issue #10; libpamtest +
 * pam_wrapper): every decision is a trail line with the NACCS log items
 * (UTS-2.2.1.4(1)(a), NACCS-T7-3-2), written BEFORE the login is allowed;
 * when the trail cannot be written, on_audit_failure = deny refuses
 * authentication, account and session (fail closed) and allow lets them
 * through with a warning, and a failed attempt is counted in the store
 * either way (UTS-2.2.1.4(1)(b)); no password in the trail or in syslog
 * (REQUIREMENTS §3.3).  syslog is captured by tests/lib/testlog.c (the binary exports it). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "audit/trail.h"
#include "crypto/hash.h"
#include "policy/policy.h"
#include "store/store.h"
#include "pamfixture.h"
#include "testlog.h"
#include "testutil.h"
#include "audit/line.h"
#include "audit/verify.h"

#define SERVICE "naccs-audit"
#define GOOD_PW "Corr3ct-Horse!"
#define BAD_PW	"Wr0ng-Battery?"
#define ALICE	"abcde-001"

/* ---- disk syncs ------------------------------------------------------- */

/* Every fdatasync(2) and fsync(2) of the module and of the SQLite it links
 * (exported like syslog, tests/lib/testlog.c: the dlopened module calls
 * these). */
static unsigned syncs;

__attribute__((visibility("default"))) int fdatasync(int fd)
{
	syncs++;
	return (int)syscall(SYS_fdatasync, fd);
}

__attribute__((visibility("default"))) int fsync(int fd)
{
	syncs++;
	return (int)syscall(SYS_fsync, fd);
}

/* ---- fixture ---------------------------------------------------------- */

static char store_path[512], audit_dir[512];

static void write_conf(const char *extra)
{
	pfx_write_conf(PAM_FIXTURE_DIR, PAM_FIXTURE_DIR, store_path, NULL, "%s", extra);
}

static struct naccs_store *open_store(bool create)
{
	return tst_open_store(store_path, geteuid(), create);
}

static int setup(void **state)
{
	struct naccs_store *st;

	(void)state;
	pfx_fresh_dir(PAM_FIXTURE_DIR);
	snprintf(store_path, sizeof(store_path), "%s/naccs.db", PAM_FIXTURE_DIR);
	snprintf(audit_dir, sizeof(audit_dir), "%s/audit", PAM_FIXTURE_DIR);
	write_conf("");
	st = open_store(true);
	pfx_add_user(st,
		     &(struct pfx_user){
			 .login = ALICE, .code = "ABCDE", .number = "001", .password = GOOD_PW});
	naccs_store_close(st);
	tl_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	chmod(audit_dir, 0700);
	tu_rmtree(PAM_FIXTURE_DIR);
	return 0;
}

static uint32_t failures(void)
{
	return pfx_get_state(store_path, geteuid(), ALICE).failures_since_success;
}

/* One PAM operation with the password pw; four info and four error
 * buffers. */
static int run_op(enum pamtest_ops op, const char *user, const char *pw)
{
	return pfx_run_pw(SERVICE, op, user, pw, 4, 4, NULL);
}

static char *trail_text(void)
{
	return tu_trail_text(audit_dir);
}

static size_t count(const char *hay, const char *needle)
{
	size_t c = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		c++;
	return c;
}

static bool trail_ok(void)
{
	struct naccs_audit_verdict v;
	struct naccs_err err;

	return naccs_audit_verify(audit_dir, NULL, &v, &err) == 0 && v.ok;
}

/* ---- tests ------------------------------------------------------------ */

/* A login is a trail line with the NACCS log items, before it is allowed. */
static void test_login_recorded(void **state)
{
	char *t;

	(void)state;
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW), PAM_SUCCESS);
	assert_int_equal(run_op(PAMTEST_ACCOUNT, ALICE, NULL), PAM_SUCCESS);
	assert_int_equal(run_op(PAMTEST_OPEN_SESSION, ALICE, NULL), PAM_SUCCESS);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, "ABCDE001", BAD_PW), PAM_AUTH_ERR);
	t = trail_text();
	assert_int_equal(count(t, "\n"), 4);
	assert_non_null(strstr(t, "\"type\":\"auth\",\"action\":\"login\",\"result\":\"allow\","
				  "\"reason\":\"password\",\"login\":\"abcde-001\",\"user_code\":"
				  "\"ABCDE\",\"id_number\":\"001\",\"service\":\"naccs-audit\""));
	assert_non_null(
	    strstr(t, "\"type\":\"account\",\"action\":\"check\",\"result\":\"allow\""));
	assert_non_null(strstr(t, "\"type\":\"session\",\"action\":\"open\",\"result\":\"allow\""));
	assert_non_null(strstr(t, "\"result\":\"deny\",\"reason\":\"bad-password\""));
	free(t);
	assert_true(trail_ok());
}

/* deny (the default): the trail cannot be written, nobody gets in; the
 * failed attempt is still counted; nothing earlier is lost. */
static void test_deny_when_trail_unwritable(void **state)
{
	char *before, *after;

	(void)state;
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW), PAM_SUCCESS);
	before = trail_text();
	/* Not root-only any more: the writer refuses it. */
	assert_int_equal(chmod(audit_dir, 0755), 0);
	tl_reset();
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW), PAM_AUTHINFO_UNAVAIL);
	assert_true(tl_logged("refused: the audit trail cannot be written"));
	assert_int_equal(run_op(PAMTEST_ACCOUNT, ALICE, NULL), PAM_SYSTEM_ERR);
	assert_int_equal(run_op(PAMTEST_OPEN_SESSION, ALICE, NULL), PAM_SESSION_ERR);
	/* A wrong password: refused as ever, and counted in the store. */
	assert_int_equal(failures(), 0);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, BAD_PW), PAM_AUTH_ERR);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, BAD_PW "2"), PAM_AUTH_ERR);
	assert_int_equal(failures(), 2);
	/* The trail missing altogether: the same. */
	assert_int_equal(chmod(audit_dir, 0700), 0);
	after = trail_text();
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_true(trail_ok());
	tu_rmtree(audit_dir);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW), PAM_AUTHINFO_UNAVAIL);
}

/* allow: the decision stands, with a warning in syslog. */
static void test_allow_when_trail_unwritable(void **state)
{
	(void)state;
	write_conf("[audit]\non_audit_failure = allow\n");
	assert_int_equal(chmod(audit_dir, 0755), 0);
	tl_reset();
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW), PAM_SUCCESS);
	assert_true(tl_logged("allowed without an audit trail line"));
	assert_true(tl_logged("audit trail unavailable"));
	assert_int_equal(run_op(PAMTEST_ACCOUNT, ALICE, NULL), PAM_SUCCESS);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, BAD_PW), PAM_AUTH_ERR);
	assert_int_equal(failures(), 1);
}

/* No password anywhere in the trail or in syslog, even one typed as the
 * name (REQUIREMENTS §3.3). */
static void test_no_password_in_trail_or_syslog(void **state)
{
	char *t;

	(void)state;
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW), PAM_SUCCESS);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, BAD_PW), PAM_AUTH_ERR);
	/* Names that are no ID here: "not mine", still one line each. */
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, BAD_PW, GOOD_PW), PAM_USER_UNKNOWN);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, GOOD_PW, BAD_PW), PAM_USER_UNKNOWN);
	t = trail_text();
	assert_int_equal(count(t, "\n"), 4);
	assert_null(strstr(t, GOOD_PW));
	assert_null(strstr(t, BAD_PW));
	assert_null(strstr(t, "Corr3ct"));
	assert_false(tl_logged("Corr3ct"));
	assert_false(tl_logged("Wr0ng"));
	free(t);
}

/* A password change under deny: the trail is asked before the store takes
 * the new hash, so a change never happens unrecorded (the old password
 * stays valid); the check step that lets a change start is refused too. */
static void test_password_change_denied_when_trail_unwritable(void **state)
{
	struct naccs_config cfg;
	struct naccs_policy pol;
	struct naccs_pw_change c;
	struct naccs_request req = {.service = "passwd", .user = ALICE};
	struct naccs_err err;
	const char *new_pw = "Gr33n-Lantern#42";

	(void)state;
	naccs_config_defaults(&cfg);
	cfg.owner_uid = geteuid();
	cfg.hash.m_kib = 1024;
	cfg.hash.t_cost = 1;
	cfg.password.min_age_days = 0;
	cfg.password.dictionary_check = false;
	snprintf(cfg.store_path, sizeof(cfg.store_path), "%s", store_path);
	snprintf(cfg.audit_dir, sizeof(cfg.audit_dir), "%s", audit_dir);
	req.trail = &cfg;
	assert_int_equal(naccs_policy_open(&pol, &cfg, false, &err), 0);
	/* The trail goes away between the check and the change. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(naccs_policy_password_begin(&pol, &req, false, GOOD_PW, &c, &err),
			 NACCS_OUT_ALLOW);
	assert_int_equal(chmod(audit_dir, 0755), 0);
	assert_int_equal(naccs_policy_password_change(&pol, &req, &c, GOOD_PW, new_pw, &err),
			 NACCS_OUT_UNAVAILABLE);
	naccs_pw_change_clear(&c);
	/* The check itself, under deny, does not let a change start. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(naccs_policy_password_begin(&pol, &req, false, GOOD_PW, &c, &err),
			 NACCS_OUT_UNAVAILABLE);
	naccs_pw_change_clear(&c);
	naccs_policy_close(&pol);
	/* Nothing changed: the old password still works. */
	assert_int_equal(chmod(audit_dir, 0700), 0);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, GOOD_PW), PAM_SUCCESS);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, ALICE, new_pw), PAM_AUTH_ERR);
	assert_true(trail_ok());
}

/* One PAM handle: the ops in order, with PAM_TTY and PAM_RHOST; the test
 * clock NACCS_TEST_NOW moves to now[i] before op i (0: unchanged). */
static void in_one_handle(const char *user, const char *tty, const char *rhost, const char *ops,
			  const int64_t *now)
{
	struct pam_conv conv = {NULL, NULL};
	pam_handle_t *h = NULL;
	char t[32];

	assert_int_equal(pam_start(SERVICE, user, &conv, &h), PAM_SUCCESS);
	if (tty != NULL)
		assert_int_equal(pam_set_item(h, PAM_TTY, tty), PAM_SUCCESS);
	if (rhost != NULL)
		assert_int_equal(pam_set_item(h, PAM_RHOST, rhost), PAM_SUCCESS);
	for (size_t i = 0; ops[i] != '\0'; i++) {
		if (now != NULL && now[i] != 0) {
			snprintf(t, sizeof(t), "%lld", (long long)now[i]);
			setenv("NACCS_TEST_NOW", t, 1);
		}
		/* The answers do not matter here: what is written does. */
		if (ops[i] == 'a')
			(void)pam_acct_mgmt(h, 0);
		else if (ops[i] == 'o')
			(void)pam_open_session(h, 0);
		else if (ops[i] == 'c')
			(void)pam_close_session(h, 0);
	}
	pam_end(h, PAM_SUCCESS);
	unsetenv("NACCS_TEST_NOW");
}

static bool file_holds(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	bool found;

	if (f == NULL)
		return false;
	buf = malloc(1 << 22);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 22) - 1, f);
	fclose(f);
	found = memmem(buf, n, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/* The value of "login" in the trail line that holds what (NULL: none). */
static char *login_of_line_with(const char *trail, const char *what, char out[64])
{
	const char *p = strstr(trail, what), *bol, *l;
	size_t n;

	if (p == NULL)
		return NULL;
	for (bol = p; bol > trail && bol[-1] != '\n'; bol--)
		;
	l = strstr(bol, "\"login\":\"");
	if (l == NULL || l > strchr(bol, '\n'))
		return NULL;
	l += 9;
	n = strcspn(l, "\"");
	if (n >= 64)
		return NULL;
	memcpy(out, l, n);
	out[n] = '\0';
	return out;
}

/* Item 14 of issue 16: a name typed at the login prompt that is no ID and
 * no account of this system (often a password typed one field too early)
 * is never written as typed, in the trail, syslog, the alert's JSON or the
 * store: a keyed tag stands for it, the same for the same name, so
 * repeated attempts still correlate.  An account the system knows is
 * written by its name. */
static void test_typed_name_is_tagged_everywhere(void **state)
{
	char alert_out[PATH_MAX], script[PATH_MAX + 64], extra[PATH_MAX + 128], db[PATH_MAX],
	    tag1[64], tag2[64], tag3[64], local[64];
	const char *secrets[] = {"summer2026", "correct-horse-battery", "ABCDE-999"};
	char *t, *path;

	(void)state;
	snprintf(alert_out, sizeof(alert_out), "%s/alert.out", PAM_FIXTURE_DIR);
	snprintf(script, sizeof(script), "#!/bin/sh\ncat >>%s\n", alert_out);
	path = tu_write_file(PAM_FIXTURE_DIR, "alert", script, 0700);
	snprintf(extra, sizeof(extra), "[audit]\nalert_command = %s\nalert_events = unknown-user\n",
		 path);
	free(path);
	write_conf(extra);
	tl_reset();
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(run_op(PAMTEST_AUTHENTICATE, secrets[i], BAD_PW),
				 PAM_USER_UNKNOWN);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, "summer2026", GOOD_PW), PAM_USER_UNKNOWN);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, "nobody", BAD_PW), PAM_USER_UNKNOWN);
	t = trail_text();
	assert_int_equal(count(t, "\n"), 5);
	snprintf(db, sizeof(db), "%s-wal", store_path);
	for (size_t i = 0; i < 3; i++) {
		assert_null(strstr(t, secrets[i]));
		assert_false(tl_logged(secrets[i]));
		assert_false(file_holds(alert_out, secrets[i]));
		assert_false(file_holds(store_path, secrets[i]));
		assert_false(file_holds(db, secrets[i]));
	}
	/* The same name, the same tag; another name, another. */
	assert_non_null(login_of_line_with(t, "\"seq\":1,", tag1));
	assert_non_null(login_of_line_with(t, "\"seq\":2,", tag2));
	assert_non_null(login_of_line_with(t, "\"seq\":4,", tag3));
	assert_int_equal(tag1[0], '#');
	assert_int_equal(strlen(tag1), 17);
	assert_int_equal(strspn(tag1 + 1, "0123456789abcdef"), 16);
	assert_string_equal(tag1, tag3);
	assert_string_not_equal(tag1, tag2);
	assert_true(tl_logged(tag1));
	assert_true(file_holds(alert_out, tag1));
	/* An account of the system: by its name. */
	assert_non_null(login_of_line_with(t, "\"seq\":5,", local));
	assert_string_equal(local, "nobody");
	free(t);
	/* A key others may read is no key: the placeholder, never the name. */
	snprintf(db, sizeof(db), "%s/name-tag.key", PAM_FIXTURE_DIR);
	assert_int_equal(chmod(db, 0644), 0);
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, "summer2026", BAD_PW), PAM_USER_UNKNOWN);
	t = trail_text();
	assert_non_null(login_of_line_with(t, "\"seq\":6,", tag3));
	assert_string_equal(tag3, "(not a user name)");
	assert_null(strstr(t, "summer2026"));
	assert_false(tl_logged("summer2026"));
	free(t);
	assert_true(trail_ok());
}

/* Item 15 of issue 16: every session close of an ID is a trail line, with
 * the time, the terminal, the host and how long the session lasted; a
 * second close of the same session writes nothing. */
static void test_session_close_recorded(void **state)
{
	int64_t t0 = (int64_t)time(NULL) - 3600;
	int64_t at[] = {t0, t0 + 3725, t0 + 3800};
	char *t, when[32];
	const char *close_line;

	(void)state;
	in_one_handle(ALICE, "pts/3", "192.0.2.9", "occ", at);
	t = trail_text();
	assert_int_equal(count(t, "\n"), 2);
	assert_non_null(strstr(t, "\"type\":\"session\",\"action\":\"open\",\"result\":\"allow\""));
	close_line = strstr(t, "\"type\":\"session\",\"action\":\"close\",\"result\":\"done\"");
	assert_non_null(close_line);
	assert_non_null(strstr(close_line, "\"login\":\"abcde-001\",\"user_code\":\"ABCDE\","
					   "\"id_number\":\"001\",\"service\":\"naccs-audit\","
					   "\"tty\":\"pts/3\",\"rhost\":\"192.0.2.9\""));
	assert_non_null(strstr(close_line, "\"detail\":\"duration=3725\""));
	naccs_audit_iso_time(t0 + 3725, when);
	assert_non_null(strstr(t, when));
	assert_true(tl_logged("action=\"close\""));
	free(t);
	assert_true(trail_ok());
}

/* Item 16 of issue 16: the account check and the session of a name that
 * is no ID (cron and sudo for local accounts) write nothing: no trail
 * line, no disk sync.  A refused authentication of such a name is still
 * recorded (an attempt on a name that may be an attack). */
static void test_names_not_ours_not_recorded(void **state)
{
	char *t;

	(void)state;
	tl_reset();
	syncs = 0;
	in_one_handle("nobody", "cron", NULL, "aoc", NULL);
	in_one_handle("root", NULL, NULL, "aoc", NULL);
	assert_int_equal(syncs, 0);
	t = trail_text();
	assert_int_equal(count(t, "\n"), 0);
	free(t);
	assert_false(tl_logged("login=\"nobody\""));
	/* What is kept: the refused authentication. */
	assert_int_equal(run_op(PAMTEST_AUTHENTICATE, "nobody", BAD_PW), PAM_USER_UNKNOWN);
	t = trail_text();
	assert_int_equal(count(t, "\n"), 1);
	assert_non_null(strstr(t, "\"type\":\"auth\",\"action\":\"login\",\"result\":\"ignore\","
				  "\"reason\":\"unknown-user\",\"login\":\"nobody\""));
	free(t);
	/* And an ID's account check and session are recorded as ever. */
	in_one_handle(ALICE, "tty1", NULL, "aoc", NULL);
	t = trail_text();
	assert_int_equal(count(t, "\n"), 4);
	free(t);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_login_recorded),
	    T(test_deny_when_trail_unwritable),
	    T(test_allow_when_trail_unwritable),
	    T(test_no_password_in_trail_or_syslog),
	    T(test_password_change_denied_when_trail_unwritable),
	    T(test_typed_name_is_tagged_everywhere),
	    T(test_session_close_recorded),
	    T(test_names_not_ours_not_recorded),
	};

	if (!pfx_have_wrapper("test_audit_pam"))
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
