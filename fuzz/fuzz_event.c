/* naccs_event_sanitize: whatever a user puts in a login name, tty, rhost or
 * gecos, the key="value" field it lands in stays one field on one line.
 * Input: two bytes give the output size (0..511), the rest is the string. */
#include "config.h"

#include "fuzz.h"
#include "naccs_event.h"

static void check_sanitized(const char *s, const char *out, size_t outlen)
{
	size_t in_len = strlen(s), out_len;

	if (outlen == 0)
		return;
	/* NUL-terminated within outlen, and as much of s as fits. */
	out_len = strnlen(out, outlen);
	FUZZ_CHECK(out_len < outlen);
	FUZZ_CHECK(out_len == (in_len < outlen - 1 ? in_len : outlen - 1));
	for (size_t i = 0; i < out_len; i++) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f && c != '"' && c != '\\');
		/* Every byte is the input's own or the '?' that replaced it. */
		FUZZ_CHECK(out[i] == s[i] || out[i] == '?');
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
