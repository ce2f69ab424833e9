/* naccsd's verification workers (issue 18, naccsd/pool.h, jobs.h): with 2
 * workers and a slow hash, HELLO is answered while the workers are busy;
 * a request that waits past the queue deadline gets ERROR busy and is
 * never decided; an unprivileged uid over its verification rate, or with a
 * request under way already, gets busy and nothing of it is counted; a
 * repeated request_id gets the first answer with replayed=1 and is counted
 * once; SIGHUP while decisions run swaps the configuration without harm
 * (valgrind checks the old one is freed, once); the request's locale
 * chooses the language of its messages. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/time.h"
#include "crypto/hash.h"
#include "policy/outcome.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "store/store.h"
#include "fixture.h"
#include "teststore.h"
#include "testutil.h"

#define GOOD  "Correct-Horse-42"
#define WRONG "wrong-password-1"
/* A hash slow enough that two of them keep two workers busy for a while. */
#define SLOW_KIB 32768
#define SLOW_T	 2

static const char *const two_workers[] = {"--workers", "2", NULL};

static unsigned failures(const struct fx *f, const char *login)
{
	struct naccs_store *st = fx_store_open(f);
	struct naccs_account_state s;
	struct naccs_err err;

	if (naccs_store_get_state(st, naccs_deadline_in(5000), login, &s, &err) < 0)
		fail_msg("get_state %s: %s", login, err.msg);
	naccs_store_close(st);
	return s.failures_since_success;
}

/* old in text (cap bytes) becomes new, once. */
static void replace(char *text, size_t cap, const char *old, const char *new)
{
	char *p = strstr(text, old), *rest;

	assert_non_null(p);
	assert_true(strlen(text) - strlen(old) + strlen(new) < cap);
	rest = strdup(p + strlen(old));
	assert_non_null(rest);
	snprintf(p, cap - (size_t)(p - text), "%s%s", new, rest);
	free(rest);
}

/* fx_store_conf with deadlines for valgrind: decisions at once there take
 * seconds each, and the store's 1 s would fail some of them closed. */
static void store_conf_delay(struct fx *f, unsigned fail_delay_ms, unsigned deny)
{
	char text[8192];
	size_t n;
	FILE *fp;

	fx_store_conf(f, fail_delay_ms, deny);
	fp = fopen(f->conf, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	/* (fx_store_conf's store timeout: 1 s, 20 s under valgrind.) */
	replace(text, sizeof(text),
		strstr(text, "timeout_ms = 1000\n") != NULL ? "timeout_ms = 1000\n"
							    : "timeout_ms = 20000\n",
		"timeout_ms = 60000\n");
	replace(text, sizeof(text), "[auth]\n", "[auth]\nverification_wait_ms = 60000\n");
	fx_write_conf(f, text);
}

static void store_conf(struct fx *f, unsigned deny)
{
	store_conf_delay(f, 0, deny);
}

/* An ID whose password hash costs m_kib and t passes to verify. */
static uint32_t issue(const struct fx *f, const char *number, const char *login, uint32_t m_kib,
		      uint32_t t)
{
	struct naccs_store *st = fx_store_open(f);
	struct naccs_hash_params p = tu_hash_params(m_kib);
	struct naccs_identity id;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX];

	p.t_cost = t;
	/* uids of its own: another test's suspension of uid 20000 (the first
	 * allocated) would end this file's peers. */
	tst_identity(&id, login, "ABCDE", number, 28400 + (uint32_t)strtoul(number, NULL, 10), NULL,
		     "/bin/sh");
	if (naccs_hash_new(&p, GOOD, phc, &err) < 0)
		fail_msg("hash: %s", err.msg);
	if (naccs_store_add_identity(st, naccs_deadline_in(5000), &id, 20000, 29999, phc, false,
				     "test", "test person", &err) < 0)
		fail_msg("add %s: %s", login, err.msg);
	naccs_store_close(st);
	return id.uid;
}

/* Send a request of type (id: the request_id, or NULL for a fresh one;
 * pw and locale when not NULL). */
static int send_req(int fd, uint16_t type, const char *user, const char *pw, const uint8_t *id,
		    const char *locale)
{
	struct naccs_msg *m = naccs_msg_new();
	int rc = -1;

	if (m != NULL && naccs_msg_start(m, type, id, NULL) == 0 &&
	    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "login", NULL) == 0 &&
	    naccs_msg_set_str(m, NACCS_TAG_USER, user, NULL) == 0 &&
	    (pw == NULL || naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, pw, NULL) == 0) &&
	    (locale == NULL || naccs_msg_set_str(m, NACCS_TAG_LOCALE, locale, NULL) == 0))
		rc = naccs_msg_send(fd, m, naccs_deadline_in(10000), NULL);
	naccs_msg_free(m);
	return rc;
}

static int send_auth(int fd, const char *user, const char *pw, const uint8_t *id)
{
	return send_req(fd, NACCS_MSG_AUTHENTICATE, user, pw, id, NULL);
}

/* What came back: the outcome, BUSY (ERROR busy with retry_after_ms), or
 * -1 (anything else). */
#define BUSY 1000
static int answer(int fd, struct naccs_msg *m)
{
	const char *code;
	uint32_t v;

	if (naccs_msg_recv(fd, m, naccs_deadline_in(120000), NULL) < 0)
		return -1;
	if (m->type == NACCS_MSG_ERROR)
		return naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &code, NULL) == 0 &&
			       strcmp(code, NACCS_PROTO_ERR_BUSY) == 0 &&
			       naccs_msg_get_u32(m, NACCS_TAG_RETRY_AFTER_MS, &v) == 0 && v > 0
			   ? BUSY
			   : -1;
	if (naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &v) < 0)
		return -1;
	return (int)v;
}

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1;
}

/* (a) Four slow AUTHENTICATEs on two workers: a HELLO on another
 * connection is answered while at least one of them is still waiting. */
static void test_hello_while_busy(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	int fds[4], i, pending = 0;

	store_conf(f, 50);
	issue(f, "001", "abcde-001", SLOW_KIB, SLOW_T);
	setenv("NACCSD_TEST_QUEUE_MS", "600000", 1);
	fx_start_with(f, two_workers);
	unsetenv("NACCSD_TEST_QUEUE_MS");
	for (i = 0; i < 4; i++) {
		fds[i] = fx_connect_wait(f->sock);
		assert_int_equal(send_auth(fds[i], "abcde-001", WRONG, NULL), 0);
	}
	fx_hello_on(f->sock);
	for (i = 0; i < 4; i++)
		pending += !readable(fds[i]);
	assert_true(pending > 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(answer(fds[i], m), NACCS_OUT_BAD_CREDENTIALS);
		close(fds[i]);
	}
	assert_int_equal(failures(f, "abcde-001"), 4);
	naccs_msg_free(m);
	fx_stop(f);
}

/* (b) A queue deadline of 50 ms, two workers, six slow requests at once:
 * some wait past it and get ERROR busy with retry_after_ms; those are
 * never decided (the failures counted are the answers decided). */
static void test_queue_deadline(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	int fds[6], i, busy = 0, decided = 0;

	store_conf(f, 50);
	issue(f, "001", "abcde-001", SLOW_KIB, SLOW_T);
	setenv("NACCSD_TEST_QUEUE_MS", "50", 1);
	fx_start_with(f, two_workers);
	unsetenv("NACCSD_TEST_QUEUE_MS");
	for (i = 0; i < 6; i++)
		fds[i] = fx_connect_wait(f->sock);
	for (i = 0; i < 6; i++)
		assert_int_equal(send_auth(fds[i], "abcde-001", WRONG, NULL), 0);
	for (i = 0; i < 6; i++) {
		int o = answer(fds[i], m);

		if (o == BUSY)
			busy++;
		else if (o == NACCS_OUT_BAD_CREDENTIALS)
			decided++;
		else
			fail_msg("answer %d", o);
		close(fds[i]);
	}
#ifdef NACCS_TEST_HOOKS
	assert_true(busy > 0);
#endif
	assert_int_equal(failures(f, "abcde-001"), decided);
	assert_true(fx_log_has(f, "waited 50 ms for a worker", busy > 0 ? 5000 : 0) == (busy > 0));
	naccs_msg_free(m);
	fx_stop(f);
}

/* In a child as uid: wrong passwords until busy; the exit code is how many
 * were answered (decided), 200 when busy never came, 201 on a bad answer. */
static int rate_child(const struct fx *f, uid_t uid)
{
	struct naccs_msg *m = naccs_msg_new();
	int fd, n = 0;

	int rc = -1;

	if (setgid(65534) < 0 || setuid(uid) < 0) {
		naccs_msg_free(m);
		return 202;
	}
	fd = fx_connect_wait(f->sock);
	while (rc < 0) {
		int o;

		if (n >= 30 || send_auth(fd, "abcde-001", WRONG, NULL) < 0)
			rc = 200;
		else if ((o = answer(fd, m)) == BUSY)
			rc = n;
		else if (o != NACCS_OUT_BAD_CREDENTIALS)
			rc = 201;
		else
			n++;
	}
	/* Over its rate: busy again at once, whatever it asks. */
	if (rc == n && (send_auth(fd, "abcde-001", GOOD, NULL) < 0 || answer(fd, m) != BUSY))
		rc = 203;
	naccs_msg_free(m);
	close(fd);
	return rc;
}

static int in_child(const struct fx *f, uid_t uid, int (*fn)(const struct fx *, uid_t))
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(f, uid));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* (c) An unprivileged peer (the uid of abcde-001) over its bucket gets busy
 * with retry_after_ms; only the decided attempts are counted; logged.
 * Root is not limited: it then sees the same count. */
static void test_uid_rate(void **state)
{
	struct fx *f = *state;
	uint32_t uid;
	int n;

	if (geteuid() != 0) {
		skip(); /* # needs root to connect as another uid */
		return;
	}
	assert_int_equal(chmod(f->dir, 0755), 0);
	store_conf(f, 100);
	uid = issue(f, "001", "abcde-001", 1024, 1);
	fx_start(f);
	n = in_child(f, uid, rate_child);
	assert_in_range(n, NACCSD_UID_BURST, 29);
	assert_int_equal(failures(f, "abcde-001"), n);
	assert_true(fx_log_has(f, "over its verification rate", 5000));
	fx_stop(f);
}

/* In a child as uid: two requests at once on two connections: the second
 * gets busy while the first (a slow hash) runs.  0: so. */
static int jobs_child(const struct fx *f, uid_t uid)
{
	struct naccs_msg *m = naccs_msg_new();
	int a, b, rc = 0;

	if (setgid(65534) < 0 || setuid(uid) < 0) {
		naccs_msg_free(m);
		return 10;
	}
	a = fx_connect_wait(f->sock);
	b = fx_connect_wait(f->sock);
	if (send_auth(a, "abcde-001", WRONG, NULL) < 0)
		rc = 11;
	else if (usleep(20000), send_auth(b, "abcde-001", WRONG, NULL) < 0)
		rc = 12;
	else if (answer(b, m) != BUSY)
		rc = 13;
	else if (answer(a, m) != NACCS_OUT_BAD_CREDENTIALS)
		rc = 14;
	naccs_msg_free(m);
	close(a);
	close(b);
	return rc;
}

/* (c') One request of an unprivileged uid queued or running at once; root
 * runs two at once. */
static void test_uid_jobs(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	uint32_t uid;
	int a, b;

	if (geteuid() != 0) {
		skip(); /* # needs root to connect as another uid */
		return;
	}
	assert_int_equal(chmod(f->dir, 0755), 0);
	store_conf(f, 100);
	uid = issue(f, "001", "abcde-001", SLOW_KIB, SLOW_T);
	fx_start_with(f, two_workers);
	assert_int_equal(in_child(f, uid, jobs_child), 0);
	assert_int_equal(failures(f, "abcde-001"), 1);
	a = fx_connect_wait(f->sock);
	b = fx_connect_wait(f->sock);
	assert_int_equal(send_auth(a, "abcde-001", WRONG, NULL), 0);
	assert_int_equal(send_auth(b, "abcde-001", WRONG, NULL), 0);
	assert_int_equal(answer(b, m), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(answer(a, m), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(failures(f, "abcde-001"), 3);
	close(a);
	close(b);
	naccs_msg_free(m);
	fx_stop(f);
}

/* (d) A request_id answered once is answered again from the record, with
 * replayed=1, on another connection, and counted once; a request whose
 * connection was lost before its answer is answered to its retry (busy
 * while it is being decided) and counted once. */
static void test_replay(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	uint8_t id[NACCS_PROTO_ID_LEN], id2[NACCS_PROTO_ID_LEN];
	bool replayed;
	int fd, o, tries;

	memset(id, 0x5a, sizeof(id));
	memset(id2, 0xa5, sizeof(id2));
	store_conf(f, 50);
	issue(f, "001", "abcde-001", 1024, 1);
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(send_auth(fd, "abcde-001", WRONG, id), 0);
	assert_int_equal(answer(fd, m), NACCS_OUT_BAD_CREDENTIALS);
	assert_false(naccs_msg_has(m, NACCS_TAG_REPLAYED));
	close(fd);
	assert_int_equal(failures(f, "abcde-001"), 1);
	fd = fx_connect_wait(f->sock);
	assert_int_equal(send_auth(fd, "abcde-001", WRONG, id), 0);
	assert_int_equal(answer(fd, m), NACCS_OUT_BAD_CREDENTIALS);
	assert_memory_equal(m->request_id, id, sizeof(id));
	assert_int_equal(naccs_msg_get_bool(m, NACCS_TAG_REPLAYED, &replayed), 0);
	assert_true(replayed);
	assert_true(naccs_msg_has(m, NACCS_TAG_GENERATION)); /* the whole first answer */
	/* Even with the right password: the id's answer is the first's. */
	assert_int_equal(send_auth(fd, "abcde-001", GOOD, id), 0);
	assert_int_equal(answer(fd, m), NACCS_OUT_BAD_CREDENTIALS);
	close(fd);
	assert_int_equal(failures(f, "abcde-001"), 1);
	/* Lost before its answer: the retry gets it (or busy meanwhile). */
	fd = fx_connect_wait(f->sock);
	assert_int_equal(send_auth(fd, "abcde-001", WRONG, id2), 0);
	close(fd);
	for (tries = 0, o = BUSY; o == BUSY && tries < 100; tries++) {
		fd = fx_connect_wait(f->sock);
		assert_int_equal(send_auth(fd, "abcde-001", WRONG, id2), 0);
		o = answer(fd, m);
		close(fd);
		if (o == BUSY)
			usleep(100000);
	}
	assert_int_equal(o, NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(failures(f, "abcde-001"), 2);
	naccs_msg_free(m);
	fx_stop(f);
}

/* [auth] fail_delay_ms = 1500: a request whose connection was lost is
 * answered to its retry no sooner than the first answer would have been:
 * repeating an id does not skip the fail delay. */
static void test_replay_keeps_delay(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	uint8_t id[NACCS_PROTO_ID_LEN];
	int64_t t0;
	int fd, o, tries;

	memset(id, 0x3c, sizeof(id));
	store_conf_delay(f, 1500, 50);
	issue(f, "001", "abcde-001", 1024, 1);
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	t0 = naccs_now_mono_ms();
	assert_int_equal(send_auth(fd, "abcde-001", WRONG, id), 0);
	close(fd);
	usleep(200000); /* the first is read (and decided) before its retry */
	for (tries = 0, o = BUSY; o == BUSY && tries < 100; tries++) {
		fd = fx_connect_wait(f->sock);
		assert_int_equal(send_auth(fd, "abcde-001", WRONG, id), 0);
		o = answer(fd, m);
		close(fd);
		if (o == BUSY)
			usleep(50000);
	}
	assert_int_equal(o, NACCS_OUT_BAD_CREDENTIALS);
	assert_true(naccs_msg_has(m, NACCS_TAG_REPLAYED));
	assert_true(naccs_now_mono_ms() - t0 >= 1450);
	assert_int_equal(failures(f, "abcde-001"), 1);
	naccs_msg_free(m);
	fx_stop(f);
}

/* (e) SIGHUP three times while six slow decisions run on two workers:
 * every answer comes, the service stops cleanly (under valgrind: no error,
 * no leak: each configuration freed once, after its last job). */
static void test_reload_under_load(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	int fds[6], i;

	store_conf(f, 50);
	issue(f, "001", "abcde-001", SLOW_KIB, SLOW_T);
	/* Three rounds of slow hashes (under valgrind too): no queue deadline. */
	setenv("NACCSD_TEST_QUEUE_MS", "600000", 1);
	fx_start_with(f, two_workers);
	unsetenv("NACCSD_TEST_QUEUE_MS");
	for (i = 0; i < 6; i++) {
		fds[i] = fx_connect_wait(f->sock);
		assert_int_equal(send_auth(fds[i], "abcde-001", WRONG, NULL), 0);
		if (i % 2 == 1)
			assert_int_equal(kill(f->pid, SIGHUP), 0);
	}
	for (i = 0; i < 6; i++) {
		assert_int_equal(answer(fds[i], m), NACCS_OUT_BAD_CREDENTIALS);
		close(fds[i]);
	}
	assert_true(fx_log_has(f, "configuration reloaded", 5000));
	fx_hello_on(f->sock);
	assert_int_equal(failures(f, "abcde-001"), 6);
	naccs_msg_free(m);
	fx_stop(f);
}

/* The message of a locked ID's refusal under locale (NULL: none). */
static char *locked_message(const struct fx *f, const char *locale)
{
	struct naccs_msg *m = naccs_msg_new();
	const char *msg;
	char *copy;
	int fd = fx_connect_wait(f->sock);

	assert_int_equal(send_req(fd, NACCS_MSG_ACCOUNT, "abcde-001", NULL, NULL, locale), 0);
	assert_int_equal(answer(fd, m), NACCS_OUT_LOCKED);
	assert_int_equal(naccs_msg_get_str(m, NACCS_TAG_MESSAGE, &msg, NULL), 0);
	copy = strdup(msg);
	naccs_msg_free(m);
	close(fd);
	return copy;
}

/* The ja_JP.UTF-8 locale and the Japanese catalogue, built in the test's
 * directory as tests/project/test_i18n.sh does (nothing installed). */
static bool build_japanese(const struct fx *f)
{
	const char *src = getenv("NACCS_TOP_SRCDIR");
	char cmd[2048];

	if (src == NULL || access("/usr/share/i18n/locales/ja_JP", R_OK) != 0)
		return false;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/locpath' '%s/localedir/ja/LC_MESSAGES' && "
		 "localedef -i ja_JP -f UTF-8 '%s/locpath/ja_JP.UTF-8' >/dev/null 2>&1; "
		 "test -d '%s/locpath/ja_JP.UTF-8' && "
		 "msgfmt -o '%s/localedir/ja/LC_MESSAGES/naccs-auth.mo' '%s/po/ja.po'",
		 f->dir, f->dir, f->dir, f->dir, f->dir, src);
	return system(cmd) == 0;
}

/* The request's locale: a refusal's message in Japanese for ja_JP.UTF-8
 * (when the locale and catalogue can be built here), in the service's
 * language (English under C) for none, an unknown locale or a name that is
 * a path. */
static void test_locale(void **state)
{
	struct fx *f = *state;
	struct naccs_store *st;
	struct naccs_err err;
	const char *vg = getenv("NACCS_VALGRIND"), *src = getenv("NACCS_TOP_SRCDIR");
	char path[1200], *en, *other, *vg_copy = vg != NULL ? strdup(vg) : NULL;
	bool ja = build_japanese(f);

	store_conf(f, 50);
	issue(f, "001", "abcde-001", 1024, 1);
	st = fx_store_open(f);
	assert_int_equal(naccs_store_set_flag(st, naccs_deadline_in(5000), "abcde-001",
					      NACCS_FLAG_LOCKED, true, "test", "test", &err),
			 0);
	naccs_store_close(st);
	if (ja) {
		snprintf(path, sizeof(path), "%s/locpath", f->dir);
		setenv("LOCPATH", path, 1);
		snprintf(path, sizeof(path), "%s/localedir", f->dir);
		setenv("NACCS_LOCALEDIR", path, 1);
		/* glibc's newlocale leaks under LOCPATH (newlocale.supp). */
		if (vg != NULL && *vg != '\0' && src != NULL) {
			snprintf(path, sizeof(path),
				 "%s --suppressions=%s/tests/naccsd/newlocale.supp", vg, src);
			setenv("NACCS_VALGRIND", path, 1);
		}
	}
	fx_start(f);
	unsetenv("LOCPATH");
	unsetenv("NACCS_LOCALEDIR");
	if (vg_copy != NULL)
		setenv("NACCS_VALGRIND", vg_copy, 1);
	free(vg_copy);
	en = locked_message(f, NULL);
	assert_non_null(strstr(en, "This ID is locked"));
	other = locked_message(f, "xx_YY.UTF-8");
	assert_string_equal(other, en);
	free(other);
	other = locked_message(f, "../../../tmp");
	assert_string_equal(other, en);
	free(other);
	if (ja) {
		other = locked_message(f, "ja_JP.UTF-8");
		assert_string_not_equal(other, en);
		assert_non_null(strstr(other, "ロック"));
		free(other);
		/* The worker went back to the service's language. */
		other = locked_message(f, NULL);
		assert_string_equal(other, en);
		free(other);
	} else {
		print_message("# no ja_JP locale source here: the Japanese message not checked\n");
	}
	free(en);
	fx_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hello_while_busy, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_queue_deadline, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_uid_rate, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_uid_jobs, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_replay, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_replay_keeps_delay, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_reload_under_load, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_locale, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
