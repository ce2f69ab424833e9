/* The strength rules on the text of a new password
 * (rules/password_strength.c, UTS-2.2.1.1(1)(e)(ウ)). */
#ifndef NACCS_PASSWORD_STRENGTH_H
#define NACCS_PASSWORD_STRENGTH_H

#include <stdbool.h>

#include "rules/password_text.h"

/* What the password must not contain (NULL or "" for what the ID lacks). */
struct naccs_pw_user {
	const char *login;
	const char *user_code;
	const char *id_number;
	const char *name; /* the person's name (gecos) */
};

/* The rules on the text alone (length, classes, repeats, sequences, user
 * data) and, when old is not NULL, against the old password (same,
 * minimum difference).  true when it passes; else *v says why. */
bool naccs_pw_strength(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
		       const struct naccs_pw_user *user, const struct naccs_pw_text *old,
		       struct naccs_pw_verdict *v);

#endif
