/* Parallel clients of naccsd for the tests (load.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/time.h"
#include "load.h"
#include "proto/message.h"
#include "proto/schema.h"

static void *fx_client_run(void *arg)
{
	struct fx_client *c = arg;
	struct naccs_msg *m = naccs_msg_new();
	naccs_deadline_t dl;
	uint32_t o;

	c->outcome = FX_NO_ANSWER;
	c->rc = -ENOMEM;
	pthread_barrier_wait(&c->l->go);
	dl = naccs_deadline_in(c->deadline_ms);
	if (m != NULL && fx_start_ask(m, NACCS_MSG_AUTHENTICATE, c->user) == 0 &&
	    naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, c->password, NULL) == 0 &&
	    (c->rc = naccs_msg_send(c->fd, m, dl, NULL)) == 0 &&
	    (c->rc = naccs_msg_recv(c->fd, m, dl, NULL)) == 0 &&
	    m->type == (NACCS_MSG_AUTHENTICATE | NACCS_PROTO_RESPONSE) &&
	    naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &o) == 0) {
		c->outcome = (int)o;
		__atomic_add_fetch(&c->l->answered, 1, __ATOMIC_SEQ_CST);
	}
	c->done_ms = naccs_now_mono_ms();
	naccs_msg_free(m);
	return NULL;
}

void fx_load_start(struct fx_load *l, const struct fx *f)
{
	assert_true(l->n <= FX_CLIENTS_MAX);
	l->answered = 0;
	assert_int_equal(pthread_barrier_init(&l->go, NULL, (unsigned)l->n + 1), 0);
	for (size_t i = 0; i < l->n; i++) {
		l->c[i].l = l;
		l->c[i].fd = fx_connect_wait(f->sock);
	}
	for (size_t i = 0; i < l->n; i++)
		assert_int_equal(pthread_create(&l->th[i], NULL, fx_client_run, &l->c[i]), 0);
	pthread_barrier_wait(&l->go);
	l->t0 = naccs_now_mono_ms();
}

size_t fx_load_wait(struct fx_load *l, size_t k, unsigned ms)
{
	naccs_deadline_t dl = naccs_deadline_in(ms);
	size_t got;

	while ((got = __atomic_load_n(&l->answered, __ATOMIC_SEQ_CST)) < k &&
	       naccs_deadline_left_ms(dl) > 0)
		usleep(1000);
	return got;
}

void fx_load_join(struct fx_load *l)
{
	for (size_t i = 0; i < l->n; i++) {
		assert_int_equal(pthread_join(l->th[i], NULL), 0);
		close(l->c[i].fd);
		assert_int_not_equal(l->c[i].rc, -ETIMEDOUT);
	}
	pthread_barrier_destroy(&l->go);
}
