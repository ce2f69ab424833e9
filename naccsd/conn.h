/* One naccsd connection (issue 18, docs/PROTOCOL.md): its state machine
 * over a non-blocking descriptor.  A frame is read incrementally (a peer
 * that sends half a frame and stalls costs one slot until its deadline and
 * delays nobody), a response is written incrementally; what the request
 * means and the set of connections are server.c's. */
#ifndef NACCSD_CONN_H
#define NACCSD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/time.h"
#include "proto/frame.h"

struct naccsd_job;

enum naccsd_conn_state {
	NACCSD_CONN_READ,   /* reading a frame (length, then body) */
	NACCSD_CONN_READY,  /* a whole frame in hand: to be answered or queued */
	NACCSD_CONN_QUEUED, /* its request is with the workers (job; deadline: the queue's) */
	NACCSD_CONN_WRITE,  /* a response being written */
	NACCSD_CONN_HOLD,   /* a response waiting out the fail delay (deadline: its end) */
};

/* One client.  The peer's credentials are taken once, at accept (SO_PEERCRED);
 * what a peer may ask is decided by them, never by what it says. */
struct naccsd_conn {
	int fd;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	enum naccsd_conn_state state;
	uint8_t lenbuf[NACCS_PROTO_LEN_SIZE];
	size_t len_got;
	uint8_t *frame; /* the body: allocated at its announced length */
	size_t frame_len, frame_got;
	uint8_t *out; /* the response being written (length included) */
	size_t out_len, out_off;
	bool close_after;	   /* close once out is written (an ERROR that ends it) */
	naccs_deadline_t deadline; /* idle, frame, queue or write: the state's */
	struct naccsd_job *job;	   /* NACCSD_CONN_QUEUED: its request */
};

/* What a read or a write came to. */
enum naccsd_io {
	NACCSD_IO_MORE,	      /* nothing more for now: poll again */
	NACCSD_IO_FRAME,      /* read: a whole frame in c->frame (state READY) */
	NACCSD_IO_BAD_LENGTH, /* read: a length of 0 or over the cap (nothing more read) */
	NACCSD_IO_SENT,	      /* write: the response is out, reading again */
	NACCSD_IO_CLOSE,      /* to be closed: the peer left, an error, or close_after */
};

/* A connection on fd (accepted non-blocking), reading, idle deadline idle_ms. */
struct naccsd_conn *naccsd_conn_new(int fd, uid_t uid, gid_t gid, pid_t pid, unsigned idle_ms);
/* Accept one connection on lfd and take its peer's credentials: 1 with
 * *out, 0 when none came of it (go on), -EAGAIN (none pending), -EMFILE
 * (out of descriptors or memory: pause). */
int naccsd_conn_accept(int lfd, unsigned idle_ms, struct naccsd_conn **out);
/* Close the descriptor; wipe the request body; free (not c->job). */
void naccsd_conn_free(struct naccsd_conn *c);
/* Read what the peer has sent (never blocks); frame_ms: the deadline of a
 * frame once its first byte is in. */
enum naccsd_io naccsd_conn_read(struct naccsd_conn *c, unsigned frame_ms);
/* Take the request body out of c (the caller wipes and frees it). */
uint8_t *naccsd_conn_take_frame(struct naccsd_conn *c, size_t *len);
/* out (a whole frame, now c's) is c's response: held until release when
 * that is still ahead (the fail delay), else being written (then flush). */
void naccsd_conn_send(struct naccsd_conn *c, uint8_t *out, size_t len, bool close_after,
		      naccs_deadline_t release);
/* Write what is left of the response; idle_ms: the idle deadline after it. */
enum naccsd_io naccsd_conn_flush(struct naccsd_conn *c, unsigned idle_ms);

#endif
