/* Helpers shared by the tests: temporary directories and files. */
#ifndef NACCS_TESTUTIL_H
#define NACCS_TESTUTIL_H

#include <stddef.h>

/* Create a fresh 0700 directory under $TMPDIR (or /tmp); returns a malloc'd
 * path, aborting the test run on failure. */
char *tu_mkdtemp(const char *tag);
/* Remove a directory tree (best effort). */
void tu_rmtree(const char *path);
/* Write text to dir/name with the given mode; returns malloc'd full path. */
char *tu_write_file(const char *dir, const char *name, const char *text, unsigned mode);

#endif
