/* naccsd's per-uid verification rate for unprivileged peers (issue 18,
 * docs/PROTOCOL.md "per-uid limits"): a token bucket per uid, per_min
 * verifications (AUTHENTICATE, PASSWORD_*) a minute with a burst of burst,
 * so that one user's loop of own-password checks cannot take the workers
 * from other users' logins (the slot starvation the setuid helper
 * suffered).  Root peers are not counted here.  At most max_uids buckets:
 * a full (refilled) bucket is forgotten when its slot is wanted; when none
 * is, the newcomer is refused (fails safe).  The loop's alone. */
#ifndef NACCSD_RATE_H
#define NACCSD_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct naccsd_rate;

struct naccsd_rate *naccsd_rate_new(size_t max_uids, unsigned per_min, unsigned burst);
void naccsd_rate_free(struct naccsd_rate *r);
/* One verification for uid: 0 when taken, else the ms until one can be
 * (nothing taken); *log_it: this is the uid's first refusal in a minute. */
unsigned naccsd_rate_take(struct naccsd_rate *r, uid_t uid, bool *log_it);

#endif
