/* The index file itself (index/internal.h): opening a version of it, a
 * private copy or its table of contents, and reading a key's value from
 * it, never from a mixture of two files. */
#include "config.h"

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/internal.h"
#include "index/map.h"

/* Hash-table slots read at once (8 bytes each). */
#define SLOTS_AT_ONCE 32

/* ---- the process's version of the file ---- */

static bool same_identity(const struct naccs_index_map *m, const struct stat *st)
{
	return m->dev == st->st_dev && m->ino == st->st_ino;
}

bool index_same_version(const struct naccs_index_map *m, const struct stat *st)
{
	return same_identity(m, st) && m->size == st->st_size &&
	       m->mtim.tv_sec == st->st_mtim.tv_sec && m->mtim.tv_nsec == st->st_mtim.tv_nsec &&
	       m->ctim.tv_sec == st->st_ctim.tv_sec && m->ctim.tv_nsec == st->st_ctim.tv_nsec;
}

void index_map_free(struct naccs_index_map *m)
{
	free(m->data);
	free(m);
}

bool index_map_is(const struct naccs_index_map *m, const char *path, const struct stat *st)
{
	return m != NULL && !__atomic_load_n(&m->stale, __ATOMIC_ACQUIRE) &&
	       index_same_version(m, st) && strcmp(m->path, path) == 0;
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
off_t index_copy_max(void)
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
int index_map_open(const char *path, bool whole, struct naccs_index_map **out)
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
	if (whole || st.st_size <= index_copy_max()) {
		m->data = malloc((size_t)st.st_size);
		if (m->data == NULL) {
			close(fd);
			index_map_free(m);
			return -ENOMEM;
		}
		if (!read_all(fd, m->data, (size_t)st.st_size) || fstat(fd, &after) < 0 ||
		    !index_same_version(m, &after)) {
			close(fd);
			index_map_free(m);
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
		    !index_same_version(m, &after)) {
			close(fd);
			index_map_free(m);
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
		index_map_free(m);
		return rc < 0 ? rc : -EPROTO;
	}
	*out = m;
	return 0;
}

/* Is fd still the version of m (whose table of contents m holds)?  If
 * not, m is stale (the next acquire opens the path afresh) and what was
 * read is thrown away. */
static bool still_same(struct naccs_index_map *m, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && index_same_version(m, &st))
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
