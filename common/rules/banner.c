#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/banner.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/trust.h"

int naccs_banner_read(const char *path, uid_t owner, char out[NACCS_BANNER_MAX + 1],
		      struct naccs_err *err)
{
	/* On the heap: read inside PAM hosts, whose stack is theirs (issue
	 * 18). */
	const size_t cap = NACCS_BANNER_MAX + 1;
	char *raw;
	size_t got = 0;
	int fd = -1, rc;

	out[0] = '\0';
	naccs_err_clear(err);
	if (path == NULL)
		return -ENOENT;
	rc = naccs_trust_open(path, owner, &fd, err);
	if (rc < 0)
		return rc;
	raw = malloc(cap);
	if (raw == NULL) {
		close(fd);
		return naccs_err_set(err, ENOMEM, _("%s: out of memory"), path);
	}
	while (got < cap) {
		ssize_t n = read(fd, raw + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = naccs_err_set(err, EIO, _("banner %s: cannot be read"), path);
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (rc == 0 && got > NACCS_BANNER_MAX)
		rc = naccs_err_set(err, EFBIG, _("banner %s: longer than %d bytes"), path,
				   NACCS_BANNER_MAX);
	/* Newlines kept; other controls (terminal escapes) and bad UTF-8
	 * replaced. */
	if (rc == 0)
		naccs_text_sanitize(raw, got, out, NACCS_BANNER_MAX + 1, NACCS_TEXT_NEWLINES);
	free(raw);
	if (rc < 0)
		return rc;
	return out[0] != '\0' ? 0 : -ENOENT;
}
