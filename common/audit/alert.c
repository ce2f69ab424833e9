/* Immediate alerts (UTS-2.2.1.4(1)(d)(イ)): for the event kinds named by
 * [audit] alert_events, run [audit] alert_command with the event as one
 * JSON object on its standard input.  The command is a trusted file
 * (absolute path, owned by the owner, not writable by group or others, in
 * a trusted directory: base/trust.h), executed directly (no shell), with
 * an empty environment but PATH, standard output and error to /dev/null,
 * and killed after NACCS_ALERT_TIMEOUT_MS: a login is never held longer. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit/alert.h"
#include "base/json.h"
#include "base/trust.h"

/* Does one of the names in list (spaces or commas) equal s, or begin it
 * followed by '-' ("su" matches "su-invoker-locked")? */
static bool listed(const char *list, const char *s)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return false;
	for (const char *p = list; *p != '\0'; p += n) {
		p += strspn(p, " ,\t");
		n = strcspn(p, " ,\t");
		if (n > 0 && strncmp(p, s, n) == 0 && (s[n] == '\0' || s[n] == '-'))
			return true;
	}
	return false;
}

bool naccs_alert_wanted(const struct naccs_config *cfg, const struct naccs_event *ev)
{
	return cfg->audit_alert_command[0] != '\0' &&
	       (listed(cfg->audit_alert_events, ev->action) ||
		listed(cfg->audit_alert_events, ev->reason));
}

static int event_json(const struct naccs_event *ev, char *buf, size_t cap)
{
	struct naccs_json w;

	naccs_json_init_buffer(&w, buf, cap);
	naccs_json_object_begin(&w);
	naccs_json_member_int(&w, "time", (int64_t)time(NULL));
	naccs_json_member_string(&w, "type", ev->type);
	naccs_json_member_string(&w, "action", ev->action);
	naccs_json_member_string(&w, "result", ev->result);
	naccs_json_member_string(&w, "reason", ev->reason);
	naccs_json_member_string(&w, "login", ev->login);
	naccs_json_member_string(&w, "user_code", ev->user_code);
	naccs_json_member_string(&w, "id_number", ev->id_number);
	naccs_json_member_string(&w, "service", ev->service);
	naccs_json_member_string(&w, "tty", ev->tty);
	naccs_json_member_string(&w, "rhost", ev->rhost);
	naccs_json_member_string(&w, "detail", ev->detail);
	naccs_json_member_string(&w, "individual_login", ev->individual_login);
	naccs_json_member_string(&w, "individual_user_code", ev->individual_user_code);
	naccs_json_member_string(&w, "individual_id_number", ev->individual_id_number);
	naccs_json_object_end(&w);
	return naccs_json_finish(&w, NULL);
}

static void child(const char *path, int in)
{
	char *const argv[] = {(char *)path, NULL};
	char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* Never in the caller's working directory (a login's or naccsctl's,
	 * which may be anything): in "/". */
	if (in < 0 || null < 0 || dup2(in, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
	    chdir("/") < 0)
		_exit(126);
	closefrom(3);
	execve(path, argv, envp);
	_exit(127);
}

/* write() to the command's stdin without SIGPIPE: a command that exits
 * without reading the event would otherwise kill the host process (a login
 * through the PAM module).  SIGPIPE is blocked in this thread around the
 * write, and the one the write raised is taken back (not one that was
 * pending before).  EPIPE then: the command did not want the event; its
 * exit status decides. */
static ssize_t write_no_sigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	bool was_pending;
	ssize_t n;
	int saved;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (pthread_sigmask(SIG_BLOCK, &pipe_set, &old) != 0)
		return -1;
	was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
	n = write(fd, buf, len);
	saved = errno;
	if (n < 0 && saved == EPIPE && !was_pending) {
		const struct timespec none = {0, 0};

		while (sigtimedwait(&pipe_set, NULL, &none) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

int naccs_alert_run(const struct naccs_config *cfg, const struct naccs_event *ev,
		    struct naccs_err *err)
{
	char *buf; /* 8 KiB on the heap: this runs on a PAM host's stack (issue 18) */
	const size_t cap = 8192;
	int fds[2], rc, status = 0;
	size_t len;
	pid_t pid, done = 0;
	struct timespec tick = {0, 10000000};

	rc = naccs_trust_check_file(cfg->audit_alert_command, cfg->owner_uid, err);
	if (rc < 0)
		return rc;
	if (access(cfg->audit_alert_command, X_OK) < 0)
		return naccs_err_set(err, errno, "alert_command %s is not executable",
				     cfg->audit_alert_command);
	buf = calloc(1, cap);
	if (buf == NULL)
		return naccs_err_set(err, ENOMEM, "alert: out of memory");
	if (event_json(ev, buf, cap - 1) < 0) {
		free(buf);
		return naccs_err_set(err, ENOBUFS, "alert: the event is too long");
	}
	len = strlen(buf);
	buf[len++] = '\n';
	if (pipe2(fds, O_CLOEXEC) < 0) {
		rc = naccs_err_set(err, errno, "alert: no pipe");
		free(buf);
		return rc;
	}
	pid = fork();
	if (pid == 0)
		child(cfg->audit_alert_command, fds[0]);
	close(fds[0]);
	if (pid < 0) {
		rc = naccs_err_set(err, errno, "alert: cannot fork");
		close(fds[1]);
		free(buf);
		return rc;
	}
	/* Less than a pipe's buffer: never blocks. */
	if (write_no_sigpipe(fds[1], buf, len) != (ssize_t)len && errno != EPIPE)
		rc = naccs_err_set(err, EIO, "alert: cannot write the event");
	close(fds[1]);
	free(buf); /* an event's names and hosts, nothing secret */
	for (int ms = 0; ms < NACCS_ALERT_TIMEOUT_MS; ms += 10) {
		done = waitpid(pid, &status, WNOHANG);
		if (done != 0)
			break;
		nanosleep(&tick, NULL);
	}
	if (done == 0) {
		kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		return naccs_err_set(err, ETIMEDOUT, "alert_command %s killed after %d ms",
				     cfg->audit_alert_command, NACCS_ALERT_TIMEOUT_MS);
	}
	/* done < 0 (ECHILD): the host reaps its children itself. */
	if (rc == 0 && done > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = naccs_err_set(err, EIO, "alert_command %s failed (status %d)",
				   cfg->audit_alert_command, status);
	return rc;
}
