/* Schema of the SQLite credential store, as an ordered list of migrations.
 *
 * naccs_sqlite_migrations[i] brings a store from version i to version i + 1;
 * each runs in its own transaction on open, together with the row that
 * records it in schema_version.  A released migration is never edited: a
 * schema change is a new entry appended at the end (and a bump of
 * NACCS_SQLITE_SCHEMA_VERSION), so every store in the field can be brought
 * forward step by step.
 *
 * The constraints here are a second line of defence: the code validates every
 * value it writes and every row it reads, but the database itself also refuses
 * what must never happen (a deleted or renamed identity, an edited registry
 * line, a re-used uid), whoever writes to it. */
#ifndef NACCS_STORE_SQLITE_SCHEMA_H
#define NACCS_STORE_SQLITE_SCHEMA_H

#define NACCS_SQLITE_SCHEMA_VERSION 8

/* The hash parameters of a PHC string ("$argon2id$v=19$m=65536,t=3,p=1$"):
 * the salt and the hash are unpadded base64, so trimming the base64 alphabet,
 * one '$' and the alphabet again from the right leaves the parameters and
 * their closing '$' (the parameters end in a digit, but the '$' before the
 * salt stops the last trim). */
#define SQ_B64_ALPHABET "'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'"
#define SQ_PHC_PARAMS(col)                                                                         \
	"rtrim(rtrim(rtrim(" col ", " SQ_B64_ALPHABET "), '$'), " SQ_B64_ALPHABET ")"

/* Index i: the SQL that takes a store from version i to i + 1. */
static const char *const naccs_sqlite_migrations[NACCS_SQLITE_SCHEMA_VERSION] = {
    /* Version 1: identities, credentials, history, flags, login records and the
     * issuance registry.  Text lengths are checked in bytes (length of the BLOB
     * cast), matching the fixed buffers of store/store.h. */
    "CREATE TABLE schema_version ("
    " version INTEGER PRIMARY KEY,"
    " applied_at INTEGER NOT NULL"
    ") STRICT;"
    /* One row per identity ever issued.  Rows are never deleted: a retired
     * identity stays as a tombstone, so the UNIQUE constraints keep its
     * login, NACCS user ID and uid from ever being issued again
     * (UTS-2.2.1.3(2)(g)(ウ)). */
    "CREATE TABLE identities ("
    " id INTEGER PRIMARY KEY,"
    " login TEXT NOT NULL UNIQUE"
    "  CHECK (length(CAST(login AS BLOB)) BETWEEN 1 AND 32),"
    " user_code TEXT CHECK (length(CAST(user_code AS BLOB)) IN (5, 7)),"
    " id_number TEXT CHECK (length(CAST(id_number AS BLOB)) = 3),"
    " uid INTEGER NOT NULL UNIQUE CHECK (uid BETWEEN 0 AND 4294967294),"
    " gid INTEGER NOT NULL CHECK (gid BETWEEN 0 AND 4294967294),"
    " gecos TEXT NOT NULL CHECK (length(CAST(gecos AS BLOB)) < 256),"
    " home TEXT NOT NULL CHECK (length(CAST(home AS BLOB)) < 256),"
    " shell TEXT NOT NULL CHECK (length(CAST(shell AS BLOB)) < 256),"
    " kind TEXT NOT NULL CHECK (kind IN ('individual', 'shared')),"
    " admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),"
    " created_by TEXT NOT NULL CHECK (length(CAST(created_by AS BLOB)) < 64),"
    " created_at INTEGER NOT NULL,"
    " retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),"
    " retired_at INTEGER,"
    " UNIQUE (user_code, id_number),"
    " CHECK ((user_code IS NULL) = (id_number IS NULL)),"
    " CHECK (kind = 'shared' OR user_code IS NOT NULL)"
    ") STRICT;"
    /* Logins differing only in case would be one person to a human reader:
     * never issue both. */
    "CREATE UNIQUE INDEX identities_login_nocase ON identities (login COLLATE NOCASE);"
    "CREATE TRIGGER identities_never_deleted BEFORE DELETE ON identities BEGIN"
    " SELECT RAISE(ABORT, 'identities are never deleted: retire them');"
    " END;"
    "CREATE TRIGGER identities_keys_fixed"
    " BEFORE UPDATE OF id, login, user_code, id_number, uid ON identities BEGIN"
    " SELECT RAISE(ABORT, 'an issued login, NACCS user ID or uid never changes');"
    " END;"
    "CREATE TRIGGER identities_retired_for_good BEFORE UPDATE OF retired ON identities"
    " WHEN OLD.retired = 1 BEGIN"
    " SELECT RAISE(ABORT, 'a retired identity stays retired');"
    " END;"
    /* The current credential: stored hashes only, in PHC form
     * (UTS-2.2.1.1(1)(b)(ア)).  No row: no password (e.g. retired). */
    "CREATE TABLE credentials ("
    " identity INTEGER PRIMARY KEY REFERENCES identities (id),"
    " phc TEXT NOT NULL CHECK (length(CAST(phc AS BLOB)) BETWEEN 1 AND 255),"
    " changed_at INTEGER NOT NULL,"
    " must_change INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1))"
    ") STRICT;"
    "CREATE TABLE password_history ("
    " id INTEGER PRIMARY KEY,"
    " identity INTEGER NOT NULL REFERENCES identities (id),"
    " phc TEXT NOT NULL CHECK (length(CAST(phc AS BLOB)) BETWEEN 1 AND 255),"
    " changed_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX password_history_identity ON password_history (identity, id);"
    /* failure_mark: the failures counted are those with a larger id; it moves
     * on a successful login and on an unlock. */
    "CREATE TABLE flags ("
    " identity INTEGER PRIMARY KEY REFERENCES identities (id),"
    " locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),"
    " locked_at INTEGER,"
    " lock_reason TEXT NOT NULL DEFAULT ''"
    "  CHECK (length(CAST(lock_reason AS BLOB)) < 256),"
    " suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),"
    " suspended_at INTEGER,"
    " suspend_reason TEXT NOT NULL DEFAULT ''"
    "  CHECK (length(CAST(suspend_reason AS BLOB)) < 256),"
    " failure_mark INTEGER NOT NULL DEFAULT 0"
    ") STRICT;"
    "CREATE TABLE last_success ("
    " identity INTEGER PRIMARY KEY REFERENCES identities (id),"
    " at INTEGER NOT NULL,"
    " service TEXT NOT NULL,"
    " tty TEXT NOT NULL,"
    " rhost TEXT NOT NULL"
    ") STRICT;"
    /* Failed attempts (UTS-2.2.1.1(1)(g)(ウ)).  AUTOINCREMENT: ids are never
     * reused, so failure_mark stays meaningful even if old rows are pruned. */
    "CREATE TABLE failures ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " identity INTEGER NOT NULL REFERENCES identities (id),"
    " at INTEGER NOT NULL,"
    " service TEXT NOT NULL,"
    " tty TEXT NOT NULL,"
    " rhost TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX failures_identity ON failures (identity, id);"
    /* The issuance registry: who was given which ID, and every later change
     * (UTS-2.2.1.3(2)(g)(イ)).  Append-only, enforced by the database. */
    "CREATE TABLE registry ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at INTEGER NOT NULL,"
    " login TEXT NOT NULL,"
    " event TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " detail TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX registry_login ON registry (login, seq);"
    "CREATE TRIGGER registry_no_update BEFORE UPDATE ON registry BEGIN"
    " SELECT RAISE(ABORT, 'the registry is append-only');"
    " END;"
    "CREATE TRIGGER registry_no_delete BEFORE DELETE ON registry BEGIN"
    " SELECT RAISE(ABORT, 'the registry is append-only');"
    " END;",

    /* Version 2: failed attempts on names that are no ID here
     * (UTS-2.2.1.1(1)(g)(ウ): attempts to log on improperly).  The name is
     * kept only when it has the form of a login or a NACCS user ID, so a
     * password typed into the name field is not stored; otherwise "". */
    "CREATE TABLE unknown_failures ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) <= 32),"
    " at INTEGER NOT NULL,"
    " service TEXT NOT NULL,"
    " tty TEXT NOT NULL,"
    " rhost TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX unknown_failures_at ON unknown_failures (at);",

    /* Version 3: how many current credentials use each set of hash
     * parameters, kept by triggers in the transaction that changes a
     * credential.  An unknown user's dummy verification takes the most
     * common set, so it costs what a typical known user's real one does
     * even after the configured parameters changed (unknown and known
     * users indistinguishable). */
    "CREATE TABLE hash_params ("
    " params TEXT PRIMARY KEY CHECK (length(CAST(params AS BLOB)) BETWEEN 1 AND 255),"
    " n INTEGER NOT NULL CHECK (n >= 0)"
    ") STRICT;"
    "INSERT INTO hash_params (params, n) SELECT " SQ_PHC_PARAMS(
	"phc") ", count(*)"
	       " FROM credentials WHERE true GROUP BY 1;"
	       "CREATE TRIGGER hash_params_insert AFTER INSERT ON credentials BEGIN"
	       " INSERT INTO hash_params (params, n) VALUES (" SQ_PHC_PARAMS(
		   "NEW.phc") ", 1)"
			      "  ON CONFLICT (params) DO UPDATE SET n = n + 1;"
			      " END;"
			      "CREATE TRIGGER hash_params_delete AFTER DELETE ON credentials BEGIN"
			      " UPDATE hash_params SET n = n - 1 WHERE params = " SQ_PHC_PARAMS(
				  "OLD.phc") ";"
					     " DELETE FROM hash_params WHERE n <= 0;"
					     " END;"
					     "CREATE TRIGGER hash_params_update AFTER UPDATE OF "
					     "phc ON credentials BEGIN"
					     " UPDATE hash_params SET n = n - 1 WHERE params "
					     "= " SQ_PHC_PARAMS(
						 "OLD.phc") ";"
							    " DELETE FROM hash_params WHERE n <= 0;"
							    " INSERT INTO hash_params (params, n) "
							    "VALUES (" SQ_PHC_PARAMS(
								"NEW.phc") ", 1)"
									   "  ON CONFLICT (params) "
									   "DO UPDATE SET n = n + "
									   "1;"
									   " END;",

    /* Version 4: lockout and login notices (UTS-2.2.1.1(1)(g)(イ), (ウ)).
     * lock_until: when a timed lock ends (NULL: an administrator unlocks);
     * failures indexed by identity and time (the window count) and by
     * time (pruning); the login before the last one and the failures
     * between the two, written in the transaction of the login, so the
     * session notices are right however the user got in; pending: 1
     * written by a password login, not yet taken by its session; 2 its
     * notices were shown at the end of auth (notice_in_auth). */
    "ALTER TABLE flags ADD COLUMN lock_until INTEGER;"
    "CREATE INDEX failures_identity_at ON failures (identity, at);"
    "CREATE INDEX failures_at ON failures (at);"
    "CREATE TABLE previous_login ("
    " identity INTEGER PRIMARY KEY REFERENCES identities (id),"
    " recorded_at INTEGER NOT NULL,"
    " pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1, 2)),"
    " at INTEGER,"
    " service TEXT NOT NULL DEFAULT '',"
    " tty TEXT NOT NULL DEFAULT '',"
    " rhost TEXT NOT NULL DEFAULT '',"
    " failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),"
    " fail_at INTEGER,"
    " fail_service TEXT NOT NULL DEFAULT '',"
    " fail_tty TEXT NOT NULL DEFAULT '',"
    " fail_rhost TEXT NOT NULL DEFAULT ''"
    ") STRICT;",

    /* Version 5: groups (what the su rule and access rules name, and what
     * NSS publishes).  Like identities, a group row is never deleted: a
     * deleted group stays as a tombstone, so its name and gid are never
     * issued again (UTS-2.2.1.3(2)(g)(ウ)).  Memberships come and go; each
     * change is a registry line. */
    "CREATE TABLE groups ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE"
    "  CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 32),"
    " gid INTEGER NOT NULL UNIQUE CHECK (gid BETWEEN 1 AND 4294967294),"
    " created_by TEXT NOT NULL CHECK (length(CAST(created_by AS BLOB)) < 64),"
    " created_at INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
    " deleted_at INTEGER"
    ") STRICT;"
    "CREATE UNIQUE INDEX groups_name_nocase ON groups (name COLLATE NOCASE);"
    "CREATE TRIGGER groups_never_deleted BEFORE DELETE ON groups BEGIN"
    " SELECT RAISE(ABORT, 'groups are never deleted: mark them deleted');"
    " END;"
    "CREATE TRIGGER groups_keys_fixed BEFORE UPDATE OF id, name, gid ON groups BEGIN"
    " SELECT RAISE(ABORT, 'an issued group name or gid never changes');"
    " END;"
    "CREATE TRIGGER groups_deleted_for_good BEFORE UPDATE OF deleted ON groups"
    " WHEN OLD.deleted = 1 BEGIN"
    " SELECT RAISE(ABORT, 'a deleted group stays deleted');"
    " END;"
    "CREATE TABLE group_members ("
    " grp INTEGER NOT NULL REFERENCES groups (id),"
    " identity INTEGER NOT NULL REFERENCES identities (id),"
    " added_at INTEGER NOT NULL,"
    " PRIMARY KEY (grp, identity)"
    ") STRICT;"
    "CREATE INDEX group_members_identity ON group_members (identity);",

    /* Version 6: registry rules (UTS-2.2.1.3(2)(g)(ア), (2)(b)).
     * staff_number: the person an individual ID was issued to (the
     * staff or employee number), NULL when none was recorded; at most one
     * active individual ID per staff number unless second_id_reason says
     * why a second one was allowed (checked in the issuing transaction:
     * not a UNIQUE index, since the override exists).  approval: the
     * approval reference of a shared ID, fixed once recorded. */
    "ALTER TABLE identities ADD COLUMN staff_number TEXT"
    " CHECK (staff_number IS NULL OR (length(CAST(staff_number AS BLOB)) BETWEEN 1 AND 32"
    " AND kind = 'individual'));"
    "ALTER TABLE identities ADD COLUMN approval TEXT"
    " CHECK (approval IS NULL OR (length(CAST(approval AS BLOB)) BETWEEN 1 AND 128"
    " AND kind = 'shared'));"
    "ALTER TABLE identities ADD COLUMN second_id_reason TEXT"
    " CHECK (second_id_reason IS NULL"
    " OR length(CAST(second_id_reason AS BLOB)) BETWEEN 1 AND 192);"
    "CREATE INDEX identities_staff_number ON identities (staff_number)"
    " WHERE staff_number IS NOT NULL;"
    "CREATE TRIGGER identities_approval_fixed BEFORE UPDATE OF approval ON identities"
    " WHEN OLD.approval IS NOT NULL BEGIN"
    " SELECT RAISE(ABORT, 'a recorded approval reference never changes');"
    " END;",

    /* Version 7: the failures since the last login, exactly
     * (UTS-2.2.1.1(1)(g)(ウ), issue #16).  failure_id: the newest failure
     * row of the identity when that login was counted; the notice counts
     * the rows after it.  (flags.failure_mark is the lockout's: an unlock
     * moves it too, and times are whole seconds.)  A login recorded
     * before gets the row its notice would have started after. */
    "ALTER TABLE last_success ADD COLUMN failure_id INTEGER NOT NULL DEFAULT 0;"
    "UPDATE last_success SET failure_id = coalesce((SELECT max(f.id) FROM failures f"
    " WHERE f.identity = last_success.identity AND (f.at < last_success.at"
    " OR (f.at = last_success.at AND f.id <= (SELECT failure_mark FROM flags"
    " WHERE flags.identity = last_success.identity)))), 0);",

    /* Version 8: idempotent login outcomes keyed by the protocol's
     * request_id (issue 18): a failure or success written again with the
     * same id for the same identity is a no-op.  failures.counted and
     * took_lock: what the append answered (the count in its window, whether
     * it took the lock), so a repeated request answers the same. */
    "ALTER TABLE failures ADD COLUMN request_id BLOB"
    " CHECK (request_id IS NULL OR length(request_id) = 16);"
    "ALTER TABLE failures ADD COLUMN counted INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0);"
    "ALTER TABLE failures ADD COLUMN took_lock INTEGER NOT NULL DEFAULT 0"
    " CHECK (took_lock IN (0, 1));"
    "CREATE UNIQUE INDEX failures_request ON failures (identity, request_id)"
    " WHERE request_id IS NOT NULL;"
    "CREATE TABLE success_requests ("
    " identity INTEGER NOT NULL REFERENCES identities (id),"
    " request_id BLOB NOT NULL CHECK (length(request_id) = 16),"
    " at INTEGER NOT NULL,"
    " PRIMARY KEY (identity, request_id)"
    ") STRICT;"
    "CREATE INDEX success_requests_at ON success_requests (at);",
};

#endif
