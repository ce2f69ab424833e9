/* What the attack tests (test_attacks.c, test_attacks_load.c; issue 18,
 * "Attacks") share: IDs issued in the service's store, children that drop
 * to an ID's uid (an unprivileged peer, as a screen locker is), the store's
 * failure rows and the trail's lines counted, raw answers compared byte
 * for byte. */
#ifndef NACCS_NACCSD_ATTACKS_H
#define NACCS_NACCSD_ATTACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fixture.h"

#define AT_GOOD	 "Correct-Horse-42"
#define AT_WRONG "wrong-password-1"

/* Under $NACCS_VALGRIND (the service ~50 times slower). */
bool at_valgrind(void);
/* Issue an ID with AT_GOOD in f's store, uid AT_UID_BASE + number; its
 * uid. */
#define AT_UID_BASE 28700u
uint32_t at_issue(const struct fx *f, const char *number, const char *login);
/* The failure rows the store holds for login (raw SQLite, read-only). */
long at_failures(const struct fx *f, const char *login);
/* Wait (ms at most) until the store holds at least n failures of login;
 * how many it holds then. */
long at_wait_failures(const struct fx *f, const char *login, long n, unsigned ms);
/* The trail's lines of a wrong password for login. */
long at_trail_wrong(const struct fx *f, const char *login);
/* fn(f, arg) in a child that dropped to uid (gid 65534): its wait status. */
int at_as_uid(const struct fx *f, uid_t uid, int (*fn)(const struct fx *f, void *arg), void *arg);
/* One request of type for user (password: unless NULL; id: fresh when
 * NULL) on fd; its answer's body into buf (NACCS_PROTO_FRAME_MAX bytes)
 * with the request id zeroed: its outcome, -2 for an ERROR (code into
 * code[32]), -1 when no answer came.  No cmocka: for children. */
int at_ask_raw(int fd, uint16_t type, const char *user, const char *password, const uint8_t *id,
	       uint8_t *buf, size_t *len, char *code);
/* The same with the user field's value replaced by the raw bytes user
 * (ulen of them: bad UTF-8, over-long), which the codec refuses to set. */
int at_ask_bytes(int fd, uint16_t type, const char *user, size_t ulen, uint8_t *buf, size_t *len,
		 char *code);

#endif
