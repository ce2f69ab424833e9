/* The SQLite backend of the credential store: what a login needs.
 *
 * Look-ups (by login, NACCS user ID or uid), the account state, the
 * outcome of a login (failure or success, each one transaction so
 * concurrent logins never lose a count) and the transparent re-hash after
 * a successful login. */
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

/* The failure is added and the state read back in one transaction, so N
 * concurrent failures always count N (UTS-2.2.1.1(1)(g)(ウ)).  The state
 * returned carries no hash: the caller needs the counts and flags. */
int sq_record_failure(void *impl, naccs_deadline_t dl, const char *login,
		      const struct naccs_login_event *ev, struct naccs_account_state *after,
		      struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int rc = sq_tx_begin(s, dl, true, _("recording a failed login"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "INSERT INTO failures (identity, at, service, tty, rhost) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)",
			    "llttt", meta.id, ev->at, ev->service, ev->tty, ev->rhost);
	/* The failure that reaches the limit locks, in this transaction. */
	if (rc == 0)
		rc = sq_failure_lockout(s, login, &id, &meta, ev->at, after, err);
	return sq_tx_end(s, rc, err);
}

/* An attempt on a name that is no identity: one transaction, like
 * sq_record_failure, so both cost the same. */
int sq_record_unknown_failure(void *impl, naccs_deadline_t dl, const char *name,
			      const struct naccs_login_event *ev, unsigned *dropped,
			      struct naccs_err *err)
{
	struct sq *s = impl;
	int changes = 0;
	int rc = sq_tx_begin(s, dl, true, _("recording a failed login"), err);

	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "INSERT INTO unknown_failures (name, at, service, tty, rhost) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)",
			    "tlttt", name, ev->at, ev->service, ev->tty, ev->rhost);
	/* A flood of random names cannot grow the store without limit: the
	 * oldest rows beyond unknown_max go (ids only grow: AUTOINCREMENT). */
	if (rc == 0)
		rc = sq_run(s, &changes, err,
			    "DELETE FROM unknown_failures WHERE id <= last_insert_rowid() - ?1",
			    "l", (int64_t)s->lockout.unknown_max);
	if (rc == 0)
		rc = sq_prune(s, "unknown_failures",
			      naccs_lockout_prune_before(&s->lockout, ev->at), err);
	if (dropped != NULL)
		*dropped = rc == 0 && changes > 0 ? (unsigned)changes : 0;
	return sq_tx_end(s, rc, err);
}

/* Failures up to now stop counting (a success or an unlock). */
static int reset_failures(struct sq *s, int64_t id, struct naccs_err *err)
{
	return sq_run(s, NULL, err,
		      "UPDATE flags SET failure_mark = (SELECT coalesce(max(id), 0) "
		      "FROM failures WHERE identity = ?1) WHERE identity = ?1",
		      "l", id);
}

/* The state before, then the failures so far stop counting towards a lock,
 * and the login is noted (pending) with its notices: it counts only when
 * its session opens, or, on a service without sessions, when the account
 * phase allows it too (naccs_store_session_login; issue #16). */
int sq_record_success(void *impl, naccs_deadline_t dl, const char *login,
		      const struct naccs_login_event *ev, struct naccs_account_state *before,
		      struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int rc = sq_tx_begin(s, dl, true, _("recording a successful login"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_load_state(s, login, &meta, false, before, err);
	/* The flags as they are now, not as they were before the password was
	 * checked: an ID locked or suspended meanwhile gets no success. */
	if (rc == 0 && naccs_state_bars(before, ev->at) != 0)
		rc = naccs_err_set(err, ECANCELED,
				   _("credential store %s: '%s' was locked, suspended or retired "
				     "during the login; success not recorded"),
				   s->path, login);
	/* Noted with the notices of the login before it; not counted yet. */
	if (rc == 0)
		rc = sq_keep_previous_login(s, meta.id, before, ev, 1, err);
	if (rc == 0)
		rc = reset_failures(s, meta.id, err);
	/* A timed lock that has ended is cleared here, in the transaction
	 * of our own successful check (nobody else writes it back). */
	if (rc == 0 && before->locked)
		rc = sq_run(s, NULL, err,
			    "UPDATE flags SET locked = 0, locked_at = NULL, lock_reason = '', "
			    "lock_until = NULL WHERE identity = ?1 AND lock_until IS NOT NULL "
			    "AND lock_until <= ?2",
			    "ll", meta.id, ev->at);
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
