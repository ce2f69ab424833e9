#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "rules/flood.h"
#include "base/i18n.h"
#include "base/path.h"
#include "base/time.h"
#include "base/trust.h"

int naccs_flood_dir(const char *cfg_dir, const char *store_path, char *out, size_t outlen)
{
	return naccs_path_beside(cfg_dir, store_path, "verify", out, outlen);
}

/* One pass over the slots: the index taken, or -1 when all are busy. */
static int try_slots(int dirfd, unsigned max, struct naccs_flood_slot *slot, struct naccs_err *err)
{
	char name[32];

	for (unsigned i = 0; i < max; i++) {
		int fd;

		snprintf(name, sizeof(name), "slot.%u", i);
		fd =
		    openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd < 0) {
			int e = errno;
			char buf[NACCS_ERR_MSG_MAX];

			return naccs_err_set(err, e, "%s %s: %s", _("flood cap: cannot open"), name,
					     naccs_strerror(e, buf, sizeof(buf)));
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			slot->fd = fd;
			slot->index = (int)i;
			return 1;
		}
		close(fd);
	}
	return 0;
}

int naccs_flood_acquire(const char *dir, unsigned max, unsigned wait_ms, uid_t owner,
			struct naccs_flood_slot *slot, struct naccs_err *err)
{
	naccs_deadline_t dl = naccs_deadline_in(wait_ms);
	unsigned pause_ms = 1;
	int dirfd, rc;

	slot->fd = -1;
	slot->index = -1;
	if (max == 0)
		return 0;
	dirfd = naccs_trust_private_dir(dir, owner, _("flood cap"), err);
	if (dirfd < 0)
		return dirfd;
	for (;;) {
		rc = try_slots(dirfd, max, slot, err);
		if (rc != 0)
			break;
		if (naccs_deadline_left_ms(dl) == 0) {
			rc = naccs_err_set(err, EAGAIN,
					   dngettext(NACCS_TEXTDOMAIN,
						     "flood cap: %u verification already running; "
						     "it did not end within %u ms",
						     "flood cap: %u verifications already running; "
						     "none ended within %u ms",
						     max),
					   max, wait_ms);
			break;
		}
		/* Back off (1, 2, 4 ... 16 ms), never past the deadline. */
		{
			int64_t left = naccs_deadline_left_ms(dl);
			unsigned ms = left < (int64_t)pause_ms ? (unsigned)left : pause_ms;
			struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000L};

			nanosleep(&ts, NULL);
			if (pause_ms < 16)
				pause_ms *= 2;
		}
	}
	close(dirfd);
	return rc < 0 ? rc : 0;
}

void naccs_flood_release(struct naccs_flood_slot *slot)
{
	if (slot->fd >= 0)
		close(slot->fd); /* drops the flock */
	slot->fd = -1;
	slot->index = -1;
}
