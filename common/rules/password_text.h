/* A new password as text (rules/password_text.c): its bytes checked before
 * anything else (size, NUL, UTF-8) and normalised to NFC; and what every
 * rule of the password family shares: the settings of [password] (which
 * naccs.conf embeds, config/conf.h) and the verdict of a rule. */
#ifndef NACCS_PASSWORD_TEXT_H
#define NACCS_PASSWORD_TEXT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Character classes a password may be required to mix ([password] classes),
 * judged on Unicode code points after NFC (rules/password_strength.c), never by the
 * process locale. */
enum naccs_pw_class {
	NACCS_PWCLASS_UPPER = 1u << 0,	/* upper case letters (Lu) */
	NACCS_PWCLASS_LOWER = 1u << 1,	/* lower case letters (Ll) */
	NACCS_PWCLASS_DIGIT = 1u << 2,	/* decimal digits (Nd) */
	NACCS_PWCLASS_SYMBOL = 1u << 3, /* punctuation, symbols, spaces */
	NACCS_PWCLASS_OTHER = 1u << 4,	/* anything else: kana, kanji, ... */
};
#define NACCS_PWCLASS_ALL 0x1fu

/* [password]: the rules of a password change (UTS-2.2.1.1(1)(e)(ウ), (g)(オ),
 * (c)).  The built-in defaults are the uts2012 profile's. */
struct naccs_password_config {
	uint32_t min_length, max_length; /* characters (code points after NFC) */
	uint32_t min_classes;		 /* of the classes that count */
	unsigned classes;		 /* enum naccs_pw_class bits that count */
	uint32_t max_repeat;		 /* identical characters in a row; 0 = off */
	uint32_t max_sequence;		 /* e.g. "abcd", "4321"; 0 = off */
	bool user_check;		 /* login, user code, number, name inside */
	bool dictionary_check;		 /* cracklib through libpwquality */
	char dictionary[PATH_MAX];	 /* cracklib dictionary, without suffix */
	char blocklist[PATH_MAX];	 /* one password per line; "" = none */
	uint32_t min_diff;		 /* characters of the new not in the old */
	uint32_t history;		 /* previous hashes refused; 0 = off */
	uint32_t min_age_days;		 /* between two changes by the user */
	uint32_t max_age_days;		 /* then a forced change; 0 = never */
	uint32_t warn_days;		 /* warning before max age */
	uint32_t grace_days;		 /* after max age, refused; 0 = no limit */
	uint32_t retry;			 /* prompts for a new password per change */
};

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

void naccs_pw_verdict_set(struct naccs_pw_verdict *v, enum naccs_pw_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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

#endif
