/* The authentication phase (naccs_policy_authenticate): the look-up, the
 * verification inside the flood cap, a shared admin ID's auth (the su
 * gate, a switch's failure counted on the invoker); what each outcome
 * records: attempt.c. */
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
#include "policy/lockout.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "rules/flood.h"
#include "rules/lockout.h"
#include "rules/su.h"
#include "policy/settings.h"
#include "policy/su.h"

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
static int verify(struct naccs_policy *pol, const struct naccs_decision *out,
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

/* A wrong password (or a refused state of the target) in a switch by an
 * allowed person: the failure of that person's own ID, never the
 * target's (#16: else anyone could lock root out).  Recorded with the
 * service "SERVICE:TARGET" ("su:root"), so it reads as a switch failure;
 * at lockout.deny it locks the invoker's ID (its unlock_time), which then
 * may neither switch nor log in. */
static enum naccs_outcome
switch_failed(struct naccs_policy *pol, const struct naccs_request *req, struct naccs_decision *out,
	      const struct naccs_identity *invoker, enum naccs_outcome refusal, const char *reason,
	      const struct naccs_account_state *st, const char *detail, struct naccs_err *err)
{
	struct naccs_login_event ev;
	struct naccs_account_state after;
	struct naccs_lockout_rule rule;
	enum naccs_outcome o = pol->cfg->show_locked && refusal != NACCS_OUT_ALLOW
				   ? refusal
				   : NACCS_OUT_BAD_CREDENTIALS;
	int rc;

	policy_login_event(&ev, req);
	snprintf(ev.service, sizeof(ev.service), "%.31s:%.31s", req->service ? req->service : "",
		 out->identity.login);
	naccs_lockout_rule_from_config(pol->cfg, &rule);
	rc = naccs_policy_count_failure(pol->store, policy_deadline(pol), &rule, invoker, &ev, NULL,
					&after, err);
	if (rc < 0)
		return policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed",
				     NULL, err->msg);
	/* The invoker was usable (the verdict): a lock in force now is new. */
	if (naccs_lockout_in_force(&after, ev.at)) {
		char text[160];
		struct naccs_event lock = {.type = "auth",
					   .action = "lock",
					   .result = "done",
					   .reason = "too-many-switch-failures",
					   .login = invoker->login,
					   .user_code = invoker->user_code,
					   .id_number = invoker->id_number,
					   .service = req->service,
					   .tty = req->tty,
					   .rhost = req->rhost,
					   .detail = text};

		if (after.lock_until != 0)
			snprintf(text, sizeof(text), "switching to %s: locked until %lld",
				 out->identity.login, (long long)after.lock_until);
		else
			snprintf(text, sizeof(text),
				 "switching to %s: locked until an administrator unlocks it",
				 out->identity.login);
		policy_report(req, &lock);
	}
	naccs_wipe(&after, sizeof(after));
	return policy_decide(out, req, "auth", o, reason, st, detail);
}

/* auth of a shared admin ID (UTS-2.2.1.1(1)(g)(カ), (ウ)).  Nobody's attempt
 * ever counts against it (#16):
 *  - on a service that is no switch service (login, sshd) it can never get
 *    in (account refuses a direct login): its password is not checked (a
 *    dummy verification of its own hash's cost, so no unlimited guessing
 *    either) and nothing is counted;
 *  - on a switch service the invoker who may not switch is refused (the
 *    adapter asks naccs_policy_auth_gate before the prompt), counting
 *    nothing; an allowed invoker's failures are its own (switch_failed). */
static enum naccs_outcome gated_auth(struct naccs_policy *pol, const struct naccs_request *req,
				     const char *password, const struct naccs_account_state *st,
				     const char *typical, struct naccs_decision *out,
				     struct naccs_err *err)
{
	char detail[NACCS_ERR_MSG_MAX] = "";
	struct naccs_identity invoker;
	const char *reason = NULL, *allowed = NULL;
	bool match = false, needs_rehash = false, direct, acceptable;
	enum naccs_outcome refusal = NACCS_OUT_ALLOW, o;
	int rc;

	direct = !naccs_su_switch_service(pol->cfg, req->service);
	if (!direct && policy_su_gate(pol, req, out, st, "auth", detail, &allowed, &invoker) !=
			   NACCS_OUT_ALLOW)
		return out->outcome; /* refused: nothing counted */
	acceptable = password != NULL && password[0] != '\0' &&
		     strnlen(password, pol->cfg->hash.max_password_bytes + 1) <=
			 pol->cfg->hash.max_password_bytes;
	if (direct)
		refusal = NACCS_OUT_DENIED, reason = "direct-login-shared-admin";
	else if (!acceptable)
		refusal = NACCS_OUT_BAD_CREDENTIALS,
		reason = password == NULL || password[0] != '\0' ? "password-too-long"
								 : "empty-password";
	else
		refusal = policy_state_refusal(st, &reason);
	/* Never hashed: an empty or too long password, as for everybody. */
	rc = acceptable
		 ? verify(pol, out, st, typical, refusal, password, &match, &needs_rehash, err)
		 : 0;
	if (rc == -EAGAIN)
		return policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verification-busy",
				     NULL, err->msg);
	if (rc < 0)
		return policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verify-failed", NULL,
				     err->msg);
	if (direct) {
		o = policy_decide(out, req, "auth", NACCS_OUT_DENIED, reason, st, NULL);
		if (pol->cfg->show_locked && o == NACCS_OUT_DENIED)
			snprintf(out->message, sizeof(out->message),
				 _("%s is a shared administrator ID: logging in to it directly is "
				   "not allowed. Log in with your own ID, then switch with su."),
				 out->identity.login);
		return o;
	}
	if (refusal != NACCS_OUT_ALLOW || !match)
		return switch_failed(pol, req, out, &invoker, refusal,
				     reason != NULL ? reason : "bad-password", st, detail, err);
	return policy_auth_succeeded(pol, req, password, needs_rehash, st, out, err);
}

enum naccs_outcome naccs_policy_auth_gate(struct naccs_policy *pol, const struct naccs_request *req,
					  struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_account_state st;
	struct naccs_identity invoker;
	char detail[NACCS_ERR_MSG_MAX];
	const char *allowed = NULL;
	enum naccs_outcome o = NACCS_OUT_ALLOW;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	if (!naccs_su_switch_service(pol->cfg, req->service) ||
	    naccs_resolve_name(pol->store, policy_deadline(pol), req->user, &out->identity, NULL,
			       err) < 0)
		return NACCS_OUT_ALLOW; /* naccs_policy_authenticate decides */
	out->known = true;
	if (naccs_su_gated(&out->identity))
		o = policy_su_gate(pol, req, out, &st, "auth", detail, &allowed, &invoker);
	if (o == NACCS_OUT_ALLOW)
		memset(out, 0, sizeof(*out));
	return o;
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
		result = gated_auth(pol, req, password, &st, typical, out, err);
		goto out;
	}
	/* Refused before any hashing, for everybody alike. */
	if (password == NULL || strnlen(password, pol->cfg->hash.max_password_bytes + 1) >
				    pol->cfg->hash.max_password_bytes) {
		result = policy_auth_failed(pol, req, out, "password-too-long", &st, err);
		goto out;
	}
	if (password[0] == '\0') { /* never a credential (UTS-2.2.1.1(1)(e)(ウ)) */
		result = policy_auth_failed(pol, req, out, "empty-password", &st, err);
		goto out;
	}
	if (out->known)
		refusal = policy_state_refusal(&st, &reason);
	rc = verify(pol, out, &st, typical, refusal, password, &match, &needs_rehash, err);
	if (rc == -EAGAIN) /* the flood cap: "try again", not a wrong password */
		result = policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verification-busy",
				       NULL, err->msg);
	else if (rc < 0)
		result = policy_decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verify-failed",
				       NULL, err->msg);
	else if (refusal != NACCS_OUT_ALLOW)
		result = policy_auth_refused(pol, req, out, refusal, reason, &st, err);
	else if (!match)
		result = policy_auth_failed(pol, req, out,
					    out->known ? "bad-password" : "unknown-user", &st, err);
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
