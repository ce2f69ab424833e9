/* The audit trail and the disk (issue #10, UTS-2.2.1.4(1)(b)):
 *  - [audit] warn_free_space warns at LOG_ALERT while the file system of
 *    the trail has less free space than the threshold, and not otherwise
 *    (thresholds chosen around the test file system's own free space);
 *  - a full disk (a 64 KiB tmpfs mounted as the trail's directory in a
 *    private mount namespace, then filled): a right password is refused
 *    (on_audit_failure = deny) with the syslog line saying why, a wrong
 *    one is still refused and counted, nothing written before is lost and
 *    the trail still verifies with its key; once there is room again,
 *    logins are recorded and allowed;
 *  - a user's password change whose line no longer fits is refused and
 *    the old password stays (#16 item 12).  Needs root for the namespace:
 *    skipped otherwise, with the reason.
 * The policy layer is driven directly (the PAM adapter's mapping of these
 * outcomes is tests/pam/test_audit_pam.c's); syslog is captured by
 * tests/lib/testlog.c. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/trail.h"
#include "config/conf.h"
#include "crypto/hash.h"
#include "policy/policy.h"
#include "base/secret.h"
#include "store/store.h"
#include "testlog.h"
#include "teststore.h"
#include "testutil.h"
#include "audit/key.h"
#include "audit/line.h"
#include "audit/verify.h"

#define DL()	naccs_deadline_in(10000)
#define GOOD_PW "Corr3ct-Horse!"
#define BAD_PW	"Wr0ng-Battery?"
#define NEW_PW	"Zq7#kV2m!pW9rT-x"
#define WARNING "less than"

struct fx {
	char *dir;
	char key[NACCS_AUDIT_MAC_HEX + 1];
	struct naccs_config cfg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp("audit-space");
	tu_config_in(&f->cfg, f->dir, geteuid());
	snprintf(f->cfg.audit_dir, sizeof(f->cfg.audit_dir), "%s/audit", f->dir);
	tl_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree_free(f->dir);
	naccs_wipe(f->key, sizeof(f->key));
	free(f);
	return 0;
}

static void create_trail(struct fx *f)
{
	struct naccs_err err;

	if (naccs_audit_create(&f->cfg, f->key, &err) < 0)
		fail_msg("create: %s", err.msg);
}

static int append(struct fx *f)
{
	struct naccs_event ev = {.type = "admin", .action = "test", .result = "done"};
	struct naccs_err err;

	return naccs_audit_append(&f->cfg, &ev, naccs_now_wall(), &err);
}

/* ---- warn_free_space -------------------------------------------------- */

static void test_warn_free_space(void **state)
{
	struct fx *f = *state;
	struct statvfs vfs;
	struct naccs_err err;
	double free_pct;

	create_trail(f);
	assert_int_equal(statvfs(f->cfg.audit_dir, &vfs), 0);
	if (vfs.f_blocks == 0)
		skip();
	free_pct = 100.0 * (double)vfs.f_bavail / (double)vfs.f_blocks;
	print_message("# the test file system has %.1f%% free\n", free_pct);

	/* A threshold above the free space: the warning, at every append and
	 * when a change asks whether the trail is ready. */
	if (free_pct < 98.0) {
		f->cfg.audit_warn_free_space = (unsigned)free_pct + 2;
		tl_reset();
		assert_int_equal(append(f), 0);
		assert_true(tl_logged(WARNING));
		assert_true(tl_logged("([audit] warn_free_space)"));
		assert_true(tl_logged(f->cfg.audit_dir));
		tl_reset();
		assert_int_equal(naccs_audit_ready(&f->cfg, &err), 0);
		assert_true(tl_logged(WARNING));
	}
	/* Below it: nothing. */
	if (free_pct > 2.0) {
		f->cfg.audit_warn_free_space = (unsigned)free_pct - 1;
		tl_reset();
		assert_int_equal(append(f), 0);
		assert_false(tl_logged(WARNING));
	}
	/* 0 turns the warning off, however full the disk (99: the most). */
	f->cfg.audit_warn_free_space = 0;
	tl_reset();
	assert_int_equal(append(f), 0);
	assert_false(tl_logged(WARNING));
	/* The warning never stops the line. */
	f->cfg.audit_warn_free_space = 99;
	assert_int_equal(append(f), 0);
}

/* ---- a full disk ------------------------------------------------------ */

static bool verified(struct fx *f, uint64_t *lines)
{
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	struct naccs_audit_verdict v;
	struct naccs_err err;
	int rc;

	assert_int_equal(naccs_audit_key_from_hex(f->key, key), 0);
	rc = naccs_audit_verify(f->cfg.audit_dir, key, &v, &err);
	naccs_wipe(key, sizeof(key));
	if (rc == 0 && !v.ok)
		print_message("# verify: %s:%llu: %s\n", v.file, (unsigned long long)v.line, v.why);
	*lines = v.lines;
	return rc == 0 && v.ok;
}

static void add_id(struct fx *f, struct naccs_store *st)
{
	struct naccs_identity id;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX];

	tst_identity(&id, "abcde-001", "ABCDE", "001", NACCS_UID_ALLOCATE, NULL, NULL);
	assert_int_equal(naccs_hash_new(&f->cfg.hash, GOOD_PW, phc, &err), 0);
	if (naccs_store_add_identity(st, DL(), &id, 20000, 29999, phc, false, "test", "test person",
				     &err) < 0)
		fail_msg("add: %s", err.msg);
}

static enum naccs_outcome login(struct fx *f, struct naccs_policy *pol, const char *pw,
				struct naccs_decision *d)
{
	struct naccs_request req = {
	    .service = "naccs-space", .user = "abcde-001", .trail = &f->cfg};
	struct naccs_err err;

	naccs_err_clear(&err);
	return naccs_policy_authenticate(pol, &req, pw, d, &err);
}

static uint32_t failures(struct naccs_policy *pol)
{
	struct naccs_account_state s;
	struct naccs_err err;

	if (naccs_store_get_state(pol->store, DL(), "abcde-001", &s, &err) < 0)
		fail_msg("state: %s", err.msg);
	return s.failures_since_success;
}

static void test_full_disk_denies(void **state)
{
	struct fx *f = *state;
	struct naccs_policy pol;
	struct naccs_decision d;
	char filler[PATH_MAX + 16];
	char *before, *after;
	uint64_t lines = 0, lines_before = 0;
	uint32_t counted;

	/* The trail's directory is a 64 KiB file system of its own, in this
	 * process's namespace only. */
	assert_int_equal(mkdir(f->cfg.audit_dir, 0700), 0);
	tu_private_tmpfs("a full disk", f->cfg.audit_dir, "size=64k,mode=0700");
	create_trail(f);
	f->cfg.audit_warn_free_space = 0; /* only the failure's own lines */
	pol.store = tst_open_store(f->cfg.store_path, geteuid(), true);
	pol.cfg = &f->cfg;
	add_id(f, pol.store);

	/* Room: the login is recorded and allowed. */
	assert_int_equal(login(f, &pol, GOOD_PW, &d), NACCS_OUT_ALLOW);
	assert_int_equal(login(f, &pol, BAD_PW, &d), NACCS_OUT_BAD_CREDENTIALS);
	assert_true(verified(f, &lines_before));
	assert_int_equal(lines_before, 2);

	/* Full.  The month file's last page still has room for a line or
	 * two (as a disk block would): logins go on being recorded until a
	 * line no longer fits, then the next is refused. */
	snprintf(filler, sizeof(filler), "%s/filler", f->cfg.audit_dir);
	tu_fill(filler);
	for (int i = 0;; i++) {
		enum naccs_outcome o;

		assert_true(i < 64);
		before = tu_trail_text(f->cfg.audit_dir);
		tl_reset();
		o = login(f, &pol, GOOD_PW, &d);
		if (o != NACCS_OUT_ALLOW)
			break;
		free(before);
	}
	assert_int_equal(d.outcome, NACCS_OUT_UNAVAILABLE);
	assert_true(d.audit_refused);
	assert_true(verified(f, &lines_before));
	/* The clear syslog lines: the refusal and why. */
	assert_true(tl_logged("auth of 'abcde-001' refused: the audit trail cannot be written "
			      "([audit] on_audit_failure = deny)"));
	assert_true(tl_logged("audit trail unavailable: audit trail: cannot write"));
	/* A wrong password is refused as ever, and counted. */
	counted = failures(&pol);
	assert_int_equal(login(f, &pol, BAD_PW, &d), NACCS_OUT_BAD_CREDENTIALS);
	assert_int_equal(failures(&pol), counted + 1);
	/* Nothing earlier lost, no partial line left, every MAC still checks. */
	after = tu_trail_text(f->cfg.audit_dir);
	assert_string_equal(before, after);
	free(after);
	assert_true(verified(f, &lines));
	assert_int_equal(lines, lines_before);

	/* Room again: recorded and allowed, the chain goes on. */
	assert_int_equal(unlink(filler), 0);
	assert_int_equal(login(f, &pol, GOOD_PW, &d), NACCS_OUT_ALLOW);
	assert_true(verified(f, &lines));
	assert_int_equal(lines, lines_before + 1);
	after = tu_trail_text(f->cfg.audit_dir);
	assert_memory_equal(before, after, strlen(before));
	free(after);
	free(before);
	naccs_store_close(pol.store);
	assert_int_equal(umount(f->cfg.audit_dir), 0);
}

/* A user's own password change on a full disk (#16 item 12): the check
 * found room, the change's line does not fit: the change is refused and
 * the old password stays, rather than a new one the trail never saw. */
static void test_full_disk_password_change(void **state)
{
	struct fx *f = *state;
	struct naccs_request req = {
	    .service = "naccs-space", .user = "abcde-001", .trail = &f->cfg};
	struct naccs_account_state before, after;
	struct naccs_pw_change c;
	struct naccs_policy pol;
	struct naccs_decision d;
	struct naccs_err err;
	char filler[PATH_MAX + 16];
	uint64_t lines = 0;

	assert_int_equal(mkdir(f->cfg.audit_dir, 0700), 0);
	tu_private_tmpfs("a full disk", f->cfg.audit_dir, "size=64k,mode=0700");
	create_trail(f);
	f->cfg.audit_warn_free_space = 0;
	f->cfg.password.min_age_days = 0;
	f->cfg.password.dictionary_check = false;
	pol.store = tst_open_store(f->cfg.store_path, geteuid(), true);
	pol.cfg = &f->cfg;
	add_id(f, pol.store);

	/* The check is recorded while there is room. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(naccs_policy_password_begin(&pol, &req, false, GOOD_PW, &c, &err),
			 NACCS_OUT_ALLOW);
	/* Then the disk fills, to the last line the month file's page takes. */
	snprintf(filler, sizeof(filler), "%s/filler", f->cfg.audit_dir);
	tu_fill(filler);
	for (int i = 0; login(f, &pol, GOOD_PW, &d) == NACCS_OUT_ALLOW; i++)
		assert_true(i < 64);
	assert_true(d.audit_refused);
	assert_int_equal(naccs_store_get_state(pol.store, DL(), "abcde-001", &before, &err), 0);
	assert_int_equal(naccs_policy_password_change(&pol, &req, &c, GOOD_PW, NEW_PW, &err),
			 NACCS_OUT_UNAVAILABLE);
	naccs_pw_change_clear(&c);
	/* Nothing changed: the same hash, and the trail intact. */
	assert_int_equal(naccs_store_get_state(pol.store, DL(), "abcde-001", &after, &err), 0);
	assert_string_equal(before.phc, after.phc);
	naccs_wipe(&before, sizeof(before));
	naccs_wipe(&after, sizeof(after));
	assert_true(verified(f, &lines));
	/* Room again: the change goes through and is a line. */
	assert_int_equal(unlink(filler), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(naccs_policy_password_begin(&pol, &req, false, GOOD_PW, &c, &err),
			 NACCS_OUT_ALLOW);
	assert_int_equal(naccs_policy_password_change(&pol, &req, &c, GOOD_PW, NEW_PW, &err),
			 NACCS_OUT_ALLOW);
	naccs_pw_change_clear(&c);
	assert_int_equal(login(f, &pol, NEW_PW, &d), NACCS_OUT_ALLOW);
	assert_true(verified(f, &lines));
	naccs_store_close(pol.store);
	assert_int_equal(umount(f->cfg.audit_dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_warn_free_space, setup, teardown),
	    /* Last: it leaves this process in a mount namespace of its own. */
	    cmocka_unit_test_setup_teardown(test_full_disk_denies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_full_disk_password_change, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
