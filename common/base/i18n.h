/* gettext for libnaccs, the PAM module and naccsctl.  A module inside a host
 * process must not change the host's text domain, so everything goes through
 * dgettext() with our own domain, bound once (naccs_i18n_init). */
#ifndef NACCS_I18N_H
#define NACCS_I18N_H

#include <libintl.h>

#define NACCS_TEXTDOMAIN "naccs-auth"
#define _(s)		 dgettext(NACCS_TEXTDOMAIN, s)
#define N_(s)		 s

/* Bind our text domain to LOCALEDIR with UTF-8 output; thread-safe, idempotent. */
void naccs_i18n_init(void);

#endif
