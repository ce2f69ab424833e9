/* Private to pam_naccs.so: one wrong password counts once per handle. */
#ifndef PAM_NACCS_ONCE_H
#define PAM_NACCS_ONCE_H

#include <stdbool.h>

#include <security/pam_modules.h>

bool pam_once_already_failed(pam_handle_t *pamh, const char *user, const char *tok);
void pam_once_remember_failure(pam_handle_t *pamh, const char *user, const char *tok);

#endif
