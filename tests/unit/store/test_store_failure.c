/* The store's failure and success verbs (issue 18: persistence verbs, the
 * rules above them): the exact count in a window, the lock taken as data
 * asks (a compare-and-set: one taker), idempotent writes keyed by the
 * request id, the compare-and-set of a success and of a session step,
 * failure pages (UTS-2.2.1.1(1)(g)(イ), (ウ), (d)). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/secret.h"
#include "store/store.h"
#include "testdb.h"
#include "teststore.h"

#define DL()  naccs_deadline_in(10000)
#define T0    1700000000
#define LOGIN "abcde-001"

static int setup(void **state)
{
	struct tst_fx *f;
	int rc = tst_store_setup(state, "store-failure");

	if (rc != 0)
		return rc;
	f = *state;
	tst_must_add_id(f->st, "pw", "ABCDE", "001", LOGIN, NACCS_UID_ALLOCATE, false);
	tst_must_add_id(f->st, "pw", "ABCDE", "002", "abcde-002", NACCS_UID_ALLOCATE, false);
	return 0;
}

static int teardown(void **state)
{
	return tst_store_teardown(state);
}

static void store_path(const struct tst_fx *f, char out[PATH_MAX])
{
	snprintf(out, PATH_MAX, "%s/naccs.db", f->dir);
}

static int64_t raw_int(const struct tst_fx *f, const char *sql)
{
	char path[PATH_MAX];
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	store_path(f, path);
	db = tdb_open(path);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static struct naccs_login_event at(int64_t t)
{
	struct naccs_login_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.at = t;
	snprintf(ev.service, sizeof(ev.service), "sshd");
	snprintf(ev.tty, sizeof(ev.tty), "ssh");
	snprintf(ev.rhost, sizeof(ev.rhost), "192.0.2.1");
	return ev;
}

static uint32_t append(struct naccs_store *st, const char *login, int64_t t,
		       const struct naccs_failure_write *w, struct naccs_account_state *after)
{
	struct naccs_login_event ev = at(t);
	struct naccs_account_state tmp;
	struct naccs_err err;
	uint32_t count = 99;

	if (after == NULL)
		after = &tmp;
	if (naccs_store_append_failure(st, DL(), login, &ev, w, after, &count, &err) < 0)
		fail_msg("append_failure: %s", err.msg);
	return count;
}

static void stamp_now(struct naccs_store *st, const char *login, struct naccs_state_stamp *out)
{
	struct naccs_account_state s;
	struct naccs_err err;

	assert_int_equal(naccs_store_get_state(st, DL(), login, &s, &err), 0);
	naccs_store_stamp_of(&s, out);
	naccs_wipe(&s, sizeof(s));
}

/* The count is exactly the ID's failures after its last reset within the
 * window (at > ev->at - window) and at or after not_before, the new one
 * included; another ID's failures never count. */
static void test_exact_count_in_window(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_failure_write w = {.window = 300};
	struct naccs_account_state before;
	struct naccs_login_event ev = at(T0 + 500);
	struct naccs_err err;

	assert_int_equal(append(f->st, LOGIN, T0, &w, NULL), 1);
	assert_int_equal(append(f->st, LOGIN, T0 + 100, &w, NULL), 2);
	assert_int_equal(append(f->st, "abcde-002", T0 + 120, &w, NULL), 1);
	assert_int_equal(append(f->st, LOGIN, T0 + 250, &w, NULL), 3);
	/* T0 + 100 is exactly 300 s before: outside; T0 + 250 and this one. */
	assert_int_equal(append(f->st, LOGIN, T0 + 400, &w, NULL), 2);
	/* A floor: failures before T0 + 300 are spent (a lock that ended). */
	w.not_before = T0 + 300;
	assert_int_equal(append(f->st, LOGIN, T0 + 410, &w, NULL), 2);
	/* No window: every failure since the last reset. */
	w.not_before = 0;
	w.window = 0;
	assert_int_equal(append(f->st, LOGIN, T0 + 420, &w, NULL), 6);
	/* A success resets the count. */
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, NULL, &before, &err),
			 0);
	naccs_wipe(&before, sizeof(before));
	assert_int_equal(append(f->st, LOGIN, T0 + 510, &w, NULL), 1);
	/* w NULL: appended, nothing counted. */
	assert_int_equal(append(f->st, LOGIN, T0 + 520, NULL, NULL), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM failures"), 9);
}

/* The lock is taken when the count reaches lock_at and the lock columns
 * are still those given; a stale expectation takes none. */
static void test_lock_as_data_asks(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_failure_write w = {.window = 900,
					.lock_at = 3,
					.lock_for = 600,
					.reason = "too many failed logins",
					.actor = "naccs-auth"};
	struct naccs_account_state after;
	struct naccs_success_write sw = {0};
	struct naccs_state_stamp seen;
	struct naccs_login_event ev = at(T0 + 700);
	struct naccs_err err;

	stamp_now(f->st, LOGIN, &w.expect);
	assert_int_equal(append(f->st, LOGIN, T0, &w, &after), 1);
	assert_false(after.locked);
	assert_int_equal(append(f->st, LOGIN, T0 + 1, &w, &after), 2);
	assert_false(after.lock_taken);
	assert_int_equal(append(f->st, LOGIN, T0 + 2, &w, &after), 3);
	assert_true(after.lock_taken);
	assert_true(after.locked);
	assert_int_equal(after.lock_until, T0 + 2 + 600);
	assert_string_equal(after.lock_reason, "too many failed logins");
	/* The same expectation again (another attempt read the state before
	 * the lock): counted, but the lock is not taken twice. */
	assert_int_equal(append(f->st, LOGIN, T0 + 3, &w, &after), 4);
	assert_false(after.lock_taken);
	assert_int_equal(after.lock_until, T0 + 2 + 600);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM registry WHERE event = 'locked' AND "
				    "detail = 'too many failed logins: 3 within 900s, until "
				    "1700000602' AND actor = 'naccs-auth'"),
			 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM registry WHERE event = 'locked'"), 1);
	/* A success against the locked state read now clears the lock when
	 * asked (the caller found it over). */
	stamp_now(f->st, LOGIN, &seen);
	sw.expect = &seen;
	sw.clear_lock = true;
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, &sw, &after, &err), 0);
	assert_true(after.locked); /* the state before */
	stamp_now(f->st, LOGIN, &seen);
	assert_false(seen.locked);
	assert_int_equal(seen.lock_until, 0);
	/* lock_at 0: never. */
	w.lock_at = 0;
	for (int i = 0; i < 4; i++)
		append(f->st, LOGIN, T0 + 800 + i, &w, &after);
	assert_false(after.locked);
	/* clear_lock without the state it was read in is refused. */
	sw.expect = NULL;
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, &sw, &after, &err),
			 -EINVAL);
}

/* A success whose expectation no longer holds writes nothing and says
 * what the state is now; one that holds is recorded. */
static void test_success_compare_and_set(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_state_stamp seen;
	struct naccs_success_write sw = {.expect = &seen};
	struct naccs_account_state before;
	struct naccs_login_event ev = at(T0 + 10);
	struct naccs_err err;

	append(f->st, LOGIN, T0, NULL, NULL);
	stamp_now(f->st, LOGIN, &seen);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), LOGIN, NACCS_FLAG_LOCKED, true, "phone",
					      "admin1", &err),
			 0);
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, &sw, &before, &err),
			 -ECANCELED);
	assert_true(before.locked);
	assert_string_equal(before.lock_reason, "phone");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM previous_login"), 0);
	/* The failure still counts: nothing was reset. */
	assert_int_equal(raw_int(f, "SELECT failure_mark FROM flags f JOIN identities i ON "
				    "i.id = f.identity WHERE i.login = 'abcde-001'"),
			 0);
	/* Against the state now: recorded. */
	stamp_now(f->st, LOGIN, &seen);
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, &sw, &before, &err),
			 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM previous_login"), 1);
	/* Suspension is compared too. */
	assert_int_equal(naccs_store_set_flag(f->st, DL(), LOGIN, NACCS_FLAG_SUSPENDED, true, "x",
					      "admin1", &err),
			 0);
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, &sw, &before, &err),
			 -ECANCELED);
	assert_true(before.suspended);
}

/* A request id makes a write happen once per ID: the same id again writes
 * nothing and answers as the first time did. */
static void test_request_id_idempotent(void **state)
{
	struct tst_fx *f = *state;
	const uint8_t a[NACCS_REQUEST_ID_LEN] = {1, 2,	3,  4,	5,  6,	7,  8,
						 9, 10, 11, 12, 13, 14, 15, 16};
	const uint8_t b[NACCS_REQUEST_ID_LEN] = {16, 15, 14};
	struct naccs_failure_write w = {
	    .window = 900, .lock_at = 2, .reason = "too many failed logins", .actor = "naccs-auth"};
	struct naccs_success_write sw = {.request_id = a};
	struct naccs_account_state after;
	struct naccs_login_event ev = at(T0 + 100);
	struct naccs_err err;

	stamp_now(f->st, LOGIN, &w.expect);
	w.request_id = a;
	assert_int_equal(append(f->st, LOGIN, T0, &w, &after), 1);
	assert_int_equal(append(f->st, LOGIN, T0 + 1, &w, &after), 1); /* a retry */
	assert_false(after.lock_taken);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM failures"), 1);
	w.request_id = b;
	assert_int_equal(append(f->st, LOGIN, T0 + 2, &w, &after), 2);
	assert_true(after.lock_taken);
	/* Its retry answers the same, lock included, and locks nothing again. */
	assert_int_equal(append(f->st, LOGIN, T0 + 3, &w, &after), 2);
	assert_true(after.lock_taken);
	assert_true(after.locked);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM failures"), 2);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM registry WHERE event = 'locked'"), 1);
	/* The same id on another ID is another request. */
	assert_int_equal(append(f->st, "abcde-002", T0 + 4, &w, &after), 1);
	/* A success once per id: the retry does not reset the count again. */
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, &sw, &after, &err), 0);
	w.request_id = NULL;
	w.lock_at = 0;
	assert_int_equal(append(f->st, LOGIN, T0 + 101, &w, NULL), 1);
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, &sw, &after, &err), 0);
	assert_int_equal(append(f->st, LOGIN, T0 + 102, &w, NULL), 2);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM success_requests"), 1);
}

/* Concurrent writers, each expecting the ID unlocked: every failure
 * counted once with its own exact count, and exactly one lock. */
#define CHILDREN 4
#define ATTEMPTS 10

static int child(const char *path, struct naccs_failure_write w)
{
	struct naccs_store *st = tst_open_store(path, getuid(), false);
	int took = 0;

	for (int i = 0; i < ATTEMPTS; i++) {
		struct naccs_account_state after;
		struct naccs_login_event ev = at(T0 + i);
		struct naccs_err err;

		if (naccs_store_append_failure(st, naccs_deadline_in(20000), LOGIN, &ev, &w, &after,
					       NULL, &err) < 0)
			return 100;
		took += after.lock_taken ? 1 : 0;
	}
	naccs_store_close(st);
	return took;
}

static void test_concurrent_one_lock(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_failure_write w = {
	    .window = 0, .lock_at = 7, .reason = "too many failed logins", .actor = "naccs-auth"};
	char path[PATH_MAX];
	pid_t pids[CHILDREN];
	int took = 0;

	stamp_now(f->st, LOGIN, &w.expect);
	store_path(f, path);
	naccs_store_close(f->st); /* no SQLite handle crosses a fork */
	f->st = NULL;
	for (int i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(child(path, w));
	}
	for (int i = 0; i < CHILDREN; i++) {
		int status = 0;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_true(WEXITSTATUS(status) <= 1);
		took += WEXITSTATUS(status);
	}
	f->st = tst_open_store(path, getuid(), false);
	assert_int_equal(took, 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM failures"), CHILDREN * ATTEMPTS);
	/* Each write saw the ones before it: the counts are 1..N, once each. */
	assert_int_equal(raw_int(f, "SELECT count(DISTINCT counted) FROM failures"),
			 CHILDREN * ATTEMPTS);
	assert_int_equal(raw_int(f, "SELECT max(counted) FROM failures"), CHILDREN * ATTEMPTS);
	assert_int_equal(raw_int(f, "SELECT counted FROM failures WHERE took_lock = 1"), 7);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM registry WHERE event = 'locked'"), 1);
}

/* Failures a page at a time, oldest first, since a time. */
static void test_failure_pages(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_failure_cursor cur = {0, 0};
	struct naccs_login_event page[2];
	struct naccs_err err;
	size_t n = 9;

	for (int i = 0; i < 5; i++)
		append(f->st, LOGIN, T0 + 10 * (5 - i), NULL, NULL); /* newest first */
	append(f->st, LOGIN, T0 + 30, NULL, NULL);		     /* same time, later row */
	assert_int_equal(
	    naccs_store_failure_page(f->st, DL(), LOGIN, T0 + 20, &cur, page, 2, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(page[0].at, T0 + 20);
	assert_int_equal(page[1].at, T0 + 30);
	assert_int_equal(
	    naccs_store_failure_page(f->st, DL(), LOGIN, T0 + 20, &cur, page, 2, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(page[0].at, T0 + 30); /* the second row at T0 + 30 */
	assert_int_equal(page[1].at, T0 + 40);
	assert_int_equal(
	    naccs_store_failure_page(f->st, DL(), LOGIN, T0 + 20, &cur, page, 2, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(page[0].at, T0 + 50);
	assert_string_equal(page[0].service, "sshd");
	assert_int_equal(
	    naccs_store_failure_page(f->st, DL(), LOGIN, T0 + 20, &cur, page, 2, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	    naccs_store_failure_page(f->st, DL(), "nobody", 0, &cur, page, 2, &n, &err), -ENOENT);
	assert_int_equal(naccs_store_failure_page(f->st, DL(), LOGIN, 0, &cur, page, 0, &n, &err),
			 -EINVAL);
}

struct seen {
	int n;
	int64_t last;
	bool ordered;
};

static int count_cb(void *ctx, const struct naccs_login_event *ev)
{
	struct seen *c = ctx;

	c->ordered = c->ordered && ev->at >= c->last;
	c->last = ev->at;
	return ++c->n == 1000; /* stop: never reached here */
}

/* naccs_store_failures reads page after page: all of them, oldest first. */
static void test_failures_every_page(void **state)
{
	struct tst_fx *f = *state;
	struct seen c = {0, 0, true};
	struct naccs_err err;

	for (int i = 0; i < 70; i++)
		append(f->st, LOGIN, T0 + (i * 37) % 70, NULL, NULL);
	assert_int_equal(naccs_store_failures(f->st, DL(), LOGIN, 0, count_cb, &c, &err), 0);
	assert_int_equal(c.n, 70);
	assert_true(c.ordered);
	c = (struct seen){0, 0, true};
	assert_int_equal(naccs_store_failures(f->st, DL(), LOGIN, T0 + 5, count_cb, &c, &err), 0);
	assert_int_equal(c.n, 65);
}

/* A session step writes only against the note it read: a note changed
 * meanwhile (another step of the same ID) is -ESTALE, nothing written. */
static void test_session_write_compare_and_set(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_login_note note, other, after;
	struct naccs_account_state before;
	struct naccs_login_event ev = at(T0 + 10);
	struct naccs_err err;

	append(f->st, LOGIN, T0, NULL, NULL);
	assert_int_equal(naccs_store_record_success(f->st, DL(), LOGIN, &ev, NULL, &before, &err),
			 0);
	assert_int_equal(naccs_store_login_note(f->st, DL(), LOGIN, &note, &err), 0);
	assert_true(note.exists);
	assert_int_equal(note.pending, 1);
	assert_int_equal(note.recorded_at, T0 + 10);
	other = note;
	assert_int_equal(naccs_store_session_write(f->st, DL(), LOGIN, &ev, &note, NACCS_NOTE_MARK,
						   2, &after, &err),
			 0);
	assert_int_equal(after.pending, 2);
	/* The other step read pending 1: refused, the note stays as written. */
	assert_int_equal(naccs_store_session_write(f->st, DL(), LOGIN, &ev, &other,
						   NACCS_NOTE_COUNT, 0, &after, &err),
			 -ESTALE);
	assert_int_equal(naccs_store_login_note(f->st, DL(), LOGIN, &note, &err), 0);
	assert_int_equal(note.pending, 2);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM last_success"), 0);
	/* Counting against the note as it is: the login counts. */
	assert_int_equal(naccs_store_session_write(f->st, DL(), LOGIN, &ev, &note, NACCS_NOTE_COUNT,
						   0, &after, &err),
			 0);
	assert_int_equal(after.pending, 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM last_success"), 1);
	assert_int_equal(naccs_store_session_write(f->st, DL(), LOGIN, &ev, &note, NACCS_NOTE_MARK,
						   7, &after, &err),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_exact_count_in_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_as_data_asks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_success_compare_and_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_request_id_idempotent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_one_lock, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failure_pages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failures_every_page, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_write_compare_and_set, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
