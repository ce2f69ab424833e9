/* Reading the configuration file: it decides who may log in and how
 * passwords are kept, so it is read only when it passes the trusted-file
 * checks (UTS-2.2.1.2(2)(a)), through a descriptor that cannot be swapped
 * for a link or a FIFO, and at most CONF_FILE_MAX bytes of it.  Then the
 * cross-key checks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "naccs_config.h"
#include "naccs_i18n.h"
#include "naccs_trust.h"

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

/* ---- cross-key checks ---- */

int naccs_config_validate(const struct naccs_config *cfg, struct naccs_err *err)
{
	struct naccs_err sub;

	if (cfg == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	if (cfg->uid_min > cfg->uid_max)
		return naccs_err_set(
		    err, EINVAL, _("identity.uid_min (%lu) is greater than identity.uid_max (%lu)"),
		    (unsigned long)cfg->uid_min, (unsigned long)cfg->uid_max);

	if (cfg->password.min_length > cfg->password.max_length)
		return naccs_err_set(
		    err, EINVAL,
		    _("password.min_length (%lu) is greater than password.max_length (%lu)"),
		    (unsigned long)cfg->password.min_length,
		    (unsigned long)cfg->password.max_length);
	if (cfg->password.min_classes > (unsigned)__builtin_popcount(cfg->password.classes))
		return naccs_err_set(err, EINVAL,
				     _("password.min_classes (%lu) is more than the classes that "
				       "count (password.classes)"),
				     (unsigned long)cfg->password.min_classes);
	naccs_err_clear(&sub);
	if (naccs_hash_params_validate(&cfg->hash, &sub) != 0 ||
	    naccs_hash_pick_engine(&cfg->hash, &sub) < 0)
		return naccs_err_set(err, EINVAL, _("[hash] settings cannot be used: %s"), sub.msg);
	return 0;
}
