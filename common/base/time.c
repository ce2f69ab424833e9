#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/num.h"
#include "base/time.h"

/* The one wall clock of records and lockout rules.  A test build
 * (configure --enable-test-hooks) reads NACCS_TEST_NOW (seconds since the
 * epoch) so the tests can move time without sleeping; secure_getenv keeps
 * even that build from taking it in a set-uid program.  A build without the
 * hook has no way to move this clock. */
int64_t naccs_now_wall(void)
{
#ifdef NACCS_TEST_HOOKS
	const char *fake = secure_getenv("NACCS_TEST_NOW");
	unsigned long v;

	if (fake != NULL && naccs_parse_ulong(fake, strlen(fake), 1, 4102444800UL, &v) == 0)
		return (int64_t)v;
#endif
	return (int64_t)time(NULL);
}

int64_t naccs_now_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

naccs_deadline_t naccs_deadline_in(unsigned ms)
{
	return naccs_now_mono_ms() + (int64_t)ms;
}

int64_t naccs_deadline_left_ms(naccs_deadline_t dl)
{
	int64_t left = dl - naccs_now_mono_ms();

	return left > 0 ? left : 0;
}

void naccs_format_time(int64_t t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (outlen == 0)
		return;
	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M:%S %z", &tm) == 0)
		snprintf(out, outlen, "@%lld", (long long)t);
}
