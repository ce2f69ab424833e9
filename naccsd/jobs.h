/* naccsd's decisions in flight (issue 18): what stands between a request
 * the loop has read and the workers (pool.h).  It holds the configuration
 * in force (counted: each job keeps the one it started with alive, however
 * many SIGHUPs come meanwhile), the jobs submitted and not yet taken back,
 * the request-id cache (replay.h) and the per-uid rates (rate.h).  The
 * loop's alone, but for the workers inside the pool. */
#ifndef NACCSD_JOBS_H
#define NACCSD_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/time.h"
#include "config/conf.h"
#include "conn.h"
#include "pool.h"
#include "proto/message.h"

struct naccsd_jobs;

/* workers threads; cfg (malloc'd) becomes the jobs' when it returns
 * non-NULL.  NULL when memory or a thread is short. */
struct naccsd_jobs *naccsd_jobs_new(struct naccs_config *cfg, unsigned workers, unsigned uid_burst);
/* cfg (malloc'd) for the jobs that start after; the old one is freed with
 * its last job.  -ENOMEM: nothing changed, cfg stays the caller's. */
int naccsd_jobs_set_config(struct naccsd_jobs *j, struct naccs_config *cfg);
/* The workers stop (the decisions under way end first); every job freed. */
void naccsd_jobs_free(struct naccsd_jobs *j);
/* To poll: readable when naccsd_jobs_take_done has jobs. */
int naccsd_jobs_fd(const struct naccsd_jobs *j);

/* What became of a request offered to the workers. */
struct naccsd_admit {
	enum {
		NACCSD_ADMIT_QUEUED, /* c->job set: a worker will answer */
		NACCSD_ADMIT_KEPT,   /* out: the kept answer of the same id, held until release */
		NACCSD_ADMIT_BUSY,   /* answer ERROR busy: why, retry_ms (0: the default) */
	} what;
	uint8_t *out;
	size_t len;
	naccs_deadline_t release;
	const char *why;
	unsigned retry_ms;
};

/* c's request req (decoded from frame, which is taken in every case: queued
 * with the job or wiped).  -ENOMEM: none of these (close c). */
int naccsd_jobs_admit(struct naccsd_jobs *j, struct naccsd_conn *c, const struct naccs_msg *req,
		      uint8_t *frame, size_t len, struct naccsd_admit *a);
/* c's job waited its queue deadline (or c is going): true when no worker
 * had started it (freed, never decided; c->job cleared); false: under way
 * (when c is going, its answer still reaches the id cache). */
bool naccsd_jobs_cancel(struct naccsd_jobs *j, struct naccsd_conn *c, bool conn_going);
/* The finished jobs (a list through ->next): the kept answers are in the
 * id cache already; job->conn (if still there) gets job->out.  Give each
 * back with naccsd_jobs_release. */
struct naccsd_job *naccsd_jobs_take_done(struct naccsd_jobs *j);
void naccsd_jobs_release(struct naccsd_jobs *j, struct naccsd_job *job);
/* Each loop turn: the expired kept answers wiped and dropped. */
void naccsd_jobs_tick(struct naccsd_jobs *j);

#endif
