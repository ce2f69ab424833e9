/* What the parts of the configuration code share (config_keys.c: the key
 * table and the one setter; config_ini.c: the file syntax; config_load.c:
 * reading a trusted file).  Not for other callers. */
#ifndef NACCS_CONFIG_INTERNAL_H
#define NACCS_CONFIG_INTERNAL_H

#include "naccs_config.h"

#define CONF_NAME_MAX 64 /* section and key names, with the NUL */

/* naccs_config_set with the origin recorded for naccsctl config show
 * --effective (config_ini.c passes the line). */
int config_set_from(struct naccs_config *cfg, const char *section, const char *key,
		    const char *value, const char *where, struct naccs_config_origin origin,
		    naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err);

#endif
