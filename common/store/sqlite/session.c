/* The SQLite backend of the credential store: the lockout rule inside the
 * failure transaction, pruning, the previous login for the session notices
 * and the failure listing (UTS-2.2.1.1(1)(g)(イ), (ウ)).  The rule itself
 * (which failures count, when they lock, when a lock ends) is
 * rules/lockout.c's: this file only applies it to rows. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "store/sqlite/internal.h"

/* Rows pruned per transaction at most: a login never pays for a backlog. */
#define PRUNE_BATCH 64

void sq_set_lockout(void *impl, const struct naccs_lockout_rule *rule)
{
	struct sq *s = impl;

	s->lockout = *rule;
}

/* Failures older than before go (oldest first, PRUNE_BATCH at a time);
 * table is "failures" or "unknown_failures", both indexed by time. */
int sq_prune(struct sq *s, const char *table, int64_t before, struct naccs_err *err)
{
	bool unknown = strcmp(table, "unknown_failures") == 0;

	return sq_run(s, NULL, err,
		      unknown ? "DELETE FROM unknown_failures WHERE id IN (SELECT id FROM "
				"unknown_failures WHERE at < ?1 ORDER BY at LIMIT ?2)"
			      : "DELETE FROM failures WHERE id IN (SELECT id FROM failures "
				"WHERE at < ?1 ORDER BY at LIMIT ?2)",
		      "ll", before, (int64_t)PRUNE_BATCH);
}

static int count_since(struct sq *s, int64_t id, int64_t mark, int64_t from, uint32_t *count,
		       struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err,
			    "SELECT count(*) FROM failures WHERE identity = ?1 AND at >= ?3 "
			    "AND id > ?2",
			    "lll", id, mark, from);
	int64_t n;

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	n = rc > 0 ? sqlite3_column_int64(st, 0) : 0;
	*count = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

static int failure_mark(struct sq *s, int64_t id, int64_t *mark, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc =
	    sq_prepare(s, &st, err, "SELECT failure_mark FROM flags WHERE identity = ?1", "l", id);

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	*mark = rc > 0 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

/* After a failure was inserted, in the same transaction: prune, count the
 * failures in the window and lock when they reach deny
 * (UTS-2.2.1.1(1)(g)(ウ)); *after is the state read back. */
int sq_failure_lockout(struct sq *s, const char *login, const struct naccs_identity *id,
		       const struct sq_ident_meta *meta, int64_t now,
		       struct naccs_account_state *after, struct naccs_err *err)
{
	const struct naccs_lockout_rule *rule = &s->lockout;
	bool shared = id->kind == NACCS_KIND_SHARED;
	uint32_t count = 0;
	int64_t mark = 0, until;
	char detail[NACCS_TEXT_MAX];
	int rc = sq_prune(s, "failures", naccs_lockout_prune_before(rule, now), err);

	if (rc == 0)
		rc = sq_load_state(s, login, meta, false, after, err);
	if (rc < 0 || rule->deny == 0 || meta->retired)
		return rc;
	rc = failure_mark(s, meta->id, &mark, err);
	if (rc == 0)
		rc = count_since(s, meta->id, mark, naccs_lockout_count_from(rule, after, now),
				 &count, err);
	if (rc < 0 || !naccs_lockout_reached(rule, after, shared, count, now))
		return rc;
	until = naccs_lockout_until(rule, shared, now);
	rc = sq_run(s, NULL, err,
		    "UPDATE flags SET locked = 1, locked_at = ?2, lock_reason = ?3, "
		    "lock_until = nullif(?4, 0) WHERE identity = ?1",
		    "lltl", meta->id, now, NACCS_LOCKOUT_REASON, until);
	if (rc == 0) {
		if (until != 0)
			snprintf(detail, sizeof(detail), "%s: %u within %us, until %lld",
				 NACCS_LOCKOUT_REASON, count, rule->fail_interval,
				 (long long)until);
		else
			snprintf(detail, sizeof(detail), "%s: %u within %us, until unlocked",
				 NACCS_LOCKOUT_REASON, count, rule->fail_interval);
		rc = sq_registry_add(s, now, login, "locked", NACCS_LOCKOUT_ACTOR, detail, err);
	}
	if (rc == 0)
		rc = sq_load_state(s, login, meta, false, after, err);
	if (rc == 0)
		after->lock_taken = true;
	return rc;
}

/* The failures after the last login (all, when there was none: then
 * nothing is shown anyway), and the latest of them: the rows newer than
 * the one that login noted (last_success.failure_id, schema 7).  Row ids,
 * never times (whole seconds) nor the lockout's failure mark (an unlock
 * moves it): issue #16 saw 9 failures shown as 6 after an unlock. */
static int failures_after(struct sq *s, const char *login, int64_t id, struct naccs_login_notice *n,
			  struct naccs_err *err)
{
	sqlite3_stmt *st;
	int64_t count;
#define SINCE_LOGIN                                                                                \
	"identity = ?1 AND id > (SELECT coalesce(max(failure_id), 0) FROM last_success "           \
	"WHERE identity = ?1)"
	int rc = sq_prepare(s, &st, err,
			    "SELECT at, service, tty, rhost, (SELECT count(*) FROM failures "
			    "WHERE " SINCE_LOGIN ") FROM failures WHERE " SINCE_LOGIN
			    " ORDER BY id DESC LIMIT 1",
			    "l", id);
#undef SINCE_LOGIN
	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0) {
		n->has_last_failure = true;
		rc = sq_read_event(s, st, "failures", login, 0, &n->last_failure, err);
		count = sqlite3_column_int64(st, 4);
		n->failures = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The notices of a login: the last counted login (before->last_success)
 * and the failures since it, kept as the previous_login row with
 * recorded_at = ev->at.  pending: 1 a password auth noted this login and
 * no session took it yet; 2 the same, its notices shown at the end of auth
 * (notice_in_auth); 0 taken. */
int sq_keep_previous_login(struct sq *s, int64_t id, const struct naccs_account_state *before,
			   const struct naccs_login_event *ev, int64_t pending,
			   struct naccs_err *err)
{
	struct naccs_login_notice n;
	int rc = 0;

	memset(&n, 0, sizeof(n));
	if (before->has_last_success) {
		n.has_previous = true;
		n.previous = before->last_success;
		rc = failures_after(s, "", id, &n, err);
	}
	if (rc == 0)
		rc =
		    sq_run(s, NULL, err,
			   "INSERT OR REPLACE INTO previous_login (identity, recorded_at, pending, "
			   "at, service, tty, rhost, failures, fail_at, fail_service, fail_tty, "
			   "fail_rhost) VALUES (?1, ?2, ?3, nullif(?4, -1), ?5, ?6, ?7, ?8, "
			   "nullif(?9, -1), ?10, ?11, ?12)",
			   "lllltttllttt", id, ev->at, pending,
			   n.has_previous ? n.previous.at : (int64_t)-1, n.previous.service,
			   n.previous.tty, n.previous.rhost, (int64_t)n.failures,
			   n.has_last_failure ? n.last_failure.at : (int64_t)-1,
			   n.last_failure.service, n.last_failure.tty, n.last_failure.rhost);
	return rc;
}

/* The login counts: it becomes the last success, noting the newest failure
 * row (the next notice counts the rows after it). */
static int count_login(struct sq *s, int64_t id, const struct naccs_login_event *ev,
		       struct naccs_err *err)
{
	return sq_run(s, NULL, err,
		      "INSERT INTO last_success (identity, at, service, tty, rhost, "
		      "failure_id) VALUES (?1, ?2, ?3, ?4, ?5, (SELECT coalesce(max(id), 0) "
		      "FROM failures WHERE identity = ?1)) ON CONFLICT (identity) DO UPDATE SET "
		      "at = excluded.at, service = excluded.service, tty = excluded.tty, "
		      "rhost = excluded.rhost, failure_id = excluded.failure_id",
		      "llttt", id, ev->at, ev->service, ev->tty, ev->rhost);
}

/* The previous_login row: 1 and *n filled when it exists. */
static int read_previous(struct sq *s, const char *login, int64_t id, struct naccs_login_notice *n,
			 int64_t *recorded_at, int64_t *pending, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err,
			    "SELECT coalesce(at, -1), service, tty, rhost, coalesce(fail_at, -1), "
			    "fail_service, fail_tty, fail_rhost, failures, recorded_at, pending "
			    "FROM previous_login WHERE identity = ?1",
			    "l", id);

	if (rc < 0)
		return rc;
	memset(n, 0, sizeof(*n));
	rc = sq_step(s, st, err);
	if (rc > 0) {
		int64_t failures = sqlite3_column_int64(st, 8);

		n->has_previous = sqlite3_column_int64(st, 0) >= 0;
		n->has_last_failure = sqlite3_column_int64(st, 4) >= 0;
		n->failures = failures < 0	      ? 0
			      : failures > UINT32_MAX ? UINT32_MAX
						      : (uint32_t)failures;
		*recorded_at = sqlite3_column_int64(st, 9);
		*pending = sqlite3_column_int64(st, 10);
		if (n->has_previous)
			rc = sq_read_event(s, st, "previous_login", login, 0, &n->previous, err);
		if (rc >= 0 && n->has_last_failure)
			rc =
			    sq_read_event(s, st, "previous_login", login, 4, &n->last_failure, err);
		if (rc == 0)
			rc = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* This step's login counts: the notices of the previous one (kept with
 * pending), then it becomes the last success; *out the notices. */
static int count_now(struct sq *s, const char *login, const struct sq_ident_meta *meta,
		     const struct naccs_login_event *ev, int64_t pending,
		     struct naccs_login_notice *out, struct naccs_err *err)
{
	struct naccs_account_state before;
	int64_t recorded_at = 0, left = 0;
	int rc = sq_load_state(s, login, meta, false, &before, err);

	if (rc == 0)
		rc = sq_keep_previous_login(s, meta->id, &before, ev, pending, err);
	if (rc == 0)
		rc = count_login(s, meta->id, ev, err);
	if (rc == 0)
		rc = read_previous(s, login, meta->id, out, &recorded_at, &left, err);
	naccs_wipe(&before, sizeof(before));
	return rc > 0 ? 0 : rc;
}

int sq_session_login(void *impl, naccs_deadline_t dl, const char *login,
		     const struct naccs_login_event *ev, unsigned max_age,
		     enum naccs_login_step step, struct naccs_login_notice *out,
		     struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int64_t recorded_at = 0, pending = 0;
	bool noted;
	int rc = sq_tx_begin(s, dl, true, _("recording a session"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = read_previous(s, login, meta.id, out, &recorded_at, &pending, err);
	if (rc < 0)
		return sq_tx_end(s, rc, err);
	/* The password login auth noted, not yet taken by a session. */
	noted = rc == 1 && (pending == 1 || pending == 2) && ev->at >= recorded_at &&
		ev->at - recorded_at <= (int64_t)max_age;
	rc = 0;
	switch (step) {
	case NACCS_STEP_AUTH_END: /* its notices now, none at its session */
		if (!noted || pending != 1)
			memset(out, 0, sizeof(*out));
		else
			rc = sq_run(s, NULL, err,
				    "UPDATE previous_login SET pending = 2 WHERE identity = ?1",
				    "l", meta.id);
		break;
	case NACCS_STEP_ACCOUNT: /* a service without sessions: it counts now */
		if (noted)
			rc = count_now(s, login, &meta, ev, pending, out, err);
		memset(out, 0, sizeof(*out));
		break;
	case NACCS_STEP_SESSION_COUNTED: /* counted by the account step */
		if (noted && pending == 1)
			rc = sq_run(s, NULL, err,
				    "UPDATE previous_login SET pending = 0 WHERE identity = ?1",
				    "l", meta.id);
		else
			memset(out, 0, sizeof(*out));
		break;
	case NACCS_STEP_SESSION:
		/* The login now: the one auth noted, or another way in (an
		 * SSH key).  Its notices are the failures up to now; none when
		 * auth showed them already. */
		rc = count_now(s, login, &meta, ev, 0, out, err);
		if (noted && pending == 2)
			memset(out, 0, sizeof(*out));
		break;
	}
	return sq_tx_end(s, rc, err);
}

int sq_failures(void *impl, naccs_deadline_t dl, const char *login, int64_t since,
		naccs_failure_fn cb, void *ctx, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	struct naccs_login_event ev;
	sqlite3_stmt *st = NULL;
	int rc = sq_tx_begin(s, dl, false, _("listing failed logins"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT at, service, tty, rhost FROM failures WHERE identity = ?1 "
				"AND at >= ?2 ORDER BY at, id",
				"ll", meta.id, since);
	while (rc == 0) {
		rc = sq_step(s, st, err);
		if (rc <= 0)
			break;
		rc = sq_read_event(s, st, "failures", login, 0, &ev, err);
		if (rc == 0 && cb(ctx, &ev) != 0)
			break;
	}
	if (st != NULL)
		sqlite3_finalize(st);
	return sq_tx_end(s, rc, err);
}
