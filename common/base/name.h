/* NACCS user IDs and login names.  A NACCS user ID is a user code (5 upper-case
 * alphanumerics today, a 7-character form is planned: both accepted) followed
 * by an identifying number (3 upper-case alphanumerics).  Accepted input forms:
 * "ABCDE001", "ABCDE-001", any case.  The canonical login name is built from
 * them by a configurable format. */
#ifndef NACCS_NAME_H
#define NACCS_NAME_H

#include <stdbool.h>
#include <stddef.h>

#define NACCS_LOGIN_MAX	 32 /* bytes, without NUL */
#define NACCS_CODE_MAX	 7
#define NACCS_NUMBER_LEN 3

enum naccs_login_format {
	NACCS_LOGIN_LOWER_DASH = 0, /* abcde-001 (default) */
	NACCS_LOGIN_LOWER = 1,	    /* abcde001 */
	NACCS_LOGIN_UPPER_DASH = 2, /* ABCDE-001 */
	NACCS_LOGIN_UPPER = 3,	    /* ABCDE001 */
};

/* identity.login_prefix: at most this many bytes (see naccs_name_format_prefixed). */
#define NACCS_LOGIN_PREFIX_MAX 8

struct naccs_user_id {
	char code[NACCS_CODE_MAX + 1];	   /* upper case */
	char number[NACCS_NUMBER_LEN + 1]; /* upper case */
};

/* Parse a NACCS form (see above); 0, or -EINVAL when s is not one. */
int naccs_name_parse(const char *s, struct naccs_user_id *out);
/* Validate a user code / identifying number as typed by an administrator
 * (any case accepted, stored upper case); 0 or -EINVAL. */
int naccs_name_normalize_code(const char *in, char out[NACCS_CODE_MAX + 1]);
int naccs_name_normalize_number(const char *in, char out[NACCS_NUMBER_LEN + 1]);
/* Build the canonical login name; 0, -ENAMETOOLONG, or -EINVAL when it would
 * not pass naccs_name_valid_login (a user code that starts with a digit). */
int naccs_name_format(const struct naccs_user_id *id, enum naccs_login_format fmt, char *out,
		      size_t outlen);
/* The same, with prefix (NULL or "": none) put in front of a user code
 * that starts with a digit, so that it still gives a valid login
 * ("1BCDE-001" -> "n1bcde-001"; upper-cased for the upper formats).  The
 * NACCS forms still name the ID: the resolver finds it by its user code
 * and identifying number (policy/resolve.h).  -EINVAL also for a prefix
 * naccs_name_valid_prefix refuses. */
int naccs_name_format_prefixed(const struct naccs_user_id *id, enum naccs_login_format fmt,
			       const char *prefix, char *out, size_t outlen);
/* identity.login_prefix: 1 to NACCS_LOGIN_PREFIX_MAX bytes, a lower-case
 * letter first, then [a-z0-9_-]. */
bool naccs_name_valid_prefix(const char *s);
/* A safe POSIX-ish login name: [a-zA-Z_][a-zA-Z0-9_.-]*, at most NACCS_LOGIN_MAX,
 * not all digits, no control characters. Hostile names are rejected early. */
bool naccs_name_valid_login(const char *s);
/* Has s the form of a login or a NACCS user ID?  The form alone never
 * makes a typed name writable (a password often has it): audit/nametag.h
 * decides what is written. */
bool naccs_name_loggable(const char *s);
int naccs_login_format_from_name(const char *name, enum naccs_login_format *out);
const char *naccs_login_format_name(enum naccs_login_format fmt);

#endif
