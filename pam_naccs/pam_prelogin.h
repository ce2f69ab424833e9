/* What the user is shown before the first prompt and after a login
 * (pam_prelogin.c). */
#ifndef PAM_NACCS_PRELOGIN_H
#define PAM_NACCS_PRELOGIN_H

#include <security/pam_modules.h>

#include <stdbool.h>

#include "config/conf.h"
#include "policy/policy.h"

/* The banner and the unencrypted-channel warning for service (once per
 * PAM handle). */
void prelogin_show(pam_handle_t *pamh, const struct naccs_config *cfg, const char *service);
/* The login notices of d->notice (none when quiet). */
void prelogin_notices(pam_handle_t *pamh, const struct naccs_config *cfg, bool quiet,
		      const struct naccs_decision *d);

#endif
