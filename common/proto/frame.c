/* Frames on a file descriptor: poll() until the deadline, then one
 * non-blocking transfer, again until done (see proto/frame.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/time.h"
#include "proto/frame.h"

/* Wait until fd is ready for events or the deadline passes: 0, -ETIMEDOUT
 * or -errno (poll failed, or the descriptor is not open). */
static int wait_fd(int fd, short events, naccs_deadline_t deadline)
{
	if (fd < 0)
		return -EBADF; /* poll() would ignore it and wait out the deadline */
	for (;;) {
		int64_t left = naccs_deadline_left_ms(deadline);
		struct pollfd p = {.fd = fd, .events = events};
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			continue; /* the deadline is checked above */
		if (p.revents & POLLNVAL)
			return -EBADF;
		/* Ready, or POLLHUP / POLLERR: the transfer itself says which. */
		return 0;
	}
}

/* One read of at most n bytes that does not block: > 0, 0 at end of file,
 * -EAGAIN or -errno. */
static ssize_t read_some(int fd, uint8_t *p, size_t n)
{
	ssize_t r = recv(fd, p, n, MSG_DONTWAIT);

	if (r < 0 && errno == ENOTSOCK)
		r = read(fd, p, n); /* a pipe: poll() said it is readable */
	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return r;
}

/* Read exactly n bytes into p, counting them in *got. */
static int read_full(int fd, uint8_t *p, size_t n, size_t *got, naccs_deadline_t deadline)
{
	while (*got < n) {
		ssize_t r;
		int rc = wait_fd(fd, POLLIN, deadline);

		if (rc < 0)
			return rc;
		r = read_some(fd, p + *got, n - *got);
		if (r == -EINTR || r == -EAGAIN)
			continue;
		if (r == 0)
			return -ECONNRESET;
		if (r < 0)
			return (int)r == -EPIPE ? -ECONNRESET : (int)r;
		*got += (size_t)r;
	}
	return 0;
}

static int read_failed(struct naccs_err *err, int rc, bool started)
{
	char buf[128];

	if (rc == -ETIMEDOUT)
		return naccs_err_set(err, ETIMEDOUT,
				     started ? _("protocol: deadline passed inside a frame")
					     : _("protocol: deadline passed waiting for a frame"));
	if (rc == -ECONNRESET)
		return naccs_err_set(err, ECONNRESET,
				     started
					 ? _("protocol: peer closed the connection inside a frame")
					 : _("protocol: peer closed the connection"));
	return naccs_err_set(err, -rc, _("protocol: cannot read a frame: %s"),
			     naccs_strerror(-rc, buf, sizeof(buf)));
}

int naccs_frame_read(int fd, uint8_t *buf, size_t bufsz, size_t *len, naccs_deadline_t deadline,
		     struct naccs_err *err)
{
	uint8_t head[NACCS_PROTO_LEN_SIZE];
	size_t got = 0;
	uint32_t n;
	int rc;

	*len = 0;
	rc = read_full(fd, head, sizeof(head), &got, deadline);
	if (rc < 0)
		return read_failed(err, rc, got > 0);
	n = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
	if (n == 0)
		return naccs_err_set(err, EPROTO, _("protocol: frame of length 0"));
	if (n > NACCS_PROTO_FRAME_MAX || n > bufsz)
		return naccs_err_set(
		    err, EMSGSIZE, _("protocol: frame of %lu bytes, at most %lu"), (unsigned long)n,
		    (unsigned long)(bufsz < NACCS_PROTO_FRAME_MAX ? bufsz : NACCS_PROTO_FRAME_MAX));
	got = 0;
	rc = read_full(fd, buf, n, &got, deadline);
	if (rc < 0)
		return read_failed(err, rc, true);
	*len = n;
	return 0;
}

/* One write of what is left of iov[0..1] that does not block: bytes
 * written, -EAGAIN or -errno. */
static ssize_t write_some(int fd, struct iovec *iov, int iovcnt)
{
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)iovcnt};
	ssize_t w = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (w < 0 && errno == ENOTSOCK)
		w = writev(fd, iov, iovcnt); /* a pipe: poll() said it has room */
	if (w < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return w;
}

int naccs_frame_write(int fd, const uint8_t *body, size_t len, naccs_deadline_t deadline,
		      struct naccs_err *err)
{
	uint8_t head[NACCS_PROTO_LEN_SIZE];
	struct iovec iov[2];
	size_t left = NACCS_PROTO_LEN_SIZE + len;
	char buf[128];

	if (len == 0 || body == NULL)
		return naccs_err_set(err, EINVAL, _("protocol: empty frame"));
	if (len > NACCS_PROTO_FRAME_MAX)
		return naccs_err_set(err, EMSGSIZE, _("protocol: frame of %lu bytes, at most %lu"),
				     (unsigned long)len, (unsigned long)NACCS_PROTO_FRAME_MAX);
	head[0] = (uint8_t)(len >> 24);
	head[1] = (uint8_t)(len >> 16);
	head[2] = (uint8_t)(len >> 8);
	head[3] = (uint8_t)len;
	iov[0] = (struct iovec){.iov_base = head, .iov_len = sizeof(head)};
	iov[1] = (struct iovec){.iov_base = (void *)body, .iov_len = len};
	while (left > 0) {
		int first = iov[0].iov_len > 0 ? 0 : 1;
		int rc = wait_fd(fd, POLLOUT, deadline);
		ssize_t w;

		if (rc == -ETIMEDOUT)
			return naccs_err_set(err, ETIMEDOUT,
					     _("protocol: deadline passed writing a frame"));
		if (rc < 0)
			return naccs_err_set(err, -rc, _("protocol: cannot write a frame: %s"),
					     naccs_strerror(-rc, buf, sizeof(buf)));
		w = write_some(fd, iov + first, 2 - first);
		if (w == -EINTR || w == -EAGAIN)
			continue;
		if (w == -EPIPE || w == -ECONNRESET)
			return naccs_err_set(err, ECONNRESET,
					     _("protocol: peer closed the connection"));
		if (w < 0)
			return naccs_err_set(err, (int)-w, _("protocol: cannot write a frame: %s"),
					     naccs_strerror((int)-w, buf, sizeof(buf)));
		left -= (size_t)w;
		for (int i = first; i < 2 && w > 0; i++) {
			size_t step = (size_t)w < iov[i].iov_len ? (size_t)w : iov[i].iov_len;

			iov[i].iov_base = (uint8_t *)iov[i].iov_base + step;
			iov[i].iov_len -= step;
			w -= (ssize_t)step;
		}
	}
	return 0;
}
