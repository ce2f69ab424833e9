/* What a user is told when they come in (UTS-2.2.1.1(1)(g)(イ), (ウ)) and
 * before they type a password on a channel without encryption
 * (UTS-2.2.1.1(1)(b)(ウ)).  Texts only: the PAM module shows them as
 * PAM_TEXT_INFO, in the user's locale, dates in local time with the zone. */
#ifndef NACCS_NOTICE_H
#define NACCS_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/text.h"

#define NACCS_NOTICE_MAX 512

/* Where and when a login attempt happened (the store keeps them). */
struct naccs_login_event {
	int64_t at; /* wall seconds */
	char service[64];
	char tty[64];
	char rhost[NACCS_TEXT_MAX];
};

/* What the notices at the start of a session say (UTS-2.2.1.1(1)(g)(イ),
 * (ウ)): the login before this one, and the failures between the two. */
struct naccs_login_notice {
	bool has_previous; /* false on the first login */
	struct naccs_login_event previous;
	uint32_t failures; /* failed attempts after the previous login */
	bool has_last_failure;
	struct naccs_login_event last_failure;
};

/* Which notices [notice] turns on (policy/settings.h reads them). */
struct naccs_notice_options {
	bool last_login; /* [notice] last_login */
	bool failures;	 /* [notice] failures */
};

/* "Last login: DATE from HOST on TTY" into last, and "N failed login
 * attempts since your last login; the last from HOST at DATE" into
 * failures; "" for what is not to be shown (first login, no failures, or
 * turned off in opt). */
void naccs_notice_format(const struct naccs_notice_options *opt, const struct naccs_login_notice *n,
			 char last[NACCS_NOTICE_MAX], char failures[NACCS_NOTICE_MAX]);

/* The warning shown before the password prompt on such a service. */
const char *naccs_notice_unencrypted_text(void);
/* The same warning when a password is set or changed on such a service
 * (pam_sm_chauthtok): do not choose one used elsewhere. */
const char *naccs_notice_unencrypted_change_text(void);

#endif
