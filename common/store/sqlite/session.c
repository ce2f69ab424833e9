/* The SQLite backend of the credential store: the note of the last login
 * (the login counted before it and the failures since, kept for the
 * session notices, UTS-2.2.1.1(1)(g)(イ), (ウ)), read, marked or counted as
 * the policy says (policy/login_note.c decides which step does what), a
 * compare-and-set on the note it read. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "store/sqlite/internal.h"

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

/* The note of login: read_previous into out. */
static int read_note(struct sq *s, const char *login, int64_t id, struct naccs_login_note *out,
		     struct naccs_err *err)
{
	int64_t pending = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = read_previous(s, login, id, &out->notice, &out->recorded_at, &pending, err);
	out->exists = rc > 0;
	out->pending = (int)pending;
	return rc < 0 ? rc : 0;
}

int sq_login_note(void *impl, naccs_deadline_t dl, const char *login, struct naccs_login_note *out,
		  struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int rc = sq_tx_begin(s, dl, false, _("reading a session"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = read_note(s, login, meta.id, out, err);
	return sq_tx_end(s, rc, err);
}

/* The note still *expect (its row, time and mark), then the action. */
int sq_session_write(void *impl, naccs_deadline_t dl, const char *login,
		     const struct naccs_login_event *ev, const struct naccs_login_note *expect,
		     enum naccs_note_action action, int pending, struct naccs_login_note *out,
		     struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int rc = sq_tx_begin(s, dl, true, _("recording a session"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = read_note(s, login, meta.id, out, err);
	if (rc == 0 && (out->exists != expect->exists || out->pending != expect->pending ||
			(out->exists && out->recorded_at != expect->recorded_at)))
		rc = naccs_err_set(err, ESTALE,
				   _("credential store %s: the session record of '%s' changed "
				     "meanwhile"),
				   s->path, login);
	if (rc == 0 && action == NACCS_NOTE_MARK)
		rc = sq_run(s, NULL, err,
			    "UPDATE previous_login SET pending = ?2 WHERE identity = ?1", "ll",
			    meta.id, (int64_t)pending);
	else if (rc == 0)
		rc = count_now(s, login, &meta, ev, pending, &out->notice, err);
	if (rc == 0)
		rc = read_note(s, login, meta.id, out, err);
	return sq_tx_end(s, rc, err);
}
