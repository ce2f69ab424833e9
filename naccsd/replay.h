/* naccsd's request-id cache (issue 18, docs/PROTOCOL.md: "a request
 * repeated with the same id is answered from the record of the first and
 * never counted twice"): the encoded answers of the decisions that count
 * (answer.h, naccsd_type_kept), each with `replayed` set, keyed by the
 * peer's uid and the request_id, kept NACCSD_REPLAY_MS and at most
 * NACCSD_REPLAY_MAX of them (the oldest evicted first).  Every answer is
 * wiped when it leaves.  The loop's alone (not thread-safe). */
#ifndef NACCSD_REPLAY_H
#define NACCSD_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/time.h"
#include "proto/message.h"

struct naccsd_replay;

/* NULL when memory is short. */
struct naccsd_replay *naccsd_replay_new(size_t max, unsigned keep_ms);
void naccsd_replay_free(struct naccsd_replay *r);
/* Keep frame (len bytes; now the cache's) for uid's request id; release:
 * when the first answer was let go (its fail delay), which a repeat waits
 * for too. */
void naccsd_replay_put(struct naccsd_replay *r, uid_t uid, const uint8_t *id, uint8_t *frame,
		       size_t len, naccs_deadline_t release);
/* A copy of the kept answer (malloc'd) and its release: 0, -ENOENT (none,
 * or expired), -ENOMEM. */
int naccsd_replay_get(struct naccsd_replay *r, uid_t uid, const uint8_t *id, uint8_t **frame,
		      size_t *len, naccs_deadline_t *release);
/* Wipe and drop the expired answers (at most once a second does). */
void naccsd_replay_sweep(struct naccsd_replay *r);

#endif
