/* Paths: the one "directory of a path" of libnaccs and naccsctl, and the
 * one reader of a small file (of /proc). */
#ifndef NACCS_PATH_H
#define NACCS_PATH_H

#include <stddef.h>
#include <sys/types.h>

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

/* A small file (/proc/PID/status, loginuid, boot_id) read into buf with
 * one read(2), NUL-terminated: its length, or -errno. */
ssize_t naccs_path_read_small(const char *path, char *buf, size_t len);

#endif
