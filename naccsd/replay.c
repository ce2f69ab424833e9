/* naccsd's request-id cache (replay.h). */
#include "config.h"

#include "replay.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"

struct entry {
	uint8_t *frame; /* NULL: a free slot */
	size_t len;
	uid_t uid;
	uint8_t id[NACCS_PROTO_ID_LEN];
	naccs_deadline_t expires, release;
};

struct naccsd_replay {
	struct entry *e;
	size_t max, next; /* next: the slot the next answer takes (the oldest) */
	unsigned keep_ms;
	naccs_deadline_t next_sweep;
};

struct naccsd_replay *naccsd_replay_new(size_t max, unsigned keep_ms)
{
	struct naccsd_replay *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->e = calloc(max, sizeof(*r->e));
	if (r->e == NULL) {
		free(r);
		return NULL;
	}
	r->max = max;
	r->keep_ms = keep_ms;
	return r;
}

static void drop(struct entry *e)
{
	if (e->frame != NULL) {
		naccs_wipe(e->frame, e->len);
		free(e->frame);
	}
	naccs_wipe(e, sizeof(*e));
}

void naccsd_replay_free(struct naccsd_replay *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->max; i++)
		drop(&r->e[i]);
	free(r->e);
	free(r);
}

void naccsd_replay_put(struct naccsd_replay *r, uid_t uid, const uint8_t *id, uint8_t *frame,
		       size_t len, naccs_deadline_t release)
{
	struct entry *e = &r->e[r->next];

	/* Answers come in time order: the slot after the newest is the oldest. */
	drop(e);
	e->frame = frame;
	e->len = len;
	e->uid = uid;
	memcpy(e->id, id, NACCS_PROTO_ID_LEN);
	e->expires = naccs_deadline_in(r->keep_ms);
	e->release = release;
	r->next = (r->next + 1) % r->max;
}

int naccsd_replay_get(struct naccsd_replay *r, uid_t uid, const uint8_t *id, uint8_t **frame,
		      size_t *len, naccs_deadline_t *release)
{
	size_t i;

	for (i = 0; i < r->max; i++) {
		struct entry *e = &r->e[i];

		if (e->frame == NULL || e->uid != uid || memcmp(e->id, id, NACCS_PROTO_ID_LEN) != 0)
			continue;
		if (naccs_deadline_left_ms(e->expires) == 0) {
			drop(e);
			return -ENOENT;
		}
		*frame = malloc(e->len);
		if (*frame == NULL)
			return -ENOMEM;
		memcpy(*frame, e->frame, e->len);
		*len = e->len;
		*release = e->release;
		return 0;
	}
	return -ENOENT;
}

void naccsd_replay_sweep(struct naccsd_replay *r)
{
	size_t i;

	if (naccs_deadline_left_ms(r->next_sweep) > 0)
		return;
	r->next_sweep = naccs_deadline_in(1000);
	for (i = 0; i < r->max; i++)
		if (r->e[i].frame != NULL && naccs_deadline_left_ms(r->e[i].expires) == 0)
			drop(&r->e[i]);
}
