/* Keys and records of the public identity index (index/map_record.h):
 * shared by the writer (index/write.c) and the reader (index/map.c). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "index/map_record.h"

uint32_t naccs_index_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void naccs_index_put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

size_t naccs_index_encode_pw(uint32_t uid, uint32_t gid, const char *name, const char *gecos,
			     const char *home, const char *shell, unsigned char *out, size_t outlen)
{
	const char *const f[] = {name, gecos, home, shell};
	size_t pos = 8;

	if (outlen < 8)
		return 0;
	naccs_index_put_u32(out, uid);
	naccs_index_put_u32(out + 4, gid);
	for (size_t i = 0; i < 4; i++) {
		size_t n = strlen(f[i]) + 1;

		if (n > outlen - pos)
			return 0;
		memcpy(out + pos, f[i], n);
		pos += n;
	}
	return pos;
}

size_t naccs_index_key(char prefix, const char *text, char *key, size_t keylen)
{
	size_t n = strlen(text);

	if (keylen < 3 || n > keylen - 3)
		return 0;
	key[0] = prefix;
	key[1] = ':';
	memcpy(key + 2, text, n + 1);
	return n + 2;
}

size_t naccs_index_key_num(char prefix, uint32_t n, char *key, size_t keylen)
{
	int len = snprintf(key, keylen, "%c:%u", prefix, (unsigned)n);

	return len < 0 || (size_t)len >= keylen ? 0 : (size_t)len;
}

size_t naccs_index_alias_key(const struct naccs_user_id *id, bool dash, char *key, size_t keylen)
{
	int len = snprintf(key, keylen, "a:%s%s%s", id->code, dash ? "-" : "", id->number);

	return len < 0 || (size_t)len >= keylen ? 0 : (size_t)len;
}

bool naccs_index_name_ok(const char *name)
{
	size_t n;

	if (name == NULL || name[0] == '\0')
		return false;
	n = strnlen(name, NACCS_INDEX_NAME_MAX + 1);
	if (n > NACCS_INDEX_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f || c == '/' || c == ':')
			return false;
	}
	return true;
}

/* The next NUL-terminated string at *pos of v[0..len): its start and length. */
static int next_string(const unsigned char *v, size_t len, size_t *pos, const char **s,
		       size_t *slen)
{
	const unsigned char *end;

	if (*pos >= len)
		return -EINVAL;
	end = memchr(v + *pos, '\0', len - *pos);
	if (end == NULL)
		return -EINVAL;
	*s = (const char *)(v + *pos);
	*slen = (size_t)(end - (v + *pos));
	*pos += *slen + 1;
	return 0;
}

int naccs_index_decode_pw(const unsigned char *v, size_t len, struct naccs_index_pw *out)
{
	size_t pos = 8;

	if (len < 8)
		return -EINVAL;
	out->uid = naccs_index_u32(v);
	out->gid = naccs_index_u32(v + 4);
	if (next_string(v, len, &pos, &out->name, &out->name_len) < 0 ||
	    next_string(v, len, &pos, &out->gecos, &out->gecos_len) < 0 ||
	    next_string(v, len, &pos, &out->home, &out->home_len) < 0 ||
	    next_string(v, len, &pos, &out->shell, &out->shell_len) < 0 || pos != len ||
	    out->name_len == 0)
		return -EINVAL;
	return 0;
}

int naccs_index_decode_gr(const unsigned char *v, size_t len, struct naccs_index_gr *out)
{
	size_t pos = 8, start;

	if (len < 8)
		return -EINVAL;
	out->gid = naccs_index_u32(v);
	out->n_members = naccs_index_u32(v + 4);
	if (next_string(v, len, &pos, &out->name, &out->name_len) < 0 || out->name_len == 0)
		return -EINVAL;
	start = pos;
	for (uint32_t i = 0; i < out->n_members; i++) {
		const char *s;
		size_t slen;

		if (next_string(v, len, &pos, &s, &slen) < 0 || slen == 0)
			return -EINVAL;
	}
	if (pos != len)
		return -EINVAL;
	out->members = (const char *)(v + start);
	out->members_len = len - start;
	return 0;
}
