/* naccsctl: the system's own accounts and groups, as every NSS source
 * configured in /etc/nsswitch.conf reports them (files, LDAP, SSSD, ...,
 * and the naccs module itself once it lands).  Used to name the
 * administrator and to keep issued IDs from colliding with local accounts.
 * The store never asks NSS: it holds data, naccsctl applies the policy.
 * Also who is acting: the actor of an administrative change. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "index/local.h"
#include "ctl.h"
#include "base/proc.h"

/* getpw*_r / getgr*_r buffers grow up to this on ERANGE (a group with
 * many members needs a large one). */
#define NSS_BUF_MAX (1024 * 1024)

enum nss_query { USER_BY_NAME, USER_BY_UID, GROUP_BY_GID, GROUP_BY_NAME };

/* The answer of a getpw*_r / getgr*_r call: 1 found, 0 not found, -errno.
 * Besides 0 with no result, glibc documents ENOENT, ESRCH, EBADF and EPERM
 * as "not found" answers of some sources; anything else is a failure, and
 * callers then refuse to go on (fail closed). */
static int nss_answer(int rc, bool found)
{
	if (rc == 0)
		return found ? 1 : 0;
	if (rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM)
		return 0;
	return -rc;
}

static bool copy_text(char *out, size_t outlen, const char *s)
{
	return (size_t)snprintf(out, outlen, "%s", s != NULL ? s : "") < outlen;
}

static void fill_user(const struct passwd *pw, struct ctl_nss_user *u)
{
	memset(u, 0, sizeof(*u));
	u->uid = (uint32_t)pw->pw_uid;
	u->gid = (uint32_t)pw->pw_gid;
	u->fits = copy_text(u->name, sizeof(u->name), pw->pw_name);
	u->fits = copy_text(u->home, sizeof(u->home), pw->pw_dir) && u->fits;
	u->fits = copy_text(u->shell, sizeof(u->shell), pw->pw_shell) && u->fits;
}

/* One look-up; a passwd answer goes to u, a group's name to group. */
static int nss_lookup(enum nss_query q, const char *name, uint32_t id, struct ctl_nss_user *u,
		      char *group, size_t grouplen)
{
	size_t len = 1024;
	char *buf = NULL;
	int rc;

	for (;;) {
		struct passwd pw, *pwr = NULL;
		struct group gr, *grr = NULL;
		char *grown = realloc(buf, len);

		if (grown == NULL) {
			rc = -ENOMEM;
			break;
		}
		buf = grown;
		if (q == USER_BY_NAME)
			rc = getpwnam_r(name, &pw, buf, len, &pwr);
		else if (q == USER_BY_UID)
			rc = getpwuid_r((uid_t)id, &pw, buf, len, &pwr);
		else if (q == GROUP_BY_NAME)
			rc = getgrnam_r(name, &gr, buf, len, &grr);
		else
			rc = getgrgid_r((gid_t)id, &gr, buf, len, &grr);
		if (rc == ERANGE && len < NSS_BUF_MAX) {
			len *= 2;
			continue;
		}
		rc = nss_answer(rc, pwr != NULL || grr != NULL);
		if (rc == 1 && pwr != NULL)
			fill_user(pwr, u);
		else if (rc == 1 && grouplen > 0)
			copy_text(group, grouplen, grr->gr_name);
		break;
	}
	free(buf);
	return rc;
}

int ctl_nss_user_by_uid(uint32_t uid, struct ctl_nss_user *u)
{
	return nss_lookup(USER_BY_UID, NULL, uid, u, NULL, 0);
}

int ctl_nss_user_by_name(const char *name, struct ctl_nss_user *u)
{
	return nss_lookup(USER_BY_NAME, name, 0, u, NULL, 0);
}

int ctl_nss_group_by_gid(uint32_t gid, char *name, size_t namelen)
{
	return nss_lookup(GROUP_BY_GID, NULL, gid, NULL, name, namelen);
}

int ctl_nss_group_by_name(const char *name)
{
	return nss_lookup(GROUP_BY_NAME, name, 0, NULL, NULL, 0);
}

struct clash_walk {
	int found;
	int failed; /* a look-up that could not be answered: -errno */
	uint32_t failed_uid;
};

static int clash_cb(void *ctx, const struct naccs_identity *id,
		    const struct naccs_account_state *state)
{
	struct clash_walk *w = ctx;
	char other[256], safe[256 * 4 + 1];
	int rc;

	if (state->retired)
		return 0;
	rc = naccs_uid_other_account(id->uid, id->login, other, sizeof(other));
	if (rc < 0 && w->failed == 0) {
		w->failed = rc;
		w->failed_uid = id->uid;
	}
	if (rc <= 0)
		return 0;
	ctl_safe(other, safe, sizeof(safe));
	ctl_error(_("uid %lu of ID %s is also the system account '%s': that account owns the "
		    "ID's files and is refused where a uid names the ID (naccs_chkpwd, su); give "
		    "it another uid or remove it"),
		  (unsigned long)id->uid, id->login, safe);
	w->found++;
	return 0;
}

int ctl_uid_clashes(struct ctl_ctx *ctx)
{
	struct clash_walk w = {0, 0, 0};
	struct naccs_err err;
	char buf[128];
	int rc;

	naccs_err_clear(&err);
	rc = naccs_store_list(ctx->store, ctl_deadline(ctx), clash_cb, &w, &err);
	if (rc < 0) {
		ctl_error(_("cannot list the IDs: %s"), err.msg);
		return -1;
	}
	if (w.failed < 0) {
		ctl_error(_("uid %lu: the system's user database did not answer: %s"),
			  (unsigned long)w.failed_uid, naccs_strerror(-w.failed, buf, sizeof(buf)));
		return -1;
	}
	return w.found;
}

/* ---- who is acting ---- */

/* UTS-2.2.1.3(2)(g)(イ): the registry names who issued and changed an ID.
 * Only what the kernel vouches for names the actor: the login uid, else the
 * real uid.  SUDO_USER is the caller's environment (anyone can set it), so
 * it is never the actor; ctl_emit records it as a claim. */
void ctl_actor_name(char *out, size_t outlen)
{
	struct ctl_nss_user u;
	uint32_t uid;

	if (outlen == 0)
		return;
	/* The audit login uid survives su and sudo, so it names the person
	 * who logged in rather than the account they switched to. */
	if (!naccs_proc_loginuid(0, &uid))
		uid = (uint32_t)getuid();
	if (ctl_nss_user_by_uid((uint32_t)uid, &u) == 1 && u.name[0] != '\0' &&
	    (size_t)snprintf(out, outlen, "%s", u.name) < outlen)
		return;
	snprintf(out, outlen, "uid %lu", (unsigned long)uid);
}
