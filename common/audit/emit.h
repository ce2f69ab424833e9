/* The one place where every event (audit/event.h) is reported
 * (UTS-2.2.1.4(1)(a)): one line of the audit trail (audit/trail.h, the
 * record of truth) when ev->trail names a configuration, one syslog line
 * (LOG_AUTHPRIV; locks, su and suspicious refusals at LOG_ALERT) for
 * central collection, and the alert (audit/alert.h) where one is wanted.
 * Never a password, a hash or any reversible form of one. */
#ifndef NACCS_AUDIT_EMIT_H
#define NACCS_AUDIT_EMIT_H

#include "audit/event.h"
#include "base/err.h"

/* Report an event: the trail line (when ev->trail is set), then the syslog
 * line.  Returns 0, or -errno with a message when the trail line could not
 * be written (a syslog line at LOG_ALERT says so): callers that let someone
 * in or change something check it and fail closed under
 * [audit] on_audit_failure = deny (UTS-2.2.1.4(1)(b)). */
int naccs_event_emit(const struct naccs_event *ev, struct naccs_err *err);

#endif
