/* Reading the configuration file: it decides who may log in and how
 * passwords are kept, so it is read only when it passes the trusted-file
 * checks (UTS-2.2.1.2(2)(a)), through a descriptor that cannot be swapped
 * for a link or a FIFO, and at most CONF_FILE_MAX bytes of it; the text
 * goes to the one parser (config/ini.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
