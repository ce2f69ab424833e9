/* Issue 18, "Attacks" (test_attacks.c has the first ones), as an
 * unprivileged peer (a child dropped to an ID's uid):
 *  - Slot starvation: one uid's processes (several, each with several
 *    connections, more than its connection cap) loop AUTHENTICATE for its
 *    own ID, wrong and right, as fast as they can, against naccsd
 *    --workers 2 with no rate limit to speak of; meanwhile every root
 *    peer's login (as sshd sends it) for other IDs is decided, ALLOW,
 *    never `busy`.  The uid's excess gets ERROR `busy` with
 *    retry_after_ms and is counted nowhere: its failures in the store and
 *    in the trail are exactly the wrong passwords it got a decision for.
 *  - Its rate: with a burst of 3, the verifications beyond it (its own
 *    right password, a password change, another name) get `busy` with the
 *    wait, counted nowhere, until the bucket refills; ACCOUNT and root
 *    peers are not limited.
 * Needs root. */
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

#include "attacks.h"
#include "base/time.h"
#include "load.h"
#include "policy/outcome.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "fixture.h"

#define ME    "abcde-001"
#define PROCS 3
#define CONNS 4 /* per process: PROCS * CONNS > NACCSD_CONN_PER_UID */

static bool need_root(struct fx *f, const char *burst)
{
	if (geteuid() != 0)
		return false;
	assert_int_equal(chmod(f->dir, 0755), 0); /* the socket reachable */
	setenv("NACCSD_TEST_UID_BURST", burst, 1);
	return true;
}

/* The IDs: ME (the attacker's), then abcde-002..; ME's uid. */
static uint32_t setup(struct fx *f, int ids)
{
	char num[8], login[16];
	uint32_t uid;

	fx_store_conf(f, 0, 0); /* no fail delay, no lockout: as fast as it goes */
	uid = at_issue(f, "001", ME);
	for (int i = 2; i <= ids; i++) {
		snprintf(num, sizeof(num), "%03d", i);
		snprintf(login, sizeof(login), "abcde-%03d", i);
		at_issue(f, num, login);
	}
	return uid;
}

/* ---- slot starvation ---- */

struct tally {
	long wrong, allowed, busy, busy_no_wait, other;
};
struct flood {
	int stop, ready, out; /* pipe ends: EOF on stop ends the loop */
};

/* The answer on fd of a request, into t. */
static bool tally_one(int fd, struct naccs_msg *m, struct tally *t)
{
	const char *code = NULL;
	uint32_t v;

	if (naccs_msg_recv(fd, m, naccs_deadline_in(60000), NULL) < 0)
		return false;
	if (m->type == NACCS_MSG_ERROR &&
	    naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &code, NULL) == 0 &&
	    strcmp(code, NACCS_PROTO_ERR_BUSY) == 0) {
		t->busy++;
		if (naccs_msg_get_u32(m, NACCS_TAG_RETRY_AFTER_MS, &v) < 0 || v == 0)
			t->busy_no_wait++;
	} else if (naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &v) < 0) {
		t->other++;
	} else if (v == NACCS_OUT_BAD_CREDENTIALS) {
		t->wrong++;
	} else if (v == NACCS_OUT_ALLOW) {
		t->allowed++;
	} else {
		t->other++;
	}
	return true;
}

/* As the attacker: CONNS connections, a request on each at once, then
 * their answers, round after round (wrong, right, ...) until stop. */
static int flood(const struct fx *f, void *arg)
{
	const struct flood *fl = arg;
	struct naccs_msg *m = naccs_msg_new();
	struct tally t = {0};
	int fd[CONNS];
	bool sent[CONNS];
	unsigned round = 0;

	if (m == NULL)
		return 60;
	for (int i = 0; i < CONNS; i++)
		fd[i] = fx_connect(f->sock);
	for (;; round++) {
		struct pollfd p = {.fd = fl->stop, .events = POLLIN};

		for (int i = 0; i < CONNS; i++) {
			sent[i] = false;
			if (fd[i] < 0 ||
			    naccs_msg_start(m, NACCS_MSG_AUTHENTICATE, NULL, NULL) < 0 ||
			    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "xscreensaver", NULL) < 0 ||
			    naccs_msg_set_str(m, NACCS_TAG_USER, ME, NULL) < 0 ||
			    naccs_msg_set_secret(m, NACCS_TAG_PASSWORD,
						 (round + i) % 2 ? AT_GOOD : AT_WRONG, NULL) < 0)
				continue;
			sent[i] = naccs_msg_send(fd[i], m, naccs_deadline_in(10000), NULL) == 0;
		}
		for (int i = 0; i < CONNS; i++)
			if (fd[i] >= 0 && (!sent[i] || !tally_one(fd[i], m, &t))) {
				close(fd[i]); /* over the cap: told `busy`, closed */
				fd[i] = -1;
			}
		if (round == 0 && write(fl->ready, "r", 1) != 1)
			return 61;
		if (poll(&p, 1, 0) != 0)
			break;
	}
	naccs_msg_free(m);
	return write(fl->out, &t, sizeof(t)) == (ssize_t)sizeof(t) ? 0 : 62;
}

/* Static: reachable in the children (valgrind's leak check). */
static struct fx_load load;

static void test_slot_starvation(void **state)
{
	const char *const workers[] = {"--workers", "2", NULL};
	struct fx *f = *state;
	struct fx_load *l = &load;
	struct tally all = {0}, t;
	int stop[2], ready[2], out[2], st;
	pid_t pid[PROCS];
	uint32_t uid;
	char c;

	memset(l, 0, sizeof(*l));
	if (!need_root(f, "600000")) { /* the per-uid caps alone, not its rate */
		skip();		       /* # needs root to run as an ID's uid */
		return;
	}
	uid = setup(f, 5);
	fx_start_with(f, workers);
	assert_int_equal(pipe(stop), 0);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(out), 0);
	for (int i = 0; i < PROCS; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			struct flood fl = {.stop = stop[0], .ready = ready[1], .out = out[1]};

			close(stop[1]);
			if (setgid(65534) < 0 || setuid(uid) < 0)
				_exit(125);
			_exit(flood(f, &fl));
		}
	}
	close(stop[0]);
	for (int i = 0; i < PROCS; i++) /* every one of them at it */
		assert_int_equal(read(ready[0], &c, 1), 1);
	/* Root peers' logins for the other IDs, twice over, meanwhile. */
	for (int round = 0; round < 2; round++) {
		l->n = at_valgrind() ? 8 : 40;
		for (size_t i = 0; i < l->n; i++)
			l->c[i] = (struct fx_client){.user = i % 4 == 0	  ? "abcde-002"
							     : i % 4 == 1 ? "abcde-003"
							     : i % 4 == 2 ? "abcde-004"
									  : "abcde-005",
						     .password = AT_GOOD,
						     .deadline_ms = 120000};
		fx_load_start(l, f);
		fx_load_join(l);
		for (size_t i = 0; i < l->n; i++)
			if (l->c[i].outcome != NACCS_OUT_ALLOW)
				fail_msg("root login %zu (%s): outcome %d, rc %d", i, l->c[i].user,
					 l->c[i].outcome, l->c[i].rc);
	}
	close(stop[1]);
	for (int i = 0; i < PROCS; i++) {
		assert_int_equal(read(out[0], &t, sizeof(t)), (ssize_t)sizeof(t));
		all.wrong += t.wrong;
		all.allowed += t.allowed;
		all.busy += t.busy;
		all.busy_no_wait += t.busy_no_wait;
		all.other += t.other;
	}
	for (int i = 0; i < PROCS; i++) {
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	print_message("attacker: %ld wrong and %ld right decided, %ld busy\n", all.wrong,
		      all.allowed, all.busy);
	assert_true(all.busy > 0); /* its excess refused ... */
	assert_int_equal(all.busy_no_wait, 0);
	assert_int_equal(all.other, 0);
	assert_true(all.wrong + all.allowed > 0); /* ... not all of it */
	/* Counted: exactly what got a decision. */
	assert_int_equal(at_failures(f, ME), all.wrong);
	assert_int_equal(at_trail_wrong(f, ME), all.wrong);
	for (int i = 0; i < 2; i++) {
		close(i == 0 ? ready[0] : out[0]);
		close(i == 0 ? ready[1] : out[1]);
	}
	fx_stop(f);
}

/* ---- its rate ---- */

/* One request as the peer on fd: its outcome, or -2 (`busy`: the wait
 * into *wait), or -1. */
static int ask(int fd, uint16_t type, const char *user, const char *pw, unsigned *wait)
{
	uint8_t *buf = malloc(NACCS_PROTO_FRAME_MAX);
	struct naccs_msg *m = naccs_msg_new();
	char code[32];
	size_t len;
	uint32_t v = 0;
	int o = -1;

	if (buf != NULL && m != NULL)
		o = at_ask_raw(fd, type, user, pw, NULL, buf, &len, code);
	if (o == -2 &&
	    (strcmp(code, NACCS_PROTO_ERR_BUSY) != 0 || naccs_msg_decode(m, buf, len, NULL) < 0 ||
	     naccs_msg_get_u32(m, NACCS_TAG_RETRY_AFTER_MS, &v) < 0 || v == 0))
		o = -1;
	*wait = v;
	free(buf);
	naccs_msg_free(m);
	return o;
}

/* As the peer: another name, then wrong passwords until `busy`; 100 + the
 * wrong passwords decided, or the step that failed. */
static int drain(const struct fx *f, void *arg)
{
	int fd = fx_connect(f->sock), wrong = 0, o;
	int64_t t0 = naccs_now_mono_ms();
	unsigned wait = 0, told;

	(void)arg;
	if (fd < 0)
		return 70;
	/* Probing another name takes a token like any verification. */
	if (ask(fd, NACCS_MSG_AUTHENTICATE, "abcde-002", AT_GOOD, &wait) !=
	    NACCS_OUT_BAD_CREDENTIALS)
		return 71;
	while ((o = ask(fd, NACCS_MSG_AUTHENTICATE, ME, AT_WRONG, &wait)) ==
		   NACCS_OUT_BAD_CREDENTIALS &&
	       wrong < 20)
		wrong++;
	if (o != -2)
		return 72;
	/* The burst (3), and what the bucket (10 a minute) gained since. */
	if (1 + wrong < 3 || 1 + wrong > 3 + (naccs_now_mono_ms() - t0) / 6000 + 1)
		return 73;
	if (ask(fd, NACCS_MSG_AUTHENTICATE, ME, AT_GOOD, &wait) != -2 ||
	    ask(fd, NACCS_MSG_PASSWORD_BEGIN, ME, AT_WRONG, &wait) != -2 ||
	    ask(fd, NACCS_MSG_AUTHENTICATE, "abcde-002", AT_GOOD, &wait) != -2)
		return 74;
	told = wait;
	if (ask(fd, NACCS_MSG_ACCOUNT, ME, NULL, &wait) != NACCS_OUT_ALLOW)
		return 75;
	usleep((told + 100) * 1000); /* the wait it was told */
	if (ask(fd, NACCS_MSG_AUTHENTICATE, ME, AT_GOOD, &wait) != NACCS_OUT_ALLOW)
		return 76;
	close(fd);
	return 100 + wrong;
}

static void test_rate_limit(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m;
	uint32_t uid;
	int st, fd;

	if (!need_root(f, "3")) {
		skip(); /* # needs root to run as an ID's uid */
		return;
	}
	uid = setup(f, 2);
	fx_start(f);
	st = at_as_uid(f, uid, drain, NULL);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) < 100)
		fail_msg("step %d failed", WEXITSTATUS(st));
	/* Counted: the wrong passwords decided, not the ones refused. */
	assert_int_equal(at_failures(f, ME), WEXITSTATUS(st) - 100);
	assert_int_equal(at_trail_wrong(f, ME), WEXITSTATUS(st) - 100);
	assert_int_equal(at_failures(f, "abcde-002"), 0);
	/* Root peers (sshd) are not limited per uid, for that ID too. */
	m = naccs_msg_new();
	fd = fx_connect_wait(f->sock);
	for (int i = 0; i < 6; i++)
		assert_int_equal(
		    fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, i % 2 ? ME : "abcde-002", AT_GOOD),
		    NACCS_OUT_ALLOW);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_slot_starvation, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_rate_limit, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
