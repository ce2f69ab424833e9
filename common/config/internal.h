/* What the parts of the configuration code share (config/keys.c: the key
 * table and the one setter; config/validate.c: the cross-key checks;
 * config/ini.c: the file syntax; config/load.c: reading a trusted file into
 * it, one way: ini.c never calls load.c).  Not for other callers. */
#ifndef NACCS_CONFIG_INTERNAL_H
#define NACCS_CONFIG_INTERNAL_H

#include "config/conf.h"

#define CONF_NAME_MAX 64 /* section and key names, with the NUL */

/* naccs_config_set with the origin recorded for naccsctl config show
 * --effective (config/ini.c passes the line). */
int config_set_from(struct naccs_config *cfg, const char *section, const char *key,
		    const char *value, const char *where, struct naccs_config_origin origin,
		    naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err);

/* The highest file line that set a key of section named key1 or key2 (both
 * NULL: any key of the section); 0 when none came from the file.  Where a
 * cross-key problem is reported (collect mode). */
unsigned config_line_of(const struct naccs_config *cfg, const char *section, const char *key1,
			const char *key2);

/* The cross-key checks of naccs_config_validate, every problem to report
 * as an error with FILE:LINE (config/validate.c, for the collect mode of
 * config/ini.c); the number reported. */
unsigned config_validate_report(const struct naccs_config *cfg, naccs_config_diag_fn report,
				void *report_ctx);

#endif
