/* pam_sm_authenticate and pam_sm_acct_mgmt through naccs_chkpwd
 * (pam_chkpwd.c). */
#ifndef PAM_NACCS_CHKPWD_H
#define PAM_NACCS_CHKPWD_H

#include <stdbool.h>

#include <security/pam_modules.h>

/* Authentication and the account phase through naccs_chkpwd
 * when this process is neither root nor the store's owner (the owner the
 * arguments name). */
bool pam_chkpwd_needed(int argc, const char **argv);
int pam_chkpwd_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv);
int pam_chkpwd_account(pam_handle_t *pamh, int flags, int argc, const char **argv);

#endif
