/* naccsd's per-uid verification rate (rate.h). */
#include "config.h"

#include "rate.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/time.h"

/* A token is UNIT units; a bucket gains per_min units a millisecond. */
#define UNIT	  60000
#define WINDOW_MS 60000

struct bucket {
	bool used;
	uid_t uid;
	int64_t units, at_ms; /* at_ms: when units was last brought up to date */
	int64_t quiet_until;  /* no refusal logged before (mono ms) */
};

struct naccsd_rate {
	struct bucket *b;
	size_t max;
	int64_t per_min, cap;
};

struct naccsd_rate *naccsd_rate_new(size_t max_uids, unsigned per_min, unsigned burst)
{
	struct naccsd_rate *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->b = calloc(max_uids, sizeof(*r->b));
	if (r->b == NULL) {
		free(r);
		return NULL;
	}
	r->max = max_uids;
	r->per_min = per_min;
	r->cap = (int64_t)burst * UNIT;
	return r;
}

void naccsd_rate_free(struct naccsd_rate *r)
{
	if (r == NULL)
		return;
	free(r->b);
	free(r);
}

static void refill(const struct naccsd_rate *r, struct bucket *b, int64_t now)
{
	if (now > b->at_ms) {
		b->units += (now - b->at_ms) * r->per_min;
		if (b->units > r->cap)
			b->units = r->cap;
	}
	b->at_ms = now;
}

static struct bucket *find(struct naccsd_rate *r, uid_t uid, int64_t now)
{
	struct bucket *spare = NULL;
	size_t i;

	for (i = 0; i < r->max; i++) {
		struct bucket *b = &r->b[i];

		if (b->used && b->uid == uid)
			return b;
		if (spare != NULL)
			continue;
		if (b->used)
			refill(r, b, now);
		/* A full bucket holds nothing worth keeping. */
		if (!b->used || (b->units >= r->cap && now >= b->quiet_until))
			spare = b;
	}
	if (spare != NULL)
		*spare = (struct bucket){.used = true, .uid = uid, .units = r->cap, .at_ms = now};
	return spare;
}

unsigned naccsd_rate_take(struct naccsd_rate *r, uid_t uid, bool *log_it)
{
	int64_t now = naccs_now_mono_ms(), wait;
	struct bucket *b = find(r, uid, now);

	*log_it = false;
	if (b == NULL)
		return 1000; /* no bucket free: refused (the server's count says so) */
	refill(r, b, now);
	if (b->units >= UNIT) {
		b->units -= UNIT;
		return 0;
	}
	if (now >= b->quiet_until) {
		*log_it = true;
		b->quiet_until = now + WINDOW_MS;
	}
	wait = r->per_min > 0 ? (UNIT - b->units + r->per_min - 1) / r->per_min : WINDOW_MS;
	return wait < 1 ? 1 : (unsigned)wait;
}
