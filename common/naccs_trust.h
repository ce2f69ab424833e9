/* Trusted files: anything that holds secrets or policy (config, store, state
 * and audit directories) must be owned by the expected owner (root unless a
 * test says otherwise) and not writable by group or others.  Refusals say
 * which file and why. */
#ifndef NACCS_TRUST_H
#define NACCS_TRUST_H

#include <sys/types.h>

#include "naccs_err.h"

/* Check an existing regular file and the directory that holds it.
 * 0; -ENOENT if missing; -EPERM (with message) if owner or mode is wrong;
 * -EINVAL if it is not a regular file (symlinks are refused: lstat). */
int naccs_trust_check_file(const char *path, uid_t owner, struct naccs_err *err);

/* Check an existing directory. Same return values (-ENOTDIR if not a dir). */
int naccs_trust_check_dir(const char *path, uid_t owner, struct naccs_err *err);

/* Check an already open file descriptor (fstat), e.g. after open(O_NOFOLLOW). */
int naccs_trust_check_fd(int fd, const char *path, uid_t owner, struct naccs_err *err);

#endif
