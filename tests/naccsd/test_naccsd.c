/* naccsd through its socket (issue 18, docs/NACCSD-PLAN.md step 2): the
 * service runs as a child (`naccsd --foreground --socket DIR/sock --conf
 * FILE`, or with a socket passed as systemd does), under $NACCS_VALGRIND
 * when make check-valgrind sets it, and the tests speak common/proto/ to
 * it: HELLO, peer credentials (the per-uid cap of an unprivileged peer),
 * a bad configuration at start, SIGHUP with a broken then a good file, a
 * staller that blocks nobody and is dropped, the idle deadline, the
 * connection cap, garbage, another protocol version, SIGTERM, sd_notify,
 * LISTEN_FDS. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "proto/message.h"
#include "proto/schema.h"
#include "fixture.h"
#include "testutil.h"

/* HELLO round trip, twice on one connection; another known request is
 * honestly "unavailable" and keeps the connection; SIGTERM: exit 0, the
 * socket removed; READY=1 and STOPPING=1 on a NOTIFY_SOCKET path. */
static void test_hello(void **state)
{
	struct fx *f = *state;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct naccs_msg *m = naccs_msg_new();
	struct stat st;
	int fd;

	snprintf(f->notify, sizeof(f->notify), "%s/notify", f->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->notify);
	f->nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(f->nfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	fx_start(f);
	fx_expect_notify(f, "READY=1");
	assert_int_equal(stat(f->sock, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0666);
	fd = fx_connect_wait(f->sock);
	fx_check_hello(fd);
	fx_check_hello(fd);
	/* A type this build does not answer yet (RELOAD). */
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_RELOAD, NULL, NULL), 0);
	assert_int_equal(naccs_msg_send(fd, m, naccs_deadline_in(10000), NULL), 0);
	fx_expect_error(fd, NACCS_PROTO_ERR_UNAVAILABLE);
	fx_check_hello(fd); /* still open */
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
	fx_expect_notify(f, "STOPPING=1");
}

/* SO_PEERCRED: connections of an unprivileged uid count against its cap
 * (root's do not); one over gets ERROR busy. */
static void test_peer_credentials(void **state)
{
	struct fx *f = *state;
	int fds[NACCSD_CONN_PER_UID + 2], i, st;
	pid_t pid;

	if (geteuid() != 0) {
		skip(); /* # needs root to connect as another uid */
		return;
	}
	/* The other uid must reach the socket. */
	assert_int_equal(chmod(f->dir, 0755), 0);
	fx_start(f);
	for (i = 0; i < NACCSD_CONN_PER_UID + 2; i++) /* root: no per-uid cap */
		fds[i] = fx_connect_wait(f->sock);
	fx_check_hello(fds[NACCSD_CONN_PER_UID + 1]);
	for (i = 0; i < NACCSD_CONN_PER_UID + 2; i++)
		close(fds[i]);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		for (i = 0; i < NACCSD_CONN_PER_UID; i++)
			fds[i] = fx_connect_wait(f->sock);
		fx_check_hello(fds[NACCSD_CONN_PER_UID - 1]);
		fds[NACCSD_CONN_PER_UID] = fx_connect_wait(f->sock);
		fx_expect_error(fds[NACCSD_CONN_PER_UID], NACCS_PROTO_ERR_BUSY);
		_exit(fx_closed_within(fds[NACCSD_CONN_PER_UID], 5000) ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(fx_log_has(f, "per-uid connection cap reached", 5000));
	fx_hello_on(f->sock);
	fx_stop(f);
}

/* A bad configuration at start: exit non-zero, saying why; a missing named
 * file too. */
static void test_bad_config(void **state)
{
	struct fx *f = *state;
	const char *args[] = {"--foreground", "--socket", f->sock, "--conf", f->conf, NULL};
	char missing[300];
	const char *args2[] = {"--foreground", "--socket", f->sock, "--conf", missing, NULL};

	fx_write_conf(f, BROKEN_CONF);
	assert_int_equal(fx_wait_exit(fx_spawn(f, args), 20000), 1);
	assert_true(fx_log_has(f, "configuration refused", 0));
	assert_true(fx_log_has(f, "timeout_ms", 0));
	snprintf(missing, sizeof(missing), "%s/none.conf", f->dir);
	assert_int_equal(fx_wait_exit(fx_spawn(f, args2), 20000), 1);
	assert_true(fx_log_has(f, "none.conf", 0));
	assert_int_equal(fx_connect(f->sock), -1);
}

/* SIGHUP: a broken file keeps the old configuration (and the service); a
 * good one is swapped in; RELOADING=1 then READY=1 on an abstract
 * NOTIFY_SOCKET. */
static void test_reload(void **state)
{
	struct fx *f = *state;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;

	snprintf(f->notify, sizeof(f->notify), "@naccsd-test-%ld", (long)getpid());
	memcpy(sa.sun_path + 1, f->notify + 1, strlen(f->notify) - 1);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(f->notify));
	f->nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(f->nfd, (struct sockaddr *)&sa, len), 0);
	fx_start(f);
	fx_expect_notify(f, "READY=1");
	fx_write_conf(f, BROKEN_CONF);
	kill(f->pid, SIGHUP);
	fx_expect_notify(f, "RELOADING=1");
	fx_expect_notify(f, "READY=1");
	assert_true(fx_log_has(f, "configuration refused, the previous one stays in force", 10000));
	assert_false(fx_log_has(f, "configuration reloaded", 0));
	fx_hello_on(f->sock);
	fx_write_conf(f, OTHER_CONF);
	kill(f->pid, SIGHUP);
	fx_expect_notify(f, "RELOADING=1");
	fx_expect_notify(f, "READY=1");
	assert_true(fx_log_has(f, "configuration reloaded from", 10000));
	fx_hello_on(f->sock);
	fx_stop(f);
}

/* Half a frame, then silence: a second client is answered meanwhile, and
 * the staller is dropped after the frame deadline. */
static void test_staller(void **state)
{
	struct fx *f = *state;
	static const uint8_t half[] = {0, 0, 0, 40, 'N', 'A', 'C', 'C', 0};
	struct pollfd p;
	int64_t t0;
	int c1, c2;

	fx_start(f);
	c1 = fx_connect_wait(f->sock);
	fx_write_all(c1, half, sizeof(half));
	t0 = naccs_now_mono_ms();
	c2 = fx_connect_wait(f->sock);
	fx_check_hello(c2);
	/* The answer came while the staller is still connected. */
	p = (struct pollfd){.fd = c1, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_true(naccs_now_mono_ms() - t0 < EXPECT_FRAME_MS);
	assert_true(fx_closed_within(c1, EXPECT_FRAME_MS + 10000));
	assert_true(naccs_now_mono_ms() - t0 >= EXPECT_FRAME_MS - 50);
	assert_true(fx_log_has(f, "frame not complete within", 5000));
	fx_check_hello(c2); /* the other connection lives on */
	close(c1);
	close(c2);
	fx_stop(f);
}

/* A connection with no request under way is closed after the idle
 * deadline (test builds: shortened to IDLE_MS), whether it never spoke or
 * has had its answer. */
static void test_idle(void **state)
{
#ifdef NACCS_TEST_HOOKS
	struct fx *f = *state;
	int64_t t0;
	int c1, c2;

	setenv("NACCSD_TEST_IDLE_MS", "1500", 1);
	fx_start(f);
	unsetenv("NACCSD_TEST_IDLE_MS");
	t0 = naccs_now_mono_ms();
	c1 = fx_connect_wait(f->sock);
	c2 = fx_connect_wait(f->sock);
	fx_check_hello(c2);
	assert_true(fx_closed_within(c1, 15000));
	assert_true(naccs_now_mono_ms() - t0 >= 1400);
	assert_true(fx_closed_within(c2, 15000));
	close(c1);
	close(c2);
	fx_hello_on(f->sock);
	fx_stop(f);
#else
	(void)state;
	skip(); /* # the idle deadline is shortened in test builds only */
#endif
}

/* NACCSD_CONN_MAX connections open: the next one is closed at once. */
static void test_conn_cap(void **state)
{
	struct fx *f = *state;
	int fds[NACCSD_CONN_MAX], extra, i;

	fx_start(f);
	for (i = 0; i < NACCSD_CONN_MAX; i++)
		fds[i] = fx_connect_wait(f->sock);
	fx_check_hello(fds[NACCSD_CONN_MAX - 1]); /* all accepted by now (in order) */
	extra = fx_connect_wait(f->sock);
	assert_true(fx_closed_within(extra, 10000));
	close(extra);
	assert_true(fx_log_has(f, "connection cap reached", 5000));
	close(fds[0]);
	usleep(100000);
	fx_check_hello(fds[1]);
	for (i = 0; i < NACCSD_CONN_MAX; i++)
		close(fds[i]);
	fx_hello_on(f->sock);
	fx_stop(f);
}

/* Garbage, a zero and an oversize length: ERROR bad-message, then close. */
static void test_garbage(void **state)
{
	struct fx *f = *state;
	static const uint8_t junk[] = {0, 0, 0, 30, 'j', 'u', 'n', 'k', 1, 2, 3, 4, 5, 6, 7, 8, 9,
				       0, 1, 2, 3,  4,	 5,   6,   7,	8, 9, 0, 1, 2, 3, 4, 5, 6};
	static const uint8_t zero[] = {0, 0, 0, 0};
	static const uint8_t huge[] = {0x7f, 0, 0, 0};
	int fd;

	fx_start(f);
	fd = fx_connect_wait(f->sock);
	fx_write_all(fd, junk, sizeof(junk));
	fx_expect_error(fd, NACCS_PROTO_ERR_BAD_MESSAGE);
	assert_true(fx_closed_within(fd, 5000));
	close(fd);
	fd = fx_connect_wait(f->sock);
	fx_write_all(fd, zero, sizeof(zero));
	fx_expect_error(fd, NACCS_PROTO_ERR_BAD_MESSAGE);
	assert_true(fx_closed_within(fd, 5000));
	close(fd);
	fd = fx_connect_wait(f->sock);
	fx_write_all(fd, huge, sizeof(huge));
	fx_expect_error(fd, NACCS_PROTO_ERR_BAD_MESSAGE);
	assert_true(fx_closed_within(fd, 5000));
	close(fd);
	fx_hello_on(f->sock); /* the service never minds */
	fx_stop(f);
}

/* A HELLO in version 2: ERROR unsupported-version (versions 1, zero id). */
static void test_version(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	uint8_t buf[256];
	size_t len;
	int fd;

	fx_start(f);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_HELLO, NULL, NULL), 0);
	assert_int_equal(naccs_msg_encode(m, buf + 4, sizeof(buf) - 4, &len, NULL), 0);
	buf[0] = buf[1] = buf[2] = 0;
	buf[3] = (uint8_t)len;
	buf[4 + 4] = 0;
	buf[4 + 5] = 2; /* the version, after the magic */
	fd = fx_connect_wait(f->sock);
	fx_write_all(fd, buf, 4 + len);
	fx_expect_error(fd, NACCS_PROTO_ERR_UNSUPPORTED_VERSION);
	assert_true(fx_closed_within(fd, 5000));
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* --socket refuses to replace what is not a stale socket; a stale one is
 * replaced. */
static void test_socket_path(void **state)
{
	struct fx *f = *state;
	const char *args[] = {"--foreground", "--socket", f->sock, "--conf", f->conf, NULL};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	free(tu_write_file(f->dir, "sock", "not a socket\n", 0644));
	assert_int_equal(fx_wait_exit(fx_spawn(f, args), 20000), 1);
	assert_true(fx_log_has(f, "not a socket", 0));
	unlink(f->sock);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd); /* stale: bound, nobody listening */
	fx_start(f);
	fx_hello_on(f->sock);
	/* A second server on the same path is refused; the first lives on. */
	assert_int_equal(fx_wait_exit(fx_spawn(f, args), 20000), 1);
	assert_true(fx_log_has(f, "already listens", 0));
	fx_hello_on(f->sock);
	fx_stop(f);
}

/* Socket activation: the test listens, passes the socket as fd 3 with
 * LISTEN_PID/LISTEN_FDS, and gets HELLO through it; a non-socket fd 3 is
 * refused. */
static void test_listen_fds(void **state)
{
	struct fx *f = *state;
	const char *args[] = {"--foreground", "--conf", f->conf, NULL};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int lfd, i;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/act.sock", f->dir);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	for (i = 0; i < 2; i++) {
		pid_t pid = fork();
		char me[32];

		assert_true(pid >= 0);
		if (pid == 0) {
			int src = i == 0 ? lfd : open(f->conf, O_RDONLY);

			/* dup2 onto itself keeps FD_CLOEXEC: clear it. */
			if (dup2(src, 3) != 3 || fcntl(3, F_SETFD, 0) < 0)
				_exit(126);
			snprintf(me, sizeof(me), "%ld", (long)getpid());
			setenv("LISTEN_PID", me, 1);
			setenv("LISTEN_FDS", "1", 1);
			fx_exec(f, args);
		}
		if (i == 1) {
			assert_int_equal(fx_wait_exit(pid, 20000), 1);
			assert_true(fx_log_has(f, "not a listening stream Unix socket", 0));
			break;
		}
		f->pid = pid;
		fx_hello_on(sa.sun_path);
		assert_int_equal(kill(pid, SIGTERM), 0);
		assert_int_equal(fx_wait_exit(pid, 20000), 0);
		f->pid = -1;
		/* systemd's socket: not naccsd's to remove. */
		assert_int_equal(lstat(sa.sun_path, &st), 0);
	}
	close(lfd);
	/* Neither socket nor LISTEN_FDS: refused, saying what to do. */
	assert_int_equal(fx_wait_exit(fx_spawn(f, args), 20000), 1);
	assert_true(fx_log_has(f, "no socket", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hello, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_peer_credentials, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_config, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_reload, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_staller, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_idle, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_conn_cap, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_garbage, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_version, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_socket_path, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_listen_fds, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
