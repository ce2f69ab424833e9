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

#include "naccs_config.h"

bool naccs_local_account_outside(const struct naccs_config *cfg, const char *name);

#endif
