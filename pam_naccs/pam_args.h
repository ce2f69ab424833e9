/* Module arguments and configuration for one PAM call (no global state). */
#ifndef PAM_NACCS_ARGS_H
#define PAM_NACCS_ARGS_H

#include <stdbool.h>

#include <security/pam_modules.h>

#include "config/conf.h"

struct pam_naccs_opts {
	struct naccs_config cfg;
	bool nodelay; /* no fail delay (tests) */
	bool quiet;   /* PAM_SILENT or "silent": no informational messages */
};

/* Parse argv (conf=PATH, owner=UID or general.owner=UID, nodelay, debug, silent,
 * use_first_pass, try_first_pass, section.key=value overrides), read the
 * config file (checked against the owner the arguments name) and
 * validate.  PAM_SUCCESS, or PAM_SERVICE_ERR after logging the reason:
 * a bad configuration fails closed. */
int pam_naccs_load_opts(pam_handle_t *pamh, int flags, int argc, const char **argv,
			struct pam_naccs_opts *opts);

#endif
