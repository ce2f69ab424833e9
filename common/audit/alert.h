/* Immediate alerts of the audit trail (UTS-2.2.1.4(1)(d)(イ)): audit/alert.c. */
#ifndef NACCS_ALERT_H
#define NACCS_ALERT_H

#include <stdbool.h>

#include "config/conf.h"
#include "base/err.h"
#include "audit/event.h"

/* The longest an alert may hold the caller (a login), in milliseconds. */
#define NACCS_ALERT_TIMEOUT_MS 2000

/* Is ev one of [audit] alert_events (its action or its reason, or a name
 * followed by '-' that begins one: "su" for "su-invoker-locked"), with an
 * alert_command set? */
bool naccs_alert_wanted(const struct naccs_config *cfg, const struct naccs_event *ev);
/* Run alert_command with ev as JSON on stdin; at most
 * NACCS_ALERT_TIMEOUT_MS.  0, or -errno with a message (the caller logs
 * it; an alert never changes a decision). */
int naccs_alert_run(const struct naccs_config *cfg, const struct naccs_event *ev,
		    struct naccs_err *err);

#endif
