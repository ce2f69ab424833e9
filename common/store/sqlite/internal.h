/* Private to the SQLite backend of the credential store: what its files
 * share.  Only common/store_sqlite*.c include this; everyone else sees
 * store/store.h.  Each group below names the file that defines it; the
 * comment at each definition says what it does. */
#ifndef NACCS_STORE_SQLITE_INTERNAL_H
#define NACCS_STORE_SQLITE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "store/backend.h"

/* The columns of an identity row, in the order sq_read_identity reads them. */
#define SQ_IDENTITY_COLS                                                                           \
	"id, login, user_code, id_number, uid, gid, gecos, home, shell, kind, admin, "             \
	"created_by, created_at, retired, retired_at, staff_number, approval, second_id_reason"

/* One open store. */
struct sq {
	sqlite3 *db;
	naccs_deadline_t dl; /* of the call in progress, read by the busy handler */
	int depth;	     /* open transaction levels (a listing callback may nest reads) */
	int last_rc;	     /* extended code of the last failed SQLite call */
	bool read_only;
	bool check_alone;		 /* a login's or naccsctl's open, not store check's: a
					    store without its -wal or -shm is checked on its
					    own first (store/sqlite/file.c, sq_check_alone) */
	const char *op;			 /* what the call in progress does, for messages */
	bool writing;			 /* the open transaction is a write */
	naccs_store_commit_fn commit_fn; /* before each write commit (store/store.h) */
	void *commit_ctx;
	char path[];
};

/* What an identity row says beyond struct naccs_identity. */
struct sq_ident_meta {
	int64_t id;
	bool retired;
	int64_t retired_at;
};

/* store/sqlite/db.c: messages, waiting for locks, statements, transactions. */
void sq_printable(const char *in, size_t inlen, char *out, size_t outsz);
int sq_fail(struct sq *s, int rc, struct naccs_err *err);
int sq_busy_wait(void *arg, int attempts);
int sq_prepare(struct sq *s, sqlite3_stmt **st, struct naccs_err *err, const char *sql,
	       const char *types, ...);
int sq_step(struct sq *s, sqlite3_stmt *st, struct naccs_err *err);
int sq_run(struct sq *s, int *changes, struct naccs_err *err, const char *sql, const char *types,
	   ...);
int sq_script(struct sq *s, const char *sql, struct naccs_err *err);
int sq_tx_begin(struct sq *s, naccs_deadline_t dl, bool write, const char *op,
		struct naccs_err *err);
int sq_tx_end(struct sq *s, int rc, struct naccs_err *err);
int sq_read_begin(void *impl, naccs_deadline_t dl, struct naccs_err *err);
int sq_read_end(void *impl, int rc, struct naccs_err *err);
void sq_erase_old_pages(struct sq *s);
void sq_set_commit_hook(void *impl, naccs_store_commit_fn fn, void *ctx);

/* The companions of the store file: path + "-wal", path + "-shm". */
#define SQ_SIDE_FILES 2

/* store/sqlite/open.c: opening, creating, schema version. */
int sq_open(const struct naccs_store_options *opt, void **impl, struct naccs_err *err);
void sq_close(void *impl);
int sq_schema_version(void *impl, naccs_deadline_t dl, int *version, struct naccs_err *err);
int sq_new(const struct naccs_store_options *opt, struct sq **out, struct naccs_err *err);
/* What the header of an existing store said. */
struct sq_header {
	bool ok;      /* read and sound */
	bool wal;     /* in WAL mode (when ok) */
	bool damaged; /* not a sound database: left untouched */
};
int sq_open_existing(struct sq *s, uid_t owner, bool allow_rollback, struct sq_header *hdr,
		     struct naccs_err *err);

/* store/sqlite/file.c: the store's files before SQLite opens them. */
/* The path of companion i (0 "-wal", 1 "-shm"): 0 or -ENAMETOOLONG. */
int sq_side_path(const char *path, int i, char *out, size_t size);
/* A new store file (O_CREAT | O_EXCL, 0600, owner), checked into *checked. */
int sq_create_file(const struct sq *s, uid_t owner, struct stat *checked, struct naccs_err *err);
/* An existing store file and its companions: trusted and private. */
int sq_check_existing_file(const struct sq *s, uid_t owner, struct stat *checked,
			   struct naccs_err *err);
/* The file header, before SQLite reads a page: -EIO when damaged; *wal. */
int sq_check_header(const struct sq *s, bool *wal, struct naccs_err *err);
/* Is every companion (-wal, -shm) of the store there? */
bool sq_side_files_present(const struct sq *s);
/* A store without its companions: checked on its own first (read-only,
 * immutable, quick_check), before SQLite would create them. */
int sq_check_alone(const struct sq *s, const struct stat *checked, struct naccs_err *err);

/* store/sqlite/migrate.c: the schema version and the migrations. */
int sq_switch_to_wal(struct sq *s, struct naccs_err *err);
/* The schema version judged (and with migrate brought up to date). */
int sq_check_version(struct sq *s, bool migrate, struct naccs_err *err);
/* What a plain open says of a store not in WAL mode (-EPROTO), and of one
 * at this schema version: 0 when usable as it is (with migrate: when the
 * migrations can bring it up to date), else -EPROTO and what to do. */
int sq_refuse_not_wal(const struct sq *s, struct naccs_err *err);
int sq_judge_version(const struct sq *s, int version, bool migrate, struct naccs_err *err);

/* store/sqlite/check.c: examining a store without changing it. */
int sq_inspect(const struct naccs_store_options *opt, bool deep, struct naccs_store_report *out,
	       struct naccs_err *err);

/* store/sqlite/cols.c: reading and checking columns.  A row being read,
 * for messages about a malformed value. */
struct sq_row {
	const struct sq *s;
	sqlite3_stmt *st;
	const char *table;
	char who[48]; /* the login, printable, possibly shortened */
};
void sq_row_init(struct sq_row *r, const struct sq *s, sqlite3_stmt *st, const char *table,
		 const char *login);
/* The login of the row taken from column col, printable whatever it holds. */
void sq_row_init_from_col(struct sq_row *r, const struct sq *s, sqlite3_stmt *st, const char *table,
			  int col);
int sq_bad_row(const struct sq_row *r, int col, const char *why, struct naccs_err *err);
int sq_missing_row(const struct sq *s, const char *table, const char *login, struct naccs_err *err);
/* Each: 0 and the value, or -EINVAL naming table, login and column. */
int sq_col_text(const struct sq_row *r, int col, char *out, size_t size, bool nonempty,
		struct naccs_err *err);
int sq_col_opt_text(const struct sq_row *r, int col, char *out, size_t size, struct naccs_err *err);
int sq_col_int(const struct sq_row *r, int col, int64_t min, int64_t max, int64_t *out,
	       struct naccs_err *err);
int sq_col_opt_time(const struct sq_row *r, int col, int64_t *out, struct naccs_err *err);
int sq_col_bool(const struct sq_row *r, int col, bool *out, struct naccs_err *err);
int sq_col_time(const struct sq_row *r, int col, int64_t *out, struct naccs_err *err);
int sq_col_kind(const struct sq_row *r, int col, enum naccs_id_kind *out, struct naccs_err *err);

/* store/sqlite/rows.c: reading identities, account states, registry lines. */
int sq_read_identity(const struct sq *s, sqlite3_stmt *st, struct naccs_identity *id,
		     struct sq_ident_meta *meta, struct naccs_err *err);
int sq_fetch_identity(struct sq *s, sqlite3_stmt *st, const char *what, struct naccs_identity *id,
		      struct sq_ident_meta *meta, struct naccs_err *err);
int sq_identity_by_login(struct sq *s, const char *login, struct naccs_identity *id,
			 struct sq_ident_meta *meta, struct naccs_err *err);
int sq_load_state(struct sq *s, const char *login, const struct sq_ident_meta *meta, bool with_phc,
		  struct naccs_account_state *out, struct naccs_err *err);
int sq_read_registry_row(const struct sq *s, sqlite3_stmt *st, struct naccs_registry_entry *e,
			 struct naccs_err *err);

/* store/sqlite/auth.c: look-ups, account state, login outcomes, re-hash. */
int sq_find(void *impl, naccs_deadline_t dl, const char *login, struct naccs_identity *out,
	    struct naccs_err *err);
int sq_find_by_user_id(void *impl, naccs_deadline_t dl, const struct naccs_user_id *u,
		       struct naccs_identity *out, struct naccs_err *err);
int sq_find_by_uid(void *impl, naccs_deadline_t dl, uint32_t uid, struct naccs_identity *out,
		   struct naccs_err *err);
int sq_get_state(void *impl, naccs_deadline_t dl, const char *login,
		 struct naccs_account_state *out, struct naccs_err *err);
int sq_record_success(void *impl, naccs_deadline_t dl, const char *login,
		      const struct naccs_login_event *ev, const struct naccs_success_write *w,
		      struct naccs_account_state *before, struct naccs_err *err);
int sq_replace_hash(void *impl, naccs_deadline_t dl, const char *login, const char *old_phc,
		    const char *new_phc, struct naccs_err *err);

/* store/sqlite/lookup.c: a typed name read both ways, typical hash
 * parameters. */
int sq_identity_by_user_id(struct sq *s, const struct naccs_user_id *u, struct naccs_identity *id,
			   struct sq_ident_meta *meta, struct naccs_err *err);
int sq_find_name(void *impl, naccs_deadline_t dl, const char *login,
		 const struct naccs_user_id *pair, struct naccs_name_match *out,
		 struct naccs_err *err);
int sq_typical_hash(void *impl, naccs_deadline_t dl, char params[NACCS_PHC_MAX],
		    struct naccs_err *err);

/* store/sqlite/issue.c: issuing an identity. */
int sq_add_identity(void *impl, naccs_deadline_t dl, struct naccs_identity *id, uint32_t uid_min,
		    uint32_t uid_max, const char *phc, bool must_change, const char *issued_by,
		    const char *issued_to, struct naccs_err *err);

/* store/sqlite/admin.c: registry lines, passwords, flags, retirement,
 * listing. */
int sq_registry_add(struct sq *s, int64_t at, const char *login, const char *event, const char *by,
		    const char *detail, struct naccs_err *err);
int sq_refuse_retired(const struct sq *s, const char *login, const struct sq_ident_meta *meta,
		      struct naccs_err *err);
int sq_set_password(void *impl, naccs_deadline_t dl, const char *login, const char *phc,
		    bool must_change, unsigned keep_history, const char *event, const char *by,
		    struct naccs_err *err);
int sq_set_flag(void *impl, naccs_deadline_t dl, const char *login, enum naccs_flag flag, bool on,
		const char *reason, const char *by, struct naccs_err *err);
int sq_retire(void *impl, naccs_deadline_t dl, const char *login, const char *reason,
	      const char *by, struct naccs_err *err);
int sq_list(void *impl, naccs_deadline_t dl, naccs_store_list_fn cb, void *ctx,
	    struct naccs_err *err);
int sq_registry(void *impl, naccs_deadline_t dl, const char *login, naccs_registry_fn cb, void *ctx,
		struct naccs_err *err);

/* store/sqlite/password.c: the user's own change (compare-and-swap) and
 * the password history. */
int sq_get_history(void *impl, naccs_deadline_t dl, const char *login,
		   struct naccs_history_entry *out, size_t max, size_t *n, struct naccs_err *err);
int sq_change_password(void *impl, naccs_deadline_t dl, const char *login, const char *expected,
		       const char *phc, unsigned keep_history, const char *by,
		       struct naccs_err *err);

/* store/sqlite/uid.c: the lowest never-used uid (gid) at or above a start
 * (sq_lowest_unissued_uid and _gid run inside the caller's transaction). */
int sq_lowest_unissued_uid(struct sq *s, uint32_t from, uint32_t max, uint32_t *uid,
			   struct naccs_err *err);
int sq_lowest_unissued_gid(struct sq *s, uint32_t from, uint32_t max, uint32_t *gid,
			   struct naccs_err *err);
int sq_next_free_uid(void *impl, naccs_deadline_t dl, uint32_t from, uint32_t max, uint32_t *uid,
		     struct naccs_err *err);

/* store/sqlite/failure.c: failures appended (the count in a window, the
 * lock the caller's data asks for), pruning, failure pages. */
int sq_append_failure(void *impl, naccs_deadline_t dl, const char *login,
		      const struct naccs_login_event *ev, const struct naccs_failure_write *w,
		      struct naccs_account_state *after, uint32_t *count, struct naccs_err *err);
int sq_append_unknown_failure(void *impl, naccs_deadline_t dl, const char *name,
			      const struct naccs_login_event *ev, unsigned keep_max,
			      unsigned retain, unsigned *dropped, struct naccs_err *err);
int sq_prune(struct sq *s, const char *table, int64_t before, struct naccs_err *err);
int sq_failure_page(void *impl, naccs_deadline_t dl, const char *login, int64_t since,
		    struct naccs_failure_cursor *cursor, struct naccs_login_event *out, size_t max,
		    size_t *n, struct naccs_err *err);

/* store/sqlite/session.c: the previous login and the failures since it
 * (the session notices), session logins. */
int sq_keep_previous_login(struct sq *s, int64_t id, const struct naccs_account_state *before,
			   const struct naccs_login_event *ev, int64_t pending,
			   struct naccs_err *err);
int sq_login_note(void *impl, naccs_deadline_t dl, const char *login, struct naccs_login_note *out,
		  struct naccs_err *err);
int sq_session_write(void *impl, naccs_deadline_t dl, const char *login,
		     const struct naccs_login_event *ev, const struct naccs_login_note *expect,
		     enum naccs_note_action action, int pending, struct naccs_login_note *out,
		     struct naccs_err *err);
int sq_read_event(struct sq *s, sqlite3_stmt *st, const char *table, const char *login, int col,
		  struct naccs_login_event *ev, struct naccs_err *err);

/* store/sqlite/group.c: groups and memberships. */
int sq_group_add(void *impl, naccs_deadline_t dl, struct naccs_group *g, uint32_t gid_min,
		 uint32_t gid_max, const char *by, struct naccs_err *err);
int sq_group_del(void *impl, naccs_deadline_t dl, const char *name, const char *reason,
		 const char *by, struct naccs_err *err);
int sq_group_find(void *impl, naccs_deadline_t dl, const char *name, struct naccs_group *out,
		  struct naccs_err *err);
int sq_group_list(void *impl, naccs_deadline_t dl, naccs_group_fn cb, void *ctx,
		  struct naccs_err *err);
int sq_group_members(void *impl, naccs_deadline_t dl, const char *name, naccs_member_fn cb,
		     void *ctx, struct naccs_err *err);
int sq_group_has_member(void *impl, naccs_deadline_t dl, const char *name, const char *login,
			bool *member, struct naccs_err *err);
int sq_group_member(void *impl, naccs_deadline_t dl, const char *name, const char *login, bool add,
		    const char *by, struct naccs_err *err);
int sq_set_staff_number(void *impl, naccs_deadline_t dl, const char *login,
			const char *staff_number, const char *allow_reason, const char *by,
			struct naccs_err *err);
int sq_next_free_gid(void *impl, naccs_deadline_t dl, uint32_t from, uint32_t max, uint32_t *gid,
		     struct naccs_err *err);

#endif
