/* Text from people and from the outside world (login names, PAM items,
 * values in messages, rows read back from the store) made safe to show: the
 * one sanitiser of libnaccs and naccsctl.
 *
 * Replaced by '?': C0 controls (U+0000..U+001F), DEL, C1 controls
 * (U+0080..U+009F, which terminals also obey: CSI, OSC...) as one '?' per
 * character, and each byte that is not part of well-formed UTF-8 (see
 * base/utf8.h).  Everything else, other scripts included, is kept, so the
 * result is always valid UTF-8 and never cut inside a character. */
#ifndef NACCS_TEXT_H
#define NACCS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* A free text kept with an ID or a login (a host, a reason, a home, a
 * name): at most this many bytes with its NUL (the store's limit). */
#define NACCS_TEXT_MAX 256

/* Also replace '"' and '\\': the text goes inside key="value" fields. */
#define NACCS_TEXT_QUOTES 0x1u
/* When the text does not fit, end the copy with "..." (needs outsz >= 4). */
#define NACCS_TEXT_ELLIPSIS 0x2u
/* Keep '\n' (text of several lines shown as one message, e.g. a banner). */
#define NACCS_TEXT_NEWLINES 0x4u

/* Copy at most inlen bytes of in, stopping at a NUL (SIZE_MAX for a C
 * string; in may be NULL, read as ""), into out (outsz bytes, always
 * NUL-terminated when outsz > 0), sanitised as above, with as many whole
 * characters as fit.  Returns the length written. */
size_t naccs_text_sanitize(const char *in, size_t inlen, char *out, size_t outsz, unsigned flags);

/* True when the len bytes at s need no replacement under flags: no control
 * character (a NUL included), no malformed UTF-8.  For checks that refuse
 * such text rather than repair it. */
bool naccs_text_is_clean(const char *s, size_t len, unsigned flags);

/* The lists of a setting (services, names, networks): items separated by
 * spaces, tabs or commas, empty items skipped.  naccs_text_list_next sets
 * *item and *len to the next item after *p and moves *p past it; false at
 * the end of the list. */
bool naccs_text_list_next(const char **p, const char **item, size_t *len);
/* Does list hold s exactly (case-sensitive)?  False for a NULL or empty s. */
bool naccs_text_list_has(const char *list, const char *s);

/* "PREFIX" or "PREFIX:NAME" into out: NAME is what a caller that is not
 * root says it is (at most 47 bytes of given; letters, digits, '.', '_' and
 * '-' kept, anything else '?'), so that it can never pass for another
 * service (sshd) in the store or the trail.  given NULL or "": PREFIX. */
void naccs_text_tagged_name(const char *prefix, const char *given, char *out, size_t cap);

#endif
