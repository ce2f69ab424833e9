/* The su and access glue of the decision: a shared admin ID's su verdict
 * (rules/su.c), an admin ID's networks (rules/netmatch.c), and the
 * days, hours, services, terminals and networks of [access] rule_NAME
 * (rules/access.c). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "audit/debug.h"
#include "audit/event.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "policy/internal.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "rules/access.h"
#include "rules/lockout.h"
#include "rules/netmatch.h"
#include "rules/su.h"
#include "rules/access_parse.h"
#include "policy/su.h"

/* An admin ID with PAM_RHOST set: the remote address must be a literal
 * address inside [access] admin_allowed_networks (empty: no network
 * logins for admin IDs).  A host name is refused, never resolved. */
enum naccs_outcome policy_admin_network(struct naccs_policy *pol, const struct naccs_request *req,
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
	o = policy_decide(out, req, "account", NACCS_OUT_DENIED,
			  m < 0 ? "admin-rhost-not-an-address" : "admin-network-not-allowed", st,
			  detail);
	snprintf(out->message, sizeof(out->message),
		 _("%s is an administrator ID: logging in to it from this address is not "
		   "allowed."),
		 out->identity.login);
	return o;
}

/* The su rule's view of the invoker's state: usable unless retired,
 * suspended, locked, or its password expired or never set by its holder
 * (the rules of this file). */
const char *policy_invoker_unusable(void *ctx, const struct naccs_account_state *st)
{
	const struct naccs_policy *pol = ctx;
	const char *reason = NULL;
	enum naccs_outcome o = policy_state_refusal(st, &reason);

	if (o == NACCS_OUT_ALLOW && st->must_change)
		return "su-invoker-must-change";
	if (o == NACCS_OUT_ALLOW)
		o = policy_password_age(pol, st, &reason);
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
enum naccs_outcome policy_su_gate(struct naccs_policy *pol, const struct naccs_request *req,
				  struct naccs_decision *out, const struct naccs_account_state *st,
				  const char *type, char detail[NACCS_ERR_MSG_MAX],
				  const char **allowed, struct naccs_identity *invoker)
{
	struct naccs_su_invoker inv;
	struct naccs_su_verdict v;
	enum naccs_outcome o;

	naccs_su_read_invoker(&inv);
	naccs_su_decide(pol->store, policy_deadline(pol), pol->cfg, req->service, &out->identity,
			&inv, policy_invoker_unusable, pol, &v);
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
	o = policy_decide(out, req, type, o, v.reason, st, v.detail);
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
		rc = naccs_resolve_name(pol->store, policy_deadline(pol), r->who, &named, NULL,
					&err);
		if (rc == -ENOENT || rc == -EINVAL)
			return 0;
		return rc < 0 ? rc : strcmp(named.login, id->login) == 0;
	case NACCS_ACCESS_GROUP:
		rc = naccs_store_group_has_member(pol->store, policy_deadline(pol), r->who,
						  id->login, &member, &err);
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
 * made (one event through policy_decide()). */
enum naccs_outcome policy_access_windows(struct naccs_policy *pol, const struct naccs_request *req,
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
		return policy_decide(out, req, "account", NACCS_OUT_UNAVAILABLE,
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
	o = policy_decide(out, req, "account", NACCS_OUT_DENIED,
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
