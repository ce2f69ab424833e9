/* Groups in the store (#8): a group is issued like an identity, never
 * twice (UTS-2.2.1.3(2)(g)(ウ)): its name (any case) and gid stay taken
 * after it is deleted (a tombstone); an allocated gid is the lowest no
 * group ever had; memberships come and go, each change a registry line
 * (UTS-2.2.1.3(2)(g)(イ)). */
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
	return tst_store_setup(state, "store-group");
}

static int teardown(void **state)
{
	return tst_store_teardown(state);
}

static int gadd(struct naccs_store *st, const char *name, uint32_t gid, struct naccs_group *out,
		struct naccs_err *err)
{
	struct naccs_group g;

	memset(&g, 0, sizeof(g));
	snprintf(g.name, sizeof(g.name), "%s", name);
	g.gid = gid;
	if (naccs_store_group_add(st, DL(), &g, 30000, 30009, "admin1", err) < 0)
		return -err->code;
	if (out != NULL)
		*out = g;
	return 0;
}

static void test_gid_allocation_never_reissued(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_group g;
	struct naccs_err err;
	uint32_t gid = 0;

	assert_int_equal(gadd(f->st, "wheel-naccs", NACCS_GID_ALLOCATE, &g, &err), 0);
	assert_int_equal(g.gid, 30000);
	assert_int_equal(gadd(f->st, "ops", NACCS_GID_ALLOCATE, &g, &err), 0);
	assert_int_equal(g.gid, 30001);
	assert_int_equal(gadd(f->st, "fixed", 30005, &g, &err), 0);
	/* Deleted: a tombstone; neither its gid nor its name comes back. */
	assert_int_equal(naccs_store_group_del(f->st, DL(), "ops", "gone", "admin1", &err), 0);
	assert_int_equal(naccs_store_group_del(f->st, DL(), "ops", "again", "admin1", &err),
			 -EALREADY);
	assert_int_equal(gadd(f->st, "other", NACCS_GID_ALLOCATE, &g, &err), 0);
	assert_int_equal(g.gid, 30002);
	assert_int_equal(gadd(f->st, "ops2", 30001, NULL, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "now deleted"));
	assert_int_equal(gadd(f->st, "OPS", NACCS_GID_ALLOCATE, NULL, &err), -EEXIST);
	assert_int_equal(gadd(f->st, "ops", 30008, NULL, &err), -EEXIST);
	assert_int_equal(naccs_store_next_free_gid(f->st, DL(), 30005, 30009, &gid, &err), 0);
	assert_int_equal(gid, 30006);
	assert_int_equal(naccs_store_group_find(f->st, DL(), "ops", &g, &err), 0);
	assert_true(g.deleted);
	assert_int_equal(g.gid, 30001);
	assert_int_equal(naccs_store_group_find(f->st, DL(), "nope", &g, &err), -ENOENT);
	/* gid 0 is never issued; a bad name is refused before the store. */
	assert_int_equal(gadd(f->st, "rootish", 0, NULL, &err), -EINVAL);
	assert_int_equal(gadd(f->st, "bad name", NACCS_GID_ALLOCATE, NULL, &err), -EINVAL);
}

static int count_reg(void *ctx, const struct naccs_registry_entry *e)
{
	if (strncmp(e->event, "group-member-", 13) == 0)
		(*(int *)ctx)++;
	return 0;
}

static int collect(void *ctx, const char *login)
{
	strncat((char *)ctx, login, 63 - strlen((char *)ctx));
	strncat((char *)ctx, ",", 63 - strlen((char *)ctx));
	return 0;
}

static void test_members(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_err err;
	char seen[64] = "";
	bool member = false;
	int n = 0;

	tst_must_add_shared(f->st, "alice", NACCS_UID_ALLOCATE);
	tst_must_add_shared(f->st, "bob", NACCS_UID_ALLOCATE);
	assert_int_equal(gadd(f->st, "wheel-naccs", NACCS_GID_ALLOCATE, NULL, &err), 0);
	assert_int_equal(
	    naccs_store_group_member(f->st, DL(), "wheel-naccs", "alice", true, "admin1", &err), 0);
	assert_int_equal(
	    naccs_store_group_member(f->st, DL(), "wheel-naccs", "alice", true, "admin1", &err),
	    -EEXIST);
	assert_int_equal(
	    naccs_store_group_member(f->st, DL(), "wheel-naccs", "bob", true, "admin1", &err), 0);
	assert_int_equal(
	    naccs_store_group_member(f->st, DL(), "wheel-naccs", "carol", true, "admin1", &err),
	    -ENOENT);
	assert_int_equal(
	    naccs_store_group_member(f->st, DL(), "nogroup", "bob", true, "admin1", &err), -ENOENT);
	assert_int_equal(
	    naccs_store_group_has_member(f->st, DL(), "wheel-naccs", "bob", &member, &err), 0);
	assert_true(member);
	/* Every member, not only the first (a regression found by #9). */
	assert_int_equal(naccs_store_group_members(f->st, DL(), "wheel-naccs", collect, seen, &err),
			 0);
	assert_string_equal(seen, "alice,bob,");
	seen[0] = '\0';
	assert_int_equal(
	    naccs_store_group_member(f->st, DL(), "wheel-naccs", "bob", false, "admin1", &err), 0);
	assert_int_equal(
	    naccs_store_group_member(f->st, DL(), "wheel-naccs", "bob", false, "admin1", &err),
	    -EALREADY);
	assert_int_equal(
	    naccs_store_group_has_member(f->st, DL(), "wheel-naccs", "bob", &member, &err), 0);
	assert_false(member);
	assert_int_equal(naccs_store_group_members(f->st, DL(), "wheel-naccs", collect, seen, &err),
			 0);
	assert_string_equal(seen, "alice,");
	/* Deleting the group ends the memberships, each with its line. */
	assert_int_equal(naccs_store_group_del(f->st, DL(), "wheel-naccs", "", "admin1", &err), 0);
	assert_int_equal(
	    naccs_store_group_has_member(f->st, DL(), "wheel-naccs", "alice", &member, &err), 0);
	assert_false(member);
	assert_int_equal(
	    naccs_store_group_member(f->st, DL(), "wheel-naccs", "bob", true, "admin1", &err),
	    -EINVAL);
	assert_int_equal(naccs_store_registry(f->st, DL(), NULL, count_reg, &n, &err), 0);
	/* alice added, bob added, bob removed, alice removed with the group */
	assert_int_equal(n, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_gid_allocation_never_reissued, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_members, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
