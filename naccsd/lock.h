/* naccsd and the store's lock (policy/admin_lock.h): each decision and
 * change opens the store under the lock held shared, without waiting.
 * While naccsctl init or upgrade holds it exclusively, the store is "not
 * available" to the service: login decisions fail closed as for a store
 * that cannot be opened (the public index decides, issue 16), changes are
 * refused with that message. */
#ifndef NACCSD_LOCK_H
#define NACCSD_LOCK_H

#include <stdbool.h>

#include "base/err.h"
#include "config/conf.h"
#include "policy/policy.h"

/* naccs_policy_open under the store's lock held shared into *lock (-1:
 * none).  0, or -errno with err (nothing held then). */
int naccsd_policy_open(struct naccs_policy *pol, int *lock, const struct naccs_config *cfg,
		       bool read_only, struct naccs_err *err);
/* naccs_policy_close, then the lock released. */
void naccsd_policy_close(struct naccs_policy *pol, int *lock);

#endif
