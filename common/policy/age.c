/* Password age (UTS-2.2.1.1(1)(c)(ア)(イ)): the expiry, the forced change
 * or refusal past it, the warning near it, and the user's dated message. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/time.h"
#include "policy/internal.h"
#include "policy/policy.h"

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
enum naccs_outcome policy_password_age(const struct naccs_policy *pol,
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
void policy_age_message(struct naccs_policy *pol, struct naccs_decision *d,
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
		if (naccs_store_registry(pol->store, policy_deadline(pol), d->identity.login,
					 reset_cb, &r, &err) < 0)
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
