/* UTF-8, strictly: the one validator of libnaccs, naccsctl and the tests.
 * Strict means what RFC 3629 allows and nothing else: no over-long forms
 * (which would let "/" or a control character hide as a longer sequence),
 * no UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
 * ASCII-only rules: the host's locale never matters. */
#ifndef NACCS_UTF8_H
#define NACCS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1 to 4) of the well-formed character that starts at s, or 0 when
 * none starts there (a stray continuation byte, a bad lead, an over-long
 * form, a surrogate, a code point above U+10FFFF, or a sequence that does
 * not fit in avail bytes).  Reads at most avail bytes, and never beyond the
 * first byte that breaks the sequence (so a NUL ends it).  avail 0 gives 0. */
size_t naccs_utf8_char_len(const char *s, size_t avail);

/* True when the len bytes at s are well-formed UTF-8 (NUL bytes included:
 * U+0000 is a character; callers that refuse it check separately). */
bool naccs_utf8_valid(const char *s, size_t len);

/* The length of the longest prefix of the NUL-terminated s that is at most
 * max bytes and does not end inside a well-formed character: where to cut
 * s to fit max bytes.  strlen(s) when it already fits.  A malformed byte
 * counts as a character of its own. */
size_t naccs_utf8_cut(const char *s, size_t max);

#endif
