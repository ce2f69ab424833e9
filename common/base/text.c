/* The sanitiser (see base/text.h). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "base/utf8.h"

#define ELLIPSIS "..."

/* The character (or malformed byte) at s, avail bytes left: its length,
 * and whether it must be replaced. */
static size_t next_unit(const char *s, size_t avail, unsigned flags, bool *replace)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = naccs_utf8_char_len(s, avail);

	if (n == 0) { /* malformed: this byte alone */
		*replace = true;
		return 1;
	}
	if (n == 1)
		*replace = (c < 0x20 && !(c == '\n' && (flags & NACCS_TEXT_NEWLINES) != 0)) ||
			   c == 0x7f ||
			   ((flags & NACCS_TEXT_QUOTES) != 0 && (c == '"' || c == '\\'));
	else /* C1 controls are U+0080..U+009F: C2 80..C2 9F */
		*replace = c == 0xC2 && (unsigned char)s[1] < 0xA0;
	return n;
}

size_t naccs_text_sanitize(const char *in, size_t inlen, char *out, size_t outsz, unsigned flags)
{
	size_t i = 0, o = 0;
	bool cut = false;

	if (out == NULL || outsz == 0)
		return 0;
	while (in != NULL && i < inlen && in[i] != '\0') {
		bool replace;
		size_t n = next_unit(in + i, inlen - i, flags, &replace);
		size_t w = replace ? 1 : n;

		if (w > outsz - 1 - o) {
			cut = true;
			break;
		}
		if (replace)
			out[o] = '?';
		else
			memcpy(out + o, in + i, n);
		o += w;
		i += n;
	}
	out[o] = '\0';
	/* What is written is well-formed, so it can be cut on a character
	 * boundary to make room for the mark. */
	if (cut && (flags & NACCS_TEXT_ELLIPSIS) != 0 && outsz > sizeof(ELLIPSIS) - 1) {
		o = naccs_utf8_cut(out, outsz - sizeof(ELLIPSIS));
		memcpy(out + o, ELLIPSIS, sizeof(ELLIPSIS));
		o += sizeof(ELLIPSIS) - 1;
	}
	return o;
}

bool naccs_text_is_clean(const char *s, size_t len, unsigned flags)
{
	size_t i = 0;

	while (s != NULL && i < len) {
		bool replace;

		i += next_unit(s + i, len - i, flags, &replace);
		if (replace)
			return false;
	}
	return true;
}

static bool list_sep(char c)
{
	return c == ' ' || c == ',' || c == '\t';
}

bool naccs_text_list_next(const char **p, const char **item, size_t *len)
{
	while (list_sep(**p))
		(*p)++;
	if (**p == '\0')
		return false;
	*item = *p;
	while (**p != '\0' && !list_sep(**p))
		(*p)++;
	*len = (size_t)(*p - *item);
	return true;
}

bool naccs_text_list_has(const char *list, const char *s)
{
	const char *p = list, *item;
	size_t len, slen;

	if (s == NULL || s[0] == '\0')
		return false;
	slen = strlen(s);
	while (naccs_text_list_next(&p, &item, &len))
		if (len == slen && memcmp(item, s, len) == 0)
			return true;
	return false;
}

void naccs_text_tagged_name(const char *prefix, const char *given, char *out, size_t cap)
{
	char clean[48];
	size_t n = 0;

	for (const char *p = given; p != NULL && *p != '\0' && n < sizeof(clean) - 1; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		clean[n++] = ok ? c : '?';
	}
	clean[n] = '\0';
	if (n == 0)
		snprintf(out, cap, "%s", prefix);
	else
		snprintf(out, cap, "%s:%s", prefix, clean);
}
