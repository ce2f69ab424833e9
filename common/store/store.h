/* The private credential store, behind a backend-neutral, semantic interface.
 * No SQL here: a later backend may be a remote engine reached through a local
 * daemon.  Every operation takes a deadline and returns
 *   0             success
 *   -ENOENT       no such identity (a normal answer)
 *   -EEXIST       the identity (login, user ID or uid) exists or existed
 *   -EINVAL       bad input or a malformed stored row (message says which)
 *   -ESTALE       compare-and-swap lost (the credential changed meanwhile)
 *   -ENOTUNIQ     another active individual ID has the same staff number
 *                 (UTS-2.2.1.3(2)(g)(ア)) and no reason allowed a second one
 *   other -errno  the store is unavailable (-EIO, -ETIMEDOUT, -EACCES,
 *                 -ENOMEM, -EPERM ...): callers always fail closed.
 * naccs_err_is_unavailable() tells the last group apart.
 * Every read-modify-write is one transaction, so concurrent logins never
 * lose an update.  The store holds data; policy decides: conditions come in
 * as data (a count to lock at, a state to compare with), never as a rule.
 *
 * The verbs (the same list: store/backend.h, common/store/README.md):
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
#ifndef NACCS_STORE_H
#define NACCS_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "crypto/hash.h"
#include "base/name.h"
#include "base/text.h"
#include "base/time.h"
#include "rules/lockout.h"
#include "rules/notice.h"

#define NACCS_WHO_MAX 64

/* Registry attributes of an identity (store schema 6), in bytes without
 * the NUL: the person's staff number, a shared ID's approval reference,
 * why a second active individual ID of one person was allowed. */
#define NACCS_STAFF_MAX	    32
#define NACCS_APPROVAL_MAX  128
#define NACCS_SECOND_ID_MAX 192

enum naccs_id_kind {
	NACCS_KIND_INDIVIDUAL = 0, /* one person (UTS-2.2.1.3(2)(g)(ア)) */
	NACCS_KIND_SHARED = 1,	   /* shared ID, e.g. root (UTS-2.2.1.3(2)(b)) */
};

/* The public part of an identity (what NSS will publish, minus nothing). */
struct naccs_identity {
	char login[NACCS_LOGIN_MAX + 1];
	char user_code[NACCS_CODE_MAX + 1];   /* "" for a shared ID without one */
	char id_number[NACCS_NUMBER_LEN + 1]; /* "" for a shared ID without one */
	uint32_t uid, gid;
	char gecos[NACCS_TEXT_MAX];
	char home[NACCS_TEXT_MAX];
	char shell[NACCS_TEXT_MAX];
	enum naccs_id_kind kind;
	bool admin;
	char created_by[NACCS_WHO_MAX];
	int64_t created_at;
	/* Registry attributes, never published (NSS leaves them out).
	 * staff_number: the person an individual ID belongs to; one active
	 * individual ID per staff number (UTS-2.2.1.3(2)(g)(ア)) unless
	 * second_id_reason is recorded.  approval: a shared ID's approval
	 * reference (UTS-2.2.1.3(2)(b)).  "" when none. */
	char staff_number[NACCS_STAFF_MAX + 1];
	char approval[NACCS_APPROVAL_MAX + 1];
	char second_id_reason[NACCS_SECOND_ID_MAX + 1];
};

/* The private state of an identity (struct naccs_account_state) is the
 * lockout rules' (rules/lockout.h); where and when a login happened
 * (struct naccs_login_event) and what the session notices say (struct
 * naccs_login_notice) are the notices' (rules/notice.h). */

/* Flags an administrator (or later: policy) can set and clear. */
enum naccs_flag {
	NACCS_FLAG_LOCKED = 0,
	NACCS_FLAG_SUSPENDED = 1,
	NACCS_FLAG_MUST_CHANGE = 2,
};

/* One line of the issuance registry (who was given which ID, and changes). */
struct naccs_registry_entry {
	int64_t at;
	char login[NACCS_LOGIN_MAX + 1];
	char event[32]; /* "issued", "password-reset", "locked", "unlocked",
			   "suspended", "unsuspended", "retired" */
	char by[NACCS_WHO_MAX];
	char detail[NACCS_TEXT_MAX]; /* person issued to, reason, ... */
};

struct naccs_store;

/* add_identity: pick the uid for me ((uid_t)-1 is never a real uid). */
#define NACCS_UID_ALLOCATE UINT32_MAX

/* Opening.  A plain open (what a login does) never creates, rewrites,
 * migrates or checkpoints a store it has not validated: the file's header is
 * checked before the database engine sees it and the schema version is read
 * in a read transaction; a damaged store fails with -EIO and is left byte
 * for byte as it was, a store at an older schema version or not in WAL mode
 * fails with -EPROTO and a message that says to run naccsctl upgrade.  Only
 * an administrative open (migrate, or create) changes the schema or the
 * journal mode. */
struct naccs_store_options {
	const char *path;    /* backend location; for SQLite a file path */
	uid_t owner_uid;     /* expected owner of the file and its directory */
	unsigned timeout_ms; /* default per-operation budget (busy waits) */
	bool create;	     /* create a new store (naccsctl init); implies migrate */
	bool read_only;	     /* no writes at all (the PAM account phase, listings) */
	bool migrate;	     /* administrative open (naccsctl init, upgrade): may bring the schema
				up to date and switch to WAL mode; never with read_only */
};

int naccs_store_open(const struct naccs_store_options *opt, struct naccs_store **out,
		     struct naccs_err *err);
void naccs_store_close(struct naccs_store *st);
/* One read snapshot: every read of st from naccs_store_read_begin to
 * naccs_store_read_end (listings included) sees the store as it was at
 * the first of them, whatever other handles commit meanwhile; a write
 * through st in between is refused (-EDEADLK).  naccs_store_read_end
 * only after a read_begin that returned 0; it returns rc (or the error of
 * ending the snapshot when rc is 0). */
int naccs_store_read_begin(struct naccs_store *st, naccs_deadline_t dl, struct naccs_err *err);
int naccs_store_read_end(struct naccs_store *st, int rc, struct naccs_err *err);
/* The schema version the store is at (after migrations on open). */
int naccs_store_schema_version(struct naccs_store *st, naccs_deadline_t dl, int *version,
			       struct naccs_err *err);

/* What naccs_store_inspect found (naccsctl store check). */
#define NACCS_STORE_FILES_MAX 3
struct naccs_store_file_info {
	char path[PATH_MAX + 8]; /* the store file, then its companions (-wal, -shm) */
	bool present;
	unsigned mode; /* permission bits */
	uint32_t uid;
	int64_t size;
};
struct naccs_store_report {
	struct naccs_store_file_info files[NACCS_STORE_FILES_MAX];
	int n_files;
	bool damaged;	    /* the file is not a sound database (header, engine, integrity) */
	bool header_ok;	    /* the file's header was read and is sound */
	bool wal_mode;	    /* the header says WAL (valid when header_ok) */
	int schema_version; /* -1 when it could not be read */
	int schema_needed;  /* the version this naccs-auth works with */
	bool integrity_checked;
	char integrity[256]; /* "ok", or the first problem the engine reported */
};

/* Examine a store without changing it: the trusted-file checks, the same
 * header validation as a plain open, then (read-only) the schema version
 * and, when deep, the engine's full integrity check.  0 when the store is
 * healthy and usable by a plain open; otherwise the first problem as
 * -errno with its message (-ENOENT missing, -EPERM untrusted, -EIO damaged,
 * -EPROTO needs naccsctl upgrade or a newer naccs-auth), and *out filled as
 * far as the examination got. */
int naccs_store_inspect(const struct naccs_store_options *opt, bool deep,
			struct naccs_store_report *out, struct naccs_err *err);

/* Look-ups. */
int naccs_store_find(struct naccs_store *st, naccs_deadline_t dl, const char *login,
		     struct naccs_identity *out, struct naccs_err *err);
int naccs_store_find_by_user_id(struct naccs_store *st, naccs_deadline_t dl,
				const struct naccs_user_id *uid_pair, struct naccs_identity *out,
				struct naccs_err *err);
int naccs_store_find_by_uid(struct naccs_store *st, naccs_deadline_t dl, uint32_t uid,
			    struct naccs_identity *out, struct naccs_err *err);
int naccs_store_get_state(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			  struct naccs_account_state *out, struct naccs_err *err);

/* Both readings of a name as a person typed it, looked up in one read
 * transaction: as a login (login != NULL) and as a NACCS user ID
 * (pair != NULL).  Which reading wins is the resolver's rule
 * (policy/resolve.h), not the store's.  0 whether or not anything was found;
 * -EINVAL or an unavailable -errno otherwise. */
struct naccs_name_match {
	bool by_login_found;
	struct naccs_identity by_login;
	bool by_pair_found;
	struct naccs_identity by_pair;
};
int naccs_store_find_name(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			  const struct naccs_user_id *pair, struct naccs_name_match *out,
			  struct naccs_err *err);

/* The hash parameters most current credentials use, as the start of a PHC
 * string ("$argon2id$v=19$m=65536,t=3,p=1$"), or "" when the store holds no
 * credential.  Kept up to date in the transactions that change credentials,
 * so reading it is one small query (used for unknown users' dummy
 * verification). */
int naccs_store_typical_hash(struct naccs_store *st, naccs_deadline_t dl,
			     char params[NACCS_PHC_MAX], struct naccs_err *err);

/* A request id (docs/PROTOCOL.md, request_id): a write that carries one
 * is done once per identity; the same id again is a no-op that answers
 * as the first time did (see each verb).  NULL: no id (the in-process PAM
 * path). */
#define NACCS_REQUEST_ID_LEN 16

/* What a compare-and-set compares: the lock, suspension and retirement of
 * an identity as the caller read them (naccs_store_stamp_of). */
struct naccs_state_stamp {
	bool locked;
	int64_t locked_at;
	int64_t lock_until;
	bool suspended;
	int64_t suspended_at;
	bool retired;
};
void naccs_store_stamp_of(const struct naccs_account_state *st, struct naccs_state_stamp *out);
/* a and b equal; lock_only: only locked, locked_at, lock_until, retired. */
bool naccs_store_stamp_same(const struct naccs_state_stamp *a, const struct naccs_state_stamp *b,
			    bool lock_only);

/* The data of append_failure (all durations in seconds, from ev->at). */
struct naccs_failure_write {
	const uint8_t *request_id;	 /* NACCS_REQUEST_ID_LEN bytes, or NULL */
	unsigned retain;		 /* failures (of any ID) older than this go, a batch
					    at a time; 0: none go */
	unsigned window;		 /* count: this ID's failures since its last reset
					    (a success, an unlock) with at > ev->at - window
					    (0: any time) ... */
	int64_t not_before;		 /* ... and at >= not_before (0: no floor) */
	uint32_t lock_at;		 /* lock when the count is at least this (0: never) ... */
	struct naccs_state_stamp expect; /* ... and locked, locked_at, lock_until
					    and retired are still these */
	unsigned lock_for;		 /* the lock ends then (0: until an administrator
					    unlocks) */
	const char *reason;		 /* of the lock (flags and the registry line) */
	const char *actor;		 /* of the lock's registry line */
};

/* A failed attempt on login, one transaction: the row is added, then, in
 * the same transaction, old rows pruned (w->retain), the ID's failures
 * counted (w->window, w->not_before) into *count, and the ID locked when
 * the count reaches w->lock_at and the lock columns are still w->expect (a
 * compare-and-set: of concurrent failures that each reach the count, one
 * takes the lock), with a registry line "locked" by w->actor ("REASON: N
 * within Ws, until T").  The count is read inside the transaction that
 * added the row, so it is exact however many writers share the store.
 * *after: the state read back (no hash); after->lock_taken when this very
 * call took the lock.  w NULL: append only (*count 0).  A request id seen
 * before for this ID: nothing written, *count and lock_taken as that call
 * answered, *after read now. */
int naccs_store_append_failure(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev,
			       const struct naccs_failure_write *w,
			       struct naccs_account_state *after, uint32_t *count,
			       struct naccs_err *err);

/* The data of record_success. */
struct naccs_success_write {
	const uint8_t *request_id;		/* NACCS_REQUEST_ID_LEN bytes, or NULL */
	const struct naccs_state_stamp *expect; /* NULL: no condition */
	bool clear_lock;			/* clear the lock columns (the caller found the
						   lock in expect over); needs expect */
	unsigned retain;			/* request ids of successes kept this long (s) */
};

/* A successful check, one transaction: *before is the state as it is
 * (read in the transaction); if it differs from *w->expect (an
 * administrator or another login acted while the password was checked),
 * nothing is written and -ECANCELED is returned, *before telling what it
 * is now: the caller decides.  Otherwise the failures so far stop counting
 * towards a lock, the lock is cleared when w->clear_lock, and the login is
 * noted with its notices (it counts later: naccs_store_session_write).  w
 * NULL: no condition, no id.  A request id seen before for this ID:
 * nothing written, 0, *before read now. */
int naccs_store_record_success(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev,
			       const struct naccs_success_write *w,
			       struct naccs_account_state *before, struct naccs_err *err);

/* A failed attempt on a name that is no identity here, in one transaction
 * (the same cost as append_failure, so a wrong name and a wrong password
 * take the same time). name is kept only if it is a valid login or NACCS
 * form; anything else is recorded as "" (it may be a mistyped password).
 * In the same transaction the oldest such rows beyond keep_max go (their
 * number into *dropped when not NULL; keep_max 0: no cap), and those
 * older than retain seconds before ev->at (0: none). */
int naccs_store_append_unknown_failure(struct naccs_store *st, naccs_deadline_t dl,
				       const char *name, const struct naccs_login_event *ev,
				       unsigned keep_max, unsigned retain, unsigned *dropped,
				       struct naccs_err *err);

/* Called in every write transaction of this handle once its changes are
 * made, just before the commit; a negative return (-errno, message in err)
 * rolls the transaction back and is the operation's result.  naccsctl
 * writes the audit trail line of a change here, so that a change the trail
 * cannot take is not made (UTS-2.2.1.4(1)(b)).  fn NULL: none (the
 * default). */
typedef int (*naccs_store_commit_fn)(void *ctx, struct naccs_err *err);
void naccs_store_set_commit_hook(struct naccs_store *st, naccs_store_commit_fn fn, void *ctx);

/* The login a password auth noted (naccs_store_record_success) or a
 * session step counted, with the notices kept with it
 * (UTS-2.2.1.1(1)(g)(イ), (ウ)): the login counted before it and the
 * failures between the two.  Which step does what with it is the policy's
 * (policy/login_note.h). */
struct naccs_login_note {
	bool exists;	     /* a login was noted or counted */
	int64_t recorded_at; /* when */
	int pending;	     /* 1 noted, no session took it yet; 2 the same, its
				notices shown at the end of auth; 0 taken */
	struct naccs_login_notice notice;
};
int naccs_store_login_note(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			   struct naccs_login_note *out, struct naccs_err *err);

/* What a session step writes. */
enum naccs_note_action {
	NACCS_NOTE_MARK,  /* the note's pending mark becomes pending */
	NACCS_NOTE_COUNT, /* this login (ev) counts: the last counted login and
			     the failures since it become the note, recorded at
			     ev->at with pending, and ev the last counted login
			     (the failures that count towards a lock stay) */
};
/* One session step, one transaction, only if the note is still *expect
 * (exists, recorded_at, pending): else -ESTALE and nothing written.  *out:
 * the note after. */
int naccs_store_session_write(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			      const struct naccs_login_event *ev,
			      const struct naccs_login_note *expect, enum naccs_note_action action,
			      int pending, struct naccs_login_note *out, struct naccs_err *err);

/* The failed attempts on login at or after since (0: all kept), oldest
 * first, a page at a time: up to max of them after *cursor (zeroed to
 * start) into out, their number into *n, and *cursor moved past them.
 * Fewer than max: the last page.  Each page is one read transaction. */
struct naccs_failure_cursor {
	int64_t at, id;
};
int naccs_store_failure_page(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			     int64_t since, struct naccs_failure_cursor *cursor,
			     struct naccs_login_event *out, size_t max, size_t *n,
			     struct naccs_err *err);
/* The same, every page through cb (returns non-zero to stop). */
typedef int (*naccs_failure_fn)(void *ctx, const struct naccs_login_event *ev);
int naccs_store_failures(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 int64_t since, naccs_failure_fn cb, void *ctx, struct naccs_err *err);

/* Issue an identity with its first credential (phc) and must_change flag.
 * Its staff_number (individual IDs only) must not be the staff number of
 * another active (not retired) individual ID unless id->second_id_reason
 * says why (UTS-2.2.1.3(2)(g)(ア)): -ENOTUNIQ naming that ID otherwise,
 * checked inside the issuing transaction; the reason gets a registry line
 * ("second-id-allowed").  A shared ID's approval reference is recorded
 * with it ("shared-approved").
 * id->uid == NACCS_UID_ALLOCATE allocates the lowest never-used uid in
 * [uid_min, uid_max]; any other value (0 for root included) is taken as is.
 * Records the issuance (by whom, to whom) in the registry.  -EEXIST if the
 * login, the (user code, identifying number) pair or the uid was ever used,
 * retired ones included. On success id->uid holds the uid given. */
int naccs_store_add_identity(struct naccs_store *st, naccs_deadline_t dl, struct naccs_identity *id,
			     uint32_t uid_min, uint32_t uid_max, const char *phc, bool must_change,
			     const char *issued_by, const char *issued_to, struct naccs_err *err);

/* Replace the credential; the old hash goes to the history, of which the
 * newest keep_history entries are kept. event names the registry line
 * ("password-reset" for an administrator, "password-change" for the user). */
int naccs_store_set_password(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			     const char *phc, bool must_change, unsigned keep_history,
			     const char *event, const char *by, struct naccs_err *err);

/* Transparent re-hash after a successful login: swap only if the stored hash
 * is still old_phc (-ESTALE otherwise). Not a password change: no history. */
int naccs_store_replace_hash(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			     const char *old_phc, const char *new_phc, struct naccs_err *err);

/* Set or clear a flag, with reason and actor recorded in the registry.
 * Clearing NACCS_FLAG_LOCKED also forgets the failures counted so far. */
int naccs_store_set_flag(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 enum naccs_flag flag, bool on, const char *reason, const char *by,
			 struct naccs_err *err);

/* Retire an ID for good: it keeps its row, login and uid as a tombstone
 * (UTS-2.2.1.3(2)(g)(ウ)); its credential is erased. -EALREADY if retired. */
int naccs_store_retire(struct naccs_store *st, naccs_deadline_t dl, const char *login,
		       const char *reason, const char *by, struct naccs_err *err);

/* Enumerate identities (ordered by login); cb returns non-zero to stop. The
 * state passed to cb has phc wiped (listing never carries hashes). */
typedef int (*naccs_store_list_fn)(void *ctx, const struct naccs_identity *id,
				   const struct naccs_account_state *state);
int naccs_store_list(struct naccs_store *st, naccs_deadline_t dl, naccs_store_list_fn cb, void *ctx,
		     struct naccs_err *err);

/* The registry lines of one login (login == NULL: all), oldest first. */
typedef int (*naccs_registry_fn)(void *ctx, const struct naccs_registry_entry *e);
int naccs_store_registry(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 naccs_registry_fn cb, void *ctx, struct naccs_err *err);

/* The lowest uid in [from, max] that no identity, retired or not, ever had,
 * into *uid; -ENOSPC when there is none.  For a caller that picks the uid
 * itself (naccsctl skips uids the system already knows) and then passes it
 * to add_identity, which refuses it with -EEXIST if it was issued meanwhile.
 * from must be at least 1 and max below NACCS_UID_ALLOCATE (-EINVAL). */
int naccs_store_next_free_uid(struct naccs_store *st, naccs_deadline_t dl, uint32_t from,
			      uint32_t max, uint32_t *uid, struct naccs_err *err);

/* The password history of login, newest first: at most max stored hashes
 * (the ones a user's change moved there) into out, their count in *n.
 * Hashes only: verifying them is the policy's job. */
struct naccs_history_entry {
	char phc[NACCS_PHC_MAX]; /* wipe after use */
	int64_t changed_at;	 /* when that password was set */
};
int naccs_store_get_history(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			    struct naccs_history_entry *out, size_t max, size_t *n,
			    struct naccs_err *err);

/* The user's own password change, one transaction: only if the current hash
 * is still expected (the one the policy verified), else -ESTALE and nothing
 * written.  The old hash goes to the history (the newest keep_history
 * kept), must_change is cleared, the registry gets "password-change" by
 * by. */
int naccs_store_change_password(struct naccs_store *st, naccs_deadline_t dl, const char *login,
				const char *expected, const char *phc, unsigned keep_history,
				const char *by, struct naccs_err *err);

/* ---- groups (store/sqlite/group.c) ----------------------------------
 * Groups the access rules name (the su rule's allowed invokers, #8) and
 * NSS publishes.  Like identities, a group is never issued twice: a
 * deleted group stays as a tombstone, its name (in any case) and gid
 * never given again (UTS-2.2.1.3(2)(g)(ウ)).  Every change (add, delete,
 * member added, member removed) is a registry line: a group's own lines
 * under its name ("group-added", "group-deleted"), a membership's under
 * the member's login ("group-member-added", "group-member-removed", the
 * group in the detail). */
struct naccs_group {
	char name[NACCS_LOGIN_MAX + 1]; /* the syntax of a login */
	uint32_t gid;
	char created_by[NACCS_WHO_MAX];
	int64_t created_at;
	bool deleted; /* tombstone */
	int64_t deleted_at;
	uint32_t members; /* how many identities are members now */
};

/* group_add: pick the gid for me. */
#define NACCS_GID_ALLOCATE UINT32_MAX

/* Issue a group.  g->gid == NACCS_GID_ALLOCATE takes the lowest gid in
 * [gid_min, gid_max] no group ever had; -EEXIST if the name (any case) or
 * the gid was ever issued.  On success *g is the row as written. */
int naccs_store_group_add(struct naccs_store *st, naccs_deadline_t dl, struct naccs_group *g,
			  uint32_t gid_min, uint32_t gid_max, const char *by,
			  struct naccs_err *err);
/* Delete a group for good: a tombstone; its memberships end (each with a
 * registry line).  -ENOENT, -EALREADY when already deleted. */
int naccs_store_group_del(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			  const char *reason, const char *by, struct naccs_err *err);
/* One group by name (exact, deleted ones included); -ENOENT. */
int naccs_store_group_find(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			   struct naccs_group *out, struct naccs_err *err);
/* Every group, deleted ones included, ordered by name. */
typedef int (*naccs_group_fn)(void *ctx, const struct naccs_group *g);
int naccs_store_group_list(struct naccs_store *st, naccs_deadline_t dl, naccs_group_fn cb,
			   void *ctx, struct naccs_err *err);
/* The members of a group (their logins, ordered), one read transaction;
 * -ENOENT when there is no such group. */
typedef int (*naccs_member_fn)(void *ctx, const char *login);
int naccs_store_group_members(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			      naccs_member_fn cb, void *ctx, struct naccs_err *err);
/* Whether login is a member of the (not deleted) group name now: 0 with
 * *member set (false too when there is no such group or ID). */
int naccs_store_group_has_member(struct naccs_store *st, naccs_deadline_t dl, const char *name,
				 const char *login, bool *member, struct naccs_err *err);
/* Add or remove a member, with a registry line.  -ENOENT (no such group
 * or ID), -EINVAL (deleted group, retired ID), -EEXIST (already a member),
 * -EALREADY (not a member, on remove). */
int naccs_store_group_member(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			     const char *login, bool add, const char *by, struct naccs_err *err);
/* The lowest gid in [from, max] no group ever had (the rule of
 * naccs_store_next_free_uid, for naccsctl's own pick). */
int naccs_store_next_free_gid(struct naccs_store *st, naccs_deadline_t dl, uint32_t from,
			      uint32_t max, uint32_t *gid, struct naccs_err *err);

/* Set (or correct) the staff number of an individual ID, one transaction,
 * with the rule of add_identity: -ENOTUNIQ when another active individual
 * ID has it and allow_reason is NULL or "" (else the reason is recorded
 * with the ID and in the registry).  A registry line "staff-number-set"
 * names the old and new number.  -ENOENT, -EINVAL (a shared or retired
 * ID, a bad number). */
int naccs_store_set_staff_number(struct naccs_store *st, naccs_deadline_t dl, const char *login,
				 const char *staff_number, const char *allow_reason, const char *by,
				 struct naccs_err *err);

/* A staff number as the store keeps it: 1 to NACCS_STAFF_MAX bytes of
 * printable text (no control characters, well-formed UTF-8), no ':', no
 * space at either end. */
bool naccs_store_staff_number_ok(const char *s);

#endif
