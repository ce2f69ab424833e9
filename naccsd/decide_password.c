/* naccsd's PASSWORD_BEGIN and PASSWORD_CHANGE, as pam_sm_chauthtok decides
 * them (pam_naccs/pam_chauthtok.c; docs/PROTOCOL.md, "The password
 * change"):
 *   PASSWORD_BEGIN   (PAM_PRELIM_CHECK) naccs_policy_password_target, then
 *                    naccs_policy_password_begin: may the ID change now, is
 *                    the current password its password;
 *   PASSWORD_CHANGE  (PAM_UPDATE_AUTHTOK) the same begin again (the service
 *                    keeps nothing between requests: the hash it verifies
 *                    now is the one swapped), then
 *                    naccs_policy_password_change: every rule on the new
 *                    password, the history, the compare-and-swap.
 * Root changes another user's password without the current one where
 * pam_chauthtok's root_for_other allows it: a root peer whose invoker is
 * uid 0, outside a forced change (flags: expired), for a target that is
 * not uid 0.  Anyone else sends the current password; without it the
 * answer is CHANGE_REQUIRED ("ask it"), nothing verified or counted.
 * An unprivileged peer changes its own ID's password only: any other name
 * gets the very answer of its own wrong current password, after the same
 * hash and delay, counted nowhere. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "internal.h"
#include "lock.h"
#include "policy/policy.h"
#include "policy/settings.h"
#include "proto/schema.h"
#include "rules/notice.h"

/* policy/password.c's message for a wrong current password (the same
 * msgid): the answer to another name must be the same bytes. */
static const char *wrong_current_text(void)
{
	return _("The current password is not correct; the password was not changed.");
}

/* The decision for the peer's own ID (an unprivileged peer) or the user a
 * root peer names; the change's result into d (outcome, identity,
 * message). */
static enum naccs_outcome decide_user(struct naccs_policy *pol, const struct naccs_msg *req,
				      const struct ask *a, struct naccs_decision *d,
				      struct naccs_err *err)
{
	struct naccs_pw_change ch;
	struct naccs_identity id;
	const char *nw = NULL, *cur;
	enum naccs_outcome o;
	bool as_root;

	switch (naccs_policy_password_target(pol, &a->req, &id, err)) {
	case NACCS_OUT_UNKNOWN:
		return d->outcome = NACCS_OUT_UNKNOWN; /* not ours: nothing asked */
	case NACCS_OUT_ALLOW:
		break;
	default:
		/* A name the identity index does not hold is left to the stack
		 * (NOT_MANAGED); an ID fails closed (issue 16). */
		syslog(LOG_ERR, "password change: credential store: %s", err->msg);
		return naccs_policy_unavailable(pol->cfg, &a->req, "password", d, err->msg);
	}
	/* pam_chauthtok's root_for_other: from the invoker's uid, never from
	 * the request's items. */
	as_root = a->root && a->inv.uid == 0 && (a->flags & NACCS_FLAG_EXPIRED) == 0 && id.uid != 0;
	naccs_wipe(&id, sizeof(id));
	if (!as_root && a->password == NULL)
		return d->outcome = NACCS_OUT_CHANGE_REQUIRED;
	cur = as_root ? NULL : a->password;
	o = naccs_policy_password_begin(pol, &a->req, as_root, cur, &ch, err);
	if (o == NACCS_OUT_ALLOW && req->type == NACCS_MSG_PASSWORD_CHANGE) {
		(void)naccs_msg_get_secret(req, NACCS_TAG_NEW_PASSWORD, &nw);
		o = naccs_policy_password_change(pol, &a->req, &ch, cur, nw, err);
	}
	if (o == NACCS_OUT_UNAVAILABLE)
		syslog(LOG_ERR, "password change failed closed: %s", err->msg);
	d->outcome = o;
	d->known = ch.known;
	if (ch.known)
		d->identity = ch.identity;
	snprintf(d->message, sizeof(d->message), "%s", ch.message);
	naccs_pw_change_clear(&ch);
	return o;
}

/* An unprivileged peer named another name: the answer its own ID would
 * get at this step with a wrong current password. */
static enum naccs_outcome decide_other(struct naccs_policy *pol, const struct ask *a,
				       struct naccs_decision *d)
{
	if (a->password == NULL)
		return d->outcome = NACCS_OUT_CHANGE_REQUIRED;
	naccsd_refuse_like_wrong(pol, a);
	snprintf(d->message, sizeof(d->message), "%s", wrong_current_text());
	return d->outcome = NACCS_OUT_BAD_CREDENTIALS;
}

int naccsd_decide_password(const struct naccs_config *cfg, const struct naccsd_peer *peer,
			   const struct naccs_msg *req, struct naccs_msg *resp, unsigned *hold_ms,
			   struct ask *a, struct naccs_decision *d, struct naccs_err *err)
{
	struct naccs_policy pol;
	int lock = -1; /* the store's lock, shared (lock.h) */
	enum naccs_outcome o;
	enum whose w = WHOSE_MINE;
	int rc;

	if (naccsd_policy_open(&pol, &lock, cfg, false, err) < 0) {
		o = naccsd_store_unavailable(cfg, peer, req->type, "password", a, d, err->msg);
	} else {
		if (!a->root)
			w = naccsd_whose(&pol, peer, a);
		if (w == WHOSE_MINE) {
			if (!a->root)
				a->req.user = a->login;
			o = decide_user(&pol, req, a, d, err);
		} else if (w == WHOSE_OTHER) {
			o = decide_other(&pol, a, d);
		} else {
			o = d->outcome =
			    w == WHOSE_NO_ID ? NACCS_OUT_UNKNOWN : NACCS_OUT_UNAVAILABLE;
		}
		naccsd_policy_close(&pol, &lock);
	}
	/* A wrong current password is a failed authentication: its answer
	 * waits the fail delay, as AUTHENTICATE's (flags bit 3: a root
	 * peer's own choice). */
	if (o == NACCS_OUT_BAD_CREDENTIALS && (a->flags & NACCS_FLAG_NO_FAIL_DELAY) == 0)
		*hold_ms = cfg->fail_delay_ms;
	naccs_err_clear(err);
	rc = naccsd_respond(cfg, req, resp, a, o, d, err);
	/* UTS-2.2.1.1(1)(b)(ウ): the warning on an unencrypted service at a
	 * change, before its first prompt (prelim), whoever the user. */
	if (rc == 0 && req->type == NACCS_MSG_PASSWORD_BEGIN && (a->flags & NACCS_FLAG_PRELIM) &&
	    naccs_notice_unencrypted(cfg, a->req.service))
		rc = naccsd_set_text(resp, NACCS_TAG_INFO, naccs_notice_unencrypted_change_text(),
				     err);
	if (rc == 0 && o == NACCS_OUT_ALLOW && req->type == NACCS_MSG_PASSWORD_CHANGE &&
	    (a->flags & (NACCS_FLAG_QUIET | NACCS_FLAG_SILENT)) == 0)
		rc = naccsd_set_text(resp, NACCS_TAG_INFO, _("The password was changed."), err);
	return rc;
}
