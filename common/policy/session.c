/* The session phase: the su verdict again for a switch, the concurrent
 * sessions per ID, the login recorded; and the session's close. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "audit/debug.h"
#include "audit/emit.h"
#include "audit/event.h"
#include "base/i18n.h"
#include "policy/internal.h"
#include "policy/login_note.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "rules/notice.h"
#include "rules/sessions.h"
#include "rules/su.h"
#include "policy/settings.h"
#include "policy/su.h"

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
		policy_decide(out, req, "session", NACCS_OUT_DENIED, "session-table-unavailable",
			      NULL, err->msg);
		snprintf(out->message, sizeof(out->message), "%s",
			 _("Your session cannot be opened now: the session table cannot be used. "
			   "Ask an administrator."));
		return out->outcome;
	}
	snprintf(detail, sizeof(detail), "live=%u max=%u", live, cfg->max_sessions_per_id);
	policy_decide(out, req, "session", NACCS_OUT_DENIED, "too-many-sessions", NULL, detail);
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
	rc = naccs_resolve_name(pol->store, policy_deadline(pol), req->user, &out->identity, NULL,
				err);
	if (rc == -ENOENT || rc == -EINVAL)
		return policy_decide(out, req, "session", NACCS_OUT_UNKNOWN, "not-managed", NULL,
				     NULL);
	if (rc < 0)
		return policy_decide(out, req, "session", NACCS_OUT_UNAVAILABLE,
				     "store-read-failed", NULL, err->msg);
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
		naccs_su_decide(pol->store, policy_deadline(pol), pol->cfg, req->service,
				&out->identity, &inv, policy_invoker_unusable, pol, &v);
		naccs_debug(pol->cfg->debug, "session: '%s': %s (%s)", out->identity.login,
			    v.reason, v.detail);
		out->has_individual = v.invoker_known;
		if (v.invoker_known)
			out->individual = v.invoker;
		if (!v.allow) {
			out->su_refused = true;
			policy_decide(out, req, "session",
				      v.unavailable ? NACCS_OUT_UNAVAILABLE : NACCS_OUT_DENIED,
				      v.reason, NULL, v.detail);
			snprintf(out->message, sizeof(out->message), "%s", v.message);
			return out->outcome;
		}
		snprintf(su_detail, sizeof(su_detail), "%s", v.detail);
	}
	if (session_limit(pol, req, out, err) != NACCS_OUT_ALLOW)
		return out->outcome;
	/* The login is in the store whichever way the user came in (a
	 * password here, or an SSH key): UTS-2.2.1.1(1)(g)(イ), (ウ). */
	policy_login_event(&ev, req);
	rc = naccs_policy_session_login(
	    pol->store, policy_deadline(pol), out->identity.login, &ev, NACCS_SESSION_MAX_AGE,
	    naccs_notice_sessionless(pol->cfg, req->service) ? NACCS_STEP_SESSION_COUNTED
							     : NACCS_STEP_SESSION,
	    &out->notice, err);
	if (rc < 0)
		return policy_decide(out, req, "session", NACCS_OUT_UNAVAILABLE,
				     "store-write-failed", NULL, err->msg);
	out->has_notice = true;
	return policy_decide(out, req, "session", NACCS_OUT_ALLOW, "open", NULL,
			     su_detail[0] ? su_detail : NULL);
}
