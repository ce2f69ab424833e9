/* naccsd: the naccs-auth service (issue 18; docs/PROTOCOL.md,
 * docs/NACCSD-PLAN.md).  This file: the command line, the listening socket
 * (systemd's, or one made with --socket), the configuration (loaded once,
 * again at SIGHUP), signals through a signalfd (nothing is done in a
 * handler), and sd_notify without libsystemd.  naccsd never forks:
 * systemd supervises it (Type=notify); --foreground also copies every log
 * line to stderr. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/num.h"
#include "base/time.h"
#include "config/conf.h"
#include "server.h"

#define SD_LISTEN_FDS_START 3

struct daemon {
	bool foreground;
	const char *socket_path; /* --socket: made here, removed at exit */
	const char *conf_path;	 /* --conf, or NULL: the default file */
	uid_t owner;		 /* --owner: owner of trusted files */
	bool have_owner;
	struct stat made;	   /* the socket made here (to remove only that) */
	struct naccsd_options opt; /* --workers, the deadlines */
	struct naccs_config *cfg;  /* until the server takes it */
	struct naccsd_server *server;
	int sfd;
};

static void usage(FILE *out)
{
	/* (The path and the number as arguments: a macro inside _() would
	 * cut the msgid xgettext sees.) */
	fprintf(out,
		_("Usage: naccsd [--foreground] [--socket PATH] [--conf FILE] [--owner UID]\n"
		  "              [--workers N]\n"
		  "The naccs-auth service: answers pam_naccs, screen lockers and naccsctl\n"
		  "on a Unix socket.  Without --socket it takes the socket systemd passes\n"
		  "(naccsd.socket).\n"
		  "  --foreground   also write the log lines to standard error\n"
		  "  --socket PATH  make and listen on PATH (mode 0666) instead\n"
		  "  --conf FILE    the configuration file (default %s)\n"
		  "  --owner UID    expected owner of trusted files (default 0)\n"
		  "  --workers N    verifications at once (default %d): the memory of the\n"
		  "                 hashes is at most N times [hash] memory_kib\n"),
		NACCS_DEFAULT_CONF, NACCSD_WORKERS);
}

/* A message for the administrator at start: stderr and syslog (with
 * --foreground syslog copies it to stderr itself). */
static void say(const struct daemon *d, int prio, const char *msg)
{
	syslog(prio, "%s", msg);
	if (!d->foreground)
		fprintf(stderr, "naccsd: %s\n", msg);
}

/* Test builds only: shorter deadlines, so that the tests of the stall,
 * idle and queue paths take a second rather than the real deadline (and a
 * larger per-uid burst, for tests that make many checks as one user). */
static unsigned deadline_ms(const char *env, unsigned dflt)
{
#ifdef NACCS_TEST_HOOKS
	const char *v = getenv(env);
	unsigned long ms;

	if (v != NULL && naccs_parse_ulong(v, strlen(v), 1, 600000, &ms) == 0)
		return (unsigned)ms;
#else
	(void)env;
#endif
	return dflt;
}

/* sd_notify: one datagram to $NOTIFY_SOCKET ('@': an abstract name). */
static void notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t salen;
	size_t len;
	int fd;

	if (path == NULL || path[0] == '\0')
		return;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path)) {
		syslog(LOG_WARNING, "NOTIFY_SOCKET not usable: %s", path);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		syslog(LOG_WARNING, "cannot notify the service manager (%s): %m", path);
	if (fd >= 0)
		close(fd);
}

static void warn_log(void *ctx, const char *msg)
{
	(void)ctx;
	syslog(LOG_WARNING, "configuration: %s", msg);
}

/* Load the configuration into cfg (defaults, the file, the cross-key checks). */
static int load_config(const struct daemon *d, struct naccs_config *cfg, struct naccs_err *err)
{
	char owner[32];
	int rc;

	naccs_err_clear(err);
	naccs_config_defaults(cfg);
	if (d->have_owner) {
		snprintf(owner, sizeof(owner), "%lu", (unsigned long)d->owner);
		rc = naccs_config_set(cfg, "general", "owner", owner, "--owner", false, NULL, NULL,
				      err);
		if (rc < 0)
			return rc;
	}
	rc = naccs_config_load(cfg, d->conf_path, d->conf_path != NULL, warn_log, NULL, err);
	if (rc == 0)
		rc = naccs_config_validate(cfg, err);
	return rc;
}

/* The socket systemd passes: exactly one, fd 3, a listening stream Unix
 * socket.  1 when there is none (LISTEN_PID unset or another process's). */
static int systemd_socket(const struct daemon *d, int *fd)
{
	const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
	unsigned long pid, n;
	struct sockaddr_un sa;
	socklen_t len = sizeof(int), salen = sizeof(sa);
	struct stat st;
	int type = 0, listening = 0;

	if (pid_s == NULL ||
	    naccs_parse_ulong(pid_s, strlen(pid_s), 1, (unsigned long)INT32_MAX, &pid) < 0 ||
	    pid != (unsigned long)getpid())
		return 1;
	if (fds_s == NULL || naccs_parse_ulong(fds_s, strlen(fds_s), 0, 1024, &n) < 0 || n != 1) {
		say(d, LOG_ERR, _("LISTEN_FDS: exactly one socket expected (naccsd.socket)"));
		return -EINVAL;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (fstat(SD_LISTEN_FDS_START, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(SD_LISTEN_FDS_START, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_STREAM ||
	    getsockopt(SD_LISTEN_FDS_START, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 ||
	    !listening || getsockname(SD_LISTEN_FDS_START, (struct sockaddr *)&sa, &salen) < 0 ||
	    sa.sun_family != AF_UNIX) {
		say(d, LOG_ERR,
		    _("descriptor 3 from systemd is not a listening stream Unix socket"));
		return -EINVAL;
	}
	*fd = SD_LISTEN_FDS_START;
	return 0;
}

/* --socket PATH: bind and listen (0666).  Something at PATH is replaced
 * only when it is a socket nobody listens on (a stale one). */
static int make_socket(struct daemon *d, int *out)
{
	const char *path = d->socket_path;
	struct sockaddr_un sa;
	struct stat st;
	char msg[NACCS_ERR_MSG_MAX + PATH_MAX], ebuf[128];
	mode_t old;
	int fd, rc;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(msg, sizeof(msg), _("%s: socket path too long"), path);
		say(d, LOG_ERR, msg);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (lstat(path, &st) == 0) {
		int probe = -1;
		bool stale = false;

		if (S_ISSOCK(st.st_mode)) {
			probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			stale = probe >= 0 &&
				connect(probe, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
				errno == ECONNREFUSED;
			if (probe >= 0)
				close(probe);
		}
		if (!stale) {
			snprintf(msg, sizeof(msg),
				 S_ISSOCK(st.st_mode)
				     ? _("%s: a server already listens there")
				     : _("%s: exists and is not a socket: not replaced"),
				 path);
			say(d, LOG_ERR, msg);
			close(fd);
			return -EEXIST;
		}
		unlink(path);
	}
	old = umask(0111);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || chmod(path, 0666) < 0 || listen(fd, SOMAXCONN) < 0 ||
	    stat(path, &d->made) < 0) {
		rc = -errno;
		snprintf(msg, sizeof(msg), _("%s: cannot listen: %s"), path,
			 naccs_strerror(-rc, ebuf, sizeof(ebuf)));
		say(d, LOG_ERR, msg);
		close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

/* SIGHUP: load again; the new configuration replaces the old only when valid. */
static void reload(struct daemon *d)
{
	struct naccs_err err;
	char status[64], from[sizeof(((struct naccs_config *)0)->conf_path)];
	struct naccs_config *cfg = calloc(1, sizeof(*cfg));

	snprintf(status, sizeof(status), "RELOADING=1\nMONOTONIC_USEC=%lld",
		 (long long)naccs_now_mono_ms() * 1000);
	notify(status);
	naccs_err_clear(&err);
	if (cfg == NULL || load_config(d, cfg, &err) < 0) {
		syslog(LOG_ALERT, "configuration refused, the previous one stays in force: %s",
		       cfg == NULL ? "out of memory" : err.msg);
		free(cfg);
	} else {
		/* The old one lives on until the last decision using it ends. */
		snprintf(from, sizeof(from), "%s",
			 cfg->conf_path[0] != '\0' ? cfg->conf_path : "(defaults)");
		if (naccsd_server_set_config(d->server, cfg) < 0) {
			syslog(LOG_ALERT, "configuration not swapped in (out of memory)");
			free(cfg);
		} else {
			syslog(LOG_NOTICE, "configuration reloaded from %s", from);
		}
	}
	notify("READY=1");
}

static enum naccsd_ctl on_signal(void *ctx)
{
	struct daemon *d = ctx;
	struct signalfd_siginfo si;

	while (read(d->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload(d);
			continue;
		}
		syslog(LOG_NOTICE, "signal %u: stopping", si.ssi_signo);
		notify("STOPPING=1");
		return NACCSD_CTL_STOP;
	}
	return NACCSD_CTL_GO_ON;
}

static int parse_args(struct daemon *d, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"foreground", no_argument, NULL, 'f'},
	    {"socket", required_argument, NULL, 's'},
	    {"conf", required_argument, NULL, 'c'},
	    {"owner", required_argument, NULL, 'o'},
	    {"workers", required_argument, NULL, 'w'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned long v;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			d->foreground = true;
			break;
		case 's':
			d->socket_path = optarg;
			break;
		case 'c':
			d->conf_path = optarg;
			break;
		case 'o':
			if (naccs_parse_ulong(optarg, strlen(optarg), 0, (unsigned long)INT32_MAX,
					      &v) < 0) {
				fprintf(stderr, _("naccsd: --owner: not a uid: '%s'\n"), optarg);
				return 2;
			}
			d->owner = (uid_t)v;
			d->have_owner = true;
			break;
		case 'w':
			if (naccs_parse_ulong(optarg, strlen(optarg), 1, NACCSD_WORKERS_MAX, &v) <
			    0) {
				fprintf(stderr,
					_("naccsd: --workers: not a number from 1 to %d: '%s'\n"),
					NACCSD_WORKERS_MAX, optarg);
				return 2;
			}
			d->opt.workers = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* Start: the configuration, the signals, the socket. */
static int start(struct daemon *d, int *lfd)
{
	struct naccs_err err;
	char msg[NACCS_ERR_MSG_MAX + 64];
	sigset_t set;
	int rc;

	d->cfg = calloc(1, sizeof(*d->cfg));
	if (d->cfg == NULL)
		return -ENOMEM;
	if (load_config(d, d->cfg, &err) < 0) {
		snprintf(msg, sizeof(msg), _("configuration refused: %s"), err.msg);
		say(d, LOG_ALERT, msg);
		return -EINVAL;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (d->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		rc = -errno;
		say(d, LOG_ERR, _("cannot set up the signals"));
		return rc;
	}
	signal(SIGPIPE, SIG_IGN);
	if (d->socket_path != NULL)
		return make_socket(d, lfd);
	rc = systemd_socket(d, lfd);
	if (rc == 1) {
		say(d, LOG_ERR,
		    _("no socket: start naccsd through naccsd.socket, or give --socket"));
		return -EINVAL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct daemon d = {.sfd = -1};
	struct stat st;
	int lfd = -1, rc;

	setlocale(LC_ALL, "");
	naccs_i18n_init();
	d.opt = (struct naccsd_options){
	    .workers = NACCSD_WORKERS,
	    .idle_ms = deadline_ms("NACCSD_TEST_IDLE_MS", NACCSD_IDLE_MS),
	    .frame_ms = deadline_ms("NACCSD_TEST_FRAME_MS", NACCSD_FRAME_MS),
	    .queue_ms = deadline_ms("NACCSD_TEST_QUEUE_MS", NACCSD_QUEUE_MS),
	    .uid_burst = deadline_ms("NACCSD_TEST_UID_BURST", NACCSD_UID_BURST)};
	rc = parse_args(&d, argc, argv);
	if (rc >= 0)
		return rc;
	d.opt.owner = d.have_owner ? d.owner : 0;
	openlog("naccsd", LOG_PID | (d.foreground ? LOG_PERROR : 0), LOG_AUTHPRIV);
	rc = start(&d, &lfd);
	if (rc == 0) {
		d.server = naccsd_server_new(lfd, d.cfg, &d.opt);
		rc = d.server == NULL ? -ENOMEM : 0;
		if (d.server != NULL)
			d.cfg = NULL; /* the server's now */
	}
	if (rc == 0) {
		syslog(LOG_NOTICE, "listening (%s)",
		       d.socket_path != NULL ? d.socket_path : "socket from systemd");
		notify("READY=1\nSTATUS=listening");
		rc = naccsd_server_run(d.server, d.sfd, on_signal, &d);
	} else if (rc == -ENOMEM) {
		say(&d, LOG_ERR, _("out of memory"));
	}
	naccsd_server_free(d.server);
	if (lfd >= 0)
		close(lfd);
	/* Only the socket made here, if it is still that one. */
	if (d.socket_path != NULL && lfd >= 0 && lstat(d.socket_path, &st) == 0 &&
	    st.st_dev == d.made.st_dev && st.st_ino == d.made.st_ino)
		unlink(d.socket_path);
	if (d.sfd >= 0)
		close(d.sfd);
	free(d.cfg);
	closelog();
	return rc == 0 ? 0 : 1;
}
