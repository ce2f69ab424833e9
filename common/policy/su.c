/* Switching to a shared administrator ID (UTS-2.2.1.1(1)(g)(カ)): the
 * decision of policy/su.h, on the rules of rules/su.h.  The policy only
 * orchestrates: it calls naccs_su_decide for a gated target and reports
 * the verdict as the one event of the account decision. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "index/local.h"
#include "policy/resolve.h"
#include "policy/settings.h"
#include "policy/su.h"
#include "base/secret.h"

bool naccs_su_gated(const struct naccs_identity *target)
{
	return target->kind == NACCS_KIND_SHARED && target->admin;
}

/* ---- the decision ------------------------------------------------------ */

static void describe(struct naccs_su_verdict *out, const char *service,
		     const struct naccs_identity *target, const struct naccs_su_invoker *inv)
{
	char loginuid[16];

	if (inv->has_loginuid)
		snprintf(loginuid, sizeof(loginuid), "%lu", (unsigned long)inv->loginuid);
	else
		snprintf(loginuid, sizeof(loginuid), "unset");
	snprintf(out->detail, sizeof(out->detail),
		 "invoker=%s user_code=%s id_number=%s uid=%lu loginuid=%s target=%s "
		 "service=%s",
		 out->invoker_known ? out->invoker.login : "-",
		 out->invoker_known && out->invoker.user_code[0] ? out->invoker.user_code : "-",
		 out->invoker_known && out->invoker.id_number[0] ? out->invoker.id_number : "-",
		 (unsigned long)inv->uid, loginuid, target->login, service ? service : "-");
}

static int refuse(struct naccs_su_verdict *out, const char *reason, const char *message)
{
	out->allow = false;
	out->reason = reason;
	snprintf(out->message, sizeof(out->message), "%s", message);
	return 0;
}

static int unavailable(struct naccs_su_verdict *out, const char *target)
{
	char msg[NACCS_ERR_MSG_MAX];

	out->unavailable = true;
	snprintf(msg, sizeof(msg),
		 _("Switching to %s is not possible now: the credential store cannot be read."),
		 target);
	return refuse(out, "su-store-unavailable", msg);
}

/* Is the invoker named by ids (resolved as any typed name is) or a member
 * of a store group named by groups?  1, 0, -errno. */
static int in_lists(struct naccs_store *st, naccs_deadline_t dl, const char *groups,
		    const char *ids, const char *login)
{
	const char *p = ids;
	char name[NACCS_LOGIN_MAX + 8];
	struct naccs_err err;

	while (naccs_su_next_name(&p, name, sizeof(name))) {
		struct naccs_identity id;
		int rc = naccs_resolve_name(st, dl, name, &id, NULL, &err);

		if (rc == 0 && strcmp(id.login, login) == 0)
			return 1;
		if (rc < 0 && rc != -ENOENT && rc != -EINVAL)
			return rc;
	}
	p = groups;
	while (naccs_su_next_name(&p, name, sizeof(name))) {
		bool member = false;
		int rc = naccs_store_group_has_member(st, dl, name, login, &member, &err);

		if (rc == 0 && member)
			return 1;
		if (rc < 0 && rc != -EINVAL)
			return rc;
	}
	return 0;
}

/* May login switch to target?  The [su] target_NAME entries whose TARGET
 * resolves (the one resolver) to target decide alone when there is one
 * (*entry: the first such key); else [su] allow_groups and allow_ids.
 * 1, 0, -errno (the store failed, or an entry no longer parses: fail
 * closed). */
static int invoker_allowed(struct naccs_store *st, naccs_deadline_t dl,
			   const struct naccs_config *cfg, const struct naccs_identity *target,
			   const char *login, const char **entry)
{
	struct naccs_su_target *t;
	int result = 0;
	unsigned i;

	*entry = NULL;
	if (cfg->su_target_count == 0)
		return in_lists(st, dl, cfg->su_allow_groups, cfg->su_allow_ids, login);
	t = malloc(sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	for (i = 0; i < cfg->su_target_count && result == 0; i++) {
		struct naccs_identity id;
		struct naccs_err err;
		int rc;

		if (naccs_su_target_parse(cfg->su_targets[i].text, t, &err) < 0) {
			result = -EINVAL;
			break;
		}
		rc = naccs_resolve_name(st, dl, t->target, &id, NULL, &err);
		if (rc == -ENOENT || rc == -EINVAL)
			continue;
		if (rc < 0) {
			result = rc;
			break;
		}
		if (strcmp(id.login, target->login) != 0)
			continue;
		if (*entry == NULL)
			*entry = cfg->su_targets[i].key;
		result = in_lists(st, dl, t->groups, t->ids, login);
	}
	free(t);
	if (result == 0 && *entry == NULL)
		return in_lists(st, dl, cfg->su_allow_groups, cfg->su_allow_ids, login);
	return result;
}

/* The list that decided, for the event. */
static void note_entry(struct naccs_su_verdict *out)
{
	size_t n = strlen(out->detail);

	snprintf(out->detail + n, sizeof(out->detail) - n, " allow_list=su.%s",
		 out->entry != NULL ? out->entry : "allow_groups/allow_ids");
}

int naccs_su_decide(struct naccs_store *st, naccs_deadline_t dl, const struct naccs_config *cfg,
		    const char *service, const struct naccs_identity *target,
		    const struct naccs_su_invoker *inv, naccs_su_state_fn usable, void *ctx,
		    struct naccs_su_verdict *out)
{
	struct naccs_account_state state;
	struct naccs_err err;
	char msg[NACCS_ERR_MSG_MAX];
	const char *bad;
	int rc;

	memset(out, 0, sizeof(*out));
	describe(out, service, target, inv);
	if (!naccs_su_switch_service(cfg, service)) {
		snprintf(msg, sizeof(msg),
			 _("%s is a shared administrator ID: logging in to it directly is not "
			   "allowed. Log in with your own ID, then switch with su."),
			 target->login);
		return refuse(out, "direct-login-shared-admin", msg);
	}
	if (inv->has_loginuid && inv->loginuid != inv->uid) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s is refused: the calling process runs as another user "
			   "than the one who logged in."),
			 target->login);
		return refuse(out, "su-invoker-mismatch", msg);
	}
	rc = naccs_store_find_by_uid(st, dl, inv->uid, &out->invoker, &err);
	if (rc < 0 && naccs_err_is_unavailable(rc))
		return unavailable(out, target->login);
	if (rc < 0) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s is allowed only from your own individual ID."),
			 target->login);
		return refuse(out, "su-invoker-not-an-id", msg);
	}
	/* The invoker's uid must name its ID alone: a local account created
	 * later with that uid is not the ID (issue 16 item 20). */
	if (naccs_uid_other_account(inv->uid, out->invoker.login, NULL, 0) != 0) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s is refused: your uid is also another account's "
			   "(an administrator must run naccsctl store check)."),
			 target->login);
		return refuse(out, "su-invoker-ambiguous", msg);
	}
	out->invoker_known = true;
	describe(out, service, target, inv);
	if (out->invoker.kind == NACCS_KIND_SHARED) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s from the shared ID %s is refused: switch from your own "
			   "individual ID."),
			 target->login, out->invoker.login);
		return refuse(out, "su-invoker-shared", msg);
	}
	rc = naccs_store_get_state(st, dl, out->invoker.login, &state, &err);
	naccs_wipe(state.phc, sizeof(state.phc));
	if (rc < 0)
		return unavailable(out, target->login);
	bad = usable(ctx, &state);
	naccs_wipe(&state, sizeof(state));
	if (bad != NULL) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s is refused: your ID %s cannot be used (%s)."),
			 target->login, out->invoker.login, bad);
		return refuse(out, bad, msg);
	}
	rc = invoker_allowed(st, dl, cfg, target, out->invoker.login, &out->entry);
	if (rc < 0)
		return unavailable(out, target->login);
	note_entry(out);
	if (rc == 0) {
		snprintf(msg, sizeof(msg), _("%s may not switch to %s."), out->invoker.login,
			 target->login);
		return refuse(out, "su-invoker-not-allowed", msg);
	}
	out->allow = true;
	out->reason = "su-allowed";
	return 0;
}
