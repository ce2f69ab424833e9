/* One naccsd connection (conn.h). */
#include "config.h"

#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "base/secret.h"
#include "log.h"
#include "caps.h"

struct naccsd_conn *naccsd_conn_new(int fd, uid_t uid, gid_t gid, pid_t pid, unsigned idle_ms)
{
	struct naccsd_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->uid = uid;
	c->gid = gid;
	c->pid = pid;
	c->state = NACCSD_CONN_READ;
	c->deadline = naccs_deadline_in(idle_ms);
	return c;
}

int naccsd_conn_accept(int lfd, unsigned idle_ms, struct naccsd_conn **out)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	*out = NULL;
	if (fd < 0) {
		if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
			return 0;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			return -EMFILE;
		return -EAGAIN;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || clen != sizeof(cred)) {
		naccsd_log(LOG_WARNING, "no peer credentials on a connection: closed");
		close(fd);
		return 0;
	}
	*out = naccsd_conn_new(fd, cred.uid, cred.gid, cred.pid, idle_ms);
	if (*out == NULL) {
		naccsd_log(LOG_ERR, "out of memory for a connection");
		close(fd);
		return 0;
	}
	return 1;
}

void naccsd_conn_free(struct naccsd_conn *c)
{
	close(c->fd);
	/* A request body may hold a password: wiped before it is freed. */
	if (c->frame != NULL)
		naccs_wipe(c->frame, c->frame_len);
	free(c->frame);
	free(c->out);
	free(c);
}

uint8_t *naccsd_conn_take_frame(struct naccsd_conn *c, size_t *len)
{
	uint8_t *f = c->frame;

	*len = c->frame_len;
	c->frame = NULL;
	c->frame_len = c->frame_got = 0;
	return f;
}

enum naccsd_io naccsd_conn_read(struct naccsd_conn *c, unsigned frame_ms)
{
	for (;;) {
		uint8_t *dst;
		size_t want;
		ssize_t r;

		if (c->len_got < NACCS_PROTO_LEN_SIZE) {
			dst = c->lenbuf + c->len_got;
			want = NACCS_PROTO_LEN_SIZE - c->len_got;
		} else {
			dst = c->frame + c->frame_got;
			want = c->frame_len - c->frame_got;
		}
		r = recv(c->fd, dst, want, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return NACCSD_IO_MORE;
		if (r <= 0) {
			/* The peer closed (or reset): between frames that is the
			 * normal end; inside one it is the peer's loss. */
			if (c->len_got > 0)
				naccsd_log(LOG_INFO, "peer uid %lu pid %ld closed inside a frame",
					   (unsigned long)c->uid, (long)c->pid);
			return NACCSD_IO_CLOSE;
		}
		if (c->len_got == 0)
			c->deadline = naccs_deadline_in(frame_ms);
		if (c->len_got < NACCS_PROTO_LEN_SIZE) {
			c->len_got += (size_t)r;
			if (c->len_got < NACCS_PROTO_LEN_SIZE)
				continue;
			c->frame_len = ((size_t)c->lenbuf[0] << 24) | ((size_t)c->lenbuf[1] << 16) |
				       ((size_t)c->lenbuf[2] << 8) | c->lenbuf[3];
			c->frame_got = 0;
			/* Refused before a byte of the body is read. */
			if (c->frame_len == 0 || c->frame_len > NACCS_PROTO_FRAME_MAX) {
				naccsd_log(LOG_INFO,
					   "peer uid %lu pid %ld: frame length %zu refused",
					   (unsigned long)c->uid, (long)c->pid, c->frame_len);
				c->frame_len = 0;
				return NACCSD_IO_BAD_LENGTH;
			}
			c->frame = malloc(c->frame_len);
			if (c->frame == NULL) {
				naccsd_log(LOG_ERR, "out of memory for a frame");
				return NACCSD_IO_CLOSE;
			}
			continue;
		}
		c->frame_got += (size_t)r;
		if (c->frame_got == c->frame_len) {
			c->state = NACCSD_CONN_READY;
			return NACCSD_IO_FRAME;
		}
	}
}

void naccsd_conn_send(struct naccsd_conn *c, uint8_t *out, size_t len, bool close_after,
		      naccs_deadline_t release)
{
	free(c->out);
	c->out = out;
	c->out_len = len;
	c->out_off = 0;
	c->close_after = close_after;
	c->job = NULL;
	if (release != 0 && naccs_deadline_left_ms(release) > 0) {
		/* The fail delay: the response waits, the loop does not (the
		 * server's expiry starts writing it). */
		c->state = NACCSD_CONN_HOLD;
		c->deadline = release;
		return;
	}
	c->state = NACCSD_CONN_WRITE;
	c->deadline = naccs_deadline_in(NACCSD_WRITE_MS);
}

enum naccsd_io naccsd_conn_flush(struct naccsd_conn *c, unsigned idle_ms)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return NACCSD_IO_MORE;
		if (w <= 0)
			return NACCSD_IO_CLOSE;
		c->out_off += (size_t)w;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	if (c->close_after)
		return NACCSD_IO_CLOSE;
	c->state = NACCSD_CONN_READ;
	c->len_got = 0;
	c->deadline = naccs_deadline_in(idle_ms);
	return NACCSD_IO_SENT;
}
