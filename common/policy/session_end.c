/* Ending an ID's running sessions (policy/session_end.h,
 * UTS-2.2.1.1(1)(d)). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/num.h"
#include "base/path.h"
#include "policy/session_end.h"
#include "base/proc.h"

#define NO_UID 4294967295UL

enum mark {
	M_NONE = 0,
	M_SESSION,  /* a session of the ID (table) */
	M_SWITCH,   /* a switch of its individual (table) */
	M_LOGIN,    /* by uid or login uid */
	M_BELOW,    /* below one of those */
	M_SPARED,   /* this process or an ancestor */
	M_INTERNAL, /* pid 1, kernel threads */
};

struct proc {
	struct naccs_proc p;
	unsigned long uid, loginuid;
	enum mark mark;
	bool alive;
};

/* The real uid ("Uid:" of /proc/PID/status) and the login uid. */
static void read_ids(long pid, unsigned long *uid, unsigned long *loginuid)
{
	char path[64], buf[4096], *p;
	uint32_t lu;

	*uid = *loginuid = NO_UID;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (naccs_path_read_small(path, buf, sizeof(buf)) > 0 &&
	    (p = strstr(buf, "\nUid:")) != NULL)
		*uid = strtoul(p + 5, NULL, 10);
	if (naccs_proc_loginuid(pid, &lu))
		*loginuid = lu;
}

/* Every process now. */
static int snapshot(struct proc **out, size_t *n, struct naccs_err *err)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return naccs_err_set(err, errno, _("cannot read /proc"));
	while ((de = readdir(d)) != NULL) {
		unsigned long pid;
		struct proc *p;

		if (naccs_parse_ulong(de->d_name, strlen(de->d_name), 1, 4194304, &pid) != 0)
			continue;
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			void *q = realloc(*out, ncap * sizeof(**out));

			if (q == NULL) {
				closedir(d);
				free(*out);
				*out = NULL;
				return naccs_err_set(err, ENOMEM, _("cannot read /proc"));
			}
			*out = q;
			cap = ncap;
		}
		p = &(*out)[*n];
		memset(p, 0, sizeof(*p));
		if (naccs_proc_read((long)pid, &p->p) != 0 || p->p.state == 'Z')
			continue; /* gone meanwhile, or already ended */
		read_ids((long)pid, &p->uid, &p->loginuid);
		p->alive = true;
		(*n)++;
	}
	closedir(d);
	return 0;
}

static struct proc *find_pid(struct proc *ps, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (ps[i].p.pid == pid)
			return &ps[i];
	return NULL;
}

/* Is the process of p still the one of the snapshot, and running? */
static bool still_running(const struct proc *p)
{
	struct naccs_proc now;

	return naccs_proc_read(p->p.pid, &now) == 0 && now.start == p->p.start && now.state != 'Z';
}

/* Signal the process of p and not another that took its pid: through a
 * pidfd opened before its start time is checked again.  0 or -errno. */
static int signal_proc(const struct proc *p, int sig)
{
	int fd = -1, rc = 0;

#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
	fd = (int)syscall(SYS_pidfd_open, (pid_t)p->p.pid, 0);
	if (fd < 0 && errno != ENOSYS)
		return errno == ESRCH ? 0 : -errno;
#endif
	if (!still_running(p))
		rc = 0;
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
	else if (fd >= 0)
		rc = syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0 || errno == ESRCH
			 ? 0
			 : -errno;
#endif
	else
		rc = kill((pid_t)p->p.pid, sig) == 0 || errno == ESRCH ? 0 : -errno;
	if (fd >= 0)
		close(fd);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until none of the marked processes runs, at most ms.  Those still
 * running keep alive = true. */
static void wait_gone(struct proc *ps, size_t n, unsigned ms)
{
	long long until = now_ms() + ms;

	for (;;) {
		bool any = false;
		struct timespec pause = {0, 50 * 1000000L};

		for (size_t i = 0; i < n; i++)
			if (ps[i].alive && ps[i].mark >= M_SESSION && ps[i].mark <= M_BELOW) {
				ps[i].alive = still_running(&ps[i]);
				any |= ps[i].alive;
			}
		if (!any || now_ms() >= until)
			return;
		nanosleep(&pause, NULL);
	}
}

/* Append "PID" or "PID@LOGIN" to the list (NACCS_SESSION_END_PIDS
 * bytes); ",..." once it is full. */
static void add_pid(char *list, long pid, const char *login)
{
	size_t len = strlen(list);
	char one[24 + NACCS_SESSION_WHO_MAX];
	int k = snprintf(one, sizeof(one), "%s%ld%s%s", len ? "," : "", pid, login ? "@" : "",
			 login ? login : "");

	if (k > 0 && len + (size_t)k + 5 < NACCS_SESSION_END_PIDS)
		memcpy(list + len, one, (size_t)k + 1);
	else if (len >= 3 && len + 5 < NACCS_SESSION_END_PIDS && strcmp(list + len - 3, "...") != 0)
		memcpy(list + len, ",...", 5);
}

/* Mark the processes: the table's, by uid, the spared, then everything
 * below a marked one. */
static void mark_all(struct proc *ps, size_t n, const struct naccs_session_found *found,
		     unsigned nfound, uid_t uid, bool scan_uid, struct naccs_session_end_result *r)
{
	bool changed = true;

	for (size_t i = 0; i < n; i++)
		if (ps[i].p.pid <= 2 || ps[i].p.ppid == 2)
			ps[i].mark = M_INTERNAL;
	/* This process and its ancestors. */
	for (struct proc *p = find_pid(ps, n, (long)getpid()); p != NULL && p->mark != M_SPARED;
	     p = find_pid(ps, n, p->p.ppid)) {
		if (p->mark == M_NONE)
			p->mark = M_SPARED;
		else
			break;
	}
	for (unsigned i = 0; i < nfound; i++) {
		struct proc *p = find_pid(ps, n, found[i].mark.pid);

		if (p == NULL || p->p.start != found[i].mark.start)
			continue; /* ended meanwhile */
		if (found[i].is_switch)
			r->switches++;
		else
			r->sessions++;
		add_pid(r->table, p->p.pid, found[i].login);
		if (p->mark == M_NONE)
			p->mark = found[i].is_switch ? M_SWITCH : M_SESSION;
		else if (p->mark == M_SPARED)
			r->spared++;
	}
	for (size_t i = 0; scan_uid && i < n; i++) {
		if (ps[i].uid != (unsigned long)uid &&
		    (ps[i].loginuid != (unsigned long)uid || ps[i].p.tty_nr == 0))
			continue;
		if (ps[i].mark == M_NONE) {
			ps[i].mark = M_LOGIN;
			r->by_login++;
		} else if (ps[i].mark == M_SPARED) {
			r->spared++;
		}
	}
	while (changed) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			struct proc *parent;

			if (ps[i].mark != M_NONE)
				continue;
			parent = find_pid(ps, n, ps[i].p.ppid);
			if (parent != NULL && parent->mark >= M_SESSION &&
			    parent->mark <= M_BELOW) {
				ps[i].mark = M_BELOW;
				changed = true;
			}
		}
	}
}

int naccs_session_end(const struct naccs_session_found *found, unsigned nfound, uid_t uid,
		      bool scan_uid, unsigned grace_ms, struct naccs_session_end_result *r,
		      struct naccs_err *err)
{
	struct proc *ps;
	size_t n;
	bool any = false;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = snapshot(&ps, &n, err);
	if (rc < 0)
		return rc;
	mark_all(ps, n, found, nfound, uid, scan_uid, r);
	for (size_t i = 0; i < n; i++) {
		if (ps[i].mark < M_SESSION || ps[i].mark > M_BELOW)
			continue;
		rc = signal_proc(&ps[i], SIGTERM);
		/* A shell on a terminal ignores SIGTERM: it ends on a hangup,
		 * as when the line drops; a stopped process must run to end. */
		if (rc == 0 && ps[i].p.tty_nr != 0)
			rc = signal_proc(&ps[i], SIGHUP);
		if (rc == 0 && ps[i].p.state == 'T')
			rc = signal_proc(&ps[i], SIGCONT);
		if (rc < 0) {
			r->failed++;
			ps[i].alive = false; /* not ours to wait for */
			continue;
		}
		r->processes++;
		add_pid(r->pids, ps[i].p.pid, NULL);
		any = true;
	}
	if (any)
		wait_gone(ps, n, grace_ms);
	any = false;
	for (size_t i = 0; i < n; i++) {
		if (!ps[i].alive || ps[i].mark < M_SESSION || ps[i].mark > M_BELOW)
			continue;
		if (signal_proc(&ps[i], SIGKILL) < 0) {
			r->failed++;
			ps[i].alive = false;
			continue;
		}
		r->killed++;
		any = true;
	}
	if (any) {
		wait_gone(ps, n, 2000);
		for (size_t i = 0; i < n; i++)
			if (ps[i].alive && ps[i].mark >= M_SESSION && ps[i].mark <= M_BELOW)
				r->failed++; /* uninterruptible, still there */
	}
	free(ps);
	return 0;
}
