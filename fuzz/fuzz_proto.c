/* The naccsd wire format (common/proto/, docs/PROTOCOL.md): every frame a
 * server reads comes from any local user.  The input is a byte stream of
 * frames (u32 length, body).  Invariants: a body that decodes has a known
 * type, values of their schema's kinds (strings clean UTF-8), encodes back
 * to the very same bytes, and rebuilds through the setters to them too; a
 * body that does not decode leaves no value and fails with -EPROTO or
 * -EPROTONOSUPPORT; a cleared message is all zeros.  The stream is also
 * read through naccs_frame_read over a pipe, frame by frame, to its end. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "fuzz.h"
#include "base/text.h"
#include "proto/frame.h"
#include "proto/message.h"
#include "proto/schema.h"

static void check_err(const struct naccs_err *err)
{
	FUZZ_CHECK(err->code > 0);
	FUZZ_CHECK(strnlen(err->msg, sizeof(err->msg)) < sizeof(err->msg));
}

/* Copy field i of m into out through the typed getters and setters. */
static void copy_field(const struct naccs_msg *m, unsigned i, struct naccs_msg *out)
{
	const struct naccs_msg_field *f = &m->fields[i];
	const struct naccs_tag_info *t = naccs_proto_tag(f->tag);
	const uint8_t *v = m->data + f->off;
	struct naccs_err err;
	const char *s;
	unsigned idx = 0;
	uint32_t u32;
	uint64_t u64;
	int64_t i64;
	bool b;
	int rc = -1;

	FUZZ_CHECK(t != NULL && f->len <= t->max);
	for (unsigned j = 0; j < i; j++)
		idx += m->fields[j].tag == f->tag;
	switch (t->kind) {
	case NACCS_KIND_STRING:
		FUZZ_CHECK(naccs_text_is_clean((const char *)v, f->len, 0));
		FUZZ_CHECK(naccs_msg_get_str_at(m, f->tag, idx, &s, NULL) == 0);
		FUZZ_CHECK(s == (const char *)v && s[f->len] == '\0');
		rc = naccs_msg_set_strn(out, f->tag, s, f->len, &err);
		break;
	case NACCS_KIND_SECRET:
		FUZZ_CHECK(memchr(v, '\0', f->len) == NULL);
		FUZZ_CHECK(naccs_msg_get_secret(m, f->tag, &s) == 0 && strlen(s) == f->len);
		rc = naccs_msg_set_secret(out, f->tag, s, &err);
		break;
	case NACCS_KIND_BYTES:
		rc = naccs_msg_set_bytes(out, f->tag, v, f->len, &err);
		break;
	case NACCS_KIND_U32:
		FUZZ_CHECK(naccs_msg_get_u32_at(m, f->tag, idx, &u32) == 0);
		rc = naccs_msg_set_u32(out, f->tag, u32, &err);
		break;
	case NACCS_KIND_U64:
		FUZZ_CHECK(naccs_msg_get_u64(m, f->tag, &u64) == 0);
		rc = naccs_msg_set_u64(out, f->tag, u64, &err);
		break;
	case NACCS_KIND_I64:
		FUZZ_CHECK(naccs_msg_get_i64(m, f->tag, &i64) == 0);
		rc = naccs_msg_set_i64(out, f->tag, i64, &err);
		break;
	case NACCS_KIND_BOOL:
		FUZZ_CHECK(v[0] <= 1);
		FUZZ_CHECK(naccs_msg_get_bool(m, f->tag, &b) == 0);
		rc = naccs_msg_set_bool(out, f->tag, b, &err);
		break;
	default:
		FUZZ_CHECK(!"a kind the schema does not have");
	}
	FUZZ_CHECK(rc == 0);
}

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		if (b[i] != 0)
			return false;
	}
	return true;
}

static void check_body(const uint8_t *body, size_t len, struct naccs_msg *m,
		       struct naccs_msg *again)
{
	struct naccs_err err;
	uint8_t *out;
	size_t outlen, used;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_msg_decode(m, body, len, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -EPROTO || rc == -EPROTONOSUPPORT);
		FUZZ_CHECK(m->n_fields == 0 && m->used == 0);
		FUZZ_CHECK(rc != -EPROTONOSUPPORT || m->version != NACCS_PROTO_VERSION);
		check_err(&err);
		return;
	}
	FUZZ_CHECK(naccs_proto_type_known(m->type) && m->header_ok);
	FUZZ_CHECK(len <= NACCS_PROTO_FRAME_MAX && m->wire_len == len);
	out = (uint8_t *)fuzz_outbuf(len);
	FUZZ_CHECK(naccs_msg_encode(m, out, len, &outlen, &err) == 0);
	FUZZ_CHECK(outlen == len && memcmp(out, body, len) == 0);
	if (len > NACCS_PROTO_HEADER_LEN)
		FUZZ_CHECK(naccs_msg_encode(m, out, len - 1, &outlen, &err) == -ENOSPC);

	FUZZ_CHECK(naccs_msg_start(again, m->type, m->request_id, &err) == 0);
	for (unsigned i = 0; i < m->n_fields; i++)
		copy_field(m, i, again);
	FUZZ_CHECK(naccs_msg_encode(again, out, len, &outlen, &err) == 0);
	FUZZ_CHECK(outlen == len && memcmp(out, body, len) == 0);
	free(out);

	used = m->used;
	naccs_msg_clear(m);
	FUZZ_CHECK(all_zero(m->data, used));
	FUZZ_CHECK(all_zero(m, offsetof(struct naccs_msg, data)));
}

/* The stream through a pipe, frame by frame, until it fails; at most a
 * pipe's worth, so that the write never blocks. */
static void check_stream(const uint8_t *data, size_t size, struct naccs_msg *m,
			 struct naccs_msg *again)
{
	uint8_t *buf;
	struct naccs_err err;
	size_t len;
	int p[2], rc;

	if (size > 65536 || pipe2(p, O_CLOEXEC) != 0)
		return;
	FUZZ_CHECK(write(p[1], data, size) == (ssize_t)size);
	close(p[1]);
	buf = (uint8_t *)fuzz_outbuf(NACCS_PROTO_FRAME_MAX);
	for (;;) {
		naccs_err_clear(&err);
		rc = naccs_frame_read(p[0], buf, NACCS_PROTO_FRAME_MAX, &len,
				      naccs_deadline_in(1000), &err);
		if (rc != 0)
			break;
		FUZZ_CHECK(len > 0 && len <= NACCS_PROTO_FRAME_MAX);
		check_body(buf, len, m, again);
	}
	FUZZ_CHECK(rc == -ECONNRESET || rc == -EPROTO || rc == -EMSGSIZE);
	check_err(&err);
	close(p[0]);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct naccs_msg *m = naccs_msg_new(), *again = naccs_msg_new();

	FUZZ_CHECK(m != NULL && again != NULL);
	/* The first frame's body, whatever its length prefix says. */
	if (size >= NACCS_PROTO_LEN_SIZE) {
		size_t len = size - NACCS_PROTO_LEN_SIZE;
		uint8_t *body = (uint8_t *)fuzz_outbuf(len);

		if (len > 0)
			memcpy(body, data + NACCS_PROTO_LEN_SIZE, len);
		check_body(body, len, m, again);
		free(body);
	}
	check_stream(data, size, m, again);
	naccs_msg_free(m);
	naccs_msg_free(again);
	return 0;
}
