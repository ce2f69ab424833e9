/* What an event is: every allow/deny decision and every administrative
 * action (UTS-2.2.1.4(1)(a)), and how its values are made safe for a log
 * line.  Reporting one (trail line, syslog line, alert): audit/emit.h.
 * Never a password, a hash or any reversible form of one (REQUIREMENTS §3.3). */
#ifndef NACCS_EVENT_H
#define NACCS_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct naccs_config;

struct naccs_event {
	const char *type;      /* "auth", "account", "admin" */
	const char *action;    /* "login", "user-add", "lock", ... */
	const char *result;    /* "allow", "deny", "error", "done" */
	const char *reason;    /* short machine-readable reason, e.g. "bad-password" */
	const char *login;     /* canonical login, or a typed name that is no ID as
				  naccs_name_shown gives it (audit/nametag.h) */
	const char *user_code; /* NACCS user code, if known */
	const char *id_number; /* NACCS identifying number, if known */
	const char *service;
	const char *tty;
	const char *rhost;
	const char *actor; /* who did it (administrator, or ruser for su) */
	const char *detail;
	/* The individual behind an su to a shared ID (UTS-2.2.1.1(1)(g)(カ)),
	 * when the invoker is an ID: canonical login, NACCS user code and
	 * identifying number, each its own field of the trail line. */
	const char *individual_login;
	const char *individual_user_code;
	const char *individual_id_number;
	/* Write the audit trail of this configuration ([audit] dir); NULL:
	 * syslog only (library tests that have no trail). */
	const struct naccs_config *trail;
	/* The trail line is written already (naccsctl writes it inside the
	 * store transaction of the change): syslog and the alert only. */
	bool trail_written;
};

/* Copy s into out (outlen bytes, NUL-terminated, never cut inside a
 * character) with controls (C0, DEL, C1), malformed UTF-8, '"' and '\\'
 * replaced by '?' (naccs_text_sanitize), so hostile names cannot forge log
 * lines or fields. */
void naccs_event_sanitize(const char *s, char *out, size_t outlen);

#endif
