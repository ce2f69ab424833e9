/* The public identity index from the store (index/map.h for the format):
 * one generator feeds either a cdb writer (rebuild) or a comparison with
 * the file's records in order (check), so both always agree on what the
 * index must hold. */
#include "config.h"

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index/map.h"
#include "index/write.h"
#include "base/path.h"

int naccs_index_path(const struct naccs_config *cfg, char *out, size_t outlen)
{
	size_t used;
	int n;

	if (cfg->nss_index[0] != '\0') {
		n = snprintf(out, outlen, "%s", cfg->nss_index);
		return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
	}
	/* The directory straight into out, no PATH_MAX buffer on the stack
	 * (a PAM host's, issue 18). */
	if (naccs_path_dirname(cfg->store_path, out, outlen) != 0)
		return -ENAMETOOLONG;
	used = strcmp(out, "/") == 0 ? 0 : strlen(out);
	n = snprintf(out + used, outlen - used, "/%s", NACCS_INDEX_FILE);
	return n < 0 || (size_t)n >= outlen - used ? -ENAMETOOLONG : 0;
}

/* ---- where records go ---- */

struct sink {
	bool check;
	struct cdb_make mk; /* rebuild */
	struct cdb db;	    /* check: the file, read in order */
	unsigned seq;
	bool differs;
	char diff[NACCS_ERR_MSG_MAX];
	int sys_errno; /* a write failed */
};

/* A key for a message: printable bytes only. */
static void key_text(const void *key, size_t klen, char *out, size_t outlen)
{
	const unsigned char *k = key;
	size_t o = 0;

	for (size_t i = 0; i < klen && o + 1 < outlen; i++)
		out[o++] = k[i] >= 0x20 && k[i] < 0x7f ? (char)k[i] : '?';
	out[o] = '\0';
}

static int sink_add(struct sink *s, const void *key, size_t klen, const void *val, size_t vlen)
{
	char kt[NACCS_INDEX_KEY_MAX + 1];

	if (!s->check) {
		if (s->sys_errno == 0 &&
		    cdb_make_add(&s->mk, key, (unsigned)klen, val, (unsigned)vlen) < 0)
			s->sys_errno = errno != 0 ? errno : EIO;
		return s->sys_errno != 0 ? -s->sys_errno : 0;
	}
	if (s->differs)
		return 0;
	if (cdb_seqnext(&s->seq, &s->db) <= 0) {
		key_text(key, klen, kt, sizeof(kt));
		snprintf(s->diff, sizeof(s->diff), "record %s missing", kt);
		s->differs = true;
	} else if (cdb_keylen(&s->db) != klen || cdb_getkey(&s->db) == NULL ||
		   memcmp(cdb_getkey(&s->db), key, klen) != 0) {
		key_text(key, klen, kt, sizeof(kt));
		snprintf(s->diff, sizeof(s->diff), "record %s missing or out of place", kt);
		s->differs = true;
	} else if (cdb_datalen(&s->db) != vlen || cdb_getdata(&s->db) == NULL ||
		   memcmp(cdb_getdata(&s->db), val, vlen) != 0) {
		key_text(key, klen, kt, sizeof(kt));
		snprintf(s->diff, sizeof(s->diff), "record %s differs", kt);
		s->differs = true;
	}
	return 0;
}

static int sink_add_str(struct sink *s, const char *key, size_t klen, const char *val)
{
	return sink_add(s, key, klen, val, strlen(val));
}

/* ---- records ---- */

#define REC_MAX (8 + 4 * NACCS_TEXT_MAX + 8)

/* ---- the generator ---- */

struct login_gid {
	char login[NACCS_LOGIN_MAX + 1];
	uint32_t gid;
};

struct gen {
	struct sink *sink;
	struct naccs_index_stats stats;
	char (*logins)[NACCS_LOGIN_MAX + 1]; /* in the index, sorted */
	size_t n_logins, cap_logins;
	struct naccs_group *groups;
	size_t n_groups, cap_groups;
	struct login_gid *pairs; /* memberships published */
	size_t n_pairs, cap_pairs;
	uint32_t group_n;   /* the group being listed (members callback) */
	unsigned char *mem; /* its record being built */
	size_t mem_len, mem_cap;
	int rc;
};

/* Room for need elements of size bytes in *arr (doubling). */
static bool reserve(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap == 0 ? 64 : *cap;
	void *p;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * size);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

static int add_pw(struct gen *g, const struct naccs_identity *id, bool suspended)
{
	unsigned char rec[REC_MAX];
	char key[NACCS_INDEX_KEY_MAX];
	struct naccs_user_id pair;
	size_t len, klen;
	int rc;

	/* UTS-2.2.1.3(2)(g): a suspended ID keeps its name on its files but
	 * gets no shell from a service that does not ask pam_naccs. */
	len = naccs_index_encode_pw(id->uid, id->gid, id->login, id->gecos, id->home,
				    suspended ? NACCS_INDEX_SUSPENDED_SHELL : id->shell, rec,
				    sizeof(rec));
	if (len == 0)
		return -ENAMETOOLONG;

	klen = naccs_index_key('p', id->login, key, sizeof(key));
	if (klen == 0)
		return -ENAMETOOLONG;
	rc = sink_add(g->sink, key, klen, rec, len);
	/* The NACCS forms, upper-cased as naccs_name normalises them. */
	if (rc == 0 && id->user_code[0] != '\0' && id->id_number[0] != '\0' &&
	    naccs_name_normalize_code(id->user_code, pair.code) == 0 &&
	    naccs_name_normalize_number(id->id_number, pair.number) == 0) {
		for (int dash = 0; dash < 2 && rc == 0; dash++) {
			klen = naccs_index_alias_key(&pair, dash != 0, key, sizeof(key));
			rc = sink_add(g->sink, key, klen, rec, len);
			g->stats.aliases++;
		}
	}
	if (rc == 0) {
		klen = naccs_index_key_num('u', id->uid, key, sizeof(key));
		rc = sink_add(g->sink, key, klen, rec, len);
	}
	if (rc == 0) {
		klen = naccs_index_key_num('P', g->stats.users, key, sizeof(key));
		rc = sink_add(g->sink, key, klen, rec, len);
	}
	return rc;
}

static int list_cb(void *ctx, const struct naccs_identity *id,
		   const struct naccs_account_state *state)
{
	struct gen *g = ctx;

	if (state->retired)
		return 0; /* UTS-2.2.1.3(2)(g)(ウ): gone from every listing */
	if (!reserve((void **)&g->logins, &g->cap_logins, g->n_logins + 1, sizeof(*g->logins))) {
		g->rc = -ENOMEM;
		return 1;
	}
	g->rc = add_pw(g, id, state->suspended);
	if (g->rc < 0)
		return 1;
	memcpy(g->logins[g->n_logins++], id->login, sizeof(g->logins[0]));
	g->stats.users++;
	if (state->suspended)
		g->stats.suspended++;
	return 0;
}

static int group_cb(void *ctx, const struct naccs_group *grp)
{
	struct gen *g = ctx;

	if (grp->deleted)
		return 0;
	if (!reserve((void **)&g->groups, &g->cap_groups, g->n_groups + 1, sizeof(*g->groups))) {
		g->rc = -ENOMEM;
		return 1;
	}
	g->groups[g->n_groups++] = *grp;
	return 0;
}

static int cmp_login(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int member_cb(void *ctx, const char *login)
{
	struct gen *g = ctx;
	size_t n = strlen(login) + 1;

	/* Only members that are in the index (not retired). */
	if (g->n_logins == 0 ||
	    bsearch(login, g->logins, g->n_logins, sizeof(*g->logins), cmp_login) == NULL)
		return 0;
	if (!reserve((void **)&g->mem, &g->mem_cap, g->mem_len + n, 1) ||
	    !reserve((void **)&g->pairs, &g->cap_pairs, g->n_pairs + 1, sizeof(*g->pairs))) {
		g->rc = -ENOMEM;
		return 1;
	}
	memcpy(g->mem + g->mem_len, login, n);
	g->mem_len += n;
	snprintf(g->pairs[g->n_pairs].login, sizeof(g->pairs[0].login), "%s", login);
	g->pairs[g->n_pairs++].gid = g->groups[g->group_n].gid;
	g->stats.members++;
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct login_gid *x = a, *y = b;
	int c = strcmp(x->login, y->login);

	if (c != 0)
		return c;
	return x->gid < y->gid ? -1 : x->gid > y->gid;
}

static int add_groups(struct gen *g, struct naccs_store *st, naccs_deadline_t dl,
		      struct naccs_err *err)
{
	char key[NACCS_INDEX_KEY_MAX];
	int rc;

	for (size_t i = 0; i < g->n_groups; i++) {
		const struct naccs_group *grp = &g->groups[i];
		size_t start = g->n_pairs, nlen = strlen(grp->name) + 1;

		g->group_n = (uint32_t)i;
		g->mem_len = 0;
		if (!reserve((void **)&g->mem, &g->mem_cap, 8 + nlen, 1))
			return naccs_err_set(err, ENOMEM, "out of memory");
		naccs_index_put_u32(g->mem, grp->gid);
		memcpy(g->mem + 8, grp->name, nlen);
		g->mem_len = 8 + nlen;
		rc = naccs_store_group_members(st, dl, grp->name, member_cb, g, err);
		if (rc == 0 && g->rc < 0)
			rc = naccs_err_set(err, -g->rc, "out of memory");
		if (rc < 0)
			return rc;
		naccs_index_put_u32(g->mem + 4, (uint32_t)(g->n_pairs - start));
		rc = sink_add(g->sink, key, naccs_index_key('g', grp->name, key, sizeof(key)),
			      g->mem, g->mem_len);
		if (rc == 0)
			rc = sink_add(g->sink, key,
				      naccs_index_key_num('i', grp->gid, key, sizeof(key)), g->mem,
				      g->mem_len);
		if (rc == 0)
			rc = sink_add(g->sink, key,
				      naccs_index_key_num('G', (uint32_t)i, key, sizeof(key)),
				      g->mem, g->mem_len);
		if (rc < 0)
			return rc;
		g->stats.groups++;
	}
	return 0;
}

/* The "l:LOGIN" gid lists, in login order. */
static int add_lists(struct gen *g)
{
	char key[NACCS_INDEX_KEY_MAX];
	unsigned char *gids;
	size_t i = 0;
	int rc = 0;

	if (g->n_pairs == 0)
		return 0;
	qsort(g->pairs, g->n_pairs, sizeof(*g->pairs), cmp_pair);
	gids = malloc(g->n_pairs * 4);
	if (gids == NULL)
		return -ENOMEM;
	while (i < g->n_pairs && rc == 0) {
		size_t j = i, n = 0;

		for (; j < g->n_pairs && strcmp(g->pairs[j].login, g->pairs[i].login) == 0; j++)
			naccs_index_put_u32(gids + 4 * n++, g->pairs[j].gid);
		rc = sink_add(g->sink, key,
			      naccs_index_key('l', g->pairs[i].login, key, sizeof(key)), gids,
			      4 * n);
		i = j;
	}
	free(gids);
	return rc;
}

static void gen_free(struct gen *g)
{
	free(g->logins);
	free(g->groups);
	free(g->pairs);
	free(g->mem);
}

/* Every record of the index, in the order they are written. */
static int generate(struct naccs_store *st, naccs_deadline_t dl, struct sink *sink,
		    struct naccs_index_stats *stats, struct naccs_err *err)
{
	struct gen g;
	char count[32];
	int rc;

	memset(&g, 0, sizeof(g));
	g.sink = sink;
	/* One read transaction: the IDs, the groups and their members as the
	 * store was at one moment, whatever naccsctl commits meanwhile. */
	rc = naccs_store_read_begin(st, dl, err);
	if (rc < 0)
		return rc;
	rc = sink_add_str(sink, "#version", 8, NACCS_INDEX_VERSION);
	if (rc == 0)
		rc = sink_add_str(sink, "#stale", 6, "0");
	if (rc == 0) {
		rc = naccs_store_list(st, dl, list_cb, &g, err);
		if (rc == 0 && g.rc < 0)
			rc = g.rc;
	}
	if (rc == 0) {
		if (g.n_logins > 0)
			qsort(g.logins, g.n_logins, sizeof(*g.logins), cmp_login);
		rc = naccs_store_group_list(st, dl, group_cb, &g, err);
		if (rc == 0 && g.rc < 0)
			rc = g.rc;
	}
	if (rc == 0)
		rc = add_groups(&g, st, dl, err);
	if (rc == 0)
		rc = add_lists(&g);
	if (rc == 0) {
		snprintf(count, sizeof(count), "%u %u", (unsigned)g.stats.users,
			 (unsigned)g.stats.groups);
		rc = sink_add_str(sink, "#count", 6, count);
	}
	rc = naccs_store_read_end(st, rc, err);
	if (stats != NULL)
		*stats = g.stats;
	gen_free(&g);
	if (rc < 0 && err != NULL && err->code == 0) {
		char buf[128];

		naccs_err_set(err, -rc, "index: %s", naccs_strerror(-rc, buf, sizeof(buf)));
	}
	return rc;
}

/* ---- rebuild ---- */

static int sys_fail(struct naccs_err *err, int e, const char *what, const char *path)
{
	char buf[128];

	return naccs_err_set(err, e, "%s %s: %s", what, path, naccs_strerror(e, buf, sizeof(buf)));
}

static int sync_dir(const char *path, struct naccs_err *err)
{
	char dir[PATH_MAX];
	int fd, e;

	if (naccs_path_dirname(path, dir, sizeof(dir)) < 0)
		return naccs_err_set(err, ENAMETOOLONG, "index path too long: %s", path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sys_fail(err, errno, "cannot open directory", dir);
	if (fsync(fd) < 0) {
		e = errno;
		close(fd);
		return sys_fail(err, e, "cannot sync directory", dir);
	}
	close(fd);
	return 0;
}

/* The index that was at the path until the rename: its "#stale" byte set
 * to "1", for processes that still run an earlier NSS module (one that
 * mapped the file and looked at the path again only then, or after a
 * second); today's reader stat()s the path at every call.  Best effort. */
static void mark_stale(int oldfd)
{
	unsigned dlen = 0;
	off_t pos;

	if (oldfd < 0)
		return;
	if (cdb_seek(oldfd, "#stale", 6, &dlen) > 0 && dlen == 1) {
		pos = lseek(oldfd, 0, SEEK_CUR);
		if (pos > 0 && pwrite(oldfd, "1", 1, pos) == 1)
			(void)fdatasync(oldfd);
	}
	close(oldfd);
}

/* The rebuilders' lock, PATH.lock beside the index (mode 0600, never a
 * link), waited for until the deadline: two rebuilds at once (two
 * naccsctl runs) would each read the store at their own moment and the
 * later rename could put the older picture in place.  Under the lock, a
 * rebuild reads the store after the one before it renamed its file.
 * The descriptor (close it to unlock), or -errno with the message. */
static int take_lock(const char *path, naccs_deadline_t dl, struct naccs_err *err)
{
	char lock[PATH_MAX];
	struct stat sb;
	int fd, e;

	if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock))
		return naccs_err_set(err, ENAMETOOLONG, "index path too long: %s", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0600);
	if (fd < 0)
		return sys_fail(err, errno, "cannot open", lock);
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return naccs_err_set(err, EINVAL, "%s is not a regular file", lock);
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec ts = {0, 5000000};

		e = errno;
		if ((e != EWOULDBLOCK && e != EINTR) || naccs_deadline_left_ms(dl) == 0) {
			close(fd);
			if (e == EWOULDBLOCK)
				return naccs_err_set(err, ETIMEDOUT,
						     "another index rebuild holds the lock %s",
						     lock);
			return sys_fail(err, e, "cannot lock", lock);
		}
		nanosleep(&ts, NULL);
	}
	return fd;
}

static int write_locked(struct naccs_store *st, naccs_deadline_t dl, const char *path,
			struct naccs_index_stats *stats, struct naccs_err *err)
{
	struct sink sink;
	char tmp[PATH_MAX];
	int fd, rc, e, oldfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return naccs_err_set(err, ENAMETOOLONG, "index path too long: %s", path);
	fd = mkstemp(tmp); /* the same directory: rename stays atomic */
	if (fd < 0)
		return sys_fail(err, errno, "cannot create", tmp);
	memset(&sink, 0, sizeof(sink));
	/* Readable by every process that asks NSS (no secret in it). */
	if (fchmod(fd, NACCS_INDEX_MODE) < 0 || cdb_make_start(&sink.mk, fd) < 0) {
		rc = sys_fail(err, errno, "cannot write", tmp);
		goto fail;
	}
	rc = generate(st, dl, &sink, stats, err);
	if (rc < 0) {
		if (sink.sys_errno != 0)
			rc = sys_fail(err, sink.sys_errno, "cannot write", tmp);
		cdb_make_finish(&sink.mk); /* frees its tables */
		goto fail;
	}
	if (cdb_make_finish(&sink.mk) < 0 || fsync(fd) < 0) {
		rc = sys_fail(err, errno, "cannot write", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = sys_fail(err, errno, "cannot write", tmp);
		goto fail;
	}
	fd = -1;
	/* The file being replaced (a regular file only: never follow a link
	 * or block on a FIFO someone put there). */
	oldfd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (oldfd >= 0) {
		struct stat sb;

		if (fstat(oldfd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			close(oldfd);
			oldfd = -1;
		}
	}
	if (rename(tmp, path) < 0) {
		rc = sys_fail(err, errno, "cannot replace", path);
		if (oldfd >= 0)
			close(oldfd);
		goto fail;
	}
	rc = sync_dir(path, err);
	mark_stale(oldfd);
	return rc;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return rc;
}

int naccs_index_write(struct naccs_store *st, naccs_deadline_t dl, const char *path,
		      struct naccs_index_stats *stats, struct naccs_err *err)
{
	int lockfd = take_lock(path, dl, err), rc;

	if (lockfd < 0)
		return lockfd;
	rc = write_locked(st, dl, path, stats, err);
	close(lockfd); /* unlocks */
	return rc;
}

/* ---- check ---- */

int naccs_index_check(struct naccs_store *st, naccs_deadline_t dl, const char *path,
		      struct naccs_index_stats *stats, struct naccs_err *err)
{
	struct sink sink;
	struct stat sb;
	int fd, rc;

	memset(&sink, 0, sizeof(sink));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return sys_fail(err, errno, "cannot open", path);
	if (fstat(fd, &sb) < 0) {
		rc = sys_fail(err, errno, "cannot read", path);
		close(fd);
		return rc;
	}
	if (!S_ISREG(sb.st_mode) || cdb_init(&sink.db, fd) < 0) {
		close(fd);
		return naccs_err_set(err, ESTALE, "%s is not an index (cdb) file", path);
	}
	sink.check = true;
	cdb_seqinit(&sink.seq, &sink.db);
	rc = generate(st, dl, &sink, stats, err);
	if (rc == 0 && !sink.differs && cdb_seqnext(&sink.seq, &sink.db) > 0) {
		char kt[NACCS_INDEX_KEY_MAX + 1];

		key_text(cdb_getkey(&sink.db), cdb_keylen(&sink.db), kt, sizeof(kt));
		snprintf(sink.diff, sizeof(sink.diff), "record %s should not be there", kt);
		sink.differs = true;
	}
	cdb_free(&sink.db);
	close(fd);
	if (rc < 0)
		return rc;
	if (sink.differs)
		return naccs_err_set(err, ESTALE, "%s: %s", path, sink.diff);
	if ((sb.st_mode & 07777) != NACCS_INDEX_MODE)
		return naccs_err_set(err, ESTALE, "%s: mode %04o, expected %04o", path,
				     (unsigned)(sb.st_mode & 07777), (unsigned)NACCS_INDEX_MODE);
	return 0;
}
