/* The core of the login decision: opening the store for it, the one exit
 * of every decision (policy_decide: outcome, message, event), the state
 * refusal every path applies, and the answer while the store is
 * unavailable.  The phases: auth.c, access.c (su and [access]), account.c,
 * session.c, age.c (password age), password.c (password change). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "audit/debug.h"
#include "audit/emit.h"
#include "audit/event.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "index/local.h"
#include "policy/internal.h"
#include "policy/messages.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "policy/settings.h"
#include "rules/lockout.h"

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

naccs_deadline_t policy_deadline(const struct naccs_policy *pol)
{
	return naccs_deadline_in(pol->cfg->store_timeout_ms);
}

/* ---- reporting: the one way out for events ---------------------------- */

/* Every event of a login leaves through here (UTS-2.2.1.4(1)(a)): the
 * trail line of req->trail, and syslog.  0, or -errno when the trail line
 * could not be written (naccs_event_emit has said so at LOG_ALERT). */
int policy_report(const struct naccs_request *req, struct naccs_event *ev)
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
const char *policy_typed_name(const struct naccs_config *cfg, const struct naccs_request *req,
			      struct naccs_decision *d)
{
	if (d->user_shown[0] == '\0')
		naccs_name_shown(cfg, req->user, d->user_shown);
	return d->user_shown;
}

/* Fill the event fields common to every decision about req.  A name that
 * is no ID here as policy_typed_name() made it (the store keeps the same). */
void policy_event_for(struct naccs_event *ev, const struct naccs_request *req,
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

/* The user's text of d's outcome (policy/messages.c). */
static void user_message(struct naccs_decision *d, const struct naccs_account_state *st)
{
	const char *m = naccs_message_state(d->outcome, st, d->message, sizeof(d->message));

	if (m == NULL)
		d->message[0] = '\0';
	else if (m != d->message)
		snprintf(d->message, sizeof(d->message), "%s", m);
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
enum naccs_outcome policy_decide(struct naccs_decision *d, const struct naccs_request *req,
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
		policy_typed_name(req->trail, req, d);
	policy_event_for(&ev, req, d);
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
	if (policy_report(req, &ev) < 0 && lets_in(outcome))
		return trail_failed(d, req, type, ev.login ? ev.login : "?");
	return outcome;
}

/* ---- steps of a login ------------------------------------------------- */

void policy_login_event(struct naccs_login_event *ev, const struct naccs_request *req)
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

enum naccs_outcome policy_state_refusal(const struct naccs_account_state *st, const char **reason)
{
	return naccs_policy_state_refusal(st, naccs_now_wall(), reason);
}

enum naccs_outcome naccs_policy_unavailable(const struct naccs_config *cfg,
					    const struct naccs_request *req, const char *type,
					    struct naccs_decision *out, const char *why)
{
	/* The messages (about 1.5 KB) on the heap: this runs on a PAM host's
	 * stack when naccsd is out of reach (issue 18). */
	struct {
		char detail[2 * NACCS_ERR_MSG_MAX + 32];
		struct naccs_err ierr;
	} *m = calloc(1, sizeof(*m));
	enum naccs_outcome o;
	bool held = true;
	int rc;

	memset(out, 0, sizeof(*out));
	/* Without memory nothing tells an ID from a local name: fail closed. */
	if (m == NULL)
		return policy_decide(out, req, type, NACCS_OUT_UNAVAILABLE,
				     "store-and-index-unavailable", NULL,
				     "identity index not consulted: out of memory (ENOMEM)");
	naccs_err_clear(&m->ierr);
	/* Root on the console must be able to repair the store; a naccs ID
	 * must not get in while its state cannot be read or recorded: the
	 * public identity index tells which is which (index/local.h). */
	rc = naccs_local_index_holds(cfg, req->user, 0, &held, &m->ierr);
	if (rc < 0) {
		snprintf(m->detail, sizeof(m->detail), "%s; %s", why != NULL ? why : "",
			 m->ierr.msg);
		o = policy_decide(out, req, type, NACCS_OUT_UNAVAILABLE,
				  "store-and-index-unavailable", NULL, m->detail);
		free(m);
		return o;
	}
	free(m);
	if (held)
		return policy_decide(out, req, type, NACCS_OUT_UNAVAILABLE, "store-unavailable",
				     NULL, why);
	naccs_debug(cfg->debug,
		    "%s: '%s' is no ID in the identity index; left to the stack while the store "
		    "is unavailable",
		    type, naccs_debug_name(cfg->debug, req->user));
	return policy_decide(out, req, type, NACCS_OUT_NOT_MANAGED, "store-unavailable-not-an-id",
			     NULL, why);
}

int naccs_policy_generation(struct naccs_policy *pol, const struct naccs_request *req,
			    char gen[NACCS_GENERATION_MAX], struct naccs_err *err)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	int rc = naccs_resolve_name(pol->store, policy_deadline(pol), req->user, &id, NULL, err);

	if (rc == -ENOENT || rc == -EINVAL) {
		naccs_lockout_generation(NULL, gen);
		return 0;
	}
	if (rc == 0)
		rc = naccs_store_get_state(pol->store, policy_deadline(pol), id.login, &st, err);
	if (rc == 0)
		naccs_lockout_generation(&st, gen);
	naccs_wipe(&st, sizeof(st));
	return rc;
}
