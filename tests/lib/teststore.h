/* A fresh credential store per test, and shared IDs added to it: the
 * fixture of the store tests that need nothing more. */
#ifndef NACCS_TESTSTORE_H
#define NACCS_TESTSTORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "store/store.h"

struct tst_fx {
	char *dir;
	struct naccs_store *st;
};

/* Open the store at path for owner (create: make it when it is not
 * there), 5 s timeout; fails the test when it cannot. */
struct naccs_store *tst_open_store(const char *path, uid_t owner, bool create);

/* cmocka set-up and tear-down: *state becomes a struct tst_fx with a new
 * store in a temporary directory named after tag. */
int tst_store_setup(void **state, const char *tag);
int tst_store_teardown(void **state);
/* A store fixture's end: close st, remove dir with everything in it and
 * free it. */
void tst_close_dir(struct naccs_store *st, char *dir);

/* Fill id for an ID to add: individual when code is not "" (code and
 * number its user code and identifying number), else shared; uid
 * NACCS_UID_ALLOCATE or a given one, gid 100, home /home/LOGIN, gecos and
 * shell as given (NULL: empty); everything else zero. */
void tst_identity(struct naccs_identity *id, const char *login, const char *code,
		  const char *number, uint32_t uid, const char *gecos, const char *shell);

/* Add an ID with a fixed (cheap argon2id) stored hash that must be
 * changed: individual when code is not "" (code and number its user code
 * and identifying number), else shared; gecos, home /home/LOGIN, shell
 * /bin/bash, gid 100, uid NACCS_UID_ALLOCATE or a given one (range
 * 20000-29999). */
int tst_add_fixed(struct naccs_store *st, const char *login, const char *code, const char *number,
		  uint32_t uid, const char *gecos, struct naccs_err *err);
/* A shared one (tst_add_fixed without code, number or gecos); the must_
 * form fails the test on error. */
int tst_add_shared(struct naccs_store *st, const char *login, uint32_t uid, struct naccs_err *err);
void tst_must_add_shared(struct naccs_store *st, const char *login, uint32_t uid);

/* Add an ID with password (hashed with cheap argon2id parameters): an
 * individual one when code is not "" (code and number its user code and
 * identifying number), else a shared one; admin marks it admin.  uid
 * NACCS_UID_ALLOCATE or a given one (range 20000-29999); fails the test on
 * error; returns the uid. */
uint32_t tst_must_add_id(struct naccs_store *st, const char *password, const char *code,
			 const char *number, const char *login, uint32_t uid, bool admin);

#endif
