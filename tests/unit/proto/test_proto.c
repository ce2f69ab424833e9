/* The naccsd wire codec (common/proto/, docs/PROTOCOL.md): every type
 * round-trips; every rule of the parser fails closed with its error;
 * secrets are wiped with the message; frames over a socketpair survive
 * partial transfers and fail on a stalled or vanished peer or an oversize
 * length, before reading the body. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/time.h"
#include "proto/frame.h"
#include "proto/message.h"
#include "proto/schema.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const uint16_t all_types[] = {
    NACCS_MSG_HELLO,
    NACCS_MSG_AUTH_GATE,
    NACCS_MSG_AUTHENTICATE,
    NACCS_MSG_ACCOUNT,
    NACCS_MSG_SESSION_OPEN,
    NACCS_MSG_SESSION_CLOSE,
    NACCS_MSG_PASSWORD_BEGIN,
    NACCS_MSG_PASSWORD_CHANGE,
    NACCS_MSG_ADMIN,
    NACCS_MSG_RELOAD,
    NACCS_PROTO_RESPONSE | NACCS_MSG_HELLO,
    NACCS_PROTO_RESPONSE | NACCS_MSG_AUTH_GATE,
    NACCS_PROTO_RESPONSE | NACCS_MSG_AUTHENTICATE,
    NACCS_PROTO_RESPONSE | NACCS_MSG_ACCOUNT,
    NACCS_PROTO_RESPONSE | NACCS_MSG_SESSION_OPEN,
    NACCS_PROTO_RESPONSE | NACCS_MSG_SESSION_CLOSE,
    NACCS_PROTO_RESPONSE | NACCS_MSG_PASSWORD_BEGIN,
    NACCS_PROTO_RESPONSE | NACCS_MSG_PASSWORD_CHANGE,
    NACCS_PROTO_RESPONSE | NACCS_MSG_ADMIN,
    NACCS_PROTO_RESPONSE | NACCS_MSG_RELOAD,
    NACCS_MSG_ERROR,
};

static struct naccs_msg *new_msg(void)
{
	struct naccs_msg *m = naccs_msg_new();

	assert_non_null(m);
	return m;
}

/* ---- raw bodies, built by hand ---- */

struct raw {
	uint8_t b[NACCS_PROTO_FRAME_MAX + 64];
	size_t len;
	size_t count_at;
	unsigned n;
};

static void put(struct raw *r, uint64_t v, size_t n)
{
	for (size_t i = n; i > 0; i--)
		r->b[r->len + i - 1] = (uint8_t)(v >> (8 * (n - i)));
	r->len += n;
}

static void raw_start(struct raw *r, const char *magic, uint16_t version, uint16_t type)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->b, magic, 4);
	r->len = 4;
	put(r, version, 2);
	put(r, type, 2);
	memset(r->b + r->len, 0xab, NACCS_PROTO_ID_LEN);
	r->len += NACCS_PROTO_ID_LEN;
	r->count_at = r->len;
	put(r, 0, 2);
}

static void raw_field(struct raw *r, uint16_t tag, const void *v, uint32_t len)
{
	put(r, tag, 2);
	put(r, len, 4);
	if (len > 0)
		memcpy(r->b + r->len, v, len);
	r->len += len;
	r->n++;
	r->b[r->count_at] = (uint8_t)(r->n >> 8);
	r->b[r->count_at + 1] = (uint8_t)r->n;
}

static void raw_str(struct raw *r, uint16_t tag, const char *s)
{
	raw_field(r, tag, s, (uint32_t)strlen(s));
}

/* A valid AUTHENTICATE with one more field (tag, value, len), or none
 * when value is NULL. */
static struct raw *auth_with(uint16_t tag, const void *value, uint32_t len)
{
	struct raw *r = malloc(sizeof(*r));

	assert_non_null(r);
	raw_start(r, NACCS_PROTO_MAGIC, NACCS_PROTO_VERSION, NACCS_MSG_AUTHENTICATE);
	raw_str(r, NACCS_TAG_SERVICE, "sshd");
	raw_str(r, NACCS_TAG_USER, "ab12345");
	raw_str(r, NACCS_TAG_PASSWORD, "pw");
	if (value != NULL)
		raw_field(r, tag, value, len);
	return r;
}

/* Decoding r fails with -code, and the message names why. */
static void expect_decode(const struct raw *r, int code, const char *why)
{
	struct naccs_msg *m = new_msg();
	struct naccs_err err;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_msg_decode(m, r->b, r->len, &err);
	if (rc != -code || strstr(err.msg, why) == NULL)
		fail_msg("decode: rc %d (want %d), \"%s\" (want \"%s\")", rc, -code, err.msg, why);
	assert_int_equal(err.code, code);
	/* Fails closed: no value is left behind, nothing of the secret quoted. */
	assert_int_equal(m->n_fields, 0);
	assert_null(strstr(err.msg, "pw"));
	naccs_msg_free(m);
}

/* ---- round trips ---- */

/* A sample value of tag's kind, the i-th of its repeats. */
static void set_sample(struct naccs_msg *m, uint16_t tag, unsigned i)
{
	const struct naccs_tag_info *t = naccs_proto_tag(tag);
	struct naccs_err err;
	char s[64];
	uint8_t bytes[3] = {0, 0xff, (uint8_t)i};
	int rc = -1;

	assert_non_null(t);
	snprintf(s, sizeof(s), "%s-%u-田", t->name, i);
	switch (t->kind) {
	case NACCS_KIND_STRING:
		rc = naccs_msg_set_str(m, tag, s, &err);
		break;
	case NACCS_KIND_SECRET:
		rc = naccs_msg_set_secret(m, tag, "s3cret\x01\xff", &err);
		break;
	case NACCS_KIND_BYTES:
		rc = naccs_msg_set_bytes(m, tag, bytes, sizeof(bytes), &err);
		break;
	case NACCS_KIND_U32:
		rc = naccs_msg_set_u32(m, tag, 0xfedcba98u - tag - i, &err);
		break;
	case NACCS_KIND_U64:
		rc = naccs_msg_set_u64(m, tag, 0xfedcba9876543210ull - tag, &err);
		break;
	case NACCS_KIND_I64:
		rc = naccs_msg_set_i64(m, tag, -1234567890123ll - tag, &err);
		break;
	case NACCS_KIND_BOOL:
		rc = naccs_msg_set_bool(m, tag, true, &err);
		break;
	}
	if (rc != 0)
		fail_msg("set %s: %s", t->name, err.msg);
}

static void check_sample(const struct naccs_msg *m, uint16_t tag, unsigned i)
{
	const struct naccs_tag_info *t = naccs_proto_tag(tag);
	char want[64];
	const char *s;
	const uint8_t *p;
	size_t len;
	uint32_t u32;
	uint64_t u64;
	int64_t i64;
	bool b;

	snprintf(want, sizeof(want), "%s-%u-田", t->name, i);
	switch (t->kind) {
	case NACCS_KIND_STRING:
		assert_int_equal(naccs_msg_get_str_at(m, tag, i, &s, &len), 0);
		assert_string_equal(s, want);
		assert_int_equal(len, strlen(want));
		break;
	case NACCS_KIND_SECRET:
		assert_int_equal(naccs_msg_get_secret(m, tag, &s), 0);
		assert_string_equal(s, "s3cret\x01\xff");
		break;
	case NACCS_KIND_BYTES:
		assert_int_equal(naccs_msg_get_bytes(m, tag, &p, &len), 0);
		assert_int_equal(len, 3);
		assert_true(p[0] == 0 && p[1] == 0xff && p[2] == i);
		break;
	case NACCS_KIND_U32:
		assert_int_equal(naccs_msg_get_u32_at(m, tag, i, &u32), 0);
		assert_int_equal(u32, 0xfedcba98u - tag - i);
		break;
	case NACCS_KIND_U64:
		assert_int_equal(naccs_msg_get_u64(m, tag, &u64), 0);
		assert_true(u64 == 0xfedcba9876543210ull - tag);
		break;
	case NACCS_KIND_I64:
		assert_int_equal(naccs_msg_get_i64(m, tag, &i64), 0);
		assert_true(i64 == -1234567890123ll - tag);
		break;
	case NACCS_KIND_BOOL:
		assert_int_equal(naccs_msg_get_bool(m, tag, &b), 0);
		assert_true(b);
		break;
	}
}

/* Every type with every field it allows (repeatable ones three times):
 * encode, decode, the same values, the same bytes again. */
static void test_round_trip_every_type(void **state)
{
	struct naccs_msg *m = new_msg(), *back = new_msg();
	uint8_t *buf = malloc(NACCS_PROTO_FRAME_MAX), *again = malloc(NACCS_PROTO_FRAME_MAX);
	struct naccs_err err;

	(void)state;
	assert_true(buf != NULL && again != NULL);
	for (size_t k = 0; k < COUNT(all_types); k++) {
		uint16_t type = all_types[k], tag;
		unsigned flags;
		size_t len, len2;

		assert_true(naccs_proto_type_known(type));
		assert_non_null(naccs_proto_type_name(type));
		assert_int_equal(naccs_msg_start(m, type, NULL, &err), 0);
		for (size_t i = 0; naccs_proto_schema_at(type, i, &tag, &flags); i++) {
			for (unsigned r = 0; r < (flags & NACCS_FIELD_REPEAT ? 3u : 1u); r++)
				set_sample(m, tag, r);
		}
		if (naccs_msg_encode(m, buf, NACCS_PROTO_FRAME_MAX, &len, &err) != 0)
			fail_msg("%s: %s", naccs_proto_type_name(type), err.msg);
		if (naccs_msg_decode(back, buf, len, &err) != 0)
			fail_msg("%s: %s", naccs_proto_type_name(type), err.msg);
		assert_int_equal(back->type, type);
		assert_int_equal(back->version, NACCS_PROTO_VERSION);
		assert_memory_equal(back->request_id, m->request_id, NACCS_PROTO_ID_LEN);
		for (size_t i = 0; naccs_proto_schema_at(type, i, &tag, &flags); i++) {
			unsigned n = flags & NACCS_FIELD_REPEAT ? 3u : 1u;

			assert_int_equal(naccs_msg_count(back, tag), n);
			for (unsigned r = 0; r < n; r++)
				check_sample(back, tag, r);
		}
		assert_int_equal(naccs_msg_encode(back, again, NACCS_PROTO_FRAME_MAX, &len2, &err),
				 0);
		assert_int_equal(len2, len);
		assert_memory_equal(again, buf, len);

		/* Only the required fields: still a valid message. */
		assert_int_equal(naccs_msg_start(m, type, NULL, &err), 0);
		for (size_t i = 0; naccs_proto_schema_at(type, i, &tag, &flags); i++) {
			if (flags & NACCS_FIELD_REQUIRED)
				set_sample(m, tag, 0);
		}
		assert_int_equal(naccs_msg_encode(m, buf, NACCS_PROTO_FRAME_MAX, &len, &err), 0);
		assert_int_equal(naccs_msg_decode(back, buf, len, &err), 0);
	}
	naccs_msg_free(m);
	naccs_msg_free(back);
	free(buf);
	free(again);
}

/* A login exchange as the PAM module and the server would write it. */
static void test_authenticate_exchange(void **state)
{
	struct naccs_msg *req = new_msg(), *resp = new_msg(), *got = new_msg();
	uint8_t buf[4096];
	struct naccs_err err;
	const char *s;
	size_t len;
	uint32_t v;

	(void)state;
	assert_int_equal(naccs_msg_start(req, NACCS_MSG_AUTHENTICATE, NULL, &err), 0);
	assert_int_equal(naccs_msg_set_str(req, NACCS_TAG_SERVICE, "sshd", &err), 0);
	assert_int_equal(naccs_msg_set_str(req, NACCS_TAG_USER, "ab12345", &err), 0);
	assert_int_equal(naccs_msg_set_secret(req, NACCS_TAG_PASSWORD, "correct horse", &err), 0);
	assert_int_equal(naccs_msg_set_str(req, NACCS_TAG_RHOST, "", &err), 0);
	assert_int_equal(naccs_msg_set_u32(req, NACCS_TAG_FLAGS, NACCS_FLAG_SILENT, &err), 0);
	assert_int_equal(naccs_msg_encode(req, buf, sizeof(buf), &len, &err), 0);
	assert_int_equal(naccs_msg_decode(got, buf, len, &err), 0);
	assert_int_equal(naccs_msg_get_secret(got, NACCS_TAG_PASSWORD, &s), 0);
	assert_string_equal(s, "correct horse");
	assert_int_equal(naccs_msg_get_str(got, NACCS_TAG_RHOST, &s, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(naccs_msg_get_str(got, NACCS_TAG_TTY, &s, NULL), -ENOENT);
	assert_int_equal(naccs_msg_get_u32(got, NACCS_TAG_SERVICE, &v), -EINVAL);
	assert_int_equal(naccs_msg_get_u32(got, NACCS_TAG_FLAGS, &v), 0);
	assert_int_equal(v, NACCS_FLAG_SILENT);

	/* The response carries the request's id; fresh requests get fresh ids. */
	assert_int_equal(naccs_msg_start_response(
			     resp, got, NACCS_PROTO_RESPONSE | NACCS_MSG_AUTHENTICATE, &err),
			 0);
	assert_memory_equal(resp->request_id, req->request_id, NACCS_PROTO_ID_LEN);
	assert_int_equal(naccs_msg_start(got, NACCS_MSG_HELLO, NULL, &err), 0);
	assert_memory_not_equal(got->request_id, req->request_id, NACCS_PROTO_ID_LEN);
	assert_int_equal(naccs_msg_set_u32(resp, NACCS_TAG_OUTCOME, 0, &err), 0);
	assert_int_equal(naccs_msg_set_str(resp, NACCS_TAG_INFO, "line 1", &err), 0);
	assert_int_equal(naccs_msg_set_str(resp, NACCS_TAG_INFO, "line 2", &err), 0);
	assert_int_equal(naccs_msg_encode(resp, buf, sizeof(buf), &len, &err), 0);
	assert_int_equal(naccs_msg_decode(got, buf, len, &err), 0);
	assert_int_equal(naccs_msg_count(got, NACCS_TAG_INFO), 2);
	assert_int_equal(naccs_msg_get_str_at(got, NACCS_TAG_INFO, 1, &s, NULL), 0);
	assert_string_equal(s, "line 2");
	assert_int_equal(naccs_msg_get_str_at(got, NACCS_TAG_INFO, 2, &s, NULL), -ENOENT);
	naccs_msg_free(req);
	naccs_msg_free(resp);
	naccs_msg_free(got);
}

/* ---- the parser's rules ---- */

static void test_decode_header_rules(void **state)
{
	struct raw *r = auth_with(0, NULL, 0);
	struct naccs_msg *m = new_msg();
	struct naccs_err err;

	(void)state;
	assert_int_equal(naccs_msg_decode(m, r->b, r->len, &err), 0);

	memcpy(r->b, "NACX", 4);
	expect_decode(r, EPROTO, "bad magic");
	memcpy(r->b, NACCS_PROTO_MAGIC, 4);

	/* An unknown version: the unsupported-version path, with the version. */
	r->b[5] = 2;
	assert_int_equal(naccs_msg_decode(m, r->b, r->len, &err), -EPROTONOSUPPORT);
	assert_int_equal(m->version, 2);
	assert_false(m->header_ok);
	assert_non_null(strstr(err.msg, "version 2 not supported"));
	r->b[5] = 1;

	{
		struct raw t = *r;

		t.len = 5;
		expect_decode(&t, EPROTO, "truncated header");
		t.len = NACCS_PROTO_HEADER_LEN - 1;
		expect_decode(&t, EPROTO, "truncated header");
	}
	r->b[7] = 0x99; /* type 0x0099 */
	expect_decode(r, EPROTO, "unknown message type 0x0099");
	r->b[7] = NACCS_MSG_AUTHENTICATE;

	/* A failed decode keeps the header (the server echoes the id). */
	r->b[r->count_at + 1] = 4; /* one field more than there is */
	assert_int_equal(naccs_msg_decode(m, r->b, r->len, &err), -EPROTO);
	assert_true(m->header_ok);
	assert_int_equal(m->type, NACCS_MSG_AUTHENTICATE);
	assert_int_equal(m->request_id[0], 0xab);
	assert_int_equal(m->n_fields, 0);
	expect_decode(r, EPROTO, "truncated field");
	r->b[r->count_at] = 0x10; /* 4100 fields */
	expect_decode(r, EPROTO, "more than 128 fields");
	free(r);
	naccs_msg_free(m);
}

static void test_decode_field_rules(void **state)
{
	static const char long65[] =
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	static const uint8_t three[3] = {0, 0, 1}, five[5] = {0, 0, 0, 0, 1};
	struct raw *r;

	(void)state;
	/* Truncated: a value longer than what is left, a field head cut. */
	r = auth_with(NACCS_TAG_TTY, "tty1", 4);
	r->len -= 1;
	expect_decode(r, EPROTO, "truncated field");
	r->len -= 4;
	expect_decode(r, EPROTO, "truncated field");
	free(r);
	/* Trailing bytes after the last field. */
	r = auth_with(0, NULL, 0);
	r->b[r->len++] = 0;
	expect_decode(r, EPROTO, "1 bytes after the last field");
	free(r);
	/* Unknown tags, and known tags the type does not allow. */
	r = auth_with(0x7e, "x", 1);
	expect_decode(r, EPROTO, "field 0x7e not allowed in AUTHENTICATE");
	free(r);
	r = auth_with(NACCS_TAG_OUTCOME, "\0\0\0\0", 4);
	expect_decode(r, EPROTO, "field 0x40 not allowed in AUTHENTICATE");
	free(r);
	r = auth_with(NACCS_TAG_NEW_PASSWORD, "x", 1);
	expect_decode(r, EPROTO, "not allowed in AUTHENTICATE");
	free(r);
	/* A duplicate of a field that does not repeat. */
	r = auth_with(NACCS_TAG_USER, "cd67890", 7);
	expect_decode(r, EPROTO, "field user more than once");
	free(r);
	r = auth_with(NACCS_TAG_PASSWORD, "pw2", 3);
	expect_decode(r, EPROTO, "field password more than once");
	free(r);
	/* Over-long values: one byte over the schema's maximum. */
	r = auth_with(NACCS_TAG_SERVICE, long65, 65);
	expect_decode(r, EPROTO, "service: 65 bytes, at most 64");
	free(r);
	/* Strings: UTF-8, no control character, no NUL. */
	r = auth_with(NACCS_TAG_TTY, "\xc0\xaf", 2);
	expect_decode(r, EPROTO, "tty: invalid UTF-8");
	free(r);
	r = auth_with(NACCS_TAG_TTY, "\xed\xa0\x80", 3); /* a surrogate */
	expect_decode(r, EPROTO, "tty: invalid UTF-8");
	free(r);
	r = auth_with(NACCS_TAG_TTY, "a\0b", 3);
	expect_decode(r, EPROTO, "tty: a NUL byte");
	free(r);
	r = auth_with(NACCS_TAG_TTY, "\x1b[31m", 5);
	expect_decode(r, EPROTO, "tty: a control character");
	free(r);
	r = auth_with(NACCS_TAG_RHOST, "a\nb", 3);
	expect_decode(r, EPROTO, "rhost: a control character");
	free(r);
	r = auth_with(NACCS_TAG_RHOST, "a\x7f", 2);
	expect_decode(r, EPROTO, "rhost: a control character");
	free(r);
	r = auth_with(NACCS_TAG_RHOST, "\xc2\x9b", 2); /* C1 CSI */
	expect_decode(r, EPROTO, "rhost: a control character");
	free(r);
	/* Integers of the wrong size. */
	r = auth_with(NACCS_TAG_FLAGS, three, 3);
	expect_decode(r, EPROTO, "flags: 3 bytes, exactly 4 expected");
	free(r);
	r = auth_with(NACCS_TAG_FLAGS, five, 5);
	expect_decode(r, EPROTO, "flags: 5 bytes, exactly 4 expected");
	free(r);
	/* A missing required field. */
	r = malloc(sizeof(*r));
	assert_non_null(r);
	raw_start(r, NACCS_PROTO_MAGIC, NACCS_PROTO_VERSION, NACCS_MSG_AUTHENTICATE);
	raw_str(r, NACCS_TAG_SERVICE, "sshd");
	raw_str(r, NACCS_TAG_USER, "ab12345");
	expect_decode(r, EPROTO, "AUTHENTICATE without field password");
	free(r);
}

static void test_decode_secret_bool_int(void **state)
{
	struct raw *r = malloc(sizeof(*r));
	struct naccs_msg *m = new_msg();
	struct naccs_err err;
	uint8_t two = 2;
	bool b;

	(void)state;
	assert_non_null(r);
	/* A secret: any byte but NUL, at most 512. */
	raw_start(r, NACCS_PROTO_MAGIC, NACCS_PROTO_VERSION, NACCS_MSG_AUTHENTICATE);
	raw_str(r, NACCS_TAG_SERVICE, "sshd");
	raw_str(r, NACCS_TAG_USER, "ab12345");
	raw_field(r, NACCS_TAG_PASSWORD, "pw\0x", 4);
	expect_decode(r, EPROTO, "password: a NUL byte");
	/* Bool: 0 or 1, one byte. */
	raw_start(r, NACCS_PROTO_MAGIC, NACCS_PROTO_VERSION,
		  NACCS_PROTO_RESPONSE | NACCS_MSG_AUTHENTICATE);
	raw_field(r, NACCS_TAG_OUTCOME, "\0\0\0\1", 4);
	raw_field(r, NACCS_TAG_REPLAYED, "\1", 1);
	assert_int_equal(naccs_msg_decode(m, r->b, r->len, &err), 0);
	assert_int_equal(naccs_msg_get_bool(m, NACCS_TAG_REPLAYED, &b), 0);
	assert_true(b);
	raw_start(r, NACCS_PROTO_MAGIC, NACCS_PROTO_VERSION,
		  NACCS_PROTO_RESPONSE | NACCS_MSG_AUTHENTICATE);
	raw_field(r, NACCS_TAG_OUTCOME, "\0\0\0\1", 4);
	raw_field(r, NACCS_TAG_REPLAYED, &two, 1);
	expect_decode(r, EPROTO, "replayed: a bool other than 0 or 1");
	raw_start(r, NACCS_PROTO_MAGIC, NACCS_PROTO_VERSION,
		  NACCS_PROTO_RESPONSE | NACCS_MSG_AUTHENTICATE);
	raw_field(r, NACCS_TAG_OUTCOME, "\0\0\0\1", 4);
	raw_field(r, NACCS_TAG_REPLAYED, "\0\0", 2);
	expect_decode(r, EPROTO, "replayed: 2 bytes, exactly 1 expected");
	raw_start(r, NACCS_PROTO_MAGIC, NACCS_PROTO_VERSION,
		  NACCS_PROTO_RESPONSE | NACCS_MSG_AUTHENTICATE);
	raw_field(r, NACCS_TAG_OUTCOME, "\0\0\0\1", 4);
	raw_field(r, NACCS_TAG_PASSWORD_EXPIRES, "\0\0\0\0", 4);
	expect_decode(r, EPROTO, "password_expires: 4 bytes, exactly 8 expected");
	/* A required field that repeats: versions in HELLO's response. */
	raw_start(r, NACCS_PROTO_MAGIC, NACCS_PROTO_VERSION,
		  NACCS_PROTO_RESPONSE | NACCS_MSG_HELLO);
	raw_str(r, NACCS_TAG_SERVER_VERSION, "1.0");
	raw_field(r, NACCS_TAG_FRAME_MAX, "\0\1\0\0", 4);
	expect_decode(r, EPROTO, "HELLO response without field versions");
	free(r);
	naccs_msg_free(m);
}

/* ---- the setters refuse what the decoder would ---- */

static void test_setters(void **state)
{
	struct naccs_msg *m = new_msg();
	struct naccs_err err;
	char big[4097];
	uint8_t buf[64];
	size_t len;
	int rc = 0;

	(void)state;
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_USER, "x", &err), -EINVAL);
	assert_int_equal(naccs_msg_start(m, 0x1234, NULL, &err), -EINVAL);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_AUTHENTICATE, NULL, &err), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_OUTCOME, "x", &err), -EINVAL);
	assert_int_equal(naccs_msg_set_u32(m, NACCS_TAG_USER, 1, &err), -EINVAL);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_PASSWORD, "pw", &err), -EINVAL);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_USER, "a\tb", &err), -EINVAL);
	assert_int_equal(naccs_msg_set_strn(m, NACCS_TAG_USER, "a\0b", 3, &err), -EINVAL);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_USER, "\xff", &err), -EINVAL);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_USER, NULL, &err), -EINVAL);
	assert_int_equal(naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, NULL, &err), -EINVAL);
	assert_int_equal(naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, "", &err), 0);
	assert_int_equal(naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, "x", &err), -EEXIST);
	assert_int_equal(m->n_fields, 1);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_AUTHENTICATE, NULL, &err), 0);
	assert_int_equal(m->n_fields, 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(naccs_msg_set_strn(m, NACCS_TAG_SERVICE, big, 65, &err), -EMSGSIZE);
	assert_int_equal(naccs_msg_set_strn(m, NACCS_TAG_SERVICE, big, 64, &err), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_SERVICE, "sshd", &err), -EEXIST);
	assert_int_equal(naccs_msg_set_strn(m, NACCS_TAG_USER, big, 256, &err), 0);
	/* The required password is missing. */
	assert_int_equal(naccs_msg_encode(m, buf, sizeof(buf), &len, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "without field password"));
	assert_int_equal(naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, "pw", &err), 0);
	assert_int_equal(naccs_msg_encode(m, buf, sizeof(buf), &len, &err), -ENOSPC);
	assert_int_equal(m->n_fields, 3);

	/* A message never outgrows a frame: info lines until it would. */
	assert_int_equal(naccs_msg_start(m, NACCS_PROTO_RESPONSE | NACCS_MSG_ACCOUNT, NULL, &err),
			 0);
	memset(big, 'i', sizeof(big) - 1);
	for (int i = 0; i < 20 && rc == 0; i++)
		rc = naccs_msg_set_str(m, NACCS_TAG_INFO, big, &err);
	assert_int_equal(rc, -EMSGSIZE);
	assert_true(m->wire_len <= NACCS_PROTO_FRAME_MAX);
	assert_int_equal(naccs_msg_count(m, NACCS_TAG_INFO), 15);
	naccs_msg_free(m);
}

/* prior_generation (0x0d): AUTHENTICATE's only, a string of 128 at most
 * (the client's repeat cache, docs/PROTOCOL.md). */
static void test_prior_generation(void **state)
{
	struct naccs_msg *m = new_msg();
	struct naccs_err err;
	char gen[130];
	const char *got = NULL;

	(void)state;
	memset(gen, 'g', sizeof(gen) - 1);
	gen[sizeof(gen) - 1] = '\0';
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_ACCOUNT, NULL, &err), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_PRIOR_GENERATION, "x", &err), -EINVAL);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_PASSWORD_BEGIN, NULL, &err), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_PRIOR_GENERATION, "x", &err), -EINVAL);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_AUTHENTICATE, NULL, &err), 0);
	assert_int_equal(naccs_msg_set_strn(m, NACCS_TAG_PRIOR_GENERATION, gen, 129, &err),
			 -EMSGSIZE);
	assert_int_equal(naccs_msg_set_strn(m, NACCS_TAG_PRIOR_GENERATION, gen, 128, &err), 0);
	assert_int_equal(naccs_msg_get_str(m, NACCS_TAG_PRIOR_GENERATION, &got, NULL), 0);
	assert_int_equal(strlen(got), 128);
	naccs_msg_free(m);
}

/* ---- secrets ---- */

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		if (b[i] != 0)
			return false;
	}
	return true;
}

static bool holds(const struct naccs_msg *m, const char *s)
{
	return memmem(m->data, sizeof(m->data), s, strlen(s)) != NULL;
}

static void test_secret_wiped(void **state)
{
	struct naccs_msg *m = calloc(1, sizeof(*m));
	struct naccs_err err;
	uint8_t buf[512];
	size_t len;

	(void)state;
	assert_non_null(m);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_PASSWORD_CHANGE, NULL, &err), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_SERVICE, "passwd", &err), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_USER, "ab12345", &err), 0);
	assert_int_equal(naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, "old-Secret-1", &err), 0);
	assert_int_equal(naccs_msg_set_secret(m, NACCS_TAG_NEW_PASSWORD, "new-Secret-2", &err), 0);
	assert_true(holds(m, "old-Secret-1") && holds(m, "new-Secret-2"));
	assert_int_equal(naccs_msg_encode(m, buf, sizeof(buf), &len, &err), 0);
	naccs_msg_clear(m);
	assert_true(all_zero(m, sizeof(*m)));

	/* Decoded secrets too; and a failed decode keeps none. */
	assert_int_equal(naccs_msg_decode(m, buf, len, &err), 0);
	assert_true(holds(m, "new-Secret-2"));
	naccs_msg_clear(m);
	assert_true(all_zero(m, sizeof(*m)));
	buf[len++] = 0; /* a trailing byte */
	assert_int_equal(naccs_msg_decode(m, buf, len, &err), -EPROTO);
	assert_false(holds(m, "old-Secret-1") || holds(m, "new-Secret-2"));
	/* Starting another message over one wipes it first. */
	assert_int_equal(naccs_msg_decode(m, buf, len - 1, &err), 0);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_HELLO, NULL, &err), 0);
	assert_false(holds(m, "old-Secret-1") || holds(m, "new-Secret-2"));
	free(m);
}

/* ---- frames over a socketpair ---- */

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

static void write_all(int fd, const void *p, size_t n)
{
	assert_int_equal(write(fd, p, n), (ssize_t)n);
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void wait_child(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A forked writer's end: frees what it has (valgrind checks children
 * too). */
static void child_exit(struct naccs_msg *a, struct naccs_msg *b, int status)
{
	naccs_msg_free(a);
	naccs_msg_free(b);
	_exit(status);
}

/* A big message through a small socket buffer: the writer's sends and the
 * reader's reads are partial; a child dribbles another frame byte by byte. */
static void test_frame_partial(void **state)
{
	struct naccs_msg *m = new_msg(), *got = new_msg();
	struct naccs_err err;
	uint8_t body[256];
	char line[4000];
	int sv[2], small = 4096;
	size_t len;
	pid_t pid;

	(void)state;
	pair(sv);
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	assert_int_equal(naccs_msg_start(m, NACCS_PROTO_RESPONSE | NACCS_MSG_ACCOUNT, NULL, &err),
			 0);
	assert_int_equal(naccs_msg_set_u32(m, NACCS_TAG_OUTCOME, 0, &err), 0);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (int i = 0; i < 15; i++)
		assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_INFO, line, &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;

		close(sv[1]);
		rc = naccs_msg_send(sv[0], m, naccs_deadline_in(5000), &err);
		child_exit(m, got, rc == 0 ? 0 : 1);
	}
	nap_ms(50); /* the writer fills the buffer and waits */
	assert_int_equal(naccs_msg_recv(sv[1], got, naccs_deadline_in(5000), &err), 0);
	wait_child(pid);
	assert_int_equal(naccs_msg_count(got, NACCS_TAG_INFO), 15);
	assert_memory_equal(got->request_id, m->request_id, NACCS_PROTO_ID_LEN);

	/* Byte by byte. */
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_HELLO, NULL, &err), 0);
	assert_int_equal(naccs_msg_set_str(m, NACCS_TAG_LOCALE, "ja_JP.UTF-8", &err), 0);
	assert_int_equal(naccs_msg_encode(m, body + 4, sizeof(body) - 4, &len, &err), 0);
	body[0] = body[1] = 0;
	body[2] = (uint8_t)(len >> 8);
	body[3] = (uint8_t)len;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (size_t i = 0; i < len + 4; i++) {
			if (write(sv[0], body + i, 1) != 1)
				child_exit(m, got, 1);
			nap_ms(1);
		}
		child_exit(m, got, 0);
	}
	assert_int_equal(naccs_msg_recv(sv[1], got, naccs_deadline_in(5000), &err), 0);
	wait_child(pid);
	assert_int_equal(got->type, NACCS_MSG_HELLO);
	close(sv[0]);
	close(sv[1]);
	naccs_msg_free(m);
	naccs_msg_free(got);
}

static void test_frame_failures(void **state)
{
	static const uint8_t half[] = {0, 0, 0, 40, 'N', 'A', 'C', 'C', 0, 1};
	static const uint8_t zero[] = {0, 0, 0, 0};
	static const uint8_t over[] = {0, 1, 0, 1};	/* 65537 */
	static const uint8_t fits_not[] = {0, 0, 1, 0}; /* 256 */
	uint8_t buf[128];
	struct naccs_err err;
	size_t len;
	int sv[2];
	int64_t t0;

	(void)state;
	/* A peer that sends half a frame and stalls: the deadline. */
	pair(sv);
	write_all(sv[0], half, sizeof(half));
	t0 = naccs_now_mono_ms();
	assert_int_equal(
	    naccs_frame_read(sv[1], buf, sizeof(buf), &len, naccs_deadline_in(200), &err),
	    -ETIMEDOUT);
	assert_true(naccs_now_mono_ms() - t0 >= 190);
	assert_true(naccs_now_mono_ms() - t0 < 3000);
	assert_non_null(strstr(err.msg, "inside a frame"));
	/* ...then closes: reset mid-frame. */
	write_all(sv[0], half, sizeof(half));
	close(sv[0]);
	assert_int_equal(
	    naccs_frame_read(sv[1], buf, sizeof(buf), &len, naccs_deadline_in(2000), &err),
	    -ECONNRESET);
	assert_non_null(strstr(err.msg, "inside a frame"));
	close(sv[1]);

	/* Closed between frames; idle until the deadline. */
	pair(sv);
	assert_int_equal(
	    naccs_frame_read(sv[1], buf, sizeof(buf), &len, naccs_deadline_in(50), &err),
	    -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "waiting for a frame"));
	close(sv[0]);
	assert_int_equal(
	    naccs_frame_read(sv[1], buf, sizeof(buf), &len, naccs_deadline_in(2000), &err),
	    -ECONNRESET);
	assert_null(strstr(err.msg, "inside"));
	close(sv[1]);

	/* Length 0; a length over the cap or the buffer, refused at once,
	 * before any of the body (none follows: no wait for the deadline). */
	pair(sv);
	write_all(sv[0], zero, sizeof(zero));
	assert_int_equal(
	    naccs_frame_read(sv[1], buf, sizeof(buf), &len, naccs_deadline_in(5000), &err),
	    -EPROTO);
	t0 = naccs_now_mono_ms();
	write_all(sv[0], over, sizeof(over));
	assert_int_equal(
	    naccs_frame_read(sv[1], buf, sizeof(buf), &len, naccs_deadline_in(5000), &err),
	    -EMSGSIZE);
	write_all(sv[0], fits_not, sizeof(fits_not));
	assert_int_equal(
	    naccs_frame_read(sv[1], buf, sizeof(buf), &len, naccs_deadline_in(5000), &err),
	    -EMSGSIZE);
	assert_true(naccs_now_mono_ms() - t0 < 1000);
	assert_int_equal(err.code, EMSGSIZE);

	/* Writing: nothing oversize or empty; a full peer times out; a gone
	 * peer is a reset, not a SIGPIPE. */
	assert_int_equal(naccs_frame_write(sv[0], buf, 0, naccs_deadline_in(100), &err), -EINVAL);
	assert_int_equal(
	    naccs_frame_write(sv[0], buf, NACCS_PROTO_FRAME_MAX + 1, naccs_deadline_in(100), &err),
	    -EMSGSIZE);
	{
		uint8_t *big = calloc(1, NACCS_PROTO_FRAME_MAX);
		int small = 4096, rc = 0;

		assert_non_null(big);
		assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)),
				 0);
		for (int i = 0; i < 64 && rc == 0; i++)
			rc = naccs_frame_write(sv[0], big, NACCS_PROTO_FRAME_MAX,
					       naccs_deadline_in(100), &err);
		assert_int_equal(rc, -ETIMEDOUT);
		free(big);
	}
	close(sv[1]);
	assert_int_equal(naccs_frame_write(sv[0], buf, 8, naccs_deadline_in(100), &err),
			 -ECONNRESET);
	close(sv[0]);
	assert_int_equal(naccs_frame_read(-1, buf, sizeof(buf), &len, naccs_deadline_in(100), &err),
			 -EBADF);
}

/* Not a socket: a pipe works the same (read/write instead of recv/send). */
static void test_frame_pipe(void **state)
{
	struct naccs_msg *m = new_msg(), *got = new_msg();
	struct naccs_err err;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(naccs_msg_start(m, NACCS_MSG_RELOAD, NULL, &err), 0);
	assert_int_equal(naccs_msg_send(p[1], m, naccs_deadline_in(1000), &err), 0);
	assert_int_equal(naccs_msg_recv(p[0], got, naccs_deadline_in(1000), &err), 0);
	assert_int_equal(got->type, NACCS_MSG_RELOAD);
	close(p[0]);
	close(p[1]);
	naccs_msg_free(m);
	naccs_msg_free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_every_type),
	    cmocka_unit_test(test_authenticate_exchange),
	    cmocka_unit_test(test_decode_header_rules),
	    cmocka_unit_test(test_decode_field_rules),
	    cmocka_unit_test(test_decode_secret_bool_int),
	    cmocka_unit_test(test_setters),
	    cmocka_unit_test(test_prior_generation),
	    cmocka_unit_test(test_secret_wiped),
	    cmocka_unit_test(test_frame_partial),
	    cmocka_unit_test(test_frame_failures),
	    cmocka_unit_test(test_frame_pipe),
	};

	/* A gone peer must never raise SIGPIPE: make sure one would kill us. */
	signal(SIGPIPE, SIG_DFL);
	return cmocka_run_group_tests_name("naccs_proto", tests, NULL, NULL);
}
