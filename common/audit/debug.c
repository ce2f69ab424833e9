#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "audit/debug.h"
#include "audit/nametag.h"

void naccs_debug(bool on, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!on)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* syslog(3) with an explicit facility: no openlog(), which would change
	 * the host process's ident and options. */
	syslog(LOG_AUTHPRIV | LOG_DEBUG, "naccs debug: %s", line);
}

const char *naccs_debug_name(bool on, const char *name)
{
	if (!on)
		return "";
	return naccs_name_is_account(name) ? name : NACCS_NAME_HIDDEN;
}
