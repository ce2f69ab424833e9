/* Strict UTF-8 (see base/utf8.h). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/utf8.h"

/* Bytes 2..n of a sequence: 10xxxxxx. */
static bool continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t naccs_utf8_char_len(const char *s, size_t avail)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	size_t n;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	/* C0, C1 (over-long 2-byte forms) and F5..FF never start a character. */
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4;
	else
		return 0;
	/* The second byte's range excludes what the lead alone cannot:
	 * over-long 3- and 4-byte forms, surrogates, > U+10FFFF (RFC 3629 §4). */
	if (p[0] == 0xE0)
		lo = 0xA0;
	else if (p[0] == 0xED)
		hi = 0x9F;
	else if (p[0] == 0xF0)
		lo = 0x90;
	else if (p[0] == 0xF4)
		hi = 0x8F;
	if (avail < 2 || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++) {
		if (i >= avail || !continuation(p[i]))
			return 0;
	}
	return n;
}

bool naccs_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = naccs_utf8_char_len(s + i, len - i);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t naccs_utf8_cut(const char *s, size_t max)
{
	size_t len, start, n;

	if (max >= PTRDIFF_MAX) /* no string is that long */
		return strlen(s);
	len = strnlen(s, max + 1);
	if (len <= max)
		return len;
	/* s[max] is the first byte that does not fit.  If it continues a
	 * character, find where that character starts (at most 3 back). */
	start = max;
	while (start > 0 && max - start < 3 && continuation((unsigned char)s[start]))
		start--;
	if (start == max)
		return max;
	n = naccs_utf8_char_len(s + start, strnlen(s + start, 4));
	/* A well-formed character that crosses max is left out whole;
	 * stray continuation bytes are characters of their own. */
	return (n != 0 && start + n > max) ? start : max;
}
