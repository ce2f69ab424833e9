/* The SQLite backend of the credential store: groups.
 *
 * A group is issued like an identity: its name (in any case) and its gid
 * must never have been used, deleted tombstones included
 * (UTS-2.2.1.3(2)(g)(ウ)); an allocated gid is the lowest one no group
 * ever had.  Memberships come and go, each change one registry line
 * (UTS-2.2.1.3(2)(g)(イ)) in the transaction of the change. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/name.h"
#include "store/sqlite/internal.h"

#define GROUP_COLS                                                                                 \
	"g.id, g.name, g.gid, g.created_by, g.created_at, g.deleted, g.deleted_at, "               \
	"(SELECT count(*) FROM group_members m WHERE m.grp = g.id)"

/* ---- rows ------------------------------------------------------------ */

static int bad_row(const struct sq *s, const char *what, struct naccs_err *err)
{
	return naccs_err_set(err, EINVAL, _("credential store %s: a groups row has a bad %s"),
			     s->path, what);
}

static bool copy_col(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);

	if (sqlite3_column_type(st, col) != SQLITE_TEXT || t == NULL || n < 0 ||
	    (size_t)n >= outlen || strlen(t) != (size_t)n)
		return false;
	memcpy(out, t, (size_t)n + 1);
	return true;
}

/* A row of GROUP_COLS, checked against the domain of struct naccs_group. */
static int read_group(const struct sq *s, sqlite3_stmt *st, int64_t *id, struct naccs_group *g,
		      struct naccs_err *err)
{
	int64_t gid = sqlite3_column_int64(st, 2);

	memset(g, 0, sizeof(*g));
	*id = sqlite3_column_int64(st, 0);
	if (!copy_col(st, 1, g->name, sizeof(g->name)) || !naccs_name_valid_login(g->name))
		return bad_row(s, "name", err);
	if (sqlite3_column_type(st, 2) != SQLITE_INTEGER || gid < 1 || gid >= NACCS_GID_ALLOCATE)
		return bad_row(s, "gid", err);
	g->gid = (uint32_t)gid;
	if (!copy_col(st, 3, g->created_by, sizeof(g->created_by)))
		return bad_row(s, "created_by", err);
	g->created_at = sqlite3_column_int64(st, 4);
	g->deleted = sqlite3_column_int(st, 5) != 0;
	g->deleted_at =
	    sqlite3_column_type(st, 6) == SQLITE_INTEGER ? sqlite3_column_int64(st, 6) : 0;
	g->members = (uint32_t)sqlite3_column_int64(st, 7);
	return 0;
}

/* Inside the caller's transaction: the group named name (exact), -ENOENT. */
static int group_by_name(struct sq *s, const char *name, int64_t *id, struct naccs_group *g,
			 struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err, "SELECT " GROUP_COLS " FROM groups g WHERE g.name = ?1",
			    "t", name);

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0)
		rc = read_group(s, st, id, g, err);
	else if (rc == 0)
		rc = naccs_err_set(err, ENOENT, _("no such group: %s"), name);
	sqlite3_finalize(st);
	return rc;
}

/* ---- never issued twice ---------------------------------------------- */

/* -EEXIST when the query finds a group: one sentence, naming the holder
 * when it is not the group asked for (name: its name). */
static int taken(struct sq *s, const char *sql, const char *types, int64_t key_i, const char *key_t,
		 const char *what, const char *name, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = types[0] == 't' ? sq_prepare(s, &st, err, sql, types, key_t)
				 : sq_prepare(s, &st, err, sql, types, key_i);

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0) {
		char holder[48];
		const char *t = (const char *)sqlite3_column_text(st, 0);
		bool deleted = sqlite3_column_int(st, 1) != 0;

		sq_printable(t != NULL ? t : "", t != NULL ? strlen(t) : 0, holder, sizeof(holder));
		if (strcmp(holder, name) == 0)
			rc = naccs_err_set(err, EEXIST,
					   deleted
					       ? _("group '%s' was issued before (now deleted); a "
						   "group name or gid is never issued twice")
					       : _("group '%s' already exists; a group name or "
						   "gid is never issued twice"),
					   holder);
		else
			rc = naccs_err_set(err, EEXIST,
					   deleted
					       ? _("%s was already issued to group '%s' (now "
						   "deleted); a group name or gid is never "
						   "issued twice")
					       : _("%s was already issued to group '%s'; a group "
						   "name or gid is never issued twice"),
					   what, holder);
	}
	sqlite3_finalize(st);
	return rc;
}

static int check_unissued(struct sq *s, const struct naccs_group *g, struct naccs_err *err)
{
	char what[NACCS_LOGIN_MAX + 32];
	int rc;

	snprintf(what, sizeof(what), _("group name '%s'"), g->name);
	rc = taken(s, "SELECT name, deleted FROM groups WHERE name = ?1 COLLATE NOCASE", "t", 0,
		   g->name, what, g->name, err);
	if (rc == 0 && g->gid != NACCS_GID_ALLOCATE) {
		snprintf(what, sizeof(what), _("gid %lu"), (unsigned long)g->gid);
		rc = taken(s, "SELECT name, deleted FROM groups WHERE gid = ?1", "l",
			   (int64_t)g->gid, NULL, what, g->name, err);
	}
	return rc;
}

int sq_next_free_gid(void *impl, naccs_deadline_t dl, uint32_t from, uint32_t max, uint32_t *gid,
		     struct naccs_err *err)
{
	struct sq *s = impl;
	int rc = sq_tx_begin(s, dl, false, _("looking for a free gid"), err);

	if (rc == 0)
		rc = sq_lowest_unissued_gid(s, from, max, gid, err);
	return sq_tx_end(s, rc, err);
}

/* ---- groups ---------------------------------------------------------- */

int sq_group_add(void *impl, naccs_deadline_t dl, struct naccs_group *g, uint32_t gid_min,
		 uint32_t gid_max, const char *by, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_group row = *g;
	char detail[32];
	int rc = sq_tx_begin(s, dl, true, _("issuing a group"), err);

	snprintf(row.created_by, sizeof(row.created_by), "%s", by);
	row.created_at = naccs_now_wall();
	row.deleted = false;
	row.deleted_at = 0;
	row.members = 0;
	if (rc == 0)
		rc = check_unissued(s, &row, err);
	if (rc == 0 && row.gid == NACCS_GID_ALLOCATE)
		rc = sq_lowest_unissued_gid(s, gid_min, gid_max, &row.gid, err);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "INSERT INTO groups (name, gid, created_by, created_at) "
			    "VALUES (?1, ?2, ?3, ?4)",
			    "tltl", row.name, (int64_t)row.gid, row.created_by, row.created_at);
	if (rc < 0 && (s->last_rc & 0xff) == SQLITE_CONSTRAINT)
		rc = naccs_err_set(err, EEXIST,
				   _("credential store %s: group '%s' or its gid was already "
				     "issued"),
				   s->path, row.name);
	snprintf(detail, sizeof(detail), "gid %lu", (unsigned long)row.gid);
	if (rc == 0)
		rc = sq_registry_add(s, row.created_at, row.name, "group-added", by, detail, err);
	rc = sq_tx_end(s, rc, err);
	if (rc == 0)
		*g = row;
	return rc;
}

int sq_group_del(void *impl, naccs_deadline_t dl, const char *name, const char *reason,
		 const char *by, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_group g;
	char detail[NACCS_TEXT_MAX];
	int64_t id = 0, now = naccs_now_wall();
	sqlite3_stmt *st = NULL;
	int rc = sq_tx_begin(s, dl, true, _("deleting a group"), err);

	if (rc == 0)
		rc = group_by_name(s, name, &id, &g, err);
	if (rc == 0 && g.deleted)
		rc = naccs_err_set(err, EALREADY, _("group '%s' is already deleted"), name);
	/* Each membership that ends gets its line, under the member's login. */
	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT i.login FROM group_members m JOIN identities i "
				"ON i.id = m.identity WHERE m.grp = ?1 ORDER BY i.login",
				"l", id);
	snprintf(detail, sizeof(detail), "%s (group deleted)", name);
	while (rc == 0 && (rc = sq_step(s, st, err)) > 0) {
		const char *login = (const char *)sqlite3_column_text(st, 0);

		rc = sq_registry_add(s, now, login != NULL ? login : "", "group-member-removed", by,
				     detail, err);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = sq_run(s, NULL, err, "DELETE FROM group_members WHERE grp = ?1", "l", id);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "UPDATE groups SET deleted = 1, deleted_at = ?2 WHERE id = ?1", "ll",
			    id, now);
	if (rc == 0)
		rc = sq_registry_add(s, now, name, "group-deleted", by, reason, err);
	return sq_tx_end(s, rc, err);
}

int sq_group_find(void *impl, naccs_deadline_t dl, const char *name, struct naccs_group *out,
		  struct naccs_err *err)
{
	struct sq *s = impl;
	int64_t id;
	int rc = sq_tx_begin(s, dl, false, _("looking up a group"), err);

	if (rc == 0)
		rc = group_by_name(s, name, &id, out, err);
	return sq_tx_end(s, rc, err);
}

int sq_group_list(void *impl, naccs_deadline_t dl, naccs_group_fn cb, void *ctx,
		  struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_group g;
	sqlite3_stmt *st = NULL;
	int64_t id;
	int cb_rc = 0;
	int rc = sq_tx_begin(s, dl, false, _("listing groups"), err);

	if (rc == 0)
		rc = sq_prepare(s, &st, err, "SELECT " GROUP_COLS " FROM groups g ORDER BY g.name",
				"");
	while (rc == 0 && (rc = sq_step(s, st, err)) > 0) {
		rc = read_group(s, st, &id, &g, err);
		if (rc == 0 && (cb_rc = cb(ctx, &g)) != 0)
			rc = 1;
	}
	sqlite3_finalize(st);
	if (rc > 0)
		rc = cb_rc < 0 ? cb_rc : 0;
	return sq_tx_end(s, rc, err);
}

int sq_group_members(void *impl, naccs_deadline_t dl, const char *name, naccs_member_fn cb,
		     void *ctx, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_group g;
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	int cb_rc = 0;
	int rc = sq_tx_begin(s, dl, false, _("listing group members"), err);

	if (rc == 0)
		rc = group_by_name(s, name, &id, &g, err);
	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT i.login FROM group_members m JOIN identities i "
				"ON i.id = m.identity WHERE m.grp = ?1 ORDER BY i.login",
				"l", id);
	while (rc == 0 && (rc = sq_step(s, st, err)) > 0) {
		char login[NACCS_LOGIN_MAX + 1];

		rc = 0; /* a row: go on to the next one (was: only the first member) */
		if (!copy_col(st, 0, login, sizeof(login)) || !naccs_name_valid_login(login))
			rc = bad_row(s, "member", err);
		else if ((cb_rc = cb(ctx, login)) != 0)
			rc = 1;
	}
	sqlite3_finalize(st);
	if (rc > 0)
		rc = cb_rc < 0 ? cb_rc : 0;
	return sq_tx_end(s, rc, err);
}

int sq_group_has_member(void *impl, naccs_deadline_t dl, const char *name, const char *login,
			bool *member, struct naccs_err *err)
{
	struct sq *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sq_tx_begin(s, dl, false, _("reading a group membership"), err);

	*member = false;
	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT 1 FROM group_members m JOIN groups g ON g.id = m.grp "
				"JOIN identities i ON i.id = m.identity "
				"WHERE g.name = ?1 AND g.deleted = 0 AND i.login = ?2",
				"tt", name, login);
	if (rc == 0) {
		rc = sq_step(s, st, err);
		*member = rc > 0;
		if (rc > 0)
			rc = 0;
		sqlite3_finalize(st);
	}
	return sq_tx_end(s, rc, err);
}

int sq_group_member(void *impl, naccs_deadline_t dl, const char *name, const char *login, bool add,
		    const char *by, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_group g;
	struct naccs_identity ident;
	struct sq_ident_meta meta;
	int64_t gid_row = 0, now = naccs_now_wall();
	int changes = 0;
	int rc = sq_tx_begin(s, dl, true, _("changing a group membership"), err);

	if (rc == 0)
		rc = group_by_name(s, name, &gid_row, &g, err);
	if (rc == 0 && g.deleted)
		rc = naccs_err_set(
		    err, EINVAL, _("group '%s' was deleted; a deleted group has no members"), name);
	if (rc == 0)
		rc = sq_identity_by_login(s, login, &ident, &meta, err);
	if (rc == 0 && add)
		rc = sq_refuse_retired(s, login, &meta, err);
	if (rc == 0 && add)
		rc = sq_run(s, &changes, err,
			    "INSERT OR IGNORE INTO group_members (grp, identity, added_at) "
			    "VALUES (?1, ?2, ?3)",
			    "lll", gid_row, meta.id, now);
	else if (rc == 0)
		rc = sq_run(s, &changes, err,
			    "DELETE FROM group_members WHERE grp = ?1 AND identity = ?2", "ll",
			    gid_row, meta.id);
	if (rc == 0 && changes == 0)
		rc = add ? naccs_err_set(err, EEXIST, _("'%s' is already a member of group '%s'"),
					 login, name)
			 : naccs_err_set(err, EALREADY, _("'%s' is not a member of group '%s'"),
					 login, name);
	if (rc == 0)
		rc = sq_registry_add(s, now, login,
				     add ? "group-member-added" : "group-member-removed", by, name,
				     err);
	return sq_tx_end(s, rc, err);
}
