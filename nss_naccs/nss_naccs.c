/* libnss_naccs.so.2: passwd and group look-ups over the public identity
 * index (common/index/map.h).  Loaded into every process that asks NSS,
 * so it links only libnaccs_core (tinycdb and the name rules): it never
 * opens the private store, never hashes, never allocates per look-up (but
 * for a record over NACCS_INDEX_VAL_BUF read from a large index), never
 * maps the index and keeps no descriptor open between calls
 * (index/map.h).
 *
 * Every entry point keeps the caller's errno (glibc passes &errno as errnop
 * in places: the answer is written last), refuses hostile names (with '/',
 * ':', control characters or longer than NACCS_INDEX_NAME_MAX: not found),
 * and packs the answer into the caller's buffer with an exact size check:
 * too small is NSS_STATUS_TRYAGAIN with *errnop = ERANGE, and glibc retries
 * with a larger one.  A missing or unreadable index is NSS_STATUS_UNAVAIL
 * (the next source answers).  Names typed as a NACCS user ID ("ABCDE001",
 * "ABCDE-001", any case) return the canonical entry. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/map.h"
#include "nss_naccs.h"

#define NSS_EXPORT __attribute__((visibility("default")))

/* ---- the index ---- */

static const char *index_path(void)
{
#ifdef NACCS_TEST_HOOKS
	const char *p = secure_getenv(NACCS_NSS_INDEX_ENV);

	if (p != NULL && p[0] == '/')
		return p;
#endif
	return NACCS_NSS_INDEX;
}

/* The end of every entry point: the caller's errno back, then the answer
 * (errnop may be &errno). */
static enum nss_status answer(enum nss_status st, int e, int saved, int *errnop)
{
	errno = saved;
	if (st != NSS_STATUS_SUCCESS)
		*errnop = e;
	return st;
}

static enum nss_status unavailable(int rc, int *e)
{
	*e = rc == -ENOENT ? ENOENT : (rc < 0 ? -rc : EIO);
	return NSS_STATUS_UNAVAIL;
}

/* The answer of a look-up whose index could not be mapped (rc < 0). */
static enum nss_status acquire_failed(int rc, int saved, int *errnop)
{
	int e;
	enum nss_status st = unavailable(rc, &e);

	return answer(st, e, saved, errnop);
}

/* What one look-up asks (naccs_index_lookup asks again on a version
 * replaced under it): a name or a number, and the record found. */
struct pw_query {
	const char *name;
	uint32_t num;
	struct naccs_index_pw r;
	struct naccs_index_val v;
};

struct gr_query {
	const char *name;
	uint32_t num;
	struct naccs_index_gr r;
	struct naccs_index_val v;
};

static int pw_by_name(struct naccs_index_map *m, void *ctx)
{
	struct pw_query *q = ctx;

	return naccs_index_find_pw_name(m, q->name, &q->r, &q->v);
}

static int pw_by_uid(struct naccs_index_map *m, void *ctx)
{
	struct pw_query *q = ctx;

	return naccs_index_find_pw_num(m, 'u', q->num, &q->r, &q->v);
}

static int gr_by_name(struct naccs_index_map *m, void *ctx)
{
	struct gr_query *q = ctx;

	return naccs_index_find_gr_name(m, q->name, &q->r, &q->v);
}

static int gr_by_gid(struct naccs_index_map *m, void *ctx)
{
	struct gr_query *q = ctx;

	return naccs_index_find_gr_num(m, 'i', q->num, &q->r, &q->v);
}

/* A look-up's verdict before packing: found is 1, 0, -EINVAL (a
 * malformed record: the index is damaged) or another -errno (-EAGAIN: the
 * file changed under the look-up each time it was asked).  True, with *st and *e set,
 * when there is nothing to pack. */
static bool missed(int found, enum nss_status *st, int *e)
{
	if (found < 0) {
		*e = found == -EAGAIN || found == -ENOMEM ? -found : EIO;
		*st = NSS_STATUS_UNAVAIL;
		return true;
	}
	if (found == 0) {
		*e = ENOENT;
		*st = NSS_STATUS_NOTFOUND;
		return true;
	}
	return false;
}

/* ---- packing into the caller's buffer ---- */

struct out_buf {
	char *p;
	size_t left;
};

/* Copy s[0..n) and a NUL; false when it does not fit. */
static bool put_text(struct out_buf *b, const char *s, size_t n, char **out)
{
	if (n >= b->left)
		return false;
	memcpy(b->p, s, n);
	b->p[n] = '\0';
	*out = b->p;
	b->p += n + 1;
	b->left -= n + 1;
	return true;
}

static enum nss_status pack_pw(const struct naccs_index_pw *r, struct passwd *pw, char *buf,
			       size_t buflen, int *e)
{
	struct out_buf b = {buf, buflen};

	if (!put_text(&b, r->name, r->name_len, &pw->pw_name) ||
	    !put_text(&b, "x", 1, &pw->pw_passwd) ||
	    !put_text(&b, r->gecos, r->gecos_len, &pw->pw_gecos) ||
	    !put_text(&b, r->home, r->home_len, &pw->pw_dir) ||
	    !put_text(&b, r->shell, r->shell_len, &pw->pw_shell)) {
		*e = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	pw->pw_uid = (uid_t)r->uid;
	pw->pw_gid = (gid_t)r->gid;
	return NSS_STATUS_SUCCESS;
}

static enum nss_status pack_gr(const struct naccs_index_gr *r, struct group *gr, char *buf,
			       size_t buflen, int *e)
{
	struct out_buf b = {buf, buflen};
	size_t pad = (alignof(char *) - (uintptr_t)buf % alignof(char *)) % alignof(char *);
	size_t ptrs = ((size_t)r->n_members + 1) * sizeof(char *);
	const char *m = r->members;
	char **mem;

	if (pad > b.left || ptrs > b.left - pad)
		goto range;
	mem = (char **)(void *)(b.p + pad);
	b.p += pad + ptrs;
	b.left -= pad + ptrs;
	if (!put_text(&b, r->name, r->name_len, &gr->gr_name) ||
	    !put_text(&b, "x", 1, &gr->gr_passwd))
		goto range;
	for (uint32_t i = 0; i < r->n_members; i++) {
		size_t n = strlen(m); /* decode_gr checked every NUL */

		if (!put_text(&b, m, n, &mem[i]))
			goto range;
		m += n + 1;
	}
	mem[r->n_members] = NULL;
	gr->gr_mem = mem;
	gr->gr_gid = (gid_t)r->gid;
	return NSS_STATUS_SUCCESS;
range:
	*e = ERANGE;
	return NSS_STATUS_TRYAGAIN;
}

/* ---- passwd ---- */

/* found: as for missed(). */
static enum nss_status pw_result(int found, const struct naccs_index_pw *r, struct passwd *pw,
				 char *buf, size_t buflen, int *e)
{
	enum nss_status st;

	if (missed(found, &st, e))
		return st;
	return pack_pw(r, pw, buf, buflen, e);
}

NSS_EXPORT enum nss_status _nss_naccs_getpwnam_r(const char *name, struct passwd *pw, char *buf,
						 size_t buflen, int *errnop)
{
	int saved = errno, e = 0, rc;
	struct naccs_index_map *m;
	struct pw_query q = {.name = name};
	enum nss_status st;

	if (!naccs_index_name_ok(name))
		return answer(NSS_STATUS_NOTFOUND, ENOENT, saved, errnop);
	naccs_index_val_init(&q.v);
	rc = naccs_index_lookup(index_path(), pw_by_name, &q, &m);
	if (m == NULL) {
		naccs_index_val_free(&q.v);
		return acquire_failed(rc, saved, errnop);
	}
	st = pw_result(rc, &q.r, pw, buf, buflen, &e);
	naccs_index_val_free(&q.v);
	naccs_index_release(m);
	return answer(st, e, saved, errnop);
}

NSS_EXPORT enum nss_status _nss_naccs_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
						 size_t buflen, int *errnop)
{
	int saved = errno, e = 0, rc;
	struct naccs_index_map *m;
	struct pw_query q = {.num = (uint32_t)uid};
	enum nss_status st;

	naccs_index_val_init(&q.v);
	rc = naccs_index_lookup(index_path(), pw_by_uid, &q, &m);
	if (m == NULL) {
		naccs_index_val_free(&q.v);
		return acquire_failed(rc, saved, errnop);
	}
	st = pw_result(rc, &q.r, pw, buf, buflen, &e);
	naccs_index_val_free(&q.v);
	naccs_index_release(m);
	return answer(st, e, saved, errnop);
}

/* ---- enumeration: one snapshot of the index from set*ent to end*ent, so
 * a rebuild meanwhile neither repeats nor skips entries ---- */

struct ent {
	pthread_mutex_t lock;
	struct naccs_index_map *map;
	uint32_t next, count;
};

static struct ent pw_ent = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};
static struct ent gr_ent = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

/* Under ent->lock: (re)start at the first entry of the current index. */
static int ent_start(struct ent *ent, bool groups)
{
	uint32_t npw, ngr;
	int rc;

	naccs_index_release(ent->map);
	ent->map = NULL;
	ent->next = ent->count = 0;
	/* A private copy however large: an enumeration reads every record
	 * anyway, and a copy cannot change under it. */
	rc = naccs_index_acquire_copy(index_path(), &ent->map);
	if (rc < 0) {
		ent->map = NULL;
		return rc;
	}
	naccs_index_counts(ent->map, &npw, &ngr);
	ent->count = groups ? ngr : npw;
	return 0;
}

static void ent_end(struct ent *ent)
{
	pthread_mutex_lock(&ent->lock);
	naccs_index_release(ent->map);
	ent->map = NULL;
	ent->next = ent->count = 0;
	pthread_mutex_unlock(&ent->lock);
}

static enum nss_status ent_set(struct ent *ent, bool groups)
{
	int saved = errno, rc;

	pthread_mutex_lock(&ent->lock);
	rc = ent_start(ent, groups);
	pthread_mutex_unlock(&ent->lock);
	errno = saved;
	return rc < 0 ? NSS_STATUS_UNAVAIL : NSS_STATUS_SUCCESS;
}

NSS_EXPORT enum nss_status _nss_naccs_setpwent(int stayopen)
{
	return ent_set(&pw_ent, false);
}

NSS_EXPORT enum nss_status _nss_naccs_endpwent(void)
{
	int saved = errno;

	ent_end(&pw_ent);
	errno = saved;
	return NSS_STATUS_SUCCESS;
}

NSS_EXPORT enum nss_status _nss_naccs_getpwent_r(struct passwd *pw, char *buf, size_t buflen,
						 int *errnop)
{
	int saved = errno, e = ENOENT, rc = 0;
	struct naccs_index_val v;
	struct naccs_index_pw r;
	enum nss_status st = NSS_STATUS_NOTFOUND;

	naccs_index_val_init(&v);
	pthread_mutex_lock(&pw_ent.lock);
	if (pw_ent.map == NULL)
		rc = ent_start(&pw_ent, false);
	if (rc < 0) {
		st = unavailable(rc, &e);
	} else if (pw_ent.next < pw_ent.count) {
		st = pw_result(naccs_index_find_pw_num(pw_ent.map, 'P', pw_ent.next, &r, &v), &r,
			       pw, buf, buflen, &e);
		/* On ERANGE glibc calls again with a larger buffer: same entry. */
		if (st == NSS_STATUS_SUCCESS)
			pw_ent.next++;
	}
	pthread_mutex_unlock(&pw_ent.lock);
	naccs_index_val_free(&v);
	return answer(st, e, saved, errnop);
}

/* ---- group ---- */

static enum nss_status gr_result(int found, const struct naccs_index_gr *r, struct group *gr,
				 char *buf, size_t buflen, int *e)
{
	enum nss_status st;

	if (missed(found, &st, e))
		return st;
	return pack_gr(r, gr, buf, buflen, e);
}

NSS_EXPORT enum nss_status _nss_naccs_getgrnam_r(const char *name, struct group *gr, char *buf,
						 size_t buflen, int *errnop)
{
	int saved = errno, e = 0, rc;
	struct naccs_index_map *m;
	struct gr_query q = {.name = name};
	enum nss_status st;

	if (!naccs_index_name_ok(name))
		return answer(NSS_STATUS_NOTFOUND, ENOENT, saved, errnop);
	naccs_index_val_init(&q.v);
	rc = naccs_index_lookup(index_path(), gr_by_name, &q, &m);
	if (m == NULL) {
		naccs_index_val_free(&q.v);
		return acquire_failed(rc, saved, errnop);
	}
	st = gr_result(rc, &q.r, gr, buf, buflen, &e);
	naccs_index_val_free(&q.v);
	naccs_index_release(m);
	return answer(st, e, saved, errnop);
}

NSS_EXPORT enum nss_status _nss_naccs_getgrgid_r(gid_t gid, struct group *gr, char *buf,
						 size_t buflen, int *errnop)
{
	int saved = errno, e = 0, rc;
	struct naccs_index_map *m;
	struct gr_query q = {.num = (uint32_t)gid};
	enum nss_status st;

	naccs_index_val_init(&q.v);
	rc = naccs_index_lookup(index_path(), gr_by_gid, &q, &m);
	if (m == NULL) {
		naccs_index_val_free(&q.v);
		return acquire_failed(rc, saved, errnop);
	}
	st = gr_result(rc, &q.r, gr, buf, buflen, &e);
	naccs_index_val_free(&q.v);
	naccs_index_release(m);
	return answer(st, e, saved, errnop);
}

NSS_EXPORT enum nss_status _nss_naccs_setgrent(int stayopen)
{
	return ent_set(&gr_ent, true);
}

NSS_EXPORT enum nss_status _nss_naccs_endgrent(void)
{
	int saved = errno;

	ent_end(&gr_ent);
	errno = saved;
	return NSS_STATUS_SUCCESS;
}

NSS_EXPORT enum nss_status _nss_naccs_getgrent_r(struct group *gr, char *buf, size_t buflen,
						 int *errnop)
{
	int saved = errno, e = ENOENT, rc = 0;
	struct naccs_index_val v;
	struct naccs_index_gr r;
	enum nss_status st = NSS_STATUS_NOTFOUND;

	naccs_index_val_init(&v);
	pthread_mutex_lock(&gr_ent.lock);
	if (gr_ent.map == NULL)
		rc = ent_start(&gr_ent, true);
	if (rc < 0) {
		st = unavailable(rc, &e);
	} else if (gr_ent.next < gr_ent.count) {
		st = gr_result(naccs_index_find_gr_num(gr_ent.map, 'G', gr_ent.next, &r, &v), &r,
			       gr, buf, buflen, &e);
		if (st == NSS_STATUS_SUCCESS)
			gr_ent.next++;
	}
	pthread_mutex_unlock(&gr_ent.lock);
	naccs_index_val_free(&v);
	return answer(st, e, saved, errnop);
}

/* ---- initgroups: the store groups user is a member of, added to
 * *groupsp (glibc's dynamic array) except group (the primary one) and gids
 * already there, growing it up to limit (<= 0: no limit) ---- */

static bool add_gid(gid_t gid, long int *start, long int *size, gid_t **groupsp, long int limit,
		    int *e)
{
	gid_t *grown;
	long int nsize;

	for (long int i = 0; i < *start; i++)
		if ((*groupsp)[i] == gid)
			return true;
	if (*start == *size) {
		if (limit > 0 && *size >= limit)
			return true; /* full: glibc's rule is to stop quietly */
		nsize = *size > 0 ? 2 * *size : 8;
		if (limit > 0 && nsize > limit)
			nsize = limit;
		grown = realloc(*groupsp, (size_t)nsize * sizeof(gid_t));
		if (grown == NULL) {
			*e = ENOMEM;
			return false;
		}
		*groupsp = grown;
		*size = nsize;
	}
	(*groupsp)[(*start)++] = gid;
	return true;
}

/* initgroups: the ID by its canonical login, also when user is a NACCS
 * form, then its gid list. */
struct groups_query {
	const char *name;
	struct naccs_index_pw r;
	struct naccs_index_val v, vg;
	const unsigned char *gids;
	size_t n;
};

static int groups_of(struct naccs_index_map *m, void *ctx)
{
	struct groups_query *q = ctx;
	int rc = naccs_index_find_pw_name(m, q->name, &q->r, &q->v);

	if (rc == 1) {
		rc = naccs_index_find_groups(m, q->r.name, q->r.name_len, &q->gids, &q->n, &q->vg);
		rc = rc < 0 ? rc : 1;
	}
	return rc;
}

NSS_EXPORT enum nss_status _nss_naccs_initgroups_dyn(const char *user, gid_t group, long int *start,
						     long int *size, gid_t **groupsp,
						     long int limit, int *errnop)
{
	int saved = errno, e = ENOENT, rc;
	struct naccs_index_map *m;
	struct groups_query q = {.name = user};
	enum nss_status st = NSS_STATUS_NOTFOUND;

	if (!naccs_index_name_ok(user))
		return answer(NSS_STATUS_NOTFOUND, ENOENT, saved, errnop);
	naccs_index_val_init(&q.v);
	naccs_index_val_init(&q.vg);
	rc = naccs_index_lookup(index_path(), groups_of, &q, &m);
	if (m == NULL) {
		naccs_index_val_free(&q.vg);
		naccs_index_val_free(&q.v);
		return acquire_failed(rc, saved, errnop);
	}
	if (rc < 0) {
		missed(rc, &st, &e);
	} else if (rc == 1) {
		st = NSS_STATUS_SUCCESS;
		if (q.gids != NULL && q.n > 0) {
			for (size_t i = 0; i < q.n && st == NSS_STATUS_SUCCESS; i++) {
				gid_t gid = (gid_t)naccs_index_u32(q.gids + 4 * i);

				if (gid != group && !add_gid(gid, start, size, groupsp, limit, &e))
					st = NSS_STATUS_TRYAGAIN;
			}
		}
	}
	naccs_index_val_free(&q.vg);
	naccs_index_val_free(&q.v);
	naccs_index_release(m);
	return answer(st, e, saved, errnop);
}

/* Unloaded (or the process ends): nothing left allocated, for valgrind. */
__attribute__((destructor)) static void nss_naccs_unload(void)
{
	ent_end(&pw_ent);
	ent_end(&gr_ent);
	naccs_index_forget();
}
