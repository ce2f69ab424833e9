/* naccsctl user add against the system's own accounts.
 *
 * An issued ID must not collide with an account that another NSS source
 * (/etc/passwd, LDAP, SSSD, ...) already has: a shared uid would give two
 * holders the same files and processes, a shared login would make PAM and
 * NSS answer for the wrong account (UTS-2.2.1.3(2)(g)(ア): one ID, one
 * holder).  So every uid, gid and login is checked against NSS as well as
 * the store:
 *   - an allocated uid skips uids NSS knows;
 *   - an explicit --uid that NSS knows is refused;
 *   - a login NSS knows is refused, unless an existing local shared
 *     account (root, say) is registered deliberately: --shared
 *     --adopt-local, with the local account's uid;
 *   - an explicit --gid must be a group NSS knows; a configured default
 *     gid that is no group only draws a warning (the configuration may be
 *     meant for hosts where the group exists).
 * The look-ups run outside every store transaction: an NSS source may be
 * slow, and the naccs NSS module itself reads the store. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "store/store.h"
#include "ctl.h"
#include "cmd_user.h"

/* A bound on the uids one allocation may look at: a source that claimed
 * every uid would otherwise keep naccsctl busy for a long time. */
#define PICK_PROBES_MAX 65536

/* Where the system's gid ranges are set (useradd, groupadd). */
#define CTL_LOGIN_DEFS "/etc/login.defs"

static int nss_failed(const char *what, int rc)
{
	ctl_error(_("cannot look up %s in the system's accounts (NSS): %s"), what, strerror(-rc));
	return CTL_EXIT_FAIL;
}

/* ---- uids ------------------------------------------------------------ */

static int no_free_uid(const struct ctl_ctx *ctx)
{
	ctl_error(_("no free uid in [%lu, %lu] (identity.uid_min, identity.uid_max): every uid "
		    "there was issued or belongs to an account of the system"),
		  (unsigned long)ctx->cfg.uid_min, (unsigned long)ctx->cfg.uid_max);
	return CTL_EXIT_FAIL;
}

int user_pick_free_uid(struct ctl_ctx *ctx, uint32_t from, uint32_t *uid)
{
	const uint32_t max = ctx->cfg.uid_max;

	for (unsigned probe = 0; probe < PICK_PROBES_MAX; probe++) {
		struct ctl_nss_user u;
		struct naccs_err err;
		char what[32];
		uint32_t cand;
		int rc;

		if (from > max)
			return no_free_uid(ctx);
		naccs_err_clear(&err);
		rc = naccs_store_next_free_uid(ctx->store, ctl_deadline(ctx), from, max, &cand,
					       &err);
		if (rc == -ENOSPC)
			return no_free_uid(ctx);
		if (rc < 0)
			return ctl_exit_for_store(rc, &err, ctx->cfg.store_path);
		rc = ctl_nss_user_by_uid(cand, &u);
		if (rc == 0) {
			*uid = cand;
			return CTL_EXIT_OK;
		}
		if (rc < 0) {
			snprintf(what, sizeof(what), _("uid %lu"), (unsigned long)cand);
			return nss_failed(what, rc);
		}
		/* The system has it (u.name): the next one. */
		if (cand == max)
			return no_free_uid(ctx);
		from = cand + 1;
	}
	ctl_error(_("no free uid found after %u tries from identity.uid_min: the system knows too "
		    "many uids in [%lu, %lu]"),
		  (unsigned)PICK_PROBES_MAX, (unsigned long)ctx->cfg.uid_min,
		  (unsigned long)ctx->cfg.uid_max);
	return CTL_EXIT_FAIL;
}

/* An explicit uid (not adopted) must be unknown to the system. */
static int check_explicit_uid(const struct naccs_identity *id)
{
	struct ctl_nss_user u;
	char what[32], safe[sizeof(u.name) * 4];
	int rc;

	if (id->uid == NACCS_UID_ALLOCATE)
		return CTL_EXIT_OK;
	rc = ctl_nss_user_by_uid(id->uid, &u);
	if (rc == 0)
		return CTL_EXIT_OK;
	if (rc < 0) {
		snprintf(what, sizeof(what), _("uid %lu"), (unsigned long)id->uid);
		return nss_failed(what, rc);
	}
	ctl_safe(u.name, safe, sizeof(safe));
	ctl_error(_("uid %lu belongs to the system's account '%s'; choose another uid (or, to "
		    "register that shared account, --shared --login %s --adopt-local)"),
		  (unsigned long)id->uid, safe, safe);
	return CTL_EXIT_FAIL;
}

/* ---- logins ---------------------------------------------------------- */

/* A field of the local account, when it can go into the store as is. */
static int take_local_path(const char *opt, const char *value, bool may_be_empty, char *out,
			   size_t outlen)
{
	bool ok = user_passwd_field_ok(value) &&
		  ((may_be_empty && value[0] == '\0') || value[0] == '/') &&
		  (size_t)snprintf(out, outlen, "%s", value) < outlen;

	if (ok)
		return CTL_EXIT_OK;
	ctl_error(_("the local account's %s cannot be registered as it is; give %s"), opt + 2, opt);
	return CTL_EXIT_FAIL;
}

/* UTS-2.2.1.3(2)(b): a shared ID such as root is registered on purpose,
 * with the uid it already has; its group, home and shell stay what the
 * system says unless given. */
static int adopt(const struct user_add_given *given, const struct ctl_nss_user *u,
		 struct naccs_identity *id)
{
	int rc = CTL_EXIT_OK;

	if (given->uid && id->uid != u->uid) {
		ctl_error(_("--uid %lu differs from the uid of the local account '%s' (%lu); "
			    "--adopt-local keeps the local uid"),
			  (unsigned long)id->uid, id->login, (unsigned long)u->uid);
		return CTL_EXIT_FAIL;
	}
	id->uid = u->uid;
	if (!given->gid)
		id->gid = u->gid;
	if (!u->fits) {
		ctl_error(_("the local account '%s' has fields too long to register"), id->login);
		return CTL_EXIT_FAIL;
	}
	if (!given->home)
		rc = take_local_path("--home", u->home, false, id->home, sizeof(id->home));
	if (rc == CTL_EXIT_OK && !given->shell)
		rc = take_local_path("--shell", u->shell, true, id->shell, sizeof(id->shell));
	return rc;
}

/* Local account names are case-sensitive but the store's are not: a login
 * that differs only in case from a local account would be one person to a
 * reader, so the lower-case form is looked up too. */
static int local_login(const char *login, struct ctl_nss_user *u, bool *exact)
{
	char lower[NACCS_LOGIN_MAX + 1];
	int rc = ctl_nss_user_by_name(login, u);

	*exact = rc == 1;
	if (rc != 0)
		return rc;
	snprintf(lower, sizeof(lower), "%s", login);
	for (char *p = lower; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strcmp(lower, login) == 0)
		return 0;
	return ctl_nss_user_by_name(lower, u);
}

static int check_login(const struct user_add_given *given, struct naccs_identity *id, bool *adopted)
{
	struct ctl_nss_user u;
	char safe[sizeof(u.name) * 4];
	bool exact;
	int rc = local_login(id->login, &u, &exact);

	*adopted = false;
	if (rc < 0)
		return nss_failed(id->login, rc);
	if (rc == 0 && given->adopt_local) {
		ctl_error(_("--adopt-local: the system has no account '%s' to register"),
			  id->login);
		return CTL_EXIT_FAIL;
	}
	if (rc == 0)
		return CTL_EXIT_OK;
	ctl_safe(u.name, safe, sizeof(safe));
	if (!exact) {
		ctl_error(_("login '%s' differs only in case from the system's account '%s'; "
			    "choose another login"),
			  id->login, safe);
		return CTL_EXIT_FAIL;
	}
	if (!given->adopt_local) {
		ctl_error(_("login '%s' is a local account of the system (uid %lu); choose another "
			    "login, or register that shared account deliberately with --shared "
			    "--adopt-local"),
			  id->login, (unsigned long)u.uid);
		return CTL_EXIT_FAIL;
	}
	*adopted = true;
	return adopt(given, &u, id);
}

/* ---- groups ---------------------------------------------------------- */

static int check_gid(const struct user_add_given *given, const struct naccs_identity *id)
{
	char name[256], what[32];
	int rc = ctl_nss_group_by_gid(id->gid, name, sizeof(name));

	if (rc == 1)
		return CTL_EXIT_OK;
	if (rc < 0) {
		snprintf(what, sizeof(what), _("gid %lu"), (unsigned long)id->gid);
		return nss_failed(what, rc);
	}
	if (given->gid) {
		ctl_error(_("--gid %lu: the system has no such group"), (unsigned long)id->gid);
		return CTL_EXIT_FAIL;
	}
	/* A default: the configuration may serve hosts where it exists. */
	if (given->adopt_local)
		ctl_warn(_("gid %lu of the local account '%s' is no group of the system"),
			 (unsigned long)id->gid, id->login);
	else
		ctl_warn(_("identity.gid %lu (the default group) is no group of the system"),
			 (unsigned long)id->gid);
	return CTL_EXIT_OK;
}

/* The highest system gid: login.defs's SYS_GID_MAX, else GID_MIN - 1,
 * else 999 (Debian's and shadow's defaults), the rule useradd and groupadd
 * follow. */
static uint32_t sys_gid_max(void)
{
	unsigned long sys_max = 0, gid_min = 0;
	bool have_sys = false, have_min = false;
	char line[256];
	FILE *f = fopen(CTL_LOGIN_DEFS, "re");

	if (f == NULL)
		return 999;
	while (fgets(line, sizeof(line), f) != NULL) {
		char key[32];
		unsigned long v;

		if (sscanf(line, " %31s %lu", key, &v) != 2 || v > UINT32_MAX)
			continue;
		if (strcmp(key, "SYS_GID_MAX") == 0) {
			sys_max = v;
			have_sys = true;
		} else if (strcmp(key, "GID_MIN") == 0 && v > 0) {
			gid_min = v;
			have_min = true;
		}
	}
	fclose(f);
	if (have_sys)
		return (uint32_t)sys_max;
	return have_min ? (uint32_t)(gid_min - 1) : 999;
}

/* An ID's primary group gives its holder that group's rights: root's group
 * (gid 0) or another system group (adm, shadow, disk, sudo ...) only with
 * --allow-system-gid REASON, which the audit trail records
 * (UTS-2.2.1.3(2)(f): least privilege).  The group Debian
 * provides for ordinary users ("users", gid 100) is not one; an adopted
 * local account keeps its own group. */
static int check_system_gid(const struct user_add_given *given, bool adopted,
			    const struct naccs_identity *id)
{
	char name[256] = "", safe[1024];

	if (adopted && !given->gid)
		return CTL_EXIT_OK;
	if (id->gid != 0 && id->gid > sys_gid_max())
		return CTL_EXIT_OK;
	if (id->gid != 0 && ctl_nss_group_by_gid(id->gid, name, sizeof(name)) == 1 &&
	    strcmp(name, "users") == 0)
		return CTL_EXIT_OK;
	if (given->allow_system_gid != NULL)
		return CTL_EXIT_OK;
	if (name[0] == '\0' && ctl_nss_group_by_gid(id->gid, name, sizeof(name)) != 1)
		snprintf(name, sizeof(name), "?");
	ctl_safe(name, safe, sizeof(safe));
	ctl_error(_("gid %lu is a system group ('%s'): an ID in it gets that group's rights"),
		  (unsigned long)id->gid, safe);
	ctl_error(_("choose the gid of an ordinary group (--gid or identity.gid), or add "
		    "--allow-system-gid REASON (the reason is recorded in the audit trail)"));
	return CTL_EXIT_FAIL;
}

int user_check_local(const struct user_add_given *given, struct naccs_identity *id)
{
	bool adopted = false;
	int rc;

	rc = check_login(given, id, &adopted);
	if (rc == CTL_EXIT_OK && !adopted)
		rc = check_explicit_uid(id);
	if (rc == CTL_EXIT_OK)
		rc = check_gid(given, id);
	if (rc == CTL_EXIT_OK)
		rc = check_system_gid(given, adopted, id);
	return rc;
}
