/* What the parts of the configuration code share; not for other callers.
 * Who uses whom, one way only (a file uses those above it, never one below):
 *   config/keys.c      the key table, the named keys, the defaults;
 *   config/profile.c   the policy profiles: names and presets;
 *   config/parse.c     the values of each kind of key;
 *   config/set.c       the one setter (keys, named keys, profiles);
 *   config/effective.c each key's value and origin;
 *   config/validate.c  the cross-key checks;
 *   config/ini.c       the file syntax (every line through the setter);
 *   config/load.c      reading a trusted file (its text through ini.c). */
#ifndef NACCS_CONFIG_INTERNAL_H
#define NACCS_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config/conf.h"

#define CONF_NAME_MAX 64 /* section and key names, with the NUL */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- config/keys.c ---- */

enum value_kind {
	KIND_BOOL,
	KIND_OWNER,	    /* uid_t */
	KIND_U32,	    /* uint32_t */
	KIND_UINT,	    /* unsigned */
	KIND_ENGINE,	    /* enum naccs_engine_id */
	KIND_ALGORITHM,	    /* enum naccs_hash_alg */
	KIND_LOGIN_FORMAT,  /* enum naccs_login_format */
	KIND_PATH,	    /* char[size], absolute */
	KIND_PASSWD_PATH,   /* same, and it ends up in a passwd entry: no ':' */
	KIND_NAMES,	    /* char[size]: service names separated by spaces or commas */
	KIND_OPT_PATH,	    /* "" (none) or an absolute path */
	KIND_PW_CLASSES,    /* unsigned, enum naccs_pw_class bits */
	KIND_PROFILE,	    /* enum naccs_policy_profile */
	KIND_NETWORKS,	    /* char[size]: IPv4/IPv6 CIDRs separated by spaces or commas */
	KIND_LOGIN_PREFIX,  /* char[size]: naccs_name_valid_prefix */
	KIND_MODE,	    /* unsigned, permission bits written in octal */
	KIND_AUDIT_FAILURE, /* bool: "deny" (true) or "allow" */
};

/* One key of the table. */
struct conf_key {
	const char *section;
	const char *key;
	enum value_kind kind;
	size_t offset, size;	/* the field in struct naccs_config */
	unsigned long min, max; /* numbers only: what the setter accepts */
	bool arg_only;		/* refused from the file */
};

/* A checker of a named key's text: 0, or -EINVAL with why in err. */
typedef int (*named_check_fn)(const char *text, struct naccs_err *err);

/* A family of keys named by the administrator ([access] rule_NAME, [su]
 * target_NAME): the keys of section that start with prefix. */
struct conf_named_keys {
	const char *section, *prefix;
	size_t rules_offset; /* struct naccs_config_rule[max] in struct naccs_config */
	size_t count_offset; /* unsigned: how many of them are set */
	unsigned max;
	named_check_fn check;
};

/* Key i of the table (i < naccs_config_key_count()), else NULL. */
const struct conf_key *config_key_at(size_t i);
/* The table's key section.key, its index in *index; NULL when none. */
const struct conf_key *config_find_key(const char *section, const char *key, size_t *index);
/* The family of named keys section.key belongs to, or NULL. */
const struct conf_named_keys *config_find_named(const char *section, const char *key);
/* A section of the table; a section whose rules are not (all) implemented. */
bool config_known_section(const char *section);
bool config_reserved_section(const char *section);

/* ---- config/profile.c ---- */

/* The built-in presets, terminated by an entry with profile NULL. */
const struct naccs_config_preset *config_builtin_presets(void);
/* A profile's name (naccs_policy_profile_name's): 0, or -EINVAL. */
int config_parse_profile(const char *s, enum naccs_policy_profile *out);

/* ---- config/parse.c ---- */

/* Parse value into the field k describes; the field is only written on
 * success (0), else -EINVAL. */
int config_parse_into(const struct conf_key *k, struct naccs_config *cfg, const char *value);
/* What an administrator may write for k, for the error message. */
void config_describe_accepted(const struct conf_key *k, char *buf, size_t buflen);
/* The names of the classes in mask, comma-separated, as the file writes them. */
void config_format_pw_classes(unsigned mask, char *buf, size_t buflen);

/* ---- config/set.c ---- */

/* naccs_config_set with the origin recorded for naccsctl config show
 * --effective (config/ini.c passes the line). */
int config_set_from(struct naccs_config *cfg, const char *section, const char *key,
		    const char *value, const char *where, struct naccs_config_origin origin,
		    naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err);

/* ---- config/effective.c ---- */

/* The highest file line that set a key of section named key1 or key2 (both
 * NULL: any key of the section); 0 when none came from the file.  Where a
 * cross-key problem is reported (collect mode). */
unsigned config_line_of(const struct naccs_config *cfg, const char *section, const char *key1,
			const char *key2);

/* ---- config/validate.c ---- */

/* The cross-key checks of naccs_config_validate, every problem to report
 * as an error with FILE:LINE (config/ini.c's collect mode); the number
 * reported. */
unsigned config_validate_report(const struct naccs_config *cfg, naccs_config_diag_fn report,
				void *report_ctx);

#endif
