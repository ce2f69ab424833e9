/* Private to pam_naccs.so: one wrong password counts once per handle and
 * per generation of the ID (issue #16). */
#ifndef PAM_NACCS_ONCE_H
#define PAM_NACCS_ONCE_H

#include <stdbool.h>
#include <stddef.h>

#include <security/pam_modules.h>

/* The ID's failure/lock generation now, into gen (naccs_lockout_generation):
 * 0, or < 0 when it cannot be read (then nothing counts as a repeat). */
typedef int (*pam_once_gen_fn)(void *ctx, char *gen, size_t len);

/* The PAM code the first failure with this name and token answered
 * (PAM_AUTH_ERR, or PAM_USER_UNKNOWN for a name that is no ID here), or
 * PAM_SUCCESS when there was none in this handle.  An entry remembered with
 * a generation repeats only while gen_fn gives the same one; gen_fn NULL
 * (the helper's side, which cannot read the store) matches only entries
 * remembered without one. */
int pam_once_already_failed(pam_handle_t *pamh, const char *user, const char *tok,
			    pam_once_gen_fn gen_fn, void *ctx);
/* Remember a wrong password that a real verification found (or a name that
 * is no ID here), with the generation it holds for (NULL: none). */
void pam_once_remember_failure(pam_handle_t *pamh, const char *user, const char *tok, int code,
			       const char *generation);

/* Through naccsd (pam_client.c), which compares generations itself: the
 * generation remembered with a failure of this name and token in this
 * handle, into gen (len bytes): true, or false when there is none (another
 * name or token, or none remembered with a generation). */
bool pam_once_prior_generation(pam_handle_t *pamh, const char *user, const char *tok, char *gen,
			       size_t len);

#endif
