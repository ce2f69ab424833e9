/* The site's blocklist of passwords (rules/password_blocklist.c,
 * UTS-2.2.1.1(1)(e)(ウ)). */
#ifndef NACCS_PASSWORD_BLOCKLIST_H
#define NACCS_PASSWORD_BLOCKLIST_H

#include <sys/types.h>

#include "base/err.h"
#include "rules/password_text.h"

/* The blocklist (when one is configured), matched case-insensitively on
 * the NFC text; the file is read with the trusted-file checks against
 * owner.  Same returns as naccs_pw_dictionary (rules/password_dictionary.h). */
int naccs_pw_blocklist(const struct naccs_password_config *pc, uid_t owner,
		       const struct naccs_pw_text *pw, struct naccs_pw_verdict *v,
		       struct naccs_err *err);

#endif
