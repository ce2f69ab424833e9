/* Messages: the schema checks shared by the setters and the decoder, the
 * encoder, the getters (see proto/message.h and docs/PROTOCOL.md). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "base/text.h"
#include "base/utf8.h"
#include "proto/frame.h"
#include "proto/message.h"
#include "proto/schema.h"

static uint32_t get_be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

struct naccs_msg *naccs_msg_new(void)
{
	struct naccs_msg *m = malloc(sizeof(*m));

	if (m != NULL)
		memset(m, 0, offsetof(struct naccs_msg, data));
	return m;
}

void naccs_msg_clear(struct naccs_msg *m)
{
	if (m == NULL)
		return;
	naccs_wipe(m->data, m->used < sizeof(m->data) ? m->used : sizeof(m->data));
	naccs_wipe(m, offsetof(struct naccs_msg, data));
}

void naccs_msg_free(struct naccs_msg *m)
{
	naccs_msg_clear(m);
	free(m);
}

/* Empty the values of m, keeping its header. */
static void drop_values(struct naccs_msg *m)
{
	naccs_wipe(m->data, m->used);
	naccs_wipe(m->fields, sizeof(m->fields));
	m->used = 0;
	m->n_fields = 0;
	m->wire_len = NACCS_PROTO_HEADER_LEN;
}

static int fill_random(uint8_t *buf, size_t len, struct naccs_err *err)
{
	size_t got = 0;
	char msg[128];

	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			return naccs_err_set(err, e, _("protocol: no random request id: %s"),
					     naccs_strerror(e, msg, sizeof(msg)));
		}
		got += (size_t)n;
	}
	return 0;
}

int naccs_msg_start(struct naccs_msg *m, uint16_t type, const uint8_t *request_id,
		    struct naccs_err *err)
{
	naccs_msg_clear(m);
	if (!naccs_proto_type_known(type))
		return naccs_err_set(err, EINVAL, _("protocol: unknown message type 0x%04x"),
				     (unsigned)type);
	m->version = NACCS_PROTO_VERSION;
	m->type = type;
	m->wire_len = NACCS_PROTO_HEADER_LEN;
	if (request_id != NULL)
		memcpy(m->request_id, request_id, NACCS_PROTO_ID_LEN);
	else if (fill_random(m->request_id, NACCS_PROTO_ID_LEN, err) < 0) {
		int code = err != NULL ? err->code : EIO;

		naccs_msg_clear(m);
		return -code;
	}
	m->header_ok = true;
	return 0;
}

int naccs_msg_start_response(struct naccs_msg *m, const struct naccs_msg *req, uint16_t type,
			     struct naccs_err *err)
{
	uint8_t id[NACCS_PROTO_ID_LEN];

	memcpy(id, req->request_id, sizeof(id));
	return naccs_msg_start(m, type, id, err);
}

unsigned naccs_msg_count(const struct naccs_msg *m, uint16_t tag)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->n_fields; i++)
		n += m->fields[i].tag == tag;
	return n;
}

bool naccs_msg_has(const struct naccs_msg *m, uint16_t tag)
{
	return naccs_msg_count(m, tag) > 0;
}

/* Why a value of tag's kind is refused, or NULL. */
static const char *bad_content(const struct naccs_tag_info *t, const uint8_t *p, size_t len)
{
	switch (t->kind) {
	case NACCS_KIND_STRING:
		if (!naccs_utf8_valid((const char *)p, len))
			return N_("invalid UTF-8");
		if (memchr(p, '\0', len) != NULL)
			return N_("a NUL byte");
		if (!naccs_text_is_clean((const char *)p, len, 0))
			return N_("a control character");
		return NULL;
	case NACCS_KIND_SECRET:
		return memchr(p, '\0', len) != NULL ? N_("a NUL byte") : NULL;
	case NACCS_KIND_BOOL:
		return p[0] > 1 ? N_("a bool other than 0 or 1") : NULL;
	default:
		return NULL;
	}
}

/* Add one value after every check of the schema.  kind is the setter's
 * (-1: the decoder, which takes the schema's).  The decoder's failures are
 * all -EPROTO; a setter's are -EINVAL, -EEXIST or -EMSGSIZE. */
static int add_field(struct naccs_msg *m, uint16_t tag, int kind, const uint8_t *p, size_t len,
		     struct naccs_err *err)
{
	const struct naccs_tag_info *t = naccs_proto_tag(tag);
	int flags = naccs_proto_field_flags(m->type, tag);
	bool dec = kind < 0;
	const char *why;
	struct naccs_msg_field *f;

	if (!m->header_ok)
		return naccs_err_set(err, EINVAL, _("protocol: message not started"));
	if (t == NULL || flags < 0)
		return naccs_err_set(err, dec ? EPROTO : EINVAL,
				     _("protocol: field 0x%02x not allowed in %s"), (unsigned)tag,
				     naccs_proto_type_name(m->type));
	if (!dec && kind != t->kind)
		return naccs_err_set(err, EINVAL, _("protocol: field %s is not of that kind"),
				     t->name);
	if ((t->kind >= NACCS_KIND_U32) ? len != t->max : len > t->max)
		return naccs_err_set(err, dec ? EPROTO : EMSGSIZE,
				     t->kind >= NACCS_KIND_U32
					 ? _("protocol: field %s: %lu bytes, exactly %lu expected")
					 : _("protocol: field %s: %lu bytes, at most %lu"),
				     t->name, (unsigned long)len, (unsigned long)t->max);
	why = bad_content(t, p, len);
	if (why != NULL)
		return naccs_err_set(err, dec ? EPROTO : EINVAL, _("protocol: field %s: %s"),
				     t->name, _(why));
	if (!((unsigned)flags & NACCS_FIELD_REPEAT) && naccs_msg_has(m, tag))
		return naccs_err_set(err, dec ? EPROTO : EEXIST,
				     _("protocol: field %s more than once"), t->name);
	if (m->n_fields >= NACCS_PROTO_FIELDS_MAX)
		return naccs_err_set(err, dec ? EPROTO : EMSGSIZE,
				     _("protocol: more than %u fields"), NACCS_PROTO_FIELDS_MAX);
	if (m->wire_len + NACCS_PROTO_FIELD_HEAD + len > NACCS_PROTO_FRAME_MAX)
		return naccs_err_set(err, dec ? EPROTO : EMSGSIZE,
				     _("protocol: message over %lu bytes"),
				     (unsigned long)NACCS_PROTO_FRAME_MAX);
	f = &m->fields[m->n_fields++];
	f->tag = tag;
	f->off = (uint32_t)m->used;
	f->len = (uint32_t)len;
	if (len > 0)
		memcpy(m->data + m->used, p, len);
	m->data[m->used + len] = 0;
	m->used += len + 1;
	m->wire_len += NACCS_PROTO_FIELD_HEAD + len;
	return 0;
}

int naccs_msg_set_strn(struct naccs_msg *m, uint16_t tag, const char *s, size_t len,
		       struct naccs_err *err)
{
	if (s == NULL)
		return naccs_err_set(err, EINVAL, _("protocol: no value"));
	return add_field(m, tag, NACCS_KIND_STRING, (const uint8_t *)s, len, err);
}

int naccs_msg_set_str(struct naccs_msg *m, uint16_t tag, const char *s, struct naccs_err *err)
{
	return naccs_msg_set_strn(m, tag, s, s != NULL ? strlen(s) : 0, err);
}

int naccs_msg_set_secret(struct naccs_msg *m, uint16_t tag, const char *s, struct naccs_err *err)
{
	if (s == NULL)
		return naccs_err_set(err, EINVAL, _("protocol: no value"));
	return add_field(m, tag, NACCS_KIND_SECRET, (const uint8_t *)s, strlen(s), err);
}

int naccs_msg_set_bytes(struct naccs_msg *m, uint16_t tag, const void *p, size_t len,
			struct naccs_err *err)
{
	if (p == NULL && len > 0)
		return naccs_err_set(err, EINVAL, _("protocol: no value"));
	return add_field(m, tag, NACCS_KIND_BYTES, p != NULL ? p : (const void *)"", len, err);
}

int naccs_msg_set_u32(struct naccs_msg *m, uint16_t tag, uint32_t v, struct naccs_err *err)
{
	uint8_t b[4];

	put_be(b, v, sizeof(b));
	return add_field(m, tag, NACCS_KIND_U32, b, sizeof(b), err);
}

int naccs_msg_set_u64(struct naccs_msg *m, uint16_t tag, uint64_t v, struct naccs_err *err)
{
	uint8_t b[8];

	put_be(b, v, sizeof(b));
	return add_field(m, tag, NACCS_KIND_U64, b, sizeof(b), err);
}

int naccs_msg_set_i64(struct naccs_msg *m, uint16_t tag, int64_t v, struct naccs_err *err)
{
	uint8_t b[8];

	put_be(b, (uint64_t)v, sizeof(b));
	return add_field(m, tag, NACCS_KIND_I64, b, sizeof(b), err);
}

int naccs_msg_set_bool(struct naccs_msg *m, uint16_t tag, bool v, struct naccs_err *err)
{
	uint8_t b = v ? 1 : 0;

	return add_field(m, tag, NACCS_KIND_BOOL, &b, 1, err);
}

/* -EPROTO when a required field of m's type is missing. */
static int check_required(const struct naccs_msg *m, struct naccs_err *err)
{
	uint16_t tag;
	unsigned flags;

	for (size_t i = 0; naccs_proto_schema_at(m->type, i, &tag, &flags); i++) {
		if ((flags & NACCS_FIELD_REQUIRED) && !naccs_msg_has(m, tag))
			return naccs_err_set(err, EPROTO, _("protocol: %s without field %s"),
					     naccs_proto_type_name(m->type),
					     naccs_proto_tag(tag)->name);
	}
	return 0;
}

int naccs_msg_encode(const struct naccs_msg *m, uint8_t *out, size_t outsz, size_t *len,
		     struct naccs_err *err)
{
	size_t pos = NACCS_PROTO_HEADER_LEN;
	int rc;

	*len = 0;
	if (!m->header_ok)
		return naccs_err_set(err, EINVAL, _("protocol: message not started"));
	rc = check_required(m, err);
	if (rc < 0)
		return rc;
	if (outsz < m->wire_len)
		return naccs_err_set(err, ENOSPC, _("protocol: %lu bytes of room, %lu needed"),
				     (unsigned long)outsz, (unsigned long)m->wire_len);
	memcpy(out, NACCS_PROTO_MAGIC, 4);
	put_be(out + 4, m->version, 2);
	put_be(out + 6, m->type, 2);
	memcpy(out + 8, m->request_id, NACCS_PROTO_ID_LEN);
	put_be(out + 24, m->n_fields, 2);
	for (unsigned i = 0; i < m->n_fields; i++) {
		const struct naccs_msg_field *f = &m->fields[i];

		put_be(out + pos, f->tag, 2);
		put_be(out + pos + 2, f->len, 4);
		memcpy(out + pos + NACCS_PROTO_FIELD_HEAD, m->data + f->off, f->len);
		pos += NACCS_PROTO_FIELD_HEAD + f->len;
	}
	*len = pos;
	return 0;
}

/* Decode the fields after the header; -EPROTO on any rule broken. */
static int decode_fields(struct naccs_msg *m, const uint8_t *body, size_t len,
			 struct naccs_err *err)
{
	unsigned n = get_be(body + 24, 2);
	size_t pos = NACCS_PROTO_HEADER_LEN;
	int rc;

	if (n > NACCS_PROTO_FIELDS_MAX)
		return naccs_err_set(err, EPROTO, _("protocol: more than %u fields"),
				     NACCS_PROTO_FIELDS_MAX);
	for (unsigned i = 0; i < n; i++) {
		uint16_t tag;
		uint32_t flen;

		if (len - pos < NACCS_PROTO_FIELD_HEAD)
			return naccs_err_set(err, EPROTO, _("protocol: truncated field"));
		tag = (uint16_t)get_be(body + pos, 2);
		flen = get_be(body + pos + 2, 4);
		pos += NACCS_PROTO_FIELD_HEAD;
		if (flen > len - pos)
			return naccs_err_set(err, EPROTO, _("protocol: truncated field"));
		rc = add_field(m, tag, -1, body + pos, flen, err);
		if (rc < 0)
			return rc;
		pos += flen;
	}
	if (pos != len)
		return naccs_err_set(err, EPROTO, _("protocol: %lu bytes after the last field"),
				     (unsigned long)(len - pos));
	return check_required(m, err);
}

int naccs_msg_decode(struct naccs_msg *m, const uint8_t *body, size_t len, struct naccs_err *err)
{
	int rc;

	naccs_msg_clear(m);
	if (len < 6 || memcmp(body, NACCS_PROTO_MAGIC, 4) != 0)
		return naccs_err_set(err, EPROTO,
				     len < 6 ? _("protocol: truncated header")
					     : _("protocol: bad magic"));
	m->version = (uint16_t)get_be(body + 4, 2);
	if (m->version != NACCS_PROTO_VERSION)
		return naccs_err_set(err, EPROTONOSUPPORT,
				     _("protocol: version %u not supported (this side speaks %u)"),
				     (unsigned)m->version, (unsigned)NACCS_PROTO_VERSION);
	if (len < NACCS_PROTO_HEADER_LEN)
		return naccs_err_set(err, EPROTO, _("protocol: truncated header"));
	m->type = (uint16_t)get_be(body + 6, 2);
	memcpy(m->request_id, body + 8, NACCS_PROTO_ID_LEN);
	m->header_ok = true;
	m->wire_len = NACCS_PROTO_HEADER_LEN;
	if (!naccs_proto_type_known(m->type))
		return naccs_err_set(err, EPROTO, _("protocol: unknown message type 0x%04x"),
				     (unsigned)m->type);
	rc = decode_fields(m, body, len, err);
	if (rc < 0)
		drop_values(m);
	return rc;
}

/* The idx-th value of tag, checked to be of kind: 0, -ENOENT, -EINVAL. */
static int find(const struct naccs_msg *m, uint16_t tag, unsigned idx, int kind,
		const struct naccs_msg_field **out)
{
	const struct naccs_tag_info *t = naccs_proto_tag(tag);

	if (t == NULL || t->kind != kind)
		return -EINVAL;
	for (unsigned i = 0; i < m->n_fields; i++) {
		if (m->fields[i].tag == tag && idx-- == 0) {
			*out = &m->fields[i];
			return 0;
		}
	}
	return -ENOENT;
}

int naccs_msg_get_str_at(const struct naccs_msg *m, uint16_t tag, unsigned idx, const char **s,
			 size_t *len)
{
	const struct naccs_msg_field *f;
	int rc = find(m, tag, idx, NACCS_KIND_STRING, &f);

	if (rc == 0) {
		*s = (const char *)m->data + f->off;
		if (len != NULL)
			*len = f->len;
	}
	return rc;
}

int naccs_msg_get_str(const struct naccs_msg *m, uint16_t tag, const char **s, size_t *len)
{
	return naccs_msg_get_str_at(m, tag, 0, s, len);
}

int naccs_msg_get_secret(const struct naccs_msg *m, uint16_t tag, const char **s)
{
	const struct naccs_msg_field *f;
	int rc = find(m, tag, 0, NACCS_KIND_SECRET, &f);

	if (rc == 0)
		*s = (const char *)m->data + f->off;
	return rc;
}

int naccs_msg_get_bytes(const struct naccs_msg *m, uint16_t tag, const uint8_t **p, size_t *len)
{
	const struct naccs_msg_field *f;
	int rc = find(m, tag, 0, NACCS_KIND_BYTES, &f);

	if (rc == 0) {
		*p = m->data + f->off;
		*len = f->len;
	}
	return rc;
}

int naccs_msg_get_u32_at(const struct naccs_msg *m, uint16_t tag, unsigned idx, uint32_t *v)
{
	const struct naccs_msg_field *f;
	int rc = find(m, tag, idx, NACCS_KIND_U32, &f);

	if (rc == 0)
		*v = get_be(m->data + f->off, 4);
	return rc;
}

int naccs_msg_get_u32(const struct naccs_msg *m, uint16_t tag, uint32_t *v)
{
	return naccs_msg_get_u32_at(m, tag, 0, v);
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be(p, 4) << 32 | get_be(p + 4, 4);
}

int naccs_msg_get_u64(const struct naccs_msg *m, uint16_t tag, uint64_t *v)
{
	const struct naccs_msg_field *f;
	int rc = find(m, tag, 0, NACCS_KIND_U64, &f);

	if (rc == 0)
		*v = get_be64(m->data + f->off);
	return rc;
}

int naccs_msg_get_i64(const struct naccs_msg *m, uint16_t tag, int64_t *v)
{
	const struct naccs_msg_field *f;
	int rc = find(m, tag, 0, NACCS_KIND_I64, &f);

	if (rc == 0)
		*v = (int64_t)get_be64(m->data + f->off);
	return rc;
}

int naccs_msg_get_bool(const struct naccs_msg *m, uint16_t tag, bool *v)
{
	const struct naccs_msg_field *f;
	int rc = find(m, tag, 0, NACCS_KIND_BOOL, &f);

	if (rc == 0)
		*v = m->data[f->off] != 0;
	return rc;
}

int naccs_msg_send(int fd, const struct naccs_msg *m, naccs_deadline_t deadline,
		   struct naccs_err *err)
{
	uint8_t *buf = malloc(NACCS_PROTO_FRAME_MAX);
	size_t len = 0;
	int rc;

	if (buf == NULL)
		return naccs_err_set(err, ENOMEM, _("protocol: out of memory"));
	rc = naccs_msg_encode(m, buf, NACCS_PROTO_FRAME_MAX, &len, err);
	if (rc == 0)
		rc = naccs_frame_write(fd, buf, len, deadline, err);
	naccs_wipe(buf, len);
	free(buf);
	return rc;
}

int naccs_msg_recv(int fd, struct naccs_msg *m, naccs_deadline_t deadline, struct naccs_err *err)
{
	uint8_t *buf = malloc(NACCS_PROTO_FRAME_MAX);
	size_t len = 0;
	int rc;

	naccs_msg_clear(m);
	if (buf == NULL)
		return naccs_err_set(err, ENOMEM, _("protocol: out of memory"));
	rc = naccs_frame_read(fd, buf, NACCS_PROTO_FRAME_MAX, &len, deadline, err);
	if (rc == 0)
		rc = naccs_msg_decode(m, buf, len, err);
	/* A failed read leaves up to a whole frame in buf. */
	naccs_wipe(buf, NACCS_PROTO_FRAME_MAX);
	free(buf);
	return rc;
}
