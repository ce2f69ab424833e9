/* Paths: the one "directory of a path" of libnaccs and naccsctl. */
#ifndef NACCS_PATH_H
#define NACCS_PATH_H

#include <stddef.h>

/* The directory part of path, as POSIX dirname(3) gives it but without
 * touching path: trailing slashes are ignored, then the last component and
 * the slashes before it are dropped.  "/a/b" -> "/a", "/a" -> "/",
 * "a/b//" -> "a", "a" -> ".", "/" -> "/", "" -> ".".  0, -EINVAL (no path
 * or no room at all), -ENAMETOOLONG when it does not fit outlen (out is
 * then ""). */
int naccs_path_dirname(const char *path, char *out, size_t outlen);

/* A directory of the module's own: dir when it is not "", else leaf
 * beside the file at file_path ("verify", "sessions" beside the store).
 * 0 or -ENAMETOOLONG. */
int naccs_path_beside(const char *dir, const char *file_path, const char *leaf, char *out,
		      size_t outlen);

#endif
