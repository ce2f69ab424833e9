/* Reading the public identity index (index/map.h): the mapping shared by
 * every thread of a process, records and keys.  The small core that
 * libnss_naccs.so.2 links: tinycdb and the name rules, nothing else. */
#include "config.h"

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/map.h"

/* Reads of a file that keeps changing under the reader (a cp under way)
 * before the call answers -EAGAIN. */
#define NACCS_INDEX_READ_TRIES 3
/* Hash-table slots read at once (8 bytes each). */
#define SLOTS_AT_ONCE 32

/* The file is never mapped: a mapping of a file someone truncates or
 * overwrites in place (cp backup.cdb passwd.cdb) kills its reader with
 * SIGBUS, and a module must not install a signal handler in its host.
 * A small index is read into private memory, which cannot change under
 * its readers; of a large one (over NACCS_INDEX_COPY_MAX) the process
 * keeps the table of contents, and each look-up opens the file, checks
 * with fstat that it is still the version whose table it holds, reads the
 * few positions it needs with pread (each checked against that version's
 * size), checks again with fstat and closes it: a short read or a file
 * that changed is -EAGAIN, never a crash and never an answer from a
 * mixture of two files.  No descriptor stays open in the host between
 * calls: none for it to close or reuse under the module, and a replaced
 * index is not kept on disk by idle processes (nor freed at a reader's
 * expense when the last one closes it). */
struct naccs_index_map {
	struct cdb db;		  /* copy: read through copies, cdb_find writes its answer there */
	unsigned char *data;	  /* copy: the file's bytes (db.cdb_mem); NULL when read by pread */
	int stale;		  /* pread: the file changed under a look-up (atomic) */
	unsigned dend;		  /* pread: the end of the records (cdb_init's rule) */
	unsigned char head[2048]; /* pread: the table of contents */
	unsigned refs;		  /* users, the cache's own reference included */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
	char path[PATH_MAX];
};

/* The version of the last index looked at; a reader holds a reference
 * for the length of one call (or one enumeration), so a version replaced
 * meanwhile stays valid until its last reader is done. */
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
static struct naccs_index_map *map_current;

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

/* ---- the process's version of the file ---- */

static bool same_identity(const struct naccs_index_map *m, const struct stat *st)
{
	return m->dev == st->st_dev && m->ino == st->st_ino;
}

static bool same_version(const struct naccs_index_map *m, const struct stat *st)
{
	return same_identity(m, st) && m->size == st->st_size &&
	       m->mtim.tv_sec == st->st_mtim.tv_sec && m->mtim.tv_nsec == st->st_mtim.tv_nsec &&
	       m->ctim.tv_sec == st->st_ctim.tv_sec && m->ctim.tv_nsec == st->st_ctim.tv_nsec;
}

static void map_free(struct naccs_index_map *m)
{
	free(m->data);
	free(m);
}

static bool map_is(const struct naccs_index_map *m, const char *path, const struct stat *st)
{
	return m != NULL && !__atomic_load_n(&m->stale, __ATOMIC_ACQUIRE) && same_version(m, st) &&
	       strcmp(m->path, path) == 0;
}

/* The size bytes at offset of fd into data; false on a short read. */
static bool read_at(int fd, unsigned char *data, size_t size, off_t offset)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = pread(fd, data + got, size - got, offset + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* The size bytes of fd into data; false when the file is shorter or
 * longer now (being rewritten in place) or cannot be read. */
static bool read_all(int fd, unsigned char *data, size_t size)
{
	unsigned char extra;

	return read_at(fd, data, size, 0) && pread(fd, &extra, 1, (off_t)size) == 0;
}

/* The largest index read whole by naccs_index_acquire. */
static off_t copy_max(void)
{
#ifdef NACCS_TEST_HOOKS
	const char *s = secure_getenv(NACCS_INDEX_COPY_MAX_ENV);
	char *end;
	unsigned long long n;

	if (s != NULL && s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		n = strtoull(s, &end, 10);
		if (errno == 0 && *end == '\0' && n <= (unsigned long long)UINT32_MAX)
			return (off_t)n;
	}
#endif
	return NACCS_INDEX_COPY_MAX;
}

/* cdb_init's rule for the end of the records, from the first table
 * position in the table of contents. */
static unsigned data_end(const unsigned char *head, unsigned fsize)
{
	unsigned dend = cdb_unpack(head);

	return dend < 2048 ? 2048 : (dend >= fsize ? fsize : dend);
}

/* Open the file at path afresh: a private copy when whole or small, else
 * its table of contents and the descriptor.  -EAGAIN when it changed
 * while it was read (replaced, or being written in place):
 * naccs_index_acquire looks at the path again. */
static int map_open(const char *path, bool whole, struct naccs_index_map **out)
{
	struct naccs_index_map *m;
	struct naccs_index_val v;
	struct stat st, after;
	int fd, e, rc;

	if (strlen(path) >= sizeof(m->path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)UINT32_MAX) {
		close(fd);
		return S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
	}
	/* Only root (naccsctl) or the caller itself may have written what the
	 * caller is told about users: not writable by group or others. */
	if ((st.st_mode & 022) != 0 || (st.st_uid != 0 && st.st_uid != geteuid())) {
		close(fd);
		return -EPERM;
	}
	/* tinycdb's own check (cdb_init): at least the table of contents. */
	if (st.st_size < 2048) {
		close(fd);
		return -EPROTO;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		close(fd);
		return -ENOMEM;
	}
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->size = st.st_size;
	m->mtim = st.st_mtim;
	m->ctim = st.st_ctim;
	memcpy(m->path, path, strlen(path) + 1);
	if (whole || st.st_size <= copy_max()) {
		m->data = malloc((size_t)st.st_size);
		if (m->data == NULL) {
			close(fd);
			map_free(m);
			return -ENOMEM;
		}
		if (!read_all(fd, m->data, (size_t)st.st_size) || fstat(fd, &after) < 0 ||
		    !same_version(m, &after)) {
			close(fd);
			map_free(m);
			return -EAGAIN;
		}
		/* No descriptor is left open in the host process. */
		close(fd);
		/* What cdb_init does with a mapping, over the private copy: the
		 * reader (cdb_find, cdb_get) checks every position against
		 * cdb_fsize and cdb_dend. */
		m->db.cdb_fd = -1;
		m->db.cdb_fsize = (unsigned)st.st_size;
		m->db.cdb_mem = m->data;
		m->db.cdb_dend = data_end(m->data, m->db.cdb_fsize);
	} else {
		if (!read_at(fd, m->head, sizeof(m->head), 0) || fstat(fd, &after) < 0 ||
		    !same_version(m, &after)) {
			close(fd);
			map_free(m);
			return -EAGAIN;
		}
		close(fd);
		m->dend = data_end(m->head, (unsigned)st.st_size);
	}
	naccs_index_val_init(&v);
	rc = naccs_index_get(m, "#version", 8, &v);
	if (rc == 1 &&
	    (v.len != strlen(NACCS_INDEX_VERSION) || memcmp(v.p, NACCS_INDEX_VERSION, v.len) != 0))
		rc = 0;
	naccs_index_val_free(&v);
	if (rc != 1) {
		map_free(m);
		return rc < 0 ? rc : -EPROTO;
	}
	*out = m;
	return 0;
}

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
		if (map_is(map_current, path, &st) && (!whole || map_current->data != NULL)) {
			map_current->refs++;
			*out = map_current;
			pthread_mutex_unlock(&map_lock);
			return 0;
		}
		pthread_mutex_unlock(&map_lock);
		rc = map_open(path, whole, &fresh);
		if (rc != -EAGAIN || tries == NACCS_INDEX_READ_TRIES - 1)
			break;
	}
	if (rc < 0)
		return rc;
	if (whole && fresh->size > copy_max()) {
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
	if (map_is(map_current, path, &st) &&
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
		map_free(old);
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
		map_free(m);
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
		map_free(old);
}

/* ---- look-ups ---- */

void naccs_index_val_init(struct naccs_index_val *v)
{
	v->p = NULL;
	v->len = 0;
	v->heap = NULL;
}

void naccs_index_val_free(struct naccs_index_val *v)
{
	free(v->heap);
	naccs_index_val_init(v);
}

/* Is fd still the version of m (whose table of contents m holds)?  If
 * not, m is stale (the next acquire opens the path afresh) and what was
 * read is thrown away. */
static bool still_same(struct naccs_index_map *m, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && same_version(m, &st))
		return true;
	__atomic_store_n(&m->stale, 1, __ATOMIC_RELEASE);
	return false;
}

/* cdb_find over pread, with tinycdb's checks of every position (against
 * the size the file had when it was opened and the end of the records):
 * 1 found (v set), 0 not found or a malformed file, -EIO a short read. */
static int pread_find(const struct naccs_index_map *m, int fd, const unsigned char *key,
		      unsigned klen, unsigned hval, struct naccs_index_val *v)
{
	const unsigned fsize = (unsigned)m->size, dend = m->dend;
	const unsigned char *toc = m->head + ((hval << 3) & 2047);
	unsigned n = cdb_unpack(toc + 4), tpos = cdb_unpack(toc), slot, todo;
	unsigned char slots[SLOTS_AT_ONCE * 8];

	if (n == 0)
		return 0;
	if (n > (fsize >> 3) || tpos < dend || tpos > fsize || (n << 3) > fsize - tpos)
		return 0;
	slot = (hval >> 8) % n;
	todo = n;
	while (todo > 0) {
		unsigned batch = n - slot < SLOTS_AT_ONCE ? n - slot : SLOTS_AT_ONCE;

		if (batch > todo)
			batch = todo;
		if (!read_at(fd, slots, (size_t)batch * 8, (off_t)tpos + (off_t)slot * 8))
			return -EIO;
		for (unsigned i = 0; i < batch; i++) {
			unsigned rpos = cdb_unpack(slots + 8 * i + 4);
			size_t chunk, vlen, vpos;

			if (rpos == 0)
				return 0;
			if (cdb_unpack(slots + 8 * i) != hval)
				continue;
			if (rpos > dend - 8)
				return 0;
			chunk = dend - rpos < sizeof(v->buf) ? dend - rpos : sizeof(v->buf);
			if (!read_at(fd, v->buf, chunk, (off_t)rpos))
				return -EIO;
			if (cdb_unpack(v->buf) != klen)
				continue;
			if (dend - klen < rpos + 8)
				return 0;
			/* klen <= NACCS_INDEX_KEY_MAX: the key is in the chunk. */
			if (8 + (size_t)klen > chunk || memcmp(key, v->buf + 8, klen) != 0)
				continue;
			vlen = cdb_unpack(v->buf + 4);
			vpos = (size_t)rpos + 8 + klen;
			if (dend < vlen || dend - vlen < vpos)
				return 0;
			if (8 + (size_t)klen + vlen <= chunk) {
				v->p = v->buf + 8 + klen;
			} else {
				v->heap = malloc(vlen);
				if (v->heap == NULL)
					return -ENOMEM;
				if (!read_at(fd, v->heap, vlen, (off_t)vpos))
					return -EIO;
				v->p = v->heap;
			}
			v->len = vlen;
			return 1;
		}
		todo -= batch;
		slot = (slot + batch) % n;
	}
	return 0;
}

int naccs_index_get(struct naccs_index_map *m, const char *key, size_t klen,
		    struct naccs_index_val *v)
{
	int fd, rc;

	naccs_index_val_free(v);
	if (klen > NACCS_INDEX_KEY_MAX)
		return 0;
	if (m->data != NULL) {
		/* cdb_find writes where it found the value into the struct:
		 * each reader works on its own copy, the copy itself is
		 * read-only. */
		struct cdb db = m->db;
		const void *p;

		if (cdb_find(&db, key, (unsigned)klen) <= 0)
			return 0;
		p = cdb_getdata(&db);
		if (p == NULL)
			return 0;
		v->p = p;
		v->len = cdb_datalen(&db);
		return 1;
	}
	/* The file at the path, checked to be the version whose table of
	 * contents m holds before and after the reads: whatever was read (a
	 * hit, a miss, a malformed position) counts only then. */
	fd = open(m->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		__atomic_store_n(&m->stale, 1, __ATOMIC_RELEASE);
		return -EAGAIN;
	}
	if (!still_same(m, fd)) {
		close(fd);
		return -EAGAIN;
	}
	rc = pread_find(m, fd, (const unsigned char *)key, (unsigned)klen,
			cdb_hash(key, (unsigned)klen), v);
	if (!still_same(m, fd)) {
		close(fd);
		naccs_index_val_free(v);
		return -EAGAIN;
	}
	close(fd);
	if (rc == -EIO) /* a short read of a file that did not change: damaged */
		__atomic_store_n(&m->stale, 1, __ATOMIC_RELEASE);
	if (rc < 0)
		naccs_index_val_free(v);
	return rc;
}

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
