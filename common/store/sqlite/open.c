/* The SQLite backend of the credential store: opening and creating the
 * database file.
 *
 * The file and its -wal and -shm companions must pass the trust rule of
 * base/trust.h (UTS-2.2.1.2(2)(a)) and be private (mode 0600).  The store
 * file is opened by us first and checked on that descriptor, its directory
 * chain up to "/" included; after SQLite has opened the file by its name,
 * the path must still name the file we checked (device and inode), so a
 * file swapped in between is refused.  Our descriptors of the store's files
 * are O_PATH ones: closing a real descriptor would drop every POSIX lock
 * this process holds on the file, those of another open connection
 * included.  A new store is created by us with open(O_CREAT | O_EXCL, 0600)
 * and fchmod, and SQLite gives the -wal and -shm files the mode of the
 * database file: no umask is touched (a umask is process-wide, and the host
 * may be threaded).
 *
 * A plain open (a login) never creates, rewrites, migrates or checkpoints a
 * store it has not validated: a damaged store is evidence for whoever
 * recovers it, not something to repair on the fly.  Before SQLite reads or
 * writes a page, the file header is checked (size, magic, page size, WAL
 * mode); then the schema version is read in a read transaction, and only a
 * store at exactly this version goes to the caller.  A damaged store fails
 * with -EIO and is left byte for byte as it was; an older schema or a store
 * not in WAL mode fails with -EPROTO and says to run naccsctl upgrade.  Only
 * an administrative open (migrate: naccsctl init and upgrade) switches to
 * WAL mode and brings the schema up to NACCS_SQLITE_SCHEMA_VERSION with the
 * migrations of store/sqlite/schema.h, each in its own transaction.  The
 * connection is set up defensively, with full synchronous commits.  A
 * failed naccsctl init leaves no file behind. */
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

#include "base/i18n.h"
#include "base/path.h"
#include "base/trust.h"
#include "store/sqlite/internal.h"
#include "store/sqlite/schema.h"

_Static_assert(sizeof(naccs_sqlite_migrations) / sizeof(naccs_sqlite_migrations[0]) ==
		   NACCS_SQLITE_SCHEMA_VERSION,
	       "one migration per schema version");

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
	 * close would copy and fsync the whole WAL on every login, and a plain
	 * open must not rewrite a store anyway. SQLite checkpoints on its own
	 * as the WAL grows, and after a credential is erased or replaced the
	 * store checkpoints explicitly (sq_erase_old_pages). */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	return 0;
}

/* Connection settings, none of which writes to the file.  secure_delete
 * overwrites erased hashes instead of leaving them in free pages;
 * synchronous=FULL makes each commit durable before it returns. */
static int configure(struct sq *s, struct naccs_err *err)
{
	return sq_script(s,
			 "PRAGMA trusted_schema = OFF; PRAGMA foreign_keys = ON;"
			 "PRAGMA secure_delete = ON; PRAGMA cell_size_check = ON;"
			 "PRAGMA synchronous = FULL;",
			 err);
}

/* ---- open and close -------------------------------------------------- */

static void unlink_store(const char *path)
{
	char side[PATH_MAX + 8];

	unlink(path);
	for (int i = 0; i < SQ_SIDE_FILES; i++)
		if (sq_side_path(path, i, side, sizeof(side)) == 0)
			unlink(side);
}

int sq_new(const struct naccs_store_options *opt, struct sq **out, struct naccs_err *err)
{
	size_t len = strlen(opt->path);
	struct sq *s;

	*out = NULL;
	if (len >= PATH_MAX)
		return naccs_err_set(err, ENAMETOOLONG, _("credential store path too long"));
	s = calloc(1, sizeof(*s) + len + 1);
	if (s == NULL)
		return naccs_err_set(err, ENOMEM, _("credential store: out of memory"));
	memcpy(s->path, opt->path, len + 1);
	s->read_only = opt->read_only;
	s->dl = naccs_deadline_in(opt->timeout_ms);
	s->op = _("opening");
	*out = s;
	return 0;
}

void sq_close(void *impl)
{
	struct sq *s = impl;

	if (s == NULL)
		return;
	sqlite3_close_v2(s->db);
	free(s);
}

/* SQLite opens the file by its name: it must be the one we checked (with
 * the directory chain checked, nobody else can swap it after this). */
static int attach(struct sq *s, const struct stat *checked, struct naccs_err *err)
{
	int rc = open_db(s, err);

	if (rc == 0)
		rc = naccs_trust_same_stat(checked, s->path, err);
	return rc;
}

int sq_open_existing(struct sq *s, uid_t owner, bool allow_rollback, struct sq_header *hdr,
		     struct naccs_err *err)
{
	struct stat checked;
	int rc = sq_check_existing_file(s, owner, &checked, err);

	memset(hdr, 0, sizeof(*hdr));
	if (rc == 0)
		rc = attach(s, &checked, err);
	if (rc == 0) {
		rc = sq_check_header(s, &hdr->wal, err);
		hdr->ok = rc == 0;
		hdr->damaged = rc == -EIO;
	}
	if (rc == 0 && s->check_alone && hdr->wal && !sq_side_files_present(s))
		rc = sq_check_alone(s, &checked, err);
	if (rc == 0 && !hdr->wal && !allow_rollback)
		rc = sq_refuse_not_wal(s, err);
	if (rc == 0)
		rc = configure(s, err);
	return rc;
}

static int create_store(struct sq *s, uid_t owner, bool *created, struct naccs_err *err)
{
	struct stat checked;
	int rc = sq_create_file(s, owner, &checked, err);

	*created = rc == 0;
	if (rc == 0)
		rc = attach(s, &checked, err);
	if (rc == 0)
		rc = configure(s, err);
	return rc;
}

static int open_steps(struct sq *s, const struct naccs_store_options *opt, struct naccs_err *err)
{
	bool migrate = opt->create || opt->migrate;
	struct sq_header hdr = {false, false, false};
	bool created = false;
	int rc;

	s->check_alone = true;
	if (opt->create)
		rc = create_store(s, opt->owner_uid, &created, err);
	else
		rc = sq_open_existing(s, opt->owner_uid, migrate, &hdr, err);
	/* Only now, with the header known to be sound, may SQLite read. */
	if (rc == 0 && migrate && !hdr.wal)
		rc = sq_switch_to_wal(s, err);
	if (rc == 0)
		rc = sq_check_version(s, migrate, err);
	if (rc < 0 && created) {
		/* Leave no half-made store behind, so init can be run again. */
		sqlite3_close_v2(s->db);
		s->db = NULL;
		unlink_store(s->path);
	}
	return rc;
}

int sq_open(const struct naccs_store_options *opt, void **impl, struct naccs_err *err)
{
	struct sq *s = NULL;
	int rc = sq_new(opt, &s, err);

	if (rc == 0)
		rc = open_steps(s, opt, err);
	if (rc < 0) {
		sq_close(s);
		return rc;
	}
	*impl = s;
	return 0;
}
