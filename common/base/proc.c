/* The audit login uid of a process: base/proc.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/num.h"
#include "base/path.h"
#include "base/proc.h"

#define NO_UID 4294967295UL

bool naccs_proc_loginuid(long pid, uint32_t *out)
{
	char path[64], buf[32];
	unsigned long v;
	ssize_t n;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/loginuid");
	else
		snprintf(path, sizeof(path), "/proc/%ld/loginuid", pid);
	n = naccs_path_read_small(path, buf, sizeof(buf));
	if (n <= 0)
		return false;
	if (naccs_parse_ulong(buf, strcspn(buf, "\n "), 0, NO_UID, &v) != 0 || v == NO_UID)
		return false;
	*out = (uint32_t)v;
	return true;
}
