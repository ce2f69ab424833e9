#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "naccs_event.h"
#include "naccs_i18n.h"
#include "naccs_policy.h"
#include "naccs_secret.h"

/* A name longer than this is hostile input, not a login. */
#define NAME_INPUT_MAX 128

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

	pol->cfg = cfg;
	pol->store = NULL;
	return naccs_store_open(&opt, &pol->store, err);
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

int naccs_policy_resolve(struct naccs_policy *pol, const char *name, struct naccs_identity *out,
			 struct naccs_err *err)
{
	struct naccs_user_id pair;

	if (name == NULL || strnlen(name, NAME_INPUT_MAX + 1) > NAME_INPUT_MAX)
		return naccs_err_set(err, EINVAL, "user name missing or too long");
	/* NACCS forms (ABCDE001, ABCDE-001, any case) resolve through the
	 * (user code, identifying number) pair, whatever the login format. */
	if (naccs_name_parse(name, &pair) == 0)
		return naccs_store_find_by_user_id(pol->store, deadline(pol), &pair, out, err);
	if (!naccs_name_valid_login(name))
		return naccs_err_set(err, EINVAL, "not a valid user name");
	return naccs_store_find(pol->store, deadline(pol), name, out, err);
}

/* Fill the event fields common to every decision about req. */
static void event_for(struct naccs_event *ev, const struct naccs_request *req,
		      const struct naccs_decision *d)
{
	memset(ev, 0, sizeof(*ev));
	ev->login = d->known ? d->identity.login : req->user;
	if (d->known) {
		ev->user_code = d->identity.user_code;
		ev->id_number = d->identity.id_number;
	}
	ev->service = req->service;
	ev->tty = req->tty;
	ev->rhost = req->rhost;
	ev->actor = req->ruser;
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

/* The single exit for every decision: set the outcome and the user's
 * message, and report the event (UTS-2.2.1.4(1)(a)). */
static enum naccs_outcome decide(struct naccs_decision *d, const struct naccs_request *req,
				 const char *type, enum naccs_outcome outcome, const char *reason,
				 const struct naccs_account_state *st, const char *detail)
{
	static const struct naccs_account_state none;
	struct naccs_event ev;

	d->outcome = outcome;
	user_message(d, st != NULL ? st : &none);
	event_for(&ev, req, d);
	ev.type = type;
	ev.action = strcmp(type, "auth") == 0 ? "login" : "check";
	ev.result = outcome == NACCS_OUT_ALLOW	       ? "allow"
		    : outcome == NACCS_OUT_UNAVAILABLE ? "error"
						       : "deny";
	ev.reason = reason;
	ev.detail = detail;
	naccs_event_emit(&ev, NULL);
	return outcome;
}

static void login_event(struct naccs_login_event *ev, const struct naccs_request *req)
{
	memset(ev, 0, sizeof(*ev));
	ev->at = naccs_now_wall();
	snprintf(ev->service, sizeof(ev->service), "%s", req->service ? req->service : "");
	snprintf(ev->tty, sizeof(ev->tty), "%s", req->tty ? req->tty : "");
	snprintf(ev->rhost, sizeof(ev->rhost), "%s", req->rhost ? req->rhost : "");
}

/* Refusals that hold whatever the credential: a retired, suspended or locked
 * ID is never let in (UTS-2.2.1.1(1)(d), (g)(ウ); UTS-2.2.1.3(2)(g)(ウ)). */
static enum naccs_outcome state_refusal(const struct naccs_account_state *st, const char **reason)
{
	if (st->retired)
		return *reason = "retired", NACCS_OUT_RETIRED;
	if (st->suspended)
		return *reason = "suspended", NACCS_OUT_SUSPENDED;
	if (st->locked)
		return *reason = "locked", NACCS_OUT_LOCKED;
	return NACCS_OUT_ALLOW;
}

/* Upgrade a hash made with other parameters (UTS-2.2.1.6(1)(e)(イ)). A
 * failure here never fails the login: the old hash stays valid. */
static void rehash(struct naccs_policy *pol, const char *login, const char *old_phc,
		   const char *password)
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
	naccs_event_emit(&ev, NULL);
}

static enum naccs_outcome auth_failed(struct naccs_policy *pol, const struct naccs_request *req,
				      struct naccs_decision *out, const char *reason,
				      struct naccs_err *err)
{
	struct naccs_login_event ev;
	struct naccs_account_state after;
	int rc;

	login_event(&ev, req);
	if (!out->known) {
		/* Recorded too: attempts on unknown names are attempts to log on
		 * improperly, and the write makes them cost what a known
		 * user's failure costs. */
		rc = naccs_store_record_unknown_failure(pol->store, deadline(pol), req->user, &ev,
							err);
	} else {
		/* Recorded in the same transaction that reads the state back, so
		 * concurrent attempts are all counted (UTS-2.2.1.1(1)(g)(ウ)). */
		rc = naccs_store_record_failure(pol->store, deadline(pol), out->identity.login, &ev,
						&after, err);
		naccs_wipe(&after, sizeof(after));
	}
	if (rc < 0)
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed", NULL,
			      err->msg);
	return decide(out, req, "auth", NACCS_OUT_BAD_CREDENTIALS, reason, NULL, NULL);
}

static enum naccs_outcome auth_succeeded(struct naccs_policy *pol, const struct naccs_request *req,
					 const char *password, bool needs_rehash,
					 struct naccs_account_state *st, struct naccs_decision *out,
					 struct naccs_err *err)
{
	struct naccs_login_event ev;
	const char *reason = NULL;
	enum naccs_outcome refusal = state_refusal(st, &reason);
	int rc;

	if (refusal != NACCS_OUT_ALLOW)
		return decide(out, req, "auth", refusal, reason, st, NULL);
	login_event(&ev, req);
	rc = naccs_store_record_success(pol->store, deadline(pol), out->identity.login, &ev,
					&out->previous, err);
	naccs_wipe(out->previous.phc, sizeof(out->previous.phc));
	if (rc == -ECANCELED) { /* an administrator acted during the check */
		refusal = state_refusal(&out->previous, &reason);
		return decide(out, req, "auth", refusal, reason, &out->previous, NULL);
	}
	if (rc < 0)
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-write-failed", NULL,
			      err->msg);
	out->has_previous = true;
	if (needs_rehash)
		rehash(pol, out->identity.login, st->phc, password);
	return decide(out, req, "auth", NACCS_OUT_ALLOW, "password", NULL, NULL);
}

enum naccs_outcome naccs_policy_authenticate(struct naccs_policy *pol,
					     const struct naccs_request *req, const char *password,
					     struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_account_state st;
	bool match = false, needs_rehash = false;
	enum naccs_outcome result;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	rc = naccs_policy_resolve(pol, req->user, &out->identity, err);
	if (rc == 0) {
		out->known = true;
		rc =
		    naccs_store_get_state(pol->store, deadline(pol), out->identity.login, &st, err);
		if (rc < 0) /* a known ID whose state cannot be read: fail closed */
			return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-read-failed",
				      NULL, err->msg);
	} else if (rc != -ENOENT && rc != -EINVAL) {
		return decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "store-read-failed", NULL,
			      err->msg);
	}
	if (password == NULL || strnlen(password, pol->cfg->hash.max_password_bytes + 1) >
				    pol->cfg->hash.max_password_bytes) {
		naccs_wipe(&st, sizeof(st));
		return auth_failed(pol, req, out, "password-too-long", err);
	}
	/* Unknown users and IDs without a credential run a dummy verification
	 * of the same cost, so that timing does not tell them apart. */
	if (out->known && st.has_password)
		rc = naccs_hash_verify(&pol->cfg->hash, st.phc, password, &match, &needs_rehash,
				       err);
	else
		rc = naccs_hash_dummy_verify(&pol->cfg->hash, password, err);
	if (rc < 0)
		result = decide(out, req, "auth", NACCS_OUT_UNAVAILABLE, "verify-failed", NULL,
				err->msg);
	else if (!match)
		result =
		    auth_failed(pol, req, out, out->known ? "bad-password" : "unknown-user", err);
	else
		result = auth_succeeded(pol, req, password, needs_rehash, &st, out, err);
	naccs_wipe(&st, sizeof(st));
	return result;
}

enum naccs_outcome naccs_policy_account(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out, struct naccs_err *err)
{
	struct naccs_account_state st;
	const char *reason = NULL;
	enum naccs_outcome result;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = naccs_policy_resolve(pol, req->user, &out->identity, err);
	if (rc == -ENOENT || rc == -EINVAL)
		return decide(out, req, "account", NACCS_OUT_UNKNOWN, "unknown-user", NULL, NULL);
	if (rc < 0)
		return decide(out, req, "account", NACCS_OUT_UNAVAILABLE, "store-read-failed", NULL,
			      err->msg);
	out->known = true;
	rc = naccs_store_get_state(pol->store, deadline(pol), out->identity.login, &st, err);
	if (rc < 0)
		return decide(out, req, "account", NACCS_OUT_UNAVAILABLE, "store-read-failed", NULL,
			      err->msg);
	result = state_refusal(&st, &reason);
	if (result == NACCS_OUT_ALLOW && st.must_change) {
		/* An administrator set this password: the user must set their
		 * own before going on (UTS-2.2.1.1(1)(e)(ア), UTS-2.2.1.3(2)(a)). */
		result = NACCS_OUT_CHANGE_REQUIRED;
		reason = "must-change";
	}
	result = decide(out, req, "account", result, reason ? reason : "ok", &st, NULL);
	naccs_wipe(&st, sizeof(st));
	return result;
}
