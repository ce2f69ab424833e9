/* The site's blocklist of passwords (UTS-2.2.1.1(1)(e)(ウ)): one password
 * per line, compared with the new one case-insensitively after Unicode
 * normalisation (libunistring's u8_casecmp, locale-independent).  The file
 * is read with the trusted-file checks (owned by root or the configured
 * owner, not writable by others); a missing or unsafe file fails the change
 * closed, never a login. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicase.h>
#include <uninorm.h>

#include "base/i18n.h"
#include "rules/password_blocklist.h"
#include "base/secret.h"
#include "base/trust.h"
#include "base/utf8.h"

#define BLOCKLIST_MAX (64u << 20) /* bytes read at most */

static int open_trusted(const char *path, uid_t owner, int *fd, struct naccs_err *err)
{
	int rc = naccs_trust_open(path, 0, fd, err);

	if (rc == -EPERM && owner != 0)
		rc = naccs_trust_open(path, owner, fd, err);
	return rc;
}

/* Is line (len bytes) the password, ignoring case? */
static bool line_matches(const char *line, size_t len, const struct naccs_pw_text *pw)
{
	int cmp = 1;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0 || !naccs_utf8_valid(line, len))
		return false;
	if (u8_casecmp((const uint8_t *)line, len, (const uint8_t *)pw->utf8, pw->bytes, NULL,
		       UNINORM_NFC, &cmp) != 0)
		return false;
	return cmp == 0;
}

/* Read the whole file (bounded), then compare line by line. */
static int scan(int fd, const char *path, const struct naccs_pw_text *pw, bool *found,
		struct naccs_err *err)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	*found = false;
	for (;;) {
		ssize_t r;

		if (len == cap) {
			char *n;

			if (cap >= BLOCKLIST_MAX) {
				rc = naccs_err_set(err, EFBIG, "blocklist %s: larger than %u bytes",
						   path, BLOCKLIST_MAX);
				goto out;
			}
			n = realloc(text, cap ? cap * 2 : 65536);
			if (n == NULL) {
				rc =
				    naccs_err_set(err, ENOMEM, "blocklist %s: out of memory", path);
				goto out;
			}
			text = n;
			cap = cap ? cap * 2 : 65536;
		}
		r = read(fd, text + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = naccs_err_set(err, errno, "blocklist %s: cannot be read", path);
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	for (size_t start = 0; start < len && !*found;) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;

		*found = line_matches(text + start, end - start, pw);
		start = end + 1;
	}
out:
	if (text != NULL)
		naccs_wipe(text, cap);
	free(text);
	return rc;
}

int naccs_pw_blocklist(const struct naccs_password_config *pc, uid_t owner,
		       const struct naccs_pw_text *pw, struct naccs_pw_verdict *v,
		       struct naccs_err *err)
{
	bool found = false;
	int fd = -1, rc;

	if (pc->blocklist[0] == '\0')
		return 0;
	rc = open_trusted(pc->blocklist, owner, &fd, err);
	if (rc == 0)
		rc = scan(fd, pc->blocklist, pw, &found, err);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		naccs_pw_verdict_set(v, NACCS_PW_UNAVAILABLE, "%s",
				     _("The password cannot be checked now (the blocklist is not "
				       "available); no change was made. Ask an administrator."));
		return rc;
	}
	if (!found)
		return 0;
	naccs_pw_verdict_set(v, NACCS_PW_BLOCKLIST, "%s",
			     _("The password is on the list of passwords that are not allowed "
			       "(commonly used or known to be leaked)."));
	return 1;
}
