/* Retention of the audit trail (audit/trail.h; UTS-2.2.1.4(2)(b),
 * NACCS-LOG-RET): month files entirely past retention_days are deleted,
 * never the newest; the anchor says where the trail begins afterwards. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/trail.h"
#include "base/i18n.h"
#include "audit/key.h"
#include "audit/line.h"
#include "audit/prune.h"

#define DAY 86400

int64_t naccs_audit_month_start(const char *name)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(name) - 1900;
	tm.tm_mon = atoi(name + 5) - 1;
	tm.tm_mday = 1;
	return (int64_t)timegm(&tm);
}

/* seq and prev of the first line of dir/name. */
static int first_line(const char *dir, const char *name, uint64_t *seq,
		      char prev[NACCS_AUDIT_MAC_HEX + 1], struct naccs_err *err)
{
	char path[PATH_MAX], buf[128];
	FILE *f;
	int rc = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return naccs_err_set(err, ENAMETOOLONG, _("audit trail: directory name too long"));
	f = fopen(path, "re");
	if (f == NULL)
		return naccs_err_set(err, errno, _("audit trail: cannot open %s"), path);
	if (fgets(buf, sizeof(buf), f) == NULL ||
	    sscanf(buf, "{\"seq\":%" SCNu64 ",\"prev\":\"%64[0-9a-f]\"", seq, prev) != 2 ||
	    strlen(prev) != NACCS_AUDIT_MAC_HEX)
		rc = naccs_err_set(err, EINVAL, _("audit trail: %s does not begin with a line"),
				   path);
	fclose(f);
	return rc;
}

int naccs_audit_prune_plan(const struct naccs_config *cfg, int64_t now, struct naccs_audit_prune *p,
			   struct naccs_err *err)
{
	char **names = NULL;
	size_t n = 0, k = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = naccs_audit_list(cfg->audit_dir, &names, &n, err);
	if (rc < 0)
		return rc;
	/* Oldest first; never the newest file.  A file goes once the month of
	 * the file after it began retention_days ago: its lines are older
	 * than that beginning, whatever months no line was written in, and
	 * verify can check it (audit/verify.c). */
	while (k + 1 < n &&
	       naccs_audit_month_start(names[k + 1]) + (int64_t)cfg->audit_retention_days * DAY <=
		   now)
		k++;
	if (k > 0) {
		rc = first_line(cfg->audit_dir, names[k], &p->begin_seq, p->begin_prev, err);
		if (rc == 0) {
			p->nfiles = k;
			snprintf(p->first, sizeof(p->first), "%s", names[0]);
			snprintf(p->last, sizeof(p->last), "%s", names[k - 1]);
			snprintf(p->detail, sizeof(p->detail),
				 "retention_days=%u: %zu files %s to %s deleted; the trail now "
				 "begins at seq %" PRIu64,
				 cfg->audit_retention_days, k, p->first, p->last, p->begin_seq);
		}
	}
	naccs_audit_names_free(names, n);
	return rc;
}

int naccs_audit_anchor_read(const char *dir, uint64_t *begin_seq,
			    char prev[NACCS_AUDIT_MAC_HEX + 1])
{
	char path[PATH_MAX], buf[128];
	FILE *f;
	int rc = 1;

	if ((size_t)snprintf(path, sizeof(path), "%s/anchor", dir) >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (f == NULL)
		return errno == ENOENT ? 0 : -errno;
	if (fgets(buf, sizeof(buf), f) == NULL ||
	    sscanf(buf, "naccs-audit-anchor 1 seq %" SCNu64 " prev %64[0-9a-f]", begin_seq, prev) !=
		2 ||
	    strlen(prev) != NACCS_AUDIT_MAC_HEX)
		rc = -EINVAL;
	fclose(f);
	return rc;
}

/* The anchor, replaced atomically (a temporary file, fsync, rename). */
static int write_anchor(int dirfd, const struct naccs_audit_prune *p, struct naccs_err *err)
{
	char rec[128];
	int fd, n, rc = 0;

	n = snprintf(rec, sizeof(rec), "naccs-audit-anchor 1 seq %" PRIu64 " prev %s\n",
		     p->begin_seq, p->begin_prev);
	fd = openat(dirfd, "anchor.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot write the anchor"));
	if (fchmod(fd, 0600) < 0 || write(fd, rec, (size_t)n) != n || fsync(fd) < 0)
		rc = naccs_err_set(err, errno ? errno : EIO,
				   _("audit trail: cannot write the anchor"));
	close(fd);
	if (rc == 0 && renameat(dirfd, "anchor.tmp", dirfd, "anchor") < 0)
		rc = naccs_err_set(err, errno, _("audit trail: cannot write the anchor"));
	if (rc < 0)
		unlinkat(dirfd, "anchor.tmp", 0);
	return rc;
}

int naccs_audit_prune_apply(const struct naccs_config *cfg, const struct naccs_audit_prune *p,
			    struct naccs_err *err)
{
	char **names = NULL;
	size_t n = 0;
	int dirfd = -1, lockfd = -1, rc;

	if (p->nfiles == 0)
		return 0;
	rc = naccs_audit_lock(cfg, &dirfd, &lockfd, err);
	if (rc == 0)
		rc = naccs_audit_list(cfg->audit_dir, &names, &n, err);
	/* The files must still be the plan's: the oldest, and not the newest. */
	if (rc == 0 && (n <= p->nfiles || strcmp(names[0], p->first) != 0 ||
			strcmp(names[p->nfiles - 1], p->last) != 0))
		rc = naccs_err_set(err, EAGAIN, _("audit trail: the files changed meanwhile"));
	if (rc == 0)
		rc = write_anchor(dirfd, p, err);
	for (size_t i = 0; rc == 0 && i < p->nfiles; i++)
		if (unlinkat(dirfd, names[i], 0) < 0)
			rc =
			    naccs_err_set(err, errno, _("audit trail: cannot delete %s"), names[i]);
	if (rc == 0)
		(void)fsync(dirfd);
	naccs_audit_names_free(names, n);
	if (lockfd >= 0)
		close(lockfd);
	if (dirfd >= 0)
		close(dirfd);
	return rc;
}
