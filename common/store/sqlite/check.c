/* The SQLite backend of the credential store: examining a store without
 * changing it (naccsctl store check).
 *
 * The same file checks and header validation as a plain open, then a
 * read-only connection reads the schema version and, when asked, runs
 * PRAGMA integrity_check.  Nothing is migrated, switched or checkpointed:
 * a damaged store stays as it is, for whoever recovers it. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "store/sqlite/internal.h"
#include "store/sqlite/schema.h"

/* The store file and its companions as they are (lstat: a link is reported,
 * not followed). */
static void describe_files(const char *path, struct naccs_store_report *out)
{
	for (int i = 0; i <= SQ_SIDE_FILES && i < NACCS_STORE_FILES_MAX; i++) {
		struct naccs_store_file_info *f = &out->files[i];
		struct stat sb;

		if (i == 0)
			snprintf(f->path, sizeof(f->path), "%s", path);
		else if (sq_side_path(path, i - 1, f->path, sizeof(f->path)) < 0)
			break;
		out->n_files = i + 1;
		if (lstat(f->path, &sb) != 0)
			continue;
		f->present = true;
		f->mode = (unsigned)(sb.st_mode & 07777);
		f->uid = (uint32_t)sb.st_uid;
		f->size = (int64_t)sb.st_size;
	}
}

/* SQLite found the pages themselves unsound. */
static bool engine_says_damaged(const struct sq *s)
{
	int primary = s->last_rc & 0xff;

	return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

/* PRAGMA integrity_check, read-only: "ok" or its first complaint. */
static int integrity(struct sq *s, struct naccs_store_report *out, struct naccs_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sq_tx_begin(s, s->dl, false, _("checking integrity"), err);

	if (rc == 0)
		rc = sq_prepare(s, &st, err, "PRAGMA integrity_check(1)", "");
	if (rc == 0)
		rc = sq_step(s, st, err);
	if (rc > 0) {
		const unsigned char *text = sqlite3_column_text(st, 0);

		sq_printable(text != NULL ? (const char *)text : "?", sizeof(out->integrity),
			     out->integrity, sizeof(out->integrity));
		out->integrity_checked = true;
		rc = 0;
	}
	sqlite3_finalize(st);
	rc = sq_tx_end(s, rc, err);
	if (rc == 0 && strcmp(out->integrity, "ok") != 0) {
		out->damaged = true;
		rc = naccs_err_set(err, EIO,
				   _("credential store %s is damaged: the integrity check "
				     "says: %s"),
				   s->path, out->integrity);
	}
	return rc;
}

/* The same answers as a plain open would give. */
static int judge(const struct sq *s, const struct naccs_store_report *out, struct naccs_err *err)
{
	if (!out->wal_mode)
		return sq_refuse_not_wal(s, err);
	return sq_judge_version(s, out->schema_version, false, err);
}

int sq_inspect(const struct naccs_store_options *opt, bool deep, struct naccs_store_report *out,
	       struct naccs_err *err)
{
	struct sq *s = NULL;
	struct sq_header hdr = {false, false, false};
	struct naccs_err later;
	int version = -1, rc_later = 0;
	int rc = sq_new(opt, &s, err);

	out->schema_needed = NACCS_SQLITE_SCHEMA_VERSION;
	if (rc < 0)
		return rc;
	describe_files(s->path, out);
	s->read_only = true;
	rc = sq_open_existing(s, opt->owner_uid, true, &hdr, err);
	out->header_ok = hdr.ok;
	out->wal_mode = hdr.wal;
	out->damaged = hdr.damaged;
	if (rc == 0)
		rc = sq_schema_version(s, s->dl, &version, err);
	if (rc == 0)
		out->schema_version = version;
	/* The integrity check runs even on a store that needs an upgrade;
	 * damage, when found, is the answer before a version problem. */
	naccs_err_clear(&later);
	if (rc == 0 && deep)
		rc_later = integrity(s, out, &later);
	if (rc == 0)
		rc = judge(s, out, err);
	if (rc_later < 0 && (rc == 0 || out->damaged)) {
		rc = rc_later;
		if (err != NULL)
			*err = later;
	}
	if (rc < 0 && s->db != NULL && engine_says_damaged(s))
		out->damaged = true;
	sq_close(s);
	return rc;
}
