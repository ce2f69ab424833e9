/* naccsctl run without the rights to the store or the audit trail: say so
 * plainly, naming the permission that is missing ("no read permission on
 * the file", "no search permission on the directory D") and, when the tool
 * does not run as root, that it should (issue #11), before SQLite or the
 * trail writer fail with a message of their own.  Only a diagnosis: the
 * kernel's answer (faccessat with the effective ids, so capabilities and
 * ACLs count) for the process as it is; the real opens still decide, and
 * the trust checks are theirs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/path.h"
#include "store/store.h"
#include "ctl_access.h"
#include "ctl.h"

/* Which permission is missing. */
enum lack {
	LACK_SEARCH_DIR, /* x on a directory on the way */
	LACK_WRITE_DIR,	 /* w on the directory that holds the file */
	LACK_READ_FILE,	 /* r on the file */
	LACK_WRITE_FILE, /* w on the file */
	LACK_TRAIL_DIR,	 /* rwx on the trail's directory */
};

struct missing {
	int errnum;	     /* EACCES or EROFS; 0: nothing found */
	enum lack what;	     /* which permission */
	char path[PATH_MAX]; /* the file or directory */
};

static bool lacks(const char *path, int mode, enum lack what, struct missing *m)
{
	if (faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0 ||
	    (errno != EACCES && errno != EPERM && errno != EROFS))
		return false;
	m->errnum = errno == EROFS ? EROFS : EACCES;
	m->what = what;
	snprintf(m->path, sizeof(m->path), "%s", path);
	return true;
}

/* A directory on the way to path that the process may not pass. */
static bool chain_blocked(const char *path, struct missing *m)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, path, n + 1);
	if (buf[0] == '/' && lacks("/", X_OK, LACK_SEARCH_DIR, m))
		return true;
	for (size_t i = 1; i < n; i++) {
		bool blocked;

		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		blocked = lacks(buf, X_OK, LACK_SEARCH_DIR, m);
		buf[i] = '/';
		if (blocked)
			return true;
	}
	return false;
}

/* The store at path, as an open for reading, for writing or a creation
 * needs it (SQLite in WAL mode: the -wal and -shm files beside it, made
 * in its directory when missing). */
static bool store_blocked(const char *path, bool write, bool create, struct missing *m)
{
	char dir[PATH_MAX], side[PATH_MAX + 8];

	if (chain_blocked(path, m))
		return true;
	naccs_path_dirname(path, dir, sizeof(dir));
	if (create)
		return lacks(dir, W_OK, LACK_WRITE_DIR, m);
	if (faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) != 0)
		return false; /* missing: the store's own message says what to do */
	if (lacks(path, R_OK, LACK_READ_FILE, m))
		return true;
	if (write && lacks(path, W_OK, LACK_WRITE_FILE, m))
		return true;
	for (int i = 0; i < 2; i++) {
		snprintf(side, sizeof(side), "%s%s", path, i == 0 ? "-wal" : "-shm");
		if (faccessat(AT_FDCWD, side, F_OK, AT_EACCESS) != 0) {
			if (write && lacks(dir, W_OK, LACK_WRITE_DIR, m))
				return true;
			continue;
		}
		if (lacks(side, R_OK, LACK_READ_FILE, m) ||
		    (write && lacks(side, W_OK, LACK_WRITE_FILE, m)))
			return true;
	}
	return false;
}

/* "HEAD: permission denied (WHAT; run naccsctl as root)", one sentence. */
static void say(const char *head, const char *subject, const struct missing *m)
{
	bool same = strcmp(subject, m->path) == 0; /* the store file itself: named already */
	char what[PATH_MAX + 64];
	bool root = geteuid() == 0;

	switch (m->what) {
	case LACK_SEARCH_DIR:
		snprintf(what, sizeof(what), _("no search permission on the directory %s"),
			 m->path);
		break;
	case LACK_WRITE_DIR:
		snprintf(what, sizeof(what), _("no write permission on the directory %s"), m->path);
		break;
	case LACK_READ_FILE:
		if (same)
			snprintf(what, sizeof(what), "%s", _("no read permission on the file"));
		else
			snprintf(what, sizeof(what), _("no read permission on the file %s"),
				 m->path);
		break;
	case LACK_WRITE_FILE:
		if (same)
			snprintf(what, sizeof(what), "%s", _("no write permission on the file"));
		else
			snprintf(what, sizeof(what), _("no write permission on the file %s"),
				 m->path);
		break;
	case LACK_TRAIL_DIR:
		snprintf(what, sizeof(what),
			 _("no read, write and search permission on the directory %s"), m->path);
		break;
	}
	if (m->errnum == EROFS)
		ctl_error(_("%s: the file system is read-only (%s)"), head, what);
	else if (root)
		ctl_error(_("%s: permission denied (%s)"), head, what);
	else
		ctl_error(_("%s: permission denied (%s; run naccsctl as root)"), head, what);
}

bool ctl_store_access_denied(const char *path, bool write, bool create)
{
	struct missing m = {0};
	char head[PATH_MAX + 64];

	if (!store_blocked(path, write, create, &m))
		return false;
	snprintf(head, sizeof(head),
		 create	 ? _("cannot create the store %s")
		 : write ? _("cannot change the store %s")
			 : _("cannot open the store %s"),
		 path);
	say(head, path, &m);
	return true;
}

bool ctl_trail_access_denied(const char *dir)
{
	struct missing m = {0};
	char head[PATH_MAX + 64];

	if (!chain_blocked(dir, &m) && (faccessat(AT_FDCWD, dir, F_OK, AT_EACCESS) != 0 ||
					!lacks(dir, R_OK | W_OK | X_OK, LACK_TRAIL_DIR, &m)))
		return false;
	snprintf(head, sizeof(head), _("cannot write the audit trail %s"), dir);
	say(head, dir, &m);
	return true;
}
