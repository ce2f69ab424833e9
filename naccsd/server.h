/* naccsd's connections (issue 18, docs/PROTOCOL.md): the acceptor and one
 * state machine per connection on a single poll loop.  Every descriptor is
 * non-blocking and every frame is read incrementally, so a peer that sends
 * half a frame and stalls costs one slot until its deadline and delays
 * nobody.  It answers HELLO, AUTHENTICATE, ACCOUNT and AUTH_GATE (decide.h)
 * and, for every other known request, ERROR `unavailable` ("not
 * implemented yet in this build"); the workers of
 * docs/NACCSD-PLAN.md come later: a connection whose request is complete
 * is in state NACCSD_CONN_READY with its frame in hand, which is where a
 * later step queues it for a worker instead of answering inline. */
#ifndef NACCSD_SERVER_H
#define NACCSD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/time.h"
#include "config/conf.h"
#include "proto/frame.h"

/* ---- Caps and deadlines --------------------------------------------------
 * Constants for now; they become configuration keys ([naccsd] ...) in a
 * later step, with these values as defaults. */

/* The most connections open at once.  Beyond, a new connection is accepted
 * and closed at once (the client fails fast instead of waiting in the
 * backlog), with one log line per NACCSD_CAP_LOG_MS at most. */
#define NACCSD_CONN_MAX 256
/* The most connections one unprivileged uid (a peer other than root) may
 * hold: beyond, it gets ERROR `busy` with retry_after_ms, then close.  Root
 * peers (sshd, login, su...) count only against NACCSD_CONN_MAX. */
#define NACCSD_CONN_PER_UID 8
/* A connection with no request under way is closed after this long. */
#define NACCSD_IDLE_MS 30000
/* Once a frame's first byte has arrived, the whole frame must arrive within
 * this (a local client writes a frame at once: this only catches stallers). */
#define NACCSD_FRAME_MS 5000
/* A response must be written within this (the client stopped reading). */
#define NACCSD_WRITE_MS 5000
/* At SIGTERM: responses already under way get this long to be written. */
#define NACCSD_DRAIN_MS 1000
/* The retry_after_ms sent with `busy` for a uid over its cap. */
#define NACCSD_BUSY_RETRY_MS 1000
/* Rate of the "connection refused: cap reached" log lines. */
#define NACCSD_CAP_LOG_MS 10000

/* The server version HELLO reports. */
#define NACCSD_SERVER_VERSION PACKAGE_NAME " " PACKAGE_VERSION

enum naccsd_conn_state {
	NACCSD_CONN_READ,  /* reading a frame (length, then body) */
	NACCSD_CONN_READY, /* a whole frame in hand: to be answered (later: queued) */
	NACCSD_CONN_WRITE, /* a response being written */
	NACCSD_CONN_HOLD,  /* a response waiting out the fail delay (deadline: its end) */
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
	naccs_deadline_t deadline; /* idle, frame or write: the state's */
};

struct naccsd_server;

/* Log through the server's logger (syslog, and stderr with --foreground). */
void naccsd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A server on listen_fd (a listening stream Unix socket; made non-blocking
 * here; the server does not own it).  cfg stays the caller's and may be
 * replaced with naccsd_server_set_config between loop turns.  NULL when
 * memory is short. */
struct naccsd_server *naccsd_server_new(int listen_fd, const struct naccs_config *cfg);
void naccsd_server_set_config(struct naccsd_server *s, const struct naccs_config *cfg);
/* Close every connection and free. */
void naccsd_server_free(struct naccsd_server *s);

/* What the loop's caller wants after ctl_fd became readable. */
enum naccsd_ctl {
	NACCSD_CTL_GO_ON,
	NACCSD_CTL_STOP,
};
typedef enum naccsd_ctl (*naccsd_ctl_fn)(void *ctx);

/* Serve until on_ctl (called when ctl_fd is readable: main's signalfd)
 * returns NACCSD_CTL_STOP; then stop accepting, drop the connections that
 * wait for a request, give responses under way NACCSD_DRAIN_MS, and return
 * 0.  A client's behaviour never ends the loop; -errno only when poll
 * itself fails. */
int naccsd_server_run(struct naccsd_server *s, int ctl_fd, naccsd_ctl_fn on_ctl, void *ctx);

/* How many connections are open (for the tests' and the logs' sake). */
size_t naccsd_server_conn_count(const struct naccsd_server *s);

#endif
