/* The naccsd tests' fixture (fixture.h). */
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

#include "audit/key.h"
#include "audit/verify.h"
#include "base/secret.h"
#include "base/time.h"
#include "config/conf.h"
#include "fixture.h"
#include "proto/schema.h"
#include "store/store.h"
#include "teststore.h"
#include "testutil.h"

void fx_write_conf(struct fx *f, const char *text)
{
	free(tu_write_file(f->dir, "naccs.conf", text, 0644));
}

/* Exec naccsd with args (NULL-terminated), under $NACCS_VALGRIND if set. */
void fx_exec(const struct fx *f, const char *const *args)
{
	const char *vg = getenv("NACCS_VALGRIND"), *top = getenv("NACCS_TOP_BUILDDIR");
	char bin[512], vgbuf[512], *argv[64], *save = NULL, *w;
	size_t n = 0;
	int fd;

	snprintf(bin, sizeof(bin), "%s/naccsd/naccsd", top != NULL ? top : ".");
	if (vg != NULL && *vg != '\0') {
		snprintf(vgbuf, sizeof(vgbuf), "%s", vg);
		for (w = strtok_r(vgbuf, " ", &save); w != NULL && n < 40;
		     w = strtok_r(NULL, " ", &save))
			argv[n++] = w;
	}
	argv[n++] = bin;
	while (*args != NULL && n < 62)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	fd = open(f->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, 2);
		dup2(fd, 1);
	}
	setenv("NACCSD_TEST_FRAME_MS", "1500", 1);
	execvp(argv[0], argv);
	_exit(127);
}

pid_t fx_spawn(struct fx *f, const char *const *args)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (f->nfd >= 0)
			setenv("NOTIFY_SOCKET", f->notify, 1);
		fx_exec(f, args);
	}
	return pid;
}

/* The child's exit status within ms, or -1 (then it is killed). */
int fx_wait_exit(pid_t pid, int ms)
{
	naccs_deadline_t dl = naccs_deadline_in((unsigned)ms);
	int st;

	do {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	} while (naccs_deadline_left_ms(dl) > 0);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

int fx_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Connect, retrying while the service starts (valgrind is slow). */
int fx_connect_wait(const char *path)
{
	naccs_deadline_t dl = naccs_deadline_in(20000);
	int fd;

	while ((fd = fx_connect(path)) < 0 && naccs_deadline_left_ms(dl) > 0)
		usleep(20000);
	assert_true(fd >= 0);
	return fd;
}

/* Is needle in the service's log (stderr) within ms? */
bool fx_log_has(const struct fx *f, const char *needle, int ms)
{
	naccs_deadline_t dl = naccs_deadline_in((unsigned)ms);

	do {
		char buf[65536];
		FILE *fp = fopen(f->log, "r");
		size_t n = 0;

		if (fp != NULL) {
			n = fread(buf, 1, sizeof(buf) - 1, fp);
			fclose(fp);
		}
		buf[n] = '\0';
		if (strstr(buf, needle) != NULL)
			return true;
		usleep(20000);
	} while (naccs_deadline_left_ms(dl) > 0);
	return false;
}

/* A datagram from naccsd on the test's NOTIFY_SOCKET holding want. */
void fx_expect_notify(struct fx *f, const char *want)
{
	naccs_deadline_t dl = naccs_deadline_in(20000);
	char buf[512];

	for (;;) {
		struct pollfd p = {.fd = f->nfd, .events = POLLIN};
		ssize_t n;

		assert_true(poll(&p, 1, (int)naccs_deadline_left_ms(dl)) == 1);
		n = recv(f->nfd, buf, sizeof(buf) - 1, 0);
		assert_true(n > 0);
		buf[n] = '\0';
		if (strstr(buf, want) != NULL)
			return;
	}
}

/* Start naccsd on DIR/sock with f->conf; wait until it answers connects. */
void fx_start(struct fx *f)
{
	const char *args[] = {"--foreground", "--socket", f->sock, "--conf", f->conf, NULL};

	f->pid = fx_spawn(f, args);
	close(fx_connect_wait(f->sock));
}

void fx_stop(struct fx *f)
{
	struct stat st;

	assert_int_equal(kill(f->pid, SIGTERM), 0);
	assert_int_equal(fx_wait_exit(f->pid, 20000), 0);
	f->pid = -1;
	assert_true(lstat(f->sock, &st) < 0 && errno == ENOENT); /* removed */
}

int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp("naccsd");
	snprintf(f->sock, sizeof(f->sock), "%s/sock", f->dir);
	snprintf(f->conf, sizeof(f->conf), "%s/naccs.conf", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/naccsd.log", f->dir);
	f->pid = -1;
	f->nfd = -1;
	fx_write_conf(f, GOOD_CONF);
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *f = *state;

	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	if (f->nfd >= 0)
		close(f->nfd);
	tu_rmtree_free(f->dir);
	free(f);
	return 0;
}

/* Send m (a request) and receive the answer into m. */
int fx_roundtrip(int fd, struct naccs_msg *m)
{
	struct naccs_err err;
	int rc = naccs_msg_send(fd, m, naccs_deadline_in(10000), &err);

	if (rc == 0)
		rc = naccs_msg_recv(fd, m, naccs_deadline_in(10000), &err);
	return rc;
}

void fx_check_hello(int fd)
{
	struct naccs_msg *m = naccs_msg_new();
	const char *ver;
	uint32_t v;

	assert_int_equal(naccs_msg_start(m, NACCS_MSG_HELLO, NULL, NULL), 0);
	assert_int_equal(fx_roundtrip(fd, m), 0);
	assert_int_equal(m->type, NACCS_MSG_HELLO | NACCS_PROTO_RESPONSE);
	assert_int_equal(naccs_msg_get_str(m, NACCS_TAG_SERVER_VERSION, &ver, NULL), 0);
	assert_string_equal(ver, NACCSD_SERVER_VERSION);
	assert_int_equal(naccs_msg_get_u32(m, NACCS_TAG_VERSIONS, &v), 0);
	assert_int_equal(v, NACCS_PROTO_VERSION);
	assert_int_equal(naccs_msg_get_u32(m, NACCS_TAG_FRAME_MAX, &v), 0);
	assert_int_equal(v, NACCS_PROTO_FRAME_MAX);
	naccs_msg_free(m);
}

void fx_hello_on(const char *path)
{
	int fd = fx_connect_wait(path);

	fx_check_hello(fd);
	close(fd);
}

/* The peer closed within ms (EOF or reset). */
bool fx_closed_within(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c;

	if (poll(&p, 1, ms) != 1)
		return false;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

/* Receive an ERROR with code. */
void fx_expect_error(int fd, const char *code)
{
	struct naccs_msg *m = naccs_msg_new();
	struct naccs_err err;
	const char *got;

	assert_int_equal(naccs_msg_recv(fd, m, naccs_deadline_in(10000), &err), 0);
	assert_int_equal(m->type, NACCS_MSG_ERROR);
	assert_int_equal(naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &got, NULL), 0);
	assert_string_equal(got, code);
	if (strcmp(code, NACCS_PROTO_ERR_UNSUPPORTED_VERSION) == 0) {
		static const uint8_t zero[NACCS_PROTO_ID_LEN];
		uint32_t v;

		assert_int_equal(naccs_msg_get_u32(m, NACCS_TAG_VERSIONS, &v), 0);
		assert_int_equal(v, NACCS_PROTO_VERSION);
		assert_memory_equal(m->request_id, zero, NACCS_PROTO_ID_LEN);
	}
	naccs_msg_free(m);
}

void fx_write_all(int fd, const void *p, size_t n)
{
	assert_int_equal(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

void fx_store_conf(struct fx *f, unsigned fail_delay_ms, unsigned deny)
{
	fx_store_conf_extra(f, fail_delay_ms, deny, "");
}

void fx_store_conf_extra(struct fx *f, unsigned fail_delay_ms, unsigned deny, const char *extra)
{
	snprintf(f->store, sizeof(f->store), "%s/naccs.db", f->dir);
	naccs_store_close(tst_open_store(f->store, geteuid(), true));
	fx_conf_extra(f, fail_delay_ms, deny, extra);
}

void fx_conf_extra(struct fx *f, unsigned fail_delay_ms, unsigned deny, const char *extra)
{
	char text[8192], audit[1200];
	const char *vg = getenv("NACCS_VALGRIND");
	/* Under valgrind, with make check-valgrind's other tests beside it, a
	 * decision can wait more than a second for the store (CI saw
	 * test_admin's reset fail so). */
	unsigned store_ms = vg != NULL && *vg != '\0' ? 20000 : 1000;

	snprintf(f->store, sizeof(f->store), "%s/naccs.db", f->dir);
	snprintf(text, sizeof(text),
		 "%s[store]\npath = %s\ntimeout_ms = %u\n[hash]\n"
		 "memory_kib = 1024\ntime_cost = 1\n[auth]\nfail_delay_ms = %u\n[lockout]\n"
		 "deny = %u\n%s",
		 tu_audit_trail(f->dir, audit, sizeof(audit)), f->store, store_ms, fail_delay_ms,
		 deny, extra);
	fx_write_conf(f, text);
}

struct naccs_store *fx_store_open(const struct fx *f)
{
	return tst_open_store(f->store, geteuid(), false);
}

int fx_ask(int fd, struct naccs_msg *m, uint16_t type, const char *user, const char *password)
{
	uint32_t o;

	if (naccs_msg_start(m, type, NULL, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "login", NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_USER, user, NULL) < 0 ||
	    naccs_msg_set_u32(m, NACCS_TAG_INVOKER_UID, FX_INVOKER, NULL) < 0 ||
	    (password != NULL && naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, password, NULL) < 0))
		return -1;
	if (fx_roundtrip(fd, m) < 0 || m->type != (type | NACCS_PROTO_RESPONSE) ||
	    naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &o) < 0)
		return -1;
	return (int)o;
}

int fx_start_ask(struct naccs_msg *m, uint16_t type, const char *user)
{
	if (naccs_msg_start(m, type, NULL, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "login", NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_USER, user, NULL) < 0 ||
	    naccs_msg_set_u32(m, NACCS_TAG_INVOKER_UID, FX_INVOKER, NULL) < 0)
		return -1;
	return 0;
}

int fx_ask_msg(int fd, struct naccs_msg *m)
{
	uint16_t type = m->type;
	uint32_t o;

	if (fx_roundtrip(fd, m) < 0 || m->type != (type | NACCS_PROTO_RESPONSE) ||
	    naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &o) < 0)
		return -1;
	return (int)o;
}

char *fx_trail(const struct fx *f)
{
	char dir[300];

	snprintf(dir, sizeof(dir), "%s/audit", f->dir);
	return tu_trail_text(dir);
}

bool fx_info_has(const struct naccs_msg *m, const char *needle)
{
	const char *s;

	for (unsigned i = 0; naccs_msg_get_str_at(m, NACCS_TAG_INFO, i, &s, NULL) == 0; i++)
		if (strstr(s, needle) != NULL)
			return true;
	return naccs_msg_get_str(m, NACCS_TAG_MESSAGE, &s, NULL) == 0 && strstr(s, needle) != NULL;
}

void fx_start_with(struct fx *f, const char *const *extra)
{
	const char *args[32] = {"--foreground", "--socket", f->sock, "--conf", f->conf};
	size_t n = 5;

	while (*extra != NULL && n < 31)
		args[n++] = *extra++;
	args[n] = NULL;
	f->pid = fx_spawn(f, args);
	close(fx_connect_wait(f->sock));
}

void fx_audit_key(const struct fx *f, uint8_t *key)
{
	struct naccs_config cfg;
	struct naccs_err err;
	char hex[NACCS_AUDIT_MAC_HEX + 1];

	naccs_config_defaults(&cfg);
	cfg.owner_uid = geteuid();
	snprintf(cfg.audit_dir, sizeof(cfg.audit_dir), "%s/audit", f->dir);
	assert_int_equal(naccs_audit_create(&cfg, hex, &err), 0);
	assert_int_equal(naccs_audit_key_from_hex(hex, key), 0);
	naccs_wipe(hex, sizeof(hex));
}

void fx_trail_verify(const struct fx *f, const uint8_t *key)
{
	struct naccs_audit_verdict v;
	struct naccs_err err;
	char dir[300];

	snprintf(dir, sizeof(dir), "%s/audit", f->dir);
	assert_int_equal(naccs_audit_verify(dir, key, &v, &err), 0);
	if (!v.ok)
		fail_msg("trail: %s line %llu: %s", v.file, (unsigned long long)v.line, v.why);
	assert_true(v.macs_checked);
}

long fx_trail_lines(const struct fx *f, const char *a, const char *b)
{
	char *text = fx_trail(f), *save = NULL;
	long n = 0;

	for (char *l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save))
		n += strstr(l, a) != NULL && strstr(l, b) != NULL;
	free(text);
	return n;
}

void fx_store_check(const struct fx *f)
{
	struct naccs_store_options o = {
	    .path = f->store, .owner_uid = geteuid(), .timeout_ms = 5000};
	struct naccs_store_report r;
	struct naccs_err err;

	if (naccs_store_inspect(&o, true, &r, &err) < 0)
		fail_msg("store check: %s", err.msg);
	assert_true(r.integrity_checked);
	assert_string_equal(r.integrity, "ok");
}

void fx_reap_killed(struct fx *f)
{
	int st;

	assert_int_equal(waitpid(f->pid, &st, 0), f->pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	f->pid = -1;
}

uint32_t fx_issue(const struct fx *f, uint32_t uid_base, const char *number, const char *login)
{
	struct naccs_store *st = fx_store_open(f);
	uint32_t uid = tst_must_add_id(st, FX_GOOD, "ABCDE", number, login,
				       uid_base + (uint32_t)strtoul(number, NULL, 10), false);

	naccs_store_close(st);
	return uid;
}

struct naccs_account_state fx_state_of(const struct fx *f, const char *login)
{
	struct naccs_store *st = fx_store_open(f);
	struct naccs_account_state s;
	struct naccs_err err;

	if (naccs_store_get_state(st, naccs_deadline_in(5000), login, &s, &err) < 0)
		fail_msg("get_state %s: %s", login, err.msg);
	naccs_store_close(st);
	return s;
}
