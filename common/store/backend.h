/* What a store backend implements.  store/store.c picks the backend and
 * forwards each naccs_store_* call here; the PAM module, NSS module and
 * naccsctl only ever see store/store.h.
 *
 * Persistence verbs only: a backend stores and reads; every rule (when a
 * count locks, whether a lock is in force, what a changed state means)
 * is the policy's (common/policy/, rules/), handed in as data.  The verbs
 * (the same list: store/store.h, common/store/README.md):
 *   open, close, inspect, schema_version: the store itself
 *   read_begin, read_end: one read snapshot over several reads
 *   find, find_by_user_id, find_by_uid, find_name: identities
 *   get_state: an identity's private state (flags, counts, hash)
 *   typical_hash: the hash parameters most credentials use
 *   append_failure: a failure, its exact count in a window, a lock if data says (CAS), by request
 * id append_unknown_failure: a failure on a name that is no ID, kept within given numbers
 *   record_success: a success noted if the state is as read before (CAS), by request id
 *   login_note: the login noted or counted last, with its notices
 *   session_write: a session step's write (mark the note, or count the login), CAS on the note
 *   failure_page: the failures since a time, a page at a time from a cursor
 *   add_identity, set_password, change_password, replace_hash: credentials
 *   get_history: the password history
 *   set_flag, retire, set_staff_number: flags, retirement, registry attributes
 *   list, registry: listings (callbacks, inside one read transaction)
 *   next_free_uid, next_free_gid: never-issued uids and gids
 *   group_add, group_del, group_find, group_list, group_members, group_has_member,
 *     group_member: groups
 *   set_commit_hook: a hook before every write commit (the audit trail) */
#ifndef NACCS_STORE_BACKEND_H
#define NACCS_STORE_BACKEND_H

#include "store/store.h"

struct naccs_store_backend {
	const char *name;
	int (*open)(const struct naccs_store_options *opt, void **impl, struct naccs_err *err);
	void (*close)(void *impl);
	int (*inspect)(const struct naccs_store_options *opt, bool deep,
		       struct naccs_store_report *out, struct naccs_err *err);
	int (*schema_version)(void *impl, naccs_deadline_t dl, int *version, struct naccs_err *err);
	int (*read_begin)(void *impl, naccs_deadline_t dl, struct naccs_err *err);
	int (*read_end)(void *impl, int rc, struct naccs_err *err);
	int (*find)(void *impl, naccs_deadline_t dl, const char *login, struct naccs_identity *out,
		    struct naccs_err *err);
	int (*find_by_user_id)(void *impl, naccs_deadline_t dl, const struct naccs_user_id *u,
			       struct naccs_identity *out, struct naccs_err *err);
	int (*find_by_uid)(void *impl, naccs_deadline_t dl, uint32_t uid,
			   struct naccs_identity *out, struct naccs_err *err);
	int (*get_state)(void *impl, naccs_deadline_t dl, const char *login,
			 struct naccs_account_state *out, struct naccs_err *err);
	int (*find_name)(void *impl, naccs_deadline_t dl, const char *login,
			 const struct naccs_user_id *pair, struct naccs_name_match *out,
			 struct naccs_err *err);
	int (*typical_hash)(void *impl, naccs_deadline_t dl, char params[NACCS_PHC_MAX],
			    struct naccs_err *err);
	int (*append_failure)(void *impl, naccs_deadline_t dl, const char *login,
			      const struct naccs_login_event *ev,
			      const struct naccs_failure_write *w,
			      struct naccs_account_state *after, uint32_t *count,
			      struct naccs_err *err);
	int (*record_success)(void *impl, naccs_deadline_t dl, const char *login,
			      const struct naccs_login_event *ev,
			      const struct naccs_success_write *w,
			      struct naccs_account_state *before, struct naccs_err *err);
	int (*append_unknown_failure)(void *impl, naccs_deadline_t dl, const char *name,
				      const struct naccs_login_event *ev, unsigned keep_max,
				      unsigned retain, unsigned *dropped, struct naccs_err *err);
	int (*add_identity)(void *impl, naccs_deadline_t dl, struct naccs_identity *id,
			    uint32_t uid_min, uint32_t uid_max, const char *phc, bool must_change,
			    const char *issued_by, const char *issued_to, struct naccs_err *err);
	int (*set_password)(void *impl, naccs_deadline_t dl, const char *login, const char *phc,
			    bool must_change, unsigned keep_history, const char *event,
			    const char *by, struct naccs_err *err);
	int (*replace_hash)(void *impl, naccs_deadline_t dl, const char *login, const char *old_phc,
			    const char *new_phc, struct naccs_err *err);
	int (*set_flag)(void *impl, naccs_deadline_t dl, const char *login, enum naccs_flag flag,
			bool on, const char *reason, const char *by, struct naccs_err *err);
	int (*retire)(void *impl, naccs_deadline_t dl, const char *login, const char *reason,
		      const char *by, struct naccs_err *err);
	int (*list)(void *impl, naccs_deadline_t dl, naccs_store_list_fn cb, void *ctx,
		    struct naccs_err *err);
	int (*registry)(void *impl, naccs_deadline_t dl, const char *login, naccs_registry_fn cb,
			void *ctx, struct naccs_err *err);
	int (*next_free_uid)(void *impl, naccs_deadline_t dl, uint32_t from, uint32_t max,
			     uint32_t *uid, struct naccs_err *err);
	/* Sessions and failure listings (store/sqlite/session.c, failure.c). */
	void (*set_commit_hook)(void *impl, naccs_store_commit_fn fn, void *ctx);
	int (*login_note)(void *impl, naccs_deadline_t dl, const char *login,
			  struct naccs_login_note *out, struct naccs_err *err);
	int (*session_write)(void *impl, naccs_deadline_t dl, const char *login,
			     const struct naccs_login_event *ev,
			     const struct naccs_login_note *expect, enum naccs_note_action action,
			     int pending, struct naccs_login_note *out, struct naccs_err *err);
	int (*failure_page)(void *impl, naccs_deadline_t dl, const char *login, int64_t since,
			    struct naccs_failure_cursor *cursor, struct naccs_login_event *out,
			    size_t max, size_t *n, struct naccs_err *err);
	int (*get_history)(void *impl, naccs_deadline_t dl, const char *login,
			   struct naccs_history_entry *out, size_t max, size_t *n,
			   struct naccs_err *err);
	int (*change_password)(void *impl, naccs_deadline_t dl, const char *login,
			       const char *expected, const char *phc, unsigned keep_history,
			       const char *by, struct naccs_err *err);
	/* Groups (store/sqlite/group.c). */
	int (*group_add)(void *impl, naccs_deadline_t dl, struct naccs_group *g, uint32_t gid_min,
			 uint32_t gid_max, const char *by, struct naccs_err *err);
	int (*group_del)(void *impl, naccs_deadline_t dl, const char *name, const char *reason,
			 const char *by, struct naccs_err *err);
	int (*group_find)(void *impl, naccs_deadline_t dl, const char *name,
			  struct naccs_group *out, struct naccs_err *err);
	int (*group_list)(void *impl, naccs_deadline_t dl, naccs_group_fn cb, void *ctx,
			  struct naccs_err *err);
	int (*group_members)(void *impl, naccs_deadline_t dl, const char *name, naccs_member_fn cb,
			     void *ctx, struct naccs_err *err);
	int (*group_has_member)(void *impl, naccs_deadline_t dl, const char *name,
				const char *login, bool *member, struct naccs_err *err);
	int (*group_member)(void *impl, naccs_deadline_t dl, const char *name, const char *login,
			    bool add, const char *by, struct naccs_err *err);
	int (*next_free_gid)(void *impl, naccs_deadline_t dl, uint32_t from, uint32_t max,
			     uint32_t *gid, struct naccs_err *err);
	/* Registry rules (store/sqlite/issue.c). */
	int (*set_staff_number)(void *impl, naccs_deadline_t dl, const char *login,
				const char *staff_number, const char *allow_reason, const char *by,
				struct naccs_err *err);
};

extern const struct naccs_store_backend naccs_store_sqlite;

#endif
