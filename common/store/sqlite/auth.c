/* The SQLite backend of the credential store: what a login needs.
 *
 * Look-ups (by login, NACCS user ID or uid), the account state, a
 * successful check recorded (one transaction, a compare-and-set on the
 * state the caller read) and the transparent re-hash after it.  Failures:
 * store/sqlite/failure.c. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/i18n.h"
#include "store/sqlite/internal.h"

/* ---- look-ups -------------------------------------------------------- */

int sq_find(void *impl, naccs_deadline_t dl, const char *login, struct naccs_identity *out,
	    struct naccs_err *err)
{
	struct sq *s = impl;
	struct sq_ident_meta meta;
	int rc = sq_tx_begin(s, dl, false, _("looking up an identity"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, out, &meta, err);
	return sq_tx_end(s, rc, err);
}

int sq_find_by_user_id(void *impl, naccs_deadline_t dl, const struct naccs_user_id *u,
		       struct naccs_identity *out, struct naccs_err *err)
{
	struct sq *s = impl;
	struct sq_ident_meta meta;
	int rc = sq_tx_begin(s, dl, false, _("looking up a NACCS user ID"), err);

	if (rc == 0)
		rc = sq_identity_by_user_id(s, u, out, &meta, err);
	return sq_tx_end(s, rc, err);
}

int sq_find_by_uid(void *impl, naccs_deadline_t dl, uint32_t uid, struct naccs_identity *out,
		   struct naccs_err *err)
{
	struct sq *s = impl;
	struct sq_ident_meta meta;
	sqlite3_stmt *st;
	char what[32];
	int rc = sq_tx_begin(s, dl, false, _("looking up a uid"), err);

	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT " SQ_IDENTITY_COLS " FROM identities WHERE uid = ?1", "l",
				(int64_t)uid);
	if (rc == 0) {
		snprintf(what, sizeof(what), _("with uid %lu"), (unsigned long)uid);
		rc = sq_fetch_identity(s, st, what, out, &meta, err);
	}
	return sq_tx_end(s, rc, err);
}

int sq_get_state(void *impl, naccs_deadline_t dl, const char *login,
		 struct naccs_account_state *out, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int rc = sq_tx_begin(s, dl, false, _("reading an account state"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_load_state(s, login, &meta, true, out, err);
	return sq_tx_end(s, rc, err);
}

/* ---- login outcomes -------------------------------------------------- */

/* Failures up to now stop counting (a success or an unlock). */
static int reset_failures(struct sq *s, int64_t id, struct naccs_err *err)
{
	return sq_run(s, NULL, err,
		      "UPDATE flags SET failure_mark = (SELECT coalesce(max(id), 0) "
		      "FROM failures WHERE identity = ?1) WHERE identity = ?1",
		      "l", id);
}

/* A request id this ID's success was recorded with before: 1. */
static int success_seen(struct sq *s, int64_t id, const uint8_t *rid, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(
	    s, &st, err, "SELECT 1 FROM success_requests WHERE identity = ?1 AND request_id = ?2",
	    "lr", id, rid);

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	sqlite3_finalize(st);
	return rc > 0 ? 1 : rc;
}

/* The request id kept (older ones pruned, a batch at a time). */
static int keep_request(struct sq *s, int64_t id, const struct naccs_success_write *w, int64_t at,
			struct naccs_err *err)
{
	int rc =
	    sq_run(s, NULL, err,
		   "INSERT INTO success_requests (identity, request_id, at) VALUES (?1, ?2, ?3)",
		   "lrl", id, w->request_id, at);

	if (rc == 0 && w->retain != 0)
		rc = sq_run(s, NULL, err,
			    "DELETE FROM success_requests WHERE rowid IN (SELECT rowid FROM "
			    "success_requests WHERE at < ?1 ORDER BY at LIMIT 64)",
			    "l", at - (int64_t)w->retain);
	return rc;
}

/* The state before; if it is still what the caller read (w->expect), the
 * failures so far stop counting towards a lock, the lock is cleared when
 * the caller asks, and the login is noted (pending) with its notices: it
 * counts only when its session opens, or, on a service without sessions,
 * when the account phase allows it too (naccs_policy_session_login; issue
 * #16). */
int sq_record_success(void *impl, naccs_deadline_t dl, const char *login,
		      const struct naccs_login_event *ev, const struct naccs_success_write *w,
		      struct naccs_account_state *before, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct naccs_state_stamp now;
	struct sq_ident_meta meta;
	const uint8_t *rid = w != NULL ? w->request_id : NULL;
	int rc = sq_tx_begin(s, dl, true, _("recording a successful login"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0 && rid != NULL)
		rc = success_seen(s, meta.id, rid, err);
	if (rc == 0)
		rc = sq_load_state(s, login, &meta, false, before, err);
	else if (rc > 0) /* the same request again: nothing written */
		return sq_tx_end(s, sq_load_state(s, login, &meta, false, before, err), err);
	/* The flags as they are now against those the caller read before the
	 * password was checked: a change meanwhile is the caller's to judge. */
	if (rc == 0 && w != NULL && w->expect != NULL) {
		naccs_store_stamp_of(before, &now);
		if (!naccs_store_stamp_same(&now, w->expect, false))
			rc =
			    naccs_err_set(err, ECANCELED,
					  _("credential store %s: the state of '%s' changed during "
					    "the login; success not recorded"),
					  s->path, login);
	}
	/* Noted with the notices of the login before it; not counted yet. */
	if (rc == 0)
		rc = sq_keep_previous_login(s, meta.id, before, ev, 1, err);
	if (rc == 0)
		rc = reset_failures(s, meta.id, err);
	if (rc == 0 && w != NULL && w->clear_lock && w->expect != NULL && before->locked)
		rc = sq_run(s, NULL, err,
			    "UPDATE flags SET locked = 0, locked_at = NULL, lock_reason = '', "
			    "lock_until = NULL WHERE identity = ?1",
			    "l", meta.id);
	if (rc == 0 && rid != NULL)
		rc = keep_request(s, meta.id, w, ev->at, err);
	return sq_tx_end(s, rc, err);
}

/* ---- re-hash --------------------------------------------------------- */

/* Compare-and-swap of the hash alone: no history, no change of the
 * password's age (the password itself did not change). */
int sq_replace_hash(void *impl, naccs_deadline_t dl, const char *login, const char *old_phc,
		    const char *new_phc, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int changes = 0;
	int rc = sq_tx_begin(s, dl, true, _("upgrading a hash"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_refuse_retired(s, login, &meta, err);
	if (rc == 0)
		rc = sq_run(s, &changes, err,
			    "UPDATE credentials SET phc = ?3 WHERE identity = ?1 AND phc = ?2",
			    "ltt", meta.id, old_phc, new_phc);
	if (rc == 0 && changes == 0)
		rc = naccs_err_set(err, ESTALE,
				   _("credential store %s: the credential of '%s' changed "
				     "meanwhile; hash left as it is"),
				   s->path, login);
	rc = sq_tx_end(s, rc, err);
	if (rc == 0)
		sq_erase_old_pages(s); /* the weaker hash must not linger */
	return rc;
}
