/* naccsctl as a client of naccsd (issue 18, docs/NACCSD-PLAN.md step 5):
 * the changes of an ID's state (user lock, unlock, suspend, unsuspend,
 * expire, retire, staff-number), the reset (user passwd) and the group
 * changes (group add, del, member add and remove) go to the service, the
 * one writer of the store and the trail, when it is reachable.
 *
 * The rule (also in naccsctl --help and docs/ADMIN.md):
 *  - the socket is --socket PATH, else $NACCSCTL_SOCKET, else naccsd's own
 *    (CTL_SOCKET_DEFAULT) -- the last only when naccsctl uses the system's
 *    configuration (no --conf, --store or --set: another store is not the
 *    service's);
 *  - nothing listens there (no socket: the service is stopped, or a socket
 *    left behind): naccsctl applies the change itself, as it always did
 *    (offline; the same code, policy/admin.h);
 *  - the service answers: its answer is the outcome; naccsctl never falls
 *    back to writing itself after that (one writer);
 *  - init, upgrade and store check never use the service: they work with
 *    it stopped, init and upgrade under the store's lock held exclusively
 *    (policy/admin_lock.h), which the service respects. */
#ifndef NACCSCTL_CTL_CLIENT_H
#define NACCSCTL_CTL_CLIENT_H

#include "policy/admin.h"
#include "ctl.h"

#define CTL_SOCKET_DEFAULT "/run/naccs/naccsd.sock"
/* How long naccsctl waits for the service's answer. */
#define CTL_CLIENT_DEADLINE_MS 30000

/* The socket to use by the rule above, or NULL: offline. */
const char *ctl_client_socket(const struct ctl_ctx *ctx);

/* Send c to the service.  1: answered, *out holds the outcome (out->id's
 * login and uid when the service named the ID; info lines printed as
 * warnings); 0: nothing listens (apply it offline); else an exit code
 * with the message printed (the service refused the request, or broke
 * off: nothing is known of the change). */
int ctl_client_admin(const struct ctl_ctx *ctx, const struct naccs_admin_change *c,
		     struct naccs_admin_outcome *out);

#endif
