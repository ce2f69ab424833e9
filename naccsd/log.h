/* naccsd's log lines (issue 18): syslog (LOG_AUTHPRIV, opened by main.c;
 * --foreground copies them to stderr), and refusals counted into one line
 * per NACCSD_CAP_LOG_MS at most, so that a flood cannot flood the log. */
#ifndef NACCSD_LOG_H
#define NACCSD_LOG_H

#include "base/time.h"

void naccsd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Refusals of one kind since the last line about them. */
struct naccsd_refusals {
	naccs_deadline_t next;
	unsigned long count;
};

/* Count one refusal; say so (fmt: what, then how many since the last
 * line) unless a line about them was written within NACCSD_CAP_LOG_MS. */
void naccsd_log_refused(struct naccsd_refusals *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
