/* Private to pam_naccs.so: one wrong password counts once per handle. */
#ifndef PAM_NACCS_ONCE_H
#define PAM_NACCS_ONCE_H

#include <security/pam_modules.h>

/* The PAM code the first failure with this name and token answered
 * (PAM_AUTH_ERR, or PAM_USER_UNKNOWN for a name that is no ID here), or
 * PAM_SUCCESS when there was none in this handle. */
int pam_once_already_failed(pam_handle_t *pamh, const char *user, const char *tok);
void pam_once_remember_failure(pam_handle_t *pamh, const char *user, const char *tok, int code);

#endif
