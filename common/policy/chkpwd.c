/* The protocol of naccs_chkpwd (policy/chkpwd.h): exit codes both ways, and
 * running the helper from pam_naccs.so when it is not root. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/chkpwd.h"
#include "base/i18n.h"

int naccs_chkpwd_exit_code(enum naccs_outcome o)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return NACCS_CHKPWD_OK;
	case NACCS_OUT_BAD_CREDENTIALS:
		return NACCS_CHKPWD_BAD;
	case NACCS_OUT_LOCKED:
		return NACCS_CHKPWD_LOCKED;
	case NACCS_OUT_SUSPENDED:
		return NACCS_CHKPWD_SUSPENDED;
	case NACCS_OUT_RETIRED:
		return NACCS_CHKPWD_RETIRED;
	case NACCS_OUT_UNKNOWN:
		return NACCS_CHKPWD_UNKNOWN;
	case NACCS_OUT_CHANGE_REQUIRED:
		return NACCS_CHKPWD_CHANGE_REQUIRED;
	case NACCS_OUT_EXPIRED:
		return NACCS_CHKPWD_EXPIRED;
	case NACCS_OUT_DENIED:
		return NACCS_CHKPWD_DENIED;
	default: /* nothing else comes out of auth or account: fail closed */
		return NACCS_CHKPWD_UNAVAILABLE;
	}
}

enum naccs_outcome naccs_chkpwd_outcome(int exit_code)
{
	switch (exit_code) {
	case NACCS_CHKPWD_OK:
		return NACCS_OUT_ALLOW;
	case NACCS_CHKPWD_BAD:
	case NACCS_CHKPWD_NOT_YOURS: /* a refusal, as a wrong password */
		return NACCS_OUT_BAD_CREDENTIALS;
	case NACCS_CHKPWD_LOCKED:
		return NACCS_OUT_LOCKED;
	case NACCS_CHKPWD_SUSPENDED:
		return NACCS_OUT_SUSPENDED;
	case NACCS_CHKPWD_RETIRED:
		return NACCS_OUT_RETIRED;
	case NACCS_CHKPWD_UNKNOWN:
		return NACCS_OUT_UNKNOWN;
	case NACCS_CHKPWD_CHANGE_REQUIRED:
		return NACCS_OUT_CHANGE_REQUIRED;
	case NACCS_CHKPWD_EXPIRED:
		return NACCS_OUT_EXPIRED;
	case NACCS_CHKPWD_DENIED:
		return NACCS_OUT_DENIED;
	default:
		return NACCS_OUT_UNAVAILABLE;
	}
}

const char *naccs_chkpwd_exit_name(int exit_code)
{
	static const char *const names[] = {
	    [NACCS_CHKPWD_OK] = "ok",
	    [NACCS_CHKPWD_BAD] = "wrong password",
	    [NACCS_CHKPWD_LOCKED] = "locked",
	    [NACCS_CHKPWD_SUSPENDED] = "suspended",
	    [NACCS_CHKPWD_RETIRED] = "retired",
	    [NACCS_CHKPWD_UNKNOWN] = "no ID of the caller",
	    [NACCS_CHKPWD_NOT_YOURS] = "another user's ID",
	    [NACCS_CHKPWD_UNAVAILABLE] = "store or audit trail unavailable",
	    [NACCS_CHKPWD_ERROR] = "configuration or installation error",
	    [NACCS_CHKPWD_USAGE] = "usage error",
	    [NACCS_CHKPWD_CHANGE_REQUIRED] = "password change required",
	    [NACCS_CHKPWD_EXPIRED] = "password expired",
	    [NACCS_CHKPWD_DENIED] = "refused by an access rule",
	};

	if (exit_code < 0 || (size_t)exit_code >= sizeof(names) / sizeof(names[0]))
		return "unexpected exit code";
	return names[exit_code];
}

/* In the child, between fork and execve: async-signal-safe calls only.
 * out: the write end of the stdout pipe, or -1 (/dev/null). */
static void child(const struct naccs_chkpwd_call *call, int in, int out, char *const argv[])
{
	static char *const empty[] = {NULL};
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;

	if (null < 0 || dup2(in, 0) < 0 || dup2(out >= 0 ? out : null, 1) < 0 || dup2(null, 2) < 0)
		_exit(126);
	closefrom(3);
	/* The host's blocked signals are not the helper's business. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(call->helper, argv, call->envp != NULL ? call->envp : empty);
	_exit(127);
}

/* Fill the pipe before the fork: the password (at most INPUT_MAX + 1 bytes,
 * so an over-long one is still seen as over-long) fits in a pipe's buffer,
 * and the host never writes to a helper that may have exited. */
static int fill(int fd, const char *password, struct naccs_err *err)
{
	size_t len = password ? strnlen(password, NACCS_CHKPWD_INPUT_MAX + 1) : 0, off = 0;

	while (off < len) {
		ssize_t n = write(fd, password + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return naccs_err_set(err, n < 0 ? errno : EIO,
					     _("naccs_chkpwd: cannot pass the password"));
		off += (size_t)n;
	}
	return 0;
}

/* The login line the helper wrote (stdout, read after it exited: the pipe
 * holds it; the helper writes one short line, far below a pipe's capacity,
 * so it never blocks on it).  Anything but one line of printable, non-space
 * characters that fits in cap - 1 bytes: "". */
static void read_login(int fd, char *login, size_t cap)
{
	char buf[128];
	ssize_t n;
	size_t len;
	char *nl;

	login[0] = '\0';
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return;
	buf[n] = '\0';
	nl = memchr(buf, '\n', (size_t)n);
	if (nl == NULL || nl[1] != '\0')
		return; /* no newline, or more than one line */
	len = (size_t)(nl - buf);
	if (len == 0 || len >= cap)
		return;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] <= ' ' || (unsigned char)buf[i] >= 0x7f)
			return;
	memcpy(login, buf, len);
	login[len] = '\0';
}

int naccs_chkpwd_run(const struct naccs_chkpwd_call *call, int *exit_code, struct naccs_err *err)
{
	char *argv[7];
	char service[96];
	struct sigaction dfl, old;
	int fds[2], out[2] = {-1, -1}, status = 0, argc = 0, rc, saved;
	pid_t pid, done;

	*exit_code = -1;
	if (call->login != NULL && call->login_cap > 0)
		call->login[0] = '\0';
	argv[argc++] = (char *)"naccs_chkpwd";
	if (call->account)
		argv[argc++] = (char *)"--account";
	if (call->service != NULL && call->service[0] != '\0') {
		snprintf(service, sizeof(service), "%s", call->service);
		argv[argc++] = (char *)"--service";
		argv[argc++] = service;
	}
	if (call->user != NULL) {
		argv[argc++] = (char *)"--";
		argv[argc++] = (char *)call->user;
	}
	argv[argc] = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return naccs_err_set(err, errno, _("naccs_chkpwd: cannot make a pipe"));
	rc = fill(fds[1], call->password, err);
	close(fds[1]);
	if (rc < 0) {
		close(fds[0]);
		return rc;
	}
	/* stdout: a pipe only when the caller wants the login; its read end
	 * non-blocking (read after the helper exited: whatever it holds). */
	if (call->login != NULL && call->login_cap > 0 &&
	    (pipe2(out, O_CLOEXEC) < 0 || fcntl(out[0], F_SETFL, O_NONBLOCK) < 0)) {
		saved = errno;
		close(fds[0]);
		if (out[0] >= 0) {
			close(out[0]);
			close(out[1]);
		}
		return naccs_err_set(err, saved, _("naccs_chkpwd: cannot make a pipe"));
	}
	/* As pam_unix around unix_chkpwd: the default action while the helper
	 * runs, so waitpid gets its status whatever the host set. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old);
	pid = fork();
	if (pid == 0)
		child(call, fds[0], out[1], argv);
	saved = errno;
	close(fds[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (pid < 0) {
		sigaction(SIGCHLD, &old, NULL);
		if (out[0] >= 0)
			close(out[0]);
		return naccs_err_set(err, saved, _("naccs_chkpwd: cannot start the helper"));
	}
	do
		done = waitpid(pid, &status, 0);
	while (done < 0 && errno == EINTR);
	saved = errno;
	sigaction(SIGCHLD, &old, NULL);
	if (out[0] >= 0) {
		/* Only an exit 0 names the login. */
		if (done >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == NACCS_CHKPWD_OK)
			read_login(out[0], call->login, call->login_cap);
		close(out[0]);
	}
	if (done < 0)
		return naccs_err_set(err, saved, _("naccs_chkpwd: lost the helper"));
	if (WIFSIGNALED(status))
		return naccs_err_set(err, EINTR,
				     _("naccs_chkpwd: the helper was killed (signal %d)"),
				     WTERMSIG(status));
	if (!WIFEXITED(status))
		return naccs_err_set(err, ECHILD, _("naccs_chkpwd: the helper did not exit"));
	if (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127)
		return naccs_err_set(err, ENOEXEC, _("naccs_chkpwd: cannot run %s"), call->helper);
	*exit_code = WEXITSTATUS(status);
	return 0;
}
