/* naccsd's poll loop: accept, read frames incrementally, answer (server.h). */
#include "config.h"

#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "base/err.h"
#include "base/secret.h"
#include "decide.h"
#include "proto/message.h"
#include "proto/schema.h"

struct naccsd_server {
	int lfd;
	const struct naccs_config *cfg;
	struct naccsd_conn *conns[NACCSD_CONN_MAX];
	size_t n;
	/* ctl, listener, then one per connection (conn_of: which). */
	struct pollfd pfds[NACCSD_CONN_MAX + 2];
	struct naccsd_conn *conn_of[NACCSD_CONN_MAX + 2];
	/* Scratch messages: the loop is single-threaded (a worker gets its own). */
	struct naccs_msg *req, *resp;
	unsigned idle_ms, frame_ms;
	naccs_deadline_t accept_pause; /* out of descriptors: wait before accepting */
	naccs_deadline_t cap_log_next;
	unsigned long cap_refused; /* since the last cap log line */
};

void naccsd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

/* Test builds only: shorter deadlines, so that the tests of the stall and
 * idle paths take a second rather than NACCSD_FRAME_MS. */
static unsigned deadline_ms(const char *env, unsigned dflt)
{
#ifdef NACCS_TEST_HOOKS
	const char *v = getenv(env);
	char *end;
	unsigned long ms;

	if (v != NULL && *v != '\0') {
		errno = 0;
		ms = strtoul(v, &end, 10);
		if (errno == 0 && *end == '\0' && ms > 0 && ms <= 600000)
			return (unsigned)ms;
	}
#else
	(void)env;
#endif
	return dflt;
}

struct naccsd_server *naccsd_server_new(int listen_fd, const struct naccs_config *cfg)
{
	struct naccsd_server *s = calloc(1, sizeof(*s));
	int fl;

	if (s == NULL)
		return NULL;
	s->req = naccs_msg_new();
	s->resp = naccs_msg_new();
	if (s->req == NULL || s->resp == NULL) {
		naccs_msg_free(s->req);
		naccs_msg_free(s->resp);
		free(s);
		return NULL;
	}
	s->lfd = listen_fd;
	/* systemd's socket may come blocking: accept_all takes a batch. */
	fl = fcntl(listen_fd, F_GETFL);
	if (fl < 0 || fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) < 0)
		naccsd_log(LOG_WARNING, "cannot make the listening socket non-blocking: %m");
	s->cfg = cfg;
	s->idle_ms = deadline_ms("NACCSD_TEST_IDLE_MS", NACCSD_IDLE_MS);
	s->frame_ms = deadline_ms("NACCSD_TEST_FRAME_MS", NACCSD_FRAME_MS);
	return s;
}

void naccsd_server_set_config(struct naccsd_server *s, const struct naccs_config *cfg)
{
	s->cfg = cfg;
}

size_t naccsd_server_conn_count(const struct naccsd_server *s)
{
	return s->n;
}

static void conn_close(struct naccsd_server *s, struct naccsd_conn *c)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->conns[i] == c) {
			s->conns[i] = s->conns[--s->n];
			s->conns[s->n] = NULL;
			break;
		}
	for (i = 0; i < NACCSD_CONN_MAX + 2; i++)
		if (s->conn_of[i] == c)
			s->conn_of[i] = NULL;
	close(c->fd);
	/* A request body may hold a password: wiped before it is freed. */
	if (c->frame != NULL)
		naccs_wipe(c->frame, c->frame_len);
	free(c->frame);
	free(c->out);
	free(c);
}

void naccsd_server_free(struct naccsd_server *s)
{
	if (s == NULL)
		return;
	while (s->n > 0)
		conn_close(s, s->conns[0]);
	naccs_msg_free(s->req);
	naccs_msg_free(s->resp);
	free(s);
}

/* Write what is left of c->out; 0 done, 1 to be continued, -1 closed. */
static int conn_flush(struct naccsd_server *s, struct naccsd_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (w <= 0) {
			conn_close(s, c);
			return -1;
		}
		c->out_off += (size_t)w;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	if (c->close_after) {
		conn_close(s, c);
		return -1;
	}
	c->state = NACCSD_CONN_READ;
	c->len_got = 0;
	c->deadline = naccs_deadline_in(s->idle_ms);
	return 0;
}

/* Encode s->resp as c's response (frame length in front) and start writing
 * it.  When even that fails (memory), the connection is closed. */
static void conn_respond_after(struct naccsd_server *s, struct naccsd_conn *c, bool close_after,
			       unsigned hold_ms)
{
	struct naccs_err err;
	size_t len = 0;
	uint8_t *out = malloc(NACCS_PROTO_LEN_SIZE + NACCS_PROTO_FRAME_MAX);

	naccs_err_clear(&err);
	if (out == NULL || naccs_msg_encode(s->resp, out + NACCS_PROTO_LEN_SIZE,
					    NACCS_PROTO_FRAME_MAX, &len, &err) < 0) {
		naccsd_log(LOG_ERR, "cannot encode a response: %s",
			   out == NULL ? "out of memory" : err.msg);
		free(out);
		naccs_msg_clear(s->resp);
		conn_close(s, c);
		return;
	}
	naccs_msg_clear(s->resp);
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	c->out = out;
	c->out_len = NACCS_PROTO_LEN_SIZE + len;
	c->out_off = 0;
	c->close_after = close_after;
	if (hold_ms > 0) {
		/* The fail delay: the response waits, the loop does not
		 * (expire() starts writing it). */
		c->state = NACCSD_CONN_HOLD;
		c->deadline = naccs_deadline_in(hold_ms);
		return;
	}
	c->state = NACCSD_CONN_WRITE;
	c->deadline = naccs_deadline_in(NACCSD_WRITE_MS);
	conn_flush(s, c);
}

static void conn_respond(struct naccsd_server *s, struct naccsd_conn *c, bool close_after)
{
	conn_respond_after(s, c, close_after, 0);
}

/* ERROR code (text for logs) in s->resp: with the request's id when req
 * is given (its header was read), else all zero. */
static int build_error(struct naccsd_server *s, const struct naccs_msg *req, const char *code,
		       const char *text)
{
	static const uint8_t zero_id[NACCS_PROTO_ID_LEN];
	struct naccs_err err;
	char safe[1024];
	int rc;

	naccs_err_clear(&err);
	if (req != NULL)
		rc = naccs_msg_start_response(s->resp, req, NACCS_MSG_ERROR, &err);
	else
		rc = naccs_msg_start(s->resp, NACCS_MSG_ERROR, zero_id, &err);
	if (rc == 0)
		rc = naccs_msg_set_str(s->resp, NACCS_TAG_ERROR_CODE, code, &err);
	if (rc == 0 && text != NULL) {
		/* The codec's messages may quote a peer's bytes: keep the text
		 * a valid string, whatever it holds. */
		snprintf(safe, sizeof(safe), "%s", text);
		if (naccs_msg_set_str(s->resp, NACCS_TAG_ERROR_TEXT, safe, &err) < 0)
			(void)naccs_msg_set_str(s->resp, NACCS_TAG_ERROR_TEXT, code, &err);
	}
	if (rc == 0 && strcmp(code, NACCS_PROTO_ERR_UNSUPPORTED_VERSION) == 0)
		rc = naccs_msg_set_u32(s->resp, NACCS_TAG_VERSIONS, NACCS_PROTO_VERSION, &err);
	if (rc == 0 && strcmp(code, NACCS_PROTO_ERR_BUSY) == 0)
		rc = naccs_msg_set_u32(s->resp, NACCS_TAG_RETRY_AFTER_MS, NACCSD_BUSY_RETRY_MS,
				       &err);
	if (rc < 0)
		naccsd_log(LOG_ERR, "cannot build an ERROR %s: %s", code, err.msg);
	return rc;
}

static int build_hello(struct naccsd_server *s, const struct naccs_msg *req)
{
	struct naccs_err err;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_msg_start_response(s->resp, req, NACCS_MSG_HELLO | NACCS_PROTO_RESPONSE, &err);
	if (rc == 0)
		rc = naccs_msg_set_str(s->resp, NACCS_TAG_SERVER_VERSION, NACCSD_SERVER_VERSION,
				       &err);
	if (rc == 0)
		rc = naccs_msg_set_u32(s->resp, NACCS_TAG_VERSIONS, NACCS_PROTO_VERSION, &err);
	if (rc == 0)
		rc = naccs_msg_set_u32(s->resp, NACCS_TAG_FRAME_MAX, NACCS_PROTO_FRAME_MAX, &err);
	if (rc < 0)
		naccsd_log(LOG_ERR, "cannot build a HELLO response: %s", err.msg);
	return rc;
}

/* c holds a whole frame (NACCSD_CONN_READY): decode it and answer.  A later
 * step hands READY connections to the workers here. */
static void conn_answer(struct naccsd_server *s, struct naccsd_conn *c)
{
	struct naccs_err err;
	struct naccs_msg *req = s->req;
	bool close_after = false;
	unsigned hold_ms = 0;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_msg_decode(req, c->frame, c->frame_len, &err);
	naccs_wipe(c->frame, c->frame_len);
	free(c->frame);
	c->frame = NULL;
	c->frame_len = c->frame_got = 0;
	if (rc == -EPROTONOSUPPORT) {
		naccsd_log(LOG_INFO, "peer uid %lu pid %ld: protocol version %u not spoken",
			   (unsigned long)c->uid, (long)c->pid, (unsigned)req->version);
		rc = build_error(s, NULL, NACCS_PROTO_ERR_UNSUPPORTED_VERSION,
				 "unsupported protocol version");
		close_after = true;
	} else if (rc < 0) {
		naccsd_log(LOG_INFO, "peer uid %lu pid %ld: bad message: %s", (unsigned long)c->uid,
			   (long)c->pid, err.msg);
		rc = build_error(s, req->header_ok ? req : NULL, NACCS_PROTO_ERR_BAD_MESSAGE,
				 err.msg);
		close_after = true;
	} else if (req->type == NACCS_MSG_HELLO) {
		rc = build_hello(s, req);
	} else if ((req->type & NACCS_PROTO_RESPONSE) != 0 || req->type == NACCS_MSG_ERROR) {
		rc = build_error(s, req, NACCS_PROTO_ERR_BAD_MESSAGE, "not a request");
		close_after = true;
	} else if (req->type == NACCS_MSG_AUTHENTICATE || req->type == NACCS_MSG_ACCOUNT ||
		   req->type == NACCS_MSG_AUTH_GATE || req->type == NACCS_MSG_ADMIN) {
		struct naccsd_peer peer = {.uid = c->uid, .pid = c->pid};

		/* Step 3a: decided here, on the loop (the hash included);
		 * the worker pool's step queues READY connections here
		 * instead.  The fail delay does not block: hold_ms. */
		rc = naccsd_decide(s->cfg, &peer, req, s->resp, &hold_ms, &err);
		if (rc == -EPERM)
			rc = build_error(s, req, NACCS_PROTO_ERR_NOT_ALLOWED, err.msg);
		else if (rc < 0) {
			naccsd_log(LOG_ERR, "cannot answer a request: %s", err.msg);
			rc = build_error(s, req, NACCS_PROTO_ERR_UNAVAILABLE, "no decision");
		}
	} else {
		rc = build_error(s, req, NACCS_PROTO_ERR_UNAVAILABLE,
				 "not implemented yet in this build");
	}
	naccs_msg_clear(req);
	naccs_wipe(&err, sizeof(err));
	if (rc < 0) {
		conn_close(s, c);
		return;
	}
	conn_respond_after(s, c, close_after, hold_ms);
}

/* Read what c's peer has sent (never blocks).  A whole frame: answered. */
static void conn_read(struct naccsd_server *s, struct naccsd_conn *c)
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
			return;
		if (r <= 0) {
			/* The peer closed (or reset): between frames that is the
			 * normal end; inside one it is the peer's loss. */
			if (c->len_got > 0)
				naccsd_log(LOG_INFO, "peer uid %lu pid %ld closed inside a frame",
					   (unsigned long)c->uid, (long)c->pid);
			conn_close(s, c);
			return;
		}
		if (c->len_got == 0)
			c->deadline = naccs_deadline_in(s->frame_ms);
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
				if (build_error(s, NULL, NACCS_PROTO_ERR_BAD_MESSAGE,
						"bad frame length") < 0)
					conn_close(s, c);
				else
					conn_respond(s, c, true);
				return;
			}
			c->frame = malloc(c->frame_len);
			if (c->frame == NULL) {
				naccsd_log(LOG_ERR, "out of memory for a frame");
				conn_close(s, c);
				return;
			}
			continue;
		}
		c->frame_got += (size_t)r;
		if (c->frame_got == c->frame_len) {
			c->state = NACCSD_CONN_READY;
			conn_answer(s, c);
			return;
		}
	}
}

static void cap_log(struct naccsd_server *s, const char *what)
{
	s->cap_refused++;
	if (naccs_deadline_left_ms(s->cap_log_next) > 0)
		return;
	naccsd_log(LOG_WARNING,
		   "%s (%d at most, %d per unprivileged uid): %lu connection(s) refused since the "
		   "last such line",
		   what, NACCSD_CONN_MAX, NACCSD_CONN_PER_UID, s->cap_refused);
	s->cap_refused = 0;
	s->cap_log_next = naccs_deadline_in(NACCSD_CAP_LOG_MS);
}

static void accept_one(struct naccsd_server *s, int fd)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct naccsd_conn *c;
	size_t i, same = 0;

	if (s->n >= NACCSD_CONN_MAX) {
		close(fd);
		cap_log(s, "connection cap reached");
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || clen != sizeof(cred)) {
		naccsd_log(LOG_WARNING, "no peer credentials on a connection: closed");
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		naccsd_log(LOG_ERR, "out of memory for a connection");
		close(fd);
		return;
	}
	c->fd = fd;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->pid = cred.pid;
	c->state = NACCSD_CONN_READ;
	c->deadline = naccs_deadline_in(s->idle_ms);
	s->conns[s->n++] = c;
	if (c->uid == 0)
		return;
	for (i = 0; i < s->n; i++)
		if (s->conns[i]->uid == c->uid)
			same++;
	if (same > NACCSD_CONN_PER_UID) {
		cap_log(s, "per-uid connection cap reached");
		/* Says why (busy, retry_after_ms) and closes; the frame is small
		 * and the socket new: the first write takes it whole. */
		if (build_error(s, NULL, NACCS_PROTO_ERR_BUSY,
				"too many connections for this uid") < 0)
			conn_close(s, c);
		else
			conn_respond(s, c, true);
	}
}

static void accept_all(struct naccsd_server *s)
{
	unsigned turns;

	/* A bounded batch, so that a flood of connects cannot starve the
	 * connections already open. */
	for (turns = 0; turns < 64; turns++) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd >= 0) {
			accept_one(s, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
			continue;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* The pending connection stays in the backlog: pause,
			 * rather than spin on a listener that stays readable. */
			cap_log(s, "out of descriptors or memory");
			s->accept_pause = naccs_deadline_in(100);
		}
		return;
	}
}

/* Drop the connections past their deadline; the poll timeout till the
 * next one (-1: none). */
static int expire(struct naccsd_server *s)
{
	int64_t next = -1;
	size_t i = 0;

	while (i < s->n) {
		struct naccsd_conn *c = s->conns[i];
		int64_t left = naccs_deadline_left_ms(c->deadline);

		if (left == 0 && c->state == NACCSD_CONN_HOLD) {
			/* The fail delay is over: write the response. */
			c->state = NACCSD_CONN_WRITE;
			c->deadline = naccs_deadline_in(NACCSD_WRITE_MS);
			if (conn_flush(s, c) < 0)
				continue; /* closed: the last one moved to i */
			left = naccs_deadline_left_ms(c->deadline);
		}
		if (left > 0) {
			if (next < 0 || left < next)
				next = left;
			i++;
			continue;
		}
		if (c->state == NACCSD_CONN_WRITE)
			naccsd_log(LOG_INFO,
				   "peer uid %lu pid %ld did not read its response: dropped",
				   (unsigned long)c->uid, (long)c->pid);
		else if (c->len_got > 0)
			naccsd_log(LOG_NOTICE,
				   "peer uid %lu pid %ld: frame not complete within %u ms: dropped",
				   (unsigned long)c->uid, (long)c->pid, s->frame_ms);
		conn_close(s, c); /* the last one moves to i */
	}
	if (s->accept_pause != 0) {
		int64_t left = naccs_deadline_left_ms(s->accept_pause);

		if (left == 0)
			s->accept_pause = 0;
		else if (next < 0 || left < next)
			next = left;
	}
	return next > INT32_MAX ? INT32_MAX : (int)next;
}

/* The stop: no more accepting, drop who waits for a request, let responses
 * under way finish within NACCSD_DRAIN_MS. */
static void stop_reading(struct naccsd_server *s)
{
	size_t i = 0;
	naccs_deadline_t drain = naccs_deadline_in(NACCSD_DRAIN_MS);

	while (i < s->n) {
		struct naccsd_conn *c = s->conns[i];

		if (c->state == NACCSD_CONN_WRITE || c->state == NACCSD_CONN_HOLD) {
			c->close_after = true;
			if (c->deadline > drain)
				c->deadline = drain;
			i++;
			continue;
		}
		conn_close(s, c);
	}
}

int naccsd_server_run(struct naccsd_server *s, int ctl_fd, naccsd_ctl_fn on_ctl, void *ctx)
{
	bool stopping = false;

	for (;;) {
		nfds_t nf = 0;
		size_t i;
		int timeout, rc;

		timeout = expire(s);
		if (stopping && s->n == 0)
			return 0;
		memset(s->conn_of, 0, sizeof(s->conn_of));
		s->pfds[nf++] = (struct pollfd){.fd = stopping ? -1 : ctl_fd, .events = POLLIN};
		s->pfds[nf++] = (struct pollfd){
		    .fd = stopping || s->accept_pause != 0 ? -1 : s->lfd, .events = POLLIN};
		for (i = 0; i < s->n; i++) {
			struct naccsd_conn *c = s->conns[i];

			s->conn_of[nf] = c;
			/* A held response: nothing to poll (a hang-up would
			 * wake the loop without end); the deadline moves it. */
			s->pfds[nf++] = (struct pollfd){
			    .fd = c->state == NACCSD_CONN_HOLD ? -1 : c->fd,
			    .events = c->state == NACCSD_CONN_WRITE ? POLLOUT : POLLIN};
		}
		rc = poll(s->pfds, nf, timeout);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			rc = -errno;
			naccsd_log(LOG_CRIT, "poll: %m");
			return rc;
		}
		if ((s->pfds[0].revents & POLLIN) != 0 && on_ctl(ctx) == NACCSD_CTL_STOP) {
			stopping = true;
			stop_reading(s);
			continue;
		}
		for (i = 2; i < nf; i++) {
			struct naccsd_conn *c = s->conn_of[i];

			if (c == NULL || s->pfds[i].revents == 0)
				continue;
			if (c->state == NACCSD_CONN_WRITE)
				conn_flush(s, c);
			else
				conn_read(s, c);
		}
		if ((s->pfds[1].revents & POLLIN) != 0)
			accept_all(s);
	}
}
