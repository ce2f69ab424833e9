/* The one place where every allow/deny decision and every administrative
 * action is reported (UTS-2.2.1.4(1)(a)).  Today an event becomes one syslog
 * line (LOG_AUTHPRIV) with the NACCS log items; the tamper-evident audit trail
 * (its own issue) plugs in here, so no caller changes when it lands.
 * Never a password, a hash or any reversible form of one (REQUIREMENTS §3.3). */
#ifndef NACCS_EVENT_H
#define NACCS_EVENT_H

#include <stddef.h>

#include "naccs_err.h"

struct naccs_event {
	const char *type;      /* "auth", "account", "admin" */
	const char *action;    /* "login", "user-add", "lock", ... */
	const char *result;    /* "allow", "deny", "error", "done" */
	const char *reason;    /* short machine-readable reason, e.g. "bad-password" */
	const char *login;     /* canonical login (or the name as given, sanitised) */
	const char *user_code; /* NACCS user code, if known */
	const char *id_number; /* NACCS identifying number, if known */
	const char *service;
	const char *tty;
	const char *rhost;
	const char *actor; /* who did it (administrator, or ruser for su) */
	const char *detail;
};

/* Report an event. Returns 0, or -errno if it could not be recorded (callers
 * that must fail closed when the trail cannot be written check this). */
int naccs_event_emit(const struct naccs_event *ev, struct naccs_err *err);

/* Copy s into out (outlen bytes, NUL-terminated, never cut inside a
 * character) with controls (C0, DEL, C1), malformed UTF-8, '"' and '\\'
 * replaced by '?' (naccs_text_sanitize), so hostile names cannot forge log
 * lines or fields. */
void naccs_event_sanitize(const char *s, char *out, size_t outlen);

#endif
