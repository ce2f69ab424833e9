/* What the store's dispatcher shares between its files (store.c: open,
 * close and the read transactions; valid.c: the checks and the common
 * start and end of every call; identity.c,
 * login.c, group.c: the entry points by topic).  Private to common/store/
 * (a backend sees only store/backend.h). */
#ifndef NACCS_STORE_INTERNAL_H
#define NACCS_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/time.h"
#include "store/backend.h"
#include "store/store.h"

struct naccs_store {
	const struct naccs_store_backend *be;
	void *impl;
	unsigned default_ms;
};

/* ---- valid.c: the checks ---------------------------------------------- */

/* A successful call leaves no message behind. */
int store_finish(int rc, struct naccs_err *err);
/* Common start of every call: a handle, a valid login (when one is
 * needed), and time left.  Resolves a deadline of 0 to the default. */
int store_enter(struct naccs_store *st, naccs_deadline_t *dl, const char *login, bool needs_login,
		struct naccs_err *err);

/* s is a NUL-terminated string of fewer than size bytes without controls. */
bool store_text_ok(const char *s, size_t size);
/* A PHC string: $alg$params$salt$hash, printable ASCII without spaces. */
bool store_phc_ok(const char *phc);
/* Registry event names: lower-case words joined by '-'. */
bool store_event_ok(const char *ev);
/* An identity returned by the backend: the same rules as for input. */
int store_check_stored_identity(const struct naccs_identity *id, struct naccs_err *err);
/* A found identity checked (cleared on failure), and store_finish. */
int store_checked_identity(int rc, struct naccs_identity *out, struct naccs_err *err);
/* -EINVAL with "credential store: what". */
int store_bad_arg(struct naccs_err *err, const char *what);
int store_check_login(const char *login, struct naccs_err *err);
/* A login event from PAM items, cleaned into out (a time of 0: now). */
int store_clean_event(const struct naccs_login_event *in, struct naccs_login_event *out,
		      struct naccs_err *err);
/* Free text recorded in the registry: NULL reads as "". */
int store_check_reason(const char *reason, struct naccs_err *err);
/* Who acts: an administrator's or a user's name, never empty. */
int store_check_actor(const char *by, struct naccs_err *err);
int store_check_phc(const char *phc, struct naccs_err *err);
/* A NACCS user ID as the store holds it (upper case), or -EINVAL. */
int store_normal_pair(const struct naccs_user_id *in, struct naccs_user_id *out,
		      struct naccs_err *err);
/* A new identity: its fields, and its uid in [uid_min, uid_max]. */
int store_check_new_identity(const struct naccs_identity *id, uint32_t uid_min, uint32_t uid_max,
			     struct naccs_err *err);
int store_check_group_name(const char *name, struct naccs_err *err);

#endif
