/* Time helpers: wall-clock seconds for records, monotonic deadlines for
 * operations (every store operation takes a deadline). */
#ifndef NACCS_TIME_H
#define NACCS_TIME_H

#include <stddef.h>
#include <stdint.h>

/* An absolute CLOCK_MONOTONIC time in milliseconds. */
typedef int64_t naccs_deadline_t;

int64_t naccs_now_wall(void);	 /* seconds since the epoch */
int64_t naccs_now_mono_ms(void); /* CLOCK_MONOTONIC in ms */
naccs_deadline_t naccs_deadline_in(unsigned ms);
/* Milliseconds left before the deadline, 0 if it has passed. */
int64_t naccs_deadline_left_ms(naccs_deadline_t dl);
/* Format a wall time as "YYYY-MM-DD HH:MM:SS +ZZZZ" (local time). */
void naccs_format_time(int64_t t, char *out, size_t outlen);

#endif
