/* The group changes as values (admin.h): group add, del, member add and
 * remove, applied by naccsctl (service stopped) and naccsd (ADMIN) alike.
 * The trail line and the events are those naccsctl always wrote: a
 * group's own under its name ("gid N", the reason in the detail), a
 * membership's under the member's ID (the group in the detail).
 *
 * What is not here: the checks against the system's groups (NSS: a name
 * or gid another source has, and the gids skipped when naccsctl picks
 * one), which need the administrator's NSS and stay in naccsctl before the
 * change; naccsd never resolves names through NSS.  A group.add without a
 * gid takes the store's pick (the lowest no group ever had). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/name.h"
#include "base/time.h"
#include "policy/admin.h"
#include "policy/internal.h"
#include "store/store.h"

static int bad(struct naccs_admin_outcome *out, const char *msg)
{
	out->result = NACCS_ADMIN_BAD_REQUEST;
	naccs_err_set(&out->err, EINVAL, "%s", msg);
	return 0;
}

/* After the store call: no such group is said as such. */
static int after(struct admin_hook *h, int rc, struct naccs_admin_outcome *out)
{
	bool no_group = rc == -ENOENT && strstr(out->err.msg, "group") != NULL;

	admin_after_store(h, rc, out);
	if (no_group && out->result == NACCS_ADMIN_FAILED)
		out->result = NACCS_ADMIN_NO_GROUP;
	return 0;
}

static int add(struct admin_hook *h, struct naccs_store *db, naccs_deadline_t dl,
	       const struct naccs_admin_change *c, struct naccs_admin_outcome *out)
{
	const struct naccs_config *cfg = h->cfg;
	struct naccs_group g;
	char detail[64];
	int rc = 0;

	if (!naccs_name_valid_login(c->group) || c->gid == NACCS_GID_ALLOCATE)
		return bad(out, "not a valid group name or gid");
	memset(&g, 0, sizeof(g));
	snprintf(g.name, sizeof(g.name), "%s", c->group);
	g.gid = c->gid;
	if (g.gid == 0) {
		rc = naccs_store_next_free_gid(db, dl, cfg->uid_min, cfg->uid_max, &g.gid,
					       &out->err);
		if (rc < 0) {
			out->result = NACCS_ADMIN_FAILED;
			out->rc = rc;
			return 0;
		}
	}
	snprintf(detail, sizeof(detail), "gid %lu", (unsigned long)g.gid);
	h->detail = detail;
	naccs_store_set_commit_hook(db, admin_commit_hook, h);
	rc =
	    naccs_store_group_add(db, dl, &g, cfg->uid_min, cfg->uid_max, h->who->actor, &out->err);
	naccs_store_set_commit_hook(db, NULL, NULL);
	if (rc == 0)
		out->gid = g.gid;
	after(h, rc, out);
	h->detail = NULL; /* detail goes out of scope */
	return 0;
}

int admin_group_apply_to(const struct naccs_config *cfg, struct naccs_store *db,
			 const struct naccs_admin_change *c, const struct naccs_admin_who *who,
			 const struct naccs_identity *id, struct naccs_admin_outcome *out)
{
	const char *reason = c->reason != NULL ? c->reason : "";
	bool member =
	    c->op == NACCS_ADMIN_GROUP_MEMBER_ADD || c->op == NACCS_ADMIN_GROUP_MEMBER_REMOVE;
	struct admin_hook h = {.cfg = cfg,
			       .who = who,
			       .action = naccs_admin_action(c->op),
			       .login = c->group,
			       .out = out};
	naccs_deadline_t dl = naccs_deadline_in(cfg->store_timeout_ms);
	int rc;

	if (id != NULL)
		out->id = *id;
	naccs_err_clear(&out->err);
	if (c->group == NULL || c->group[0] == '\0')
		return bad(out, "a group is required");
	if (member && id == NULL)
		return bad(out, "a member is required");
	if (c->op == NACCS_ADMIN_GROUP_ADD)
		return add(&h, db, dl, c, out);
	if (c->op == NACCS_ADMIN_GROUP_DEL) {
		if (!admin_reason_ok(reason))
			return bad(out, "not a valid reason");
		h.detail = reason;
		naccs_store_set_commit_hook(db, admin_commit_hook, &h);
		rc = naccs_store_group_del(db, dl, c->group, reason, who->actor, &out->err);
		naccs_store_set_commit_hook(db, NULL, NULL);
		return after(&h, rc, out);
	}
	/* A membership's lines are the member's, the group in the detail. */
	h.id = id;
	h.login = NULL;
	h.detail = c->group;
	naccs_store_set_commit_hook(db, admin_commit_hook, &h);
	rc = naccs_store_group_member(db, dl, c->group, id->login,
				      c->op == NACCS_ADMIN_GROUP_MEMBER_ADD, who->actor, &out->err);
	naccs_store_set_commit_hook(db, NULL, NULL);
	return after(&h, rc, out);
}
