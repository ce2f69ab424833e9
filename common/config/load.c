/* Reading the configuration file: it decides who may log in and how
 * passwords are kept, so it is read only when it passes the trusted-file
 * checks (UTS-2.2.1.2(2)(a)), through a descriptor that cannot be swapped
 * for a link or a FIFO, and at most CONF_FILE_MAX bytes of it.  Then the
 * cross-key checks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/internal.h"
#include "config/conf.h"
#include "base/i18n.h"
#include "base/trust.h"

#define CONF_FILE_MAX (1024 * 1024) /* a policy file is small; refuse anything bigger */

/* Read the whole file, at most CONF_FILE_MAX bytes, into a malloc'd buffer. */
static int read_bounded(int fd, const char *path, char **text_out, size_t *len_out,
			struct naccs_err *err)
{
	struct stat st;
	size_t cap, len = 0;
	char *text, why[128];

	if (fstat(fd, &st) != 0) {
		int errnum = errno;

		return naccs_err_set(err, errnum, _("%s: cannot check: %s"), path,
				     naccs_strerror(errnum, why, sizeof(why)));
	}
	if (st.st_size > CONF_FILE_MAX)
		return naccs_err_set(err, EFBIG, _("%s: larger than %d bytes"), path,
				     CONF_FILE_MAX);
	/* One spare byte tells us if the file grew while we read it. */
	cap = (size_t)st.st_size + 1;
	text = malloc(cap);
	if (text == NULL)
		return naccs_err_set(err, ENOMEM, _("%s: out of memory"), path);
	while (len < cap) {
		ssize_t n = read(fd, text + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int errnum = errno;

			free(text);
			return naccs_err_set(err, errnum, _("%s: cannot read: %s"), path,
					     naccs_strerror(errnum, why, sizeof(why)));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == cap) {
		free(text);
		return naccs_err_set(err, EAGAIN, _("%s: changed while being read"), path);
	}
	*text_out = text;
	*len_out = len;
	return 0;
}

int naccs_config_load(struct naccs_config *cfg, const char *path, bool must_exist,
		      naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int fd = -1, rc;

	if (cfg == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	if (path == NULL)
		path = NACCS_DEFAULT_CONF;
	if (strlen(path) >= sizeof(cfg->conf_path))
		return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), path);

	/* Opened first, then checked on the descriptor, the directory chain and
	 * that the path still names it (UTS-2.2.1.2(2)(a)). */
	rc = naccs_trust_open(path, cfg->owner_uid, &fd, err);
	if (rc == -ENOENT && !must_exist) {
		naccs_err_clear(err);
		return 0;
	}
	if (rc != 0)
		goto out;
	rc = read_bounded(fd, path, &text, &len, err);
	if (rc != 0)
		goto out;
	/* cfg is left as it was when the text has an error. */
	rc = naccs_config_parse_text(cfg, text, len, path, warn, warn_ctx, err);
	if (rc == 0)
		snprintf(cfg->conf_path, sizeof(cfg->conf_path), "%s", path);
out:
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

/* naccsctl config check FILE: a file is checked wherever it lies.  Its
 * trust (UTS-2.2.1.2(2)(a)) is reported like any other problem, never a
 * reason to skip the rest; the content goes through the one parser in
 * collect mode.  Only reading: O_NOFOLLOW, a regular file, bounded. */
int naccs_config_check_file(struct naccs_config *cfg, const char *path, naccs_config_diag_fn report,
			    void *report_ctx, struct naccs_err *err)
{
	struct naccs_err trust;
	struct stat st;
	char *text = NULL, why[128];
	size_t len = 0;
	int fd, rc;

	if (cfg == NULL || path == NULL || report == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int errnum = errno;

		if (errnum == ELOOP)
			return naccs_err_set(err, EINVAL, _("%s: is a symbolic link (refused)"),
					     path);
		return naccs_err_set(err, errnum, _("%s: cannot open: %s"), path,
				     naccs_strerror(errnum, why, sizeof(why)));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return naccs_err_set(err, EINVAL, _("%s: not a regular file"), path);
	}
	/* The checks the loader makes on the file and every directory above
	 * it, as a report: the caller decides what they weigh. */
	naccs_err_clear(&trust);
	if (naccs_trust_check_file(path, cfg->owner_uid, &trust) < 0)
		report(report_ctx, NACCS_CONFIG_UNTRUSTED, trust.msg);
	rc = read_bounded(fd, path, &text, &len, err);
	close(fd);
	if (rc < 0)
		return rc;
	rc = naccs_config_check_text(cfg, text, len, path, report, report_ctx, err);
	free(text);
	return rc;
}

/* ---- cross-key checks ---- */

/* Where the problems of the cross-key checks go: the first one to err
 * (naccs_config_validate: the caller fails closed), or every one to report
 * with the line of the key it concerns (collect mode). */
struct problems {
	const struct naccs_config *cfg;
	struct naccs_err *err;
	naccs_config_diag_fn report;
	void *report_ctx;
	unsigned count;
};

/* One problem; true when the checks go on (collect mode).  line: the file
 * line it concerns (0: none, e.g. a profile's preset). */
static bool problem(struct problems *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool problem(struct problems *p, unsigned line, const char *fmt, ...)
{
	char msg[NACCS_ERR_MSG_MAX], where[PATH_MAX + 32], full[NACCS_ERR_MSG_MAX + PATH_MAX + 40];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->report == NULL) {
		naccs_err_set(p->err, EINVAL, "%s", msg);
		return false;
	}
	/* FILE:LINE: like the messages of the lines themselves. */
	if (line > 0)
		snprintf(where, sizeof(where), "%s:%u", p->cfg->origin_file, line);
	else
		snprintf(where, sizeof(where), "%s", p->cfg->origin_file);
	snprintf(full, sizeof(full), "%s: %s", where, msg);
	p->report(p->report_ctx, NACCS_CONFIG_ERROR, full);
	p->count++;
	return true;
}

static int validate(struct problems *p)
{
	const struct naccs_config *cfg = p->cfg;
	struct naccs_err sub;

	if (cfg->uid_min > cfg->uid_max &&
	    !problem(p, config_line_of(cfg, "identity", "uid_min", "uid_max"),
		     _("identity.uid_min (%lu) is greater than identity.uid_max (%lu)"),
		     (unsigned long)cfg->uid_min, (unsigned long)cfg->uid_max))
		return -EINVAL;
	if (cfg->password.min_length > cfg->password.max_length &&
	    !problem(p, config_line_of(cfg, "password", "min_length", "max_length"),
		     _("password.min_length (%lu) is greater than password.max_length (%lu)"),
		     (unsigned long)cfg->password.min_length,
		     (unsigned long)cfg->password.max_length))
		return -EINVAL;
	if (cfg->password.min_classes > (unsigned)__builtin_popcount(cfg->password.classes) &&
	    !problem(p, config_line_of(cfg, "password", "min_classes", "classes"),
		     _("password.min_classes (%lu) is more than the classes that "
		       "count (password.classes)"),
		     (unsigned long)cfg->password.min_classes))
		return -EINVAL;
	naccs_err_clear(&sub);
	if ((naccs_hash_params_validate(&cfg->hash, &sub) != 0 ||
	     naccs_hash_pick_engine(&cfg->hash, &sub) < 0) &&
	    !problem(p, config_line_of(cfg, "hash", NULL, NULL),
		     _("[hash] settings cannot be used: %s"), sub.msg))
		return -EINVAL;
	return p->count > 0 ? -EINVAL : 0;
}

int naccs_config_validate(const struct naccs_config *cfg, struct naccs_err *err)
{
	struct problems p = {.cfg = cfg, .err = err};

	if (cfg == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	return validate(&p);
}

unsigned config_validate_report(const struct naccs_config *cfg, naccs_config_diag_fn report,
				void *report_ctx)
{
	struct problems p = {.cfg = cfg, .report = report, .report_ctx = report_ctx};

	validate(&p);
	return p.count;
}
