/* naccsd's decisions in flight (jobs.h). */
#include "config.h"

#include "jobs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "answer.h"
#include "base/secret.h"
#include "proto/schema.h"
#include "rate.h"
#include "replay.h"
#include "log.h"
#include "caps.h"

/* A configuration and its holders: the jobs (while in force, one more). */
struct naccsd_cfg {
	struct naccs_config *cfg;
	unsigned refs;
};

struct naccsd_jobs {
	struct naccsd_pool *pool;
	struct naccsd_job *inflight; /* submitted, not yet released */
	struct naccsd_cfg *cfg;	     /* in force */
	struct naccsd_replay *replay;
	struct naccsd_rate *rate;
	unsigned uid_burst;
};

static void cfg_put(struct naccsd_cfg *h)
{
	if (h == NULL || --h->refs > 0)
		return;
	free(h->cfg);
	free(h);
}

int naccsd_jobs_set_config(struct naccsd_jobs *j, struct naccs_config *cfg)
{
	struct naccsd_cfg *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return -ENOMEM;
	h->cfg = cfg;
	h->refs = 1;
	cfg_put(j->cfg); /* freed now, or with the last job using it */
	j->cfg = h;
	return 0;
}

struct naccsd_jobs *naccsd_jobs_new(struct naccs_config *cfg, unsigned workers, unsigned uid_burst)
{
	struct naccsd_jobs *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->uid_burst = uid_burst;
	j->replay = naccsd_replay_new(NACCSD_REPLAY_MAX, NACCSD_REPLAY_MS);
	j->rate = naccsd_rate_new(NACCSD_UID_MAX, NACCSD_UID_RATE_PER_MIN, uid_burst);
	j->pool = naccsd_pool_new(workers, naccsd_answer_job);
	if (j->replay == NULL || j->rate == NULL || j->pool == NULL ||
	    naccsd_jobs_set_config(j, cfg) < 0) {
		naccsd_jobs_free(j);
		return NULL;
	}
	return j;
}

static void wipe_free(uint8_t *p, size_t len)
{
	if (p != NULL)
		naccs_wipe(p, len);
	free(p);
}

void naccsd_jobs_release(struct naccsd_jobs *j, struct naccsd_job *job)
{
	struct naccsd_job **pp;

	for (pp = &j->inflight; *pp != NULL; pp = &(*pp)->inflight)
		if (*pp == job) {
			*pp = job->inflight;
			break;
		}
	wipe_free(job->frame, job->frame_len);
	wipe_free(job->out, job->out_len);
	wipe_free(job->replay, job->replay_len);
	cfg_put(job->cfg_ref);
	free(job);
}

void naccsd_jobs_free(struct naccsd_jobs *j)
{
	if (j == NULL)
		return;
	/* The decisions under way end before their jobs are freed. */
	naccsd_pool_free(j->pool);
	while (j->inflight != NULL)
		naccsd_jobs_release(j, j->inflight);
	naccsd_replay_free(j->replay);
	naccsd_rate_free(j->rate);
	cfg_put(j->cfg);
	free(j);
}

int naccsd_jobs_fd(const struct naccsd_jobs *j)
{
	return naccsd_pool_fd(j->pool);
}

static bool is_verification(uint16_t type)
{
	return type == NACCS_MSG_AUTHENTICATE || type == NACCS_MSG_PASSWORD_BEGIN ||
	       type == NACCS_MSG_PASSWORD_CHANGE;
}

static int refuse(struct naccsd_admit *a, uint8_t *frame, size_t len, const char *why,
		  unsigned retry_ms)
{
	wipe_free(frame, len);
	a->what = NACCSD_ADMIT_BUSY;
	a->why = why;
	a->retry_ms = retry_ms;
	return 0;
}

int naccsd_jobs_admit(struct naccsd_jobs *j, struct naccsd_conn *c, const struct naccs_msg *req,
		      uint8_t *frame, size_t len, struct naccsd_admit *a)
{
	struct naccsd_job *job;
	size_t mine = 0;
	unsigned wait;
	bool log_it;

	memset(a, 0, sizeof(*a));
	if (naccsd_replay_get(j->replay, c->uid, req->request_id, &a->out, &a->len, &a->release) ==
	    0) {
		wipe_free(frame, len);
		naccsd_log(LOG_INFO, "peer uid %lu pid %ld: a repeated request id, answered again",
			   (unsigned long)c->uid, (long)c->pid);
		a->what = NACCSD_ADMIT_KEPT;
		return 0;
	}
	for (job = j->inflight; job != NULL; job = job->inflight) {
		if (job->peer.uid != c->uid)
			continue;
		mine++;
		/* Never decided twice: the first's answer will be kept. */
		if (memcmp(job->request_id, req->request_id, NACCS_PROTO_ID_LEN) == 0)
			return refuse(a, frame, len, "this request id is being decided", 0);
	}
	if (c->uid != 0 && mine >= NACCSD_UID_JOBS)
		return refuse(a, frame, len, "a request of this uid is under way", 0);
	if (c->uid != 0 && is_verification(req->type) &&
	    (wait = naccsd_rate_take(j->rate, c->uid, &log_it)) > 0) {
		if (log_it)
			naccsd_log(LOG_WARNING,
				   "uid %lu over its verification rate (%d a minute, burst %d): "
				   "refused, counted nowhere (not logged again this minute)",
				   (unsigned long)c->uid, NACCSD_UID_RATE_PER_MIN, j->uid_burst);
		return refuse(a, frame, len, "too many verifications for this uid", wait);
	}
	job = calloc(1, sizeof(*job));
	if (job == NULL) {
		wipe_free(frame, len);
		naccsd_log(LOG_ERR, "out of memory for a job");
		return -ENOMEM;
	}
	job->conn = c;
	job->cfg_ref = j->cfg;
	j->cfg->refs++;
	job->cfg = j->cfg->cfg;
	job->peer = (struct naccsd_peer){.uid = c->uid, .pid = c->pid};
	job->type = req->type;
	memcpy(job->request_id, req->request_id, NACCS_PROTO_ID_LEN);
	job->frame = frame;
	job->frame_len = len;
	if (naccsd_pool_submit(j->pool, job, NACCSD_QUEUE_MAX) < 0) {
		naccsd_jobs_release(j, job);
		return refuse(a, NULL, 0, "the workers' queue is full", 0);
	}
	job->inflight = j->inflight;
	j->inflight = job;
	c->job = job;
	a->what = NACCSD_ADMIT_QUEUED;
	return 0;
}

bool naccsd_jobs_cancel(struct naccsd_jobs *j, struct naccsd_conn *c, bool conn_going)
{
	struct naccsd_job *job = c->job;

	if (job == NULL)
		return true;
	if (conn_going)
		job->conn = NULL;
	if (!naccsd_pool_cancel(j->pool, job))
		return false;
	c->job = NULL;
	naccsd_jobs_release(j, job);
	return true;
}

struct naccsd_job *naccsd_jobs_take_done(struct naccsd_jobs *j)
{
	struct naccsd_job *list = naccsd_pool_take_done(j->pool), *job;

	for (job = list; job != NULL; job = job->next) {
		if (job->replay == NULL)
			continue;
		/* Kept whether its connection is still there or not: a client
		 * that lost it asks again with the same id. */
		naccsd_replay_put(j->replay, job->peer.uid, job->request_id, job->replay,
				  job->replay_len,
				  job->hold_ms > 0 ? naccs_deadline_in(job->hold_ms) : 0);
		job->replay = NULL;
	}
	naccsd_replay_sweep(j->replay);
	return list;
}

void naccsd_jobs_tick(struct naccsd_jobs *j)
{
	naccsd_replay_sweep(j->replay);
}
