/* The public identity index: a world-readable constant database (cdb,
 * tinycdb) with passwd and group data only, written by naccsctl from the
 * private store and read by libnss_naccs.so.2.  It never holds a hash, a
 * counter or a flag.
 *
 * Format version 1.  Every key starts with a one-character prefix and ':'
 * (except the meta keys starting with '#'); numbers in keys are decimal:
 *   "#version"    "1"                     format version (text)
 *   "#stale"      "0"                     set to "1" in place, in the old file,
 *                                         once naccsctl renamed a new index over
 *                                         it (for readers of earlier versions,
 *                                         which mapped the file; today's reader
 *                                         stat()s the path at every call)
 *   "#count"      "NPW NGR"               entries enumerated by P: and G:
 *   "p:LOGIN"     passwd record           by canonical login (exact case)
 *   "a:FORM"      passwd record           by NACCS form, upper-cased, both
 *                                         "ABCDE001" and "ABCDE-001"
 *   "u:UID"       passwd record           by uid
 *   "P:N"         passwd record           N-th entry (0..NPW-1, login order)
 *   "g:NAME"      group record            by group name
 *   "i:GID"       group record            by gid
 *   "G:N"         group record            N-th group (0..NGR-1, name order)
 *   "l:LOGIN"     gid list                the store groups LOGIN is a member
 *                                         of (initgroups), 4 bytes each
 * A passwd record: uid, gid (4 bytes each, little endian), then name,
 * gecos, home, shell, each NUL-terminated (nothing after the last NUL).
 * A group record: gid, member count (4 bytes each), then the name and
 * each member's login, each NUL-terminated.
 *
 * What is in it: identities that are not retired (a retired ID disappears,
 * UTS-2.2.1.3(2)(g)(ウ)), and groups that are not deleted, with members that
 * are in it.  A suspended ID stays (its files still show its name) but its
 * shell is NACCS_INDEX_SUSPENDED_SHELL, so a service that does not ask
 * pam_naccs (a key login with UsePAM off, cron) still gives it no shell; a
 * locked ID is unchanged (locks are PAM's, applied at each login, and change
 * without naccsctl).
 *
 * Reading (index/map.c, map_file.c, map_record.c) is the small core the
 * NSS module links: no
 * store, no hashing, no allocation per look-up but for a value larger than
 * NACCS_INDEX_VAL_BUF (one stat; for a large index an open, two fstats and
 * a few preads).  Writing
 * (index/write.c) is in libnaccs. */
#ifndef NACCS_INDEX_H
#define NACCS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/name.h"
#include "index/map_record.h"

#define NACCS_INDEX_VERSION "1"
#define NACCS_INDEX_MODE    0644
#define NACCS_INDEX_FILE    "passwd.cdb"
/* The shell a suspended ID gets in the index (see above). */
#define NACCS_INDEX_SUSPENDED_SHELL "/usr/sbin/nologin"
/* The index the NSS module reads (configure --with-nss-index). */
#ifndef NACCS_NSS_INDEX
#define NACCS_NSS_INDEX LOCALSTATEDIR "/lib/naccs/" NACCS_INDEX_FILE
#endif
/* Test builds only (--enable-test-hooks): the NSS module reads the index
 * named by this variable instead (secure_getenv: never in a setuid or
 * setgid process). */
#define NACCS_NSS_INDEX_ENV "NACCS_TEST_NSS_INDEX"

/* ---- the file (thread-safe, process-wide) ---- */

struct naccs_index_map;

/* An index up to this size is read whole into private memory (it reads in
 * well under 0.1 ms); of a larger one the process keeps only the table of
 * contents (2 KiB) and reads the records it needs with pread(2), so a
 * look-up in a fresh process (id, ls -l, sshd's children) costs the same
 * at 100,000 accounts as at 10. */
#define NACCS_INDEX_COPY_MAX (256 * 1024)
/* Test builds only (--enable-test-hooks): another threshold in bytes
 * ("0": every index is read record by record). */
#define NACCS_INDEX_COPY_MAX_ENV "NACCS_TEST_NSS_INDEX_COPY_MAX"

/* The index at path.  Each call stat()s the path (one system call) and
 * compares device, inode, size, modification and change times with the
 * version in hand: a file replaced by a rename (naccsctl, a backup
 * restored by hand) or rewritten in place is opened afresh at that call.
 * The file is never mapped: truncating or overwriting it in place
 * (cp backup.cdb passwd.cdb) cannot kill a reader with SIGBUS.  A small
 * index is a private copy, which stays as it was while in use; a larger
 * one is opened at each look-up (no descriptor stays open in the host),
 * checked with fstat to be the version in hand before and after the
 * preads, every position checked against its size: a file that changed
 * meanwhile makes that look-up -EAGAIN (ask again: the next acquire opens
 * the path afresh), never garbage.  A file that changes while it is
 * copied is read again; one that keeps changing (a cp still under way) is
 * -EAGAIN.  The old version is freed when its last user releases it.  A file group or others may
 * write, or owned by someone other than root or the caller, is refused (-EPERM).  0 with *out
 * (release it), -ENOENT when there is no index, or another -errno. */
int naccs_index_acquire(const char *path, struct naccs_index_map **out);
/* The same, always as a private copy however large (enumeration: it
 * reads every record anyway, and a copy cannot change under it). */
int naccs_index_acquire_copy(const char *path, struct naccs_index_map **out);
void naccs_index_release(struct naccs_index_map *m);

/* A value looked up: *p, len bytes, in the copy or read into buf (or, when
 * larger, into heap).  naccs_index_val_init before the first look-up,
 * naccs_index_val_free after the last use of what was decoded from it. */
#define NACCS_INDEX_VAL_BUF 1024
struct naccs_index_val {
	const unsigned char *p;
	size_t len;
	unsigned char *heap;
	unsigned char buf[NACCS_INDEX_VAL_BUF];
};
void naccs_index_val_init(struct naccs_index_val *v);
void naccs_index_val_free(struct naccs_index_val *v);

/* The value of key: 1 found (v->p, v->len valid until v is reused or
 * freed and m released), 0 not found, -EAGAIN the file changed under the
 * look-up: release, acquire, ask again. */
int naccs_index_get(struct naccs_index_map *m, const char *key, size_t klen,
		    struct naccs_index_val *v);
/* The passwd record of a name as typed: the login (exact), else its NACCS
 * form (policy/resolve.h precedence).  1 found, 0 not, -EINVAL bad record,
 * -EAGAIN as for naccs_index_get.  out points into v. */
int naccs_index_find_pw_name(struct naccs_index_map *m, const char *name,
			     struct naccs_index_pw *out, struct naccs_index_val *v);
/* The record under prefix:n ('u' uid, 'P' N-th; 'i', 'G' for groups). */
int naccs_index_find_pw_num(struct naccs_index_map *m, char prefix, uint32_t n,
			    struct naccs_index_pw *out, struct naccs_index_val *v);
int naccs_index_find_gr_name(struct naccs_index_map *m, const char *name,
			     struct naccs_index_gr *out, struct naccs_index_val *v);
int naccs_index_find_gr_num(struct naccs_index_map *m, char prefix, uint32_t n,
			    struct naccs_index_gr *out, struct naccs_index_val *v);
/* The gid list of a login ("l:"): 1 with *gids (4 bytes each, little endian,
 * read with naccs_index_u32, in v) and *n, 0 when it has none, -EAGAIN. */
int naccs_index_find_groups(struct naccs_index_map *m, const char *login, size_t login_len,
			    const unsigned char **gids, size_t *n, struct naccs_index_val *v);
/* "#count": the numbers of passwd and group entries (0 for a bad record). */
void naccs_index_counts(struct naccs_index_map *m, uint32_t *npw, uint32_t *ngr);

/* One look-up in the index at path, asked again when the file changed
 * under it (-EAGAIN: a rebuild renamed a new file in), twice in a row at
 * most.  find(m, ctx) looks up in m (1, 0 or -errno) and is called afresh
 * on each version.  Its last answer, with *out held (release it after the
 * last use of what was found in it); or, with *out NULL, the -errno of
 * naccs_index_acquire when the index could not be read.  The one retry
 * of the NSS module and of naccs_local_index_holds (index/local.h). */
#define NACCS_INDEX_LOOKUP_RETRIES 2
typedef int (*naccs_index_find_fn)(struct naccs_index_map *m, void *ctx);
int naccs_index_lookup(const char *path, naccs_index_find_fn find, void *ctx,
		       struct naccs_index_map **out);

/* Drop the process's cached version (tests; and the NSS module's
 * destructor, so valgrind sees nothing left). */
void naccs_index_forget(void);

#endif
