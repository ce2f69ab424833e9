/* The store's administrative lock (admin_lock.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/time.h"
#include "policy/admin_lock.h"

int naccs_admin_lock_path(const struct naccs_config *cfg, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s.lock", cfg->store_path);

	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

int naccs_admin_lock(const struct naccs_config *cfg, bool exclusive, bool wait, int *fd,
		     struct naccs_err *err)
{
	naccs_deadline_t dl = naccs_deadline_in(cfg->store_timeout_ms);
	char path[4096];
	struct stat sb;
	int rc;

	*fd = -1;
	if (naccs_admin_lock_path(cfg, path, sizeof(path)) < 0)
		return naccs_err_set(err, ENAMETOOLONG, "store lock: path too long");
	/* Never a link, a FIFO or a device (as the index's lock). */
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0600);
	if (*fd < 0) {
		rc = errno;
		return naccs_err_set(err, rc, "store lock %s: %s", path, strerror(rc));
	}
	if (fstat(*fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(*fd);
		*fd = -1;
		return naccs_err_set(err, EINVAL, "store lock %s: not a regular file", path);
	}
	for (;;) {
		if (flock(*fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
			return 0;
		rc = errno;
		if (rc != EWOULDBLOCK || !wait || naccs_deadline_left_ms(dl) == 0)
			break;
		nanosleep(&(struct timespec){0, 20 * 1000000L}, NULL);
	}
	close(*fd);
	*fd = -1;
	if (rc == EWOULDBLOCK)
		return naccs_err_set(err, EWOULDBLOCK,
				     exclusive ? "store lock %s: the service is using the store"
					       : "store lock %s: an administrator holds the store "
						 "(naccsctl init or upgrade)",
				     path);
	return naccs_err_set(err, rc, "store lock %s: %s", path, strerror(rc));
}

void naccs_admin_unlock(int *fd)
{
	if (*fd >= 0) {
		flock(*fd, LOCK_UN);
		close(*fd);
	}
	*fd = -1;
}
