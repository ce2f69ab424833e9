/* Keys and records of the public identity index (format: index/map.h),
 * shared by the writer (index/write.c) and the reader (index/map.c). */
#ifndef NACCS_INDEX_MAP_RECORD_H
#define NACCS_INDEX_MAP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/name.h"

/* Longest name an NSS caller may pass before it is hostile input (the
 * resolver's NACCS_NAME_INPUT_MAX). */
#define NACCS_INDEX_NAME_MAX 128
/* Longest key: a prefix, ':' and a name. */
#define NACCS_INDEX_KEY_MAX (NACCS_INDEX_NAME_MAX + 8)

/* A decoded passwd record: pointers into the value, lengths without NUL. */
struct naccs_index_pw {
	uint32_t uid, gid;
	const char *name, *gecos, *home, *shell;
	size_t name_len, gecos_len, home_len, shell_len;
};

/* A decoded group record; members[] are walked with naccs_index_gr_member. */
struct naccs_index_gr {
	uint32_t gid;
	uint32_t n_members;
	const char *name;
	size_t name_len;
	const char *members; /* n_members NUL-terminated strings back to back */
	size_t members_len;  /* their bytes, NULs included */
};

/* ---- keys and records (shared by the writer and the reader) ---- */

/* Build "PREFIX:TEXT" into key; its length, or 0 when it does not fit. */
size_t naccs_index_key(char prefix, const char *text, char *key, size_t keylen);
/* Build "PREFIX:NUMBER" into key; its length (never 0 for keylen >= 16). */
size_t naccs_index_key_num(char prefix, uint32_t n, char *key, size_t keylen);
/* The alias key "a:CODENUMBER" or "a:CODE-NUMBER" of a NACCS user ID. */
size_t naccs_index_alias_key(const struct naccs_user_id *id, bool dash, char *key, size_t keylen);
/* Encode a passwd record from NUL-terminated fields into out: its length,
 * or 0 when it does not fit outlen. */
size_t naccs_index_encode_pw(uint32_t uid, uint32_t gid, const char *name, const char *gecos,
			     const char *home, const char *shell, unsigned char *out,
			     size_t outlen);
void naccs_index_put_u32(unsigned char *p, uint32_t v);
/* A 4-byte little-endian number of a record. */
uint32_t naccs_index_u32(const unsigned char *p);
/* Decode a record (0, or -EINVAL when it is malformed). */
int naccs_index_decode_pw(const unsigned char *v, size_t len, struct naccs_index_pw *out);
int naccs_index_decode_gr(const unsigned char *v, size_t len, struct naccs_index_gr *out);
/* Is name one an NSS caller may look up at all?  No '/', no control
 * characters, not over-long: a login, a group name or a NACCS form. */
bool naccs_index_name_ok(const char *name);

#endif
