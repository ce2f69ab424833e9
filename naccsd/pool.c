/* naccsd's verification workers (pool.h). */
#include "config.h"

#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "caps.h"

struct worker {
	pthread_t thread;
	struct naccsd_pool *pool;
	/* Its own messages (about 66 KB each): one per worker, not per job. */
	struct naccs_msg *req, *resp;
	bool started;
};

struct naccsd_pool {
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct naccsd_job *head, *tail; /* the queue, oldest first */
	size_t queued;
	struct naccsd_job *done;
	bool stop;
	naccsd_work_fn run;
	int efd;
	unsigned n;
	struct worker *w;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct naccsd_pool *p = w->pool;
	const uint64_t one = 1;

	for (;;) {
		struct naccsd_job *job;

		pthread_mutex_lock(&p->lock);
		while (!p->stop && p->head == NULL)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		job = p->head;
		p->head = job->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->queued--;
		job->next = NULL;
		job->state = NACCSD_JOB_RUNNING;
		pthread_mutex_unlock(&p->lock);

		p->run(job, w->req, w->resp);

		pthread_mutex_lock(&p->lock);
		job->state = NACCSD_JOB_DONE;
		job->next = p->done;
		p->done = job;
		pthread_mutex_unlock(&p->lock);
		/* The counter cannot overflow: the loop reads it every turn. */
		while (write(p->efd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
}

struct naccsd_pool *naccsd_pool_new(unsigned workers, naccsd_work_fn work)
{
	struct naccsd_pool *p;
	unsigned i;

	if (workers == 0 || workers > NACCSD_WORKERS_MAX)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->w = calloc(workers, sizeof(*p->w));
	if (p->efd < 0 || p->w == NULL) {
		naccsd_log(LOG_ERR, "workers: no eventfd or memory: %m");
		if (p->efd >= 0)
			close(p->efd);
		free(p->w);
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	p->n = workers;
	p->run = work;
	for (i = 0; i < workers; i++) {
		struct worker *w = &p->w[i];
		int rc;

		w->pool = p;
		w->req = naccs_msg_new();
		w->resp = naccs_msg_new();
		if (w->req == NULL || w->resp == NULL) {
			naccsd_log(LOG_ERR, "workers: out of memory");
			break;
		}
		/* The signals main handles stay blocked here (inherited). */
		rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc != 0) {
			errno = rc;
			naccsd_log(LOG_ERR, "workers: cannot start a thread: %m");
			break;
		}
		w->started = true;
	}
	if (i < workers) {
		naccsd_pool_free(p);
		return NULL;
	}
	return p;
}

int naccsd_pool_fd(const struct naccsd_pool *p)
{
	return p->efd;
}

int naccsd_pool_submit(struct naccsd_pool *p, struct naccsd_job *job, size_t max)
{
	pthread_mutex_lock(&p->lock);
	if (p->queued >= max) {
		pthread_mutex_unlock(&p->lock);
		return -EAGAIN;
	}
	job->state = NACCSD_JOB_QUEUED;
	job->next = NULL;
	if (p->tail != NULL)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	p->queued++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

bool naccsd_pool_cancel(struct naccsd_pool *p, struct naccsd_job *job)
{
	struct naccsd_job **pp, *prev = NULL;
	bool taken = false;

	pthread_mutex_lock(&p->lock);
	if (job->state == NACCSD_JOB_QUEUED) {
		for (pp = &p->head; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
			if (*pp != job)
				continue;
			*pp = job->next;
			if (p->tail == job)
				p->tail = prev;
			p->queued--;
			job->next = NULL;
			job->state = NACCSD_JOB_DONE;
			taken = true;
			break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return taken;
}

struct naccsd_job *naccsd_pool_take_done(struct naccsd_pool *p)
{
	struct naccsd_job *list;
	uint64_t n;

	while (read(p->efd, &n, sizeof(n)) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&p->lock);
	list = p->done;
	p->done = NULL;
	pthread_mutex_unlock(&p->lock);
	return list;
}

void naccsd_pool_free(struct naccsd_pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n; i++) {
		if (p->w[i].started)
			pthread_join(p->w[i].thread, NULL);
		naccs_msg_free(p->w[i].req);
		naccs_msg_free(p->w[i].resp);
	}
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	close(p->efd);
	free(p->w);
	free(p);
}
