/* Reporting an event: audit/emit.h. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "audit/alert.h"
#include "audit/emit.h"
#include "audit/trail.h"
#include "base/secret.h"
#include "base/time.h"

#define FIELD_VALUE_MAX 256 /* bytes of one sanitised value, with its NUL */
#define FIELD_COUNT	15
#define KEY_MAX		20 /* "individual_user_code" */
/* Room for every field at its longest (' ' key '="' value '"'), so a line is
 * never cut, and never inside a character. */
#define LINE_MAX_BYTES (FIELD_COUNT * (1 + KEY_MAX + 2 + FIELD_VALUE_MAX + 1) + 1)

static void field(char *line, size_t len, size_t *pos, const char *key, const char *value)
{
	char clean[FIELD_VALUE_MAX];
	int n;

	if (value == NULL || value[0] == '\0' || *pos >= len)
		return;
	naccs_event_sanitize(value, clean, sizeof(clean));
	n = snprintf(line + *pos, len - *pos, "%s%s=\"%s\"", *pos ? " " : "", key, clean);
	if (n > 0)
		*pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

static bool starts(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Locks, su decisions and suspicious refusals reach the operator at once
 * (UTS-2.2.1.4(1)(d)(イ)): LOG_ALERT.  Other refusals LOG_NOTICE. */
static int priority(const struct naccs_event *ev)
{
	const char *result = ev->result ? ev->result : "";

	if ((ev->action != NULL && strcmp(ev->action, "lock") == 0) || starts(ev->reason, "su-") ||
	    starts(ev->reason, "direct-login") || starts(ev->reason, "admin-"))
		return LOG_ALERT;
	if (strcmp(result, "allow") == 0 || strcmp(result, "done") == 0)
		return LOG_INFO;
	return LOG_NOTICE;
}

int naccs_event_emit(const struct naccs_event *ev, struct naccs_err *err)
{
	/* The line (about 4 KB) on the heap: this runs on a PAM host's stack
	 * (issue 18). */
	char *line;
	const size_t cap = LINE_MAX_BYTES;
	struct naccs_err local;
	size_t pos = 0;
	int rc = 0;

	if (ev == NULL)
		return naccs_err_set(err, EINVAL, "naccs_event_emit: no event");
	if (err == NULL) {
		naccs_err_clear(&local);
		err = &local;
	}
	line = calloc(1, cap);
	if (line == NULL) {
		/* Neither trail nor syslog line: the caller fails closed on
		 * the error (a decision that lets in needs its record). */
		syslog(LOG_AUTHPRIV | LOG_ALERT, "naccs: event not recorded: out of memory");
		return naccs_err_set(err, ENOMEM, "naccs_event_emit: out of memory");
	}
	field(line, cap, &pos, "type", ev->type);
	field(line, cap, &pos, "action", ev->action);
	field(line, cap, &pos, "result", ev->result);
	field(line, cap, &pos, "reason", ev->reason);
	field(line, cap, &pos, "login", ev->login);
	field(line, cap, &pos, "user_code", ev->user_code);
	field(line, cap, &pos, "id_number", ev->id_number);
	field(line, cap, &pos, "service", ev->service);
	field(line, cap, &pos, "tty", ev->tty);
	field(line, cap, &pos, "rhost", ev->rhost);
	field(line, cap, &pos, "actor", ev->actor);
	field(line, cap, &pos, "detail", ev->detail);
	field(line, cap, &pos, "individual_login", ev->individual_login);
	field(line, cap, &pos, "individual_user_code", ev->individual_user_code);
	field(line, cap, &pos, "individual_id_number", ev->individual_id_number);
	/* The trail first: it is the record of truth (UTS-2.2.1.4(1)(a)). */
	if (ev->trail != NULL && !ev->trail_written)
		rc = naccs_audit_append(ev->trail, ev, naccs_now_wall(), err);
	/* syslog(3) with an explicit facility: no openlog(), which would change
	 * the host process's ident and options. */
	syslog(LOG_AUTHPRIV | priority(ev), "naccs: %s", line);
	if (rc < 0)
		syslog(LOG_AUTHPRIV | LOG_ALERT, "naccs: audit trail unavailable: %s (event: %s)",
		       err->msg, line);
	/* UTS-2.2.1.4(1)(d)(イ): an alert never changes the decision. */
	if (ev->trail != NULL &&
	    (naccs_alert_wanted(ev->trail, ev) ||
	     (rc < 0 && ev->trail->audit_alert_command[0] != '\0' &&
	      naccs_alert_wanted(ev->trail,
				 &(struct naccs_event){.action = "audit-unavailable"})))) {
		struct naccs_err aerr;

		naccs_err_clear(&aerr);
		if (naccs_alert_run(ev->trail, ev, &aerr) < 0)
			syslog(LOG_AUTHPRIV | LOG_ALERT, "naccs: alert not delivered: %s",
			       aerr.msg);
	}
	naccs_wipe(line, cap); /* names and hosts, nothing secret; wiped all the same */
	free(line);
	return rc;
}
