/* naccsd's log lines (log.h). */
#include "config.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "caps.h"

void naccsd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

void naccsd_log_refused(struct naccsd_refusals *r, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	r->count++;
	if (naccs_deadline_left_ms(r->next) > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	naccsd_log(LOG_WARNING, "%s: %lu refused since the last such line", line, r->count);
	r->count = 0;
	r->next = naccs_deadline_in(NACCSD_CAP_LOG_MS);
}
