/* The audit trail's lines and month files (audit/line.c; the layout:
 * audit/trail.h). */
#ifndef NACCS_AUDIT_LINE_H
#define NACCS_AUDIT_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"
#include "base/err.h"

/* What ends a line's MACed body: ,"mac":"<64 hex>"} follows. */
#define NACCS_AUDIT_MAC_TAIL ",\"mac\":\""

/* "YYYY-MM-DDTHH:MM:SSZ" of t (UTC, to the second): the trail's time. */
void naccs_audit_iso_time(int64_t t, char out[32]);
/* "YYYY-MM" of t (UTC). */
void naccs_audit_month(int64_t t, char out[8]);
/* The month files of dir, sorted (oldest first): *names is a malloc'd array
 * of *n malloc'd names ("YYYY-MM.jsonl"); free with naccs_audit_names_free.
 * 0 or -errno. */
int naccs_audit_list(const char *dir, char ***names, size_t *n, struct naccs_err *err);
void naccs_audit_names_free(char **names, size_t n);

/* The string value of member key in a line of the trail (our own format:
 * members are ,"key":"value" with only \" and \\ escaped).  true and out
 * filled, or false when absent (out ""). */
bool naccs_audit_field(const char *line, const char *key, char *out, size_t outlen);
/* A time of the trail, and for report's --since and --until: "YYYY-MM-DD" (UTC midnight) or
 * "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601, UTC).  *date_only says which.  0, or
 * -EINVAL for anything else (an impossible date included). */
int naccs_audit_parse_time(const char *s, int64_t *t, bool *date_only);

/* For the writer (audit/trail.c): the line for ev without its closing
 * ,"mac":"..."}, the MACed body, into buf (*len bytes). */
int audit_format_body(const struct naccs_event *ev, uint64_t seq, const char *prev, int64_t now,
		      char *buf, size_t cap, size_t *len, struct naccs_err *err);
/* The seq and the MACed body length of one of our lines; false if it is
 * not one. */
bool audit_parse_line(const char *line, uint64_t *seq, size_t *body_len, const char **mac);
/* The time of one of our lines into *last_time, when later. */
void audit_later_time(const char *line, int64_t *last_time);

#endif
