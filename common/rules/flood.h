/* The flood cap: at most N password verifications (argon2 computations) at
 * once on the machine, so a burst of attempts cannot exhaust memory.  A
 * machine-wide counting semaphore made of N lock files (slot.0 ...
 * slot.N-1) in a directory only the owner can write (default: "verify"
 * beside the store), each taken with flock(LOCK_EX): the kernel drops a
 * lock when its holder dies, so a killed holder never keeps a slot. */
#ifndef NACCS_FLOOD_H
#define NACCS_FLOOD_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

struct naccs_flood_slot {
	int fd; /* -1: none held */
	int index;
};

/* The directory of the slots: cfg_dir, or when it is "" the directory
 * "verify" beside the store (a directory only the owner can write). */
int naccs_flood_dir(const char *cfg_dir, const char *store_path, char *out, size_t outlen);

/* Take one of max slots in dir, waiting up to wait_ms.  max == 0: no cap
 * (slot->fd = -1, returns 0).  The directory is created (mode 0700) when
 * missing, and must be owned by owner and writable by nobody else.
 * 0; -EAGAIN when every slot stayed busy (the caller answers "try again",
 * and it is no wrong password); another -errno when the directory is
 * unusable (fail closed). */
int naccs_flood_acquire(const char *dir, unsigned max, unsigned wait_ms, uid_t owner,
			struct naccs_flood_slot *slot, struct naccs_err *err);
void naccs_flood_release(struct naccs_flood_slot *slot);

#endif
