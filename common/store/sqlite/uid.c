/* The SQLite backend of the credential store: the lowest uid at or above a
 * start that no identity, retired or not, ever had (an ID is never issued
 * twice, UTS-2.2.1.3(2)(g)(ウ)).
 *
 * naccsctl asks this when it picks a uid itself (it skips uids that the
 * system's other account sources already know, a policy the store does not
 * hold); add_identity still refuses any uid ever issued, so a uid taken
 * meanwhile by another administrator fails there with -EEXIST. */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "base/i18n.h"
#include "store/sqlite/internal.h"

/* Inside the caller's transaction: from itself if it was never issued,
 * else the first id after the run of issued ones that starts there (the
 * smallest issued a in [from, max - 1] whose successor was never issued).
 * The id column is UNIQUE, so each probe is an index look-up.  sql is one
 * of the two queries below; what names the id in the message. */
static int lowest_unissued(struct sq *s, const char *sql, const char *what, uint32_t from,
			   uint32_t max, uint32_t *out, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err, sql, "ll", (int64_t)from, (int64_t)max);

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0 && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
		*out = (uint32_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc >= 0) {
		rc = naccs_err_set(err, ENOSPC,
				   _("credential store %s: every %s in [%lu, %lu] was already "
				     "issued"),
				   s->path, what, (unsigned long)from, (unsigned long)max);
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_lowest_unissued_uid(struct sq *s, uint32_t from, uint32_t max, uint32_t *uid,
			   struct naccs_err *err)
{
	return lowest_unissued(
	    s,
	    "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM identities WHERE uid = ?1) "
	    "THEN ?1 ELSE (SELECT min(a.uid) + 1 FROM identities a "
	    "WHERE a.uid BETWEEN ?1 AND ?2 - 1 AND NOT EXISTS "
	    "(SELECT 1 FROM identities b WHERE b.uid = a.uid + 1)) END",
	    "uid", from, max, uid, err);
}

/* The same for the gids of groups (store/sqlite/group.c). */
int sq_lowest_unissued_gid(struct sq *s, uint32_t from, uint32_t max, uint32_t *gid,
			   struct naccs_err *err)
{
	return lowest_unissued(s,
			       "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM groups WHERE gid = ?1) "
			       "THEN ?1 ELSE (SELECT min(a.gid) + 1 FROM groups a "
			       "WHERE a.gid BETWEEN ?1 AND ?2 - 1 AND NOT EXISTS "
			       "(SELECT 1 FROM groups b WHERE b.gid = a.gid + 1)) END",
			       "gid", from, max, gid, err);
}

int sq_next_free_uid(void *impl, naccs_deadline_t dl, uint32_t from, uint32_t max, uint32_t *uid,
		     struct naccs_err *err)
{
	struct sq *s = impl;
	int rc = sq_tx_begin(s, dl, false, _("looking for a free uid"), err);

	if (rc == 0)
		rc = sq_lowest_unissued_uid(s, from, max, uid, err);
	return sq_tx_end(s, rc, err);
}
