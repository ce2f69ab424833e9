/* Names someone typed, as they may be written (audit/nametag.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "base/i18n.h"
#include "audit/nametag.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/trust.h"

/* Enough for any passwd entry; a larger one is retried with a larger buffer. */
#define PW_BUF_START 1024
#define PW_BUF_MAX   (1024 * 1024)

bool naccs_name_is_account(const char *name)
{
	struct passwd pw, *found = NULL;
	size_t size = PW_BUF_START;
	char *buf = NULL;

	/* Only what has the form of a login is looked up at all. */
	if (!naccs_name_valid_login(name))
		return false;
	for (;;) {
		char *bigger = realloc(buf, size);

		if (bigger == NULL)
			break;
		buf = bigger;
		if (getpwnam_r(name, &pw, buf, size, &found) != ERANGE || size >= PW_BUF_MAX)
			break;
		size *= 2;
	}
	free(buf);
	return found != NULL;
}

/* The key: exactly NACCS_TAG_LEN bytes in a trusted file (base/trust.h)
 * that nobody but its owner can read. */
static int read_key(const char *path, uid_t owner, uint8_t key[NACCS_TAG_LEN],
		    struct naccs_err *err)
{
	struct stat sb;
	int fd = -1, rc = naccs_trust_open(path, owner, &fd, err);
	ssize_t n;

	if (rc < 0)
		return rc;
	if (fstat(fd, &sb) < 0)
		rc = naccs_err_set(err, errno, _("name tags: cannot examine %s"), path);
	else if ((sb.st_mode & 077) != 0 || sb.st_size != NACCS_TAG_LEN)
		rc = naccs_err_set(err, EPERM,
				   _("name tags: %s must hold %d bytes with no access for group "
				     "or others (mode 0600)"),
				   path, NACCS_TAG_LEN);
	else if ((n = pread(fd, key, NACCS_TAG_LEN, 0)) != NACCS_TAG_LEN)
		rc = naccs_err_set(err, n < 0 ? errno : EIO, _("name tags: cannot read %s"), path);
	close(fd);
	return rc;
}

/* A new random key at path, whole or not at all: written under a temporary
 * name, then linked (never over a key another process made meanwhile). */
static int make_key(const char *path, uid_t owner, struct naccs_err *err)
{
	/* PATH_MAX on the heap: this runs on a PAM host's stack (issue 18). */
	char *tmp = malloc(PATH_MAX);
	uint8_t key[NACCS_TAG_LEN];
	uint32_t nonce = 0;
	int fd, rc = 0;

	if (tmp == NULL)
		return naccs_err_set(err, ENOMEM, _("name tags: out of memory"));
	if (naccs_random_bytes(key, sizeof(key)) < 0 ||
	    naccs_random_bytes(&nonce, sizeof(nonce)) < 0) {
		free(tmp);
		return naccs_err_set(err, EIO, _("name tags: no random bytes for the key"));
	}
	/* Its own temporary name (another thread, another process). */
	if ((size_t)snprintf(tmp, PATH_MAX, "%s.%ld.%08lx", path, (long)getpid(),
			     (unsigned long)nonce) >= PATH_MAX) {
		rc = naccs_err_set(err, ENAMETOOLONG, _("name tags: directory name too long"));
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		rc = naccs_err_set(err, errno, _("name tags: cannot create %s"), tmp);
		goto out;
	}
	errno = 0;
	if (fchmod(fd, 0600) < 0 || (geteuid() != owner && fchown(fd, owner, (gid_t)-1) < 0) ||
	    write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) || fsync(fd) < 0)
		rc = naccs_err_set(err, errno ? errno : EIO, _("name tags: cannot write %s"), tmp);
	close(fd);
	if (rc == 0 && link(tmp, path) < 0 && errno != EEXIST)
		rc = naccs_err_set(err, errno, _("name tags: cannot create %s"), path);
	(void)unlink(tmp);
	if (rc == 0) {
		/* The name durable too: a key lost in a crash would change
		 * every tag after it. */
		char *dir = tmp; /* the temporary name is gone: its buffer */
		int dfd = naccs_path_dirname(path, dir, PATH_MAX) == 0
			      ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			      : -1;

		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
out:
	naccs_wipe(key, sizeof(key));
	free(tmp);
	return rc;
}

int naccs_name_tag(const struct naccs_config *cfg, const char *name, char out[NACCS_NAME_SHOWN_MAX],
		   struct naccs_err *err)
{
	static const char digits[] = "0123456789abcdef";
	char *path; /* PATH_MAX on the heap: a PAM host's stack (issue 18) */
	uint8_t key[NACCS_TAG_LEN], tag[NACCS_TAG_LEN];
	int rc;

	out[0] = '\0';
	if (cfg == NULL || name == NULL)
		return naccs_err_set(err, EINVAL, _("name tags: no configuration"));
	path = malloc(PATH_MAX);
	if (path == NULL)
		return naccs_err_set(err, ENOMEM, _("name tags: out of memory"));
	if (naccs_path_beside("", cfg->store_path, NACCS_NAMETAG_KEYFILE, path, PATH_MAX) < 0) {
		free(path);
		return naccs_err_set(err, ENAMETOOLONG, _("name tags: directory name too long"));
	}
	rc = read_key(path, cfg->owner_uid, key, err);
	if (rc == -ENOENT) {
		rc = make_key(path, cfg->owner_uid, err);
		if (rc == 0)
			rc = read_key(path, cfg->owner_uid, key, err);
	}
	if (rc == 0 && naccs_secret_tag(key, name, tag) < 0)
		rc = naccs_err_set(err, EIO, _("name tags: cannot compute the tag"));
	if (rc == 0) {
		out[0] = '#';
		for (int i = 0; i < NACCS_NAMETAG_HEX / 2; i++) {
			out[1 + 2 * i] = digits[tag[i] >> 4];
			out[2 + 2 * i] = digits[tag[i] & 15];
		}
		out[1 + NACCS_NAMETAG_HEX] = '\0';
	}
	naccs_wipe(key, sizeof(key));
	naccs_wipe(tag, sizeof(tag));
	free(path);
	return rc;
}

const char *naccs_name_shown(const struct naccs_config *cfg, const char *typed,
			     char out[NACCS_NAME_SHOWN_MAX])
{
	struct naccs_err err;

	out[0] = '\0';
	if (typed == NULL || typed[0] == '\0')
		return out;
	if (naccs_name_is_account(typed)) {
		snprintf(out, NACCS_NAME_SHOWN_MAX, "%s", typed);
		return out;
	}
	naccs_err_clear(&err);
	if (naccs_name_tag(cfg, typed, out, &err) < 0) {
		if (cfg != NULL)
			syslog(LOG_AUTHPRIV | LOG_ERR, "naccs: a name is written as \"%s\": %s",
			       NACCS_NAME_HIDDEN, err.msg);
		snprintf(out, NACCS_NAME_SHOWN_MAX, "%s", NACCS_NAME_HIDDEN);
	}
	return out;
}

bool naccs_name_is_tag(const char *s)
{
	return s != NULL && s[0] == '#' && strlen(s) == 1 + NACCS_NAMETAG_HEX &&
	       strspn(s + 1, "0123456789abcdef") == NACCS_NAMETAG_HEX;
}
