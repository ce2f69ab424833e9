/* Which ID a typed name means: the one resolver used by the PAM module,
 * naccsctl and (later) the NSS module, so that every program reads a name
 * the same way.
 *
 * The precedence, documented once here:
 *   1. an exact login match (as stored, case-sensitive), then
 *   2. a NACCS user ID form ("ABCDE001", "ABCDE-001", any case) through the
 *      (user code, identifying number) pair.
 * So a shared ID whose login happens to read as a NACCS form (e.g.
 * "opsadmin" reads as OPSAD-MIN) is still found by its login.  Issuing never
 * lets the two readings of one name point at two different IDs (the store
 * refuses such a login or pair, see naccs_store_add_identity); a store made
 * before that rule may still hold such a pair, and then the login wins and
 * *ambiguous says so, for the log. */
#ifndef NACCS_RESOLVE_H
#define NACCS_RESOLVE_H

#include <stdbool.h>

#include "base/err.h"
#include "store/store.h"

/* A name longer than this is hostile input, not a login. */
#define NACCS_NAME_INPUT_MAX 128

/* 0 with *out; -ENOENT (no such ID); -EINVAL (neither a valid login nor a
 * NACCS form: nothing was looked up); or an unavailable -errno.  Always one
 * store transaction for a name that is looked up at all.  ambiguous may be
 * NULL. */
int naccs_resolve_name(struct naccs_store *st, naccs_deadline_t dl, const char *name,
		       struct naccs_identity *out, bool *ambiguous, struct naccs_err *err);

#endif
