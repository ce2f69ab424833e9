/* One-time passwords an administrator hands out (rules/password_generate.c,
 * UTS-2.2.1.3(2)(a)). */
#ifndef NACCS_PASSWORD_GENERATE_H
#define NACCS_PASSWORD_GENERATE_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "rules/password.h"

/* A random one-time password of at least 16 characters (more if
 * min_length says so) that meets every rule of naccs_pw_check_new
 * (rules/password.h, with max_bytes and owner as there) for user, into
 * out (outlen bytes).  0, or -errno with the reason (a policy no generated
 * password can meet; a dictionary that cannot be used). */
int naccs_pw_generate(const struct naccs_password_config *pc, size_t max_bytes, uid_t owner,
		      const struct naccs_pw_user *user, char *out, size_t outlen,
		      struct naccs_err *err);

#endif
