/* Names naccs-auth does not manage, while the credential store cannot be
 * used (issue 16).  A login must fail closed for a naccs ID whose state
 * cannot be read or recorded, but must not lock out the machine's own
 * local accounts (root on the console repairing the store).  Which names
 * are naccs IDs is what the public identity index (index/map.h) says: it
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
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/conf.h"
#include "base/err.h"

/* Does the index of cfg ([nss] index, or passwd.cdb beside the store) hold
 * name (a login, or a NACCS form of an ID) -- or, when name is NULL, the
 * uid?  0 and *held; or -errno with the message: no index (-ENOENT), an
 * index that fails the trust rule of base/trust.h for cfg->owner_uid
 * (owner, mode, its directory chain: -EPERM, -ENOTDIR, ...), or one that
 * is not a readable index (-EPROTO).  The process keeps no mapping of it
 * afterwards. */
int naccs_local_index_holds(const struct naccs_config *cfg, const char *name, uid_t uid, bool *held,
			    struct naccs_err *err);

/* Where the machine's own accounts are (read directly by
 * naccs_uid_other_account). */
#define NACCS_LOCAL_PASSWD "/etc/passwd"

/* Whether uid, which the store gives to the ID login, is also another
 * account's: a local account created later with the ID's uid would own
 * the ID's files and pass for the ID wherever a uid is resolved to an ID
 * (naccs_chkpwd, the su gate), two holders for one ID
 * (UTS-2.2.1.3(2)(g)(ア)).  Asked of the system's user database
 * (getpwuid_r: the first source that knows uid names someone else) and of
 * NACCS_LOCAL_PASSWD read directly (with naccs before files in
 * nsswitch.conf, getpwuid_r answers with the ID itself).  1 when another
 * account has it (its name in other, cut to otherlen), 0 when not, -errno
 * when it could not be told (callers refuse: fail closed). */
int naccs_uid_other_account(uint32_t uid, const char *login, char *other, size_t otherlen);

#endif
