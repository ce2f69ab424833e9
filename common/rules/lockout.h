/* The lockout rules (UTS-2.2.1.1(1)(g)(ウ)): which failures count, when they
 * lock an ID, and whether a lock is in force now.  Pure functions of a rule
 * and a clock reading: the policy turns them into the data of the store's
 * failure write (policy/lockout.c: the failure that reaches the limit
 * locks in the transaction that records it), and every reader (auth, account, naccsctl) asks
 * naccs_lockout_in_force, so a timed lock ends in one place and nobody
 * writes the locked flag back when it ends. */
#ifndef NACCS_LOCKOUT_H
#define NACCS_LOCKOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/text.h"
#include "crypto/phc.h"
#include "rules/notice.h"

/* Private state of an identity, as the store keeps it: the facts these
 * rules judge.  phc is secret-adjacent: wipe after use. */
struct naccs_account_state {
	bool has_password;
	char phc[NACCS_PHC_MAX];
	int64_t password_changed_at;
	bool must_change; /* set by an administrator's issue/reset */

	bool locked;
	int64_t locked_at;
	char lock_reason[NACCS_TEXT_MAX];
	int64_t lock_until; /* a timed lock ends then; 0: until an administrator
			       unlocks.  Whether a lock is in force now:
			       naccs_lockout_in_force */
	bool suspended;
	int64_t suspended_at;
	char suspend_reason[NACCS_TEXT_MAX];
	bool retired; /* tombstone: never usable or re-issued again */
	int64_t retired_at;

	bool has_last_success;
	struct naccs_login_event last_success;
	uint32_t failures_since_success; /* failures recorded after last_success */
	bool has_last_failure;
	struct naccs_login_event last_failure;

	int64_t failure_mark; /* the failures counted are the newer ones: moves
				 at our own successful check and at an unlock
				 (naccs_lockout_generation) */
	bool lock_taken;      /* naccs_store_append_failure only: this very
				 transaction moved the ID from unlocked to locked
				 (the one that reports the lock, issue #16) */
};

/* The rule: [lockout] of naccs.conf (naccs_lockout_rule_from_config,
 * policy/settings.h). */
struct naccs_lockout_rule {
	unsigned deny;		     /* failures within fail_interval that lock; 0: never */
	unsigned fail_interval;	     /* seconds */
	unsigned unlock_time;	     /* seconds; 0: an administrator unlocks */
	bool deny_shared;	     /* shared IDs (root-like) lock too */
	unsigned shared_unlock_time; /* their unlock_time; 0: administrator only */
	unsigned retention_days;     /* failure rows older than this are pruned */
	unsigned unknown_max;	     /* at most this many unknown-name failures kept */
};

/* The reason written with an automatic lock (the registry and flags). */
#define NACCS_LOCKOUT_REASON "too many failed logins"
/* The actor of an automatic lock in the registry. */
#define NACCS_LOCKOUT_ACTOR "naccs-auth"

/* No automatic lock; failures kept 400 days, unknown names capped. */
void naccs_lockout_rule_default(struct naccs_lockout_rule *rule);

/* Is the lock of st in force at now?  A timed lock (lock_until > 0) ends by
 * itself at lock_until; lock_until == 0 is until an administrator unlocks. */
bool naccs_lockout_in_force(const struct naccs_account_state *st, int64_t now);

/* What keeps an ID out at now whatever the credential, as bits: retired,
 * suspended, and a lock in force (naccs_lockout_in_force: a timed lock that
 * has ended is none).  The one rule every path asks (auth, account, the
 * password change, naccs_chkpwd through them, the store's success
 * transaction) and every display (naccsctl user show, user list), so they
 * never disagree (UTS-2.2.1.1(1)(d), (g)(ウ); UTS-2.2.1.3(2)(g)(ウ)). */
#define NACCS_BAR_RETIRED   1u
#define NACCS_BAR_SUSPENDED 2u
#define NACCS_BAR_LOCKED    4u
unsigned naccs_state_bars(const struct naccs_account_state *st, int64_t now);

/* The ID's failure/lock generation, as text: it changes when the failures
 * stop counting (our own successful check, an unlock), when a lock is taken
 * or lifted, and when the password is set.  A wrong password found by a
 * real verification stays wrong only within it (pam_naccs's repeat cache,
 * issue #16).  st == NULL: a name that is no ID here. */
#define NACCS_GENERATION_MAX 128
void naccs_lockout_generation(const struct naccs_account_state *st, char out[NACCS_GENERATION_MAX]);

/* The earliest time a failure counts towards a lock at now: inside the
 * window, and after a timed lock that has ended (its failures are spent). */
int64_t naccs_lockout_count_from(const struct naccs_lockout_rule *rule,
				 const struct naccs_account_state *st, int64_t now);

/* Do count failures (the one just recorded included) lock the ID?  Never
 * for a shared ID unless deny_shared, never when already locked. */
bool naccs_lockout_reached(const struct naccs_lockout_rule *rule,
			   const struct naccs_account_state *st, bool shared, uint32_t count,
			   int64_t now);

/* When a lock taken at now ends: 0 for "an administrator unlocks". */
int64_t naccs_lockout_until(const struct naccs_lockout_rule *rule, bool shared, int64_t now);

/* Failures recorded before this time may be pruned. */
int64_t naccs_lockout_prune_before(const struct naccs_lockout_rule *rule, int64_t now);

#endif
