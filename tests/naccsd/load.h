/* Parallel clients of naccsd for the tests (tests/naccsd/test_faults.c):
 * threads, each with its own connection. */
#ifndef NACCS_NACCSD_LOAD_H
#define NACCS_NACCSD_LOAD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "fixture.h"

/* Parallel clients, one thread and one connection each (a root peer when
 * the test is root): fill l->n and each c[i].user and .password, then
 * fx_load_start connects them all, starts them at once (each sends one
 * AUTHENTICATE and reads its answer within deadline_ms) and sets
 * l->t0. */
#define FX_CLIENTS_MAX 100
#define FX_NO_ANSWER   (-1)
struct fx_load;
struct fx_client {
	struct fx_load *l;
	const char *user, *password;
	unsigned deadline_ms;
	int fd, rc;  /* rc: 0, or -errno (-ECONNRESET: closed, -ETIMEDOUT) */
	int outcome; /* NACCS_OUT_*, or FX_NO_ANSWER (closed, or an ERROR) */
	int64_t done_ms;
};
struct fx_load {
	struct fx_client c[FX_CLIENTS_MAX];
	size_t n, answered; /* answered: read with __atomic_load_n */
	pthread_t th[FX_CLIENTS_MAX];
	pthread_barrier_t go;
	int64_t t0;
};
void fx_load_start(struct fx_load *l, const struct fx *f);
/* Wait (at most ms) until k answers arrived; how many did. */
size_t fx_load_wait(struct fx_load *l, size_t k, unsigned ms);
/* Join every client and close its connection: none timed out. */
void fx_load_join(struct fx_load *l);

#endif
