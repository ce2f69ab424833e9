/* The SQLite backend of the credential store: failed attempts.  A failure
 * is appended, counted in the window the caller gives and, when the
 * caller's data says so, locks the ID, all in one transaction
 * (UTS-2.2.1.1(1)(g)(ウ)); which numbers apply is the policy's
 * (policy/lockout.c, rules/lockout.c), never decided here.  Also: attempts
 * on unknown names, pruning, and the failures a page at a time. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "store/sqlite/internal.h"

/* Rows pruned per transaction at most: a login never pays for a backlog. */
#define PRUNE_BATCH 64

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

static uint32_t clamp_count(int64_t n)
{
	return n < 0 ? 0 : n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* A failure of the ID with this request id: 1 and what it answered. */
static int replayed(struct sq *s, int64_t id, const uint8_t *rid, uint32_t *count, bool *took,
		    struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err,
			    "SELECT counted, took_lock FROM failures WHERE identity = ?1 "
			    "AND request_id = ?2",
			    "lr", id, rid);

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0) {
		*count = clamp_count(sqlite3_column_int64(st, 0));
		*took = sqlite3_column_int64(st, 1) != 0;
		rc = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The ID's failures after its failure mark (its last reset: a success, an
 * unlock) recorded at or after from. */
static int count_from(struct sq *s, int64_t id, int64_t from, uint32_t *count,
		      struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc =
	    sq_prepare(s, &st, err,
		       "SELECT count(*) FROM failures WHERE identity = ?1 AND at >= ?2 AND "
		       "id > coalesce((SELECT failure_mark FROM flags WHERE identity = ?1), 0)",
		       "ll", id, from);

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	*count = rc > 0 ? clamp_count(sqlite3_column_int64(st, 0)) : 0;
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The lock w asks for, when count reaches w->lock_at and the lock columns
 * are still w->expect (state: read in this transaction): *took. */
static int take_lock(struct sq *s, const char *login, int64_t id,
		     const struct naccs_failure_write *w, const struct naccs_account_state *state,
		     int64_t at, uint32_t count, bool *took, struct naccs_err *err)
{
	struct naccs_state_stamp now;
	char detail[NACCS_TEXT_MAX];
	int64_t until = w->lock_for != 0 ? at + (int64_t)w->lock_for : 0;
	int rc;

	naccs_store_stamp_of(state, &now);
	if (w->lock_at == 0 || count < w->lock_at ||
	    !naccs_store_stamp_same(&now, &w->expect, true))
		return 0;
	rc = sq_run(s, NULL, err,
		    "UPDATE flags SET locked = 1, locked_at = ?2, lock_reason = ?3, "
		    "lock_until = nullif(?4, 0) WHERE identity = ?1",
		    "lltl", id, at, w->reason, until);
	if (rc < 0)
		return rc;
	if (until != 0)
		snprintf(detail, sizeof(detail), "%s: %u within %us, until %lld", w->reason, count,
			 w->window, (long long)until);
	else
		snprintf(detail, sizeof(detail), "%s: %u within %us, until unlocked", w->reason,
			 count, w->window);
	rc = sq_registry_add(s, at, login, "locked", w->actor, detail, err);
	*took = rc == 0;
	return rc;
}

/* The failure, the count and the lock of w, in one transaction (a serial
 * writer: every concurrent failure of the ID sees the rows of the ones
 * before it, so N failures count N and one of them takes the lock). */
static int append(struct sq *s, const char *login, const struct sq_ident_meta *meta,
		  const struct naccs_login_event *ev, const struct naccs_failure_write *w,
		  struct naccs_account_state *after, uint32_t *count, struct naccs_err *err)
{
	const uint8_t *rid = w != NULL ? w->request_id : NULL;
	bool took = false;
	int64_t row, from;
	int rc = rid != NULL ? replayed(s, meta->id, rid, count, &took, err) : 0;

	if (rc != 0) { /* the same request again: nothing written */
		if (rc > 0)
			rc = sq_load_state(s, login, meta, false, after, err);
		after->lock_taken = rc == 0 && took;
		return rc;
	}
	rc = sq_run(s, NULL, err,
		    "INSERT INTO failures (identity, at, service, tty, rhost, request_id) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		    "lltttr", meta->id, ev->at, ev->service, ev->tty, ev->rhost, rid);
	row = sqlite3_last_insert_rowid(s->db);
	if (rc == 0 && w != NULL && w->retain != 0)
		rc = sq_prune(s, "failures", ev->at - (int64_t)w->retain, err);
	if (rc == 0)
		rc = sq_load_state(s, login, meta, false, after, err);
	if (rc < 0 || w == NULL)
		return rc;
	from = w->window != 0 ? ev->at - (int64_t)w->window + 1 : INT64_MIN;
	if (w->not_before > from)
		from = w->not_before;
	rc = count_from(s, meta->id, from, count, err);
	if (rc == 0 && !meta->retired)
		rc = take_lock(s, login, meta->id, w, after, ev->at, *count, &took, err);
	if (rc == 0 && took)
		rc = sq_load_state(s, login, meta, false, after, err);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "UPDATE failures SET counted = ?2, took_lock = ?3 WHERE id = ?1", "lld",
			    row, (int64_t)*count, took ? 1 : 0);
	after->lock_taken = rc == 0 && took;
	return rc;
}

int sq_append_failure(void *impl, naccs_deadline_t dl, const char *login,
		      const struct naccs_login_event *ev, const struct naccs_failure_write *w,
		      struct naccs_account_state *after, uint32_t *count, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	uint32_t n = 0;
	int rc = sq_tx_begin(s, dl, true, _("recording a failed login"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = append(s, login, &meta, ev, w, after, &n, err);
	if (count != NULL)
		*count = rc == 0 ? n : 0;
	return sq_tx_end(s, rc, err);
}

/* An attempt on a name that is no identity: one transaction, like
 * sq_append_failure, so both cost the same. */
int sq_append_unknown_failure(void *impl, naccs_deadline_t dl, const char *name,
			      const struct naccs_login_event *ev, unsigned keep_max,
			      unsigned retain, unsigned *dropped, struct naccs_err *err)
{
	struct sq *s = impl;
	int changes = 0;
	int rc = sq_tx_begin(s, dl, true, _("recording a failed login"), err);

	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "INSERT INTO unknown_failures (name, at, service, tty, rhost) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)",
			    "tlttt", name, ev->at, ev->service, ev->tty, ev->rhost);
	/* The oldest rows beyond keep_max go (ids only grow: AUTOINCREMENT). */
	if (rc == 0 && keep_max != 0)
		rc = sq_run(s, &changes, err,
			    "DELETE FROM unknown_failures WHERE id <= last_insert_rowid() - ?1",
			    "l", (int64_t)keep_max);
	if (rc == 0 && retain != 0)
		rc = sq_prune(s, "unknown_failures", ev->at - (int64_t)retain, err);
	if (dropped != NULL)
		*dropped = rc == 0 && changes > 0 ? (unsigned)changes : 0;
	return sq_tx_end(s, rc, err);
}

int sq_failure_page(void *impl, naccs_deadline_t dl, const char *login, int64_t since,
		    struct naccs_failure_cursor *cursor, struct naccs_login_event *out, size_t max,
		    size_t *n, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	sqlite3_stmt *st = NULL;
	int rc = sq_tx_begin(s, dl, false, _("listing failed logins"), err);

	*n = 0;
	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	/* Keyset paging on (at, id): rows pruned or added between two pages
	 * never shift the next one. */
	if (rc == 0)
		rc = sq_prepare(
		    s, &st, err,
		    "SELECT at, service, tty, rhost, id FROM failures WHERE identity = ?1 "
		    "AND at >= ?2 AND (?4 = 0 OR at > ?3 OR (at = ?3 AND id > ?4)) "
		    "ORDER BY at, id LIMIT ?5",
		    "lllll", meta.id, since, cursor->at, cursor->id, (int64_t)max);
	while (rc == 0 && *n < max) {
		rc = sq_step(s, st, err);
		if (rc <= 0)
			break;
		rc = sq_read_event(s, st, "failures", login, 0, &out[*n], err);
		if (rc == 0) {
			cursor->at = out[*n].at;
			cursor->id = sqlite3_column_int64(st, 4);
			(*n)++;
		}
	}
	if (st != NULL)
		sqlite3_finalize(st);
	if (rc < 0)
		*n = 0;
	return sq_tx_end(s, rc, err);
}
