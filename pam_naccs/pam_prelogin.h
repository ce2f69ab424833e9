/* What the user is shown before the first prompt and after a login
 * (pam_prelogin.c). */
#ifndef PAM_NACCS_PRELOGIN_H
#define PAM_NACCS_PRELOGIN_H

#include <security/pam_modules.h>

#include "pam_call.h"

/* The banner and the warning (once per PAM handle), and
 * the login notices of c->d.notice (none when quiet). */
void call_prelogin(pam_handle_t *pamh, const struct call *c);
void call_notices(pam_handle_t *pamh, const struct call *c);

#endif
