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
 * two logins at once cannot both take the last place.
 *
 * Every session of an ID is counted, with a limit or without
 * (max_sessions_per_id = 0), so that naccsctl user suspend and retire can
 * end them (UTS-2.2.1.1(1)(d), policy/session_end.h).  A switch to another
 * ID (su, sudo to a shared admin ID, UTS-2.2.1.1(1)(g)(カ)) is a line in
 * the target's file that also names the individual who switched: a fourth
 * field, so that individual's suspension ends those root shells too. */
#ifndef NACCS_SESSIONS_H
#define NACCS_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

#define NACCS_SESSION_WHO_MAX 64

struct naccs_session_mark {
	char boot[40];
	long pid;
	unsigned long long start; /* clock ticks after boot */
	/* A switch: the login of the individual who switched; "" otherwise. */
	char individual[NACCS_SESSION_WHO_MAX];
};

/* One open session found by naccs_sessions_find. */
struct naccs_session_found {
	struct naccs_session_mark mark;
	char login[NACCS_SESSION_WHO_MAX]; /* the ID whose file holds it */
	bool is_switch;			   /* login's by a switch of the individual */
};

/* What /proc/PID/stat says of a process. */
struct naccs_proc {
	long pid, ppid;
	char state; /* 'R', 'S', ... 'Z' (a zombie: ended) */
	int tty_nr; /* 0: no controlling terminal */
	unsigned long long start;
};

/* The table's directory: cfg_dir, or when it is "" "sessions" beside the
 * store.  0 or -ENAMETOOLONG. */
int naccs_sessions_dir(const char *cfg_dir, const char *store_path, char *out, size_t outlen);

/* The mark of this process (getpid()); a test build (--enable-test-hooks)
 * takes the pid from NACCS_TEST_SESSION_PID.  0, or -errno when /proc
 * cannot tell (the caller fails closed). */
int naccs_sessions_self(struct naccs_session_mark *m);

/* A service opening a session for a peer (naccsd) names the peer's
 * process: until naccs_sessions_use_pid(0), naccs_sessions_self in this
 * thread marks pid instead of getpid() (the test hook included), as
 * naccs_su_use_invoker does for the invoker (rules/su.h).  Thread-local. */
void naccs_sessions_use_pid(long pid);

/* Count self as a session of login unless max sessions of it are open
 * (max 0: no limit): 0 (added), -EUSERS (*live of max are open: refused),
 * or -errno when the table cannot be used.  *live: the live sessions
 * before this one. */
int naccs_sessions_open(const char *dir, uid_t owner, const char *login, unsigned max,
			const struct naccs_session_mark *self, unsigned *live,
			struct naccs_err *err);

/* Forget the session self of login (at close).  0 or -errno; a session
 * not found is 0. */
int naccs_sessions_close(const char *dir, uid_t owner, const char *login,
			 const struct naccs_session_mark *self, struct naccs_err *err);

/* The open sessions of login: the live lines of its file, and the live
 * lines of every other ID's file whose individual is login (its switches).
 * *out (free()) holds *n of them.  0, or -errno with a message; a table
 * never written (no directory, no file) has none. */
int naccs_sessions_find(const char *dir, uid_t owner, const char *login,
			struct naccs_session_found **out, unsigned *n, struct naccs_err *err);

/* /proc/PID/stat of pid into *p: 0, -ENOENT (no such process), -errno. */
int naccs_proc_read(long pid, struct naccs_proc *p);

#endif
