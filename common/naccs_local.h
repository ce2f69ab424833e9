/* Accounts that naccs-auth does not manage.  When the credential store
 * cannot be read, the account phase must still fail closed for naccs IDs,
 * but must not lock out the machine's own local accounts (root on the
 * console repairing the store).  Without the store, a name is taken as a
 * naccs ID unless the system's user database (getpwnam_r, through
 * nsswitch.conf) knows it with a uid outside [identity.uid_min,
 * identity.uid_max], the range naccsctl issues uids from.  (Whether a name
 * reads as a NACCS user ID says nothing here: "postgres" does.)  A shared ID
 * registered from an existing local account outside that range, such as
 * root, is therefore left to the rest of the stack (pam_unix) while the
 * store is unavailable. */
#ifndef NACCS_LOCAL_H
#define NACCS_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "naccs_config.h"

bool naccs_local_account_outside(const struct naccs_config *cfg, const char *name);

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
