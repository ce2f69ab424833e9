/* naccsctl user add: the new ID's home directory (see ctl_home.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/path.h"
#include "ctl_home.h"

#define DEPTH_MAX 32 /* nested directories in a skeleton */

static int sys_fail(struct naccs_err *err, int e, const char *what, const char *path)
{
	char buf[128];

	return naccs_err_set(err, e, "%s %s: %s", what, path, naccs_strerror(e, buf, sizeof(buf)));
}

/* Open the directory at the absolute path, one component at a time,
 * never following a symbolic link.  The descriptor, or -errno. */
static int open_dir_nofollow(const char *path, struct naccs_err *err)
{
	char comp[NAME_MAX + 1];
	const char *p = path;
	int fd;

	if (path[0] != '/')
		return naccs_err_set(err, EINVAL, _("not an absolute path: %s"), path);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sys_fail(err, errno, _("cannot open"), "/");
	while (*p != '\0') {
		size_t n;
		int next;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n > NAME_MAX || (n == 2 && p[0] == '.' && p[1] == '.')) {
			close(fd);
			return naccs_err_set(err, EINVAL, _("unsafe path: %s"), path);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int e = errno;
			struct stat st;
			/* A symbolic link fails with ELOOP or (O_DIRECTORY) ENOTDIR. */
			bool link = (e == ELOOP || e == ENOTDIR) &&
				    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISLNK(st.st_mode);

			close(fd);
			if (link)
				return naccs_err_set(err, ENOTDIR,
						     _("%s: '%s' is a symbolic link (never "
						       "followed)"),
						     path, comp);
			return sys_fail(err, e, _("cannot open"), path);
		}
		close(fd);
		fd = next;
	}
	return fd;
}

/* The directory above home, opened, and home's last component. */
static int open_parent(const char *home, char base[NAME_MAX + 1], struct naccs_err *err)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(home, '/');
	size_t n;

	if (home[0] != '/' || slash == NULL || naccs_path_dirname(home, parent, sizeof(parent)) < 0)
		return naccs_err_set(err, EINVAL, _("not a usable home directory: %s"), home);
	n = strlen(slash + 1);
	if (n == 0 || n > NAME_MAX || strcmp(slash + 1, ".") == 0 || strcmp(slash + 1, "..") == 0)
		return naccs_err_set(err, EINVAL, _("not a usable home directory: %s"), home);
	memcpy(base, slash + 1, n + 1);
	return open_dir_nofollow(parent, err);
}

int ctl_home_check(const char *home, bool uid_known, uid_t uid, struct naccs_err *err)
{
	char base[NAME_MAX + 1];
	struct stat st;
	int fd = open_parent(home, base, err), rc = 0;

	if (fd < 0)
		return fd;
	if (fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISDIR(st.st_mode) || !uid_known || st.st_uid != uid)
			rc = naccs_err_set(err, EEXIST,
					   _("%s exists already and is not a directory of this "
					     "ID's uid: move it away or use --no-create-home"),
					   home);
	} else if (errno != ENOENT) {
		rc = sys_fail(err, errno, _("cannot examine"), home);
	}
	close(fd);
	return rc;
}

/* ---- removing what we made ------------------------------------------ */

/* Remove name (in dirfd) and everything below it, without following a
 * symbolic link.  Best effort: used on the way out of a failure. */
static void remove_tree(int dirfd, const char *name, int depth)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	/* copy_dir stops one level below DEPTH_MAX: nothing here is deeper. */
	if (fd < 0 || depth > DEPTH_MAX + 2) {
		if (fd >= 0)
			close(fd);
		unlinkat(dirfd, name, 0);
		return;
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			remove_tree(fd, e->d_name, depth + 1);
		else
			unlinkat(fd, e->d_name, 0);
	}
	closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* ---- copying the skeleton ------------------------------------------- */

struct copy {
	uid_t uid;
	gid_t gid;
	const char *skel; /* for messages */
	struct naccs_err *err;
};

static int copy_bytes(int in, int out, const struct copy *c, const char *name)
{
	char buf[16384];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sys_fail(c->err, errno, _("cannot read"), name);
		if (n == 0)
			return 0;
		while (off < n) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return sys_fail(c->err, errno, _("cannot write"), name);
			off += w;
		}
	}
}

static int copy_file(int src, int dst, const char *name, const struct copy *c)
{
	struct stat st;
	int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC), out, rc;

	if (in < 0)
		return sys_fail(c->err, errno, _("cannot open"), name);
	/* It may have been replaced since it was listed: trust the descriptor. */
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(in);
		return naccs_err_set(c->err, EINVAL, _("%s in %s changed while being copied"), name,
				     c->skel);
	}
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		rc = sys_fail(c->err, errno, _("cannot create"), name);
		close(in);
		return rc;
	}
	rc = copy_bytes(in, out, c, name);
	if (rc == 0 && (fchown(out, c->uid, c->gid) < 0 || fchmod(out, st.st_mode & 0777) < 0))
		rc = sys_fail(c->err, errno, _("cannot set the owner or mode of"), name);
	if (close(out) < 0 && rc == 0)
		rc = sys_fail(c->err, errno, _("cannot write"), name);
	close(in);
	return rc;
}

static int copy_link(int src, int dst, const char *name, const struct copy *c)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);

	if (n < 0)
		return sys_fail(c->err, errno, _("cannot read the link"), name);
	target[n] = '\0';
	if (symlinkat(target, dst, name) < 0 ||
	    fchownat(dst, name, c->uid, c->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return sys_fail(c->err, errno, _("cannot create the link"), name);
	return 0;
}

static int copy_dir(int src, int dst, const struct copy *c, int depth);

static int copy_subdir(int src, int dst, const char *name, mode_t mode, const struct copy *c,
		       int depth)
{
	int in, out, rc;

	if (mkdirat(dst, name, 0700) < 0)
		return sys_fail(c->err, errno, _("cannot create"), name);
	in = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return sys_fail(c->err, errno, _("cannot open"), name);
	out = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out < 0) {
		rc = sys_fail(c->err, errno, _("cannot open"), name);
		close(in);
		return rc;
	}
	rc = copy_dir(in, out, c, depth + 1);
	if (rc == 0 && (fchown(out, c->uid, c->gid) < 0 || fchmod(out, mode & 0777) < 0))
		rc = sys_fail(c->err, errno, _("cannot set the owner or mode of"), name);
	close(out);
	close(in);
	return rc;
}

/* Copy the entries of src into dst: regular files, directories and
 * symbolic links (as links); anything else (devices, sockets) is left out. */
static int copy_dir(int src, int dst, const struct copy *c, int depth)
{
	int fd = dup(src), rc = 0;
	DIR *d;
	struct dirent *e;

	if (depth > DEPTH_MAX)
		return naccs_err_set(c->err, ELOOP, _("%s is nested too deep"), c->skel);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		rc = sys_fail(c->err, errno, _("cannot read"), c->skel);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(src, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			rc = sys_fail(c->err, errno, _("cannot examine"), e->d_name);
		else if (S_ISDIR(st.st_mode))
			rc = copy_subdir(src, dst, e->d_name, st.st_mode, c, depth);
		else if (S_ISREG(st.st_mode))
			rc = copy_file(src, dst, e->d_name, c);
		else if (S_ISLNK(st.st_mode))
			rc = copy_link(src, dst, e->d_name, c);
	}
	closedir(d);
	return rc;
}

/* ---- the home -------------------------------------------------------- */

/* Fill the new, still private home from skel and hand it over. */
static int fill_home(int home_fd, const char *skel, uid_t uid, gid_t gid, mode_t mode,
		     struct naccs_err *err)
{
	struct copy c = {.uid = uid, .gid = gid, .skel = skel, .err = err};
	int rc = 0;

	if (skel != NULL && skel[0] != '\0') {
		struct naccs_err skel_err;
		int sfd;

		naccs_err_clear(&skel_err);
		sfd = open_dir_nofollow(skel, &skel_err);
		/* No skeleton at all: an empty home, as useradd makes. */
		if (sfd == -ENOENT)
			sfd = -1;
		else if (sfd < 0)
			return naccs_err_set(err, -sfd, "%s", skel_err.msg);
		if (sfd >= 0) {
			rc = copy_dir(sfd, home_fd, &c, 0);
			close(sfd);
		}
	}
	/* Handed over last, so the ID cannot touch it while it is filled. */
	if (rc == 0 && (fchown(home_fd, uid, gid) < 0 || fchmod(home_fd, mode & 07777) < 0))
		rc = sys_fail(err, errno, _("cannot set the owner or mode of"), _("the home"));
	return rc;
}

int ctl_home_create(const char *home, const char *skel, uid_t uid, gid_t gid, mode_t mode,
		    struct naccs_err *err)
{
	char base[NAME_MAX + 1];
	struct stat st;
	int parent = open_parent(home, base, err), fd, rc;

	if (parent < 0)
		return parent;
	if (mkdirat(parent, base, 0700) < 0) {
		int e = errno;

		rc = sys_fail(err, e, _("cannot create"), home);
		/* useradd -m keeps an existing home of the same uid. */
		if (e == EEXIST && fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
			rc = S_ISDIR(st.st_mode) && st.st_uid == uid
				 ? 1
				 : naccs_err_set(err, EEXIST,
						 _("%s exists already and is not a directory of "
						   "uid %lu: left as it is"),
						 home, (unsigned long)uid);
		close(parent);
		return rc;
	}
	fd = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* It must be the directory just made (ours, still empty). */
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
		rc = naccs_err_set(err, EPERM, _("%s was replaced while it was being created"),
				   home);
		if (fd >= 0)
			close(fd);
		close(parent);
		return rc;
	}
	rc = fill_home(fd, skel, uid, gid, mode, err);
	close(fd);
	if (rc < 0)
		remove_tree(parent, base, 0);
	close(parent);
	return rc;
}
