/* Paths (see base/path.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/path.h"

static int copy_out(const char *s, size_t len, char *out, size_t outlen)
{
	if (len >= outlen) {
		out[0] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

int naccs_path_dirname(const char *path, char *out, size_t outlen)
{
	size_t end;

	if (out == NULL || outlen == 0)
		return -EINVAL;
	if (path == NULL) {
		out[0] = '\0';
		return -EINVAL;
	}
	end = strlen(path);
	while (end > 1 && path[end - 1] == '/') /* trailing slashes */
		end--;
	while (end > 0 && path[end - 1] != '/') /* the last component */
		end--;
	if (end == 0) /* a bare name lives in the current directory */
		return copy_out(".", 1, out, outlen);
	while (end > 1 && path[end - 1] == '/') /* the slashes before it */
		end--;
	return copy_out(path, end, out, outlen);
}

int naccs_path_beside(const char *dir, const char *file_path, const char *leaf, char *out,
		      size_t outlen)
{
	size_t used;
	int n;

	if (dir[0] != '\0') {
		n = snprintf(out, outlen, "%s", dir);
		return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
	}
	/* The parent straight into out, no PATH_MAX buffer on the stack (a
	 * PAM host's, issue 18). */
	if (naccs_path_dirname(file_path, out, outlen) != 0)
		return -ENAMETOOLONG;
	used = strlen(out);
	n = snprintf(out + used, outlen - used, "/%s", leaf);
	return n < 0 || (size_t)n >= outlen - used ? -ENAMETOOLONG : 0;
}

ssize_t naccs_path_read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}
