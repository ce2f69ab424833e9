/* naccsd's caps, deadlines and limits (issue 18): constants every part of
 * the service reads (a header with no source, so that it includes nothing
 * of the service's and loops with none of it). */
#ifndef NACCSD_CAPS_H
#define NACCSD_CAPS_H

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

/* The verification workers (--workers N): decisions running at once, so
 * the memory of the hashes is at most this many times [hash] memory_kib. */
#define NACCSD_WORKERS	   4
#define NACCSD_WORKERS_MAX 64
/* A request waits at most this long for a worker; then ERROR `busy` (never
 * a decision).  Test builds: NACCSD_TEST_QUEUE_MS. */
#define NACCSD_QUEUE_MS 10000
/* The most requests waiting for a worker; beyond, ERROR `busy`. */
#define NACCSD_QUEUE_MAX NACCSD_CONN_MAX
/* An unprivileged uid's verifications (AUTHENTICATE, PASSWORD_*): this
 * many a minute, with a burst of NACCSD_UID_BURST (a token bucket, rate.h);
 * beyond: ERROR `busy` with the wait, counted nowhere, logged once a
 * minute per uid.  Root peers are not limited per uid. */
#define NACCSD_UID_RATE_PER_MIN 10
#define NACCSD_UID_BURST	5
/* The most requests of one unprivileged uid queued or running at once, so
 * that one user's loop cannot take the workers from other users' logins. */
#define NACCSD_UID_JOBS 1
/* How many uids' buckets are remembered. */
#define NACCSD_UID_MAX 1024
/* A decision that counts is kept this long, at most NACCSD_REPLAY_MAX of
 * them: a repeat of its request_id from the same uid gets the same answer
 * with `replayed` set (replay.h). */
#define NACCSD_REPLAY_MS  300000
#define NACCSD_REPLAY_MAX 1024

/* The server version HELLO reports. */
#define NACCSD_SERVER_VERSION PACKAGE_NAME " " PACKAGE_VERSION

#endif
