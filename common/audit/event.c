/* What an event is: audit/event.h. */
#include "config.h"

#include <stdint.h>

#include "audit/event.h"
#include "base/text.h"

void naccs_event_sanitize(const char *s, char *out, size_t outlen)
{
	/* Controls, quotes and backslashes could forge or break the key="value"
	 * fields; well-formed UTF-8 (a gecos in Japanese) passes, whole. */
	naccs_text_sanitize(s, SIZE_MAX, out, outlen, NACCS_TEXT_QUOTES);
}
