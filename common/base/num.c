/* Decimal numbers (see base/num.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "base/num.h"

int naccs_parse_ulong(const char *s, size_t len, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	unsigned long v = 0;
	bool too_big = false;

	if (s == NULL || out == NULL || len == 0)
		return -EINVAL;
	/* The whole text is read even past an overflow, so that "9...9x" is
	 * "not a number" rather than "too big". */
	for (size_t i = 0; i < len; i++) {
		unsigned long digit;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		digit = (unsigned long)(s[i] - '0');
		if (too_big || v > (ULONG_MAX - digit) / 10)
			too_big = true;
		else
			v = v * 10 + digit;
	}
	if (too_big || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
