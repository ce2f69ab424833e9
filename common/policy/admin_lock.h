/* The store's administrative lock (issue 18): naccsctl init and upgrade
 * hold it exclusively while they create or migrate the store, whether the
 * service runs or not; naccsd holds it shared around each change and
 * decision, and never waits for it: while an administrator holds it, the
 * service answers "unavailable" (clients fail closed) rather than use a
 * store being created or migrated.
 *
 * It is flock(2) on STORE.lock, the store's path with ".lock" added, beside
 * the store (created 0600).  A lock of the open file description: it ends
 * when the descriptor is closed, or the process dies. */
#ifndef NACCS_POLICY_ADMIN_LOCK_H
#define NACCS_POLICY_ADMIN_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "config/conf.h"

/* STORE.lock for cfg's store.  0 or -ENAMETOOLONG. */
int naccs_admin_lock_path(const struct naccs_config *cfg, char *out, size_t outlen);

/* Take the lock (exclusive, else shared) into *fd.  wait: retry until
 * cfg's store timeout; else fail at once.  0, -EWOULDBLOCK (held the other
 * way: the message says by whom) or another -errno with err. */
int naccs_admin_lock(const struct naccs_config *cfg, bool exclusive, bool wait, int *fd,
		     struct naccs_err *err);

/* Release a lock naccs_admin_lock took (*fd -1 after; -1 is no lock). */
void naccs_admin_unlock(int *fd);

#endif
