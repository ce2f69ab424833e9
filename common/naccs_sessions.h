/* The optional limit on concurrent sessions per ID (UTS-2.2.1.2(1)(b)(ア):
 * 同時利用者数による制限, 同一IDによる複数アクセスの禁止), [session]
 * max_sessions_per_id (0, the default: off).
 *
 * The session table is one file per ID (named by its login) in a directory
 * only the owner can write ([session] session_dir, default "sessions"
 * beside the store).  Each line is one open session: the boot it was opened
 * in (/proc/sys/kernel/random/boot_id), the pid of the process that opened
 * it (sshd's per-connection monitor, login, su: they live as long as the
 * session) and that process's start time (/proc/PID/stat), so a reused pid
 * is not taken for the old one.  A line counts only while that process of
 * this boot is alive: a crash, a kill -9 or a reboot never leaves an ID
 * locked out; the dead lines are dropped at the next open.  Reading,
 * pruning, counting and adding happen under flock(2) of the ID's file, so
 * two logins at once cannot both take the last place. */
#ifndef NACCS_SESSIONS_H
#define NACCS_SESSIONS_H

#include <stddef.h>
#include <sys/types.h>

#include "naccs_err.h"

struct naccs_session_mark {
	char boot[40];
	long pid;
	unsigned long long start; /* clock ticks after boot */
};

/* The table's directory: cfg_dir, or when it is "" "sessions" beside the
 * store.  0 or -ENAMETOOLONG. */
int naccs_sessions_dir(const char *cfg_dir, const char *store_path, char *out, size_t outlen);

/* The mark of this process (getpid()); a test build (--enable-test-hooks)
 * takes the pid from NACCS_TEST_SESSION_PID.  0, or -errno when /proc
 * cannot tell (the caller fails closed). */
int naccs_sessions_self(struct naccs_session_mark *m);

/* Count self as a session of login unless max sessions of it are open:
 * 0 (added), -EUSERS (*live of max are open: refused), or -errno when the
 * table cannot be used (the caller fails closed).  *live: the live
 * sessions before this one. */
int naccs_sessions_open(const char *dir, uid_t owner, const char *login, unsigned max,
			const struct naccs_session_mark *self, unsigned *live,
			struct naccs_err *err);

/* Forget the session self of login (at close).  0 or -errno; a session
 * not found is 0. */
int naccs_sessions_close(const char *dir, uid_t owner, const char *login,
			 const struct naccs_session_mark *self, struct naccs_err *err);

#endif
