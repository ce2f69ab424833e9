/* naccsd's poll loop (issue 18, docs/PROTOCOL.md): the acceptor, the caps
 * and deadlines, one state machine per connection (conn.h) on a single
 * thread.  HELLO (and every request this build does not decide: ERROR
 * `unavailable`) is answered on the loop; a request that is decided
 * (AUTHENTICATE, ACCOUNT, AUTH_GATE: decide.h) goes to the verification
 * workers (pool.h) unless the request-id cache (replay.h) answers it, or
 * the peer is an unprivileged uid over its limits (rate.h, and
 * NACCSD_UID_JOBS below): then ERROR `busy` with retry_after_ms.  The
 * configuration in force is kept alive, counted, until the last job that
 * uses it is done (a SIGHUP may swap it meanwhile). */
#ifndef NACCSD_SERVER_H
#define NACCSD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/conf.h"
#include "caps.h" /* the caps, deadlines and limits (NACCSD_WORKERS...) */

struct naccsd_server;

/* What main.c chooses: the workers (--workers) and the deadlines
 * (NACCSD_IDLE_MS, NACCSD_FRAME_MS, NACCSD_QUEUE_MS; shorter in the tests). */
struct naccsd_options {
	unsigned workers;
	unsigned idle_ms, frame_ms, queue_ms;
	unsigned uid_burst; /* NACCSD_UID_BURST (test builds: NACCSD_TEST_UID_BURST) */
};

/* A server on listen_fd (a listening stream Unix socket; made non-blocking
 * here; the server does not own it).  cfg (malloc'd) becomes the server's
 * when it returns non-NULL; NULL when memory or a thread is short (cfg
 * stays the caller's). */
struct naccsd_server *naccsd_server_new(int listen_fd, struct naccs_config *cfg,
					const struct naccsd_options *opt);
/* cfg (malloc'd) is in force for the requests that come after; the old one
 * is freed once the last job using it is done.  -ENOMEM: nothing changed,
 * cfg stays the caller's. */
int naccsd_server_set_config(struct naccsd_server *s, struct naccs_config *cfg);
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

#endif
