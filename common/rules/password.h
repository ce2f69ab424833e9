/* The rules a new password must meet (UTS-2.2.1.1(1)(e)(ウ)), shared by the
 * PAM module (a user's change) and naccsctl (a one-time password): one rule
 * per file, each giving one specific, translated message that names the rule.
 *   rules/password_text.c       the bytes (size, NUL, UTF-8), NFC; the
 *                   settings and verdicts every rule shares
 *   rules/password_strength.c   length in characters after Unicode NFC, classes,
 *                   repeats, sequences, the user's own data, difference
 *                   from the old password
 *   rules/password_dictionary.c the cracklib dictionary through libpwquality (our own
 *                   settings, never /etc/security/pwquality.conf)
 *   rules/password_blocklist.c  a site list of refused passwords (a trusted file)
 *   rules/password.c            all of them in turn (this header: the
 *                   family's entry)
 *   rules/password_generate.c   one-time passwords that meet them
 * History and minimum age need the store: policy/password.c. */
#ifndef NACCS_PASSWORD_H
#define NACCS_PASSWORD_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "rules/password_blocklist.h"
#include "rules/password_dictionary.h"
#include "rules/password_strength.h"
#include "rules/password_text.h"

/* Every rule that needs neither the store nor the current password:
 * naccs_pw_text_from (at most max_bytes: [hash] max_password_bytes),
 * strength, dictionary, blocklist (their files trusted when owned by root
 * or owner), in that order.
 * 0 passes, 1 refused (*v), -errno fail closed (*v and err say why). */
int naccs_pw_check_new(const struct naccs_password_config *pc, size_t max_bytes, uid_t owner,
		       const char *pw, size_t len, const struct naccs_pw_user *user,
		       const char *old, struct naccs_pw_verdict *v, struct naccs_err *err);

#endif
