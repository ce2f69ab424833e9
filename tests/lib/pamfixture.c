#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include "pamfixture.h"
#include "proto/message.h"
#include "proto/schema.h"

bool pfx_have_wrapper(const char *test)
{
	if (getenv("PAM_WRAPPER") != NULL)
		return true;
	fprintf(stderr, "%s: needs pam_wrapper (run through make check)\n", test);
	return false;
}

void pfx_fresh_dir(const char *dir)
{
	tu_rmtree(dir);
	if (mkdir(dir, 0700) != 0)
		fail_msg("mkdir %s", dir);
}

void pfx_write_conf(const char *conf_dir, const char *trail_dir, const char *store_path,
		    const char *hash_lines, const char *tail_fmt, ...)
{
	char text[8192], tail[4096], audit[1200];
	va_list ap;

	va_start(ap, tail_fmt);
	vsnprintf(tail, sizeof(tail), tail_fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text),
		 "%s[store]\npath = %s\n[hash]\n%s[auth]\nfail_delay_ms = 0\n%s",
		 tu_audit_trail(trail_dir, audit, sizeof(audit)), store_path,
		 hash_lines != NULL ? hash_lines : "memory_kib = 1024\ntime_cost = 1\n", tail);
	free(tu_write_file(conf_dir, "naccs.conf", text, 0600));
}

struct naccs_account_state pfx_get_state(const char *store_path, uid_t owner, const char *login)
{
	struct naccs_store *st = tst_open_store(store_path, owner, false);
	struct naccs_account_state s;
	struct naccs_err err;

	if (naccs_store_get_state(st, naccs_deadline_in(5000), login, &s, &err) < 0)
		fail_msg("get_state %s: %s", login, err.msg);
	naccs_store_close(st);
	return s;
}

void pfx_add_user(struct naccs_store *st, const struct pfx_user *u)
{
	struct naccs_hash_params cheap = tu_hash_params(1024);
	struct naccs_identity id;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX], gecos[sizeof(id.gecos)];

	if (u->test_gecos)
		snprintf(gecos, sizeof(gecos), "Test %s", u->login);
	tst_identity(&id, u->login, u->code, u->number, NACCS_UID_ALLOCATE,
		     u->test_gecos ? gecos : u->gecos, "/bin/sh");
	assert_int_equal(
	    naccs_hash_new(u->params != NULL ? u->params : &cheap, u->password, phc, &err), 0);
	if (naccs_store_add_identity(st, naccs_deadline_in(5000), &id, 20000, 29999, phc,
				     u->must_change, "test", "test person", &err) < 0)
		fail_msg("add %s: %s", u->login, err.msg);
}

void pfx_conv_init(struct pfx_conv *c, const char *const *answers, int n_info, int n_err)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; answers != NULL && answers[i] != NULL && i < PFX_SLOTS - 1; i++)
		c->answers[i] = answers[i];
	for (int i = 0; i < n_info && i < PFX_SLOTS; i++)
		c->info[i] = c->info_buf[i];
	for (int i = 0; i < n_err && i < PFX_SLOTS; i++)
		c->errs[i] = c->err_buf[i];
	c->data.in_echo_off = answers != NULL ? c->answers : NULL;
	c->data.out_info = n_info > 0 ? c->info : NULL;
	c->data.out_err = n_err > 0 ? c->errs : NULL;
}

void pfx_conv_pw(struct pfx_conv *c, const char *pw, int n_info, int n_err)
{
	const char *answers[] = {pw, NULL};

	pfx_conv_init(c, answers, n_info, n_err);
}

int pfx_run(const char *service, enum pamtest_ops op, const char *user, struct pfx_conv *c)
{
	struct pam_testcase tc[] = {pam_test(op, PAM_SUCCESS)};
	enum pamtest_err perr;

	perr = run_pamtest(service, user, &c->data, tc, NULL);
	if (perr != PAMTEST_ERR_OK && perr != PAMTEST_ERR_CASE)
		fail_msg("run_pamtest: %d", perr);
	return tc[0].op_rv;
}

int pfx_run_pw(const char *service, enum pamtest_ops op, const char *user, const char *pw,
	       int n_info, int n_err, struct pfx_conv *c)
{
	struct pfx_conv own;

	if (c == NULL)
		c = &own;
	pfx_conv_pw(c, pw, n_info, n_err);
	return pfx_run(service, op, user, c);
}

int pfx_acct_direct(const char *service, const char *user, const struct pam_conv *conv,
		    const char *tty, const char *rhost, const char *ruser)
{
	pam_handle_t *h = NULL;
	int rv;

	assert_int_equal(pam_start(service, user, conv, &h), PAM_SUCCESS);
	if (tty != NULL)
		assert_int_equal(pam_set_item(h, PAM_TTY, tty), PAM_SUCCESS);
	if (rhost != NULL)
		assert_int_equal(pam_set_item(h, PAM_RHOST, rhost), PAM_SUCCESS);
	if (ruser != NULL)
		assert_int_equal(pam_set_item(h, PAM_RUSER, ruser), PAM_SUCCESS);
	rv = pam_acct_mgmt(h, 0);
	pam_end(h, rv);
	return rv;
}

/* The child's side of pfx_naccsd_start: never returns. */
static void naccsd_exec(const char *conf_path, const char *sock_path, const char *log_path)
{
	const char *vg = getenv("NACCS_VALGRIND"), *top = getenv("NACCS_TOP_BUILDDIR");
	char bin[512], vgbuf[512], owner[32], *argv[64], *save = NULL, *w;
	size_t n = 0;
	int fd;

	snprintf(bin, sizeof(bin), "%s/naccsd/naccsd", top != NULL ? top : ".");
	snprintf(owner, sizeof(owner), "%lu", (unsigned long)geteuid());
	if (vg != NULL && *vg != '\0') {
		snprintf(vgbuf, sizeof(vgbuf), "%s", vg);
		for (w = strtok_r(vgbuf, " ", &save); w != NULL && n < 40;
		     w = strtok_r(NULL, " ", &save))
			argv[n++] = w;
	}
	argv[n++] = bin;
	argv[n++] = (char *)"--foreground";
	argv[n++] = (char *)"--socket";
	argv[n++] = (char *)sock_path;
	argv[n++] = (char *)"--conf";
	argv[n++] = (char *)conf_path;
	argv[n++] = (char *)"--owner";
	argv[n++] = owner;
	argv[n] = NULL;
	if (log_path != NULL) {
		fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
	}
	execvp(argv[0], argv);
	_exit(127);
}

static bool answers_connect(const char *sock_path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

pid_t pfx_naccsd_start(const char *conf_path, const char *sock_path, const char *log_path)
{
	naccs_deadline_t dl = naccs_deadline_in(20000);
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		naccsd_exec(conf_path, sock_path, log_path);
	while (!answers_connect(sock_path)) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			fail_msg("naccsd exited before answering (status %d)", st);
		if (naccs_deadline_left_ms(dl) <= 0) {
			pfx_naccsd_kill(pid);
			fail_msg("naccsd did not answer on %s within 20 s", sock_path);
		}
		usleep(20000);
	}
	return pid;
}

static int wait_exit(pid_t pid, int ms)
{
	naccs_deadline_t dl = naccs_deadline_in((unsigned)ms);
	int st;

	do {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	} while (naccs_deadline_left_ms(dl) > 0);
	pfx_naccsd_kill(pid);
	return -1;
}

void pfx_naccsd_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid, 20000), 0);
}

void pfx_naccsd_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	if (kill(pid, SIGKILL) == 0 || errno != ESRCH)
		(void)waitpid(pid, NULL, 0);
}

/* The child's side of pfx_fake_naccsd: never returns. */
static void fake_serve(int lfd, const char *error_code)
{
	struct naccs_msg *req = naccs_msg_new(), *resp = naccs_msg_new();

	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0 || req == NULL || resp == NULL)
			_exit(1);
		if (naccs_msg_recv(fd, req, naccs_deadline_in(10000), NULL) == 0 &&
		    naccs_msg_start_response(resp, req, NACCS_MSG_ERROR, NULL) == 0 &&
		    naccs_msg_set_str(resp, NACCS_TAG_ERROR_CODE, error_code, NULL) == 0)
			(void)naccs_msg_send(fd, resp, naccs_deadline_in(10000), NULL);
		close(fd);
	}
}

pid_t pfx_fake_naccsd(const char *sock_path, const char *error_code)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	assert_true(lfd >= 0);
	assert_true(strlen(sock_path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	(void)unlink(sock_path);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		fake_serve(lfd, error_code);
	close(lfd);
	return pid;
}

#define STACK_SIZE  (512 * 1024)
#define STACK_PAINT 0xa5

size_t pfx_stack_used(void *(*fn)(void *), void *arg)
{
	uint8_t *stack = aligned_alloc(4096, STACK_SIZE);
	pthread_attr_t attr;
	pthread_t t;
	size_t i = 0;

	assert_non_null(stack);
	memset(stack, STACK_PAINT, STACK_SIZE);
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstack(&attr, stack, STACK_SIZE), 0);
	assert_int_equal(pthread_create(&t, &attr, fn, arg), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&attr);
	while (i < STACK_SIZE && stack[i] == STACK_PAINT)
		i++;
	free(stack);
	return STACK_SIZE - i;
}

bool pfx_stack_unmeasurable(void)
{
	const char *vg = getenv("NACCS_VALGRIND"), *asan = getenv("NACCS_ASAN_PRELOAD");

	if ((vg != NULL && *vg != '\0') || (asan != NULL && *asan != '\0')) {
		printf("under valgrind or ASan the stack is not the host's: not measured\n");
		return true;
	}
	return false;
}
