#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/i18n.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

static pthread_once_t i18n_once = PTHREAD_ONCE_INIT;

static void i18n_bind(void)
{
	/* NACCS_LOCALEDIR lets the tests and the demo use the catalogues of an
	 * uninstalled build. secure_getenv: ignored in set-user-ID programs
	 * (su, sudo), where the caller's environment is not to be trusted. */
	const char *dir = secure_getenv("NACCS_LOCALEDIR");

	bindtextdomain(NACCS_TEXTDOMAIN, dir != NULL && dir[0] == '/' ? dir : LOCALEDIR);
	bind_textdomain_codeset(NACCS_TEXTDOMAIN, "UTF-8");
}

void naccs_i18n_init(void)
{
	pthread_once(&i18n_once, i18n_bind);
}
