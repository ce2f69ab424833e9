/* The dictionary check of a new password (rules/password_dictionary.c,
 * UTS-2.2.1.1(1)(e)(ウ)): cracklib's dictionary through libpwquality. */
#ifndef NACCS_PASSWORD_DICTIONARY_H
#define NACCS_PASSWORD_DICTIONARY_H

#include <sys/types.h>

#include "base/err.h"
#include "rules/password_text.h"

/* The dictionary check (when dictionary_check is on).  0 passes, 1
 * refused (*v), -errno when the dictionary is missing, unsafe (owned by
 * someone other than root or owner, writable by others) or unusable: the
 * caller fails closed, *v says so and err has the detail for the log. */
int naccs_pw_dictionary(const struct naccs_password_config *pc, uid_t owner,
			const struct naccs_pw_text *pw, struct naccs_pw_verdict *v,
			struct naccs_err *err);

#endif
