/* The fixed schema of protocol version 1, as docs/PROTOCOL.md lists it:
 * change one, change the other. */
#include "config.h"

#include <stddef.h>

#include "proto/schema.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define REQ	 NACCS_FIELD_REQUIRED
#define REP	 NACCS_FIELD_REPEAT

static const struct naccs_tag_info tags[] = {
    {NACCS_TAG_SERVICE, NACCS_KIND_STRING, 64, "service"},
    {NACCS_TAG_USER, NACCS_KIND_STRING, 256, "user"},
    {NACCS_TAG_TTY, NACCS_KIND_STRING, 64, "tty"},
    {NACCS_TAG_RHOST, NACCS_KIND_STRING, 256, "rhost"},
    {NACCS_TAG_RUSER, NACCS_KIND_STRING, 256, "ruser"},
    {NACCS_TAG_INVOKER_UID, NACCS_KIND_U32, 4, "invoker_uid"},
    {NACCS_TAG_INVOKER_LOGINUID, NACCS_KIND_U32, 4, "invoker_loginuid"},
    {NACCS_TAG_PASSWORD, NACCS_KIND_SECRET, 512, "password"},
    {NACCS_TAG_NEW_PASSWORD, NACCS_KIND_SECRET, 512, "new_password"},
    {NACCS_TAG_FLAGS, NACCS_KIND_U32, 4, "flags"},
    {NACCS_TAG_LOCALE, NACCS_KIND_STRING, 64, "locale"},
    {NACCS_TAG_SESSION_MARK, NACCS_KIND_BYTES, 256, "session_mark"},
    {NACCS_TAG_PRIOR_GENERATION, NACCS_KIND_STRING, 128, "prior_generation"},
    {NACCS_TAG_OPERATION, NACCS_KIND_STRING, 32, "operation"},
    {NACCS_TAG_REASON, NACCS_KIND_STRING, 255, "reason"},
    {NACCS_TAG_ADMIN_FLAGS, NACCS_KIND_U32, 4, "admin_flags"},
    {NACCS_TAG_CLAIM, NACCS_KIND_STRING, 64, "claim"},
    {NACCS_TAG_VALUE, NACCS_KIND_STRING, 64, "value"},
    {NACCS_TAG_GROUP, NACCS_KIND_STRING, 64, "group"},
    {NACCS_TAG_GID, NACCS_KIND_U32, 4, "gid"},
    {NACCS_TAG_OUTCOME, NACCS_KIND_U32, 4, "outcome"},
    {NACCS_TAG_MESSAGE, NACCS_KIND_STRING, 4096, "message"},
    {NACCS_TAG_INFO, NACCS_KIND_STRING, 4096, "info"},
    {NACCS_TAG_LOGIN, NACCS_KIND_STRING, 256, "login"},
    {NACCS_TAG_RETRY_AFTER_MS, NACCS_KIND_U32, 4, "retry_after_ms"},
    {NACCS_TAG_GENERATION, NACCS_KIND_STRING, 128, "generation"},
    {NACCS_TAG_SESSION_MARK_OUT, NACCS_KIND_BYTES, 256, "session_mark"},
    {NACCS_TAG_REPLAYED, NACCS_KIND_BOOL, 1, "replayed"},
    {NACCS_TAG_PASSWORD_EXPIRES, NACCS_KIND_I64, 8, "password_expires"},
    {NACCS_TAG_EVENT, NACCS_KIND_U64, 8, "event"},
    {NACCS_TAG_ADMIN_RESULT, NACCS_KIND_STRING, 32, "admin_result"},
    {NACCS_TAG_UID, NACCS_KIND_U32, 4, "uid"},
    {NACCS_TAG_ONE_TIME_PASSWORD, NACCS_KIND_SECRET, 512, "one_time_password"},
    {NACCS_TAG_SERVER_VERSION, NACCS_KIND_STRING, 64, "server_version"},
    {NACCS_TAG_FRAME_MAX, NACCS_KIND_U32, 4, "frame_max"},
    {NACCS_TAG_ERROR_CODE, NACCS_KIND_STRING, 64, "error_code"},
    {NACCS_TAG_ERROR_TEXT, NACCS_KIND_STRING, 1024, "error_text"},
    {NACCS_TAG_VERSIONS, NACCS_KIND_U32, 4, "versions"},
};

struct field_rule {
	uint16_t tag;
	uint8_t flags;
};

/* What every login request carries (a type's own fields follow). */
static const struct field_rule login_request[] = {
    {NACCS_TAG_SERVICE, REQ},
    {NACCS_TAG_USER, REQ},
    {NACCS_TAG_TTY, 0},
    {NACCS_TAG_RHOST, 0},
    {NACCS_TAG_RUSER, 0},
    {NACCS_TAG_INVOKER_UID, 0},
    {NACCS_TAG_INVOKER_LOGINUID, 0},
    {NACCS_TAG_FLAGS, 0},
    {NACCS_TAG_LOCALE, 0},
};
/* What every response but HELLO's and ERROR carries. */
static const struct field_rule response[] = {
    {NACCS_TAG_OUTCOME, REQ},	   {NACCS_TAG_MESSAGE, 0},  {NACCS_TAG_INFO, REP},
    {NACCS_TAG_RETRY_AFTER_MS, 0}, {NACCS_TAG_REPLAYED, 0}, {NACCS_TAG_EVENT, 0},
};

static const struct field_rule hello_req[] = {{NACCS_TAG_LOCALE, 0}};
static const struct field_rule authenticate_req[] = {{NACCS_TAG_PASSWORD, REQ},
						     {NACCS_TAG_PRIOR_GENERATION, 0}};
static const struct field_rule session_close_req[] = {{NACCS_TAG_SESSION_MARK, REQ}};
static const struct field_rule password_begin_req[] = {{NACCS_TAG_PASSWORD, 0}};
static const struct field_rule password_change_req[] = {{NACCS_TAG_PASSWORD, 0},
							{NACCS_TAG_NEW_PASSWORD, REQ}};
/* user: required by the user.* operations, a group's member (naccsd checks). */
static const struct field_rule admin_req[] = {
    {NACCS_TAG_OPERATION, REQ}, {NACCS_TAG_USER, 0},  {NACCS_TAG_REASON, 0},
    {NACCS_TAG_ADMIN_FLAGS, 0}, {NACCS_TAG_CLAIM, 0}, {NACCS_TAG_VALUE, 0},
    {NACCS_TAG_GROUP, 0},	{NACCS_TAG_GID, 0},   {NACCS_TAG_LOCALE, 0}};
static const struct field_rule hello_resp[] = {
    {NACCS_TAG_SERVER_VERSION, REQ}, {NACCS_TAG_VERSIONS, REQ | REP}, {NACCS_TAG_FRAME_MAX, REQ}};
static const struct field_rule login_resp[] = {{NACCS_TAG_LOGIN, 0}};
static const struct field_rule authenticate_resp[] = {
    {NACCS_TAG_LOGIN, 0}, {NACCS_TAG_GENERATION, 0}, {NACCS_TAG_PASSWORD_EXPIRES, 0}};
static const struct field_rule account_resp[] = {{NACCS_TAG_LOGIN, 0},
						 {NACCS_TAG_PASSWORD_EXPIRES, 0}};
static const struct field_rule admin_resp[] = {{NACCS_TAG_ADMIN_RESULT, REQ},
					       {NACCS_TAG_LOGIN, 0},
					       {NACCS_TAG_UID, 0},
					       {NACCS_TAG_ONE_TIME_PASSWORD, 0},
					       {NACCS_TAG_GID, 0}};
static const struct field_rule session_open_resp[] = {{NACCS_TAG_SESSION_MARK_OUT, 0}};
static const struct field_rule error_msg[] = {{NACCS_TAG_ERROR_CODE, REQ},
					      {NACCS_TAG_ERROR_TEXT, 0},
					      {NACCS_TAG_VERSIONS, REP},
					      {NACCS_TAG_RETRY_AFTER_MS, 0}};

struct type_schema {
	uint16_t type;
	const char *name;
	const struct field_rule *base;
	size_t n_base;
	const struct field_rule *own;
	size_t n_own;
};

#define NONE NULL, 0
#define L(a) a, COUNT(a)
#define R(t) (NACCS_PROTO_RESPONSE | (t))

static const struct type_schema types[] = {
    {NACCS_MSG_HELLO, "HELLO", NONE, L(hello_req)},
    {NACCS_MSG_AUTH_GATE, "AUTH_GATE", L(login_request), NONE},
    {NACCS_MSG_AUTHENTICATE, "AUTHENTICATE", L(login_request), L(authenticate_req)},
    {NACCS_MSG_ACCOUNT, "ACCOUNT", L(login_request), NONE},
    {NACCS_MSG_SESSION_OPEN, "SESSION_OPEN", L(login_request), NONE},
    {NACCS_MSG_SESSION_CLOSE, "SESSION_CLOSE", L(login_request), L(session_close_req)},
    {NACCS_MSG_PASSWORD_BEGIN, "PASSWORD_BEGIN", L(login_request), L(password_begin_req)},
    {NACCS_MSG_PASSWORD_CHANGE, "PASSWORD_CHANGE", L(login_request), L(password_change_req)},
    {NACCS_MSG_ADMIN, "ADMIN", NONE, L(admin_req)},
    {NACCS_MSG_RELOAD, "RELOAD", NONE, NONE},
    {R(NACCS_MSG_HELLO), "HELLO response", NONE, L(hello_resp)},
    {R(NACCS_MSG_AUTH_GATE), "AUTH_GATE response", L(response), L(login_resp)},
    {R(NACCS_MSG_AUTHENTICATE), "AUTHENTICATE response", L(response), L(authenticate_resp)},
    {R(NACCS_MSG_ACCOUNT), "ACCOUNT response", L(response), L(account_resp)},
    {R(NACCS_MSG_SESSION_OPEN), "SESSION_OPEN response", L(response), L(session_open_resp)},
    {R(NACCS_MSG_SESSION_CLOSE), "SESSION_CLOSE response", L(response), NONE},
    {R(NACCS_MSG_PASSWORD_BEGIN), "PASSWORD_BEGIN response", L(response), L(login_resp)},
    {R(NACCS_MSG_PASSWORD_CHANGE), "PASSWORD_CHANGE response", L(response), L(login_resp)},
    {R(NACCS_MSG_ADMIN), "ADMIN response", L(response), L(admin_resp)},
    {R(NACCS_MSG_RELOAD), "RELOAD response", L(response), NONE},
    {NACCS_MSG_ERROR, "ERROR", NONE, L(error_msg)},
};

const struct naccs_tag_info *naccs_proto_tag(uint16_t tag)
{
	for (size_t i = 0; i < COUNT(tags); i++) {
		if (tags[i].tag == tag)
			return &tags[i];
	}
	return NULL;
}

static const struct type_schema *find_type(uint16_t type)
{
	for (size_t i = 0; i < COUNT(types); i++) {
		if (types[i].type == type)
			return &types[i];
	}
	return NULL;
}

bool naccs_proto_type_known(uint16_t type)
{
	return find_type(type) != NULL;
}

const char *naccs_proto_type_name(uint16_t type)
{
	const struct type_schema *t = find_type(type);

	return t != NULL ? t->name : NULL;
}

bool naccs_proto_schema_at(uint16_t type, size_t i, uint16_t *tag, unsigned *flags)
{
	const struct type_schema *t = find_type(type);
	const struct field_rule *r;

	if (t == NULL || i >= t->n_base + t->n_own)
		return false;
	r = i < t->n_base ? &t->base[i] : &t->own[i - t->n_base];
	*tag = r->tag;
	*flags = r->flags;
	return true;
}

int naccs_proto_field_flags(uint16_t type, uint16_t tag)
{
	uint16_t t;
	unsigned flags;

	for (size_t i = 0; naccs_proto_schema_at(type, i, &t, &flags); i++) {
		if (t == tag)
			return (int)flags;
	}
	return -1;
}
