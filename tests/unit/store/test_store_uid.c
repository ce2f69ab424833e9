/* naccs_store_next_free_uid: the lowest uid at or above a start that no
 * identity, retired or not, ever had (an ID is never issued twice,
 * UTS-2.2.1.3(2)(g)(ウ)).  naccsctl picks uids with it, skipping those the
 * system already knows, and add_identity still refuses a uid issued
 * meanwhile. */
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

#include "store/store.h"
#include "teststore.h"

#define DL() naccs_deadline_in(10000)

static int setup(void **state)
{
	return tst_store_setup(state, "store-uid");
}

static int teardown(void **state)
{
	return tst_store_teardown(state);
}

static uint32_t next_free(struct naccs_store *st, uint32_t from, uint32_t max)
{
	struct naccs_err err;
	uint32_t uid = 0;

	if (naccs_store_next_free_uid(st, DL(), from, max, &uid, &err) < 0)
		fail_msg("next_free_uid(%lu, %lu): %s", (unsigned long)from, (unsigned long)max,
			 err.msg);
	return uid;
}

static void test_empty_store(void **state)
{
	struct tst_fx *f = *state;

	assert_int_equal(next_free(f->st, 20000, 29999), 20000);
	assert_int_equal(next_free(f->st, 25000, 29999), 25000);
	assert_int_equal(next_free(f->st, 29999, 29999), 29999);
}

static void test_skips_used_uids(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_err err;

	tst_must_add_shared(f->st, "u20000", 20000);
	tst_must_add_shared(f->st, "u20001", 20001);
	tst_must_add_shared(f->st, "u20003", 20003);
	tst_must_add_shared(f->st, "u20010", 20010);
	assert_int_equal(next_free(f->st, 20000, 29999), 20002);
	assert_int_equal(next_free(f->st, 20001, 29999), 20002);
	assert_int_equal(next_free(f->st, 20002, 29999), 20002);
	assert_int_equal(next_free(f->st, 20003, 29999), 20004);
	assert_int_equal(next_free(f->st, 20010, 29999), 20011);
	/* Used uids below the start do not matter. */
	assert_int_equal(next_free(f->st, 19999, 29999), 19999);

	/* A retired ID keeps its uid for good. */
	assert_int_equal(naccs_store_retire(f->st, DL(), "u20003", "left", "admin1", &err), 0);
	assert_int_equal(next_free(f->st, 20003, 29999), 20004);
}

static void test_range_exhausted(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_err err;
	uint32_t uid = 7;

	tst_must_add_shared(f->st, "u29998", 29998);
	tst_must_add_shared(f->st, "u29999", 29999);
	assert_int_equal(naccs_store_next_free_uid(f->st, DL(), 29998, 29999, &uid, &err), -ENOSPC);
	assert_int_equal(err.code, ENOSPC);
	assert_int_equal(uid, 7);
	assert_int_equal(naccs_store_next_free_uid(f->st, DL(), 29999, 29999, &uid, &err), -ENOSPC);
	assert_int_equal(next_free(f->st, 29997, 29999), 29997);
}

static void test_bad_arguments(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_err err;
	uint32_t uid;

	assert_int_equal(naccs_store_next_free_uid(f->st, DL(), 0, 29999, &uid, &err), -EINVAL);
	assert_int_equal(naccs_store_next_free_uid(f->st, DL(), 30000, 29999, &uid, &err), -EINVAL);
	assert_int_equal(
	    naccs_store_next_free_uid(f->st, DL(), 20000, NACCS_UID_ALLOCATE, &uid, &err), -EINVAL);
	assert_int_equal(naccs_store_next_free_uid(f->st, DL(), 20000, 29999, NULL, &err), -EINVAL);
	assert_int_equal(naccs_store_next_free_uid(NULL, DL(), 20000, 29999, &uid, &err), -EINVAL);
	/* The largest range allowed. */
	assert_int_equal(next_free(f->st, 1, UINT32_MAX - 1), 1);
}

/* A uid picked here and issued meanwhile by someone else is refused by
 * add_identity: the caller tries again from the next one. */
static void test_race_refused_by_add(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_err err;
	uint32_t uid = next_free(f->st, 20000, 29999);

	tst_must_add_shared(f->st, "first", uid);
	assert_int_equal(tst_add_shared(f->st, "second", uid, &err), -EEXIST);
	assert_int_equal(next_free(f->st, uid, 29999), uid + 1);
	tst_must_add_shared(f->st, "second", uid + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_empty_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_skips_used_uids, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_range_exhausted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_race_refused_by_add, setup, teardown),
	};

	return cmocka_run_group_tests_name("naccs_store_next_free_uid", tests, NULL, NULL);
}
