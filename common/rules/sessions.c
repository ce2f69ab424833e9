/* The session table of rules/sessions.h: at most max_sessions_per_id live
 * sessions per ID (UTS-2.2.1.2(1)(b)(ア)); dead ones never count. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/num.h"
#include "base/path.h"
#include "rules/sessions.h"
#include "base/trust.h"

#define TABLE_MAX   65536 /* bytes of one ID's file that are read */
#define ENTRIES_MAX 1024  /* lines kept */
#define LINE_MAX_B  192	  /* boot, pid, start time, individual (< 64) */

int naccs_sessions_dir(const char *cfg_dir, const char *store_path, char *out, size_t outlen)
{
	return naccs_path_beside(cfg_dir, store_path, "sessions", out, outlen);
}

static int boot_id(char out[40])
{
	char buf[64];
	ssize_t n = naccs_path_read_small("/proc/sys/kernel/random/boot_id", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0] == '\0' || strlen(buf) >= 40 || strchr(buf, ' ') != NULL)
		return -EINVAL;
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

/* The fields after the last ')' of /proc/PID/stat (the name may hold
 * anything): state is field 3, ppid 4, tty_nr 7, start time 22. */
int naccs_proc_read(long pid, struct naccs_proc *out)
{
	char path[64], buf[1024], *p;
	ssize_t n;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	n = naccs_path_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT || n == -ESRCH ? -ENOENT : (int)n;
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		return -EINVAL;
	out->pid = pid;
	out->state = p[2];
	for (int field = 2; field < 21; field++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return -EINVAL;
		if (field == 3)
			out->ppid = strtol(p + 1, NULL, 10);
		else if (field == 6)
			out->tty_nr = (int)strtol(p + 1, NULL, 10);
	}
	out->start = strtoull(p + 1, NULL, 10);
	return 0;
}

/* Field 22 of /proc/PID/stat.  0, -ENOENT (no such process), -errno. */
static int start_time(long pid, unsigned long long *out)
{
	struct naccs_proc p;
	int rc = naccs_proc_read(pid, &p);

	if (rc == 0)
		*out = p.start;
	return rc;
}

static _Thread_local long pid_given;

void naccs_sessions_use_pid(long pid)
{
	pid_given = pid > 0 ? pid : 0;
}

int naccs_sessions_self(struct naccs_session_mark *m)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->pid = pid_given > 0 ? pid_given : (long)getpid();
#ifdef NACCS_TEST_HOOKS
	if (pid_given == 0) {
		const char *v = secure_getenv("NACCS_TEST_SESSION_PID");
		unsigned long pid;

		if (v != NULL && naccs_parse_ulong(v, strlen(v), 1, 4194304, &pid) == 0)
			m->pid = (long)pid;
	}
#endif
	rc = boot_id(m->boot);
	if (rc == 0)
		rc = start_time(m->pid, &m->start);
	return rc;
}

/* Is the session of line e still open: the same boot, and its process
 * alive with the same start time?  A line that does not parse is not. */
static bool alive(const struct naccs_session_mark *e, const char *boot)
{
	unsigned long long start;

	return strcmp(e->boot, boot) == 0 && start_time(e->pid, &start) == 0 && start == e->start;
}

/* "BOOT PID START" or, for a switch, "BOOT PID START INDIVIDUAL". */
static bool parse_line(const char *line, struct naccs_session_mark *e)
{
	char boot[40], who[NACCS_SESSION_WHO_MAX] = "";
	long pid;
	unsigned long long start;
	int used = 0, more = 0;

	if (sscanf(line, "%39s %ld %llu%n", boot, &pid, &start, &used) != 3 || pid <= 0)
		return false;
	if (line[used] == ' ' && (sscanf(line + used, " %63s%n", who, &more) != 1 ||
				  line[used + more] != '\0' || strchr(who, '/') != NULL))
		return false;
	else if (line[used] != ' ' && line[used] != '\0')
		return false;
	memcpy(e->boot, boot, sizeof(boot));
	e->pid = pid;
	e->start = start;
	memcpy(e->individual, who, sizeof(who));
	return true;
}

static bool same(const struct naccs_session_mark *a, const struct naccs_session_mark *b)
{
	return a->pid == b->pid && a->start == b->start && strcmp(a->boot, b->boot) == 0;
}

struct table {
	int dirfd, fd;
	struct naccs_session_mark *e;
	unsigned n;
};

static int fail(struct naccs_err *err, int e, const char *what, const char *login)
{
	char buf[NACCS_ERR_MSG_MAX];

	return naccs_err_set(err, e, _("session table: %s %s: %s"), what, login,
			     naccs_strerror(e, buf, sizeof(buf)));
}

static void table_close(struct table *t)
{
	if (t->fd >= 0)
		close(t->fd); /* drops the lock */
	if (t->dirfd >= 0)
		close(t->dirfd);
	free(t->e);
	t->fd = t->dirfd = -1;
	t->e = NULL;
}

/* Open and lock login's file in t->dirfd, and read its live lines (boot
 * is this boot's id); read-only (shared lock), a file that is not there
 * has none. */
static int table_load(struct table *t, uid_t owner, const char *login, const char *boot,
		      bool writable, struct naccs_err *err)
{
	char *buf;
	struct stat sb;
	ssize_t n;

	t->fd = openat(t->dirfd, login,
		       (writable ? O_RDWR | O_CREAT : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		       0600);
	if (t->fd < 0 && !writable && errno == ENOENT)
		return 0;
	if (t->fd < 0)
		return fail(err, errno, _("cannot open"), login);
	if (flock(t->fd, writable ? LOCK_EX : LOCK_SH) != 0)
		return fail(err, errno, _("cannot lock"), login);
	if (fstat(t->fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != owner ||
	    (sb.st_mode & 022) != 0)
		return fail(err, EPERM, _("unsafe file"), login);
	t->e = calloc(ENTRIES_MAX, sizeof(*t->e));
	buf = malloc(TABLE_MAX + 1);
	if (t->e == NULL || buf == NULL) {
		free(buf);
		return fail(err, ENOMEM, _("cannot read"), login);
	}
	n = pread(t->fd, buf, TABLE_MAX, 0);
	if (n < 0) {
		int e = errno;

		free(buf);
		return fail(err, e, _("cannot read"), login);
	}
	buf[n] = '\0';
	for (char *line = buf, *nl; *line != '\0' && t->n < ENTRIES_MAX; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break; /* a cut last line: a crash while writing */
		*nl = '\0';
		if (parse_line(line, &t->e[t->n]) && alive(&t->e[t->n], boot))
			t->n++;
	}
	free(buf);
	return 0;
}

/* Open and lock login's file for writing, and read its live lines. */
static int table_open(struct table *t, const char *dir, uid_t owner, const char *login,
		      const char *boot, struct naccs_err *err)
{
	t->fd = -1;
	t->n = 0;
	t->e = NULL;
	if (login[0] == '\0' || login[0] == '.' || strchr(login, '/') != NULL)
		return naccs_err_set(err, EINVAL, _("session table: bad login"));
	t->dirfd = naccs_trust_private_dir(dir, owner, _("session table"), err);
	if (t->dirfd < 0)
		return t->dirfd;
	return table_load(t, owner, login, boot, true, err);
}

/* Write the lines of t over the file. */
static int table_write(struct table *t, const char *login, struct naccs_err *err)
{
	char line[LINE_MAX_B];
	char *buf = malloc((size_t)t->n * LINE_MAX_B + 1);
	size_t len = 0;

	if (buf == NULL)
		return fail(err, ENOMEM, _("cannot write"), login);
	for (unsigned i = 0; i < t->n; i++) {
		int k = snprintf(line, sizeof(line), "%s %ld %llu%s%s\n", t->e[i].boot, t->e[i].pid,
				 t->e[i].start, t->e[i].individual[0] != '\0' ? " " : "",
				 t->e[i].individual);

		if (k <= 0 || (size_t)k >= sizeof(line))
			continue; /* cannot be: the fields are bounded */
		memcpy(buf + len, line, (size_t)k);
		len += (size_t)k;
	}
	if (ftruncate(t->fd, 0) != 0 || pwrite(t->fd, buf, len, 0) != (ssize_t)len) {
		int e = errno;

		free(buf);
		return fail(err, e, _("cannot write"), login);
	}
	free(buf);
	return 0;
}

int naccs_sessions_open(const char *dir, uid_t owner, const char *login, unsigned max,
			const struct naccs_session_mark *self, unsigned *live,
			struct naccs_err *err)
{
	struct table t = {-1, -1, NULL, 0};
	int rc = table_open(&t, dir, owner, login, self->boot, err);

	*live = t.n;
	if (rc == 0) {
		if ((max > 0 && t.n >= max) || t.n >= ENTRIES_MAX)
			rc = -EUSERS;
		else
			t.e[t.n++] = *self;
		/* Dead lines go either way. */
		int w = table_write(&t, login, err);

		if (w < 0)
			rc = w;
	}
	table_close(&t);
	return rc;
}

int naccs_sessions_close(const char *dir, uid_t owner, const char *login,
			 const struct naccs_session_mark *self, struct naccs_err *err)
{
	struct table t = {-1, -1, NULL, 0};
	int rc = table_open(&t, dir, owner, login, self->boot, err);

	if (rc == 0) {
		for (unsigned i = 0; i < t.n; i++)
			if (same(&t.e[i], self)) {
				t.e[i] = t.e[--t.n];
				break;
			}
		rc = table_write(&t, login, err);
	}
	table_close(&t);
	return rc;
}

/* Append the live lines of t to *out (of login; switches: only those of
 * individual). */
static int collect(const struct table *t, const char *login, const char *individual,
		   struct naccs_session_found **out, unsigned *n, unsigned *cap)
{
	size_t len = strlen(login);

	for (unsigned i = 0; i < t->n; i++) {
		struct naccs_session_found *f;

		if (len >= sizeof(f->login) ||
		    (individual != NULL && strcmp(t->e[i].individual, individual) != 0))
			continue;
		if (*n == *cap) {
			unsigned ncap = *cap ? *cap * 2 : 16;
			void *p = realloc(*out, ncap * sizeof(**out));

			if (p == NULL)
				return -ENOMEM;
			*out = p;
			*cap = ncap;
		}
		f = &(*out)[(*n)++];
		memset(f, 0, sizeof(*f));
		f->mark = t->e[i];
		memcpy(f->login, login, len + 1);
		f->is_switch = individual != NULL;
	}
	return 0;
}

int naccs_sessions_find(const char *dir, uid_t owner, const char *login,
			struct naccs_session_found **out, unsigned *n, struct naccs_err *err)
{
	char boot[40];
	unsigned cap = 0;
	struct dirent *de;
	DIR *d;
	int dirfd, rc;

	*out = NULL;
	*n = 0;
	if (login[0] == '\0' || login[0] == '.' || strchr(login, '/') != NULL)
		return naccs_err_set(err, EINVAL, _("session table: bad login"));
	rc = boot_id(boot);
	if (rc < 0)
		return naccs_err_set(err, -rc, _("session table: this boot cannot be identified"));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0 && errno == ENOENT)
		return 0; /* never written: no session counted yet */
	close(dirfd);
	dirfd = naccs_trust_private_dir(dir, owner, _("session table"), err);
	if (dirfd < 0)
		return dirfd;
	d = fdopendir(dirfd);
	if (d == NULL) {
		rc = fail(err, errno, _("cannot read"), dir);
		close(dirfd);
		return rc;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		struct table t = {dup(dirfd), -1, NULL, 0};
		bool own = strcmp(de->d_name, login) == 0;

		if (de->d_name[0] == '.')
			rc = 0;
		else if (t.dirfd < 0)
			rc = fail(err, errno, _("cannot read"), dir);
		else if ((rc = table_load(&t, owner, de->d_name, boot, false, err)) == 0 &&
			 collect(&t, de->d_name, own ? NULL : login, out, n, &cap) < 0)
			rc = fail(err, ENOMEM, _("cannot read"), de->d_name);
		table_close(&t);
	}
	closedir(d);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
