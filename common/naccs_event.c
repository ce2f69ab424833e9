#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "naccs_event.h"
#include "naccs_text.h"

void naccs_event_sanitize(const char *s, char *out, size_t outlen)
{
	/* Controls, quotes and backslashes could forge or break the key="value"
	 * fields; well-formed UTF-8 (a gecos in Japanese) passes, whole. */
	naccs_text_sanitize(s, SIZE_MAX, out, outlen, NACCS_TEXT_QUOTES);
}

#define FIELD_VALUE_MAX 256 /* bytes of one sanitised value, with its NUL */
#define FIELD_COUNT	12
#define KEY_MAX		9 /* "user_code", "id_number" */
/* Room for every field at its longest (' ' key '="' value '"'), so a line is
 * never cut, and never inside a character. */
#define LINE_MAX_BYTES (FIELD_COUNT * (1 + KEY_MAX + 2 + FIELD_VALUE_MAX + 1) + 1)

static void field(char *line, size_t len, size_t *pos, const char *key, const char *value)
{
	char clean[FIELD_VALUE_MAX];
	int n;

	if (value == NULL || value[0] == '\0' || *pos >= len)
		return;
	naccs_event_sanitize(value, clean, sizeof(clean));
	n = snprintf(line + *pos, len - *pos, "%s%s=\"%s\"", *pos ? " " : "", key, clean);
	if (n > 0)
		*pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

int naccs_event_emit(const struct naccs_event *ev, struct naccs_err *err)
{
	char line[LINE_MAX_BYTES];
	size_t pos = 0;

	if (ev == NULL)
		return naccs_err_set(err, EINVAL, "naccs_event_emit: no event");
	line[0] = '\0';
	field(line, sizeof(line), &pos, "type", ev->type);
	field(line, sizeof(line), &pos, "action", ev->action);
	field(line, sizeof(line), &pos, "result", ev->result);
	field(line, sizeof(line), &pos, "reason", ev->reason);
	field(line, sizeof(line), &pos, "login", ev->login);
	field(line, sizeof(line), &pos, "user_code", ev->user_code);
	field(line, sizeof(line), &pos, "id_number", ev->id_number);
	field(line, sizeof(line), &pos, "service", ev->service);
	field(line, sizeof(line), &pos, "tty", ev->tty);
	field(line, sizeof(line), &pos, "rhost", ev->rhost);
	field(line, sizeof(line), &pos, "actor", ev->actor);
	field(line, sizeof(line), &pos, "detail", ev->detail);
	/* syslog(3) with an explicit facility: no openlog(), which would change
	 * the host process's ident and options. */
	syslog(LOG_AUTHPRIV | (strcmp(ev->result ? ev->result : "", "allow") == 0 ||
				       strcmp(ev->result ? ev->result : "", "done") == 0
				   ? LOG_INFO
				   : LOG_NOTICE),
	       "naccs: %s", line);
	return 0;
}
