/* naccsctl user suspend and retire end the ID's running sessions
 * (UTS-2.2.1.1(1)(d): stop its use of the system at once), unless
 * --keep-sessions: the sessions the session table and /proc know
 * (policy/session_end.h), then loginctl terminate-user where systemd-logind
 * runs.
 * What was ended is one trail line (action end-sessions). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "policy/session_end.h"
#include "rules/sessions.h"
#include "ctl.h"
#include "cmd_user.h"
#include "base/proc.h"

#define LOGINCTL_TIMEOUT_MS 10000

static const char *const loginctl_paths[] = {"/usr/bin/loginctl", "/bin/loginctl"};

/* loginctl terminate-user LOGIN where systemd-logind runs: "ok", "failed",
 * "absent" (no logind), "skipped" (uid 0, or the administrator's own ID:
 * it would end this command's own session). */
static const char *loginctl_terminate(const struct naccs_identity *id)
{
	const char *path = NULL;
	uint32_t self;
	int status = 0;
	pid_t pid, w;
	long long waited = 0;

	/* systemd is init (sd_booted()) and logind has started: a container
	 * image may carry /run/systemd/seats without either. */
	if (access("/run/systemd/system", F_OK) != 0 || access("/run/systemd/seats", F_OK) != 0)
		return "absent";
	for (size_t i = 0; i < sizeof(loginctl_paths) / sizeof(loginctl_paths[0]); i++)
		if (access(loginctl_paths[i], X_OK) == 0) {
			path = loginctl_paths[i];
			break;
		}
	if (path == NULL)
		return "absent";
	if (id->uid == 0 || (naccs_proc_loginuid(0, &self) && self == id->uid))
		return "skipped";
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return "failed";
	if (pid == 0) {
		char *const argv[] = {(char *)"loginctl", (char *)"terminate-user", (char *)"--",
				      (char *)id->login, NULL};
		char *const envp[] = {(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
				      (char *)"LC_ALL=C", NULL};
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
		if (chdir("/") != 0)
			_exit(127);
		execve(path, argv, envp);
		_exit(127);
	}
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && waited < LOGINCTL_TIMEOUT_MS) {
		struct timespec pause = {0, 50 * 1000000L};

		nanosleep(&pause, NULL);
		waited += 50;
	}
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return "failed";
	}
	return w == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "failed";
}

int user_end_sessions(struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id,
		      bool keep)
{
	struct naccs_session_found *found = NULL;
	struct naccs_session_end_result r;
	struct naccs_err err, table_err;
	char dir[PATH_MAX], detail[2 * NACCS_SESSION_END_PIDS + 2 * NACCS_ERR_MSG_MAX + 256];
	const char *lc;
	unsigned nfound = 0;
	int rc;

	if (keep) {
		printf(_("%s: its running sessions are left open (--keep-sessions)\n"), id->login);
		snprintf(detail, sizeof(detail), "%s; --keep-sessions", action);
		return ctl_emit(ctx, "end-sessions", "done", "kept", id, NULL, detail) < 0
			   ? CTL_EXIT_FAIL
			   : CTL_EXIT_OK;
	}
	naccs_err_clear(&table_err);
	rc = naccs_sessions_dir(ctx->cfg.session_dir, ctx->cfg.store_path, dir, sizeof(dir));
	if (rc < 0)
		naccs_err_set(&table_err, -rc, _("session table: directory name too long"));
	else
		rc = naccs_sessions_find(dir, ctx->cfg.owner_uid, id->login, &found, &nfound,
					 &table_err);
	if (rc < 0) /* /proc still finds what runs as the ID */
		ctl_warn("%s", table_err.msg);
	naccs_err_clear(&err);
	rc = naccs_session_end(found, nfound, (uid_t)id->uid, id->uid != 0,
			       NACCS_SESSION_END_GRACE_MS, &r, &err);
	free(found);
	/* Then logind, for what its sessions hold that the table and /proc
	 * did not show (a process that left its terminal and its parent). */
	lc = loginctl_terminate(id);
	if (strcmp(lc, "failed") == 0)
		ctl_warn(_("%s: loginctl terminate-user failed"), id->login);
	if (rc < 0) {
		ctl_error(_("%s: its sessions could not be ended: %s"), id->login, err.msg);
		snprintf(detail, sizeof(detail), "%s; %s; loginctl=%s", action, err.msg, lc);
		ctl_emit(ctx, "end-sessions", "error", "proc-unreadable", id, NULL, detail);
		return CTL_EXIT_FAIL;
	}
	snprintf(detail, sizeof(detail),
		 "%s; sessions=%u switches=%u table=%s by-login-uid=%u processes=%u killed=%u "
		 "failed=%u spared=%u pids=%s loginctl=%s%s%s",
		 action, r.sessions, r.switches, r.table[0] ? r.table : "-", r.by_login,
		 r.processes, r.killed, r.failed, r.spared, r.pids[0] ? r.pids : "-", lc,
		 table_err.msg[0] ? "; " : "", table_err.msg);
	if (r.processes == 0 && r.failed == 0)
		printf(_("%s: no session was running\n"), id->login);
	else
		printf(
		    _("%s: sessions ended (its own: %u, switches to other IDs by this person: "
		      "%u, other processes of its uid or login uid: %u; processes signalled: %u, "
		      "killed after %u s: %u)\n"),
		    id->login, r.sessions, r.switches, r.by_login, r.processes,
		    NACCS_SESSION_END_GRACE_MS / 1000, r.killed);
	if (r.spared > 0)
		ctl_warn(_("%s: this command's own session is left open"), id->login);
	if (r.failed > 0) {
		ctl_error(
		    dngettext(NACCS_TEXTDOMAIN, "%s: %u process of its sessions could not be ended",
			      "%s: %u processes of its sessions could not be ended", r.failed),
		    id->login, r.failed);
		ctl_emit(ctx, "end-sessions", "error", "not-ended", id, NULL, detail);
		return CTL_EXIT_FAIL;
	}
	return ctl_emit(ctx, "end-sessions", "done", NULL, id, NULL, detail) < 0 ? CTL_EXIT_FAIL
										 : CTL_EXIT_OK;
}
