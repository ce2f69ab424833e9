/* testlog.h: syslog(3) and its fortified forms, captured. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "testlog.h"

static char logbuf[1 << 16];
static size_t loglen;

static void capture(const char *fmt, va_list ap)
{
	int n;

	if (loglen + 2 >= sizeof(logbuf))
		return;
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen - 1, fmt, ap);
	if (n > 0)
		loglen += (size_t)n < sizeof(logbuf) - loglen - 1 ? (size_t)n
								  : sizeof(logbuf) - loglen - 2;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

void tl_reset(void)
{
	loglen = 0;
	logbuf[0] = '\0';
}

bool tl_logged(const char *s)
{
	return strstr(logbuf, s) != NULL;
}

const char *tl_text(void)
{
	return logbuf;
}

/* Built with -fvisibility=hidden: these must be seen by the module. */
#define VISIBLE __attribute__((visibility("default")))
VISIBLE void syslog(int pri, const char *fmt, ...);
VISIBLE void vsyslog(int pri, const char *fmt, va_list ap);
VISIBLE void __syslog_chk(int pri, int flag, const char *fmt, ...);
VISIBLE void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap);

VISIBLE void syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	(void)pri;
	va_start(ap, fmt);
	capture(fmt, ap);
	va_end(ap);
}

VISIBLE void vsyslog(int pri, const char *fmt, va_list ap)
{
	(void)pri;
	capture(fmt, ap);
}

VISIBLE void __syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)pri;
	(void)flag;
	va_start(ap, fmt);
	capture(fmt, ap);
	va_end(ap);
}

VISIBLE void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{
	(void)pri;
	(void)flag;
	capture(fmt, ap);
}
