/* naccsd's socket faults (issue 18, "Socket missing or with the wrong
 * owner"), the service's side (the PAM module's, failing closed for naccs
 * IDs, is tests/pam/'s): a socket file removed under a running service
 * makes connects fail at once (no client waits), a second service started
 * on the path serves, and the first one, stopping, leaves the new socket
 * alone; a live socket of another owner on the path is never taken over
 * (the service refuses to start and leaves it), a stale one is replaced by
 * the service's own (its uid, 0666) and logins work again. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

#define GOOD  "Correct-Horse-42"
#define LOGIN "abcde-001"

/* A process of the test's besides f->pid (killed by teardown if a test
 * fails before it ends it). */
static pid_t other = -1;

static int teardown(void **state)
{
	if (other > 0) {
		kill(other, SIGKILL);
		waitpid(other, NULL, 0);
		other = -1;
	}
	return fx_teardown(state);
}

/* f's store and configuration, with one ID. */
static void setup_id(struct fx *f)
{
	struct naccs_store *st;

	fx_store_conf(f, 0, 5);
	st = fx_store_open(f);
	tst_must_add_id(st, GOOD, "ABCDE", "001", LOGIN, NACCS_UID_ALLOCATE, false);
	naccs_store_close(st);
}

/* A right password through the socket at f->sock is ALLOW. */
static void expect_login(const struct fx *f)
{
	struct naccs_msg *m = naccs_msg_new();
	int fd = fx_connect_wait(f->sock);

	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, LOGIN, GOOD), NACCS_OUT_ALLOW);
	close(fd);
	naccs_msg_free(m);
}

/* The socket file removed while the service runs: a connect fails at once
 * (ENOENT); a second service on the path serves; the first, stopped,
 * leaves the second's socket (not its own) in place. */
static void test_socket_removed(void **state)
{
	struct fx *f = *state;
	struct stat before, after;
	int64_t t0;
	pid_t first;

	setup_id(f);
	fx_start(f);
	expect_login(f);
	assert_int_equal(unlink(f->sock), 0);
	t0 = naccs_now_mono_ms();
	errno = 0;
	assert_int_equal(fx_connect(f->sock), -1);
	assert_int_equal(errno, ENOENT);
	assert_true(naccs_now_mono_ms() - t0 < 1000);
	other = first = f->pid;
	assert_int_equal(kill(first, 0), 0); /* running, unreachable */
	fx_start(f);
	expect_login(f);
	assert_int_equal(lstat(f->sock, &before), 0);
	assert_int_equal(kill(first, SIGTERM), 0);
	assert_int_equal(fx_wait_exit(first, 20000), 0);
	other = -1;
	assert_int_equal(lstat(f->sock, &after), 0);
	assert_true(after.st_ino == before.st_ino && after.st_dev == before.st_dev);
	expect_login(f);
	fx_stop(f);
}

/* As uid 65534: listen on path until killed (the exit code says what
 * failed: 0 never returns). */
static int impostor(const char *path, int ready)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (setgid(65534) < 0 || setuid(65534) < 0)
		return 10;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0)
		return 11;
	if (write(ready, "r", 1) != 1)
		return 12;
	for (;;)
		pause();
}

/* A live socket of another owner on the path: the service does not start
 * and leaves it; once it is stale (its listener gone), the service
 * replaces it with its own (its uid, 0666) and serves. */
static void test_socket_wrong_owner(void **state)
{
	struct fx *f = *state;
	const char *args[] = {"--foreground", "--socket", f->sock, "--conf", f->conf, NULL};
	struct stat st;
	int p[2], status;
	pid_t imp;
	char c, run[80];

	if (geteuid() != 0) {
		skip(); /* # needs root to listen as another uid */
		return;
	}
	setup_id(f);
	/* The socket in a directory anyone may write to (as /run/naccs is
	 * not), the configuration's kept trusted. */
	assert_int_equal(chmod(f->dir, 0755), 0);
	snprintf(run, sizeof(run), "%s/run", f->dir);
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(chmod(run, 01777), 0);
	snprintf(f->sock, sizeof(f->sock), "%s/sock", run);
	assert_int_equal(pipe(p), 0);
	other = imp = fork();
	assert_true(imp >= 0);
	if (imp == 0) {
		close(p[0]);
		_exit(impostor(f->sock, p[1]));
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_int_equal(fx_wait_exit(fx_spawn(f, args), 20000), 1);
	assert_true(fx_log_has(f, "already listens", 0));
	assert_int_equal(lstat(f->sock, &st), 0);
	assert_int_equal(st.st_uid, 65534); /* left alone */
	assert_int_equal(kill(imp, SIGKILL), 0);
	assert_int_equal(waitpid(imp, &status, 0), imp);
	other = -1;
	assert_true(WIFSIGNALED(status)); /* it was listening, not failing */
	fx_start(f);			  /* stale now: replaced */
	assert_int_equal(lstat(f->sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(st.st_mode & 07777, 0666);
	expect_login(f);
	fx_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_socket_removed, fx_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_socket_wrong_owner, fx_setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
