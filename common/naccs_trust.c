/* Trusted files.
 *
 * UTS-2.2.1.2(2)(a): users cannot set access control on the policy, the
 * credential store or the audit trail themselves, so the software refuses to
 * use any of them unless only the administrator could have written it: owned
 * by the expected owner, no group or other write permission, and the same for
 * the directory that holds it (a writable directory lets anyone replace the
 * file by renaming).  Symbolic links are refused rather than followed, so the
 * checks apply to the object actually read.  There are no exceptions for
 * sticky directories such as /tmp: nothing trusted belongs there. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "naccs_i18n.h"
#include "naccs_trust.h"

static int stat_failed(const char *path, int errnum, struct naccs_err *err)
{
	if (errnum == ENOENT)
		return naccs_err_set(err, ENOENT, _("%s: no such file"), path);
	return naccs_err_set(err, errnum, _("%s: cannot check: %s"), path, strerror(errnum));
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

/* The directory part of path: "." for a bare name, "/" for a file in the root. */
static int parent_of(const char *path, char *out, size_t outlen, struct naccs_err *err)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (slash == NULL) {
		strcpy(out, ".");
		return 0;
	}
	len = (size_t)(slash - path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len == 0) {
		strcpy(out, "/");
		return 0;
	}
	if (len >= outlen)
		return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), path);
	memcpy(out, path, len);
	out[len] = '\0';
	return 0;
}

int naccs_trust_check_file(const char *path, uid_t owner, struct naccs_err *err)
{
	char parent[PATH_MAX];
	struct stat st;
	int rc;

	if (path == NULL || path[0] == '\0')
		return naccs_err_set(err, EINVAL, _("no file name given"));
	if (lstat(path, &st) != 0)
		return stat_failed(path, errno, err);
	rc = check_regular(&st, path, err);
	if (rc == 0)
		rc = check_owner_and_mode(&st, path, owner, err);
	if (rc == 0)
		rc = parent_of(path, parent, sizeof(parent), err);
	if (rc == 0)
		rc = naccs_trust_check_dir(parent, owner, err);
	return rc;
}

int naccs_trust_check_dir(const char *path, uid_t owner, struct naccs_err *err)
{
	struct stat st;

	if (path == NULL || path[0] == '\0')
		return naccs_err_set(err, EINVAL, _("no directory name given"));
	if (lstat(path, &st) != 0)
		return stat_failed(path, errno, err);
	if (S_ISLNK(st.st_mode))
		return naccs_err_set(err, ENOTDIR, _("%s: is a symbolic link (refused)"), path);
	if (!S_ISDIR(st.st_mode))
		return naccs_err_set(err, ENOTDIR, _("%s: not a directory"), path);
	return check_owner_and_mode(&st, path, owner, err);
}

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
