/* The rules a new password must meet (UTS-2.2.1.1(1)(e)(ウ)), shared by the
 * PAM module (a user's change) and naccsctl (a one-time password): one rule
 * per file, each giving one specific, translated message that names the rule.
 *   rules/password_strength.c   length in characters after Unicode NFC, classes,
 *                   repeats, sequences, the user's own data, difference
 *                   from the old password
 *   rules/password_dictionary.c the cracklib dictionary through libpwquality (our own
 *                   settings, never /etc/security/pwquality.conf)
 *   rules/password_blocklist.c  a site list of refused passwords (a trusted file)
 * History and minimum age need the store: policy/password.c. */
#ifndef NACCS_PWPOLICY_H
#define NACCS_PWPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "config/conf.h"
#include "base/err.h"

/* Which rule refused a password. */
enum naccs_pw_rule {
	NACCS_PW_OK = 0,
	NACCS_PW_EMPTY,
	NACCS_PW_TOO_MANY_BYTES, /* over hash.max_password_bytes */
	NACCS_PW_NUL,
	NACCS_PW_BAD_UTF8,
	NACCS_PW_TOO_SHORT,
	NACCS_PW_TOO_LONG,
	NACCS_PW_CLASSES,
	NACCS_PW_REPEAT,
	NACCS_PW_SEQUENCE,
	NACCS_PW_USER_DATA,
	NACCS_PW_SAME,
	NACCS_PW_TOO_SIMILAR,
	NACCS_PW_DICTIONARY,
	NACCS_PW_BLOCKLIST,
	NACCS_PW_HISTORY,
	NACCS_PW_MIN_AGE,
	NACCS_PW_UNAVAILABLE, /* a dictionary or blocklist could not be used: fail closed */
};

struct naccs_pw_verdict {
	enum naccs_pw_rule rule;
	char message[NACCS_ERR_MSG_MAX]; /* for the user, translated; "" when OK */
};

/* What the password must not contain (NULL or "" for what the ID lacks). */
struct naccs_pw_user {
	const char *login;
	const char *user_code;
	const char *id_number;
	const char *name; /* the person's name (gecos) */
};

/* A password normalised to NFC: its UTF-8 bytes and its code points. */
struct naccs_pw_text {
	char *utf8; /* NUL-terminated */
	size_t bytes;
	unsigned *cp; /* code points (uint32_t values) */
	size_t n;
};

/* Check the bytes (before anything else: size, NUL, UTF-8) and normalise
 * to NFC.  0 and *out filled (free with naccs_pw_text_free), or 1 with the
 * refusal in *v, or -ENOMEM. */
int naccs_pw_text_from(const struct naccs_password_config *pc, size_t max_bytes, const char *pw,
		       size_t len, struct naccs_pw_text *out, struct naccs_pw_verdict *v);
void naccs_pw_text_free(struct naccs_pw_text *t);

/* rules/password_strength.c: the rules on the text alone (length, classes, repeats,
 * sequences, user data) and, when old is not NULL, against the old password
 * (same, minimum difference).  true when it passes; else *v says why. */
bool naccs_pw_strength(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
		       const struct naccs_pw_user *user, const struct naccs_pw_text *old,
		       struct naccs_pw_verdict *v);

/* rules/password_dictionary.c: the dictionary check (when dictionary_check is on).
 * 0 passes, 1 refused (*v), -errno when the dictionary is missing, unsafe
 * (owned by someone other than root or owner, writable by others) or
 * unusable: the caller fails closed, *v says so and err has the detail for
 * the log. */
int naccs_pw_dictionary(const struct naccs_password_config *pc, uid_t owner,
			const struct naccs_pw_text *pw, struct naccs_pw_verdict *v,
			struct naccs_err *err);

/* rules/password_blocklist.c: the blocklist (when one is configured), matched
 * case-insensitively on the NFC text; the file is read with the trusted-file
 * checks against owner.  Same returns as naccs_pw_dictionary. */
int naccs_pw_blocklist(const struct naccs_password_config *pc, uid_t owner,
		       const struct naccs_pw_text *pw, struct naccs_pw_verdict *v,
		       struct naccs_err *err);

/* Every rule that needs neither the store nor the current password:
 * naccs_pw_text_from, strength, dictionary, blocklist, in that order.
 * 0 passes, 1 refused (*v), -errno fail closed (*v and err say why). */
int naccs_pw_check_new(const struct naccs_config *cfg, const char *pw, size_t len,
		       const struct naccs_pw_user *user, const char *old,
		       struct naccs_pw_verdict *v, struct naccs_err *err);

/* rules/password_generate.c: a random one-time password of at least 16 characters
 * (more if min_length says so) that meets every rule above for user, into
 * out (outlen bytes).  0, or -errno with the reason (a policy no generated
 * password can meet; a dictionary that cannot be used). */
int naccs_pw_generate(const struct naccs_config *cfg, const struct naccs_pw_user *user, char *out,
		      size_t outlen, struct naccs_err *err);

void naccs_pw_verdict_set(struct naccs_pw_verdict *v, enum naccs_pw_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
