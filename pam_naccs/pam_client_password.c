/* pam_sm_chauthtok through naccsd (pam_client.h; docs/PROTOCOL.md "The
 * password change"), with pam_chauthtok.c's prompts, messages and codes:
 *
 *   PAM_PRELIM_CHECK    PASSWORD_BEGIN without a password: is it ours, and
 *                       must the current password be asked (CHANGE_REQUIRED)
 *                       or may root change it without (ALLOW)?  Its info
 *                       lines (the unencrypted-service warning) before the
 *                       first prompt.  Then the current password
 *                       (PAM_OLDAUTHTOK, so try_first_pass / use_first_pass
 *                       stack) and PASSWORD_BEGIN with it: naccsd verifies
 *                       and counts it as a login's;
 *   PAM_UPDATE_AUTHTOK  the new password, asked twice (libpam compares;
 *                       use_authtok takes a module above's), and
 *                       PASSWORD_CHANGE with the current one: a refusal
 *                       shows the rule's message and asks again up to
 *                       password.retry (retry=N) times.
 * Whether root changes another's password without the current one is
 * naccsd's to decide (from the invoker's uid, never from PAM items);
 * PAM_CHANGE_EXPIRED_AUTHTOK (login's forced change after the account phase
 * said PAM_NEW_AUTHTOK_REQD) is flags bit 4: the current password is asked
 * even of root.  A name that is no ID here is left to the module below
 * (pam_chauthtok.c's not_ours); naccsd out of reach, the identity index
 * decides: an ID's change fails closed. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "base/i18n.h"
#include "config/conf.h"
#include "policy/policy.h"
#include "policy/settings.h"
#include "proto/schema.h"
#include "rules/notice.h"
#include "pam_args.h"
#include "pam_call.h"
#include "pam_client.h"

/* What the first step found, for the second (pam_set_data; a constant's
 * address, nothing to free). */
#define STEP_KEY "pam_naccs_client_password"
static const char ours_with_current = 'c'; /* PAM_OLDAUTHTOK to send */
static const char ours_as_root = 'r';	   /* root for another: none */
static const char not_ours_here = 'n';

static void step_set(pam_handle_t *pamh, const char *what)
{
	pam_set_data(pamh, STEP_KEY, (void *)what, NULL);
}

/* PAM_PRELIM_CHECK's code of an outcome (pam_chauthtok.c's fail_code). */
static int code_of(enum naccs_outcome o, bool prelim)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return PAM_SUCCESS;
	case NACCS_OUT_UNKNOWN:
		return PAM_USER_UNKNOWN;
	case NACCS_OUT_BAD_CREDENTIALS:
		return PAM_AUTH_ERR;
	case NACCS_OUT_LOCKED:
	case NACCS_OUT_SUSPENDED:
	case NACCS_OUT_RETIRED:
		return PAM_PERM_DENIED;
	case NACCS_OUT_UNAVAILABLE:
		return prelim ? PAM_TRY_AGAIN : PAM_AUTHTOK_ERR;
	default: /* a rule refused, or minimum age */
		return PAM_AUTHTOK_ERR;
	}
}

/* A name that is not ours: as pam_chauthtok.c's not_ours, the new password
 * asked here (twice) and left in PAM_AUTHTOK for pam_unix's use_authtok. */
static int not_ours(struct client *c)
{
	const char *tok = NULL;
	int rv;

	step_set(c->pamh, &not_ours_here);
	if (!(c->flags & PAM_UPDATE_AUTHTOK))
		return PAM_IGNORE;
	rv = pam_get_authtok(c->pamh, PAM_AUTHTOK, &tok, _("New password: "));
	if (rv == PAM_SUCCESS)
		return PAM_IGNORE;
	pam_set_item(c->pamh, PAM_AUTHTOK, NULL);
	return rv == PAM_TRY_AGAIN ? PAM_AUTHTOK_ERR : rv;
}

/* naccsd out of reach: not ours, or fail closed; the unencrypted-service
 * warning, which naccsd did not send, from the configuration. */
static int fallback(struct client *c, enum reach r, bool prelim)
{
	if (prelim && !c->args.quiet && client_load_opts(c) == PAM_SUCCESS &&
	    naccs_notice_unencrypted(&c->opts->cfg, pam_call_item(c->pamh, PAM_SERVICE)))
		pam_info(c->pamh, "%s", naccs_notice_unencrypted_change_text());
	if (client_fallback(c, "password", r == REACH_BUSY) == NACCS_OUT_NOT_MANAGED)
		return not_ours(c);
	return prelim ? PAM_TRY_AGAIN : PAM_AUTHTOK_ERR;
}

/* An ID's change (naccsd said so) without naccsd's answer: logged, and the
 * user told to try again when the flood cap was full. */
static void failed_closed(struct client *c, enum reach r)
{
	pam_syslog(c->pamh, LOG_ERR, "password change failed closed: naccsd %s",
		   r == REACH_BUSY ? "busy" : "unreachable");
	if (r == REACH_BUSY && !c->args.quiet)
		pam_error(c->pamh, "%s",
			  _("The authentication service is busy. Please try again later."));
}

static int prelim(struct client *c)
{
	struct client_req x = {.flags = NACCS_FLAG_PRELIM};
	const char *cur = NULL;
	enum reach r;
	int rv;

	step_set(c->pamh, NULL); /* a first step of an earlier change: gone */
	if (c->flags & PAM_CHANGE_EXPIRED_AUTHTOK)
		x.flags |= NACCS_FLAG_EXPIRED;
	r = client_exchange(c, NACCS_MSG_PASSWORD_BEGIN, &x);
	if (r != REACH_ANSWERED)
		return fallback(c, r, true);
	client_show(c); /* the warning before the first prompt */
	switch (c->outcome) {
	case NACCS_OUT_UNKNOWN:
	case NACCS_OUT_NOT_MANAGED:
		return not_ours(c);
	case NACCS_OUT_ALLOW: /* root for another: nothing to ask */
		step_set(c->pamh, &ours_as_root);
		return PAM_SUCCESS;
	case NACCS_OUT_CHANGE_REQUIRED:
		break;
	default:
		if (c->outcome == NACCS_OUT_UNAVAILABLE)
			pam_syslog(c->pamh, LOG_ERR, "password change failed closed (naccsd)");
		return code_of(c->outcome, true);
	}
	rv = pam_get_authtok(c->pamh, PAM_OLDAUTHTOK, &cur, _("Current password: "));
	if (rv != PAM_SUCCESS || cur == NULL)
		return rv == PAM_CONV_ERR || rv == PAM_SUCCESS ? PAM_AUTHTOK_RECOVERY_ERR : rv;
	x.flags &= ~NACCS_FLAG_PRELIM; /* the warning was shown */
	x.password = cur;
	r = client_exchange(c, NACCS_MSG_PASSWORD_BEGIN, &x);
	if (r != REACH_ANSWERED) {
		failed_closed(c, r);
		pam_set_item(c->pamh, PAM_OLDAUTHTOK, NULL);
		return PAM_TRY_AGAIN;
	}
	rv = code_of(c->outcome, true);
	client_show(c);
	if (rv == PAM_SUCCESS)
		step_set(c->pamh, &ours_with_current);
	else
		pam_set_item(c->pamh, PAM_OLDAUTHTOK, NULL);
	return rv;
}

static bool uses_authtok(int argc, const char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "use_authtok") == 0)
			return true;
	}
	return false;
}

/* password.retry (retry=N): the configuration's, with the arguments'
 * overrides (pam_naccs_load_opts).  A process that cannot read it (an
 * unprivileged peer) asks once: no rule of its own to count tries by. */
static unsigned tries_of(struct client *c)
{
	if (uses_authtok(c->argc, c->argv))
		return 1; /* the token is a module above's: nothing to ask again */
	if (c->root && client_load_opts(c) == PAM_SUCCESS)
		return c->opts->cfg.password.retry;
	return 1;
}

static int update(struct client *c)
{
	const void *step = NULL;
	const char *tok = NULL;
	struct client_req x = {0};
	unsigned tries, i;
	enum reach r;
	int rv = PAM_AUTHTOK_ERR;

	if (pam_get_data(c->pamh, STEP_KEY, &step) != PAM_SUCCESS || step == NULL) {
		pam_syslog(c->pamh, LOG_ERR, "password update without a successful first step");
		return PAM_AUTHTOK_ERR;
	}
	if (step == &not_ours_here)
		return not_ours(c);
	if (c->flags & PAM_CHANGE_EXPIRED_AUTHTOK)
		x.flags |= NACCS_FLAG_EXPIRED;
	if (step == &ours_with_current &&
	    (pam_get_item(c->pamh, PAM_OLDAUTHTOK, (const void **)&x.password) != PAM_SUCCESS ||
	     x.password == NULL))
		return PAM_AUTHTOK_RECOVERY_ERR;
	tries = tries_of(c);
	for (i = 0; i < tries; i++) {
		rv = pam_get_authtok(c->pamh, PAM_AUTHTOK, &tok, _("New password: "));
		if (rv == PAM_TRY_AGAIN) { /* the two entries did not match */
			pam_set_item(c->pamh, PAM_AUTHTOK, NULL);
			rv = PAM_AUTHTOK_ERR;
			continue;
		}
		if (rv != PAM_SUCCESS)
			break;
		x.new_password = tok;
		r = client_exchange(c, NACCS_MSG_PASSWORD_CHANGE, &x);
		if (r != REACH_ANSWERED) {
			failed_closed(c, r);
			rv = PAM_AUTHTOK_ERR;
			break;
		}
		rv = code_of(c->outcome, false);
		client_show(c); /* the rule's message, or "changed" */
		if (rv == PAM_SUCCESS || c->outcome != NACCS_OUT_REJECTED)
			break;
		pam_set_item(c->pamh, PAM_AUTHTOK, NULL); /* ask again */
	}
	/* Every try used up by a refusal or by entries that did not match:
	 * PAM_MAXTRIES, as pam_pwquality and pam_pwhistory answer; with one
	 * try only, the refusal's own code (as pam_pwquality does). */
	if (rv == PAM_AUTHTOK_ERR && tries > 1 && i == tries)
		rv = PAM_MAXTRIES;
	return rv;
}

int pam_client_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct client c;
	int rv = client_begin(&c, pamh, flags, argc, argv, PHASE_OTHER);

	if (rv != PAM_SUCCESS)
		return client_end(&c, rv);
	if (flags & PAM_PRELIM_CHECK)
		rv = prelim(&c);
	else if (flags & PAM_UPDATE_AUTHTOK)
		rv = update(&c);
	else
		rv = PAM_SERVICE_ERR;
	return client_end(&c, rv);
}
