/* Module arguments and configuration for one PAM call (no global state). */
#ifndef PAM_NACCS_ARGS_H
#define PAM_NACCS_ARGS_H

#include <stdbool.h>
#include <sys/types.h>

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

/* The argument that sends a call to naccsd (pam_client.h). */
#define PAM_NACCS_ARG_SOCKET "naccsd_socket="

/* What a call through naccsd reads from the arguments alone, without the
 * configuration file (pam_client.c). */
struct pam_naccs_client_args {
	const char *socket; /* naccsd_socket=PATH: absolute, fits sun_path */
	uid_t owner;	    /* owner= (general.owner=): the socket's owner too; 0 */
	bool nodelay;	    /* no fail delay (tests) */
	bool quiet;	    /* PAM_SILENT or "silent" */
};

/* naccsd_socket=, owner=, nodelay and silent (every other argument is
 * pam_naccs_load_opts's, read when the configuration is needed).
 * PAM_SUCCESS, or PAM_SERVICE_ERR after logging the reason: a path that is
 * not absolute or too long for a socket address, an owner that is no uid. */
int pam_naccs_client_args(pam_handle_t *pamh, int flags, int argc, const char **argv,
			  struct pam_naccs_client_args *a);

#endif
