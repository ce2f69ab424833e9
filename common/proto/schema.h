/* The naccsd protocol's names and its fixed schema (docs/PROTOCOL.md,
 * "Types" and "Fields"): the message types, the field tags with their kind
 * and maximum length, and for each type which tags it allows, which are
 * required and which may repeat.  Constant tables: nothing to set up,
 * nothing shared that changes. */
#ifndef NACCS_PROTO_SCHEMA_H
#define NACCS_PROTO_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NACCS_PROTO_VERSION 1
/* A response's type is its request's with this bit set (not ERROR's). */
#define NACCS_PROTO_RESPONSE 0x8000u

enum naccs_msg_type {
	NACCS_MSG_HELLO = 0x0001,
	NACCS_MSG_AUTH_GATE = 0x0010,
	NACCS_MSG_AUTHENTICATE = 0x0011,
	NACCS_MSG_ACCOUNT = 0x0012,
	NACCS_MSG_SESSION_OPEN = 0x0013,
	NACCS_MSG_SESSION_CLOSE = 0x0014,
	NACCS_MSG_PASSWORD_BEGIN = 0x0015,
	NACCS_MSG_PASSWORD_CHANGE = 0x0016,
	NACCS_MSG_ADMIN = 0x0020,
	NACCS_MSG_RELOAD = 0x0030,
	NACCS_MSG_ERROR = 0x7fff,
};

enum naccs_msg_tag {
	NACCS_TAG_SERVICE = 0x01,
	NACCS_TAG_USER = 0x02,
	NACCS_TAG_TTY = 0x03,
	NACCS_TAG_RHOST = 0x04,
	NACCS_TAG_RUSER = 0x05,
	NACCS_TAG_INVOKER_UID = 0x06,
	NACCS_TAG_INVOKER_LOGINUID = 0x07,
	NACCS_TAG_PASSWORD = 0x08,
	NACCS_TAG_NEW_PASSWORD = 0x09,
	NACCS_TAG_FLAGS = 0x0a,
	NACCS_TAG_LOCALE = 0x0b,
	NACCS_TAG_SESSION_MARK = 0x0c,
	NACCS_TAG_PRIOR_GENERATION = 0x0d,
	NACCS_TAG_OPERATION = 0x20,
	NACCS_TAG_REASON = 0x21,
	NACCS_TAG_ADMIN_FLAGS = 0x22,
	NACCS_TAG_CLAIM = 0x23,
	NACCS_TAG_VALUE = 0x24,
	NACCS_TAG_GROUP = 0x25,
	NACCS_TAG_GID = 0x26,
	NACCS_TAG_OUTCOME = 0x40,
	NACCS_TAG_MESSAGE = 0x41,
	NACCS_TAG_INFO = 0x42,
	NACCS_TAG_LOGIN = 0x43,
	NACCS_TAG_RETRY_AFTER_MS = 0x44,
	NACCS_TAG_GENERATION = 0x45,
	NACCS_TAG_SESSION_MARK_OUT = 0x46,
	NACCS_TAG_REPLAYED = 0x47,
	NACCS_TAG_PASSWORD_EXPIRES = 0x48,
	NACCS_TAG_EVENT = 0x49,
	NACCS_TAG_ADMIN_RESULT = 0x4a,
	NACCS_TAG_UID = 0x4b,
	NACCS_TAG_ONE_TIME_PASSWORD = 0x4c,
	NACCS_TAG_SERVER_VERSION = 0x50,
	NACCS_TAG_FRAME_MAX = 0x51,
	NACCS_TAG_ERROR_CODE = 0x60,
	NACCS_TAG_ERROR_TEXT = 0x61,
	NACCS_TAG_VERSIONS = 0x62,
};

/* The flags field's bits. */
#define NACCS_FLAG_QUIET	 0x1u
#define NACCS_FLAG_SILENT	 0x2u
#define NACCS_FLAG_PRELIM	 0x4u
#define NACCS_FLAG_NO_FAIL_DELAY 0x8u
/* PASSWORD_*: a forced change (PAM_CHANGE_EXPIRED_AUTHTOK): the current
 * password is asked even of root. */
#define NACCS_FLAG_EXPIRED 0x10u

/* ADMIN's admin_flags (docs/PROTOCOL.md). */
#define NACCS_ADMIN_KEEP_SESSIONS 0x1u

/* ERROR's error_code values. */
#define NACCS_PROTO_ERR_BAD_MESSAGE	    "bad-message"
#define NACCS_PROTO_ERR_UNSUPPORTED_VERSION "unsupported-version"
#define NACCS_PROTO_ERR_NOT_ALLOWED	    "not-allowed"
#define NACCS_PROTO_ERR_BUSY		    "busy"
#define NACCS_PROTO_ERR_DEADLINE	    "deadline"
#define NACCS_PROTO_ERR_UNAVAILABLE	    "unavailable"

enum naccs_field_kind {
	NACCS_KIND_STRING, /* UTF-8, no control character (NUL, C0, DEL, C1) */
	NACCS_KIND_BYTES,  /* any bytes */
	NACCS_KIND_SECRET, /* any bytes but NUL; wiped with the message */
	NACCS_KIND_U32,
	NACCS_KIND_U64,
	NACCS_KIND_I64,
	NACCS_KIND_BOOL,
};

/* A tag of a type's schema. */
#define NACCS_FIELD_REQUIRED 0x1u
#define NACCS_FIELD_REPEAT   0x2u

struct naccs_tag_info {
	uint16_t tag;
	uint8_t kind; /* enum naccs_field_kind */
	uint32_t max; /* most bytes of a value (its exact size for numbers) */
	const char *name;
};

/* The tag's description, or NULL for a tag the protocol does not define. */
const struct naccs_tag_info *naccs_proto_tag(uint16_t tag);

/* True when type is a type of this protocol version (request, response or
 * ERROR).  name: "AUTHENTICATE", "AUTHENTICATE response", "ERROR"; NULL
 * for an unknown type. */
bool naccs_proto_type_known(uint16_t type);
const char *naccs_proto_type_name(uint16_t type);

/* The schema flags (NACCS_FIELD_*) of tag in type, or -1 when type does not
 * allow tag (or either is unknown). */
int naccs_proto_field_flags(uint16_t type, uint16_t tag);

/* Walk type's schema: the i-th allowed tag and its flags; false past the
 * end (or for an unknown type). */
bool naccs_proto_schema_at(uint16_t type, size_t i, uint16_t *tag, unsigned *flags);

#endif
