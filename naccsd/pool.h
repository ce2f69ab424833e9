/* naccsd's verification workers (issue 18, docs/NACCSD-PLAN.md): the flood
 * cap.  W threads take jobs from one queue; each job is one request whose
 * frame is complete (a connection in NACCSD_CONN_QUEUED), decided by the
 * work function (answer.h's naccsd_answer_job) on the worker, never on the
 * poll loop.  Only
 * W decisions (W argon2 regions) run at once: memory = W x the hash's
 * memory; the rest wait in the queue, whose deadline the loop keeps
 * (naccsd_pool_cancel, then ERROR `busy`).
 *
 * The job's memory is the loop's: it builds a job, submits it, and gets it
 * back through naccsd_pool_take_done once the eventfd naccsd_pool_fd
 * (polled by the loop) is readable.  Between submit and take_done the
 * worker owns the fields marked so.  Thread-safe between the loop and the
 * workers; the loop is one thread. */
#ifndef NACCSD_POOL_H
#define NACCSD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/time.h"
#include "config/conf.h"
#include "decide.h"
#include "proto/message.h"

struct naccsd_conn;
struct naccsd_cfg;

enum naccsd_job_state {
	NACCSD_JOB_QUEUED,
	NACCSD_JOB_RUNNING,
	NACCSD_JOB_DONE, /* decided, or taken back from the queue */
};

struct naccsd_job {
	/* The loop's, set before submit. */
	struct naccsd_conn *conn;    /* NULL once its connection is gone */
	struct naccsd_job *inflight; /* the loop's list of jobs not yet taken back */
	struct naccsd_cfg *cfg_ref;  /* the configuration kept alive for it */
	const struct naccs_config *cfg;
	struct naccsd_peer peer;
	uint16_t type;
	uint8_t request_id[NACCS_PROTO_ID_LEN];
	uint8_t *frame; /* the request's body (wiped and freed by the worker) */
	size_t frame_len;
	/* The worker's, read by the loop after take_done. */
	uint8_t *out; /* the response frame (length included); NULL: none */
	size_t out_len;
	uint8_t *replay; /* the same with `replayed` set, for the id cache; or NULL */
	size_t replay_len;
	unsigned hold_ms; /* the fail delay before out is written */
	bool close_after; /* an ERROR that ends the connection */
	/* The pool's, under its lock. */
	enum naccsd_job_state state;
	struct naccsd_job *next;
};

struct naccsd_pool;

/* What a worker does with a job; req and resp are the worker's own. */
typedef void (*naccsd_work_fn)(struct naccsd_job *job, struct naccs_msg *req,
			       struct naccs_msg *resp);

/* workers threads (1..NACCSD_WORKERS_MAX) doing work, started here.  NULL
 * when a thread or memory cannot be had (what failed is logged). */
struct naccsd_pool *naccsd_pool_new(unsigned workers, naccsd_work_fn work);
/* The descriptor to poll (POLLIN: jobs are done). */
int naccsd_pool_fd(const struct naccsd_pool *p);
/* Queue job; -EAGAIN when max jobs are queued already. */
int naccsd_pool_submit(struct naccsd_pool *p, struct naccsd_job *job, size_t max);
/* Take job back if no worker has started it (true: it is DONE, undecided). */
bool naccsd_pool_cancel(struct naccsd_pool *p, struct naccsd_job *job);
/* The finished jobs (a list through ->next), emptying the pool's list and
 * the eventfd; NULL when there are none. */
struct naccsd_job *naccsd_pool_take_done(struct naccsd_pool *p);
/* Stop: the workers finish the job under way (not the queued ones) and are
 * joined.  Jobs stay the caller's. */
void naccsd_pool_free(struct naccsd_pool *p);

#endif
