/* Decimal numbers typed by administrators or read from files and stored
 * hashes: the one parser of libnaccs and naccsctl. */
#ifndef NACCS_NUM_H
#define NACCS_NUM_H

#include <stddef.h>

/* Parse the len bytes at s (need not be NUL-terminated) as an unsigned
 * decimal number from min to max.  Digits only: no sign, no blank, no base
 * prefix, no trailing junk (strtoul would take " -1" as a huge number);
 * leading zeros are allowed (callers that need a canonical form check it).
 * 0 with *out set; -EINVAL when s is not a number (empty, a byte that is
 * not a digit); -ERANGE when it is one but outside min..max, however many
 * digits it has.  *out is untouched on error. */
int naccs_parse_ulong(const char *s, size_t len, unsigned long min, unsigned long max,
		      unsigned long *out);

#endif
