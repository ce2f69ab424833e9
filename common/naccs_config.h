/* The policy configuration: /etc/naccs/naccs.conf (INI sections, key = value)
 * plus PAM module arguments or naccsctl options that override single keys.
 * File keys and arguments go through one setter (naccs_config_set), so both
 * are validated the same way.  A bad value is an error (the caller fails
 * closed), and so is a key in a section whose rules are not implemented yet;
 * an unknown key is a warning naming file and line.
 * config_keys.c: keys and setter; config_ini.c: file syntax; config_load.c:
 * reading the trusted file, cross-key checks. */
#ifndef NACCS_CONFIG_H
#define NACCS_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "naccs_err.h"
#include "naccs_hash.h"
#include "naccs_name.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#define NACCS_DEFAULT_CONF  SYSCONFDIR "/naccs/naccs.conf"
#define NACCS_DEFAULT_STORE LOCALSTATEDIR "/lib/naccs/naccs.db"

/* general.policy_profile (BRIEF.md section 3): a set of presets for the
 * policy keys; any key given in the file or as an argument overrides its
 * preset, whatever the order of lines and arguments. */
enum naccs_policy_profile {
	NACCS_PROFILE_UTS2012 = 0, /* FY2012 standard: composition + periodic change (default) */
	NACCS_PROFILE_UTS2023 = 1, /* length + blocklist, change on compromise */
	NACCS_PROFILE_NIST_800_63B = 2, /* length >= 15, blocklist, no composition or expiry */
};

/* Where a key's value came from (naccsctl config show --effective). */
enum naccs_origin_kind {
	NACCS_ORIGIN_DEFAULT = 0, /* built-in default */
	NACCS_ORIGIN_PROFILE = 1, /* a preset of the policy profile */
	NACCS_ORIGIN_FILE = 2,	  /* a line of the configuration file */
	NACCS_ORIGIN_ARG = 3,	  /* a module argument or naccsctl --set */
};

struct naccs_config_origin {
	enum naccs_origin_kind kind;
	unsigned line; /* NACCS_ORIGIN_FILE: the line in origin_file (0: unknown) */
};

/* One preset: what profile sets section.key to, as the text a file line
 * would give (applied through the one setter, so it is checked alike). */
struct naccs_config_preset {
	const char *profile, *section, *key, *value;
};

/* Room for the provenance of every key of the table (config_keys.c checks). */
#define NACCS_CONFIG_KEYS_MAX 128

struct naccs_config {
	/* [general] */
	char conf_path[PATH_MAX]; /* the file that was read ("" when none) */
	uid_t owner_uid;	  /* expected owner of trusted files; argument only (owner=UID) */
	bool debug;
	enum naccs_policy_profile profile; /* policy_profile */

	/* [hash] engine, algorithm, memory_kib, time_cost, parallelism,
	 * salt_bytes, hash_bytes, max_password_bytes */
	struct naccs_hash_params hash;

	/* [store] path, timeout_ms */
	char store_path[PATH_MAX];
	unsigned store_timeout_ms;

	/* [auth] fail_delay_ms, show_locked */
	unsigned fail_delay_ms;
	bool show_locked; /* tell a locked/suspended/retired ID's state at auth */

	/* [identity] login_format, uid_min, uid_max, gid, home_base, shell */
	enum naccs_login_format login_format;
	uint32_t uid_min, uid_max;
	uint32_t default_gid;
	char home_base[256];
	char shell[256];

	/* Provenance of each key's value, indexed like the key table
	 * (naccs_config_item); origin_file names the file of FILE origins. */
	struct naccs_config_origin origin[NACCS_CONFIG_KEYS_MAX];
	char origin_file[PATH_MAX];
	/* The preset table, terminated by an entry with profile NULL; NULL
	 * (what naccs_config_defaults sets) is the built-in one.  Only tests
	 * set another. */
	const struct naccs_config_preset *presets;
};

/* One resolved key, for naccsctl config show --effective. */
struct naccs_config_item {
	const char *section, *key;
	char value[PATH_MAX];
	enum naccs_origin_kind origin;
	const char *profile; /* NACCS_ORIGIN_PROFILE: its name */
	const char *file;    /* NACCS_ORIGIN_FILE: the file (in the struct given) */
	unsigned line;	     /* NACCS_ORIGIN_FILE: its line (0: unknown) */
};

/* The keys in table order: naccs_config_item fills out for key i <
 * naccs_config_key_count() (0), else -ENOENT. */
size_t naccs_config_key_count(void);
int naccs_config_item(const struct naccs_config *cfg, size_t i, struct naccs_config_item *out);
/* "default", "profile", "file", "argument" (stable tokens for --json). */
const char *naccs_config_origin_name(enum naccs_origin_kind kind);
/* "uts2012", "uts2023", "nist-800-63b". */
const char *naccs_policy_profile_name(enum naccs_policy_profile p);

/* Receives each warning (unknown key or section); may be NULL. */
typedef void (*naccs_warn_fn)(void *ctx, const char *msg);

void naccs_config_defaults(struct naccs_config *cfg);

/* The one setter. where names the origin for messages ("FILE:LINE" or
 * "argument"); from_file is false for module arguments / command-line
 * overrides (some keys, e.g. general.owner, may only come from there).
 * Setting general.policy_profile applies that profile's presets to every
 * key that no file line or argument has set (and takes back the presets of
 * a profile set before), so explicit keys win whatever the order.
 * 0 = set, -EINVAL = bad value, key not settable from there, or a key in a
 * reserved section whose rules this version does not implement (errors:
 * not reported through warn), -ENOENT = unknown key (already reported
 * through warn). */
int naccs_config_set(struct naccs_config *cfg, const char *section, const char *key,
		     const char *value, const char *where, bool from_file, naccs_warn_fn warn,
		     void *warn_ctx, struct naccs_err *err);

/* Apply one "section.key=value" override (as given in a PAM argument). */
int naccs_config_set_arg(struct naccs_config *cfg, const char *arg, naccs_warn_fn warn,
			 void *warn_ctx, struct naccs_err *err);

/* Parse the text of a configuration file (len bytes, need not be
 * NUL-terminated; the same rules as naccs_config_load) into cfg.  name is the
 * origin shown in messages ("NAME:LINE"; NULL for a generic one).  On error
 * cfg is left as it was.  No file access and no trust check: the caller
 * decides where text comes from.  0 or -EINVAL (first error, with FILE:LINE),
 * -ENOMEM. */
int naccs_config_parse_text(struct naccs_config *cfg, const char *text, size_t len,
			    const char *name, naccs_warn_fn warn, void *warn_ctx,
			    struct naccs_err *err);

/* Read path into cfg.  The file must pass naccs_trust_check_file for
 * cfg->owner_uid.  If must_exist is false a missing file leaves the defaults
 * (the default path may be absent); a named file that is missing is an error. */
int naccs_config_load(struct naccs_config *cfg, const char *path, bool must_exist,
		      naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err);

/* Cross-key checks after everything is set (e.g. uid_min <= uid_max, the hash
 * engine can compute the parameters). 0 or -EINVAL. */
int naccs_config_validate(const struct naccs_config *cfg, struct naccs_err *err);

#endif
