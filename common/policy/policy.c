#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <syslog.h>

#include "rules/access.h"
#include "rules/access_parse.h"
#include "audit/debug.h"
#include "audit/event.h"
#include "rules/flood.h"
#include "base/i18n.h"
#include "index/local.h"
#include "rules/lockout.h"
#include "audit/nametag.h"
#include "rules/netmatch.h"
#include "rules/notice.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "base/secret.h"
#include "policy/settings.h"
#include "policy/su.h"

const char *naccs_outcome_name(enum naccs_outcome o)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return "allow";
	case NACCS_OUT_BAD_CREDENTIALS:
		return "bad-credentials";
	case NACCS_OUT_UNKNOWN:
		return "unknown";
	case NACCS_OUT_LOCKED:
		return "locked";
	case NACCS_OUT_SUSPENDED:
		return "suspended";
	case NACCS_OUT_RETIRED:
		return "retired";
	case NACCS_OUT_CHANGE_REQUIRED:
		return "change-required";
	case NACCS_OUT_UNAVAILABLE:
		return "unavailable";
	case NACCS_OUT_NOT_MANAGED:
		return "not-managed";
	case NACCS_OUT_REJECTED:
		return "rejected";
	case NACCS_OUT_EXPIRED:
		return "expired";
	case NACCS_OUT_DENIED:
		return "denied";
	}
	return "invalid";
}

int naccs_policy_open(struct naccs_policy *pol, const struct naccs_config *cfg, bool read_only,
		      struct naccs_err *err)
{
	/* A login never migrates the schema or changes the journal mode:
	 * that is naccsctl's job (init, upgrade). */
	struct naccs_store_options opt = {
	    .path = cfg->store_path,
	    .owner_uid = cfg->owner_uid,
	    .timeout_ms = cfg->store_timeout_ms,
	    .read_only = read_only,
	};

	struct naccs_lockout_rule rule;
	int rc;

	pol->cfg = cfg;
	pol->store = NULL;
	rc = naccs_store_open(&opt, &pol->store, err);
	if (rc == 0) {
		naccs_lockout_rule_from_config(cfg, &rule);
		naccs_store_set_lockout(pol->store, &rule);
	}
	return rc;
}

void naccs_policy_close(struct naccs_policy *pol)
{
	if (pol->store != NULL)
		naccs_store_close(pol->store);
	pol->store = NULL;
}

static naccs_deadline_t deadline(const struct naccs_policy *pol)
{
	return naccs_deadline_in(pol->cfg->store_timeout_ms);
}

/* ---- reporting: the one way out for events ---------------------------- */

/* Every event of a login leaves through here (UTS-2.2.1.4(1)(a)): the
 * trail line of req->trail, and syslog.  0, or -errno when the trail line
 * could not be written (naccs_event_emit has said so at LOG_ALERT). */
static int report(const struct naccs_request *req, struct naccs_event *ev)
{
	ev->trail = req != NULL ? req->trail : NULL;
	return naccs_event_emit(ev, NULL);
}

/* Does this outcome let someone in (or on to a password change)? */
static bool lets_in(enum naccs_outcome o)
{
	return o == NACCS_OUT_ALLOW || o == NACCS_OUT_CHANGE_REQUIRED;
}

/* UTS-2.2.1.4(1)(b): nobody gets in unrecorded.  A decision that lets
 * someone in is only returned once its trail line is written; when it
 * cannot be, on_audit_failure = deny refuses (fail closed), allow lets the
 * decision stand with a warning.  Refusals stay refusals either way (and a
 * failed attempt was counted in the store before: the count never depends
 * on the trail). */
static enum naccs_outcome trail_failed(struct naccs_decision *d, const struct naccs_request *req,
				       const char *type, const char *login)
{
	if (req->trail->audit_fail_deny) {
		syslog(LOG_AUTHPRIV | LOG_ERR,
		       "naccs: %s of '%s' refused: the audit trail cannot be written "
		       "([audit] on_audit_failure = deny)",
		       type, login);
		d->outcome = NACCS_OUT_UNAVAILABLE;
		d->audit_refused = true;
		snprintf(d->message, sizeof(d->message), "%s",
			 _("The audit trail cannot be written: access is refused until an "
			   "administrator repairs it."));
		return d->outcome;
	}
	syslog(LOG_AUTHPRIV | LOG_WARNING,
	       "naccs: %s of '%s' allowed without an audit trail line "
	       "([audit] on_audit_failure = allow)",
	       type, login);
	return d->outcome;
}

/* req->user as it may be written when it is no ID here (audit/nametag.h:
 * people type their password into the name field): the account's name,
 * or its tag; made once per decision. */
static const char *typed_name(const struct naccs_config *cfg, const struct naccs_request *req,
			      struct naccs_decision *d)
{
	if (d->user_shown[0] == '\0')
		naccs_name_shown(cfg, req->user, d->user_shown);
	return d->user_shown;
}

/* Fill the event fields common to every decision about req.  A name that
 * is no ID here as typed_name() made it (the store keeps the same). */
static void event_for(struct naccs_event *ev, const struct naccs_request *req,
		      const struct naccs_decision *d)
{
	memset(ev, 0, sizeof(*ev));
	ev->login = d->known ? d->identity.login : d->user_shown;
	if (d->known) {
		ev->user_code = d->identity.user_code;
		ev->id_number = d->identity.id_number;
	}
	ev->service = req->service;
	ev->tty = req->tty;
	ev->rhost = req->rhost;
	ev->actor = req->ruser;
	if (d->has_individual) {
		ev->individual_login = d->individual.login;
		ev->individual_user_code = d->individual.user_code;
		ev->individual_id_number = d->individual.id_number;
	}
}

static void user_message(struct naccs_decision *d, const struct naccs_account_state *st)
{
	d->message[0] = '\0';
	switch (d->outcome) {
	case NACCS_OUT_LOCKED:
		snprintf(d->message, sizeof(d->message),
			 _("This ID is locked (%s). Ask an administrator to unlock it."),
			 st->lock_reason[0] ? st->lock_reason : _("no reason given"));
		break;
	case NACCS_OUT_SUSPENDED:
		snprintf(d->message, sizeof(d->message),
			 _("This ID is suspended (%s). Ask an administrator."),
			 st->suspend_reason[0] ? st->suspend_reason : _("no reason given"));
		break;
	case NACCS_OUT_RETIRED:
		snprintf(d->message, sizeof(d->message), "%s",
			 _("This ID has been retired and can no longer be used."));
		break;
	case NACCS_OUT_CHANGE_REQUIRED:
		snprintf(d->message, sizeof(d->message), "%s",
			 _("Your password was set by an administrator and must be changed now."));
		break;
	default:
		break;
	}
}

static const char *result_of(enum naccs_outcome outcome)
{
	switch (outcome) {
	case NACCS_OUT_ALLOW:
		return "allow";
	case NACCS_OUT_UNAVAILABLE:
		return "error";
	case NACCS_OUT_UNKNOWN:
	case NACCS_OUT_NOT_MANAGED:
		return "ignore"; /* not ours to decide: the rest of the stack does */
	default:
		return "deny";
	}
}

/* The single exit for every decision: set the outcome and the user's
 * message, and report the event. */
static enum naccs_outcome decide(struct naccs_decision *d, const struct naccs_request *req,
				 const char *type, enum naccs_outcome outcome, const char *reason,
				 const struct naccs_account_state *st, const char *detail)
{
	static const struct naccs_account_state none;
	struct naccs_event ev;
	bool not_ours = !d->known && strcmp(type, "auth") != 0 &&
			(outcome == NACCS_OUT_UNKNOWN || outcome == NACCS_OUT_NOT_MANAGED);

	d->outcome = outcome;
	user_message(d, st != NULL ? st : &none);
	/* A name that is no ID here is not ours (issue 16, item 16): its
	 * account check and its session (cron's and sudo's for local
	 * accounts, every minute) are not recorded, so they never take the
	 * trail's lock or a disk sync; only syslog hears of a local account
	 * let through while the store is unavailable.  Its refused
	 * authentication is recorded (an attempt on a name may be an attack). */
	if (not_ours && outcome == NACCS_OUT_UNKNOWN)
		return outcome;
	if (!d->known)
		typed_name(req->trail, req, d);
	event_for(&ev, req, d);
	ev.type = type;
	ev.action = strcmp(type, "auth") == 0	   ? "login"
		    : strcmp(type, "session") == 0 ? "open"
						   : "check";
	ev.result = result_of(outcome);
	ev.reason = reason;
	ev.detail = detail;
	if (not_ours) { /* syslog only */
		naccs_event_emit(&ev, NULL);
		return outcome;
	}
	if (report(req, &ev) < 0 && lets_in(outcome))
		return trail_failed(d, req, type, ev.login ? ev.login : "?");
	return outcome;
}

/* ---- steps of a login ------------------------------------------------- */

static void login_event(struct naccs_login_event *ev, const struct naccs_request *req)
{
	memset(ev, 0, sizeof(*ev));
	ev->at = naccs_now_wall();
	snprintf(ev->service, sizeof(ev->service), "%s", req->service ? req->service : "");
	snprintf(ev->tty, sizeof(ev->tty), "%s", req->tty ? req->tty : "");
	snprintf(ev->rhost, sizeof(ev->rhost), "%s", req->rhost ? req->rhost : "");
}

/* Refusals that hold whatever the credential: a retired, suspended or locked
 * ID is never let in (UTS-2.2.1.1(1)(d), (g)(ウ); UTS-2.2.1.3(2)(g)(ウ)).
 * The one rule of rules/lockout.c (naccs_state_bars), for every path. */
enum naccs_outcome naccs_policy_state_refusal(const struct naccs_account_state *st, int64_t now,
					      const char **reason)
{
	unsigned bars = naccs_state_bars(st, now);

	if (bars & NACCS_BAR_RETIRED)
		return *reason = "retired", NACCS_OUT_RETIRED;
	if (bars & NACCS_BAR_SUSPENDED)
		return *reason = "suspended", NACCS_OUT_SUSPENDED;
	if (bars & NACCS_BAR_LOCKED)
		return *reason = "locked", NACCS_OUT_LOCKED;
	return NACCS_OUT_ALLOW;
}

static enum naccs_outcome state_refusal(const struct naccs_account_state *st, const char **reason)
{
	return naccs_policy_state_refusal(st, naccs_now_wall(), reason);
}

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
		rc = naccs_store_replace_hash(pol->store, deadline(pol), login, old_phc, phc, &err);
	naccs_wipe(phc, sizeof(phc));
	ev.result = rc == 0 ? "done" : "error";
	ev.detail = rc == 0 ? "hash parameters upgraded" : err.msg;
	report(req, &ev);
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
	report(req, &ev);
}

static void report_locked(const struct naccs_request *req, const struct naccs_decision *d,
			  const struct naccs_account_state *after)
{
	char detail[160];
	struct naccs_event ev;

	event_for(&ev, req, d);
	ev.type = "auth";
	ev.action = "lock";
	ev.result = "done";
	ev.reason = "too-many-failures";
	if (after->lock_until != 0)
		snprintf(detail, sizeof(detail), "locked until %lld", (long long)after->lock_until);
	else
		snprintf(detail, sizeof(detail), "locked until an administrator unlocks it");
	ev.detail = detail;
	report(req, &ev);
}

static int record_failure(struct naccs_policy *pol, const struct naccs_request *req,
			  struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_login_event ev;
	struct naccs_account_state after;
	unsigned dropped = 0;
	int rc;

	login_event(&ev, req);
	if (!out->known) {
		/* Attempts on unknown names are attempts to log on improperly,
		 * and the write makes them cost what a known user's failure
		 * costs.  Their number is capped (lockout.unknown_failures_max):
		 * a flood of random names cannot grow the store. */
		rc = naccs_store_record_unknown_failure(
		    pol->store, deadline(pol), typed_name(pol->cfg, req, out), &ev, &dropped, err);
		if (rc == 0 && dropped > 0)
			report_pruned(req, dropped, pol->cfg->unknown_failures_max);
		naccs_lockout_generation(NULL, out->generation);
		return rc;
	}
	/* Recorded in the same transaction that counts the failures within
	 * the window and, at lockout.deny, locks the ID
	 * (UTS-2.2.1.1(1)(g)(ウ)), so concurrent attempts are all counted
	 * and lock exactly at the limit. */
	rc = naccs_store_record_failure(pol->store, deadline(pol), out->identity.login, &ev, &after,
					err);
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
			return decide(out, req, "auth", NACCS_OUT_UNKNOWN, reason, NULL, err->msg);
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed", NULL,
			      err->msg);
	}
	/* Only a verification that found the password wrong (or a name that
	 * is no ID) may be remembered as wrong (issue #16). */
	out->verified_wrong =
	    strcmp(reason, "bad-password") == 0 || strcmp(reason, "unknown-user") == 0;
	return decide(out, req, "auth", out->known ? NACCS_OUT_BAD_CREDENTIALS : NACCS_OUT_UNKNOWN,
		      reason, NULL, NULL);
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
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed", NULL,
			      err->msg);
	return decide(out, req, "auth", pol->cfg->show_locked ? refusal : NACCS_OUT_BAD_CREDENTIALS,
		      reason, st, NULL);
}

static enum naccs_outcome auth_succeeded(struct naccs_policy *pol, const struct naccs_request *req,
					 const char *password, bool needs_rehash,
					 const struct naccs_account_state *st,
					 struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_login_event ev;
	const char *reason = NULL;
	int rc;

	login_event(&ev, req);
	rc = naccs_store_record_success(pol->store, deadline(pol), out->identity.login, &ev,
					&out->previous, err);
	naccs_wipe(out->previous.phc, sizeof(out->previous.phc));
	if (rc == -ECANCELED) { /* an administrator acted during the check */
		enum naccs_outcome refusal = state_refusal(&out->previous, &reason);

		naccs_debug(pol->cfg->debug, "state changed during the verification: %s", reason);
		return auth_refused(pol, req, out, refusal, reason, &out->previous, err);
	}
	if (rc < 0)
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed", NULL,
			      err->msg);
	out->has_previous = true;
	if (needs_rehash)
		rehash(pol, req, out->identity.login, st->phc, password);
	/* For services without sessions (notice_in_auth): the notices now. A
	 * failure here never fails the login. */
	if (pol->cfg->notice_in_auth)
		out->has_notice =
		    naccs_store_session_login(pol->store, deadline(pol), out->identity.login, &ev,
					      NACCS_SESSION_MAX_AGE, NACCS_STEP_AUTH_END,
					      &out->notice, err) == 0;
	return decide(out, req, "auth", NACCS_OUT_ALLOW, "password", NULL, NULL);
}

/* What the store says about the name: the ID and its state, or for a name
 * that is no ID the typical hash parameters (for the dummy's cost).  Either
 * way two read transactions, so both cost the same. */
static int look_up(struct naccs_policy *pol, const struct naccs_request *req,
		   struct naccs_decision *out, struct naccs_account_state *st,
		   char typical[NACCS_PHC_MAX], struct naccs_err *err)
{
	bool ambiguous = false;
	int rc = naccs_resolve_name(pol->store, deadline(pol), req->user, &out->identity,
				    &ambiguous, err);

	if (rc == 0) {
		out->known = true;
		/* A name of the ID (its login or NACCS form): not a secret. */
		naccs_debug(pol->cfg->debug, "name '%s' is the ID '%s'%s", req->user,
			    out->identity.login,
			    ambiguous ? " (by its login; it also reads as another ID's NACCS "
					"user ID: fix the store)"
				      : "");
		rc = naccs_store_get_state(pol->store, deadline(pol), out->identity.login, st, err);
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
	return naccs_store_typical_hash(pol->store, deadline(pol), typical, err);
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

static enum naccs_outcome su_gate(struct naccs_policy *pol, const struct naccs_request *req,
				  struct naccs_decision *out, const struct naccs_account_state *st,
				  const char *type, char detail[NACCS_ERR_MSG_MAX],
				  const char **allowed, struct naccs_identity *invoker);

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
	enum naccs_outcome o = pol->cfg->show_locked && refusal != NACCS_OUT_ALLOW
				   ? refusal
				   : NACCS_OUT_BAD_CREDENTIALS;
	int rc;

	login_event(&ev, req);
	snprintf(ev.service, sizeof(ev.service), "%.31s:%.31s", req->service ? req->service : "",
		 out->identity.login);
	rc =
	    naccs_store_record_failure(pol->store, deadline(pol), invoker->login, &ev, &after, err);
	if (rc < 0)
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed", NULL,
			      err->msg);
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
		report(req, &lock);
	}
	naccs_wipe(&after, sizeof(after));
	return decide(out, req, "auth", o, reason, st, detail);
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
	if (!direct &&
	    su_gate(pol, req, out, st, "auth", detail, &allowed, &invoker) != NACCS_OUT_ALLOW)
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
		refusal = state_refusal(st, &reason);
	/* Never hashed: an empty or too long password, as for everybody. */
	rc = acceptable
		 ? verify(pol, out, st, typical, refusal, password, &match, &needs_rehash, err)
		 : 0;
	if (rc == -EAGAIN)
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verification-busy", NULL,
			      err->msg);
	if (rc < 0)
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verify-failed", NULL,
			      err->msg);
	if (direct) {
		o = decide(out, req, "auth", NACCS_OUT_DENIED, reason, st, NULL);
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
	return auth_succeeded(pol, req, password, needs_rehash, st, out, err);
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
	    naccs_resolve_name(pol->store, deadline(pol), req->user, &out->identity, NULL, err) < 0)
		return NACCS_OUT_ALLOW; /* naccs_policy_authenticate decides */
	out->known = true;
	if (naccs_su_gated(&out->identity))
		o = su_gate(pol, req, out, &st, "auth", detail, &allowed, &invoker);
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
		result = decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-read-failed", NULL,
				err->msg);
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
		result = auth_failed(pol, req, out, "password-too-long", &st, err);
		goto out;
	}
	if (password[0] == '\0') { /* never a credential (UTS-2.2.1.1(1)(e)(ウ)) */
		result = auth_failed(pol, req, out, "empty-password", &st, err);
		goto out;
	}
	if (out->known)
		refusal = state_refusal(&st, &reason);
	rc = verify(pol, out, &st, typical, refusal, password, &match, &needs_rehash, err);
	if (rc == -EAGAIN) /* the flood cap: "try again", not a wrong password */
		result = decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verification-busy", NULL,
				err->msg);
	else if (rc < 0)
		result = decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verify-failed", NULL,
				err->msg);
	else if (refusal != NACCS_OUT_ALLOW)
		result = auth_refused(pol, req, out, refusal, reason, &st, err);
	else if (!match)
		result = auth_failed(pol, req, out, out->known ? "bad-password" : "unknown-user",
				     &st, err);
	else
		result = auth_succeeded(pol, req, password, needs_rehash, &st, out, err);
out:
	naccs_debug(pol->cfg->debug, "authentication of '%s': %s",
		    out->known ? out->identity.login : naccs_debug_name(pol->cfg->debug, req->user),
		    naccs_outcome_name(result));
	naccs_wipe(&st, sizeof(st));
	naccs_wipe(typical, sizeof(typical));
	return result;
}

int naccs_policy_generation(struct naccs_policy *pol, const struct naccs_request *req,
			    char gen[NACCS_GENERATION_MAX], struct naccs_err *err)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	int rc = naccs_resolve_name(pol->store, deadline(pol), req->user, &id, NULL, err);

	if (rc == -ENOENT || rc == -EINVAL) {
		naccs_lockout_generation(NULL, gen);
		return 0;
	}
	if (rc == 0)
		rc = naccs_store_get_state(pol->store, deadline(pol), id.login, &st, err);
	if (rc == 0)
		naccs_lockout_generation(&st, gen);
	naccs_wipe(&st, sizeof(st));
	return rc;
}

/* ---- password age (UTS-2.2.1.1(1)(c)(ア)(イ)) ------------------------- */

#define DAY 86400

bool naccs_password_expiry(const struct naccs_password_config *pc,
			   const struct naccs_account_state *st, int64_t *at)
{
	if (pc->max_age_days == 0 || !st->has_password)
		return false;
	*at = st->password_changed_at + (int64_t)pc->max_age_days * DAY;
	return true;
}

bool naccs_password_expired(const struct naccs_password_config *pc,
			    const struct naccs_account_state *st, int64_t now)
{
	int64_t exp;

	return naccs_password_expiry(pc, st, &exp) && now >= exp;
}

/* Past the maximum age: a forced change, or after the grace period a
 * refusal.  Within warn_days of it: allowed, with a warning. */
static enum naccs_outcome password_age(const struct naccs_policy *pol,
				       const struct naccs_account_state *st, const char **reason)
{
	const struct naccs_password_config *pc = &pol->cfg->password;
	int64_t now = naccs_now_wall(), exp;

	if (!naccs_password_expiry(pc, st, &exp))
		return NACCS_OUT_ALLOW;
	if (now >= exp && pc->grace_days > 0 && now >= exp + (int64_t)pc->grace_days * DAY)
		return *reason = "password-expired-grace-over", NACCS_OUT_EXPIRED;
	if (now >= exp)
		return *reason = "password-expired", NACCS_OUT_CHANGE_REQUIRED;
	if (pc->warn_days > 0 && now >= exp - (int64_t)pc->warn_days * DAY)
		*reason = "password-expires-soon";
	return NACCS_OUT_ALLOW;
}

/* The latest registry line that explains a must-change flag. */
struct reset_seen {
	char event[32];
	int64_t at;
};

static int reset_cb(void *ctx, const struct naccs_registry_entry *e)
{
	struct reset_seen *r = ctx;

	if (strcmp(e->event, "password-reset") == 0 || strcmp(e->event, "issued") == 0 ||
	    strcmp(e->event, "must-change-set") == 0) {
		snprintf(r->event, sizeof(r->event), "%s", e->event);
		r->at = e->at;
	}
	return 0;
}

/* The user's message for a password-age or must-change outcome, with its
 * date: the administrator-reset notice, the expiry, the warning. */
static void age_message(struct naccs_policy *pol, struct naccs_decision *d,
			const struct naccs_account_state *st, const char *reason)
{
	char when[64];
	int64_t exp = 0, now = naccs_now_wall();

	if (reason == NULL)
		return;
	(void)naccs_password_expiry(&pol->cfg->password, st, &exp);
	if (strcmp(reason, "must-change") == 0) {
		struct reset_seen r = {"", 0};
		struct naccs_err err;

		naccs_err_clear(&err);
		if (naccs_store_registry(pol->store, deadline(pol), d->identity.login, reset_cb, &r,
					 &err) < 0)
			return; /* the generic message stays */
		naccs_format_time(r.at, when, sizeof(when));
		if (strcmp(r.event, "password-reset") == 0)
			snprintf(d->message, sizeof(d->message),
				 _("Your password was reset by an administrator on %s. You must "
				   "change it now."),
				 when);
		else if (strcmp(r.event, "must-change-set") == 0)
			snprintf(d->message, sizeof(d->message),
				 _("An administrator required on %s that your password be changed. "
				   "You must change it now."),
				 when);
		return;
	}
	naccs_format_time(exp, when, sizeof(when));
	if (strcmp(reason, "password-expired") == 0)
		snprintf(d->message, sizeof(d->message),
			 _("Your password expired on %s. You must change it now."), when);
	else if (strcmp(reason, "password-expired-grace-over") == 0)
		snprintf(d->message, sizeof(d->message),
			 dngettext(NACCS_TEXTDOMAIN,
				   "Your password expired on %s and the %lu day to change it has "
				   "passed. Ask an administrator.",
				   "Your password expired on %s and the %lu days to change it have "
				   "passed. Ask an administrator.",
				   (unsigned long)pol->cfg->password.grace_days),
			 when, (unsigned long)pol->cfg->password.grace_days);
	else if (strcmp(reason, "password-expires-soon") == 0)
		snprintf(d->message, sizeof(d->message),
			 dngettext(NACCS_TEXTDOMAIN,
				   "Your password expires in %ld day (on %s). Change it soon with "
				   "passwd.",
				   "Your password expires in %ld days (on %s). Change it soon with "
				   "passwd.",
				   (unsigned long)((exp - now + DAY - 1) / DAY)),
			 (long)((exp - now + DAY - 1) / DAY), when);
}

/* An admin ID with PAM_RHOST set: the remote address must be a literal
 * address inside [access] admin_allowed_networks (empty: no network
 * logins for admin IDs).  A host name is refused, never resolved. */
static enum naccs_outcome admin_network(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out,
					const struct naccs_account_state *st)
{
	char detail[sizeof(pol->cfg->admin_allowed_networks) + 32];
	enum naccs_outcome o;
	int m;

	if (req->rhost == NULL || req->rhost[0] == '\0')
		return NACCS_OUT_ALLOW;
	m = naccs_netmatch(pol->cfg->admin_allowed_networks, req->rhost);
	if (m == 1)
		return NACCS_OUT_ALLOW;
	snprintf(detail, sizeof(detail), "admin_allowed_networks=%s",
		 pol->cfg->admin_allowed_networks);
	o = decide(out, req, "account", NACCS_OUT_DENIED,
		   m < 0 ? "admin-rhost-not-an-address" : "admin-network-not-allowed", st, detail);
	snprintf(out->message, sizeof(out->message),
		 _("%s is an administrator ID: logging in to it from this address is not "
		   "allowed."),
		 out->identity.login);
	return o;
}

/* The su rule's view of the invoker's state: usable unless retired,
 * suspended, locked, or its password expired or never set by its holder
 * (the rules of this file). */
static const char *invoker_unusable(void *ctx, const struct naccs_account_state *st)
{
	const struct naccs_policy *pol = ctx;
	const char *reason = NULL;
	enum naccs_outcome o = state_refusal(st, &reason);

	if (o == NACCS_OUT_ALLOW && st->must_change)
		return "su-invoker-must-change";
	if (o == NACCS_OUT_ALLOW)
		o = password_age(pol, st, &reason);
	switch (o) {
	case NACCS_OUT_ALLOW:
		return NULL;
	case NACCS_OUT_RETIRED:
		return "su-invoker-retired";
	case NACCS_OUT_SUSPENDED:
		return "su-invoker-suspended";
	case NACCS_OUT_LOCKED:
		return "su-invoker-locked";
	default:
		return "su-invoker-password-expired";
	}
}

/* The account decision on a gated target is the su verdict: one event
 * naming the individual and the target. */
static enum naccs_outcome su_gate(struct naccs_policy *pol, const struct naccs_request *req,
				  struct naccs_decision *out, const struct naccs_account_state *st,
				  const char *type, char detail[NACCS_ERR_MSG_MAX],
				  const char **allowed, struct naccs_identity *invoker)
{
	struct naccs_su_invoker inv;
	struct naccs_su_verdict v;
	enum naccs_outcome o;

	naccs_su_read_invoker(&inv);
	naccs_su_decide(pol->store, deadline(pol), pol->cfg, req->service, &out->identity, &inv,
			invoker_unusable, pol, &v);
	naccs_debug(pol->cfg->debug, "%s: '%s': %s (%s)", type, out->identity.login, v.reason,
		    v.detail);
	snprintf(detail, NACCS_ERR_MSG_MAX, "%s", v.detail);
	/* Every event of this decision names the individual in fields of
	 * their own (UTS-2.2.1.1(1)(g)(カ), UTS-2.2.1.4(1)(a)). */
	out->has_individual = v.invoker_known;
	if (v.invoker_known)
		out->individual = v.invoker;
	if (v.allow) {
		*allowed = v.reason;
		*invoker = v.invoker;
		return NACCS_OUT_ALLOW;
	}
	o = v.unavailable ? NACCS_OUT_UNAVAILABLE : NACCS_OUT_DENIED;
	o = decide(out, req, type, o, v.reason, st, v.detail);
	snprintf(out->message, sizeof(out->message), "%s", v.message);
	return o;
}

/* ---- time and terminal windows (UTS-2.2.1.2(1)(b)(ア)) ------------------ */

/* Does rule r name the ID id?  1, 0, or -errno (the store failed). */
static int rule_names(struct naccs_policy *pol, const struct naccs_access_rule *r,
		      const struct naccs_identity *id)
{
	struct naccs_identity named;
	struct naccs_err err;
	bool member = false;
	int rc;

	switch (r->selector) {
	case NACCS_ACCESS_ALL:
		return 1;
	case NACCS_ACCESS_ID: /* login or NACCS form, by the one resolver */
		rc = naccs_resolve_name(pol->store, deadline(pol), r->who, &named, NULL, &err);
		if (rc == -ENOENT || rc == -EINVAL)
			return 0;
		return rc < 0 ? rc : strcmp(named.login, id->login) == 0;
	case NACCS_ACCESS_GROUP:
		rc = naccs_store_group_has_member(pol->store, deadline(pol), r->who, id->login,
						  &member, &err);
		if (rc == -EINVAL || rc == -ENOENT)
			return 0;
		return rc < 0 ? rc : member;
	}
	return 0;
}

/* The verdict of [access] rule_NAME on id for req (checks: everything, or
 * for the person behind an su only days and time).  0, or -errno: a rule
 * that does not parse or a store failure (the caller fails closed). */
static int windows_verdict(struct naccs_policy *pol, const struct naccs_request *req,
			   const struct naccs_identity *id, enum naccs_access_checks checks,
			   struct naccs_access_verdict *v, char *when, size_t whenlen,
			   struct naccs_err *err)
{
	const struct naccs_config *cfg = pol->cfg;
	struct naccs_access_rule *rules;
	struct naccs_access_request q = {req->service, req->tty, req->rhost, naccs_now_wall()};
	struct naccs_access_zone zone;
	bool applies[NACCS_ACCESS_RULES_MAX];
	int rc = 0;

	rules = calloc(NACCS_ACCESS_RULES_MAX, sizeof(*rules));
	if (rules == NULL)
		return naccs_err_set(err, ENOMEM, _("access rules: out of memory"));
	for (unsigned i = 0; i < cfg->access_rule_count && rc == 0; i++) {
		rc = naccs_access_parse(cfg->access_rules[i].text, &rules[i], err);
		if (rc == 0) {
			rc = rule_names(pol, &rules[i], id);
			applies[i] = rc == 1;
			if (rc < 0)
				naccs_err_set(err, -rc,
					      _("access rules: the store cannot be read"));
			else
				rc = 0;
		}
	}
	if (rc == 0) {
		/* In the system's zone, not a TZ the invoker of a set-uid
		 * program (su) put in the environment. */
		naccs_access_zone_enter(&zone, getauxval(AT_SECURE) != 0);
		naccs_access_decide(rules, applies, cfg->access_rule_count, &q, checks, v);
		if (v->has_next)
			naccs_access_format(v->next, when, whenlen);
		naccs_access_zone_leave(&zone);
	}
	free(rules);
	return rc;
}

/* Apply the rules to the ID of out (and, for a switch, to the person
 * switching: their days and time only).  NACCS_OUT_ALLOW, or the decision
 * made (one event through decide()). */
static enum naccs_outcome access_windows(struct naccs_policy *pol, const struct naccs_request *req,
					 struct naccs_decision *out,
					 const struct naccs_account_state *st,
					 const struct naccs_identity *invoker,
					 const char *su_detail, struct naccs_err *err)
{
	const struct naccs_identity *who = invoker != NULL ? invoker : &out->identity;
	struct naccs_access_verdict v;
	char when[80] = "", detail[NACCS_ERR_MSG_MAX + 128];
	const char *reason;
	enum naccs_outcome o;

	if (pol->cfg->access_rule_count == 0)
		return NACCS_OUT_ALLOW;
	if (windows_verdict(pol, req, who,
			    invoker != NULL ? NACCS_ACCESS_CHECK_TIME : NACCS_ACCESS_CHECK_ALL, &v,
			    when, sizeof(when), err) < 0)
		return decide(out, req, "account", NACCS_OUT_UNAVAILABLE,
			      "access-rules-unavailable", st, err->msg);
	naccs_debug(pol->cfg->debug, "account: '%s': access rules: %s (%s)", who->login,
		    !v.restricted ? "none apply"
		    : v.allow	  ? "allowed"
				  : naccs_access_why_name(v.why),
		    v.rule >= 0 ? pol->cfg->access_rules[v.rule].key : "-");
	if (v.allow)
		return NACCS_OUT_ALLOW;
	reason = naccs_access_why_name(v.why);
	snprintf(detail, sizeof(detail), "%s%srule=%s%s%s%s", su_detail ? su_detail : "",
		 su_detail ? " " : "", pol->cfg->access_rules[v.rule].key,
		 invoker != NULL ? " applied-to=invoker" : "", v.has_next ? " next=" : "", when);
	o = decide(out, req, "account", NACCS_OUT_DENIED,
		   invoker != NULL ? "su-invoker-outside-window" : reason, st, detail);
	if (invoker != NULL && v.has_next)
		snprintf(out->message, sizeof(out->message),
			 _("Switching to %s is refused: your ID %s may not be used at this time. "
			   "It may be used again from %s."),
			 out->identity.login, invoker->login, when);
	else if (invoker != NULL)
		snprintf(out->message, sizeof(out->message),
			 _("Switching to %s is refused: your ID %s may not be used at this time."),
			 out->identity.login, invoker->login);
	else if (v.why == NACCS_ACCESS_TIME && v.has_next)
		snprintf(out->message, sizeof(out->message),
			 _("%s may not log in at this time. Login is allowed again from %s."),
			 out->identity.login, when);
	else if (v.why == NACCS_ACCESS_TIME)
		snprintf(out->message, sizeof(out->message), _("%s may not log in at this time."),
			 out->identity.login);
	else if (v.why == NACCS_ACCESS_SERVICE)
		snprintf(out->message, sizeof(out->message), _("%s may not log in through %s."),
			 out->identity.login, req->service ? req->service : "-");
	else if (v.why == NACCS_ACCESS_TTY)
		snprintf(out->message, sizeof(out->message),
			 _("%s may not log in from this terminal."), out->identity.login);
	else
		snprintf(out->message, sizeof(out->message),
			 _("%s may not log in from this address."), out->identity.login);
	return o;
}

enum naccs_outcome naccs_policy_account(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_account_state st;
	struct naccs_identity invoker;
	char su_detail[NACCS_ERR_MSG_MAX] = "";
	const char *reason = NULL, *su_reason = NULL;
	enum naccs_outcome result;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	rc = naccs_resolve_name(pol->store, deadline(pol), req->user, &out->identity, NULL, err);
	if (rc == -ENOENT || rc == -EINVAL) {
		naccs_debug(pol->cfg->debug, "account: '%s' is no ID here; left to the stack",
			    naccs_debug_name(pol->cfg->debug, req->user));
		return decide(out, req, "account", NACCS_OUT_UNKNOWN, "not-managed", NULL, NULL);
	}
	if (rc < 0) /* is it an ID at all?  The index says (issue 16) */
		return naccs_policy_unavailable(pol->cfg, req, "account", out, err->msg);
	out->known = true;
	rc = naccs_store_get_state(pol->store, deadline(pol), out->identity.login, &st, err);
	if (rc < 0)
		return decide(out, req, "account", NACCS_OUT_UNAVAILABLE, "store-read-failed", NULL,
			      err->msg);
	result = state_refusal(&st, &reason);
	/* An admin ID from the network: only from [access]
	 * admin_allowed_networks (UTS-2.2.1.3(2)(c)(エ), rules/netmatch.c). */
	if (result == NACCS_OUT_ALLOW && out->identity.admin &&
	    admin_network(pol, req, out, &st) != NACCS_OUT_ALLOW) {
		naccs_wipe(&st, sizeof(st));
		return out->outcome;
	}
	/* A shared admin ID: no direct login, su only from an allowed person
	 * (UTS-2.2.1.1(1)(g)(カ), rules/su.c).  A job of [su] job_services
	 * (root's cron jobs) is no login: not refused as one. */
	if (result == NACCS_OUT_ALLOW && naccs_su_gated(&out->identity) &&
	    !naccs_su_job_service(pol->cfg, req->service)) {
		result = su_gate(pol, req, out, &st, "account", su_detail, &su_reason, &invoker);
		if (result != NACCS_OUT_ALLOW) {
			naccs_wipe(&st, sizeof(st));
			return result;
		}
	}
	/* Days, hours, services, terminals and networks of [access]
	 * rule_NAME (UTS-2.2.1.2(1)(b)(ア)): the ID's own rules, and for a
	 * switch to a shared admin ID also the switching person's days and
	 * hours. */
	if (result == NACCS_OUT_ALLOW &&
	    (access_windows(pol, req, out, &st, NULL, su_reason ? su_detail : NULL, err) !=
		 NACCS_OUT_ALLOW ||
	     (su_reason != NULL &&
	      access_windows(pol, req, out, &st, &invoker, su_detail, err) != NACCS_OUT_ALLOW))) {
		naccs_wipe(&st, sizeof(st));
		return out->outcome;
	}
	if (result == NACCS_OUT_ALLOW && st.must_change) {
		/* An administrator set this password: the user must set their
		 * own before going on (UTS-2.2.1.1(1)(e)(ア), UTS-2.2.1.3(2)(a)). */
		result = NACCS_OUT_CHANGE_REQUIRED;
		reason = "must-change";
	} else if (result == NACCS_OUT_ALLOW)
		result = password_age(pol, &st, &reason);
	naccs_debug(pol->cfg->debug, "account: '%s': %s", out->identity.login,
		    reason ? reason : "ok");
	if (reason == NULL)
		reason = su_reason != NULL ? su_reason : "ok";
	result = decide(out, req, "account", result, reason, &st, su_detail[0] ? su_detail : NULL);
	age_message(pol, out, &st, reason);
	naccs_wipe(&st, sizeof(st));
	return result;
}

enum naccs_outcome naccs_policy_unavailable(const struct naccs_config *cfg,
					    const struct naccs_request *req, const char *type,
					    struct naccs_decision *out, const char *why)
{
	char detail[2 * NACCS_ERR_MSG_MAX + 32];
	struct naccs_err ierr;
	bool held = true;
	int rc;

	memset(out, 0, sizeof(*out));
	naccs_err_clear(&ierr);
	/* Root on the console must be able to repair the store; a naccs ID
	 * must not get in while its state cannot be read or recorded: the
	 * public identity index tells which is which (index/local.h). */
	rc = naccs_local_index_holds(cfg, req->user, 0, &held, &ierr);
	if (rc < 0) {
		snprintf(detail, sizeof(detail), "%s; %s", why != NULL ? why : "", ierr.msg);
		return decide(out, req, type, NACCS_OUT_UNAVAILABLE, "store-and-index-unavailable",
			      NULL, detail);
	}
	if (held)
		return decide(out, req, type, NACCS_OUT_UNAVAILABLE, "store-unavailable", NULL,
			      why);
	naccs_debug(cfg->debug,
		    "%s: '%s' is no ID in the identity index; left to the stack while the store "
		    "is unavailable",
		    type, naccs_debug_name(cfg->debug, req->user));
	return decide(out, req, type, NACCS_OUT_NOT_MANAGED, "store-unavailable-not-an-id", NULL,
		      why);
}

enum naccs_outcome naccs_policy_account_unavailable(const struct naccs_config *cfg,
						    const struct naccs_request *req,
						    struct naccs_decision *out, const char *why)
{
	return naccs_policy_unavailable(cfg, req, "account", out, why);
}

int naccs_policy_account_login(const struct naccs_config *cfg, const struct naccs_request *req,
			       const struct naccs_decision *d, struct naccs_err *err)
{
	struct naccs_policy pol;
	struct naccs_login_event ev;
	struct naccs_login_notice none;
	int rc;

	/* Only an account phase that lets the user in with no change pending,
	 * on a service named as one without sessions (issue #16). */
	if (d->outcome != NACCS_OUT_ALLOW || !d->known ||
	    !naccs_notice_sessionless(cfg, req->service))
		return 0;
	rc = naccs_policy_open(&pol, cfg, false, err);
	if (rc < 0)
		return rc;
	login_event(&ev, req);
	rc = naccs_store_session_login(pol.store, deadline(&pol), d->identity.login, &ev,
				       NACCS_SESSION_MAX_AGE, NACCS_STEP_ACCOUNT, &none, err);
	naccs_policy_close(&pol);
	return rc;
}

/* ---- concurrent sessions per ID (UTS-2.2.1.2(1)(b)(ア)) ----------------- */

/* Count the session of out's ID against [session] max_sessions_per_id:
 * NACCS_OUT_ALLOW (out->session filled), or the refusal decided.  Without
 * a limit every session is still counted, so that naccsctl user suspend
 * can end it (UTS-2.2.1.1(1)(d)); then a table that cannot be used never
 * refuses the session (a syslog line says so). */
static enum naccs_outcome session_limit(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out, struct naccs_err *err)
{
	const struct naccs_config *cfg = pol->cfg;
	char dir[PATH_MAX], detail[64];
	unsigned live = 0;
	int rc = naccs_sessions_dir(cfg->session_dir, cfg->store_path, dir, sizeof(dir));

	if (rc < 0)
		naccs_err_set(err, -rc, _("session table: directory name too long"));
	else if ((rc = naccs_sessions_self(&out->session)) < 0)
		naccs_err_set(err, -rc, _("session table: this process cannot be identified"));
	else {
		/* A switch names the individual behind it (su, sudo). */
		if (out->has_individual)
			snprintf(out->session.individual, sizeof(out->session.individual), "%s",
				 out->individual.login);
		rc = naccs_sessions_open(dir, cfg->owner_uid, out->identity.login,
					 cfg->max_sessions_per_id, &out->session, &live, err);
	}
	if (rc == 0) {
		out->session_counted = true;
		return NACCS_OUT_ALLOW;
	}
	if (cfg->max_sessions_per_id == 0) {
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		       "naccs: session of '%s' not counted (user suspend cannot end it): %s",
		       out->identity.login, rc == -EUSERS ? "session table full" : err->msg);
		naccs_err_clear(err);
		return NACCS_OUT_ALLOW;
	}
	if (rc != -EUSERS) {
		decide(out, req, "session", NACCS_OUT_DENIED, "session-table-unavailable", NULL,
		       err->msg);
		snprintf(out->message, sizeof(out->message), "%s",
			 _("Your session cannot be opened now: the session table cannot be used. "
			   "Ask an administrator."));
		return out->outcome;
	}
	snprintf(detail, sizeof(detail), "live=%u max=%u", live, cfg->max_sessions_per_id);
	decide(out, req, "session", NACCS_OUT_DENIED, "too-many-sessions", NULL, detail);
	snprintf(
	    out->message, sizeof(out->message),
	    dngettext(NACCS_TEXTDOMAIN,
		      "%s already has %u session open, the most allowed at once. Close it and "
		      "try again.",
		      "%s already has %u sessions open, the most allowed at once. Close one and "
		      "try again.",
		      live),
	    out->identity.login, live);
	return out->outcome;
}

void naccs_session_record_from(struct naccs_session_record *r, const struct naccs_decision *d,
			       int64_t now)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->login, sizeof(r->login), "%s", d->identity.login);
	snprintf(r->user_code, sizeof(r->user_code), "%s", d->identity.user_code);
	snprintf(r->id_number, sizeof(r->id_number), "%s", d->identity.id_number);
	r->has_individual = d->has_individual;
	if (d->has_individual) {
		snprintf(r->individual_login, sizeof(r->individual_login), "%s",
			 d->individual.login);
		snprintf(r->individual_user_code, sizeof(r->individual_user_code), "%s",
			 d->individual.user_code);
		snprintf(r->individual_id_number, sizeof(r->individual_id_number), "%s",
			 d->individual.id_number);
	}
	r->opened_at = now;
	r->counted = d->session_counted;
	r->mark = d->session;
}

int naccs_policy_session_close(const struct naccs_config *cfg, const struct naccs_request *req,
			       const struct naccs_session_record *r, struct naccs_err *err)
{
	char dir[PATH_MAX], detail[NACCS_ERR_MSG_MAX + 64];
	int64_t now = naccs_now_wall();
	int rc = 0;
	struct naccs_event ev = {.type = "session",
				 .action = "close",
				 .result = "done",
				 .login = r->login,
				 .user_code = r->user_code,
				 .id_number = r->id_number,
				 .service = req->service,
				 .tty = req->tty,
				 .rhost = req->rhost,
				 .actor = req->ruser,
				 .detail = detail,
				 .trail = cfg};

	if (r->has_individual) {
		ev.individual_login = r->individual_login;
		ev.individual_user_code = r->individual_user_code;
		ev.individual_id_number = r->individual_id_number;
	}
	if (r->counted) {
		rc = naccs_sessions_dir(cfg->session_dir, cfg->store_path, dir, sizeof(dir));
		if (rc < 0)
			naccs_err_set(err, -rc, _("session table: directory name too long"));
		else
			rc = naccs_sessions_close(dir, cfg->owner_uid, r->login, &r->mark, err);
	}
	/* A logout (issue 16, item 15): when and where from the close, how
	 * long from the open. */
	snprintf(detail, sizeof(detail), "duration=%lld%s%s",
		 (long long)(now > r->opened_at ? now - r->opened_at : 0), rc < 0 ? " " : "",
		 rc < 0 ? err->msg : "");
	if (rc < 0) {
		ev.result = "error";
		ev.reason = "session-table-unavailable";
	}
	naccs_event_emit(&ev, NULL);
	return rc;
}

enum naccs_outcome naccs_policy_session(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_login_event ev;
	char su_detail[NACCS_ERR_MSG_MAX] = "";
	int rc;

	memset(out, 0, sizeof(*out));
	/* A job (cron, atd: [su] job_services) is no login: neither recorded
	 * as one nor counted as a session, for an ID or any other name; its
	 * account phase decided (and wrote its line). */
	if (naccs_su_job_service(pol->cfg, req->service)) {
		naccs_debug(pol->cfg->debug, "session: '%s': a job of %s, no login",
			    naccs_debug_name(pol->cfg->debug, req->user), req->service);
		return out->outcome = NACCS_OUT_NOT_MANAGED;
	}
	rc = naccs_resolve_name(pol->store, deadline(pol), req->user, &out->identity, NULL, err);
	if (rc == -ENOENT || rc == -EINVAL)
		return decide(out, req, "session", NACCS_OUT_UNKNOWN, "not-managed", NULL, NULL);
	if (rc < 0)
		return decide(out, req, "session", NACCS_OUT_UNAVAILABLE, "store-read-failed", NULL,
			      err->msg);
	out->known = true;
	/* A switch to a shared admin ID, again at the session
	 * (UTS-2.2.1.1(1)(g)(カ), rules/su.c).  sudo authenticates and runs
	 * the account phase as the invoking user; only in its
	 * sudo_pam_begin_session (plugins/sudoers/auth/pam.c) does it set
	 * PAM_USER to the run-as user, just before pam_open_session, from the
	 * process that still runs as the invoker.  So the su verdict is
	 * given here too for every service of [su] switch_services; for su
	 * it repeats the account phase's.  sudo treats PAM_SESSION_ERR from
	 * pam_open_session as non-fatal and runs the command anyway, so the
	 * adapter answers a refusal with PAM_PERM_DENIED (su_refused). */
	if (naccs_su_switch_service(pol->cfg, req->service) && naccs_su_gated(&out->identity)) {
		struct naccs_su_invoker inv;
		struct naccs_su_verdict v;

		naccs_su_read_invoker(&inv);
		naccs_su_decide(pol->store, deadline(pol), pol->cfg, req->service, &out->identity,
				&inv, invoker_unusable, pol, &v);
		naccs_debug(pol->cfg->debug, "session: '%s': %s (%s)", out->identity.login,
			    v.reason, v.detail);
		out->has_individual = v.invoker_known;
		if (v.invoker_known)
			out->individual = v.invoker;
		if (!v.allow) {
			out->su_refused = true;
			decide(out, req, "session",
			       v.unavailable ? NACCS_OUT_UNAVAILABLE : NACCS_OUT_DENIED, v.reason,
			       NULL, v.detail);
			snprintf(out->message, sizeof(out->message), "%s", v.message);
			return out->outcome;
		}
		snprintf(su_detail, sizeof(su_detail), "%s", v.detail);
	}
	if (session_limit(pol, req, out, err) != NACCS_OUT_ALLOW)
		return out->outcome;
	/* The login is in the store whichever way the user came in (a
	 * password here, or an SSH key): UTS-2.2.1.1(1)(g)(イ), (ウ). */
	login_event(&ev, req);
	rc = naccs_store_session_login(
	    pol->store, deadline(pol), out->identity.login, &ev, NACCS_SESSION_MAX_AGE,
	    naccs_notice_sessionless(pol->cfg, req->service) ? NACCS_STEP_SESSION_COUNTED
							     : NACCS_STEP_SESSION,
	    &out->notice, err);
	if (rc < 0)
		return decide(out, req, "session", NACCS_OUT_UNAVAILABLE, "store-write-failed",
			      NULL, err->msg);
	out->has_notice = true;
	return decide(out, req, "session", NACCS_OUT_ALLOW, "open", NULL,
		      su_detail[0] ? su_detail : NULL);
}
