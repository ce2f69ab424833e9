/* naccsd's ADMIN requests (issue 18, docs/NACCSD-PLAN.md step 5;
 * docs/PROTOCOL.md "ADMIN"): one administrative change as a value
 * (policy/admin.h), from a root peer only, applied by the code naccsctl
 * applies with the service stopped, under the store's lock held shared
 * (policy/admin_lock.h); then the public index is rebuilt. */
#ifndef NACCSD_DECIDE_ADMIN_H
#define NACCSD_DECIDE_ADMIN_H

#include <sys/types.h>

#include "base/err.h"
#include "config/conf.h"
#include "proto/message.h"

/* req: a decoded ADMIN from the peer of SO_PEERCRED uid and pid.  0 with the response in resp
 * (whatever the change came to, an unknown operation included); -EPERM for a peer that is not root
 * (answer ERROR not-allowed; syslog names it, nothing else does); another -errno when no response
 * could be built. */
int naccsd_admin(const struct naccs_config *cfg, uid_t uid, pid_t pid, const struct naccs_msg *req,
		 struct naccs_msg *resp, struct naccs_err *err);

#endif
