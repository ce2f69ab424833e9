/* naccsd's decisions (issue 18, docs/NACCSD-PLAN.md steps 3 and 4): a
 * decoded AUTHENTICATE, ACCOUNT, AUTH_GATE, SESSION_OPEN, SESSION_CLOSE,
 * PASSWORD_BEGIN or PASSWORD_CHANGE request becomes a struct naccs_request,
 * the policy layer decides (common/policy/policy.h, the calls the PAM
 * module makes), and the decision becomes the response: outcome, message,
 * info lines (the login notices), the canonical login, the repeat-cache
 * generation, the session's mark.  One file per family (internal.h).
 *
 * Who may ask what (docs/PROTOCOL.md), by the peer's SO_PEERCRED uid:
 *  - a root peer states the user and the invoker (invoker_uid,
 *    invoker_loginuid): taken as given;
 *  - SESSION_OPEN, SESSION_CLOSE and AUTH_GATE: root peers only;
 *  - an unprivileged peer asks only for the ID whose uid is its own uid:
 *    any other name (unknown, another ID, a retired one) gets the answer of
 *    a wrong password of its own ID (same hash cost, same fail delay),
 *    counts nothing and names nothing; a peer whose uid is no ID here gets
 *    UNKNOWN for every name (no look-up: no oracle either).  Its invoker is
 *    its uid and its /proc loginuid; its service is recorded as
 *    "naccsd-peer:NAME", so that it can never pass for sshd.
 *
 * Called on a verification worker (pool.h), several at once: no state
 * shared between calls.  The fail delay is not slept here: it is returned,
 * and the server holds the response that long without blocking anyone. */
#ifndef NACCSD_DECIDE_H
#define NACCSD_DECIDE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "config/conf.h"
#include "proto/message.h"

/* The service prefix of an unprivileged peer's requests. */
#define NACCSD_PEER_SERVICE "naccsd-peer"

struct naccsd_peer {
	uid_t uid;
	pid_t pid;
};

/* Does naccsd_decide answer requests of type?  (AUTHENTICATE, ACCOUNT,
 * AUTH_GATE, SESSION_OPEN, SESSION_CLOSE, PASSWORD_BEGIN, PASSWORD_CHANGE.) */
bool naccsd_decides(uint16_t type);

/* req: a decoded request of a type naccsd_decides.  0 with the response
 * in resp and *hold_ms (the fail delay to wait before it is written, 0:
 * none); -EPERM when this peer may not send this type (answer ERROR
 * not-allowed); another -errno when no response could be built (answer
 * ERROR unavailable). */
int naccsd_decide(const struct naccs_config *cfg, const struct naccsd_peer *peer,
		  const struct naccs_msg *req, struct naccs_msg *resp, unsigned *hold_ms,
		  struct naccs_err *err);

#endif
