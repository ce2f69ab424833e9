/* The store's entry points for groups (store/store.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/nametag.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "base/text.h"
#include "store/backend.h"
#include "store/internal.h"
#include "store/store.h"

int naccs_store_group_add(struct naccs_store *st, naccs_deadline_t dl, struct naccs_group *g,
			  uint32_t gid_min, uint32_t gid_max, const char *by, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && (g == NULL || !store_text_ok(by, NACCS_WHO_MAX)))
		rc = store_bad_arg(err, _("no group or no actor"));
	if (rc == 0)
		rc = store_check_group_name(g->name, err);
	/* gid 0 is root's group: never issued here. */
	if (rc == 0 && g->gid == 0)
		rc = store_bad_arg(err, _("gid 0 is never issued"));
	if (rc == 0 && g->gid == NACCS_GID_ALLOCATE &&
	    (gid_min == 0 || gid_min > gid_max || gid_max == NACCS_GID_ALLOCATE))
		rc = store_bad_arg(err, _("invalid gid range for allocation"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->group_add(st->impl, dl, g, gid_min, gid_max, by, err), err);
}

int naccs_store_group_del(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			  const char *reason, const char *by, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = store_check_group_name(name, err);
	if (rc == 0 && (!store_text_ok(by, NACCS_WHO_MAX) ||
			(reason != NULL && !store_text_ok(reason, NACCS_TEXT_MAX))))
		rc = store_bad_arg(err, _("bad actor or reason"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->group_del(st->impl, dl, name, reason, by, err), err);
}

int naccs_store_group_find(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			   struct naccs_group *out, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = store_check_group_name(name, err);
	if (rc == 0 && out == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->group_find(st->impl, dl, name, out, err), err);
}

int naccs_store_group_list(struct naccs_store *st, naccs_deadline_t dl, naccs_group_fn cb,
			   void *ctx, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && cb == NULL)
		rc = store_bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->group_list(st->impl, dl, cb, ctx, err), err);
}

int naccs_store_group_members(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			      naccs_member_fn cb, void *ctx, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = store_check_group_name(name, err);
	if (rc == 0 && cb == NULL)
		rc = store_bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->group_members(st->impl, dl, name, cb, ctx, err), err);
}

int naccs_store_group_has_member(struct naccs_store *st, naccs_deadline_t dl, const char *name,
				 const char *login, bool *member, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = store_check_group_name(name, err);
	if (rc == 0 && member == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->group_has_member(st->impl, dl, name, login, member, err), err);
}

int naccs_store_group_member(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			     const char *login, bool add, const char *by, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = store_check_group_name(name, err);
	if (rc == 0 && !store_text_ok(by, NACCS_WHO_MAX))
		rc = store_bad_arg(err, _("bad actor"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->group_member(st->impl, dl, name, login, add, by, err), err);
}

int naccs_store_next_free_gid(struct naccs_store *st, naccs_deadline_t dl, uint32_t from,
			      uint32_t max, uint32_t *gid, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && gid == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc == 0 && (from == 0 || from > max || max == NACCS_GID_ALLOCATE))
		rc = store_bad_arg(err, _("invalid gid range for allocation"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->next_free_gid(st->impl, dl, from, max, gid, err), err);
}
