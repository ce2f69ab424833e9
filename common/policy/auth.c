/* The authentication phase (naccs_policy_authenticate): the look-up, the
 * verification inside the flood cap, and what a failure, a refused state
 * and a success record.  A shared admin ID's auth: access.c. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "audit/debug.h"
#include "audit/event.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "policy/internal.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "rules/flood.h"
#include "rules/lockout.h"
#include "rules/su.h"

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
	unsigned dropped = 0;
	int rc;

	policy_login_event(&ev, req);
	if (!out->known) {
		/* Attempts on unknown names are attempts to log on improperly,
		 * and the write makes them cost what a known user's failure
		 * costs.  Their number is capped (lockout.unknown_failures_max):
		 * a flood of random names cannot grow the store. */
		rc = naccs_store_record_unknown_failure(pol->store, policy_deadline(pol),
							policy_typed_name(pol->cfg, req, out), &ev,
							&dropped, err);
		if (rc == 0 && dropped > 0)
			report_pruned(req, dropped, pol->cfg->unknown_failures_max);
		naccs_lockout_generation(NULL, out->generation);
		return rc;
	}
	/* Recorded in the same transaction that counts the failures within
	 * the window and, at lockout.deny, locks the ID
	 * (UTS-2.2.1.1(1)(g)(ウ)), so concurrent attempts are all counted
	 * and lock exactly at the limit. */
	rc = naccs_store_record_failure(pol->store, policy_deadline(pol), out->identity.login, &ev,
					&after, err);
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
 * auth_refused(), never this. */
static enum naccs_outcome auth_failed(struct naccs_policy *pol, const struct naccs_request *req,
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
static enum naccs_outcome auth_refused(struct naccs_policy *pol, const struct naccs_request *req,
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
	const char *reason = NULL;
	int rc;

	policy_login_event(&ev, req);
	rc = naccs_store_record_success(pol->store, policy_deadline(pol), out->identity.login, &ev,
					&out->previous, err);
	naccs_wipe(out->previous.phc, sizeof(out->previous.phc));
	if (rc == -ECANCELED) { /* an administrator acted during the check */
		enum naccs_outcome refusal = policy_state_refusal(&out->previous, &reason);

		naccs_debug(pol->cfg->debug, "state changed during the verification: %s", reason);
		return auth_refused(pol, req, out, refusal, reason, &out->previous, err);
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
		    naccs_store_session_login(pol->store, policy_deadline(pol), out->identity.login,
					      &ev, NACCS_SESSION_MAX_AGE, NACCS_STEP_AUTH_END,
					      &out->notice, err) == 0;
	return policy_decide(out, req, "auth", NACCS_OUT_ALLOW, "password", NULL, NULL);
}

/* What the store says about the name: the ID and its state, or for a name
 * that is no ID the typical hash parameters (for the dummy's cost).  Either
 * way two read transactions, so both cost the same. */
static int look_up(struct naccs_policy *pol, const struct naccs_request *req,
		   struct naccs_decision *out, struct naccs_account_state *st,
		   char typical[NACCS_PHC_MAX], struct naccs_err *err)
{
	bool ambiguous = false;
	int rc = naccs_resolve_name(pol->store, policy_deadline(pol), req->user, &out->identity,
				    &ambiguous, err);

	if (rc == 0) {
		out->known = true;
		/* A name of the ID (its login or NACCS form): not a secret. */
		naccs_debug(pol->cfg->debug, "name '%s' is the ID '%s'%s", req->user,
			    out->identity.login,
			    ambiguous ? " (by its login; it also reads as another ID's NACCS "
					"user ID: fix the store)"
				      : "");
		rc = naccs_store_get_state(pol->store, policy_deadline(pol), out->identity.login,
					   st, err);
		if (rc == 0)
			naccs_debug(pol->cfg->debug,
				    "state: password %s, locked %d, suspended %d, retired %d, "
				    "must change %d",
				    st->has_password ? "set" : "none", st->locked, st->suspended,
				    st->retired, st->must_change);
		return rc;
	}
	if (rc != -ENOENT && rc != -EINVAL)
		return rc;
	naccs_debug(pol->cfg->debug, "name '%s' is no ID here",
		    naccs_debug_name(pol->cfg->debug, req->user));
	return naccs_store_typical_hash(pol->store, policy_deadline(pol), typical, err);
}

/* One verification (or its dummy), inside a slot of the flood cap
 * (rules/flood.h): at most max_concurrent_verifications at once on the
 * machine.  -EAGAIN when no slot came free in verification_wait_ms. */
int policy_verify(struct naccs_policy *pol, const struct naccs_decision *out,
		  const struct naccs_account_state *st, const char *typical,
		  enum naccs_outcome refusal, const char *password, bool *match, bool *needs_rehash,
		  struct naccs_err *err)
{
	struct naccs_flood_slot slot;
	char dir[PATH_MAX];
	int rc = naccs_flood_dir(pol->cfg->verification_lock_dir, pol->cfg->store_path, dir,
				 sizeof(dir));

	if (rc < 0)
		return naccs_err_set(err, -rc, _("flood cap: directory name too long"));
	rc = naccs_flood_acquire(dir, pol->cfg->max_concurrent_verifications,
				 pol->cfg->verification_wait_ms, pol->cfg->owner_uid, &slot, err);
	if (rc < 0)
		return rc;
	if (out->known && st->has_password && refusal == NACCS_OUT_ALLOW) {
		naccs_debug(pol->cfg->debug, "verifying the password");
		rc =
		    naccs_hash_verify(&pol->cfg->hash, st->phc, password, match, needs_rehash, err);
	} else {
		/* The same work as a real verification, and never a match:
		 * the state is checked first, so the answer cannot tell
		 * whether the password of a locked ID was right. */
		naccs_debug(pol->cfg->debug, "dummy verification with the cost of %s%s",
			    out->known && st->has_password ? "the ID's own hash"
			    : typical[0] != '\0'	   ? "the store's typical hash "
							   : "the configured parameters",
			    out->known ? "" : typical);
		rc = naccs_hash_dummy_verify_like(
		    &pol->cfg->hash, out->known && st->has_password ? st->phc : typical, password,
		    err);
	}
	naccs_flood_release(&slot);
	return rc;
}

enum naccs_outcome naccs_policy_authenticate(struct naccs_policy *pol,
					     const struct naccs_request *req, const char *password,
					     struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_account_state st;
	char typical[NACCS_PHC_MAX] = "";
	const char *reason = NULL;
	bool match = false, needs_rehash = false;
	enum naccs_outcome refusal = NACCS_OUT_ALLOW, result;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	rc = look_up(pol, req, out, &st, typical, err);
	if (rc < 0 && out->known) { /* an ID whose state cannot be read: fail closed */
		result = policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-read-failed",
				       NULL, err->msg);
		goto out;
	}
	if (rc < 0) { /* is it an ID at all?  The index says (issue 16) */
		result = naccs_policy_unavailable(pol->cfg, req, "auth", out, err->msg);
		goto out;
	}
	if (out->known && naccs_su_gated(&out->identity)) {
		result = policy_gated_auth(pol, req, password, &st, typical, out, err);
		goto out;
	}
	/* Refused before any hashing, for everybody alike. */
	if (password == NULL || strnlen(password, pol->cfg->hash.max_password_bytes + 1) >
				    pol->cfg->hash.max_password_bytes) {
		result = auth_failed(pol, req, out, "password-too-long", &st, err);
		goto out;
	}
	if (password[0] == '\0') { /* never a credential (UTS-2.2.1.1(1)(e)(ウ)) */
		result = auth_failed(pol, req, out, "empty-password", &st, err);
		goto out;
	}
	if (out->known)
		refusal = policy_state_refusal(&st, &reason);
	rc = policy_verify(pol, out, &st, typical, refusal, password, &match, &needs_rehash, err);
	if (rc == -EAGAIN) /* the flood cap: "try again", not a wrong password */
		result = policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verification-busy",
				       NULL, err->msg);
	else if (rc < 0)
		result = policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verify-failed",
				       NULL, err->msg);
	else if (refusal != NACCS_OUT_ALLOW)
		result = auth_refused(pol, req, out, refusal, reason, &st, err);
	else if (!match)
		result = auth_failed(pol, req, out, out->known ? "bad-password" : "unknown-user",
				     &st, err);
	else
		result = policy_auth_succeeded(pol, req, password, needs_rehash, &st, out, err);
out:
	naccs_debug(pol->cfg->debug, "authentication of '%s': %s",
		    out->known ? out->identity.login : naccs_debug_name(pol->cfg->debug, req->user),
		    naccs_outcome_name(result));
	naccs_wipe(&st, sizeof(st));
	naccs_wipe(typical, sizeof(typical));
	return result;
}
