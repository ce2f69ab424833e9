/* naccsd's AUTHENTICATE, ACCOUNT and AUTH_GATE (docs/NACCSD-PLAN.md step
 * 3a): the policy's naccs_policy_authenticate, naccs_policy_account (then,
 * as pam_sm_acct_mgmt, naccs_policy_account_login: the login of a service
 * without sessions) and naccs_policy_auth_gate, with the "who may ask
 * what" rules of internal.h. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "base/secret.h"
#include "internal.h"
#include "lock.h"
#include "policy/policy.h"
#include "proto/schema.h"
#include "rules/lockout.h"

/* The policy's decision for a (store open in pol). */
static enum naccs_outcome policy_call(struct naccs_policy *pol, uint16_t type, const struct ask *a,
				      struct naccs_decision *d, struct naccs_err *err)
{
	switch (type) {
	case NACCS_MSG_AUTHENTICATE:
		return naccs_policy_authenticate(pol, &a->req, a->password, d, err);
	case NACCS_MSG_ACCOUNT:
		return naccs_policy_account(pol, &a->req, d, err);
	default:
		return naccs_policy_auth_gate(pol, &a->req, d, err);
	}
}

/* The same wrong password again in one PAM handle (docs/PROTOCOL.md, "The
 * repeat cache"): a root peer's AUTHENTICATE with the generation its first
 * refusal held for.  While the ID's generation is still that one, the same
 * refusal, not verified, not counted, nothing written
 * (UTS-2.2.1.1(1)(g)(ウ), issue #16); true with d set. */
static bool repeat_refusal(struct naccs_policy *pol, const struct naccs_msg *req,
			   const struct ask *a, struct naccs_decision *d, struct naccs_err *err)
{
	const char *prior = NULL;
	char now[NACCS_GENERATION_MAX], unknown[NACCS_GENERATION_MAX];

	if (naccs_msg_get_str(req, NACCS_TAG_PRIOR_GENERATION, &prior, NULL) < 0 || !a->root ||
	    req->type != NACCS_MSG_AUTHENTICATE ||
	    naccs_policy_generation(pol, &a->req, now, err) < 0 || strcmp(now, prior) != 0) {
		naccs_err_clear(err);
		return false;
	}
	naccs_lockout_generation(NULL, unknown);
	d->outcome = strcmp(now, unknown) == 0 ? NACCS_OUT_UNKNOWN : NACCS_OUT_BAD_CREDENTIALS;
	d->verified_wrong = true; /* the response carries the generation again */
	snprintf(d->generation, sizeof(d->generation), "%s", now);
	return true;
}

/* pam_sm_acct_mgmt after an allowed account phase: on a service of
 * [session] sessionless_services the login auth noted counts now (issue
 * #16).  Logged, never a refusal. */
static void account_login(const struct naccs_config *cfg, const struct ask *a,
			  const struct naccs_decision *d)
{
	struct naccs_err err;

	naccs_err_clear(&err);
	if (naccs_policy_account_login(cfg, &a->req, d, &err) < 0)
		syslog(LOG_ERR, "account check: login not recorded: %s", err.msg);
	naccs_wipe(&err, sizeof(err));
}

int naccsd_decide_auth(const struct naccs_config *cfg, const struct naccsd_peer *peer,
		       const struct naccs_msg *req, struct naccs_msg *resp, unsigned *hold_ms,
		       struct ask *a, struct naccs_decision *d, struct naccs_err *err)
{
	struct naccs_policy pol;
	int lock = -1; /* the store's lock, shared (lock.h) */
	enum naccs_outcome o;
	enum whose w = WHOSE_MINE;
	bool counted = true, opened = false;

	if (naccsd_policy_open(&pol, &lock, cfg, req->type == NACCS_MSG_ACCOUNT, err) < 0) {
		o = naccsd_store_unavailable(cfg, peer, req->type, "auth", a, d, err->msg);
	} else {
		opened = true;
		if (!a->root)
			w = naccsd_whose(&pol, peer, a);
		if (w == WHOSE_MINE) {
			if (!a->root)
				a->req.user = a->login;
			if (repeat_refusal(&pol, req, a, d, err))
				o = d->outcome;
			else
				o = policy_call(&pol, req->type, a, d, err);
		} else if (w == WHOSE_OTHER) {
			/* A wrong password of the peer's own ID, as the peer
			 * sees it: the same hash cost and delay, counted
			 * nowhere. */
			if (req->type == NACCS_MSG_AUTHENTICATE)
				naccsd_refuse_like_wrong(&pol, a);
			o = d->outcome = NACCS_OUT_BAD_CREDENTIALS;
			counted = false;
		} else {
			o = d->outcome =
			    w == WHOSE_NO_ID ? NACCS_OUT_UNKNOWN : NACCS_OUT_UNAVAILABLE;
			counted = false;
		}
		naccsd_policy_close(&pol, &lock);
	}
	if (o == NACCS_OUT_UNAVAILABLE && counted)
		syslog(LOG_ERR, "%s failed closed: %s",
		       req->type == NACCS_MSG_ACCOUNT ? "account check" : "authentication",
		       d->audit_refused ? "the audit trail cannot be written" : err->msg);
	/* As pam_sm_acct_mgmt: only with the store open and the ID let in. */
	if (req->type == NACCS_MSG_ACCOUNT && opened && counted && o == NACCS_OUT_ALLOW)
		account_login(cfg, a, d);
	/* naccs_chkpwd's rule: every refused authentication but "not mine"
	 * waits the fail delay (a root peer may take it itself: flags bit 3). */
	if (req->type == NACCS_MSG_AUTHENTICATE && o != NACCS_OUT_ALLOW && o != NACCS_OUT_UNKNOWN &&
	    o != NACCS_OUT_NOT_MANAGED && (a->flags & NACCS_FLAG_NO_FAIL_DELAY) == 0)
		*hold_ms = cfg->fail_delay_ms;
	naccs_err_clear(err);
	return naccsd_respond(cfg, req, resp, a, o, d, err);
}
