/* A small JSON writer with deterministic output, for naccsctl's --json and
 * the audit trail: the same calls always give the same bytes.
 *
 *  - Members come out in the order they are written; no whitespace.
 *  - Strings are escaped per RFC 8259: '"' and '\' as \" and \\, and every
 *    control character as \u00XX (lower-case hex): C0 (U+0000..U+001F),
 *    DEL (U+007F) and C1 (U+0080..U+009F), so JSON shown on a terminal
 *    cannot drive it.  Everything else is copied as UTF-8.
 *  - Invalid UTF-8 is REPLACED, never refused: each byte that does not
 *    start a valid sequence (stray continuation bytes, overlong forms,
 *    surrogates, code points above U+10FFFF, truncated sequences) becomes
 *    U+FFFD, written "\ufffd", and is counted in `replaced`.  A hostile
 *    name must not make a record or a report impossible to write; a caller
 *    that must know can check `replaced`.
 *  - Integers are written exactly (int64_t and uint64_t); no floating
 *    point.
 *  - Misuse (a value where a key is due, a key in an array, unbalanced
 *    ends, nesting deeper than NACCS_JSON_DEPTH_MAX, a second top-level
 *    value) fails with -EINVAL; a full buffer with -ENOBUFS; a stream
 *    write error with -EIO.
 *
 * The first failure sticks: every later call does nothing and returns it,
 * so a caller may write a whole document and check naccs_json_finish()
 * once.  A buffer stays NUL-terminated, but after a failure its content is
 * incomplete and must not be used.  The writer makes no copy of what it
 * writes beyond the buffer or stream it was given (a caller writing a
 * secret into a buffer wipes that buffer). */
#ifndef NACCS_JSON_H
#define NACCS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

#define NACCS_JSON_DEPTH_MAX 16

/* Set up by naccs_json_init_*; callers read len and replaced only. */
struct naccs_json {
	FILE *out;	 /* the stream written to, or NULL */
	char *buf;	 /* else the caller's buffer of cap bytes */
	size_t cap;	 /* including the terminating NUL */
	size_t len;	 /* bytes written so far (in buf: without the NUL) */
	size_t replaced; /* invalid UTF-8 bytes written as U+FFFD */
	int err;	 /* the first failure: 0 or -errno */
	const char *why; /* what failed, for naccs_json_finish's message */
	unsigned depth;
	bool want_value;			 /* a key was written: its value is due */
	char open[NACCS_JSON_DEPTH_MAX];	 /* '{' or '[' of each open level */
	bool has_item[NACCS_JSON_DEPTH_MAX + 1]; /* a value was written at the level */
};

/* Write into buf (cap bytes, NUL-terminated as it goes). */
void naccs_json_init_buffer(struct naccs_json *w, char *buf, size_t cap);
/* Write to a stream (e.g. stdout); the caller flushes and closes it. */
void naccs_json_init_stream(struct naccs_json *w, FILE *out);

/* Containers. */
int naccs_json_object_begin(struct naccs_json *w);
int naccs_json_object_end(struct naccs_json *w);
int naccs_json_array_begin(struct naccs_json *w);
int naccs_json_array_end(struct naccs_json *w);

/* A member's key, inside an object; its value is the next call. */
int naccs_json_key(struct naccs_json *w, const char *key);

/* Values. naccs_json_string writes null for NULL. */
int naccs_json_string(struct naccs_json *w, const char *s);
int naccs_json_null(struct naccs_json *w);
int naccs_json_bool(struct naccs_json *w, bool v);
int naccs_json_int(struct naccs_json *w, int64_t v);
int naccs_json_uint(struct naccs_json *w, uint64_t v);

/* Key and value in one call. */
int naccs_json_member_string(struct naccs_json *w, const char *key, const char *s);
int naccs_json_member_bool(struct naccs_json *w, const char *key, bool v);
int naccs_json_member_int(struct naccs_json *w, const char *key, int64_t v);
int naccs_json_member_uint(struct naccs_json *w, const char *key, uint64_t v);
int naccs_json_member_null(struct naccs_json *w, const char *key);

/* The document is complete: one top-level value, every container closed.
 * 0, or the first failure (-EINVAL, -ENOBUFS, -EIO) with a message in err.
 * For a stream, also fails if the stream's error flag is set. */
int naccs_json_finish(struct naccs_json *w, struct naccs_err *err);

#endif
