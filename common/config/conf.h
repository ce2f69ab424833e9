/* The policy configuration: /etc/naccs/naccs.conf (INI sections, key = value)
 * plus PAM module arguments or naccsctl options that override single keys.
 * File keys and arguments go through one setter (naccs_config_set), so both
 * are validated the same way.  A bad value is an error (the caller fails
 * closed), and so is a key in a section whose rules are not implemented yet;
 * an unknown key is a warning naming file and line.
 * config/keys.c: keys and setter; config/ini.c: file syntax; config/load.c:
 * reading the trusted file, cross-key checks. */
#ifndef NACCS_CONFIG_H
#define NACCS_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "rules/access.h"
#include "base/err.h"
#include "crypto/hash.h"
#include "base/name.h"
#include "rules/password_text.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifndef NACCS_CRACKLIB_DICT /* configure: --with-cracklib-dict */
#define NACCS_CRACKLIB_DICT "/var/cache/cracklib/cracklib_dict"
#endif
#define NACCS_DEFAULT_CONF	SYSCONFDIR "/naccs/naccs.conf"
#define NACCS_DEFAULT_STORE	LOCALSTATEDIR "/lib/naccs/naccs.db"
#define NACCS_DEFAULT_BANNER	SYSCONFDIR "/naccs/banner"
#define NACCS_DEFAULT_BLOCKLIST SYSCONFDIR "/naccs/password-blocklist"
#define NACCS_DEFAULT_AUDIT_DIR LOCALSTATEDIR "/log/naccs"

/* general.policy_profile (docs/ADMIN.md, "Policy profiles"): a set of presets for the
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

/* One time and terminal rule of [access] (rule_NAME = ..., rules/access.h):
 * its key, its text as written (checked by naccs_access_parse when set)
 * and where it came from. */
struct naccs_config_rule {
	char key[NACCS_ACCESS_KEY_MAX];
	char text[NACCS_ACCESS_TEXT_MAX];
	struct naccs_config_origin origin;
};

/* [su] target_NAME entries (rules/su.h); key and text as for the rules. */
#define NACCS_SU_TARGETS_MAX   32
#define NACCS_SU_TARGET_PREFIX "target_"

/* Room for the provenance of every key of the table (config/keys.c checks). */
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

	/* [nss] index: where naccsctl writes the public identity index
	 * (index/map.h); "": NACCS_INDEX_FILE beside the store.  The NSS
	 * module reads NACCS_NSS_INDEX (compiled in), which must name the
	 * same file. */
	char nss_index[PATH_MAX];

	/* [auth] fail_delay_ms, show_locked, max_concurrent_verifications,
	 * verification_wait_ms, verification_lock_dir */
	unsigned fail_delay_ms;
	bool show_locked; /* tell a locked/suspended/retired ID's state at auth */
	unsigned max_concurrent_verifications; /* flood cap (rules/flood.h); 0: none */
	unsigned verification_wait_ms;
	char verification_lock_dir[PATH_MAX]; /* "": "verify" beside the store */

	/* [lockout] deny, fail_interval, unlock_time, deny_shared,
	 * shared_unlock_time, failure_retention_days, unknown_failures_max
	 * (rules/lockout.h) */
	unsigned lock_deny; /* 0: never lock by itself */
	unsigned lock_fail_interval;
	unsigned lock_unlock_time; /* 0: administrator only */
	bool lock_deny_shared;
	unsigned lock_shared_unlock_time;
	unsigned failure_retention_days;
	unsigned unknown_failures_max;

	/* [notice] last_login, failures, notice_in_auth, banner, banner_file,
	 * unencrypted_services (rules/notice.h, rules/banner.h) */
	bool notice_last_login;
	bool notice_failures;
	bool notice_in_auth;
	bool banner;
	char banner_file[PATH_MAX];
	char unencrypted_services[256]; /* names separated by spaces or commas */

	/* [su] switch_services, allow_groups, allow_ids (rules/su.h) */
	char su_switch_services[256]; /* names separated by spaces or commas */
	char su_job_services[256];    /* services that run jobs, no login (cron) */
	char su_allow_groups[512];    /* store groups whose members may switch */
	char su_allow_ids[512];	      /* IDs (login or NACCS form) that may switch */
	/* [su] target_NAME = TARGET groups=... ids=... (rules/su.h): who may
	 * switch to one target, in the order first set; a target with an
	 * entry is decided by its entries alone. */
	struct naccs_config_rule su_targets[NACCS_SU_TARGETS_MAX];
	unsigned su_target_count;

	/* [access] admin_allowed_networks (rules/netmatch.h), and the time and
	 * terminal rules rule_NAME (rules/access.h), in the order first set;
	 * any other key of [access] is refused. */
	char admin_allowed_networks[1024];
	struct naccs_config_rule access_rules[NACCS_ACCESS_RULES_MAX];
	unsigned access_rule_count;

	/* [session] max_sessions_per_id, session_dir (rules/sessions.h),
	 * sessionless_services (naccs_policy_account_login); any other key of
	 * [session] is refused. */
	unsigned max_sessions_per_id;	/* 0: no limit */
	char session_dir[PATH_MAX];	/* "": "sessions" beside the store */
	char sessionless_services[256]; /* names separated by spaces or commas */

	/* [identity] login_format, login_prefix, uid_min, uid_max, gid,
	 * home_base, shell, create_home, skel, home_mode, require_staff_number */
	enum naccs_login_format login_format;
	char login_prefix[NACCS_LOGIN_PREFIX_MAX + 1]; /* before a user code that starts
							  with a digit (base/name.h) */
	uint32_t uid_min, uid_max;
	uint32_t default_gid;
	char home_base[256];
	char shell[256];
	bool create_home;	   /* naccsctl user add makes the home (from skel) */
	char skel[256];		   /* "" : an empty home */
	unsigned home_mode;	   /* permission bits of a new home */
	bool require_staff_number; /* individual IDs need --staff-number */

	/* [password] min_length, max_length, min_classes, classes, max_repeat,
	 * max_sequence, user_check, dictionary_check, dictionary, blocklist,
	 * min_diff, history, min_age_days, max_age_days, warn_days, grace_days,
	 * retry (rules/password_text.h) */
	struct naccs_password_config password;

	/* [audit] dir, retention_days, on_audit_failure, warn_free_space,
	 * alert_command, alert_events (audit/trail.h, audit/alert.h;
	 * UTS-2.2.1.4, NACCS-LOG-RET) */
	char audit_dir[PATH_MAX];
	unsigned audit_retention_days;	    /* month files entirely older are pruned */
	bool audit_fail_deny;		    /* on_audit_failure = deny (else allow) */
	unsigned audit_warn_free_space;	    /* percent free below which to warn; 0 off */
	char audit_alert_command[PATH_MAX]; /* "" none (audit/alert.h) */
	char audit_alert_events[256];	    /* event actions or reasons to alert on */

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
 * naccs_config_key_count() (0); after them, for i < naccs_config_key_count()
 * + cfg->access_rule_count, the [access] rules; after them, for
 * cfg->su_target_count more, the [su] target_NAME entries; else -ENOENT. */
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
/* The same, where naming the origin in messages (naccsctl: "--set"). */
int naccs_config_set_arg_from(struct naccs_config *cfg, const char *arg, const char *where,
			      naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err);

/* Parse the text of a configuration file (len bytes, need not be
 * NUL-terminated; the same rules as naccs_config_load) into cfg.  name is the
 * origin shown in messages ("NAME:LINE"; NULL for a generic one).  On error
 * cfg is left as it was.  No file access and no trust check: the caller
 * decides where text comes from.  0 or -EINVAL (first error, with FILE:LINE),
 * -ENOMEM. */
int naccs_config_parse_text(struct naccs_config *cfg, const char *text, size_t len,
			    const char *name, naccs_warn_fn warn, void *warn_ctx,
			    struct naccs_err *err);

/* naccsctl config check: every problem of a file in one run.  Each is a
 * message starting "FILE:LINE: " (or "FILE: " when no line is concerned;
 * an untrusted location: the trust check's message). */
enum naccs_config_severity {
	NACCS_CONFIG_ERROR = 0,	    /* the module would refuse the file */
	NACCS_CONFIG_WARNING = 1,   /* e.g. an unknown key (ignored) */
	NACCS_CONFIG_UNTRUSTED = 2, /* where it lies, the file fails the trust checks */
};
typedef void (*naccs_config_diag_fn)(void *ctx, enum naccs_config_severity sev, const char *msg);

/* The collect mode of the one parser (naccs_config_parse_text stops at the
 * first error, which the module needs: fail closed): every error of every
 * line goes to report and the parse goes on with the next line (the keys
 * under a malformed section header are skipped); warnings go to report too;
 * then the cross-key checks of naccs_config_validate, each error naming the
 * line of a key it concerns.  cfg gets the result only when there was no
 * error.  The number of errors reported (>= 0), or -errno when the text
 * could not be checked at all (err: -ENOMEM, -EINVAL for a bad argument). */
int naccs_config_check_text(struct naccs_config *cfg, const char *text, size_t len,
			    const char *name, naccs_config_diag_fn report, void *report_ctx,
			    struct naccs_err *err);

/* The same for a file, wherever it lies: the trust checks of
 * naccs_config_load (for cfg->owner_uid) are made and a failure reported
 * as NACCS_CONFIG_UNTRUSTED, then the content is checked all the same.
 * The number of errors in the content, or -errno when the file cannot be
 * read (missing, a symbolic link, not a regular file, too big; err). */
int naccs_config_check_file(struct naccs_config *cfg, const char *path, naccs_config_diag_fn report,
			    void *report_ctx, struct naccs_err *err);

/* Read path into cfg.  The file must pass naccs_trust_check_file for
 * cfg->owner_uid.  If must_exist is false a missing file leaves the defaults
 * (the default path may be absent); a named file that is missing is an error. */
int naccs_config_load(struct naccs_config *cfg, const char *path, bool must_exist,
		      naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err);

/* Cross-key checks after everything is set (e.g. uid_min <= uid_max, the hash
 * engine can compute the parameters). 0 or -EINVAL. */
int naccs_config_validate(const struct naccs_config *cfg, struct naccs_err *err);

#endif
