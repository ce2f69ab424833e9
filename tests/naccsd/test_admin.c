/* naccsd's ADMIN requests through its socket (issue 18, docs/NACCSD-PLAN.md
 * step 5; naccsd/decide_admin.c): a lock made through the service refuses
 * the right password and is in the store and the trail, naming naccsd and
 * the administrator's uid; again is "unchanged"; unlock; suspend needs a
 * reason; a reset answers the new one-time password; a retired ID cannot
 * change; an unknown operation and an unknown ID get clear answers; the
 * public index follows each change; an unprivileged peer gets not-allowed
 * and changes nothing; while the store's lock is held exclusively (naccsctl
 * init, upgrade), the service changes and allows nothing; groups. */
#include "config.h"

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
#include "index/map.h"
#include "index/write.h"
#include "policy/admin_lock.h"
#include "policy/outcome.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "store/store.h"
#include "fixture.h"
#include "teststore.h"
#include "testutil.h"

#define GOOD FX_GOOD

/* The IDs of this file have uids of their own (FILE_UID_BASE + number): a
 * test run beside this one that suspends its first ID (uid 20000, the first
 * allocated) ends every process of that uid, this file's peers included. */
#define FILE_UID_BASE 28600u

/* ADMIN op for user (reason unless NULL); the response's admin_result
 * (NULL: an ERROR or no response) in m. */
static const char *admin(int fd, struct naccs_msg *m, const char *op, const char *user,
			 const char *reason)
{
	const char *res;

	if (naccs_msg_start(m, NACCS_MSG_ADMIN, NULL, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_OPERATION, op, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_USER, user, NULL) < 0 ||
	    (reason != NULL && naccs_msg_set_str(m, NACCS_TAG_REASON, reason, NULL) < 0))
		return NULL;
	if (fx_roundtrip(fd, m) < 0 || m->type != (NACCS_MSG_ADMIN | NACCS_PROTO_RESPONSE) ||
	    naccs_msg_get_str(m, NACCS_TAG_ADMIN_RESULT, &res, NULL) < 0)
		return NULL;
	return res;
}

/* ADMIN is for root peers: as another uid, only the refusal can be seen
 * (test_unprivileged). */
static bool not_root(void)
{
	if (geteuid() == 0)
		return false;
	skip(); /* # ADMIN needs a root peer */
	return true;
}

static void expect_outcome(const struct naccs_msg *m, enum naccs_outcome want)
{
	uint32_t o;

	assert_int_equal(naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &o), 0);
	assert_int_equal(o, want);
}

/* A lock through the service: the right password no longer opens the ID;
 * the store holds the lock with its reason and the administrator; the
 * trail line names naccsd and the administrator's uid.  Again: nothing
 * changed.  Typed in the NACCS form, unlocked. */
static void test_lock(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	struct naccs_account_state s;
	const char *login;
	uint32_t uid, got;
	char *text, want[64];
	int fd;

	if (not_root())
		return;
	fx_store_conf(f, 0, 5);
	uid = fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_string_equal(admin(fd, m, "user.lock", "abcde-001", "left the terminal open"),
			    "done");
	expect_outcome(m, NACCS_OUT_ALLOW);
	assert_int_equal(naccs_msg_get_str(m, NACCS_TAG_LOGIN, &login, NULL), 0);
	assert_string_equal(login, "abcde-001");
	assert_int_equal(naccs_msg_get_u32(m, NACCS_TAG_UID, &got), 0);
	assert_int_equal(got, uid);
	s = fx_state_of(f, "abcde-001");
	assert_true(s.locked);
	assert_string_equal(s.lock_reason, "left the terminal open");
	assert_int_not_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD),
			     NACCS_OUT_ALLOW);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-001", NULL), NACCS_OUT_LOCKED);
	text = fx_trail(f);
	assert_non_null(strstr(text, "\"action\":\"lock\""));
	assert_non_null(strstr(text, "\"service\":\"naccsd\""));
	assert_non_null(strstr(text, "\"actor\":\"uid "));
	snprintf(want, sizeof(want), "\"uid\":%lu,\"loginuid\":", (unsigned long)getuid());
	assert_non_null(strstr(text, want)); /* the peer (here: naccsd's uid too) */
	free(text);
	assert_true(fx_log_has(f, "ADMIN user.lock abcde-001 by uid ", 5000));
	assert_string_equal(admin(fd, m, "user.lock", "abcde-001", NULL), "unchanged");
	assert_string_equal(admin(fd, m, "user.unlock", "ABCDE001", NULL), "done");
	assert_false(fx_state_of(f, "abcde-001").locked);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD), NACCS_OUT_ALLOW);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* The public index follows the store after a change (as after naccsctl's). */
static void index_up_to_date(const struct fx *f)
{
	struct naccs_store *st = fx_store_open(f);
	struct naccs_index_stats stats;
	struct naccs_err err;
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", f->dir, NACCS_INDEX_FILE);
	if (naccs_index_check(st, naccs_deadline_in(5000), path, &stats, &err) < 0)
		fail_msg("index %s: %s", path, err.msg);
	naccs_store_close(st);
}

/* Suspend needs a reason; an unknown operation, an unknown ID and a
 * retired ID are answered, each with what it is; retire twice. */
static void test_refusals(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	const char *msg;
	int fd;

	if (not_root())
		return;
	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_string_equal(admin(fd, m, "user.suspend", "abcde-001", NULL), "bad-request");
	assert_false(fx_state_of(f, "abcde-001").suspended);
	assert_string_equal(admin(fd, m, "user.frobnicate", "abcde-001", NULL), "bad-request");
	expect_outcome(m, NACCS_OUT_REJECTED);
	assert_int_equal(naccs_msg_get_str(m, NACCS_TAG_MESSAGE, &msg, NULL), 0);
	assert_non_null(strstr(msg, "unknown operation 'user.frobnicate'"));
	assert_string_equal(admin(fd, m, "user.lock", "nobody-here", NULL), "not-found");
	expect_outcome(m, NACCS_OUT_UNKNOWN);
	assert_string_equal(admin(fd, m, "user.suspend", "abcde-001", "on leave"), "done");
	assert_true(fx_state_of(f, "abcde-001").suspended);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_ACCOUNT, "abcde-001", NULL), NACCS_OUT_SUSPENDED);
	assert_string_equal(admin(fd, m, "user.retire", "abcde-001", "left"), "done");
	assert_true(fx_state_of(f, "abcde-001").retired);
	index_up_to_date(f);
	assert_string_equal(admin(fd, m, "user.unsuspend", "abcde-001", NULL), "retired");
	expect_outcome(m, NACCS_OUT_RETIRED);
	assert_string_equal(admin(fd, m, "user.retire", "abcde-001", NULL), "already-retired");
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* A reset: the answer carries the new one-time password, which opens the
 * ID (and must be changed); the old password no longer does. */
static void test_reset(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	const char *otp;
	char *copy, *text;
	int fd;

	if (not_root())
		return;
	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_string_equal(admin(fd, m, "user.reset", "abcde-001", NULL), "done");
	assert_int_equal(naccs_msg_get_secret(m, NACCS_TAG_ONE_TIME_PASSWORD, &otp), 0);
	assert_true(strlen(otp) >= 16);
	copy = strdup(otp);
	assert_true(fx_state_of(f, "abcde-001").must_change);
	assert_int_not_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD),
			     NACCS_OUT_ALLOW);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", copy), NACCS_OUT_ALLOW);
	text = fx_trail(f);
	assert_non_null(strstr(text, "\"action\":\"password-reset\""));
	assert_null(strstr(text, copy)); /* never in the trail */
	free(text);
	free(copy);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* In the child, as uid 65534: ERROR not-allowed (exit code: the step). */
static int as_peer(const struct fx *f)
{
	struct naccs_msg *m = naccs_msg_new();
	const char *code;
	int fd, rc = 0;

	if (setgid(65534) < 0 || setuid(65534) < 0)
		return 10;
	fd = fx_connect_wait(f->sock);
	if (admin(fd, m, "user.lock", "abcde-001", NULL) != NULL)
		rc = 1;
	else if (m->type != NACCS_MSG_ERROR)
		rc = 2;
	else if (naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &code, NULL) < 0 ||
		 strcmp(code, NACCS_PROTO_ERR_NOT_ALLOWED) != 0)
		rc = 3;
	naccs_msg_free(m);
	close(fd);
	return rc;
}

/* An unprivileged peer: not-allowed, nothing changed, nothing in the
 * trail (syslog only). */
static void test_unprivileged(void **state)
{
	struct fx *f = *state;
	pid_t pid;
	char *text;
	int st;

	if (geteuid() != 0) {
		skip(); /* # needs root to connect as another uid */
		return;
	}
	assert_int_equal(chmod(f->dir, 0755), 0);
	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(as_peer(f));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_false(fx_state_of(f, "abcde-001").locked);
	text = fx_trail(f);
	assert_null(strstr(text, "\"action\":\"lock\""));
	free(text);
	assert_true(fx_log_has(f, "sent ADMIN: refused (root peers only)", 5000));
	fx_stop(f);
}

/* The store's lock held exclusively (as naccsctl init and upgrade hold
 * it): the service changes nothing and says so, and a login with the
 * right password is not allowed; released, both work. */
static void test_store_lock(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	struct naccs_config cfg;
	struct naccs_err err;
	int fd, lock;

	if (not_root())
		return;
	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	naccs_config_defaults(&cfg);
	snprintf(cfg.store_path, sizeof(cfg.store_path), "%s", f->store);
	assert_int_equal(naccs_admin_lock(&cfg, true, false, &lock, &err), 0);
	fd = fx_connect_wait(f->sock);
	assert_string_equal(admin(fd, m, "user.lock", "abcde-001", NULL), "failed");
	expect_outcome(m, NACCS_OUT_UNAVAILABLE);
	assert_false(fx_state_of(f, "abcde-001").locked);
	/* Logins decide nothing from a store being made or migrated. */
	assert_int_not_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD),
			     NACCS_OUT_ALLOW);
	naccs_admin_unlock(&lock);
	assert_int_equal(fx_ask(fd, m, NACCS_MSG_AUTHENTICATE, "abcde-001", GOOD), NACCS_OUT_ALLOW);
	assert_string_equal(admin(fd, m, "user.lock", "abcde-001", NULL), "done");
	assert_true(fx_state_of(f, "abcde-001").locked);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

/* A group operation: group, member (NULL: none), gid (0: none), reason. */
static const char *admin_group(int fd, struct naccs_msg *m, const char *op, const char *group,
			       const char *member, uint32_t gid, const char *reason)
{
	const char *res;

	if (naccs_msg_start(m, NACCS_MSG_ADMIN, NULL, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_OPERATION, op, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_GROUP, group, NULL) < 0 ||
	    (member != NULL && naccs_msg_set_str(m, NACCS_TAG_USER, member, NULL) < 0) ||
	    (gid != 0 && naccs_msg_set_u32(m, NACCS_TAG_GID, gid, NULL) < 0) ||
	    (reason != NULL && naccs_msg_set_str(m, NACCS_TAG_REASON, reason, NULL) < 0))
		return NULL;
	if (fx_roundtrip(fd, m) < 0 || m->type != (NACCS_MSG_ADMIN | NACCS_PROTO_RESPONSE) ||
	    naccs_msg_get_str(m, NACCS_TAG_ADMIN_RESULT, &res, NULL) < 0)
		return NULL;
	return res;
}

static bool member_of(const struct fx *f, const char *group, const char *login)
{
	struct naccs_store *st = fx_store_open(f);
	struct naccs_err err;
	bool member = false;

	if (naccs_store_group_has_member(st, naccs_deadline_in(5000), group, login, &member, &err) <
	    0)
		fail_msg("has_member: %s", err.msg);
	naccs_store_close(st);
	return member;
}

/* Whether the trail line of action (type admin) also holds what. */
static bool trail_line_has(const char *text, const char *action, const char *what)
{
	char want[64];
	const char *at, *end, *p;

	snprintf(want, sizeof(want), "\"action\":\"%s\"", action);
	at = strstr(text, want);
	if (at == NULL)
		return false;
	while (at > text && at[-1] != '\n')
		at--;
	end = strchr(at, '\n');
	p = strstr(at, what);
	return p != NULL && (end == NULL || p < end);
}

/* Groups through the service: added with the gid asked for (answered),
 * twice refused; a member named in the NACCS form added and removed; no
 * such member, no such group; deleted for good.  The trail names naccsd,
 * and the index follows each change. */
static void test_group(void **state)
{
	struct fx *f = *state;
	struct naccs_msg *m = naccs_msg_new();
	struct naccs_store *st;
	struct naccs_group g;
	struct naccs_err err;
	uint32_t gid = 0;
	char *text;
	int fd;

	if (not_root())
		return;
	fx_store_conf(f, 0, 5);
	fx_issue(f, FILE_UID_BASE, "001", "abcde-001");
	fx_start(f);
	fd = fx_connect_wait(f->sock);
	assert_string_equal(admin_group(fd, m, "group.add", "staff", NULL, 60100, NULL), "done");
	expect_outcome(m, NACCS_OUT_ALLOW);
	assert_int_equal(naccs_msg_get_u32(m, NACCS_TAG_GID, &gid), 0);
	assert_int_equal(gid, 60100);
	index_up_to_date(f);
	assert_string_equal(admin_group(fd, m, "group.add", "STAFF", NULL, 0, NULL), "failed");
	expect_outcome(m, NACCS_OUT_DENIED);
	assert_string_equal(admin_group(fd, m, "group.member-add", "staff", "ABCDE001", 0, NULL),
			    "done");
	assert_true(member_of(f, "staff", "abcde-001"));
	index_up_to_date(f);
	assert_string_equal(admin_group(fd, m, "group.member-add", "staff", "zzzzz-999", 0, NULL),
			    "not-found");
	assert_string_equal(admin_group(fd, m, "group.member-add", "nogroup", "abcde-001", 0, NULL),
			    "no-group");
	expect_outcome(m, NACCS_OUT_UNKNOWN);
	assert_string_equal(
	    admin_group(fd, m, "group.member-remove", "staff", "abcde-001", 0, NULL), "done");
	assert_false(member_of(f, "staff", "abcde-001"));
	assert_string_equal(admin_group(fd, m, "group.del", "staff", NULL, 0, "reorganised"),
			    "done");
	assert_string_equal(admin_group(fd, m, "group.del", "nogroup", NULL, 0, NULL), "no-group");
	st = fx_store_open(f);
	assert_int_equal(naccs_store_group_find(st, naccs_deadline_in(5000), "staff", &g, &err), 0);
	naccs_store_close(st);
	assert_true(g.deleted);
	index_up_to_date(f);
	text = fx_trail(f);
	for (const char *a = "group-add\0group-member-add\0group-member-remove\0group-del\0";
	     *a != '\0'; a += strlen(a) + 1)
		assert_true(trail_line_has(text, a, "\"service\":\"naccsd\""));
	free(text);
	close(fd);
	naccs_msg_free(m);
	fx_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lock, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_reset, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_unprivileged, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_store_lock, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_group, fx_setup, fx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
