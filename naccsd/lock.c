/* naccsd and the store's lock (lock.h). */
#include "config.h"

#include "lock.h"

#include <errno.h>

#include "policy/admin_lock.h"

int naccsd_policy_open(struct naccs_policy *pol, int *lock, const struct naccs_config *cfg,
		       bool read_only, struct naccs_err *err)
{
	int rc = naccs_admin_lock(cfg, false, false, lock, err);

	/* No state directory: no store either; its open says so. */
	if (rc < 0 && rc != -ENOENT)
		return rc;
	rc = naccs_policy_open(pol, cfg, read_only, err);
	if (rc < 0)
		naccs_admin_unlock(lock);
	return rc;
}

void naccsd_policy_close(struct naccs_policy *pol, int *lock)
{
	naccs_policy_close(pol);
	naccs_admin_unlock(lock);
}
