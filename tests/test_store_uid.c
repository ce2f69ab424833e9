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

#include "naccs_store.h"
#include "testutil.h"

#define DL() naccs_deadline_in(10000)

struct fx {
	char *dir;
	struct naccs_store *st;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct naccs_store_options opt = {
	    .owner_uid = getuid(), .timeout_ms = 5000, .create = true};
	char path[PATH_MAX];
	struct naccs_err err;

	assert_non_null(f);
	f->dir = tu_mkdtemp("store-uid");
	snprintf(path, sizeof(path), "%s/naccs.db", f->dir);
	opt.path = path;
	if (naccs_store_open(&opt, &f->st, &err) < 0)
		fail_msg("open %s: %s", path, err.msg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	naccs_store_close(f->st);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static int add(struct naccs_store *st, const char *login, uint32_t uid, struct naccs_err *err)
{
	struct naccs_identity id;

	memset(&id, 0, sizeof(id));
	snprintf(id.login, sizeof(id.login), "%s", login);
	id.kind = NACCS_KIND_SHARED;
	id.uid = uid;
	id.gid = 100;
	snprintf(id.home, sizeof(id.home), "/home/%s", login);
	snprintf(id.shell, sizeof(id.shell), "/bin/bash");
	return naccs_store_add_identity(st, DL(), &id, 20000, 29999,
					"$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", true,
					"admin1", "test", err);
}

static void must_add(struct naccs_store *st, const char *login, uint32_t uid)
{
	struct naccs_err err;

	if (add(st, login, uid, &err) < 0)
		fail_msg("add %s: %s", login, err.msg);
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
	struct fx *f = *state;

	assert_int_equal(next_free(f->st, 20000, 29999), 20000);
	assert_int_equal(next_free(f->st, 25000, 29999), 25000);
	assert_int_equal(next_free(f->st, 29999, 29999), 29999);
}

static void test_skips_used_uids(void **state)
{
	struct fx *f = *state;
	struct naccs_err err;

	must_add(f->st, "u20000", 20000);
	must_add(f->st, "u20001", 20001);
	must_add(f->st, "u20003", 20003);
	must_add(f->st, "u20010", 20010);
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
	struct fx *f = *state;
	struct naccs_err err;
	uint32_t uid = 7;

	must_add(f->st, "u29998", 29998);
	must_add(f->st, "u29999", 29999);
	assert_int_equal(naccs_store_next_free_uid(f->st, DL(), 29998, 29999, &uid, &err), -ENOSPC);
	assert_int_equal(err.code, ENOSPC);
	assert_int_equal(uid, 7);
	assert_int_equal(naccs_store_next_free_uid(f->st, DL(), 29999, 29999, &uid, &err), -ENOSPC);
	assert_int_equal(next_free(f->st, 29997, 29999), 29997);
}

static void test_bad_arguments(void **state)
{
	struct fx *f = *state;
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
	struct fx *f = *state;
	struct naccs_err err;
	uint32_t uid = next_free(f->st, 20000, 29999);

	must_add(f->st, "first", uid);
	assert_int_equal(add(f->st, "second", uid, &err), -EEXIST);
	assert_int_equal(next_free(f->st, uid, 29999), uid + 1);
	must_add(f->st, "second", uid + 1);
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
