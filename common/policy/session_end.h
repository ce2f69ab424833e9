/* Ending the running sessions of an ID when it is suspended or retired
 * (UTS-2.2.1.1(1)(d): stop the ID's use of the system at once; naccsctl
 * user suspend, user retire).
 *
 * What is ended, from one snapshot of /proc:
 *   - every open session of the ID in the session table (rules/sessions.h):
 *     the process that opened it (login, sshd's per-connection process,
 *     su, sudo) and every process below it;
 *   - every switch the ID's individual made to another ID (su, sudo to a
 *     shared admin ID: its root shell), found by the individual named in
 *     the table line, and every process below it;
 *   - unless the ID's uid is 0: every process running as the uid, and every
 *     process whose audit login uid (/proc/PID/loginuid, set at login and
 *     kept through su and sudo) is the uid and that has a controlling
 *     terminal (an su or sudo shell started in a login the table does not
 *     know), with the processes below them.  A process of that login uid
 *     without a terminal (a daemon restarted by hand on a system without
 *     systemd) is left alone.
 * Never this process or its ancestors (an administrator suspending the ID
 * they are logged in as), nor pid 1 or kernel threads.  A process is named
 * by its pid and start time, so a pid reused meanwhile is never signalled.
 * SIGTERM first (login, su and sshd pass it on to the shell they watch and
 * close their PAM session), with SIGHUP to a process that has a terminal
 * (an interactive shell ignores SIGTERM and ends on a hangup) and SIGCONT
 * to a stopped one; SIGKILL to what is still running after the grace
 * period. */
#ifndef NACCS_SESSION_END_H
#define NACCS_SESSION_END_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "rules/sessions.h"

#define NACCS_SESSION_END_GRACE_MS 5000
#define NACCS_SESSION_END_PIDS	   256

struct naccs_session_end_result {
	unsigned sessions;		   /* table lines of the ID whose process was running */
	unsigned switches;		   /* table lines of its individual's switches */
	unsigned by_login;		   /* processes found by uid or login uid only */
	unsigned processes;		   /* processes sent SIGTERM */
	unsigned killed;		   /* still running after the grace period: SIGKILL */
	unsigned failed;		   /* could not be signalled, or still running */
	unsigned spared;		   /* this process and its ancestors, left running */
	char pids[NACCS_SESSION_END_PIDS]; /* "PID,PID,..." of the processes */
	/* The table's sessions that ran: "PID@LOGIN" (LOGIN: the ID whose
	 * session it is, the target for a switch), comma-separated. */
	char table[NACCS_SESSION_END_PIDS];
};

/* End what is described above for the ID whose uid is uid (scan_uid:
 * false for uid 0), its table lines found[0..n).  0, or -errno with a
 * message when /proc cannot be read (nothing was signalled). */
int naccs_session_end(const struct naccs_session_found *found, unsigned n, uid_t uid, bool scan_uid,
		      unsigned grace_ms, struct naccs_session_end_result *r, struct naccs_err *err);

#endif
