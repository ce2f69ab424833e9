/* The account phase (naccs_policy_account): may the ID be used now. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "audit/debug.h"
#include "base/secret.h"
#include "policy/internal.h"
#include "policy/login_note.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "rules/notice.h"
#include "rules/su.h"
#include "policy/settings.h"
#include "policy/su.h"

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
	rc = naccs_resolve_name(pol->store, policy_deadline(pol), req->user, &out->identity, NULL,
				err);
	if (rc == -ENOENT || rc == -EINVAL) {
		naccs_debug(pol->cfg->debug, "account: '%s' is no ID here; left to the stack",
			    naccs_debug_name(pol->cfg->debug, req->user));
		return policy_decide(out, req, "account", NACCS_OUT_UNKNOWN, "not-managed", NULL,
				     NULL);
	}
	if (rc < 0) /* is it an ID at all?  The index says (issue 16) */
		return naccs_policy_unavailable(pol->cfg, req, "account", out, err->msg);
	out->known = true;
	rc = naccs_store_get_state(pol->store, policy_deadline(pol), out->identity.login, &st, err);
	if (rc < 0)
		return policy_decide(out, req, "account", NACCS_OUT_UNAVAILABLE,
				     "store-read-failed", NULL, err->msg);
	result = policy_state_refusal(&st, &reason);
	/* An admin ID from the network: only from [access]
	 * admin_allowed_networks (UTS-2.2.1.3(2)(c)(エ), rules/netmatch.c). */
	if (result == NACCS_OUT_ALLOW && out->identity.admin &&
	    policy_admin_network(pol, req, out, &st) != NACCS_OUT_ALLOW) {
		naccs_wipe(&st, sizeof(st));
		return out->outcome;
	}
	/* A shared admin ID: no direct login, su only from an allowed person
	 * (UTS-2.2.1.1(1)(g)(カ), rules/su.c).  A job of [su] job_services
	 * (root's cron jobs) is no login: not refused as one. */
	if (result == NACCS_OUT_ALLOW && naccs_su_gated(&out->identity) &&
	    !naccs_su_job_service(pol->cfg, req->service)) {
		result =
		    policy_su_gate(pol, req, out, &st, "account", su_detail, &su_reason, &invoker);
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
	    (policy_access_windows(pol, req, out, &st, NULL, su_reason ? su_detail : NULL, err) !=
		 NACCS_OUT_ALLOW ||
	     (su_reason != NULL && policy_access_windows(pol, req, out, &st, &invoker, su_detail,
							 err) != NACCS_OUT_ALLOW))) {
		naccs_wipe(&st, sizeof(st));
		return out->outcome;
	}
	if (result == NACCS_OUT_ALLOW && st.must_change) {
		/* An administrator set this password: the user must set their
		 * own before going on (UTS-2.2.1.1(1)(e)(ア), UTS-2.2.1.3(2)(a)). */
		result = NACCS_OUT_CHANGE_REQUIRED;
		reason = "must-change";
	} else if (result == NACCS_OUT_ALLOW)
		result = policy_password_age(pol, &st, &reason);
	naccs_debug(pol->cfg->debug, "account: '%s': %s", out->identity.login,
		    reason ? reason : "ok");
	if (reason == NULL)
		reason = su_reason != NULL ? su_reason : "ok";
	result = policy_decide(out, req, "account", result, reason, &st,
			       su_detail[0] ? su_detail : NULL);
	policy_age_message(pol, out, &st, reason);
	naccs_wipe(&st, sizeof(st));
	return result;
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
	policy_login_event(&ev, req);
	rc = naccs_policy_session_login(pol.store, policy_deadline(&pol), d->identity.login, &ev,
					NACCS_SESSION_MAX_AGE, NACCS_STEP_ACCOUNT, &none, err);
	naccs_policy_close(&pol);
	return rc;
}
