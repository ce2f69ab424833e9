/* The pre-login banner (UTS-2.2.1.1(1)(g)(エ)): [notice] banner_file
 * (naccs_banner_path, policy/settings.h), read as a trusted file
 * (base/trust.h: nobody but the administrator could have written it), at most NACCS_BANNER_MAX
 * bytes, made safe for a terminal. It never blocks a login: the caller logs a refusal and goes on.
 */
#ifndef NACCS_BANNER_H
#define NACCS_BANNER_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

#define NACCS_BANNER_MAX 4096

/* The banner text of the file path (trusted when owned by root or owner)
 * into out (NACCS_BANNER_MAX + 1 bytes).  0 with the text; -ENOENT when
 * there is none to show (path NULL: banner = no; or no file: not an
 * error); another -errno, with the reason, when the file is unsafe or
 * cannot be read (-EPERM, -EFBIG, -EIO ...). */
int naccs_banner_read(const char *path, uid_t owner, char out[NACCS_BANNER_MAX + 1],
		      struct naccs_err *err);

#endif
