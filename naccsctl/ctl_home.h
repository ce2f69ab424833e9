/* naccsctl user add: the new ID's home directory, like useradd -m
 * (identity.create_home, skel, home_mode).  Every path is walked from "/"
 * one component at a time with O_NOFOLLOW, the home is made with mkdirat
 * and filled from the skeleton through descriptors (fchown, fchmod on
 * what was opened), so no symbolic link is ever followed, neither in the
 * home's path nor inside the skeleton. */
#ifndef NACCSCTL_CTL_HOME_H
#define NACCSCTL_CTL_HOME_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"

/* Before the ID is issued: the directory above home must exist and be
 * reached without a symbolic link; home itself must not exist, unless
 * uid_known and it is a directory owned by uid.  0 or -errno with the
 * reason in err. */
int ctl_home_check(const char *home, bool uid_known, uid_t uid, struct naccs_err *err);

/* Create home (mode 0700 while it is filled), copy skel into it (skel ""
 * or missing: an empty home), then give it to uid:gid with mode.  A home
 * that exists already is kept when it is a directory owned by uid
 * (returns 1, nothing copied); anything else there is refused (-EEXIST).
 * On a failure, whatever this call created is removed again.  0, 1 or
 * -errno with the reason in err. */
int ctl_home_create(const char *home, const char *skel, uid_t uid, gid_t gid, mode_t mode,
		    struct naccs_err *err);

#endif
