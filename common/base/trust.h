/* Trusted files: anything that holds secrets or policy (config, store, state
 * and audit directories) must be such that nobody but the administrator
 * could have written it or put it in place (UTS-2.2.1.2(2)(a)).  Refusals
 * say which file or directory and why.
 *
 * The rule, for a trusted file at PATH and the expected owner (root unless
 * a test says otherwise):
 *  - the file: a regular file, not a symbolic link, owned by the expected
 *    owner, not writable by group or others.  It is opened first
 *    (O_NOFOLLOW, O_NONBLOCK) and the descriptor is checked (fstat), so the
 *    checks apply to what is actually read; afterwards what is at PATH must
 *    still be that file (same device and inode), so a file swapped in
 *    between is refused.
 *  - the directory that holds it: a real directory (not a symbolic link),
 *    owned by the expected owner, not writable by group or others.  No
 *    exception: whoever can write it can rename another file into place.
 *  - every directory above that one, up to "/": a real directory, owned by
 *    root or by the expected owner, not writable by group or others --
 *    except that a sticky directory (mode +t, such as /tmp, 1777) is
 *    accepted there: in it, others can neither rename nor remove entries
 *    they do not own, and the entry on our path is a directory owned by
 *    root or the expected owner (checked one step below).
 * A relative path is checked from the working directory up. */
#ifndef NACCS_TRUST_H
#define NACCS_TRUST_H

#include <sys/stat.h>
#include <sys/types.h>

#include "base/err.h"

/* Open path read-only (O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) and
 * apply the whole rule: the descriptor, the directory chain, and that the
 * path still names the descriptor's file.  0 and the descriptor in *fd_out
 * (the caller closes it); -ENOENT if missing; -EINVAL if not a regular file
 * or a symbolic link; -EPERM (with message) if an owner or mode is wrong;
 * -EAGAIN if the file was replaced meanwhile; -ENOTDIR for a bad directory
 * in the chain; other -errno if it cannot be opened. */
int naccs_trust_open(const char *path, uid_t owner, int *fd_out, struct naccs_err *err);

/* The same, for a file that another library then opens by its name (the
 * credential store, opened by SQLite): the descriptor is an O_PATH one,
 * good for fstat and naccs_trust_same_file but not for reading.  Closing it
 * never drops the process's POSIX locks on the file (Linux removes them only
 * when a real descriptor is closed), which SQLite relies on when the same
 * process has the file open elsewhere. */
int naccs_trust_open_path(const char *path, uid_t owner, int *fd_out, struct naccs_err *err);

/* The same check without keeping a descriptor (naccs_trust_open_path, then
 * close). */
int naccs_trust_check_file(const char *path, uid_t owner, struct naccs_err *err);

/* Check an existing directory as the holder of a trusted file: itself
 * strictly, the directories above it as the rule says.  Same return values
 * (-ENOTDIR if it or one above is not a real directory). */
int naccs_trust_check_dir(const char *path, uid_t owner, struct naccs_err *err);

/* A directory of machine-wide lock or state files (the flood cap's slots,
 * the session table): created mode 0700 when missing (its parent too, as
 * /run/naccs), opened without following links and checked on the
 * descriptor: owned by owner, writable by nobody else.  The descriptor
 * (O_RDONLY | O_DIRECTORY), or -errno with a message starting with what. */
int naccs_trust_private_dir(const char *dir, uid_t owner, const char *what, struct naccs_err *err);

/* Check an already open file descriptor (fstat) only: regular file, owner,
 * no group or other write.  path names it in messages (may be NULL). */
int naccs_trust_check_fd(int fd, const char *path, uid_t owner, struct naccs_err *err);

/* Is what is at path (lstat, no link followed) still the file open on fd?
 * 0, or -EAGAIN with a message when it was replaced or removed: a check
 * made on the descriptor says nothing about a file swapped in since. */
int naccs_trust_same_file(int fd, const char *path, struct naccs_err *err);
/* The same against what fstat said of the descriptor when it was checked
 * (for a caller that has closed it since). */
int naccs_trust_same_stat(const struct stat *checked, const char *path, struct naccs_err *err);

#endif
