/* The registry rules of the store (#8, schema 6): one active individual
 * ID per person (UTS-2.2.1.3(2)(g)(ア)) checked in the issuing
 * transaction, a recorded reason for a second one, the staff number set
 * later under the same rule, a shared ID's approval reference
 * (UTS-2.2.1.3(2)(b)) kept for good, every change a registry line
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
#include <sqlite3.h>

#include "store/store.h"
#include "store/sqlite/schema.h"
#include "teststore.h"

#define DL()   naccs_deadline_in(10000)
#define PHC    "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA"
#define ACTOR  "admin1"
#define STAFF1 "E-1001"

static int setup(void **state)
{
	return tst_store_setup(state, "store-registry");
}

static int teardown(void **state)
{
	return tst_store_teardown(state);
}

/* Issue an individual ID CODE-NUMBER with a staff number (NULL: none) and
 * a reason for a second ID (NULL: none); -errno. */
static int add_person(struct naccs_store *st, const char *code, const char *number,
		      const char *staff, const char *reason, struct naccs_err *err)
{
	struct naccs_identity id;

	memset(&id, 0, sizeof(id));
	snprintf(id.login, sizeof(id.login), "%s-%s", code, number);
	for (char *p = id.login; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(id.user_code, sizeof(id.user_code), "%s", code);
	snprintf(id.id_number, sizeof(id.id_number), "%s", number);
	id.kind = NACCS_KIND_INDIVIDUAL;
	id.uid = NACCS_UID_ALLOCATE;
	id.gid = 100;
	snprintf(id.home, sizeof(id.home), "/home/%s", id.login);
	if (staff != NULL)
		snprintf(id.staff_number, sizeof(id.staff_number), "%s", staff);
	if (reason != NULL)
		snprintf(id.second_id_reason, sizeof(id.second_id_reason), "%s", reason);
	return naccs_store_add_identity(st, DL(), &id, 20000, 29999, PHC, true, ACTOR, "person",
					err);
}

struct reg {
	char lines[16][NACCS_TEXT_MAX + 128];
	int n;
};

static int collect(void *ctx, const struct naccs_registry_entry *e)
{
	struct reg *r = ctx;

	if (r->n < 16)
		snprintf(r->lines[r->n++], sizeof(r->lines[0]), "%s|%s|%s", e->event, e->by,
			 e->detail);
	return 0;
}

static bool has_line(struct naccs_store *st, const char *login, const char *line)
{
	struct reg r = {.n = 0};
	struct naccs_err err;

	assert_int_equal(naccs_store_registry(st, DL(), login, collect, &r, &err), 0);
	for (int i = 0; i < r.n; i++)
		if (strcmp(r.lines[i], line) == 0)
			return true;
	return false;
}

/* UTS-2.2.1.3(2)(g)(ア): a second active individual ID of one person is
 * refused at issue, naming the first; nothing of it is written. */
static void test_second_id_refused(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_identity id;
	struct naccs_err err;

	assert_int_equal(add_person(f->st, "ABCDE", "001", STAFF1, NULL, &err), 0);
	assert_int_equal(add_person(f->st, "ABCDE", "002", STAFF1, NULL, &err), -ENOTUNIQ);
	assert_non_null(strstr(err.msg, "abcde-001"));
	assert_non_null(strstr(err.msg, STAFF1));
	assert_false(naccs_err_is_unavailable(-ENOTUNIQ));
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-002", &id, &err), -ENOENT);
	/* Another person, or no staff number at all: issued. */
	assert_int_equal(add_person(f->st, "ABCDE", "003", "E-1002", NULL, &err), 0);
	assert_int_equal(add_person(f->st, "ABCDE", "004", NULL, NULL, &err), 0);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-001", &id, &err), 0);
	assert_string_equal(id.staff_number, STAFF1);
}

/* With a reason the second ID is issued; the reason is kept with it and
 * in the registry. */
static void test_second_id_with_reason(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_identity id;
	struct naccs_err err;

	assert_int_equal(add_person(f->st, "ABCDE", "001", STAFF1, NULL, &err), 0);
	assert_int_equal(add_person(f->st, "ABCDE", "002", STAFF1, "dual role until March", &err),
			 0);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-002", &id, &err), 0);
	assert_string_equal(id.staff_number, STAFF1);
	assert_string_equal(id.second_id_reason, "dual role until March");
	assert_true(has_line(f->st, "abcde-002",
			     "second-id-allowed|" ACTOR "|" STAFF1 ": dual role until March"));
	/* A third one still needs its own reason. */
	assert_int_equal(add_person(f->st, "ABCDE", "003", STAFF1, NULL, &err), -ENOTUNIQ);
}

/* A retired ID no longer counts: the person may be issued a new one. */
static void test_retired_id_does_not_count(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_err err;

	assert_int_equal(add_person(f->st, "ABCDE", "001", STAFF1, NULL, &err), 0);
	assert_int_equal(naccs_store_retire(f->st, DL(), "abcde-001", "left", ACTOR, &err), 0);
	assert_int_equal(add_person(f->st, "ABCDE", "002", STAFF1, NULL, &err), 0);
}

/* A staff number is a person's: never on a shared ID; bad text refused. */
static void test_staff_number_domain(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_identity id;
	struct naccs_err err;

	memset(&id, 0, sizeof(id));
	snprintf(id.login, sizeof(id.login), "ops");
	id.kind = NACCS_KIND_SHARED;
	id.uid = NACCS_UID_ALLOCATE;
	id.gid = 100;
	snprintf(id.home, sizeof(id.home), "/home/ops");
	snprintf(id.staff_number, sizeof(id.staff_number), "%s", STAFF1);
	assert_int_equal(
	    naccs_store_add_identity(f->st, DL(), &id, 20000, 29999, PHC, true, ACTOR, "x", &err),
	    -EINVAL);
	assert_int_equal(add_person(f->st, "ABCDE", "001", "E\n1", NULL, &err), -EINVAL);
	assert_int_equal(add_person(f->st, "ABCDE", "001", " E1", NULL, &err), -EINVAL);
	assert_int_equal(add_person(f->st, "ABCDE", "001", "E:1", NULL, &err), -EINVAL);
	assert_false(naccs_store_staff_number_ok(""));
	assert_false(naccs_store_staff_number_ok("123456789012345678901234567890123"));
	assert_true(naccs_store_staff_number_ok("12345678901234567890123456789012"));
	assert_true(naccs_store_staff_number_ok("職員-0001"));
}

/* The staff number set later: the same rule, a registry line with the old
 * and new number. */
static void test_set_staff_number(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_identity id;
	struct naccs_err err;

	assert_int_equal(add_person(f->st, "ABCDE", "001", STAFF1, NULL, &err), 0);
	assert_int_equal(add_person(f->st, "ABCDE", "002", NULL, NULL, &err), 0);
	assert_int_equal(
	    naccs_store_set_staff_number(f->st, DL(), "abcde-002", STAFF1, NULL, ACTOR, &err),
	    -ENOTUNIQ);
	assert_non_null(strstr(err.msg, "abcde-001"));
	assert_int_equal(
	    naccs_store_set_staff_number(f->st, DL(), "abcde-002", "E-2000", NULL, ACTOR, &err), 0);
	assert_true(has_line(f->st, "abcde-002", "staff-number-set|" ACTOR "|- -> E-2000"));
	/* Its own number again is no clash with itself. */
	assert_int_equal(
	    naccs_store_set_staff_number(f->st, DL(), "abcde-002", "E-2000", NULL, ACTOR, &err), 0);
	assert_int_equal(
	    naccs_store_set_staff_number(f->st, DL(), "abcde-002", STAFF1, "merger", ACTOR, &err),
	    0);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-002", &id, &err), 0);
	assert_string_equal(id.staff_number, STAFF1);
	assert_string_equal(id.second_id_reason, "merger");
	assert_true(has_line(f->st, "abcde-002", "second-id-allowed|" ACTOR "|" STAFF1 ": merger"));
	/* Not on a shared ID, a retired one, or one that does not exist. */
	tst_must_add_shared(f->st, "ops", NACCS_UID_ALLOCATE);
	assert_int_equal(
	    naccs_store_set_staff_number(f->st, DL(), "ops", "E-3000", NULL, ACTOR, &err), -EINVAL);
	assert_int_equal(naccs_store_retire(f->st, DL(), "abcde-001", "left", ACTOR, &err), 0);
	assert_int_equal(
	    naccs_store_set_staff_number(f->st, DL(), "abcde-001", "E-3000", NULL, ACTOR, &err),
	    -EINVAL);
	assert_int_equal(
	    naccs_store_set_staff_number(f->st, DL(), "nobody", "E-3000", NULL, ACTOR, &err),
	    -ENOENT);
	assert_int_equal(
	    naccs_store_set_staff_number(f->st, DL(), "abcde-002", "E\t1", NULL, ACTOR, &err),
	    -EINVAL);
}

/* UTS-2.2.1.3(2)(b): a shared ID's approval reference is stored with it,
 * has a registry line, and the database refuses to change it. */
static void test_shared_approval_kept(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_identity id;
	struct naccs_err err;
	char path[PATH_MAX];
	sqlite3 *db;
	int rc;

	memset(&id, 0, sizeof(id));
	snprintf(id.login, sizeof(id.login), "opsroot");
	id.kind = NACCS_KIND_SHARED;
	id.admin = true;
	id.uid = NACCS_UID_ALLOCATE;
	id.gid = 100;
	snprintf(id.home, sizeof(id.home), "/home/opsroot");
	snprintf(id.approval, sizeof(id.approval), "SSO-2026-014");
	assert_int_equal(
	    naccs_store_add_identity(f->st, DL(), &id, 20000, 29999, PHC, true, ACTOR, "ops", &err),
	    0);
	assert_int_equal(naccs_store_find(f->st, DL(), "opsroot", &id, &err), 0);
	assert_string_equal(id.approval, "SSO-2026-014");
	assert_true(has_line(f->st, "opsroot", "shared-approved|" ACTOR "|SSO-2026-014"));
	/* An approval on an individual ID is refused. */
	memset(&id, 0, sizeof(id));
	assert_int_equal(add_person(f->st, "ABCDE", "001", NULL, NULL, &err), 0);
	assert_int_equal(naccs_store_find(f->st, DL(), "abcde-001", &id, &err), 0);
	snprintf(id.login, sizeof(id.login), "abcde-009");
	snprintf(id.id_number, sizeof(id.id_number), "009");
	snprintf(id.approval, sizeof(id.approval), "X");
	id.uid = NACCS_UID_ALLOCATE;
	assert_int_equal(
	    naccs_store_add_identity(f->st, DL(), &id, 20000, 29999, PHC, true, ACTOR, "x", &err),
	    -EINVAL);

	snprintf(path, sizeof(path), "%s/naccs.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, "UPDATE identities SET approval = 'forged' WHERE login = 'opsroot'",
			  NULL, NULL, NULL);
	assert_int_not_equal(rc, SQLITE_OK);
	/* The schema's own checks: no staff number on a shared row. */
	rc = sqlite3_exec(db, "UPDATE identities SET staff_number = 'E1' WHERE login = 'opsroot'",
			  NULL, NULL, NULL);
	assert_int_not_equal(rc, SQLITE_OK);
	sqlite3_close(db);
}

static void test_schema_version_6(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_err err;
	int version = 0;

	assert_int_equal(naccs_store_schema_version(f->st, DL(), &version, &err), 0);
	assert_true(version >= 6); /* and later versions keep it */
	assert_int_equal(version, NACCS_SQLITE_SCHEMA_VERSION);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_second_id_refused),	       T(test_second_id_with_reason),
	    T(test_retired_id_does_not_count), T(test_staff_number_domain),
	    T(test_set_staff_number),	       T(test_shared_approval_kept),
	    T(test_schema_version_6),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
