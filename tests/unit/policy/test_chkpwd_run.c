/* The PAM side of naccs_chkpwd (common/policy/chkpwd.c, issue #11): a fake
 * helper (a shell script) records what it was given.  The password arrives
 * on stdin and nowhere else, the environment is empty, no descriptor of the
 * host leaks, the host's SIGCHLD handler is neither called nor lost (and a
 * host that ignores SIGCHLD still gets the status), a helper that exits
 * without reading raises no SIGPIPE in the host, and every exit code maps
 * to the outcome pam_naccs.so answers with (UTS-2.3.2.1(1)(d)). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/chkpwd.h"
#include "testutil.h"

static char *dir, *helper, *out_path, *code_path, *stdout_path;

/* The fake helper: its arguments, environment, stdin and whether fd 37 is
 * open, into DIR/out; DIR/stdout (if any) on its stdout; exits with the
 * number in DIR/code ("kill": killed). */
static const char script[] = "#!/bin/sh\n"
			     "d=$(/usr/bin/dirname \"$0\")\n"
			     "{\n"
			     "  for a in \"$@\"; do printf 'arg=%s\\n' \"$a\"; done\n"
			     "  /usr/bin/env | /usr/bin/sed 's/^/env=/'\n"
			     "  if [ -e /proc/self/fd/37 ]; then echo fd37=open; fi\n"
			     "  if [ \"$(/usr/bin/cat \"$d/code\")\" != noread ]; then\n"
			     "    printf 'stdin='; /usr/bin/cat; echo\n"
			     "  fi\n"
			     "} >\"$d/out\"\n"
			     "if [ -f \"$d/stdout\" ]; then /usr/bin/cat \"$d/stdout\"; fi\n"
			     "c=$(/usr/bin/cat \"$d/code\")\n"
			     "case $c in kill) kill -9 $$;; noread) exit 1;; esac\n"
			     "exit \"$c\"\n";

static int setup(void **state)
{
	(void)state;
	dir = tu_mkdtemp("chkpwd");
	helper = tu_write_file(dir, "helper", script, 0755);
	if (asprintf(&out_path, "%s/out", dir) < 0 || asprintf(&code_path, "%s/code", dir) < 0 ||
	    asprintf(&stdout_path, "%s/stdout", dir) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree_free(dir);
	free(helper);
	free(out_path);
	free(code_path);
	free(stdout_path);
	return 0;
}

static void set_code(const char *code)
{
	FILE *f = fopen(code_path, "w");

	assert_non_null(f);
	fputs(code, f);
	fclose(f);
	unlink(out_path);
	unlink(stdout_path);
}

/* What the fake helper writes on its stdout (after set_code). */
static void set_stdout(const char *text)
{
	FILE *f = fopen(stdout_path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* What the helper wrote (static buffer). */
static const char *output(void)
{
	static char buf[8192];
	FILE *f = fopen(out_path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int run(const char *user, const char *service, const char *password, int *code)
{
	struct naccs_chkpwd_call call = {
	    .helper = helper, .user = user, .service = service, .password = password};
	struct naccs_err err;

	naccs_err_clear(&err);
	return naccs_chkpwd_run(&call, code, &err);
}

static void password_on_stdin_only(void **state)
{
	int code = -1;
	const char *out;

	(void)state;
	set_code("0");
	assert_int_equal(run("abcde-001", "xscreensaver", "S3cret pass", &code), 0);
	assert_int_equal(code, 0);
	out = output();
	assert_non_null(strstr(out, "stdin=S3cret pass\n"));
	assert_non_null(strstr(out, "arg=--service\narg=xscreensaver\narg=--\narg=abcde-001\n"));
	/* Never in argv or the environment: only the stdin line has it. */
	assert_null(strstr(strstr(out, "S3cret") + 1, "S3cret"));
}

static void empty_environment(void **state)
{
	int code = -1;
	const char *out, *p;

	(void)state;
	setenv("LD_PRELOAD_TEST_MARK", "1", 1);
	set_code("0");
	assert_int_equal(run(NULL, NULL, "pw", &code), 0);
	out = output();
	/* The shell itself sets PWD (and dash OLDPWD); nothing of the host. */
	for (p = strstr(out, "env="); p != NULL; p = strstr(p + 1, "env="))
		assert_true(strncmp(p, "env=PWD=", 8) == 0 || strncmp(p, "env=OLDPWD=", 11) == 0);
	assert_null(strstr(out, "LD_PRELOAD"));
	/* No user: no argument at all. */
	assert_null(strstr(out, "arg="));
	unsetenv("LD_PRELOAD_TEST_MARK");
}

static void account_mode_sends_no_password(void **state)
{
	struct naccs_chkpwd_call call = {.helper = helper, .user = "u", .account = true};
	struct naccs_err err;
	int code = -1;

	(void)state;
	set_code("10");
	naccs_err_clear(&err);
	assert_int_equal(naccs_chkpwd_run(&call, &code, &err), 0);
	assert_int_equal(code, 10);
	assert_non_null(strstr(output(), "arg=--account\narg=--\narg=u\n"));
	assert_non_null(strstr(output(), "stdin=\n")); /* nothing */
}

static void no_descriptor_leaks(void **state)
{
	int fd = open("/dev/null", O_RDONLY), code = -1;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 37), 37); /* not close-on-exec */
	set_code("0");
	assert_int_equal(run("u", NULL, "pw", &code), 0);
	assert_null(strstr(output(), "fd37=open"));
	close(37);
	close(fd);
}

static volatile sig_atomic_t chld_calls;

static void on_chld(int sig)
{
	(void)sig;
	chld_calls++;
}

static void sigchld_handler_untouched(void **state)
{
	struct sigaction sa, now;
	int code = -1;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGCHLD, &sa, NULL), 0);
	chld_calls = 0;
	set_code("1");
	assert_int_equal(run("u", NULL, "pw", &code), 0);
	assert_int_equal(code, 1);
	assert_int_equal(chld_calls, 0); /* the host never saw our child */
	assert_int_equal(sigaction(SIGCHLD, NULL, &now), 0);
	assert_ptr_equal(now.sa_handler, on_chld); /* and keeps its handler */
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
}

static void sigchld_ignored_by_host(void **state)
{
	struct sigaction sa, now;
	int code = -1;

	(void)state;
	/* With SIGCHLD ignored the kernel reaps children itself: waitpid
	 * would find nothing (ECHILD) without the default action. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGCHLD, &sa, NULL), 0);
	set_code("5");
	assert_int_equal(run("u", NULL, "pw", &code), 0);
	assert_int_equal(code, 5);
	assert_int_equal(sigaction(SIGCHLD, NULL, &now), 0);
	assert_ptr_equal(now.sa_handler, SIG_IGN);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
}

static void helper_that_never_reads(void **state)
{
	static char big[NACCS_CHKPWD_INPUT_MAX + 1];
	int code = -1;

	(void)state;
	/* SIGPIPE keeps its default action: raised, it would end this test. */
	signal(SIGPIPE, SIG_DFL);
	memset(big, 'x', sizeof(big) - 1);
	set_code("noread");
	assert_int_equal(run("u", NULL, big, &code), 0);
	assert_int_equal(code, 1);
}

static void overlong_password_is_cut_but_still_overlong(void **state)
{
	static char big[3 * NACCS_CHKPWD_INPUT_MAX];
	int code = -1;
	const char *out, *s, *e;

	(void)state;
	memset(big, 'y', sizeof(big) - 1);
	set_code("1");
	assert_int_equal(run("u", NULL, big, &code), 0);
	out = output();
	s = strstr(out, "stdin=");
	assert_non_null(s);
	s += 6;
	e = strchr(s, '\n');
	assert_non_null(e);
	/* More than the helper reads, so it sees an over-long input. */
	assert_int_equal(e - s, NACCS_CHKPWD_INPUT_MAX + 1);
}

static void helper_missing_or_killed(void **state)
{
	struct naccs_chkpwd_call call = {.helper = "/nonexistent/naccs_chkpwd", .password = "pw"};
	struct naccs_err err;
	int code = 0;

	(void)state;
	naccs_err_clear(&err);
	assert_true(naccs_chkpwd_run(&call, &code, &err) < 0);
	assert_int_equal(code, -1);
	assert_non_null(strstr(err.msg, "/nonexistent/naccs_chkpwd"));
	set_code("kill");
	assert_true(run("u", NULL, "pw", &code) < 0);
	assert_int_equal(code, -1);
}

/* run_login CODE STDOUT: the login naccs_chkpwd_run reads (cap 33, as
 * NACCS_LOGIN_MAX + 1), the exit code in *code. */
static const char *run_login(const char *exit_code, const char *text, int *code)
{
	static char login[33];
	struct naccs_chkpwd_call call = {.helper = helper,
					 .user = "ABCDE001",
					 .password = "pw",
					 .login = login,
					 .login_cap = sizeof(login)};
	struct naccs_err err;

	set_code(exit_code);
	if (text != NULL)
		set_stdout(text);
	memset(login, 'z', sizeof(login));
	naccs_err_clear(&err);
	assert_int_equal(naccs_chkpwd_run(&call, code, &err), 0);
	return login;
}

/* The protocol: after exit 0 the helper names the canonical login on
 * stdout, which pam_naccs.so makes PAM_USER (UTS-2.3.2.1(1)(d)); anything
 * else is no login. */
static void login_from_stdout(void **state)
{
	int code = -1;

	(void)state;
	assert_string_equal(run_login("0", "abcde-001\n", &code), "abcde-001");
	assert_int_equal(code, 0);
	assert_non_null(strstr(output(), "stdin=pw\n"));	       /* stdin unchanged */
	assert_string_equal(run_login("1", "abcde-001\n", &code), ""); /* only on exit 0 */
	assert_int_equal(code, 1);
	assert_string_equal(run_login("0", NULL, &code), "");		  /* none written */
	assert_string_equal(run_login("0", "abcde-001", &code), "");	  /* no newline */
	assert_string_equal(run_login("0", "abcde-001\nx\n", &code), ""); /* two lines */
	assert_string_equal(run_login("0", "abc de\n", &code), "");	  /* a space */
	assert_string_equal(run_login("0", "abc\tde\n", &code), "");	  /* a control */
	assert_string_equal(run_login("0", "\n", &code), "");		  /* empty */
	/* 32 bytes fit in 33, 33 do not. */
	assert_string_equal(run_login("0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", &code),
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_string_equal(run_login("0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", &code), "");
}

static void exit_codes_map_both_ways(void **state)
{
	static const enum naccs_outcome auth[] = {NACCS_OUT_ALLOW,	 NACCS_OUT_BAD_CREDENTIALS,
						  NACCS_OUT_LOCKED,	 NACCS_OUT_SUSPENDED,
						  NACCS_OUT_RETIRED,	 NACCS_OUT_UNKNOWN,
						  NACCS_OUT_UNAVAILABLE, NACCS_OUT_CHANGE_REQUIRED,
						  NACCS_OUT_EXPIRED,	 NACCS_OUT_DENIED};

	(void)state;
	/* Every outcome of auth and account survives the trip. */
	for (size_t i = 0; i < sizeof(auth) / sizeof(auth[0]); i++)
		assert_int_equal(naccs_chkpwd_outcome(naccs_chkpwd_exit_code(auth[i])), auth[i]);
	assert_int_equal(naccs_chkpwd_outcome(NACCS_CHKPWD_NOT_YOURS), NACCS_OUT_BAD_CREDENTIALS);
	/* Errors, usage and anything undefined fail closed. */
	assert_int_equal(naccs_chkpwd_outcome(NACCS_CHKPWD_ERROR), NACCS_OUT_UNAVAILABLE);
	assert_int_equal(naccs_chkpwd_outcome(NACCS_CHKPWD_USAGE), NACCS_OUT_UNAVAILABLE);
	assert_int_equal(naccs_chkpwd_outcome(42), NACCS_OUT_UNAVAILABLE);
	assert_int_equal(naccs_chkpwd_outcome(-1), NACCS_OUT_UNAVAILABLE);
	assert_int_equal(naccs_chkpwd_exit_code(NACCS_OUT_NOT_MANAGED), NACCS_CHKPWD_UNAVAILABLE);
	assert_int_equal(naccs_chkpwd_exit_code(NACCS_OUT_CHANGE_REQUIRED), 10);
	assert_string_equal(naccs_chkpwd_exit_name(6), "another user's ID");
	assert_string_equal(naccs_chkpwd_exit_name(99), "unexpected exit code");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(password_on_stdin_only),
	    cmocka_unit_test(empty_environment),
	    cmocka_unit_test(account_mode_sends_no_password),
	    cmocka_unit_test(no_descriptor_leaks),
	    cmocka_unit_test(sigchld_handler_untouched),
	    cmocka_unit_test(sigchld_ignored_by_host),
	    cmocka_unit_test(helper_that_never_reads),
	    cmocka_unit_test(overlong_password_is_cut_but_still_overlong),
	    cmocka_unit_test(helper_missing_or_killed),
	    cmocka_unit_test(exit_codes_map_both_ways),
	    cmocka_unit_test(login_from_stdout),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
