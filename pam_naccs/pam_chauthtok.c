/* pam_sm_chauthtok: the user changes their own password
 * (UTS-2.2.1.1(1)(e)(ア)), with passwd, or when login, sshd or su start the
 * forced change (PAM_CHANGE_EXPIRED_AUTHTOK) after the account phase said
 * PAM_NEW_AUTHTOK_REQD.
 *
 *   PAM_PRELIM_CHECK    the ID may change now; the current password is
 *                       asked (PAM_OLDAUTHTOK, so try_first_pass /
 *                       use_first_pass stack) and verified, unless root
 *                       changes another user's password (decided from
 *                       getuid(), never from PAM items);
 *   PAM_UPDATE_AUTHTOK  the new password, asked twice (use_authtok takes the
 *                       one a module above set), checked against every rule;
 *                       a refusal names its rule as PAM_ERROR_MSG and asks
 *                       again up to password.retry (retry=N) times; then one
 *                       compare-and-swap on the hash verified in the first
 *                       step.
 * For an ID the store manages this type never answers PAM_IGNORE: it
 * changes the naccs password or fails, so a module below (pam_unix) never
 * changes /etc/shadow in its place.  A name that is no ID here is left to
 * the stack (PAM_IGNORE). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "base/i18n.h"
#include "rules/notice.h"
#include "policy/policy.h"
#include "policy/settings.h"
#include "base/secret.h"
#include "pam_call.h"
#include "pam_client.h"

#define VERIFIED_KEY "pam_naccs_chauthtok_verified"

/* Root changes another user's password: root's real uid, outside a forced
 * change (login and sshd run as root and must still ask the user), and a
 * target that is not root itself.  Never from PAM items. */
static bool root_for_other(int flags, const struct naccs_identity *target)
{
	return getuid() == 0 && (flags & PAM_CHANGE_EXPIRED_AUTHTOK) == 0 && target->uid != 0;
}

static void free_verified(pam_handle_t *pamh, void *data, int error_status)
{
	if (data != NULL)
		naccs_wipe_str(data);
	free(data);
}

static int fail_code(enum naccs_outcome o, bool prelim)
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

static void show(pam_handle_t *pamh, const struct call *c, const struct naccs_pw_change *ch)
{
	if (ch->outcome == NACCS_OUT_UNAVAILABLE)
		pam_syslog(pamh, LOG_ERR, "password change failed closed: %s", c->err.msg);
	if (!c->o.quiet && ch->message[0] != '\0')
		pam_error(pamh, "%s", ch->message);
}

/* The store could not be read: is the name one the identity index does
 * not hold (left to the stack, issue 16)? */
static bool store_failed_not_ours(struct call *c)
{
	return naccs_policy_unavailable(&c->o.cfg, &c->req, "password", &c->d, c->err.msg) ==
	       NACCS_OUT_NOT_MANAGED;
}

/* The first step: may this ID change, and is this the user. */
static int prelim(pam_handle_t *pamh, int flags, struct call *c)
{
	struct naccs_pw_change ch;
	struct naccs_identity id;
	const char *cur = NULL;
	char *keep;
	bool as_root;
	int rv;

	/* Is it ours at all, and who is it?  (No password asked for a name
	 * the stack below handles.) */
	switch (naccs_policy_password_target(&c->pol, &c->req, &id, &c->err)) {
	case NACCS_OUT_UNKNOWN:
		return PAM_IGNORE;
	case NACCS_OUT_ALLOW:
		break;
	case NACCS_OUT_UNAVAILABLE:
		if (store_failed_not_ours(c))
			return PAM_IGNORE;
		/* fall through */
	default:
		pam_syslog(pamh, LOG_ERR, "password change failed closed: %s", c->err.msg);
		return PAM_TRY_AGAIN;
	}
	as_root = root_for_other(flags, &id);
	naccs_wipe(&id, sizeof(id));
	if (!as_root) {
		rv = pam_get_authtok(pamh, PAM_OLDAUTHTOK, &cur, _("Current password: "));
		if (rv != PAM_SUCCESS)
			return rv == PAM_CONV_ERR ? PAM_AUTHTOK_RECOVERY_ERR : rv;
	}
	rv = fail_code(naccs_policy_password_begin(&c->pol, &c->req, as_root, cur, &ch, &c->err),
		       true);
	show(pamh, c, &ch);
	if (rv == PAM_SUCCESS) {
		/* The hash verified now is the one the update swaps. */
		keep = strdup(ch.expected_phc);
		if (keep == NULL ||
		    pam_set_data(pamh, VERIFIED_KEY, keep, free_verified) != PAM_SUCCESS) {
			if (keep != NULL)
				naccs_free_secret(keep);
			rv = PAM_BUF_ERR;
		}
	} else if (!as_root) {
		pam_set_item(pamh, PAM_OLDAUTHTOK, NULL);
	}
	naccs_pw_change_clear(&ch);
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

/* A name that is not ours: the module below (pam_unix) changes it.  In the
 * stack pam-auth-update writes from the profile, pam_naccs.so comes first
 * and pam_unix gets its non-initial line, "use_authtok try_first_pass": it
 * takes the new password from a module above and never asks for it itself
 * (as below pam_pwquality).  So, in the second step, ask it here (twice,
 * libpam compares) and leave it in PAM_AUTHTOK for pam_unix, which checks
 * and stores it: without this no local account could change its password
 * once the profile is enabled (found by the end-to-end suite, issue #11).
 * The first step asks nothing: pam_unix asks the current password itself. */
static int not_ours(pam_handle_t *pamh, int flags)
{
	const char *tok = NULL;
	int rv;

	if (!(flags & PAM_UPDATE_AUTHTOK))
		return PAM_IGNORE;
	rv = pam_get_authtok(pamh, PAM_AUTHTOK, &tok, _("New password: "));
	if (rv == PAM_SUCCESS)
		return PAM_IGNORE;
	pam_set_item(pamh, PAM_AUTHTOK, NULL);
	return rv == PAM_TRY_AGAIN ? PAM_AUTHTOK_ERR : rv;
}

/* The second step: the new password, every rule, the swap. */
static int update(pam_handle_t *pamh, int flags, int argc, const char **argv, struct call *c)
{
	struct naccs_pw_change ch;
	const void *verified = NULL;
	const char *cur = NULL, *tok = NULL;
	unsigned tries = c->o.cfg.password.retry, i;
	bool as_root;
	int rv = PAM_AUTHTOK_ERR;

	memset(&ch, 0, sizeof(ch));
	switch (naccs_policy_password_target(&c->pol, &c->req, &ch.identity, &c->err)) {
	case NACCS_OUT_UNKNOWN:
		return not_ours(pamh, flags);
	case NACCS_OUT_ALLOW:
		break;
	case NACCS_OUT_UNAVAILABLE:
		if (store_failed_not_ours(c))
			return not_ours(pamh, flags);
		/* fall through */
	default:
		pam_syslog(pamh, LOG_ERR, "password change failed closed: %s", c->err.msg);
		return PAM_AUTHTOK_ERR;
	}
	ch.known = true;
	as_root = root_for_other(flags, &ch.identity);
	ch.root_for_other = as_root;
	/* Only what the first step verified may be swapped. */
	if (pam_get_data(pamh, VERIFIED_KEY, &verified) != PAM_SUCCESS || verified == NULL) {
		naccs_pw_change_clear(&ch);
		pam_syslog(pamh, LOG_ERR, "password update without a successful first step");
		return PAM_AUTHTOK_ERR;
	}
	snprintf(ch.expected_phc, sizeof(ch.expected_phc), "%s", (const char *)verified);
	if (!as_root && (pam_get_item(pamh, PAM_OLDAUTHTOK, (const void **)&cur) != PAM_SUCCESS ||
			 cur == NULL)) {
		naccs_pw_change_clear(&ch);
		return PAM_AUTHTOK_RECOVERY_ERR;
	}
	if (uses_authtok(argc, argv))
		tries = 1; /* the token is a module above's: nothing to ask again */
	for (i = 0; i < tries; i++) {
		rv = pam_get_authtok(pamh, PAM_AUTHTOK, &tok, _("New password: "));
		if (rv == PAM_TRY_AGAIN) { /* the two entries did not match */
			pam_set_item(pamh, PAM_AUTHTOK, NULL);
			rv = PAM_AUTHTOK_ERR;
			continue;
		}
		if (rv != PAM_SUCCESS)
			break;
		rv = fail_code(naccs_policy_password_change(&c->pol, &c->req, &ch,
							    as_root ? NULL : cur, tok, &c->err),
			       false);
		show(pamh, c, &ch);
		if (rv == PAM_SUCCESS || ch.outcome != NACCS_OUT_REJECTED)
			break;
		pam_set_item(pamh, PAM_AUTHTOK, NULL); /* ask again */
	}
	/* Every try used up by a refusal or by entries that did not match:
	 * PAM_MAXTRIES, as pam_pwquality and pam_pwhistory answer; with one
	 * try only, the refusal's own code (as pam_pwquality does). */
	if (rv == PAM_AUTHTOK_ERR && tries > 1 && i == tries)
		rv = PAM_MAXTRIES;
	if (rv == PAM_SUCCESS && !c->o.quiet)
		pam_info(pamh, "%s", _("The password was changed."));
	naccs_pw_change_clear(&ch);
	return rv;
}

/* The in-process change (not inlined: its struct call, ~92 KB, must not
 * be on the stack of a call that goes to naccsd). */
static __attribute__((noinline)) int local_chauthtok(pam_handle_t *pamh, int flags, int argc,
						     const char **argv)
{
	struct call c;
	/* A change writes: read-write. */
	int rv = call_begin(pamh, flags, argc, argv, &c, false, false);

	if (rv != PAM_SUCCESS)
		return call_end(&c, rv == PAM_USER_UNKNOWN ? PAM_USER_UNKNOWN : rv);
	/* UTS-2.2.1.1(1)(b)(ウ): the warning on an unencrypted service at a
	 * change as at entry, before the first prompt of the change, whoever
	 * the user (the channel is the same for a local account). */
	if ((flags & PAM_PRELIM_CHECK) && naccs_notice_unencrypted(&c.o.cfg, c.req.service))
		pam_info(pamh, "%s", naccs_notice_unencrypted_change_text());
	if (!c.store_open) {
		/* Fail closed for a naccs ID; leave the names the identity
		 * index does not hold to the stack (root can still change its
		 * password while repairing the store, issue 16). */
		if (naccs_policy_unavailable(&c.o.cfg, &c.req, "password", &c.d, c.err.msg) ==
		    NACCS_OUT_NOT_MANAGED)
			return call_end(&c, not_ours(pamh, flags));
		pam_syslog(pamh, LOG_ERR, "password change failed closed: %s", c.err.msg);
		return call_end(&c, (flags & PAM_PRELIM_CHECK) ? PAM_TRY_AGAIN : PAM_AUTHTOK_ERR);
	}
	if (flags & PAM_PRELIM_CHECK)
		rv = prelim(pamh, flags, &c);
	else if (flags & PAM_UPDATE_AUTHTOK)
		rv = update(pamh, flags, argc, argv, &c);
	else
		rv = PAM_SERVICE_ERR;
	return call_end(&c, rv);
}

EXPORT int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* naccsd decides (pam_client_password.c, issue 18), or this process. */
	if (pam_client_wanted(argc, argv))
		return pam_client_chauthtok(pamh, flags, argc, argv);
	return local_chauthtok(pamh, flags, argc, argv);
}
