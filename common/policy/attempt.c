/* What an authentication attempt leaves in the store and the trail: a
 * failure counted (and the lock it may take), a refused state counted, a
 * success recorded with its hash upgraded.  The phase itself: auth.c. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/debug.h"
#include "audit/event.h"
#include "base/secret.h"
#include "policy/internal.h"
#include "policy/login_note.h"
#include "policy/lockout.h"
#include "policy/policy.h"
#include "policy/settings.h"
#include "rules/lockout.h"

/* Upgrade a hash made with other parameters (UTS-2.2.1.6(1)(e)(イ)). A
 * failure here never fails the login: the old hash stays valid. */
static void rehash(struct naccs_policy *pol, const struct naccs_request *req, const char *login,
		   const char *old_phc, const char *password)
{
	char phc[NACCS_PHC_MAX];
	struct naccs_err err;
	struct naccs_event ev = {.type = "auth", .action = "rehash", .login = login};
	int rc;

	naccs_err_clear(&err);
	rc = naccs_hash_new(&pol->cfg->hash, password, phc, &err);
	if (rc == 0)
		rc = naccs_store_replace_hash(pol->store, policy_deadline(pol), login, old_phc, phc,
					      &err);
	naccs_wipe(phc, sizeof(phc));
	ev.result = rc == 0 ? "done" : "error";
	ev.detail = rc == 0 ? "hash parameters upgraded" : err.msg;
	policy_report(req, &ev);
}

/* Record a failed attempt: on the ID when the name is one, else as an
 * attempt on an unknown name.  Either is one transaction. */
static void report_pruned(const struct naccs_request *req, unsigned dropped, unsigned cap)
{
	char detail[160];
	struct naccs_event ev = {.type = "auth", .action = "prune", .result = "done"};

	snprintf(detail, sizeof(detail),
		 "%u oldest failures on unknown names dropped (lockout.unknown_failures_max = %u)",
		 dropped, cap);
	ev.detail = detail;
	policy_report(req, &ev);
}

static void report_locked(const struct naccs_request *req, const struct naccs_decision *d,
			  const struct naccs_account_state *after)
{
	char detail[160];
	struct naccs_event ev;

	policy_event_for(&ev, req, d);
	ev.type = "auth";
	ev.action = "lock";
	ev.result = "done";
	ev.reason = "too-many-failures";
	if (after->lock_until != 0)
		snprintf(detail, sizeof(detail), "locked until %lld", (long long)after->lock_until);
	else
		snprintf(detail, sizeof(detail), "locked until an administrator unlocks it");
	ev.detail = detail;
	policy_report(req, &ev);
}

static int record_failure(struct naccs_policy *pol, const struct naccs_request *req,
			  struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_login_event ev;
	struct naccs_account_state after;
	struct naccs_lockout_rule rule;
	unsigned dropped = 0;
	int rc;

	naccs_lockout_rule_from_config(pol->cfg, &rule);
	policy_login_event(&ev, req);
	if (!out->known) {
		/* Attempts on unknown names are attempts to log on improperly,
		 * and the write makes them cost what a known user's failure
		 * costs.  Their number is capped (lockout.unknown_failures_max):
		 * a flood of random names cannot grow the store. */
		rc = naccs_store_append_unknown_failure(
		    pol->store, policy_deadline(pol), policy_typed_name(pol->cfg, req, out), &ev,
		    rule.unknown_max, rule.retention_days * 86400u, &dropped, err);
		if (rc == 0 && dropped > 0)
			report_pruned(req, dropped, pol->cfg->unknown_failures_max);
		naccs_lockout_generation(NULL, out->generation);
		return rc;
	}
	/* Recorded in the same transaction that counts the failures within
	 * the window and, at lockout.deny, locks the ID
	 * (UTS-2.2.1.1(1)(g)(ウ), policy/lockout.h), so concurrent attempts
	 * are all counted and lock exactly at the limit. */
	rc = naccs_policy_count_failure(pol->store, policy_deadline(pol), &rule, &out->identity,
					&ev, NULL, &after, err);
	/* Only the transaction that took the lock reports it: the state read
	 * before the verification is stale under concurrent attempts, and
	 * each of them saw "unlocked before, locked after" (issue #16). */
	if (rc == 0 && after.lock_taken)
		report_locked(req, out, &after);
	if (rc == 0)
		naccs_lockout_generation(&after, out->generation);
	naccs_wipe(&after, sizeof(after));
	return rc;
}

/* A failed attempt.  A name that is no ID here (the same test as the
 * account phase: naccs_resolve_name() finds nothing) is NACCS_OUT_UNKNOWN,
 * "not mine": the stack goes on to the machine's own accounts (pam_unix),
 * so root and the other local accounts keep their passwords behind the
 * shipped profile's user_unknown=ignore.  It has cost exactly what a wrong
 * password of a known ID costs by then (the same look-up, a dummy
 * verification at the store's typical hash cost, one write transaction,
 * and the fail delay, which the PAM library applies to the stack's final
 * failure): only the code differs, and the stack, not the timing, decides
 * what the caller sees.  A retired, suspended or locked ID is an ID here:
 * policy_auth_refused(), never this. */
enum naccs_outcome policy_auth_failed(struct naccs_policy *pol, const struct naccs_request *req,
				      struct naccs_decision *out, const char *reason,
				      const struct naccs_account_state *st, struct naccs_err *err)
{
	if (record_failure(pol, req, out, err) < 0) {
		/* Recording an attempt on a name that is no ID never blocks the
		 * stack (a full disk must not lock root out, issue 16): still
		 * "not mine", with why it was not recorded. */
		if (!out->known)
			return policy_decide(out, req, "auth", NACCS_OUT_UNKNOWN, reason, NULL,
					     err->msg);
		return policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed",
				     NULL, err->msg);
	}
	/* Only a verification that found the password wrong (or a name that
	 * is no ID) may be remembered as wrong (issue #16). */
	out->verified_wrong =
	    strcmp(reason, "bad-password") == 0 || strcmp(reason, "unknown-user") == 0;
	return policy_decide(out, req, "auth",
			     out->known ? NACCS_OUT_BAD_CREDENTIALS : NACCS_OUT_UNKNOWN, reason,
			     NULL, NULL);
}

/* A locked, suspended or retired ID: the attempt is counted, and the answer
 * is a wrong password's unless the site chose to show the state
 * (auth.show_locked); the audit line always names the state. */
enum naccs_outcome policy_auth_refused(struct naccs_policy *pol, const struct naccs_request *req,
				       struct naccs_decision *out, enum naccs_outcome refusal,
				       const char *reason, const struct naccs_account_state *st,
				       struct naccs_err *err)
{
	if (record_failure(pol, req, out, err) < 0)
		return policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed",
				     NULL, err->msg);
	return policy_decide(out, req, "auth",
			     pol->cfg->show_locked ? refusal : NACCS_OUT_BAD_CREDENTIALS, reason,
			     st, NULL);
}

enum naccs_outcome policy_auth_succeeded(struct naccs_policy *pol, const struct naccs_request *req,
					 const char *password, bool needs_rehash,
					 const struct naccs_account_state *st,
					 struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_login_event ev;
	struct naccs_lockout_rule rule;
	const char *reason = NULL;
	int rc;

	naccs_lockout_rule_from_config(pol->cfg, &rule);
	policy_login_event(&ev, req);
	/* Only if the state is still st, read before the verification
	 * (policy/lockout.h). */
	rc = naccs_policy_note_success(pol->store, policy_deadline(pol), &rule, out->identity.login,
				       &ev, st, NULL, &out->previous, err);
	naccs_wipe(out->previous.phc, sizeof(out->previous.phc));
	if (rc == -ECANCELED) { /* an administrator acted during the check */
		enum naccs_outcome refusal = policy_state_refusal(&out->previous, &reason);

		naccs_debug(pol->cfg->debug, "state changed during the verification: %s", reason);
		return policy_auth_refused(pol, req, out, refusal, reason, &out->previous, err);
	}
	if (rc < 0)
		return policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed",
				     NULL, err->msg);
	out->has_previous = true;
	if (needs_rehash)
		rehash(pol, req, out->identity.login, st->phc, password);
	/* For services without sessions (notice_in_auth): the notices now. A
	 * failure here never fails the login. */
	if (pol->cfg->notice_in_auth)
		out->has_notice =
		    naccs_policy_session_login(pol->store, policy_deadline(pol),
					       out->identity.login, &ev, NACCS_SESSION_MAX_AGE,
					       NACCS_STEP_AUTH_END, &out->notice, err) == 0;
	return policy_decide(out, req, "auth", NACCS_OUT_ALLOW, "password", NULL, NULL);
}
