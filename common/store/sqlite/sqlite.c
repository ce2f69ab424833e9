/* The SQLite backend of the credential store.
 *
 * One database file, root-only (0600), in WAL mode with full synchronous
 * commits.  Every read-modify-write runs inside
 * one BEGIN IMMEDIATE transaction, so concurrent logins serialise on the write
 * lock instead of losing updates; plain reads run in one read transaction so
 * they see one consistent snapshot.  Waiting for the lock honours the
 * caller's deadline through a busy handler.
 *
 * Every row read is checked against the domain of the fixed-size fields of
 * store/store.h: a value that is NULL where it may not be, of the wrong type,
 * too long or otherwise out of domain is reported as -EINVAL naming the
 * table, the login and the column, never truncated or passed on.
 *
 * SQL text is constant; user data only ever travels as bound parameters.
 *
 * Where what is:
 *   store/sqlite/sqlite.c           this table of operations
 *   store/sqlite/internal.h  what the files below share (struct sq, sq_*)
 *   store/sqlite/schema.h    the tables: schema version and migrations
 *   store/sqlite/db.c        error mapping, busy waits, statements, transactions,
 *                            erasing old page images after a credential change
 *   store/sqlite/open.c      file checks, header validation, open/create, PRAGMAs,
 *                            migrations (administrative opens only)
 *   store/sqlite/check.c     examining a store without changing it (store check)
 *   store/sqlite/rows.c      reading and checking rows (bad-row messages)
 *   store/sqlite/auth.c      look-ups, account state, login outcomes, re-hash
 *   store/sqlite/lookup.c    a typed name read both ways; typical hash parameters
 *   store/sqlite/issue.c     issuing an identity: never re-issued, uid allocation
 *   store/sqlite/admin.c     passwords, flags, retirement, listing, registry
 *   store/sqlite/uid.c       the lowest never-used uid at or above a start
 *   store/sqlite/password.c  the user's own change (compare-and-swap), history
 *   store/sqlite/group.c     groups: never re-issued (tombstones), gid allocation,
 *                            memberships */
#include "config.h"

#include "store/backend.h"
#include "store/sqlite/internal.h"

const struct naccs_store_backend naccs_store_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .inspect = sq_inspect,
    .schema_version = sq_schema_version,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .find = sq_find,
    .find_by_user_id = sq_find_by_user_id,
    .find_by_uid = sq_find_by_uid,
    .get_state = sq_get_state,
    .find_name = sq_find_name,
    .typical_hash = sq_typical_hash,
    .append_failure = sq_append_failure,
    .record_success = sq_record_success,
    .append_unknown_failure = sq_append_unknown_failure,
    .add_identity = sq_add_identity,
    .set_password = sq_set_password,
    .replace_hash = sq_replace_hash,
    .set_flag = sq_set_flag,
    .retire = sq_retire,
    .list = sq_list,
    .registry = sq_registry,
    .next_free_uid = sq_next_free_uid,
    .set_commit_hook = sq_set_commit_hook,
    .login_note = sq_login_note,
    .session_write = sq_session_write,
    .failure_page = sq_failure_page,
    .get_history = sq_get_history,
    .change_password = sq_change_password,
    .group_add = sq_group_add,
    .group_del = sq_group_del,
    .group_find = sq_group_find,
    .group_list = sq_group_list,
    .group_members = sq_group_members,
    .group_has_member = sq_group_has_member,
    .group_member = sq_group_member,
    .next_free_gid = sq_next_free_gid,
    .set_staff_number = sq_set_staff_number,
};
