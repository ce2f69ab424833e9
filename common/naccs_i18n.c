#include "config.h"

#include <pthread.h>

#include "naccs_i18n.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

static pthread_once_t i18n_once = PTHREAD_ONCE_INIT;

static void i18n_bind(void)
{
	bindtextdomain(NACCS_TEXTDOMAIN, LOCALEDIR);
	bind_textdomain_codeset(NACCS_TEXTDOMAIN, "UTF-8");
}

void naccs_i18n_init(void)
{
	pthread_once(&i18n_once, i18n_bind);
}
