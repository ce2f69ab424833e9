/* The audit trail writer (audit/trail.h): one line per event, chained and
 * MACed under the forward-evolving key, serialised by a lock so that many
 * PAM processes may append at once (UTS-2.2.1.4(1)(a)(c)). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit/key.h"
#include "audit/line.h"
#include "audit/trail.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/secret.h"
#include "rules/su.h"
#include "base/text.h"
#include "base/time.h"
#include "base/trust.h"

/* ---- files ---- */

static int path_in(const struct naccs_config *cfg, const char *name, char *out, size_t outlen,
		   struct naccs_err *err)
{
	if ((size_t)snprintf(out, outlen, "%s/%s", cfg->audit_dir, name) >= outlen)
		return naccs_err_set(err, ENAMETOOLONG, _("audit trail: directory name too long"));
	return 0;
}

/* Root only (UTS-2.2.1.4(1)(c)): the owner's, no access for anyone else. */
static int check_private(int fd, const char *path, uid_t owner, struct naccs_err *err)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot examine %s"), path);
	if (sb.st_uid != owner || (sb.st_mode & 077) != 0)
		return naccs_err_set(err, EPERM,
				     _("audit trail: %s must be owned by uid %lu with no access "
				       "for group or others (mode 0700 or 0600)"),
				     path, (unsigned long)owner);
	return 0;
}

static int open_dir(const struct naccs_config *cfg, struct naccs_err *err)
{
	int fd, rc;

	if (cfg->audit_dir[0] != '/')
		return naccs_err_set(err, EINVAL, _("audit trail: [audit] dir is not set"));
	rc = naccs_trust_check_dir(cfg->audit_dir, cfg->owner_uid, err);
	if (rc < 0)
		return rc;
	fd = open(cfg->audit_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot open %s"), cfg->audit_dir);
	rc = check_private(fd, cfg->audit_dir, cfg->owner_uid, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

static int open_private(int dirfd, const char *name, int flags, const char *path, uid_t owner,
			bool *created, struct naccs_err *err)
{
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	int rc;

	if (fd < 0 && errno == ENOENT && created != NULL) {
		fd = openat(dirfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			*created = true;
		else if (errno == EEXIST) /* another writer made it meanwhile (the lock) */
			fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	}
	if (fd < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot open %s"), path);
	/* O_CREAT honours the umask; the mode we promise does not. */
	if (created != NULL && *created && fchmod(fd, 0600) < 0) {
		rc = naccs_err_set(err, errno, _("audit trail: cannot set the mode of %s"), path);
		close(fd);
		return rc;
	}
	rc = check_private(fd, path, owner, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/* The writers' lock, waited for at most timeout_ms. */
static int take_lock(int dirfd, const struct naccs_config *cfg, struct naccs_err *err)
{
	/* PATH_MAX on the heap: the writer runs on a PAM host's stack. */
	char *path = malloc(PATH_MAX);
	bool created = false;
	naccs_deadline_t dl = naccs_deadline_in(cfg->store_timeout_ms);
	int fd, rc;

	if (path == NULL)
		return naccs_err_set(err, ENOMEM, _("audit trail: out of memory"));
	rc = path_in(cfg, "lock", path, PATH_MAX, err);
	if (rc < 0) {
		free(path);
		return rc;
	}
	fd = open_private(dirfd, "lock", O_RDWR, path, cfg->owner_uid, &created, err);
	if (fd < 0) {
		free(path);
		return fd;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec ts = {0, 2000000};

		if ((errno != EWOULDBLOCK && errno != EINTR) || naccs_deadline_left_ms(dl) == 0) {
			rc = naccs_err_set(err, errno == EWOULDBLOCK ? ETIMEDOUT : errno,
					   _("audit trail: the lock %s was not free in %u ms"),
					   path, cfg->store_timeout_ms);
			close(fd);
			free(path);
			return rc;
		}
		nanosleep(&ts, NULL);
	}
	free(path);
	return fd;
}

/* ---- the last line of a file: torn tails and roll-forward ---- */

/* Cut a torn last line (no newline: its write never completed, so it was
 * never acknowledged) and return the last complete line at line + *start
 * ("" when the file is empty).  An offset, not a move to the front: the
 * line and what is before it may overlap. */
static int last_line(int fd, const char *path, char *line, size_t cap, size_t *start,
		     struct naccs_err *err)
{
	struct stat sb;
	off_t from;
	ssize_t got;
	char *nl;
	size_t n;

	*start = 0;
	line[0] = '\0';
	if (fstat(fd, &sb) < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot examine %s"), path);
	if (sb.st_size == 0)
		return 0;
	from = sb.st_size > (off_t)cap - 1 ? sb.st_size - (off_t)(cap - 1) : 0;
	got = pread(fd, line, cap - 1, from);
	if (got <= 0)
		return naccs_err_set(err, got < 0 ? errno : EIO, _("audit trail: cannot read %s"),
				     path);
	n = (size_t)got;
	line[n] = '\0';
	if (line[n - 1] != '\n') {
		nl = memrchr(line, '\n', n);
		if (nl == NULL && from > 0)
			return naccs_err_set(err, EINVAL,
					     _("audit trail: %s ends in a damaged line"), path);
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		       "naccs: audit trail: %s ended in an incomplete line (a write that never "
		       "completed); cut off",
		       path);
		if (ftruncate(fd, from + (nl ? (off_t)(nl - line) + 1 : 0)) < 0 ||
		    fdatasync(fd) < 0)
			return naccs_err_set(err, errno, _("audit trail: cannot repair %s"), path);
		n = nl ? (size_t)(nl - line) + 1 : 0;
		line[n] = '\0';
		if (n == 0)
			return 0;
	}
	line[n - 1] = '\0';
	nl = memrchr(line, '\n', n - 1);
	if (nl != NULL)
		*start = (size_t)(nl + 1 - line);
	else if (from > 0)
		return naccs_err_set(err, EINVAL, _("audit trail: %s ends in a damaged line"),
				     path);
	return 0;
}

/* A line written but not yet counted (the writer died between the two):
 * roll the state forward over it if it is ours, else refuse.  The last
 * line's time goes to *last_time. */
static int reconcile(int fd, const char *path, struct naccs_audit_state *st, int statefd,
		     int64_t *last_time, struct naccs_err *err)
{
	char *buf = malloc(NACCS_AUDIT_LINE_MAX + 1), mac[NACCS_AUDIT_MAC_HEX + 1];
	const char *lmac, *line;
	uint64_t seq;
	size_t body, start = 0;
	int rc;

	if (buf == NULL)
		return naccs_err_set(err, ENOMEM, _("audit trail: out of memory"));
	rc = last_line(fd, path, buf, NACCS_AUDIT_LINE_MAX + 1, &start, err);
	line = buf + start;
	if (rc < 0 || line[0] == '\0')
		goto out;
	if (!audit_parse_line(line, &seq, &body, &lmac)) {
		rc = naccs_err_set(err, EINVAL, _("audit trail: the last line of %s is damaged"),
				   path);
		goto out;
	}
	audit_later_time(line, last_time);
	if (seq + 1 == st->seq_next && strncmp(lmac, st->prev, NACCS_AUDIT_MAC_HEX) == 0)
		goto out; /* as the state says */
	if (seq == st->seq_next && naccs_audit_mac(st->key, line, body, mac) == 0 &&
	    naccs_consttime_equal(mac, lmac, NACCS_AUDIT_MAC_HEX)) {
		memcpy(st->prev, lmac, NACCS_AUDIT_MAC_HEX);
		st->seq_next++;
		rc = naccs_audit_key_evolve(st->key);
		if (rc == 0)
			rc = naccs_audit_state_write(statefd, st, err);
		else
			naccs_err_set(err, EIO, _("audit trail: cannot evolve the key"));
		goto out;
	}
	rc = naccs_err_set(err, EINVAL,
			   _("audit trail: the last line of %s (seq %" PRIu64
			     ") does not follow the state (next seq %" PRIu64
			     "): run naccsctl audit verify"),
			   path, seq, st->seq_next);
out:
	naccs_wipe(buf, NACCS_AUDIT_LINE_MAX + 1);
	free(buf);
	return rc;
}

/* ---- appending ---- */

struct trail {
	int dirfd, lockfd, statefd, filefd;
	bool created;
	int64_t last_time; /* of the last line (0: none) */
	char month[8];
	char path[PATH_MAX];
	struct naccs_audit_state st;
};

static void trail_close(struct trail *t)
{
	if (t->filefd >= 0)
		close(t->filefd);
	if (t->statefd >= 0)
		close(t->statefd);
	if (t->lockfd >= 0)
		close(t->lockfd); /* drops the lock */
	if (t->dirfd >= 0)
		close(t->dirfd);
	naccs_wipe(&t->st, sizeof(t->st));
}

static int open_month(struct trail *t, const struct naccs_config *cfg, const char *month,
		      bool create, struct naccs_err *err)
{
	char name[16];
	int rc;

	snprintf(name, sizeof(name), "%s.jsonl", month);
	rc = path_in(cfg, name, t->path, sizeof(t->path), err);
	if (rc < 0)
		return rc;
	t->created = false;
	return open_private(t->dirfd, name, O_RDWR | O_APPEND, t->path, cfg->owner_uid,
			    create ? &t->created : NULL, err);
}

/* Everything but the write itself: directory, lock, state, the month's
 * file (created if missing), a state rolled forward over a line a killed
 * writer left. */
static int trail_open(struct trail *t, const struct naccs_config *cfg, int64_t now,
		      struct naccs_err *err)
{
	char month[8];
	int rc;

	memset(t, 0, sizeof(*t));
	t->dirfd = t->lockfd = t->statefd = t->filefd = -1;
	t->dirfd = open_dir(cfg, err);
	if (t->dirfd < 0)
		return t->dirfd;
	t->lockfd = take_lock(t->dirfd, cfg, err);
	if (t->lockfd < 0)
		return t->lockfd;
	/* t->path names the state until open_month names the month's file. */
	rc = path_in(cfg, "state", t->path, sizeof(t->path), err);
	if (rc < 0)
		return rc;
	t->statefd = open_private(t->dirfd, "state", O_RDWR, t->path, cfg->owner_uid, NULL, err);
	if (t->statefd < 0) {
		if (t->statefd == -ENOENT)
			naccs_err_set(err, ENOENT,
				      _("audit trail: %s is missing (naccsctl init creates it)"),
				      t->path);
		return t->statefd;
	}
	rc = naccs_audit_state_read(t->statefd, &t->st, err);
	if (rc < 0)
		return rc;
	/* Never back into an earlier month's file (a clock set back): the
	 * files stay in sequence order. */
	naccs_audit_month(now, month);
	snprintf(t->month, sizeof(t->month), "%s",
		 strcmp(month, t->st.month) >= 0 ? month : t->st.month);
	if (t->st.month[0] != '\0' && strcmp(t->st.month, t->month) != 0) {
		int fd = open_month(t, cfg, t->st.month, false, err);

		if (fd < 0 && fd != -ENOENT)
			return fd;
		if (fd >= 0) {
			rc = reconcile(fd, t->path, &t->st, t->statefd, &t->last_time, err);
			close(fd);
			if (rc < 0)
				return rc;
		}
	}
	t->filefd = open_month(t, cfg, t->month, true, err);
	if (t->filefd < 0)
		return t->filefd;
	return reconcile(t->filefd, t->path, &t->st, t->statefd, &t->last_time, err);
}

static void warn_free_space(const struct naccs_config *cfg, int fd)
{
	struct statvfs vfs;

	if (cfg->audit_warn_free_space == 0 || fstatvfs(fd, &vfs) < 0 || vfs.f_blocks == 0)
		return;
	/* UTS-2.2.1.4(1)(b): tell the operator before the trail cannot be
	 * written any more. */
	if ((uint64_t)vfs.f_bavail * 100 < (uint64_t)vfs.f_blocks * cfg->audit_warn_free_space)
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		       "naccs: audit trail: less than %u%% free space left under %s "
		       "([audit] warn_free_space)",
		       cfg->audit_warn_free_space, cfg->audit_dir);
}

static int write_line(struct trail *t, const char *line, size_t len, struct naccs_err *err)
{
	struct stat sb;
	size_t done = 0;
	int rc = 0;

	if (fstat(t->filefd, &sb) < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot examine %s"), t->path);
	while (done < len) {
		ssize_t w = write(t->filefd, line + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = naccs_err_set(err, w < 0 ? errno : EIO,
					   _("audit trail: cannot write %s"), t->path);
			break;
		}
		done += (size_t)w;
	}
	if (rc == 0 && fdatasync(t->filefd) < 0)
		rc = naccs_err_set(err, errno, _("audit trail: cannot flush %s"), t->path);
	if (rc < 0) {
		/* Disk full or an I/O error: take back what went out, so the
		 * file still ends in a complete line; nothing earlier is
		 * touched. */
		if (ftruncate(t->filefd, sb.st_size) == 0)
			(void)fdatasync(t->filefd);
		return rc;
	}
	if (t->created)
		(void)fsync(t->dirfd); /* the new file's name is durable too */
	return 0;
}

int naccs_audit_append(const struct naccs_config *cfg, const struct naccs_event *ev, int64_t now,
		       struct naccs_err *err)
{
	/* The trail (a path, the key) and the line on the heap: the writer
	 * runs on a PAM host's stack (issue 18). */
	struct trail *tp = calloc(1, sizeof(*tp));
	char *line = malloc(NACCS_AUDIT_LINE_MAX);
	char mac[NACCS_AUDIT_MAC_HEX + 1];
	size_t len = 0;
	int rc;

	if (line == NULL || tp == NULL) {
		free(line);
		free(tp);
		return naccs_err_set(err, ENOMEM, _("audit trail: out of memory"));
	}
	rc = trail_open(tp, cfg, now, err);
	/* Time never goes backwards in the trail (verify refuses it): after a
	 * clock set back, a line takes the last line's time. */
	if (rc == 0 && now < tp->last_time) {
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		       "naccs: audit trail: the clock is %lld s behind the last line; the line "
		       "keeps the last line's time",
		       (long long)(tp->last_time - now));
		now = tp->last_time;
	}
	if (rc == 0)
		rc = audit_format_body(ev, tp->st.seq_next, tp->st.prev, now, line,
				       NACCS_AUDIT_LINE_MAX, &len, err);
	if (rc == 0 && naccs_audit_mac(tp->st.key, line, len, mac) < 0)
		rc = naccs_err_set(err, EIO, _("audit trail: cannot compute the MAC"));
	if (rc == 0) {
		len += (size_t)snprintf(line + len, NACCS_AUDIT_LINE_MAX - len, "%s%s\"}\n",
					NACCS_AUDIT_MAC_TAIL, mac);
		warn_free_space(cfg, tp->filefd);
		rc = write_line(tp, line, len, err);
	}
	if (rc == 0) {
		/* The line is durable: advance the key, overwriting the one
		 * that MACed it (forward security).  Should this fail, the
		 * next writer rolls the state forward over the line. */
		memcpy(tp->st.prev, mac, sizeof(tp->st.prev));
		tp->st.seq_next++;
		snprintf(tp->st.month, sizeof(tp->st.month), "%s", tp->month);
		if (naccs_audit_key_evolve(tp->st.key) < 0 ||
		    naccs_audit_state_write(tp->statefd, &tp->st, NULL) < 0)
			syslog(LOG_AUTHPRIV | LOG_ALERT,
			       "naccs: audit trail: line %" PRIu64
			       " written, but the state could not be advanced",
			       tp->st.seq_next - 1);
	}
	trail_close(tp);
	naccs_wipe(tp, sizeof(*tp));
	free(tp);
	naccs_wipe(line, NACCS_AUDIT_LINE_MAX);
	free(line);
	return rc;
}

int naccs_audit_lock(const struct naccs_config *cfg, int *dirfd, int *lockfd, struct naccs_err *err)
{
	*lockfd = -1;
	*dirfd = open_dir(cfg, err);
	if (*dirfd < 0)
		return *dirfd;
	*lockfd = take_lock(*dirfd, cfg, err);
	if (*lockfd < 0) {
		int rc = *lockfd;

		close(*dirfd);
		*dirfd = -1;
		return rc;
	}
	return 0;
}

int naccs_audit_ready(const struct naccs_config *cfg, struct naccs_err *err)
{
	struct trail *t = calloc(1, sizeof(*t));
	int rc;

	if (t == NULL)
		return naccs_err_set(err, ENOMEM, _("audit trail: out of memory"));
	rc = trail_open(t, cfg, naccs_now_wall(), err);
	if (rc == 0)
		warn_free_space(cfg, t->filefd);
	trail_close(t);
	naccs_wipe(t, sizeof(*t));
	free(t);
	return rc;
}
