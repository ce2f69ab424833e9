/* Names naccs-auth does not manage, while the credential store cannot be
 * used (issue 16).  A login must fail closed for a naccs ID whose state
 * cannot be read or recorded, but must not lock out the machine's own
 * local accounts (root on the console repairing the store).  Which names
 * are naccs IDs is what the public identity index (naccs_index.h) says: it
 * holds every ID that is not retired -- by its login and its NACCS forms,
 * an adopted local account (root registered as a shared admin ID)
 * included -- and it is a trusted file of its own, readable while the store
 * is not.  (Neither a name's form nor its uid says it: "postgres" reads as
 * a NACCS user ID, and an adopted root has uid 0.)  No index, or one that
 * cannot be trusted, tells nothing: every name is then taken as a naccs
 * ID. */
#ifndef NACCS_LOCAL_H
#define NACCS_LOCAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "naccs_config.h"
#include "naccs_err.h"

/* Does the index of cfg ([nss] index, or passwd.cdb beside the store) hold
 * name (a login, or a NACCS form of an ID) -- or, when name is NULL, the
 * uid?  0 and *held; or -errno with the message: no index (-ENOENT), an
 * index that fails the trust rule of naccs_trust.h for cfg->owner_uid
 * (owner, mode, its directory chain: -EPERM, -ENOTDIR, ...), or one that
 * is not a readable index (-EPROTO).  The process keeps no mapping of it
 * afterwards. */
int naccs_local_index_holds(const struct naccs_config *cfg, const char *name, uid_t uid, bool *held,
			    struct naccs_err *err);

#endif
