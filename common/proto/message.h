/* A message of the naccsd protocol (docs/PROTOCOL.md): built with typed
 * setters and encoded to a frame's body, or decoded from one and read with
 * typed getters; every value is checked against the fixed schema
 * (proto/schema.h) both ways.  A message holds its values in its own
 * fixed-size buffer (no allocation but naccs_msg_new's); naccs_msg_clear
 * and naccs_msg_free wipe that buffer, secrets included (base/secret.h).
 * No state shared between messages: thread-safe; never aborts.
 * Every function returns 0 or -errno with a message in err. */
#ifndef NACCS_PROTO_MESSAGE_H
#define NACCS_PROTO_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/time.h"
#include "proto/frame.h"
#include "proto/schema.h"

#define NACCS_PROTO_MAGIC  "NACC"
#define NACCS_PROTO_ID_LEN 16
/* magic, version, type, request id, field count. */
#define NACCS_PROTO_HEADER_LEN 26
#define NACCS_PROTO_FIELD_HEAD 6
/* The most fields a message may carry (repeated ones counted each). */
#define NACCS_PROTO_FIELDS_MAX 128

struct naccs_msg_field {
	uint16_t tag;
	uint32_t off; /* of the value in data[] */
	uint32_t len;
};

/* Treat as opaque: use the functions below.  One not made by naccs_msg_new
 * starts zeroed (`struct naccs_msg *m = calloc(1, sizeof(*m))`, or memset):
 * it is about 66 KB, too big for a host thread's stack.  version, type and request_id
 * are set once the header is read, even when the rest fails to decode
 * (header_ok), so a server can echo the id in its ERROR. */
struct naccs_msg {
	uint16_t version;
	uint16_t type;
	uint8_t request_id[NACCS_PROTO_ID_LEN];
	bool header_ok;
	unsigned n_fields;
	struct naccs_msg_field fields[NACCS_PROTO_FIELDS_MAX];
	size_t wire_len; /* the encoded body's length so far */
	size_t used;	 /* bytes of data[] in use */
	/* Each value, then a NUL (strings and secrets read as C strings). */
	uint8_t data[NACCS_PROTO_FRAME_MAX + NACCS_PROTO_FIELDS_MAX];
};

/* A message on the heap, empty (type 0); NULL when memory is short. */
struct naccs_msg *naccs_msg_new(void);
/* Wipe and free (NULL is fine). */
void naccs_msg_free(struct naccs_msg *m);
/* Wipe every value (secrets included) and empty the message. */
void naccs_msg_clear(struct naccs_msg *m);

/* Start a message of type (a known type): empties m, sets the version and
 * the request id: a copy of request_id, or, when NULL, 16 fresh random
 * bytes (getrandom).  A response takes its request's id. */
int naccs_msg_start(struct naccs_msg *m, uint16_t type, const uint8_t *request_id,
		    struct naccs_err *err);
/* Start the response to req (or ERROR when type is NACCS_MSG_ERROR). */
int naccs_msg_start_response(struct naccs_msg *m, const struct naccs_msg *req, uint16_t type,
			     struct naccs_err *err);

/* Setters: the tag must be allowed by the message's type (-EINVAL), of the
 * setter's kind (-EINVAL), within its maximum length (-EMSGSIZE), not set
 * already unless it may repeat (-EEXIST), with valid content (-EINVAL:
 * strings UTF-8 without control characters, secrets without NUL); the
 * message must fit a frame (-EMSGSIZE).  A failed setter changes nothing.
 * A NULL string or secret is -EINVAL (an absent PAM item: set nothing). */
int naccs_msg_set_str(struct naccs_msg *m, uint16_t tag, const char *s, struct naccs_err *err);
int naccs_msg_set_strn(struct naccs_msg *m, uint16_t tag, const char *s, size_t len,
		       struct naccs_err *err);
int naccs_msg_set_secret(struct naccs_msg *m, uint16_t tag, const char *s, struct naccs_err *err);
int naccs_msg_set_bytes(struct naccs_msg *m, uint16_t tag, const void *p, size_t len,
			struct naccs_err *err);
int naccs_msg_set_u32(struct naccs_msg *m, uint16_t tag, uint32_t v, struct naccs_err *err);
int naccs_msg_set_u64(struct naccs_msg *m, uint16_t tag, uint64_t v, struct naccs_err *err);
int naccs_msg_set_i64(struct naccs_msg *m, uint16_t tag, int64_t v, struct naccs_err *err);
int naccs_msg_set_bool(struct naccs_msg *m, uint16_t tag, bool v, struct naccs_err *err);

/* Encode m into out (outsz bytes): the frame's body.  -EPROTO when a
 * required field is missing, -ENOSPC when out is too small. */
int naccs_msg_encode(const struct naccs_msg *m, uint8_t *out, size_t outsz, size_t *len,
		     struct naccs_err *err);

/* Decode a frame's body into m (emptied first), enforcing every rule of
 * docs/PROTOCOL.md: -EPROTONOSUPPORT for a version other than
 * NACCS_PROTO_VERSION (m->version says which), -EPROTO for anything else
 * (bad magic, truncation, unknown type or tag, a missing required or a
 * duplicate field, an over-long value, bad UTF-8 or a control character,
 * an integer of the wrong size, a bool not 0 or 1, trailing bytes).  On
 * failure m holds no value (header_ok tells whether type and request_id
 * were read). */
int naccs_msg_decode(struct naccs_msg *m, const uint8_t *body, size_t len, struct naccs_err *err);

/* Getters: 0, -ENOENT when the field is absent (or idx is past the last of
 * a repeated tag), -EINVAL when tag is not of the getter's kind.  Strings
 * and secrets point into m (NUL-terminated, valid until m changes); len
 * may be NULL. */
unsigned naccs_msg_count(const struct naccs_msg *m, uint16_t tag);
bool naccs_msg_has(const struct naccs_msg *m, uint16_t tag);
int naccs_msg_get_str(const struct naccs_msg *m, uint16_t tag, const char **s, size_t *len);
int naccs_msg_get_str_at(const struct naccs_msg *m, uint16_t tag, unsigned idx, const char **s,
			 size_t *len);
int naccs_msg_get_secret(const struct naccs_msg *m, uint16_t tag, const char **s);
int naccs_msg_get_bytes(const struct naccs_msg *m, uint16_t tag, const uint8_t **p, size_t *len);
int naccs_msg_get_u32(const struct naccs_msg *m, uint16_t tag, uint32_t *v);
int naccs_msg_get_u32_at(const struct naccs_msg *m, uint16_t tag, unsigned idx, uint32_t *v);
int naccs_msg_get_u64(const struct naccs_msg *m, uint16_t tag, uint64_t *v);
int naccs_msg_get_i64(const struct naccs_msg *m, uint16_t tag, int64_t *v);
int naccs_msg_get_bool(const struct naccs_msg *m, uint16_t tag, bool *v);

/* Encode m and write it as one frame / read one frame and decode it into m
 * (proto/frame.h's errors, then naccs_msg_decode's).  The frame buffer is
 * allocated, wiped and freed inside (-ENOMEM). */
int naccs_msg_send(int fd, const struct naccs_msg *m, naccs_deadline_t deadline,
		   struct naccs_err *err);
int naccs_msg_recv(int fd, struct naccs_msg *m, naccs_deadline_t deadline, struct naccs_err *err);

#endif
