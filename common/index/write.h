/* Writing and checking the public identity index (format: index/map.h)
 * from the private store.  naccsctl rebuilds it after every change to the
 * identities or groups; the NSS module reads it. */
#ifndef NACCS_INDEX_WRITE_H
#define NACCS_INDEX_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "config/conf.h"
#include "base/err.h"
#include "store/store.h"

struct naccs_index_stats {
	uint32_t users;	    /* passwd entries (retired IDs are left out) */
	uint32_t suspended; /* of them, suspended (shell NACCS_INDEX_SUSPENDED_SHELL) */
	uint32_t aliases;   /* NACCS-form keys */
	uint32_t groups;    /* group entries (deleted groups are left out) */
	uint32_t members;   /* memberships published */
};

/* Where the index goes: [nss] index, or NACCS_INDEX_FILE beside the store
 * when that is "".  0 or -ENAMETOOLONG. */
int naccs_index_path(const struct naccs_config *cfg, char *out, size_t outlen);

/* Write the index of the store to path atomically: a temporary file in the
 * same directory, fsync, mode 0644, rename over path, fsync of the
 * directory.  Readers see the old file or the new one, never a part.
 * Rebuilds take turns: each holds the lock file path + ".lock" (mode
 * 0600, flock) from reading the store to the rename, waiting for it until
 * dl (-ETIMEDOUT), and reads the store in one read transaction
 * (naccs_store_read_begin), so the file left in place is the store's
 * state after the last change, as one snapshot.  0, or -errno with the
 * message (the old index is then left as it was). */
int naccs_index_write(struct naccs_store *st, naccs_deadline_t dl, const char *path,
		      struct naccs_index_stats *stats, struct naccs_err *err);

/* Compare the index at path with what the store says it must hold, record
 * by record, and its mode.  0 when they agree; -ESTALE (the message names
 * the first difference), -ENOENT (no index) or another -errno. */
int naccs_index_check(struct naccs_store *st, naccs_deadline_t dl, const char *path,
		      struct naccs_index_stats *stats, struct naccs_err *err);

#endif
