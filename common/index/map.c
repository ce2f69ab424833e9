/* Reading the public identity index (index/map.h): the version of the file
 * shared by every thread of a process, the look-ups and their retry when
 * the file is replaced under them.  With index/map_file.c (the file) and
 * index/map_record.c (keys and records), the small core that
 * libnss_naccs.so.2 links: tinycdb and the name rules, nothing else. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index/internal.h"
#include "index/map.h"

/* The version of the last index looked at; a reader holds a reference
 * for the length of one call (or one enumeration), so a version replaced
 * meanwhile stays valid until its last reader is done. */
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
static struct naccs_index_map *map_current;

/* Reads of a file that keeps changing under the reader (a cp under way)
 * before the call answers -EAGAIN. */
#define NACCS_INDEX_READ_TRIES 3

static int acquire(const char *path, bool whole, struct naccs_index_map **out)
{
	struct naccs_index_map *fresh = NULL, *old = NULL;
	struct stat st;
	int rc;

	/* One stat per call: a file replaced by a rename (naccsctl, or by
	 * hand) or rewritten in place is seen at the next call.  A file that
	 * changed while it was read is looked at again: naccsctl marks the
	 * file it replaced stale in place, so a reader that opened it just
	 * before the rename finds the new one the next time round. */
	for (int tries = 0;; tries++) {
		if (stat(path, &st) < 0)
			return -errno;
		pthread_mutex_lock(&map_lock);
		if (index_map_is(map_current, path, &st) && (!whole || map_current->data != NULL)) {
			map_current->refs++;
			*out = map_current;
			pthread_mutex_unlock(&map_lock);
			return 0;
		}
		pthread_mutex_unlock(&map_lock);
		rc = index_map_open(path, whole, &fresh);
		if (rc != -EAGAIN || tries == NACCS_INDEX_READ_TRIES - 1)
			break;
	}
	if (rc < 0)
		return rc;
	if (whole && fresh->size > index_copy_max()) {
		/* An enumeration's own copy of a large index: not the one the
		 * look-ups share. */
		fresh->refs = 1;
		*out = fresh;
		return 0;
	}
	pthread_mutex_lock(&map_lock);
	st.st_dev = fresh->dev;
	st.st_ino = fresh->ino;
	st.st_size = fresh->size;
	st.st_mtim = fresh->mtim;
	st.st_ctim = fresh->ctim;
	if (index_map_is(map_current, path, &st) &&
	    (map_current->data == NULL) == (fresh->data == NULL)) {
		/* Another thread opened the same file meanwhile. */
		old = fresh;
		fresh = map_current;
		fresh->refs++;
	} else {
		if (map_current != NULL && --map_current->refs == 0)
			old = map_current;
		fresh->refs = 2; /* the cache's and the caller's */
		map_current = fresh;
	}
	*out = fresh;
	pthread_mutex_unlock(&map_lock);
	if (old != NULL)
		index_map_free(old);
	return 0;
}

int naccs_index_acquire(const char *path, struct naccs_index_map **out)
{
	return acquire(path, false, out);
}

int naccs_index_acquire_copy(const char *path, struct naccs_index_map **out)
{
	return acquire(path, true, out);
}

void naccs_index_release(struct naccs_index_map *m)
{
	bool last;

	if (m == NULL)
		return;
	pthread_mutex_lock(&map_lock);
	last = --m->refs == 0;
	pthread_mutex_unlock(&map_lock);
	if (last)
		index_map_free(m);
}

void naccs_index_forget(void)
{
	struct naccs_index_map *old = NULL;

	pthread_mutex_lock(&map_lock);
	if (map_current != NULL && --map_current->refs == 0)
		old = map_current;
	map_current = NULL;
	pthread_mutex_unlock(&map_lock);
	if (old != NULL)
		index_map_free(old);
}

int naccs_index_lookup(const char *path, naccs_index_find_fn find, void *ctx,
		       struct naccs_index_map **out)
{
	int rc;

	for (int tries = 0;; tries++) {
		rc = naccs_index_acquire(path, out);
		if (rc < 0) {
			*out = NULL;
			return rc;
		}
		rc = find(*out, ctx);
		if (rc != -EAGAIN || tries >= NACCS_INDEX_LOOKUP_RETRIES)
			return rc;
		naccs_index_release(*out);
	}
}

/* ---- look-ups ---- */

static int find_pw_key(struct naccs_index_map *m, const char *key, size_t klen,
		       struct naccs_index_pw *out, struct naccs_index_val *v)
{
	int rc;

	if (klen == 0)
		return 0;
	rc = naccs_index_get(m, key, klen, v);
	if (rc != 1)
		return rc;
	return naccs_index_decode_pw(v->p, v->len, out) < 0 ? -EINVAL : 1;
}

static int find_gr_key(struct naccs_index_map *m, const char *key, size_t klen,
		       struct naccs_index_gr *out, struct naccs_index_val *v)
{
	int rc;

	if (klen == 0)
		return 0;
	rc = naccs_index_get(m, key, klen, v);
	if (rc != 1)
		return rc;
	return naccs_index_decode_gr(v->p, v->len, out) < 0 ? -EINVAL : 1;
}

int naccs_index_find_pw_name(struct naccs_index_map *m, const char *name,
			     struct naccs_index_pw *out, struct naccs_index_val *v)
{
	char key[NACCS_INDEX_KEY_MAX];
	struct naccs_user_id id;
	int rc;

	if (!naccs_index_name_ok(name))
		return 0;
	/* The resolver's precedence (policy/resolve.h): the login as stored,
	 * then the NACCS form through naccs_name_parse, the same rule. */
	rc = find_pw_key(m, key, naccs_index_key('p', name, key, sizeof(key)), out, v);
	if (rc != 0 || naccs_name_parse(name, &id) < 0)
		return rc;
	return find_pw_key(m, key, naccs_index_alias_key(&id, true, key, sizeof(key)), out, v);
}

int naccs_index_find_pw_num(struct naccs_index_map *m, char prefix, uint32_t n,
			    struct naccs_index_pw *out, struct naccs_index_val *v)
{
	char key[NACCS_INDEX_KEY_MAX];

	return find_pw_key(m, key, naccs_index_key_num(prefix, n, key, sizeof(key)), out, v);
}

int naccs_index_find_gr_name(struct naccs_index_map *m, const char *name,
			     struct naccs_index_gr *out, struct naccs_index_val *v)
{
	char key[NACCS_INDEX_KEY_MAX];

	if (!naccs_index_name_ok(name))
		return 0;
	return find_gr_key(m, key, naccs_index_key('g', name, key, sizeof(key)), out, v);
}

int naccs_index_find_gr_num(struct naccs_index_map *m, char prefix, uint32_t n,
			    struct naccs_index_gr *out, struct naccs_index_val *v)
{
	char key[NACCS_INDEX_KEY_MAX];

	return find_gr_key(m, key, naccs_index_key_num(prefix, n, key, sizeof(key)), out, v);
}

int naccs_index_find_groups(struct naccs_index_map *m, const char *login, size_t login_len,
			    const unsigned char **gids, size_t *n, struct naccs_index_val *v)
{
	char key[NACCS_INDEX_KEY_MAX];
	int rc;

	if (login_len + 3 > sizeof(key))
		return 0;
	key[0] = 'l';
	key[1] = ':';
	memcpy(key + 2, login, login_len);
	rc = naccs_index_get(m, key, login_len + 2, v);
	if (rc != 1)
		return rc;
	if (v->len % 4 != 0)
		return 0;
	*gids = v->p;
	*n = v->len / 4;
	return *n > 0 ? 1 : 0;
}

/* A decimal number of at most 10 digits from p[0..len) at *pos. */
static bool parse_u32(const unsigned char *p, size_t len, size_t *pos, uint32_t *out)
{
	uint64_t n = 0;
	size_t start = *pos;

	while (*pos < len && p[*pos] >= '0' && p[*pos] <= '9' && *pos - start < 10)
		n = n * 10 + (uint64_t)(p[(*pos)++] - '0');
	if (*pos == start || n > UINT32_MAX)
		return false;
	*out = (uint32_t)n;
	return true;
}

void naccs_index_counts(struct naccs_index_map *m, uint32_t *npw, uint32_t *ngr)
{
	struct naccs_index_val val;
	size_t pos = 0;

	*npw = *ngr = 0;
	naccs_index_val_init(&val);
	if (naccs_index_get(m, "#count", 6, &val) == 1 &&
	    (!parse_u32(val.p, val.len, &pos, npw) || pos >= val.len || val.p[pos++] != ' ' ||
	     !parse_u32(val.p, val.len, &pos, ngr) || pos != val.len))
		*npw = *ngr = 0;
	naccs_index_val_free(&val);
}
