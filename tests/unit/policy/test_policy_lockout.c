/* The lockout rule over the store's persistence verbs (policy/lockout.c,
 * issue 18): a failure locks at exactly deny within the window, once; the
 * failures before a timed lock that ended are spent; a shared ID locks
 * only with deny_shared; a success is recorded only against the state
 * read before the check, and a change meanwhile that bars nothing (another
 * login cleared an ended lock) is no refusal (UTS-2.2.1.1(1)(g)(ウ), (d)). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/secret.h"
#include "policy/lockout.h"
#include "store/store.h"
#include "teststore.h"

#define DL() naccs_deadline_in(10000)
#define T0   1700000000

static int setup(void **state)
{
	struct tst_fx *f;
	int rc = tst_store_setup(state, "policy-lockout");

	if (rc != 0)
		return rc;
	f = *state;
	tst_must_add_id(f->st, "pw", "ABCDE", "001", "abcde-001", NACCS_UID_ALLOCATE, false);
	tst_must_add_shared(f->st, "opsadmin", NACCS_UID_ALLOCATE);
	return 0;
}

static int teardown(void **state)
{
	return tst_store_teardown(state);
}

static void rule_of(struct naccs_lockout_rule *r, bool deny_shared)
{
	naccs_lockout_rule_default(r);
	r->deny = 3;
	r->fail_interval = 900;
	r->unlock_time = 600;
	r->deny_shared = deny_shared;
	r->shared_unlock_time = 0;
}

static struct naccs_login_event at(int64_t t)
{
	struct naccs_login_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.at = t;
	snprintf(ev.service, sizeof(ev.service), "sshd");
	return ev;
}

/* One failure of login at t: whether it took the lock; *after its state. */
static bool fail_at(struct naccs_store *st, const struct naccs_lockout_rule *r, const char *login,
		    int64_t t, struct naccs_account_state *after)
{
	struct naccs_identity id;
	struct naccs_login_event ev = at(t);
	struct naccs_err err;

	assert_int_equal(naccs_store_find(st, DL(), login, &id, &err), 0);
	if (naccs_policy_count_failure(st, DL(), r, &id, &ev, NULL, after, &err) < 0)
		fail_msg("count_failure: %s", err.msg);
	return after->lock_taken;
}

static void state_of(struct naccs_store *st, const char *login, struct naccs_account_state *s)
{
	struct naccs_err err;

	assert_int_equal(naccs_store_get_state(st, DL(), login, s, &err), 0);
}

static void test_lock_at_deny_once_then_spent(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_lockout_rule r;
	struct naccs_account_state a;

	rule_of(&r, true);
	assert_false(fail_at(f->st, &r, "abcde-001", T0, &a));
	assert_false(fail_at(f->st, &r, "abcde-001", T0 + 1, &a));
	assert_true(fail_at(f->st, &r, "abcde-001", T0 + 2, &a));
	assert_true(a.locked);
	assert_int_equal(a.lock_until, T0 + 2 + 600);
	assert_string_equal(a.lock_reason, NACCS_LOCKOUT_REASON);
	/* In force: counted, no second lock. */
	assert_false(fail_at(f->st, &r, "abcde-001", T0 + 3, &a));
	assert_int_equal(a.lock_until, T0 + 602);
	/* Ended at T0 + 602: the failures before it are spent, so the
	 * third after it locks again, not the first. */
	assert_false(fail_at(f->st, &r, "abcde-001", T0 + 700, &a));
	assert_false(fail_at(f->st, &r, "abcde-001", T0 + 701, &a));
	assert_true(fail_at(f->st, &r, "abcde-001", T0 + 702, &a));
	assert_int_equal(a.lock_until, T0 + 702 + 600);
	/* Outside the window: a failure 900 s after the first does not count
	 * it (after the second lock ended). */
	assert_false(fail_at(f->st, &r, "abcde-001", T0 + 1400, &a));
	assert_false(fail_at(f->st, &r, "abcde-001", T0 + 1401, &a));
	assert_true(fail_at(f->st, &r, "abcde-001", T0 + 1402, &a));
}

static void test_shared_only_with_deny_shared(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_lockout_rule r;
	struct naccs_account_state a;

	rule_of(&r, false);
	for (int i = 0; i < 5; i++)
		assert_false(fail_at(f->st, &r, "opsadmin", T0 + i, &a));
	assert_false(a.locked);
	rule_of(&r, true);
	assert_true(fail_at(f->st, &r, "opsadmin", T0 + 10, &a));
	assert_int_equal(a.lock_until, 0); /* shared_unlock_time 0: an administrator */
	/* deny 0: never. */
	r.deny = 0;
	assert_false(fail_at(f->st, &r, "abcde-001", T0, &a));
	assert_false(fail_at(f->st, &r, "abcde-001", T0 + 1, &a));
	assert_false(fail_at(f->st, &r, "abcde-001", T0 + 2, &a));
	assert_false(a.locked);
}

static void test_success_against_state_seen(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_lockout_rule r;
	struct naccs_account_state a, seen, before;
	struct naccs_login_event ev = at(T0 + 1000);
	struct naccs_err err;

	rule_of(&r, true);
	for (int i = 0; i < 3; i++)
		fail_at(f->st, &r, "abcde-001", T0 + i, &a);
	assert_true(a.locked);
	/* Two logins read the state (the timed lock over at T0 + 1000); the
	 * first clears the lock, the second's state changed meanwhile but
	 * nothing bars it: recorded too. */
	state_of(f->st, "abcde-001", &seen);
	assert_int_equal(naccs_policy_note_success(f->st, DL(), &r, "abcde-001", &ev, &seen, NULL,
						   &before, &err),
			 0);
	state_of(f->st, "abcde-001", &a);
	assert_false(a.locked);
	assert_int_equal(naccs_policy_note_success(f->st, DL(), &r, "abcde-001", &ev, &seen, NULL,
						   &before, &err),
			 0);
	/* Suspended during the check: refused, nothing written. */
	state_of(f->st, "abcde-001", &seen);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_SUSPENDED, true,
					      "leaked", "admin1", &err),
			 0);
	assert_int_equal(naccs_policy_note_success(f->st, DL(), &r, "abcde-001", &ev, &seen, NULL,
						   &before, &err),
			 -ECANCELED);
	assert_true(before.suspended);
	naccs_wipe(&seen, sizeof(seen));
	naccs_wipe(&a, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lock_at_deny_once_then_spent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shared_only_with_deny_shared, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_success_against_state_seen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
