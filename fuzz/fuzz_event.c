/* naccs_event_sanitize: whatever a user puts in a login name, tty, rhost or
 * gecos, the key="value" field it lands in stays one field on one line, in
 * valid UTF-8 (never a character cut in half), with no terminal control.
 * Input: two bytes give the output size (0..511), the rest is the string. */
#include "config.h"

#include <stdbool.h>

#include "fuzz.h"
#include "audit/event.h"
#include "base/text.h"
#include "base/utf8.h"

/* The next unit of s at i: a well-formed character, or one malformed byte. */
static size_t unit_len(const char *s, size_t i)
{
	size_t n = naccs_utf8_char_len(s + i, strnlen(s + i, 4));

	return n != 0 ? n : 1;
}

static bool replaced(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];

	if (naccs_utf8_char_len(s + i, n) == 0)
		return true; /* malformed */
	if (n == 1)
		return c < 0x20 || c == 0x7f || c == '"' || c == '\\';
	return c == 0xC2 && (unsigned char)s[i + 1] < 0xA0; /* C1 */
}

static void check_sanitized(const char *s, const char *out, size_t outlen)
{
	size_t in_len = strlen(s), out_len, i = 0, o = 0;

	if (outlen == 0)
		return;
	/* NUL-terminated within outlen, valid UTF-8, nothing that could end
	 * or break a key="value" field or drive a terminal. */
	out_len = strnlen(out, outlen);
	FUZZ_CHECK(out_len < outlen);
	FUZZ_CHECK(naccs_utf8_valid(out, out_len));
	FUZZ_CHECK(naccs_text_is_clean(out, out_len, NACCS_TEXT_QUOTES));
	/* Character by character: the input's own, or one '?' for a control
	 * character or a malformed byte. */
	while (o < out_len) {
		size_t n;

		FUZZ_CHECK(i < in_len);
		n = unit_len(s, i);
		if (replaced(s, i, n)) {
			FUZZ_CHECK(out[o] == '?');
			o++;
		} else {
			FUZZ_CHECK(memcmp(out + o, s + i, n) == 0);
			o += n;
		}
		i += n;
	}
	FUZZ_CHECK(o == out_len);
	/* As much of s as fits: the next unit would not have. */
	if (i < in_len) {
		size_t n = unit_len(s, i);

		FUZZ_CHECK(out_len + (replaced(s, i, n) ? 1 : n) > outlen - 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t outlen;
	char *s, *out;

	if (size < 2) {
		char buf[4] = "xyz";

		naccs_event_sanitize(NULL, buf, sizeof(buf));
		FUZZ_CHECK(buf[0] == '\0');
		return 0;
	}
	outlen = (size_t)((data[0] << 8) | data[1]) % 512;
	s = fuzz_cstring(data + 2, size - 2);
	out = fuzz_outbuf(outlen);
	naccs_event_sanitize(s, out, outlen);
	check_sanitized(s, out, outlen);
	free(out);
	free(s);
	return 0;
}
