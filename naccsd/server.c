/* naccsd's poll loop: accept, caps, deadlines, who answers what (server.h). */
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

#include "answer.h"
#include "base/err.h"
#include "base/secret.h"
#include "conn.h"
#include "decide.h"
#include "jobs.h"
#include "log.h"
#include "proto/message.h"
#include "proto/schema.h"

struct naccsd_server {
	int lfd;
	struct naccsd_conn *conns[NACCSD_CONN_MAX];
	size_t n;
	/* ctl, listener, workers, then one per connection (conn_of: which). */
	struct pollfd pfds[NACCSD_CONN_MAX + 3];
	struct naccsd_conn *conn_of[NACCSD_CONN_MAX + 3];
	/* Scratch messages of the loop (a worker has its own). */
	struct naccs_msg *req, *resp;
	struct naccsd_jobs *jobs;
	unsigned idle_ms, frame_ms, queue_ms;
	naccs_deadline_t accept_pause; /* out of descriptors: wait before accepting */
	struct naccsd_refusals conn_cap, busy;
};

int naccsd_server_set_config(struct naccsd_server *s, struct naccs_config *cfg)
{
	return naccsd_jobs_set_config(s->jobs, cfg);
}

void naccsd_server_free(struct naccsd_server *s);

struct naccsd_server *naccsd_server_new(int listen_fd, struct naccs_config *cfg,
					const struct naccsd_options *opt)
{
	struct naccsd_server *s = calloc(1, sizeof(*s));
	int fl;

	if (s == NULL)
		return NULL;
	s->lfd = listen_fd;
	s->req = naccs_msg_new();
	s->resp = naccs_msg_new();
	if (s->req == NULL || s->resp == NULL ||
	    (s->jobs = naccsd_jobs_new(cfg, opt->workers, opt->uid_burst)) == NULL) {
		naccsd_server_free(s);
		return NULL;
	}
	/* systemd's socket may come blocking: accept_all takes a batch. */
	fl = fcntl(listen_fd, F_GETFL);
	if (fl < 0 || fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) < 0)
		naccsd_log(LOG_WARNING, "cannot make the listening socket non-blocking: %m");
	s->idle_ms = opt->idle_ms;
	s->frame_ms = opt->frame_ms;
	s->queue_ms = opt->queue_ms;
	return s;
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
	for (i = 0; i < NACCSD_CONN_MAX + 3; i++)
		if (s->conn_of[i] == c)
			s->conn_of[i] = NULL;
	/* Not started: never decided.  Under way: its answer still goes to
	 * the id cache (a retry is answered from it). */
	(void)naccsd_jobs_cancel(s->jobs, c, true);
	naccsd_conn_free(c);
}

/* Write what c has to write; closes it when it is done with. */
static void conn_write(struct naccsd_server *s, struct naccsd_conn *c)
{
	if (c->state == NACCSD_CONN_WRITE && naccsd_conn_flush(c, s->idle_ms) == NACCSD_IO_CLOSE)
		conn_close(s, c);
}

/* s->resp (built, or rc < 0: not) is c's answer. */
static void respond(struct naccsd_server *s, struct naccsd_conn *c, int rc, bool close_after)
{
	uint8_t *out = NULL;
	size_t len = 0;

	if (rc == 0)
		rc = naccsd_encode(s->resp, &out, &len);
	naccs_msg_clear(s->resp);
	if (rc < 0) {
		conn_close(s, c);
		return;
	}
	naccsd_conn_send(c, out, len, close_after, 0);
	conn_write(s, c);
}

static void busy(struct naccsd_server *s, struct naccsd_conn *c, const struct naccs_msg *req,
		 const char *why, unsigned retry_ms)
{
	respond(s, c, naccsd_build_error(s->resp, req, NACCS_PROTO_ERR_BUSY, why, retry_ms), false);
}

/* req (decoded from frame) is decided by a worker, unless the id cache
 * answers it or the peer is over a limit.  frame: taken (queued or wiped). */
static void queue(struct naccsd_server *s, struct naccsd_conn *c, const struct naccs_msg *req,
		  uint8_t *frame, size_t frame_len)
{
	struct naccsd_admit a;

	if (naccsd_jobs_admit(s->jobs, c, req, frame, frame_len, &a) < 0) {
		conn_close(s, c);
		return;
	}
	switch (a.what) {
	case NACCSD_ADMIT_QUEUED:
		c->state = NACCSD_CONN_QUEUED;
		c->deadline = naccs_deadline_in(s->queue_ms);
		break;
	case NACCSD_ADMIT_KEPT:
		naccsd_conn_send(c, a.out, a.len, false, a.release);
		conn_write(s, c);
		break;
	case NACCSD_ADMIT_BUSY:
		naccsd_log_refused(&s->busy, "uid %lu: busy (%s)", (unsigned long)c->uid, a.why);
		busy(s, c, req, a.why, a.retry_ms);
		break;
	}
}

/* c holds a whole frame (NACCSD_CONN_READY): decode it; answer it here, or
 * queue it for the workers. */
static void dispatch(struct naccsd_server *s, struct naccsd_conn *c)
{
	struct naccs_err err;
	struct naccs_msg *req = s->req;
	size_t len;
	uint8_t *frame = naccsd_conn_take_frame(c, &len);
	bool close_after = false;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_msg_decode(req, frame, len, &err);
	if (rc == 0 && naccsd_decides(req->type)) {
		queue(s, c, req, frame, len);
		naccs_msg_clear(req);
		return;
	}
	naccs_wipe(frame, len);
	free(frame);
	rc = naccsd_answer_here(s->resp, req, rc, &err, c->uid, c->pid, &close_after);
	naccs_msg_clear(req);
	naccs_wipe(&err, sizeof(err));
	respond(s, c, rc, close_after);
}

static void conn_read(struct naccsd_server *s, struct naccsd_conn *c)
{
	switch (naccsd_conn_read(c, s->frame_ms)) {
	case NACCSD_IO_FRAME:
		dispatch(s, c);
		break;
	case NACCSD_IO_BAD_LENGTH:
		respond(s, c,
			naccsd_build_error(s->resp, NULL, NACCS_PROTO_ERR_BAD_MESSAGE,
					   "bad frame length", 0),
			true);
		break;
	case NACCSD_IO_CLOSE:
		conn_close(s, c);
		break;
	default:
		break;
	}
}

/* The workers' finished jobs: their answers to their connections (the fail
 * delay held; the id cache has its copy already). */
static void take_done(struct naccsd_server *s)
{
	struct naccsd_job *j = naccsd_jobs_take_done(s->jobs), *next;

	for (; j != NULL; j = next) {
		struct naccsd_conn *c = j->conn;

		next = j->next;
		if (c != NULL) {
			c->job = NULL;
			if (j->out == NULL) {
				conn_close(s, c);
			} else {
				naccsd_conn_send(c, j->out, j->out_len, j->close_after,
						 j->hold_ms > 0 ? naccs_deadline_in(j->hold_ms)
								: 0);
				j->out = NULL;
				conn_write(s, c);
			}
		}
		naccsd_jobs_release(s->jobs, j);
	}
}

/* A connection accepted: within the caps, or told why not. */
static void accept_one(struct naccsd_server *s, struct naccsd_conn *c)
{
	size_t i, same = 0;

	if (s->n >= NACCSD_CONN_MAX) {
		naccsd_conn_free(c);
		naccsd_log_refused(&s->conn_cap, "connection cap reached (%d at most)",
				   NACCSD_CONN_MAX);
		return;
	}
	s->conns[s->n++] = c;
	if (c->uid == 0)
		return;
	for (i = 0; i < s->n; i++)
		if (s->conns[i]->uid == c->uid)
			same++;
	if (same > NACCSD_CONN_PER_UID) {
		naccsd_log_refused(&s->conn_cap,
				   "per-uid connection cap reached (%d per unprivileged uid)",
				   NACCSD_CONN_PER_UID);
		/* Says why (busy, retry_after_ms) and closes; the frame is small
		 * and the socket new: the first write takes it whole. */
		respond(s, c,
			naccsd_build_error(s->resp, NULL, NACCS_PROTO_ERR_BUSY,
					   "too many connections for this uid", 0),
			true);
	}
}

static void accept_all(struct naccsd_server *s)
{
	unsigned turns;

	/* A bounded batch, so that a flood of connects cannot starve the
	 * connections already open. */
	for (turns = 0; turns < 64; turns++) {
		struct naccsd_conn *c = NULL;
		int rc = naccsd_conn_accept(s->lfd, s->idle_ms, &c);

		if (rc > 0)
			accept_one(s, c);
		if (rc >= 0)
			continue;
		if (rc == -EMFILE) {
			/* The pending connection stays in the backlog: pause,
			 * rather than spin on a listener that stays readable. */
			naccsd_log_refused(&s->conn_cap, "out of descriptors or memory");
			s->accept_pause = naccs_deadline_in(100);
		}
		return;
	}
}

/* c's request waited its queue deadline: ERROR busy if no worker has
 * started it (never a decision), else it waits for its answer.  false: c
 * was closed. */
static bool queue_expired(struct naccsd_server *s, struct naccsd_conn *c)
{
	static const uint8_t zero[NACCS_PROTO_ID_LEN];
	struct naccs_err err;
	struct naccs_msg *req = s->req;
	size_t i;

	uint8_t id[NACCS_PROTO_ID_LEN];

	memcpy(id, c->job->request_id, sizeof(id));
	if (!naccsd_jobs_cancel(s->jobs, c, false)) {
		c->deadline = naccs_deadline_in(s->queue_ms);
		return true;
	}
	/* The ERROR echoes the request's id (any request type will do). */
	naccs_err_clear(&err);
	if (naccs_msg_start(req, NACCS_MSG_HELLO, id, &err) < 0)
		(void)naccs_msg_start(req, NACCS_MSG_HELLO, zero, &err);
	naccsd_log_refused(&s->busy, "a request waited %u ms for a worker", s->queue_ms);
	busy(s, c, req, "the workers are busy", 0);
	naccs_msg_clear(req);
	for (i = 0; i < s->n; i++)
		if (s->conns[i] == c)
			return true;
	return false;
}

/* Drop the connections past their deadline; the poll timeout till the
 * next one (-1: none). */
static int expire(struct naccsd_server *s)
{
	int64_t next = -1;
	size_t i = 0;

	naccsd_jobs_tick(s->jobs);
	while (i < s->n) {
		struct naccsd_conn *c = s->conns[i];
		int64_t left = naccs_deadline_left_ms(c->deadline);

		if (left == 0 && c->state == NACCSD_CONN_HOLD) {
			/* The fail delay is over: write the response. */
			c->state = NACCSD_CONN_WRITE;
			c->deadline = naccs_deadline_in(NACCSD_WRITE_MS);
			if (naccsd_conn_flush(c, s->idle_ms) == NACCSD_IO_CLOSE) {
				conn_close(s, c);
				continue; /* the last one moved to i */
			}
			left = naccs_deadline_left_ms(c->deadline);
		} else if (left == 0 && c->state == NACCSD_CONN_QUEUED) {
			if (!queue_expired(s, c))
				continue;
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

void naccsd_server_free(struct naccsd_server *s)
{
	if (s == NULL)
		return;
	while (s->n > 0)
		conn_close(s, s->conns[0]);
	naccsd_jobs_free(s->jobs);
	naccs_msg_free(s->req);
	naccs_msg_free(s->resp);
	free(s);
}

/* The stop: no more accepting, drop who waits for a request or a worker,
 * let responses under way finish within NACCSD_DRAIN_MS. */
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
		s->pfds[nf++] = (struct pollfd){.fd = naccsd_jobs_fd(s->jobs), .events = POLLIN};
		for (i = 0; i < s->n; i++) {
			struct naccsd_conn *c = s->conns[i];
			/* A held or queued request: nothing to poll (a hang-up
			 * would wake the loop without end); the deadline or
			 * the workers move it. */
			bool wait = c->state == NACCSD_CONN_HOLD || c->state == NACCSD_CONN_QUEUED;

			s->conn_of[nf] = c;
			s->pfds[nf++] = (struct pollfd){
			    .fd = wait ? -1 : c->fd,
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
		if ((s->pfds[2].revents & POLLIN) != 0)
			take_done(s);
		for (i = 3; i < nf; i++) {
			struct naccsd_conn *c = s->conn_of[i];

			if (c == NULL || s->pfds[i].revents == 0)
				continue;
			if (c->state == NACCSD_CONN_WRITE)
				conn_write(s, c);
			else if (c->state == NACCSD_CONN_READ)
				conn_read(s, c);
		}
		if ((s->pfds[1].revents & POLLIN) != 0)
			accept_all(s);
	}
}
