/* The lockout rule (rules/lockout.c) over the store's persistence verbs
 * (UTS-2.2.1.1(1)(g)(ウ)).  The store appends a failure, counts it and
 * takes a lock in one transaction, but only with the numbers and the
 * condition given here: which window, from when, at which count, for how
 * long, and "only if the lock is still as read".  A backend implements
 * storage only; it never copies this rule. */
#ifndef NACCS_POLICY_LOCKOUT_H
#define NACCS_POLICY_LOCKOUT_H

#include <stdint.h>

#include "base/err.h"
#include "base/time.h"
#include "rules/lockout.h"
#include "store/store.h"

/* What append_failure is to do for a failure of id at at, given the state
 * seen (read just before) and the rule: the window, the floor (a timed lock
 * that ended spent its failures), the count that locks (none when the rule
 * never locks this ID or a lock is in force), the lock's length, and the
 * retention of old rows. */
void naccs_policy_failure_write(const struct naccs_lockout_rule *rule,
				const struct naccs_identity *id,
				const struct naccs_account_state *seen, int64_t at,
				const uint8_t *request_id, struct naccs_failure_write *w);

/* A failed attempt on id: its state read, then the failure appended with
 * naccs_policy_failure_write's data, one transaction.  *after as
 * naccs_store_append_failure gives it (after->lock_taken: this attempt
 * locked the ID).  Exact under concurrency: the count is read in the
 * transaction that added the row, and the lock is a compare-and-set on the
 * lock columns seen, so of concurrent attempts exactly one takes it; a
 * change between the read and the write (a lock, an unlock, a success) is
 * one after which no lock is due, or the next failure takes it. */
int naccs_policy_count_failure(struct naccs_store *st, naccs_deadline_t dl,
			       const struct naccs_lockout_rule *rule,
			       const struct naccs_identity *id, const struct naccs_login_event *ev,
			       const uint8_t *request_id, struct naccs_account_state *after,
			       struct naccs_err *err);

/* A successful check of login whose state was seen before the check: the
 * success recorded only if the state is still seen (compare-and-set); a
 * timed lock seen ended is cleared in that transaction.  When the state
 * changed meanwhile (another login, an unlock) and nothing bars the ID
 * now (naccs_state_bars), it is tried again against the state now; when
 * something bars it (locked, suspended, retired meanwhile) -ECANCELED with
 * that state in *before, and nothing is written. */
int naccs_policy_note_success(struct naccs_store *st, naccs_deadline_t dl,
			      const struct naccs_lockout_rule *rule, const char *login,
			      const struct naccs_login_event *ev,
			      const struct naccs_account_state *seen, const uint8_t *request_id,
			      struct naccs_account_state *before, struct naccs_err *err);

#endif
