/* The SQLite backend of the credential store: opening and creating the
 * database file.
 *
 * The file and its -wal and -shm companions must pass the trust rule and be
 * private (mode 0600, made so from the start under umask 077); the
 * connection is set up defensively, in WAL mode with full synchronous
 * commits (BRIEF "Storage (decided)"); the schema is brought up to
 * NACCS_SQLITE_SCHEMA_VERSION by the migrations of store_sqlite_schema.h,
 * each in its own transaction.  A failed naccsctl init leaves no file
 * behind. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "naccs_i18n.h"
#include "naccs_trust.h"
#include "store_sqlite_internal.h"
#include "store_sqlite_schema.h"

_Static_assert(sizeof(naccs_sqlite_migrations) / sizeof(naccs_sqlite_migrations[0]) ==
		   NACCS_SQLITE_SCHEMA_VERSION,
	       "one migration per schema version");

/* ---- files ----------------------------------------------------------- */

static int dir_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash == NULL ? 0 : (size_t)(slash - path);

	if (slash == NULL)
		return snprintf(out, size, ".") < (int)size ? 0 : -ENAMETOOLONG;
	if (len == 0)
		len = 1; /* the root directory */
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(out, path, len);
	out[len] = '\0';
	return 0;
}

/* The store holds password hashes: beyond the trust rule (owner, no group or
 * other write), nobody else may read it either (UTS-2.2.1.1(1)(b)(ア)). */
static int check_private(const char *path, uid_t owner, bool must_exist, struct naccs_err *err)
{
	struct stat sb;
	int rc = naccs_trust_check_file(path, owner, err);

	if (rc == -ENOENT && !must_exist)
		return 0;
	if (rc < 0)
		return rc;
	if (lstat(path, &sb) != 0)
		return naccs_err_set(err, errno, _("%s: cannot check: %s"), path, strerror(errno));
	if ((sb.st_mode & 077) != 0)
		return naccs_err_set(
		    err, EPERM,
		    _("%s: readable by group or others (mode %04o); the credential "
		      "store must be mode 0600"),
		    path, (unsigned)(sb.st_mode & 07777));
	return 0;
}

/* The -wal and -shm files: leftovers of another database would be replayed
 * into this one, and readable ones would leak hashes. */
static int check_side_files(const struct sq *s, uid_t owner, bool create, struct naccs_err *err)
{
	static const char *const suffix[] = {"-wal", "-shm"};
	char side[PATH_MAX];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		struct stat sb;
		int rc;

		if (snprintf(side, sizeof(side), "%s%s", s->path, suffix[i]) >= (int)sizeof(side))
			return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), s->path);
		if (create && lstat(side, &sb) == 0)
			return naccs_err_set(err, EEXIST,
					     _("%s exists although the store %s does not: remove "
					       "it first"),
					     side, s->path);
		rc = check_private(side, owner, false, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int check_existing(const struct sq *s, uid_t owner, struct naccs_err *err)
{
	int rc = check_private(s->path, owner, true, err);

	if (rc == -ENOENT)
		return naccs_err_set(err, ENOENT,
				     _("credential store %s does not exist (create it with "
				       "naccsctl init)"),
				     s->path);
	if (rc == 0)
		rc = check_side_files(s, owner, false, err);
	return rc;
}

/* Create the empty file ourselves: O_EXCL refuses an existing store and
 * O_NOFOLLOW a planted link; mode 0600 from the start. */
static int create_file(const struct sq *s, uid_t owner, struct naccs_err *err)
{
	char dir[PATH_MAX];
	int fd, rc;

	if (dir_of(s->path, dir, sizeof(dir)) < 0)
		return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), s->path);
	rc = naccs_trust_check_dir(dir, owner, err);
	if (rc == 0)
		rc = check_side_files(s, owner, true, err);
	if (rc < 0)
		return rc;
	fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return naccs_err_set(err, EEXIST, _("credential store %s already exists"), s->path);
	if (fd < 0)
		return naccs_err_set(err, errno, _("credential store %s: cannot create: %s"),
				     s->path, strerror(errno));
	rc = naccs_trust_check_fd(fd, s->path, owner, err);
	close(fd);
	if (rc < 0)
		unlink(s->path);
	return rc;
}

/* ---- connection ------------------------------------------------------ */

static int open_db(struct sq *s, struct naccs_err *err)
{
	int flags =
	    (s->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOFOLLOW;
	int rc;

#ifdef SQLITE_OPEN_EXRESCODE
	flags |= SQLITE_OPEN_EXRESCODE;
#endif
	rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (s->db == NULL)
			return naccs_err_set(err, ENOMEM, _("credential store %s: out of memory"),
					     s->path);
		return sq_fail(s, rc, err);
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, sq_busy_wait, s);
	/* Defensive: no writable_schema or other ways to corrupt the file from
	 * SQL; no functions with side effects in the schema; no "strings" that
	 * silently become identifiers. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	/* Each login opens and closes its own handle: a checkpoint at every
	 * close would copy and fsync the whole WAL on every login. SQLite
	 * checkpoints on its own as the WAL grows, and after a credential is
	 * erased or replaced the store checkpoints explicitly. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	return 0;
}

/* Connection settings.  secure_delete overwrites erased hashes instead of
 * leaving them in free pages; WAL with synchronous=FULL makes each commit
 * durable before it returns while readers never wait for writers. */
static int configure(struct sq *s, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_script(s,
			   "PRAGMA trusted_schema = OFF; PRAGMA foreign_keys = ON;"
			   "PRAGMA secure_delete = ON; PRAGMA cell_size_check = ON;",
			   err);

	if (rc < 0 || s->read_only)
		return rc; /* a read-only handle cannot change the journal mode */
	rc = sq_prepare(s, &st, err, "PRAGMA journal_mode = WAL", "");
	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	if (rc > 0 && (sqlite3_column_text(st, 0) == NULL ||
		       sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") != 0))
		rc = naccs_err_set(err, EIO, _("credential store %s: cannot switch to WAL mode"),
				   s->path);
	sqlite3_finalize(st);
	if (rc >= 0)
		rc = sq_script(s, "PRAGMA synchronous = FULL", err);
	return rc < 0 ? rc : 0;
}

/* ---- schema ---------------------------------------------------------- */

/* A query that yields one row of integers (NULL reads as 0). */
static int query_ints(struct sq *s, const char *sql, int64_t *out, int n, struct naccs_err *err)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err, sql, "");

	if (rc < 0)
		return rc;
	rc = sq_step(s, st, err);
	for (int i = 0; i < n; i++)
		out[i] = rc > 0 ? sqlite3_column_int64(st, i) : 0;
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The schema version: 0 for an empty file, -EPROTO for a database that is
 * not a credential store. */
static int read_version(struct sq *s, int *version, struct naccs_err *err)
{
	int64_t n[2] = {0, 0}, v = 0;
	int rc = query_ints(s,
			    "SELECT count(*), count(*) FILTER (WHERE type = 'table' AND "
			    "name = 'schema_version') FROM sqlite_master",
			    n, 2, err);

	*version = 0;
	if (rc < 0 || n[0] == 0)
		return rc;
	if (n[1] == 1)
		rc = query_ints(s, "SELECT max(version) FROM schema_version", &v, 1, err);
	if (rc < 0)
		return rc;
	if (v <= 0 || v >= INT_MAX)
		return naccs_err_set(err, EPROTO,
				     _("%s is a database but not a credential store (no schema "
				       "version)"),
				     s->path);
	*version = (int)v;
	return 0;
}

int sq_schema_version(void *impl, naccs_deadline_t dl, int *version, struct naccs_err *err)
{
	struct sq *s = impl;
	int rc = sq_tx_begin(s, dl, false, _("reading the schema version"), err);

	if (rc == 0)
		rc = read_version(s, version, err);
	return sq_tx_end(s, rc, err);
}

static int apply_migration(struct sq *s, int version, struct naccs_err *err)
{
	int now_at = 0;
	int rc = sq_tx_begin(s, s->dl, true, _("upgrading the schema"), err);

	if (rc < 0)
		return rc;
	/* Another process may have applied it while we waited for the lock. */
	rc = read_version(s, &now_at, err);
	if (rc == 0 && now_at < version) {
		rc = sq_script(s, naccs_sqlite_migrations[version - 1], err);
		if (rc == 0)
			rc = sq_run(
			    s, NULL, err,
			    "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
			    "dl", version, naccs_now_wall());
	}
	return sq_tx_end(s, rc, err);
}

static int migrate(struct sq *s, bool create, struct naccs_err *err)
{
	int version = 0;
	int rc = read_version(s, &version, err);

	if (rc < 0)
		return rc;
	if (version > NACCS_SQLITE_SCHEMA_VERSION)
		return naccs_err_set(err, EPROTO,
				     _("credential store %s has schema version %d, newer than this "
				       "naccs-auth knows (%d): upgrade naccs-auth"),
				     s->path, version, NACCS_SQLITE_SCHEMA_VERSION);
	if (version == 0 && !create)
		return naccs_err_set(
		    err, EPROTO, _("credential store %s is empty (create it with naccsctl init)"),
		    s->path);
	if (version < NACCS_SQLITE_SCHEMA_VERSION && s->read_only)
		return naccs_err_set(err, EPROTO,
				     _("credential store %s has schema version %d and needs an "
				       "upgrade: open it read-write once"),
				     s->path, version);
	for (int v = version + 1; v <= NACCS_SQLITE_SCHEMA_VERSION && rc == 0; v++)
		rc = apply_migration(s, v, err);
	return rc;
}

/* ---- open and close -------------------------------------------------- */

static void unlink_store(const char *path)
{
	char side[PATH_MAX];

	unlink(path);
	if (snprintf(side, sizeof(side), "%s-wal", path) < (int)sizeof(side))
		unlink(side);
	if (snprintf(side, sizeof(side), "%s-shm", path) < (int)sizeof(side))
		unlink(side);
}

void sq_close(void *impl)
{
	struct sq *s = impl;

	if (s == NULL)
		return;
	sqlite3_close_v2(s->db);
	free(s);
}

static int open_steps(struct sq *s, const struct naccs_store_options *opt, struct naccs_err *err)
{
	int rc = opt->create ? create_file(s, opt->owner_uid, err)
			     : check_existing(s, opt->owner_uid, err);

	if (rc == 0)
		rc = open_db(s, err);
	if (rc == 0)
		rc = configure(s, err);
	if (rc == 0)
		rc = migrate(s, opt->create, err);
	if (rc < 0 && opt->create && rc != -EEXIST) {
		/* Leave no half-made store behind, so init can be run again. */
		sqlite3_close_v2(s->db);
		s->db = NULL;
		unlink_store(s->path);
	}
	return rc;
}

int sq_open(const struct naccs_store_options *opt, void **impl, struct naccs_err *err)
{
	size_t len = strlen(opt->path);
	struct sq *s;
	mode_t old_mask;
	int rc;

	if (len >= PATH_MAX)
		return naccs_err_set(err, ENAMETOOLONG, _("credential store path too long"));
	s = calloc(1, sizeof(*s) + len + 1);
	if (s == NULL)
		return naccs_err_set(err, ENOMEM, _("credential store: out of memory"));
	memcpy(s->path, opt->path, len + 1);
	s->read_only = opt->read_only;
	s->dl = naccs_deadline_in(opt->timeout_ms);
	s->op = _("opening");
	/* The -wal and -shm files are made by SQLite as needed; with this mask
	 * they can never be more open than 0600, whatever the host's umask. */
	old_mask = umask(077);
	rc = open_steps(s, opt, err);
	umask(old_mask);
	if (rc < 0) {
		sq_close(s);
		return rc;
	}
	*impl = s;
	return 0;
}
