/* The SQLite backend: the store's files before SQLite opens them (the
 * trust rule, private modes, the companions -wal and -shm, the file header
 * checked byte by byte, no other process on a store being checked); the
 * rules are those of store/sqlite/open.c. */
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

/* The SQLite file header (https://sqlite.org/fileformat.html, 1.3). */
#define SQ_HEADER_SIZE	    100
#define SQ_MAGIC	    "SQLite format 3" /* with its NUL: 16 bytes */
#define SQ_OFF_PAGE_SIZE    16		      /* 2 bytes, big-endian; 1 means 65536 */
#define SQ_OFF_WRITE_VER    18		      /* 1 rollback journal, 2 WAL */
#define SQ_OFF_READ_VER	    19
#define SQ_OFF_PAYLOAD	    21 /* 64, 32, 32 in every valid file */
#define SQ_PAGE_SIZE_MIN    512
#define SQ_PAGE_SIZE_MAX    65536
#define SQ_JOURNAL_WAL	    2
#define SQ_JOURNAL_ROLLBACK 1

static const char *const sq_side_suffix[] = {"-wal", "-shm"};

int sq_side_path(const char *path, int i, char *out, size_t size)
{
	if (i < 0 || i >= SQ_SIDE_FILES)
		return -EINVAL;
	return snprintf(out, size, "%s%s", path, sq_side_suffix[i]) < (int)size ? 0 : -ENAMETOOLONG;
}

/* The store holds password hashes: beyond the trust rule (owner, no group or
 * other write), nobody else may read it either (UTS-2.2.1.1(1)(b)(ア)). */
static int check_private(const struct stat *sb, const char *path, struct naccs_err *err)
{
	if ((sb->st_mode & 077) != 0)
		return naccs_err_set(
		    err, EPERM,
		    _("%s: readable by group or others (mode %04o); the credential "
		      "store must be mode 0600"),
		    path, (unsigned)(sb->st_mode & 07777));
	return 0;
}

static int fstat_or_fail(int fd, const char *path, struct stat *sb, struct naccs_err *err)
{
	char buf[128];
	int errnum;

	if (fstat(fd, sb) == 0)
		return 0;
	errnum = errno;
	return naccs_err_set(err, errnum, _("%s: cannot check: %s"), path,
			     naccs_strerror(errnum, buf, sizeof(buf)));
}

/* The -wal and -shm files: leftovers of another database would be replayed
 * into this one, and readable ones would leak hashes.  Each is opened as an
 * O_PATH descriptor (never followed, never read: closing it cannot drop
 * the locks SQLite holds on it) and checked on that descriptor; their
 * directory is the store's, checked already. */
static int check_side_files(const struct sq *s, uid_t owner, bool create, struct naccs_err *err)
{
	char side[PATH_MAX + 8], buf[128];

	for (int i = 0; i < SQ_SIDE_FILES; i++) {
		struct stat sb;
		int fd, rc;

		if (sq_side_path(s->path, i, side, sizeof(side)) < 0)
			return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), s->path);
		fd = open(side, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0) {
			int errnum = errno;

			return naccs_err_set(err, errnum, _("%s: cannot open: %s"), side,
					     naccs_strerror(errnum, buf, sizeof(buf)));
		}
		if (create)
			rc = naccs_err_set(err, EEXIST,
					   _("%s exists although the store %s does not: remove "
					     "it first"),
					   side, s->path);
		else
			rc = naccs_trust_check_fd(fd, side, owner, err);
		if (rc == 0)
			rc = fstat_or_fail(fd, side, &sb, err);
		if (rc == 0)
			rc = check_private(&sb, side, err);
		close(fd);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Create the empty file ourselves: O_EXCL refuses an existing store and
 * O_NOFOLLOW a planted link; mode 0600 whatever the umask (fchmod).  The
 * descriptor is closed before SQLite opens the file; *checked keeps what
 * it was, for naccs_trust_same_stat. */
int sq_create_file(const struct sq *s, uid_t owner, struct stat *checked, struct naccs_err *err)
{
	char dir[PATH_MAX], buf[128];
	int fd, rc;

	if (naccs_path_dirname(s->path, dir, sizeof(dir)) < 0)
		return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), s->path);
	rc = naccs_trust_check_dir(dir, owner, err);
	if (rc == 0)
		rc = check_side_files(s, owner, true, err);
	if (rc < 0)
		return rc;
	fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return naccs_err_set(err, EEXIST, _("credential store %s already exists"), s->path);
	if (fd < 0) {
		int errnum = errno;

		return naccs_err_set(err, errnum, _("credential store %s: cannot create: %s"),
				     s->path, naccs_strerror(errnum, buf, sizeof(buf)));
	}
	if (fchmod(fd, 0600) != 0) {
		int errnum = errno;

		rc = naccs_err_set(err, errnum, _("credential store %s: cannot set its mode: %s"),
				   s->path, naccs_strerror(errnum, buf, sizeof(buf)));
	}
	if (rc == 0)
		rc = naccs_trust_check_fd(fd, s->path, owner, err);
	if (rc == 0)
		rc = fstat_or_fail(fd, s->path, checked, err);
	close(fd);
	if (rc < 0)
		unlink(s->path);
	return rc;
}

/* An existing store: opened (O_PATH) and checked on that descriptor --
 * trust rule with its directory chain, private mode -- and its companions.
 * *checked keeps what was checked, for naccs_trust_same_stat. */
int sq_check_existing_file(const struct sq *s, uid_t owner, struct stat *checked,
			   struct naccs_err *err)
{
	int fd = -1;
	int rc = naccs_trust_open_path(s->path, owner, &fd, err);

	if (rc == -ENOENT)
		return naccs_err_set(err, ENOENT,
				     _("credential store %s does not exist (create it with "
				       "naccsctl init)"),
				     s->path);
	if (rc < 0)
		return rc;
	rc = fstat_or_fail(fd, s->path, checked, err);
	close(fd);
	if (rc == 0)
		rc = check_private(checked, s->path, err);
	if (rc == 0)
		rc = check_side_files(s, owner, false, err);
	return rc;
}

static int damaged(const struct sq *s, const char *why, struct naccs_err *err)
{
	return naccs_err_set(err, EIO,
			     _("credential store %s is damaged: %s; it was left untouched "
			       "(naccsctl store check says what to do)"),
			     s->path, why);
}

/* Read the header through SQLite's own file handle: SQLite has opened the
 * file but not read or written a page yet.  (Not through a descriptor of
 * ours: closing it would drop every POSIX lock this process holds on the
 * file, those of another open connection included.) */
static int read_header(const struct sq *s, unsigned char *h, size_t len, sqlite3_int64 *size,
		       struct naccs_err *err)
{
	sqlite3_file *f = NULL;

	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK ||
	    f == NULL || f->pMethods == NULL || f->pMethods->xFileSize(f, size) != SQLITE_OK)
		return naccs_err_set(err, EIO, _("credential store %s: cannot read its size"),
				     s->path);
	if (*size < (sqlite3_int64)len)
		return 0;
	if (f->pMethods->xRead(f, h, (int)len, 0) != SQLITE_OK)
		return naccs_err_set(err, EIO, _("credential store %s: cannot read its header"),
				     s->path);
	return 0;
}

/* The header (https://sqlite.org/fileformat.html, 1.3), checked before
 * SQLite reads or writes a page: a file that is not a sound database in
 * the expected format is never used, since SQLite would take an empty or
 * short file for a new database and write to it. */
int sq_check_header(const struct sq *s, bool *wal, struct naccs_err *err)
{
	unsigned char h[SQ_HEADER_SIZE];
	sqlite3_int64 size = 0;
	char why[160];
	unsigned page;
	int rc = read_header(s, h, sizeof(h), &size, err);

	*wal = false;
	if (rc < 0)
		return rc;
	if (size == 0)
		return damaged(s, _("it is empty (0 bytes)"), err);
	if (size < SQ_HEADER_SIZE) {
		snprintf(why, sizeof(why), _("only %lld bytes, less than a database header"),
			 (long long)size);
		return damaged(s, why, err);
	}
	if (memcmp(h, SQ_MAGIC, sizeof(SQ_MAGIC)) != 0)
		return damaged(s, _("it is not an SQLite database (no SQLite header)"), err);
	page = (unsigned)h[SQ_OFF_PAGE_SIZE] << 8 | h[SQ_OFF_PAGE_SIZE + 1];
	if (page == 1)
		page = SQ_PAGE_SIZE_MAX;
	if (page < SQ_PAGE_SIZE_MIN || page > SQ_PAGE_SIZE_MAX || (page & (page - 1)) != 0) {
		snprintf(why, sizeof(why), _("its header gives an impossible page size (%u)"),
			 page);
		return damaged(s, why, err);
	}
	if (size % page != 0) {
		snprintf(why, sizeof(why),
			 _("its size (%lld bytes) is not a whole number of pages of %u bytes"),
			 (long long)size, page);
		return damaged(s, why, err);
	}
	if (h[SQ_OFF_PAYLOAD] != 64 || h[SQ_OFF_PAYLOAD + 1] != 32 || h[SQ_OFF_PAYLOAD + 2] != 32)
		return damaged(s, _("its header is corrupt"), err);
	if (h[SQ_OFF_WRITE_VER] != h[SQ_OFF_READ_VER] ||
	    (h[SQ_OFF_WRITE_VER] != SQ_JOURNAL_WAL && h[SQ_OFF_WRITE_VER] != SQ_JOURNAL_ROLLBACK))
		return damaged(s, _("its header gives an unknown journal format"), err);
	*wal = h[SQ_OFF_WRITE_VER] == SQ_JOURNAL_WAL;
	return 0;
}

/* Is every companion (-wal, -shm) of the store there? */
bool sq_side_files_present(const struct sq *s)
{
	char side[PATH_MAX + 8];
	struct stat sb;

	for (int i = 0; i < SQ_SIDE_FILES; i++)
		if (sq_side_path(s->path, i, side, sizeof(side)) < 0 || lstat(side, &sb) < 0)
			return false;
	return true;
}

/* "file:PATH?immutable=1", PATH percent-encoded (RFC 3986 unreserved bytes
 * and '/' kept): 0, or -ENAMETOOLONG. */
static int immutable_uri(const char *path, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char tail[] = "?immutable=1";
	size_t o = 0;

	if (size < sizeof("file:") + sizeof(tail))
		return -ENAMETOOLONG;
	memcpy(out, "file:", 5);
	o = 5;
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
		bool keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '/' || *p == '.' || *p == '_' ||
			    *p == '-' || *p == '~';

		if (o + 3 + sizeof(tail) > size)
			return -ENAMETOOLONG;
		if (keep) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		}
	}
	memcpy(out + o, tail, sizeof(tail));
	return 0;
}

/* A store without its -wal or -shm (a backup restored without them, or a
 * tool that checkpointed it at its last close): at the first read of a
 * store in WAL mode SQLite creates both, before it can tell whether the
 * pages are sound, so a damaged store would get two new files beside it
 * from a login (issue 16).  The file is therefore checked on its own first:
 * opened read-only and immutable (SQLite then takes no lock and opens or
 * creates no companion file) and read whole by quick_check.  Damage fails
 * with -EIO, nothing created; a sound store goes on to the real open,
 * which makes the companions as always.  The path must still name the file
 * checked before (the directory chain is trusted). */
int sq_check_alone(const struct sq *s, const struct stat *checked, struct naccs_err *err)
{
	char uri[3 * PATH_MAX + 32], why[NACCS_ERR_MSG_MAX];
	const unsigned char *text = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int rc;

	if (immutable_uri(s->path, uri, sizeof(uri)) < 0)
		return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), s->path);
	rc = sqlite3_open_v2(uri, &db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc == SQLITE_OK && naccs_trust_same_stat(checked, s->path, err) < 0) {
		sqlite3_close_v2(db);
		return -EAGAIN; /* replaced meanwhile: err says so */
	}
	if (rc == SQLITE_OK) {
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
		rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	}
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			text = sqlite3_column_text(st, 0);
	}
	if (rc == SQLITE_ROW && text != NULL && strcmp((const char *)text, "ok") == 0) {
		rc = 0;
	} else if (rc == SQLITE_ROW || (rc & 0xff) == SQLITE_CORRUPT ||
		   (rc & 0xff) == SQLITE_NOTADB) {
		const char *said = text != NULL ? (const char *)text : sqlite3_errmsg(db);
		char clean[256];

		sq_printable(said, strlen(said), clean, sizeof(clean));
		snprintf(why, sizeof(why), _("SQLite finds it malformed: %s"), clean);
		rc = damaged(s, why, err);
	} else {
		rc = naccs_err_set(err, EIO, _("credential store %s: cannot be read: %s"), s->path,
				   db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	}
	sqlite3_finalize(st);
	sqlite3_close_v2(db);
	return rc;
}
