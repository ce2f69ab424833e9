/* What a user is told when they come in (UTS-2.2.1.1(1)(g)(イ), (ウ)) and
 * before they type a password on a channel without encryption
 * (UTS-2.2.1.1(1)(b)(ウ)).  Texts only: the PAM module shows them as
 * PAM_TEXT_INFO, in the user's locale, dates in local time with the zone. */
#ifndef NACCS_NOTICE_H
#define NACCS_NOTICE_H

#include <stdbool.h>
#include <stddef.h>

#include "config/conf.h"
#include "store/store.h"

#define NACCS_NOTICE_MAX 512

/* "Last login: DATE from HOST on TTY" into last, and "N failed login
 * attempts since your last login; the last from HOST at DATE" into
 * failures; "" for what is not to be shown (first login, no failures, or
 * turned off in [notice]). */
void naccs_notice_format(const struct naccs_config *cfg, const struct naccs_login_notice *n,
			 char last[NACCS_NOTICE_MAX], char failures[NACCS_NOTICE_MAX]);

/* Is service one of [notice] unencrypted_services? */
bool naccs_notice_unencrypted(const struct naccs_config *cfg, const char *service);
/* Is service one of [session] sessionless_services?  Its logins count when
 * auth and account both succeed with no change pending; any other
 * service's when its session opens (issue #16). */
bool naccs_notice_sessionless(const struct naccs_config *cfg, const char *service);
/* The warning shown before the password prompt on such a service. */
const char *naccs_notice_unencrypted_text(void);
/* The same warning when a password is set or changed on such a service
 * (pam_sm_chauthtok): do not choose one used elsewhere. */
const char *naccs_notice_unencrypted_change_text(void);

#endif
