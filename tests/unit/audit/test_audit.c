/* The audit trail writer and verifier (common/naccs_audit*.c; issue #10):
 * line format with the NACCS log items (NACCS-T7-3-2, MYNA-#92), the
 * chain and MACs, forward security of the evolving key, tampering of every
 * kind detected and named (UTS-2.2.1.4(1)(c)), month files, a writer killed
 * between append and state, a torn tail, concurrent writers (no line lost
 * or duplicated), a trail that cannot be written (UTS-2.2.1.4(1)(b)). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/alert.h"
#include "audit/trail.h"
#include "config/conf.h"
#include "audit/emit.h"
#include "audit/event.h"
#include "base/secret.h"
#include "base/time.h"
#include "testutil.h"
#include "audit/key.h"
#include "audit/line.h"
#include "audit/prune.h"
#include "audit/verify.h"

#define T0 1764547200 /* 2025-12-01T00:00:00Z */
#define T1 1767225600 /* 2026-01-01T00:00:00Z */

struct fx {
	char *dir;
	struct naccs_config cfg;
	uint8_t key1[NACCS_AUDIT_KEY_LEN];
	char path[PATH_MAX + 16]; /* the December file */
	int64_t now;		  /* verify's clock: after every line the tests write */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char hex[NACCS_AUDIT_MAC_HEX + 1];
	struct naccs_err err;

	assert_non_null(f);
	f->dir = tu_mkdtemp("audit");
	naccs_config_defaults(&f->cfg);
	f->cfg.owner_uid = geteuid();
	snprintf(f->cfg.audit_dir, sizeof(f->cfg.audit_dir), "%s/audit", f->dir);
	if (naccs_audit_create(&f->cfg, hex, &err) < 0)
		fail_msg("create: %s", err.msg);
	assert_int_equal(naccs_audit_key_from_hex(hex, f->key1), 0);
	snprintf(f->path, sizeof(f->path), "%s/2025-12.jsonl", f->cfg.audit_dir);
	/* The tests write lines up to 2027 (and prune as if years later):
	 * verify as if it were later still, unless a test says otherwise. */
	f->now = 1804204800LL + 4000LL * 86400;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree_free(f->dir);
	free(f);
	return 0;
}

static int append_at(struct fx *f, int64_t t, const char *action, const char *detail)
{
	struct naccs_event ev = {
	    .type = "auth",
	    .action = action,
	    .result = "allow",
	    .reason = "password",
	    .login = "abcde-001",
	    .user_code = "ABCDE",
	    .id_number = "001",
	    .service = "sshd",
	    .tty = "ssh",
	    .rhost = "192.0.2.7",
	    .detail = detail,
	};
	struct naccs_err err;
	int rc = naccs_audit_append(&f->cfg, &ev, t, &err);

	if (rc < 0)
		print_message("append: %s\n", err.msg);
	return rc;
}

static void append_n(struct fx *f, int n)
{
	char d[32];

	for (int i = 0; i < n; i++) {
		snprintf(d, sizeof(d), "n=%d", i);
		assert_int_equal(append_at(f, T0 + i, "login", d), 0);
	}
}

static struct naccs_audit_verdict verify(struct fx *f, bool with_key)
{
	struct naccs_audit_verdict v;
	struct naccs_err err;

	if (naccs_audit_verify_at(f->cfg.audit_dir, with_key ? f->key1 : NULL, f->now, &v, &err) <
	    0)
		fail_msg("verify: %s", err.msg);
	if (!v.ok)
		print_message("verdict: %s:%llu: %s\n", v.file, (unsigned long long)v.line, v.why);
	return v;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* The start of line n (1-based) in text. */
static char *line_at(char *text, int n)
{
	while (--n > 0) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	return text;
}

static void assert_bad(struct fx *f, const char *file, uint64_t line, const char *why)
{
	struct naccs_audit_verdict v = verify(f, true);

	assert_false(v.ok);
	assert_string_equal(v.file, file);
	assert_int_equal(v.line, line);
	assert_non_null(strstr(v.why, why));
}

/* ---- format ---- */

static void test_line_format(void **state)
{
	struct fx *f = *state;
	char *text, *l2, host[256];
	struct stat sb;

	append_n(f, 2);
	text = slurp(f->path, NULL);
	/* One event per line; seq, prev chained, the NACCS log items, UTC to
	 * the second (NACCS-T7-3-2, MYNA-#92), pid, host, uid, mac last. */
	assert_true(
	    strncmp(text,
		    "{\"seq\":1,\"prev\":\"00000000000000000000000000000000000000000000000"
		    "00000000000000000\",\"time\":\"2025-12-01T00:00:00Z\",\"type\":\"auth\","
		    "\"action\":\"login\",\"result\":\"allow\",\"reason\":\"password\","
		    "\"login\":\"abcde-001\",\"user_code\":\"ABCDE\",\"id_number\":\"001\","
		    "\"service\":\"sshd\",\"tty\":\"ssh\",\"rhost\":\"192.0.2.7\","
		    "\"detail\":\"n=0\",\"pid\":",
		    300) == 0);
	gethostname(host, sizeof(host));
	assert_non_null(strstr(text, host));
	assert_non_null(strstr(text, ",\"uid\":"));
	assert_non_null(strstr(text, ",\"loginuid\":"));
	l2 = line_at(text, 2);
	assert_true(strncmp(l2, "{\"seq\":2,\"prev\":\"", 17) == 0);
	/* prev of line 2 is the mac of line 1. */
	assert_true(strncmp(l2 + 17, strstr(text, ",\"mac\":\"") + 8, NACCS_AUDIT_MAC_HEX) == 0);
	free(text);
	/* Root only (UTS-2.2.1.4(1)(c)). */
	assert_int_equal(stat(f->cfg.audit_dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_true(verify(f, true).ok);
}

/* Hostile values cannot forge lines or fields. */
static void test_hostile_values(void **state)
{
	struct fx *f = *state;
	char *text;

	assert_int_equal(append_at(f, T0, "login", "x\"}\n{\"seq\":99\x1b[2J\\"), 0);
	text = slurp(f->path, NULL);
	assert_null(strchr(text, '\x1b'));
	assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text));
	free(text);
	assert_true(verify(f, true).ok);
}

/* ---- tampering, each named by file and line ---- */

static void test_edited_field(void **state)
{
	struct fx *f = *state;
	char *text;

	append_n(f, 5);
	assert_true(verify(f, true).ok);
	text = slurp(f->path, NULL);
	memcpy(strstr(line_at(text, 3), "\"allow\""), "\"ALLOW\"", 7);
	spit(f->path, text);
	free(text);
	assert_bad(f, "2025-12.jsonl", 3, "MAC does not match");
}

static void test_deleted_line(void **state)
{
	struct fx *f = *state;
	char *text, *l3, *l4;

	append_n(f, 5);
	text = slurp(f->path, NULL);
	l3 = line_at(text, 3);
	l4 = line_at(text, 4);
	memmove(l3, l4, strlen(l4) + 1);
	spit(f->path, text);
	free(text);
	assert_bad(f, "2025-12.jsonl", 3, "sequence gap");
	/* Without the key too: the sequence is structural. */
	assert_false(verify(f, false).ok);
}

static void test_reordered_lines(void **state)
{
	struct fx *f = *state;
	char *text, *out, *l2, *l3, *l4;
	size_t len;

	append_n(f, 5);
	text = slurp(f->path, &len);
	out = calloc(1, len + 1);
	l2 = line_at(text, 2);
	l3 = line_at(text, 3);
	l4 = line_at(text, 4);
	/* lines 1, 3, 2, 4, 5 */
	strncat(out, text, (size_t)(l2 - text));
	strncat(out, l3, (size_t)(l4 - l3));
	strncat(out, l2, (size_t)(l3 - l2));
	strcat(out, l4);
	spit(f->path, out);
	free(out);
	free(text);
	assert_bad(f, "2025-12.jsonl", 2, "sequence gap");
}

static void test_truncated_end(void **state)
{
	struct fx *f = *state;
	char *text;

	append_n(f, 5);
	text = slurp(f->path, NULL);
	*line_at(text, 5) = '\0'; /* the last whole line gone */
	spit(f->path, text);
	free(text);
	assert_bad(f, "2025-12.jsonl", 5, "missing at the end");
	assert_false(verify(f, false).ok);
}

static void test_torn_last_line(void **state)
{
	struct fx *f = *state;
	char *text;
	size_t len;

	append_n(f, 3);
	text = slurp(f->path, &len);
	text[len - 20] = '\0'; /* cut inside the last line */
	spit(f->path, text);
	free(text);
	assert_bad(f, "2025-12.jsonl", 3, "incomplete last line");
}

static void test_first_line_deleted(void **state)
{
	struct fx *f = *state;
	char *text;

	append_n(f, 3);
	text = slurp(f->path, NULL);
	spit(f->path, line_at(text, 2));
	free(text);
	assert_bad(f, "2025-12.jsonl", 1, "earlier lines are missing");
}

/* A whole file replaced by one chained and MACed with a key the intruder
 * made up: without the key the structure may hold, with it, never. */
static void test_replaced_file_with_own_key(void **state)
{
	struct fx *f = *state;
	struct fx g;
	char hex[NACCS_AUDIT_MAC_HEX + 1], *text;
	struct naccs_err err;

	append_n(f, 3);
	memset(&g, 0, sizeof(g));
	g.cfg = f->cfg;
	snprintf(g.cfg.audit_dir, sizeof(g.cfg.audit_dir), "%s/forged", f->dir);
	assert_int_equal(naccs_audit_create(&g.cfg, hex, &err), 0);
	append_n(&g, 3);
	/* Copied in C: a shell under a sanitizer's LD_PRELOAD may refuse to run. */
	for (int i = 0; i < 2; i++) {
		const char *name = i == 0 ? "2025-12.jsonl" : "state";
		char from[PATH_MAX + 16], to[PATH_MAX + 16], *data;

		snprintf(from, sizeof(from), "%s/%s", g.cfg.audit_dir, name);
		snprintf(to, sizeof(to), "%s/%s", f->cfg.audit_dir, name);
		data = slurp(from, NULL);
		spit(to, data);
		free(data);
	}
	text = slurp(f->path, NULL);
	free(text);
	assert_bad(f, "2025-12.jsonl", 1, "MAC does not match");
}

/* ---- forward security ---- */

/* The key on disk is K_{n+1}: K_1 ... K_n are gone, and with the key an
 * intruder finds, earlier lines cannot be re-MACed undetected. */
static void test_forward_security(void **state)
{
	struct fx *f = *state;
	struct naccs_audit_state st;
	uint8_t k[NACCS_AUDIT_KEY_LEN];
	char hex[NACCS_AUDIT_MAC_HEX + 1], path[PATH_MAX + 16], *text, *state_text, mac[65];
	char *l1, *tail;
	int fd;

	append_n(f, 4);
	snprintf(path, sizeof(path), "%s/state", f->cfg.audit_dir);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(naccs_audit_state_read(fd, &st, NULL), 0);
	close(fd);
	assert_int_equal(st.seq_next, 5);
	/* The state holds K_5 = evolve^4(K_1), not K_1 .. K_4. */
	memcpy(k, f->key1, sizeof(k));
	state_text = slurp(path, NULL);
	for (int i = 1; i <= 4; i++) {
		naccs_audit_key_to_hex(k, hex);
		assert_null(strstr(state_text, hex));
		assert_int_equal(naccs_audit_key_evolve(k), 0);
	}
	assert_memory_equal(k, st.key, sizeof(k));
	free(state_text);
	/* The intruder edits line 1 and re-MACs it with the key he has. */
	text = slurp(f->path, NULL);
	l1 = text;
	memcpy(strstr(l1, "\"allow\""), "\"ALLOW\"", 7);
	tail = strstr(l1, ",\"mac\":\"");
	assert_int_equal(naccs_audit_mac(st.key, l1, (size_t)(tail - l1), mac), 0);
	memcpy(tail + 8, mac, 64);
	spit(f->path, text);
	free(text);
	assert_bad(f, "2025-12.jsonl", 1, "MAC does not match");
	naccs_wipe(&st, sizeof(st));
}

/* ---- months, crashes, torn tails ---- */

static void test_month_files(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 16];
	struct naccs_audit_verdict v;

	append_n(f, 2);
	assert_int_equal(append_at(f, T1 + 5, "login", "january"), 0);
	/* A clock set back never writes into the earlier file. */
	assert_int_equal(append_at(f, T0 + 100, "login", "clock back"), 0);
	v = verify(f, true);
	assert_true(v.ok);
	assert_int_equal(v.files, 2);
	assert_int_equal(v.lines, 4);
	/* The chain continues across files: deleting the later one shows. */
	snprintf(path, sizeof(path), "%s/2026-01.jsonl", f->cfg.audit_dir);
	assert_int_equal(unlink(path), 0);
	assert_bad(f, "2025-12.jsonl", 3, "missing at the end");
}

static void test_killed_between_append_and_state(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 16], *saved, *text;
	struct naccs_audit_verdict v;

	append_n(f, 2);
	snprintf(path, sizeof(path), "%s/state", f->cfg.audit_dir);
	saved = slurp(path, NULL);
	assert_int_equal(append_at(f, T0 + 10, "login", "written, state not advanced"), 0);
	spit(path, saved); /* as if the writer died before the state write */
	free(saved);
	assert_int_equal(append_at(f, T0 + 11, "login", "next"), 0);
	v = verify(f, true);
	assert_true(v.ok);
	assert_int_equal(v.lines, 4); /* nothing lost, nothing twice */
	text = slurp(f->path, NULL);
	assert_non_null(strstr(text, "{\"seq\":4,"));
	free(text);
}

static void test_torn_tail_repaired_by_next_writer(void **state)
{
	struct fx *f = *state;
	FILE *fp;

	append_n(f, 2);
	fp = fopen(f->path, "a");
	fputs("{\"seq\":3,\"prev\":\"ab", fp); /* a write that never completed */
	fclose(fp);
	assert_false(verify(f, true).ok);
	assert_int_equal(append_at(f, T0 + 10, "login", "after the crash"), 0);
	assert_true(verify(f, true).ok);
}

/* ---- concurrency ---- */

#define WRITERS 6
#define EACH	25

static void test_concurrent_writers(void **state)
{
	struct fx *f = *state;
	struct naccs_audit_verdict v;
	char *text, want[64];
	pid_t pids[WRITERS];
	int status;

	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			char d[32];

			for (int i = 0; i < EACH; i++) {
				snprintf(d, sizeof(d), "w%d-i%d", w, i);
				if (append_at(f, T0 + i, "login", d) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	v = verify(f, true);
	assert_true(v.ok);
	assert_int_equal(v.lines, WRITERS * EACH);
	text = slurp(f->path, NULL);
	for (int w = 0; w < WRITERS; w++)
		for (int i = 0; i < EACH; i++) {
			char *p;

			snprintf(want, sizeof(want), "\"detail\":\"w%d-i%d\"", w, i);
			p = strstr(text, want);
			assert_non_null(p);
			assert_null(strstr(p + 1, want)); /* exactly once */
		}
	free(text);
}

/* ---- a trail that cannot be written ---- */

static void test_unwritable_trail(void **state)
{
	struct fx *f = *state;
	struct naccs_err err;
	struct naccs_event ev = {.type = "auth", .action = "login", .result = "allow"};
	char *before, *after, path[PATH_MAX + 16];

	append_n(f, 2);
	before = slurp(f->path, NULL);
	/* Not root-only any more: refused, nothing written. */
	assert_int_equal(chmod(f->cfg.audit_dir, 0755), 0);
	assert_true(naccs_audit_append(&f->cfg, &ev, T0 + 5, &err) < 0);
	assert_true(naccs_audit_ready(&f->cfg, &err) < 0);
	assert_int_equal(chmod(f->cfg.audit_dir, 0700), 0);
	/* The state missing (never initialised): refused too. */
	snprintf(path, sizeof(path), "%s/state", f->cfg.audit_dir);
	{
		char moved[PATH_MAX + 16];

		snprintf(moved, sizeof(moved), "%s/state.away", f->dir);
		assert_int_equal(rename(path, moved), 0);
		assert_int_equal(naccs_audit_append(&f->cfg, &ev, T0 + 5, &err), -ENOENT);
		assert_non_null(strstr(err.msg, "naccsctl init"));
		assert_int_equal(rename(moved, path), 0);
	}
	after = slurp(f->path, NULL);
	assert_string_equal(before, after); /* nothing earlier lost */
	free(before);
	free(after);
	/* The event layer reports it: callers fail closed (policy/policy.c). */
	ev.trail = &f->cfg;
	assert_int_equal(chmod(f->cfg.audit_dir, 0750), 0);
	assert_true(naccs_event_emit(&ev, &err) < 0);
	assert_int_equal(chmod(f->cfg.audit_dir, 0700), 0);
	assert_int_equal(naccs_event_emit(&ev, &err), 0);
	assert_true(verify(f, true).ok);
}

/* ---- retention (UTS-2.2.1.4(2)(b), NACCS-LOG-RET) ---- */

#define T2     1804204800 /* 2027-03-04T00:00:00Z */
#define T1_FEB 1769904000 /* 2026-02-01T00:00:00Z */

static void prune_at(struct fx *f, int64_t now, size_t want_files)
{
	struct naccs_audit_prune p;
	struct naccs_err err;
	struct naccs_event ev = {.type = "admin", .action = "audit-prune", .result = "done"};

	assert_int_equal(naccs_audit_prune_plan(&f->cfg, now, &p, &err), 0);
	assert_int_equal(p.nfiles, want_files);
	if (p.nfiles == 0)
		return;
	ev.detail = p.detail;
	assert_int_equal(naccs_audit_append(&f->cfg, &ev, now, &err), 0);
	assert_int_equal(naccs_audit_prune_apply(&f->cfg, &p, &err), 0);
}

static void test_prune_only_past_retention(void **state)
{
	struct fx *f = *state;
	struct naccs_audit_verdict v;
	char path[PATH_MAX + 16];

	append_n(f, 3);						   /* 2025-12: seq 1-3 */
	assert_int_equal(append_at(f, T1, "login", "jan"), 0);	   /* 2026-01: seq 4 */
	assert_int_equal(append_at(f, T1_FEB, "login", "feb"), 0); /* 2026-02: seq 5 */
	assert_int_equal(append_at(f, T2, "login", "mar"), 0);	   /* 2027-03: seq 6 */
	/* A file goes once the month of the file after it began
	 * retention_days ago (no line of it can be younger):
	 * 2026-01-01 + 366 days is 2027-01-02: December 2025 is past it on
	 * 2027-01-03, not on 2027-01-01; January 2026 is past it on 2027-03-04
	 * (Feb 1 + 366 = 2027-02-02).  February 2026 is not: the file after
	 * it is March 2027's, and verify could not tell its last line from
	 * one of a month ago (#16 item 13). */
	prune_at(f, 1767225600 + 365 * 86400, 0);
	prune_at(f, T2, 2);
	snprintf(path, sizeof(path), "%s/2025-12.jsonl", f->cfg.audit_dir);
	assert_int_equal(access(path, F_OK), -1);
	/* The chain goes on, and verifies from K_1 with the gap explained. */
	assert_int_equal(append_at(f, T2 + 1, "login", "after the prune"), 0);
	v = verify(f, true);
	assert_true(v.ok);
	assert_int_equal(v.first_seq, 5);
	assert_int_equal(v.last_seq, 8);
	/* Never the newest file, whatever the retention: February 2026 goes
	 * years later, the newest (the prune's own line) stays. */
	prune_at(f, T2 + 3000LL * 86400, 1);
	prune_at(f, T2 + 3000LL * 86400, 0);
	assert_true(verify(f, true).ok);
}

/* Deleting old files by hand, even with an anchor written, is not a prune:
 * no prune line in the chain says so. */
static void test_deletion_without_prune_line(void **state)
{
	struct fx *f = *state;
	struct naccs_audit_prune p;
	struct naccs_err err;

	append_n(f, 3);
	assert_int_equal(append_at(f, T1, "login", "jan"), 0);
	assert_int_equal(append_at(f, T2, "login", "mar"), 0);
	assert_int_equal(naccs_audit_prune_plan(&f->cfg, T2, &p, &err), 0);
	assert_int_equal(p.nfiles, 1);
	assert_int_equal(naccs_audit_prune_apply(&f->cfg, &p, &err), 0);
	assert_bad(f, "2026-01.jsonl", 1, "no prune line");
}

/* ---- prunes forged with the current key (#16 item 13) ---- */

/* Noon on day 1 + days of the month k months before the one of t (UTC). */
static int64_t month_plus(int64_t t, int k, int days)
{
	time_t tt = (time_t)t;
	struct tm tm;

	assert_non_null(gmtime_r(&tt, &tm));
	tm.tm_mon -= k;
	tm.tm_mday = 1 + days;
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	return (int64_t)timegm(&tm);
}

/* What someone holding only the state file (the current key) can write
 * without our writer: a line of their own choosing, chained and MACed as
 * ours are, the state advanced. */
static void forge_append(struct fx *f, int64_t t, const char *action, const char *detail)
{
	char path[PATH_MAX + 32], when[32], month[8], body[1024], mac[NACCS_AUDIT_MAC_HEX + 1];
	struct naccs_audit_state st;
	struct naccs_err err;
	FILE *fp;
	int fd, n;

	snprintf(path, sizeof(path), "%s/state", f->cfg.audit_dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(naccs_audit_state_read(fd, &st, &err), 0);
	naccs_audit_iso_time(t, when);
	naccs_audit_month(t, month);
	n = snprintf(body, sizeof(body),
		     "{\"seq\":%llu,\"prev\":\"%s\",\"time\":\"%s\",\"type\":\"admin\","
		     "\"action\":\"%s\",\"result\":\"done\",\"detail\":\"%s\",\"pid\":1,"
		     "\"host\":\"h\",\"uid\":0,\"loginuid\":null",
		     (unsigned long long)st.seq_next, st.prev, when, action, detail);
	assert_true(n > 0 && (size_t)n < sizeof(body));
	assert_int_equal(naccs_audit_mac(st.key, body, (size_t)n, mac), 0);
	if (strcmp(month, st.month) < 0)
		snprintf(month, sizeof(month), "%s", st.month);
	snprintf(path, sizeof(path), "%s/%s.jsonl", f->cfg.audit_dir, month);
	fp = fopen(path, "a");
	assert_non_null(fp);
	fprintf(fp, "%s,\"mac\":\"%s\"}\n", body, mac);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0600), 0);
	memcpy(st.prev, mac, sizeof(st.prev));
	st.seq_next++;
	snprintf(st.month, sizeof(st.month), "%s", month);
	assert_int_equal(naccs_audit_key_evolve(st.key), 0);
	assert_int_equal(naccs_audit_state_write(fd, &st, &err), 0);
	naccs_wipe(&st, sizeof(st));
	close(fd);
}

/* Four months of lines up to a minute ago (seq 1-4, one file each), the
 * clock of verify now. */
static int64_t recent_months(struct fx *f)
{
	int64_t now = naccs_now_wall();

	f->now = now;
	for (int k = 3; k >= 1; k--)
		assert_int_equal(append_at(f, month_plus(now, k, 0), "login", "recent"), 0);
	assert_int_equal(append_at(f, now - 60, "login", "today"), 0);
	assert_true(verify(f, true).ok);
	return now;
}

/* Someone holding the state deletes the months before this one, writes
 * the anchor and a prune line that names them, MACed with the current
 * key: verify with K_1 refuses it, because those months are younger than
 * the retention minimum (365 days, NACCS-LOG-RET) at the prune line's
 * time. */
static void test_forged_prune_of_young_months(void **state)
{
	struct fx *f = *state;
	struct naccs_audit_prune p;
	struct naccs_audit_verdict v;
	struct naccs_err err;
	int64_t now = recent_months(f);

	/* The plan of a prune far in the future: every file but the newest. */
	assert_int_equal(naccs_audit_prune_plan(&f->cfg, now + 3000LL * 86400, &p, &err), 0);
	assert_true(p.nfiles >= 2);
	forge_append(f, now - 30, "audit-prune", p.detail);
	assert_int_equal(naccs_audit_prune_apply(&f->cfg, &p, &err), 0);
	v = verify(f, true);
	assert_false(v.ok);
	assert_non_null(strstr(v.why, "retention"));
	/* Without the key too: the times alone show it. */
	assert_false(verify(f, false).ok);
}

/* The same prune dated a year ahead, to look past retention: a line in
 * the future is refused. */
static void test_forged_prune_dated_ahead(void **state)
{
	struct fx *f = *state;
	struct naccs_audit_prune p;
	struct naccs_audit_verdict v;
	struct naccs_err err;
	int64_t now = recent_months(f);

	assert_int_equal(naccs_audit_prune_plan(&f->cfg, now + 3000LL * 86400, &p, &err), 0);
	forge_append(f, now + 400LL * 86400, "audit-prune", p.detail);
	assert_int_equal(naccs_audit_prune_apply(&f->cfg, &p, &err), 0);
	v = verify(f, true);
	assert_false(v.ok);
	assert_non_null(strstr(v.why, "future"));
}

/* Line times never go backwards: a forged line dated before the one
 * before it is refused. */
static void test_time_going_backwards(void **state)
{
	struct fx *f = *state;
	struct naccs_audit_verdict v;
	int64_t now = recent_months(f);

	forge_append(f, now - 3600, "login", "earlier than the line before");
	v = verify(f, true);
	assert_false(v.ok);
	assert_non_null(strstr(v.why, "backwards"));
	assert_int_equal(v.line, 2);
}

/* Someone holding the state cuts the last lines off and sets the state
 * back to the line before them (seq, prev), keeping the only key they
 * have: without K_1 nothing shows, with it the state's key is not the one
 * of its seq. */
static void test_state_set_back(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 32], *text;
	struct naccs_audit_state st;
	struct naccs_err err;
	const char *mac3;
	int fd;

	append_n(f, 5);
	text = slurp(f->path, NULL);
	/* The MAC of line 3, then the file cut after it. */
	mac3 = strstr(line_at(text, 3), ",\"mac\":\"") + 8;
	snprintf(path, sizeof(path), "%s/state", f->cfg.audit_dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(naccs_audit_state_read(fd, &st, &err), 0);
	st.seq_next = 4;
	memcpy(st.prev, mac3, NACCS_AUDIT_MAC_HEX);
	assert_int_equal(naccs_audit_state_write(fd, &st, &err), 0);
	naccs_wipe(&st, sizeof(st));
	close(fd);
	*line_at(text, 4) = '\0';
	spit(f->path, text);
	free(text);
	assert_true(verify(f, false).ok);
	assert_bad(f, "state", 0, "set back");
}

/* Our own writer never writes a time before the last line's (a clock set
 * back): the line takes the last line's time, and the trail verifies. */
static void test_writer_keeps_time_monotonic(void **state)
{
	struct fx *f = *state;
	char *text;

	append_n(f, 2);
	assert_int_equal(append_at(f, T0 + 5000, "login", "later"), 0);
	assert_int_equal(append_at(f, T0 + 100, "login", "clock back"), 0);
	text = slurp(f->path, NULL);
	assert_non_null(strstr(line_at(text, 4), "\"time\":\"2025-12-01T01:23:20Z\""));
	free(text);
	assert_true(verify(f, true).ok);
}

/* ---- alerts (UTS-2.2.1.4(1)(d)(イ)) ---- */

static void test_alert_command(void **state)
{
	struct fx *f = *state;
	struct naccs_err err;
	struct naccs_event lock = {.type = "auth",
				   .action = "lock",
				   .result = "done",
				   .login = "abcde-001",
				   .user_code = "ABCDE",
				   .id_number = "001"};
	struct naccs_event quiet = {.type = "auth", .action = "login", .result = "allow"};
	char script[PATH_MAX + 64], out[PATH_MAX + 16], *text;
	char *path;
	double t0;

	snprintf(out, sizeof(out), "%s/alert.out", f->dir);
	snprintf(script, sizeof(script), "#!/bin/sh\ncat >>%s\n", out);
	path = tu_write_file(f->dir, "alert", script, 0700);
	snprintf(f->cfg.audit_alert_command, sizeof(f->cfg.audit_alert_command), "%s", path);
	lock.trail = quiet.trail = &f->cfg;
	assert_int_equal(naccs_event_emit(&lock, &err), 0);
	assert_int_equal(naccs_event_emit(&quiet, &err), 0);
	text = slurp(out, NULL);
	/* The event as JSON on stdin, once: only the listed kind. */
	assert_non_null(strstr(text, "\"action\":\"lock\""));
	assert_non_null(strstr(text, "\"user_code\":\"ABCDE\""));
	assert_null(strstr(text, "\"action\":\"login\""));
	free(text);
	/* su-* reasons match "su". */
	{
		struct naccs_event su = {.type = "account",
					 .action = "check",
					 .result = "deny",
					 .reason = "su-invoker-locked",
					 .login = "root",
					 .individual_login = "abcde-002",
					 .individual_user_code = "ABCDE",
					 .individual_id_number = "002",
					 .trail = &f->cfg};

		assert_int_equal(naccs_event_emit(&su, &err), 0);
		text = slurp(out, NULL);
		assert_non_null(strstr(text, "su-invoker-locked"));
		/* The individual behind it, in fields of their own (#10). */
		assert_non_null(strstr(text, "\"individual_login\":\"abcde-002\","
					     "\"individual_user_code\":\"ABCDE\","
					     "\"individual_id_number\":\"002\""));
		free(text);
	}
	/* The command runs in "/", not in the caller's working directory
	 * (which may be anything, even a directory it cannot read). */
	{
		char cwd_out[PATH_MAX + 16], cwd_script[PATH_MAX + 64];
		char *p;

		assert_non_null(getcwd(cwd_out, sizeof(cwd_out)));
		assert_string_not_equal(cwd_out, "/");
		snprintf(cwd_out, sizeof(cwd_out), "%s/alert.cwd", f->dir);
		snprintf(cwd_script, sizeof(cwd_script), "#!/bin/sh\npwd >%s\n", cwd_out);
		free(tu_write_file(f->dir, "alert", cwd_script, 0700));
		assert_int_equal(naccs_alert_run(&f->cfg, &lock, &err), 0);
		p = slurp(cwd_out, NULL);
		assert_string_equal(p, "/\n");
		free(p);
		free(tu_write_file(f->dir, "alert", script, 0700));
	}
	/* A command that exits without reading the event: no SIGPIPE kills
	 * the caller (a login), whether it is gone before the write (as under
	 * valgrind) or not; its exit status decides. */
	free(tu_write_file(f->dir, "alert", "#!/bin/sh\nexec 0<&-\nexit 0\n", 0700));
	for (int i = 0; i < 20; i++)
		assert_int_equal(naccs_alert_run(&f->cfg, &lock, &err), 0);
	free(tu_write_file(f->dir, "alert", script, 0700));
	/* A hanging command is killed: the login is held a bounded time. */
	free(tu_write_file(f->dir, "alert", "#!/bin/sh\nsleep 30\n", 0700));
	t0 = (double)time(NULL);
	assert_int_equal(naccs_event_emit(&lock, &err), 0); /* the decision stands */
	assert_true((double)time(NULL) - t0 < 10);
	/* Not a trusted file (writable by others): never run. */
	assert_int_equal(chmod(path, 0777), 0);
	assert_true(naccs_alert_run(&f->cfg, &lock, &err) < 0);
	free(path);
	assert_true(verify(f, true).ok);
}

/* init never overwrites a trail. */
static void test_create_never_overwrites(void **state)
{
	struct fx *f = *state;
	char hex[NACCS_AUDIT_MAC_HEX + 1];
	struct naccs_err err;

	append_n(f, 1);
	assert_int_equal(naccs_audit_create(&f->cfg, hex, &err), -EEXIST);
	assert_true(verify(f, true).ok);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_line_format),
	    T(test_hostile_values),
	    T(test_edited_field),
	    T(test_deleted_line),
	    T(test_reordered_lines),
	    T(test_truncated_end),
	    T(test_torn_last_line),
	    T(test_first_line_deleted),
	    T(test_replaced_file_with_own_key),
	    T(test_forward_security),
	    T(test_month_files),
	    T(test_killed_between_append_and_state),
	    T(test_torn_tail_repaired_by_next_writer),
	    T(test_concurrent_writers),
	    T(test_unwritable_trail),
	    T(test_create_never_overwrites),
	    T(test_prune_only_past_retention),
	    T(test_deletion_without_prune_line),
	    T(test_forged_prune_of_young_months),
	    T(test_forged_prune_dated_ahead),
	    T(test_time_going_backwards),
	    T(test_writer_keeps_time_monotonic),
	    T(test_state_set_back),
	    T(test_alert_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
