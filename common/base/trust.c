/* Trusted files.
 *
 * UTS-2.2.1.2(2)(a): users cannot set access control on the policy, the
 * credential store or the audit trail themselves, so the software refuses to
 * use any of them unless only the administrator could have written it or
 * put it where it is.  The rule (base/trust.h says it in full):
 *  - the file is opened first and checked on its descriptor: a regular
 *    file, no symbolic link (O_NOFOLLOW), owned by the expected owner, no
 *    group or other write; then the path must still name that file (same
 *    device and inode), so a file renamed into place in between is refused;
 *  - its directory: a real directory owned by the expected owner, no group
 *    or other write, no exception (a writable directory lets anyone replace
 *    the file by renaming);
 *  - every directory above, up to "/": a real directory (no symbolic link)
 *    owned by root or the expected owner, no group or other write unless it
 *    is sticky (like /tmp, 1777): there others cannot rename or remove the
 *    entries they do not own, and the entry on our path is owned by root or
 *    the expected owner, as the step below checks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/path.h"
#include "base/trust.h"

static int stat_failed(const char *path, int errnum, struct naccs_err *err)
{
	char buf[128];

	if (errnum == ENOENT)
		return naccs_err_set(err, ENOENT, _("%s: no such file"), path);
	return naccs_err_set(err, errnum, _("%s: cannot check: %s"), path,
			     naccs_strerror(errnum, buf, sizeof(buf)));
}

static int check_owner_and_mode(const struct stat *st, const char *path, uid_t owner,
				struct naccs_err *err)
{
	if (st->st_uid != owner)
		return naccs_err_set(err, EPERM, _("%s: owned by uid %lu, expected uid %lu"), path,
				     (unsigned long)st->st_uid, (unsigned long)owner);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return naccs_err_set(
		    err, EPERM,
		    _("%s: writable by group or others (mode %04o); expected no group/other write"),
		    path, (unsigned)(st->st_mode & 07777));
	return 0;
}

static int check_regular(const struct stat *st, const char *path, struct naccs_err *err)
{
	if (S_ISLNK(st->st_mode))
		return naccs_err_set(err, EINVAL, _("%s: is a symbolic link (refused)"), path);
	if (!S_ISREG(st->st_mode))
		return naccs_err_set(err, EINVAL, _("%s: not a regular file"), path);
	return 0;
}

/* ---- the directory chain --------------------------------------------- */

static int lstat_dir(const char *path, struct stat *st, struct naccs_err *err)
{
	if (lstat(path, st) != 0)
		return stat_failed(path, errno, err);
	if (S_ISLNK(st->st_mode))
		return naccs_err_set(err, ENOTDIR, _("%s: is a symbolic link (refused)"), path);
	if (!S_ISDIR(st->st_mode))
		return naccs_err_set(err, ENOTDIR, _("%s: not a directory"), path);
	return 0;
}

/* A directory above the one that holds the file (see the rule above). */
static int check_ancestor(const char *path, uid_t owner, struct naccs_err *err)
{
	struct stat st;
	int rc = lstat_dir(path, &st, err);

	if (rc < 0)
		return rc;
	if (st.st_uid != 0 && st.st_uid != owner)
		return naccs_err_set(err, EPERM,
				     _("%s: owned by uid %lu, expected root or uid %lu"), path,
				     (unsigned long)st.st_uid, (unsigned long)owner);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
		return naccs_err_set(err, EPERM,
				     _("%s: writable by group or others and not sticky (mode "
				       "%04o); whoever can write it can replace what is below it"),
				     path, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* dir as an absolute path without "." components, empty components or a
 * trailing slash ("/" stays "/"); ".." is kept: the directory it passes
 * through is on the way too and gets checked. */
static int absolute_dir(const char *dir, char *raw, char *out, size_t outlen, struct naccs_err *err)
{
	size_t n = 0;
	const char *p;

	if (dir[0] == '/') {
		if (strlen(dir) >= PATH_MAX)
			return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), dir);
		strcpy(raw, dir);
	} else {
		char buf[128];

		if (getcwd(raw, PATH_MAX) == NULL) {
			int errnum = errno;

			return naccs_err_set(err, errnum,
					     _("%s: cannot find the working directory: %s"), dir,
					     naccs_strerror(errnum, buf, sizeof(buf)));
		}
		if (strlen(raw) + 1 + strlen(dir) >= PATH_MAX)
			return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), dir);
		strcat(raw, "/");
		strcat(raw, dir);
	}
	for (p = raw; *p != '\0';) {
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len > 0 && !(len == 1 && p[0] == '.')) {
			if (n + 1 + len >= outlen)
				return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"),
						     dir);
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p = end;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

/* Every directory above dir, from its parent up to "/".  The two path
 * buffers on the heap: this runs inside PAM hosts, whose stack is theirs
 * (issue 18: a PAM call keeps well under 8 KiB). */
static int check_ancestors(const char *dir, uid_t owner, struct naccs_err *err)
{
	char *buf = malloc(2 * (size_t)PATH_MAX), *cur;
	int rc;

	if (buf == NULL)
		return naccs_err_set(err, ENOMEM, _("%s: out of memory"), dir);
	cur = buf + PATH_MAX;
	rc = absolute_dir(dir, buf, cur, PATH_MAX, err);

	while (rc == 0 && strcmp(cur, "/") != 0) {
		char *slash = strrchr(cur, '/');

		if (slash == cur)
			slash[1] = '\0'; /* up to the root */
		else
			*slash = '\0';
		rc = check_ancestor(cur, owner, err);
	}
	free(buf);
	return rc;
}

int naccs_trust_check_dir(const char *path, uid_t owner, struct naccs_err *err)
{
	struct stat st;
	int rc;

	if (path == NULL || path[0] == '\0')
		return naccs_err_set(err, EINVAL, _("no directory name given"));
	rc = lstat_dir(path, &st, err);
	if (rc == 0)
		rc = check_owner_and_mode(&st, path, owner, err);
	if (rc == 0)
		rc = check_ancestors(path, owner, err);
	return rc;
}

/* ---- the file -------------------------------------------------------- */

int naccs_trust_check_fd(int fd, const char *path, uid_t owner, struct naccs_err *err)
{
	struct stat st;
	int rc;

	if (path == NULL)
		path = _("(descriptor)");
	if (fstat(fd, &st) != 0)
		return stat_failed(path, errno, err);
	rc = check_regular(&st, path, err);
	if (rc == 0)
		rc = check_owner_and_mode(&st, path, owner, err);
	return rc;
}

int naccs_trust_same_stat(const struct stat *checked, const char *path, struct naccs_err *err)
{
	struct stat now;

	if (lstat(path, &now) != 0 || now.st_dev != checked->st_dev ||
	    now.st_ino != checked->st_ino)
		return naccs_err_set(err, EAGAIN,
				     _("%s: replaced or removed while it was being opened "
				       "(refused)"),
				     path);
	return 0;
}

int naccs_trust_same_file(int fd, const char *path, struct naccs_err *err)
{
	struct stat by_fd;

	if (fstat(fd, &by_fd) != 0)
		return stat_failed(path, errno, err);
	return naccs_trust_same_stat(&by_fd, path, err);
}

static int open_checked(const char *path, int flags, uid_t owner, int *fd_out,
			struct naccs_err *err)
{
	char *parent = NULL, buf[128];
	int fd, rc;

	*fd_out = -1;
	if (path == NULL || path[0] == '\0')
		return naccs_err_set(err, EINVAL, _("no file name given"));
	/* O_NOFOLLOW: a symbolic link is refused, not followed (with O_PATH
	 * the descriptor names the link itself, refused by the fstat check).
	 * O_NONBLOCK: a FIFO put in place of the file must not hang the
	 * caller; it is refused below as not a regular file. */
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int errnum = errno;

		if (errnum == ENOENT)
			return naccs_err_set(err, ENOENT, _("%s: no such file"), path);
		if (errnum == ELOOP)
			return naccs_err_set(err, EINVAL, _("%s: is a symbolic link (refused)"),
					     path);
		return naccs_err_set(err, errnum, _("%s: cannot open: %s"), path,
				     naccs_strerror(errnum, buf, sizeof(buf)));
	}
	rc = naccs_trust_check_fd(fd, path, owner, err);
	/* On the heap, as check_ancestors' buffers. */
	if (rc == 0 && (parent = malloc(PATH_MAX)) == NULL)
		rc = naccs_err_set(err, ENOMEM, _("%s: out of memory"), path);
	if (rc == 0)
		rc = naccs_path_dirname(path, parent, PATH_MAX) == 0
			 ? 0
			 : naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), path);
	if (rc == 0)
		rc = naccs_trust_check_dir(parent, owner, err);
	free(parent);
	/* Last: the chain is now known to be safe from others, so the file
	 * the path names can no longer change under us. */
	if (rc == 0)
		rc = naccs_trust_same_file(fd, path, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

int naccs_trust_open(const char *path, uid_t owner, int *fd_out, struct naccs_err *err)
{
	return open_checked(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, owner, fd_out, err);
}

int naccs_trust_open_path(const char *path, uid_t owner, int *fd_out, struct naccs_err *err)
{
	return open_checked(path, O_PATH, owner, fd_out, err);
}

int naccs_trust_check_file(const char *path, uid_t owner, struct naccs_err *err)
{
	int fd = -1;
	int rc = naccs_trust_open_path(path, owner, &fd, err);

	if (rc == 0)
		close(fd);
	return rc;
}

/* errno as a failure about path. */
static int sys_fail(struct naccs_err *err, const char *what, const char *doing, const char *path)
{
	int e = errno;
	char buf[NACCS_ERR_MSG_MAX];

	return naccs_err_set(err, e, "%s: %s %s: %s", what, doing, path,
			     naccs_strerror(e, buf, sizeof(buf)));
}

int naccs_trust_private_dir(const char *dir, uid_t owner, const char *what, struct naccs_err *err)
{
	struct stat sb;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		char parent[4096];

		if (naccs_path_dirname(dir, parent, sizeof(parent)) == 0 &&
		    mkdir(parent, 0700) != 0 && errno != EEXIST)
			return sys_fail(err, what, _("cannot create"), parent);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return sys_fail(err, what, _("cannot create"), dir);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return sys_fail(err, what, _("cannot open"), dir);
	if (fstat(fd, &sb) != 0 || sb.st_uid != owner || (sb.st_mode & 022) != 0) {
		close(fd);
		return naccs_err_set(
		    err, EPERM,
		    _("%s: %s must be a directory owned by uid %lu and writable by "
		      "nobody else"),
		    what, dir, (unsigned long)owner);
	}
	return fd;
}
