/* What the parts of the configuration code share (config_keys.c: the key
 * table and the one setter; config_ini.c: the file syntax; config_load.c:
 * reading a trusted file).  Not for other callers. */
#ifndef NACCS_CONFIG_INTERNAL_H
#define NACCS_CONFIG_INTERNAL_H

#define CONF_NAME_MAX 64 /* section and key names, with the NUL */

#endif
