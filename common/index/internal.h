/* What the reader of the identity index shares between its files: the
 * version of the file a process holds (index/map_file.c opens and reads
 * it; index/map.c keeps it for the process's threads).  Private to
 * common/index/. */
#ifndef NACCS_INDEX_INTERNAL_H
#define NACCS_INDEX_INTERNAL_H

#include <cdb.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

/* The file is never mapped: a mapping of a file someone truncates or
 * overwrites in place (cp backup.cdb passwd.cdb) kills its reader with
 * SIGBUS, and a module must not install a signal handler in its host.
 * A small index is read into private memory, which cannot change under
 * its readers; of a large one (over NACCS_INDEX_COPY_MAX) the process
 * keeps the table of contents, and each look-up opens the file, checks
 * with fstat that it is still the version whose table it holds, reads the
 * few positions it needs with pread (each checked against that version's
 * size), checks again with fstat and closes it: a short read or a file
 * that changed is -EAGAIN, never a crash and never an answer from a
 * mixture of two files.  No descriptor stays open in the host between
 * calls: none for it to close or reuse under the module, and a replaced
 * index is not kept on disk by idle processes (nor freed at a reader's
 * expense when the last one closes it). */
struct naccs_index_map {
	struct cdb db;		  /* copy: read through copies, cdb_find writes its answer there */
	unsigned char *data;	  /* copy: the file's bytes (db.cdb_mem); NULL when read by pread */
	int stale;		  /* pread: the file changed under a look-up (atomic) */
	unsigned dend;		  /* pread: the end of the records (cdb_init's rule) */
	unsigned char head[2048]; /* pread: the table of contents */
	unsigned refs;		  /* users, the cache's own reference included */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
	char path[PATH_MAX];
};

/* Is m the version of the file at path that st describes (and not stale)? */
bool index_map_is(const struct naccs_index_map *m, const char *path, const struct stat *st);
bool index_same_version(const struct naccs_index_map *m, const struct stat *st);
void index_map_free(struct naccs_index_map *m);
/* The largest index read whole by naccs_index_acquire. */
off_t index_copy_max(void);
/* Open the file at path afresh: a private copy when whole or small, else
 * its table of contents.  -EAGAIN when it changed while it was read. */
int index_map_open(const char *path, bool whole, struct naccs_index_map **out);

#endif
