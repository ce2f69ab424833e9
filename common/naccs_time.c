#include "config.h"

#include <stdio.h>
#include <time.h>

#include "naccs_time.h"

int64_t naccs_now_wall(void)
{
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
