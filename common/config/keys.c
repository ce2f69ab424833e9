/* The configuration keys: their table, their defaults and the one setter
 * shared by the file (config/ini.c), PAM module arguments and naccsctl
 * overrides, so every origin is validated the same way.
 *
 * Any value we cannot understand is an error that makes the caller fail
 * closed, and so is a key of a rule this version does not implement (the
 * reserved sections): a setting that would silently do nothing must not
 * let an administrator believe it is enforced.  Unknown keys and sections
 * are only warnings: what is not set keeps its documented default, and a
 * newer file must not lock everyone out of a machine running an older
 * module.  Every policy value an auditor asks about is a documented key
 * with a documented default (UTS-2.2.1.1(1)(e)(ウ)); see
 * etc/naccs.conf.example.
 *
 * Everything lives in the caller's struct: no global state, since one process
 * (sshd) may run several PAM stacks with different arguments. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"
#include "rules/access.h"
#include "config/conf.h"
#include "base/i18n.h"
#include "rules/netmatch.h"
#include "base/num.h"
#include "rules/su.h"
#include "base/text.h"

#define SHOW_BUF 84	      /* a user-supplied string quoted in a message: 80 bytes + "..." */
#define ID_MAX	 4294967294UL /* (uid_t)-1 and (gid_t)-1 mean "no id" */

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

struct conf_key {
	const char *section;
	const char *key;
	enum value_kind kind;
	size_t offset, size;	/* the field in struct naccs_config */
	unsigned long min, max; /* numbers only: what the setter accepts */
	bool arg_only;		/* refused from the file */
};

#define FIELD(f) offsetof(struct naccs_config, f), sizeof(((struct naccs_config *)0)->f)

/* Numbers are range-checked here only as far as a value is meaningless on its
 * face (zero lanes, a salt larger than we can store); the real limits of the
 * hash parameters are naccs_hash_params_validate's, at naccs_config_validate. */
static const struct conf_key conf_keys[] = {
    {"general", "debug", KIND_BOOL, FIELD(debug), 0, 0, false},
    {"general", "policy_profile", KIND_PROFILE, FIELD(profile), 0, 0, false},
    /* The owner decides which files are trusted: letting the file name
     * its own owner would make the check meaningless. */
    {"general", "owner", KIND_OWNER, FIELD(owner_uid), 0, ID_MAX, true},
    {"hash", "engine", KIND_ENGINE, FIELD(hash.engine), 0, 0, false},
    {"hash", "algorithm", KIND_ALGORITHM, FIELD(hash.alg), 0, 0, false},
    /* Capped (crypto/hash.h) until concurrent verifications are bounded. */
    {"hash", "memory_kib", KIND_U32, FIELD(hash.m_kib), 1, NACCS_HASH_M_KIB_MAX, false},
    {"hash", "time_cost", KIND_U32, FIELD(hash.t_cost), 1, UINT32_MAX, false},
    {"hash", "parallelism", KIND_U32, FIELD(hash.parallelism), 1, 0xFFFFFF, false},
    {"hash", "salt_bytes", KIND_U32, FIELD(hash.salt_len), 1, NACCS_SALT_MAX, false},
    {"hash", "hash_bytes", KIND_U32, FIELD(hash.hash_len), 1, NACCS_HASH_OUT_MAX, false},
    {"hash", "max_password_bytes", KIND_U32, FIELD(hash.max_password_bytes), 1, UINT32_MAX, false},
    {"hash", "pbkdf2_iterations", KIND_U32, FIELD(hash.pbkdf2_iterations), 1, UINT32_MAX, false},
    {"store", "path", KIND_PATH, FIELD(store_path), 0, 0, false},
    {"store", "timeout_ms", KIND_UINT, FIELD(store_timeout_ms), 100, 600000, false},
    {"nss", "index", KIND_OPT_PATH, FIELD(nss_index), 0, 0, false},
    {"auth", "fail_delay_ms", KIND_UINT, FIELD(fail_delay_ms), 0, 60000, false},
    {"auth", "show_locked", KIND_BOOL, FIELD(show_locked), 0, 0, false},
    {"auth", "max_concurrent_verifications", KIND_UINT, FIELD(max_concurrent_verifications), 0,
     1024, false},
    {"auth", "verification_wait_ms", KIND_UINT, FIELD(verification_wait_ms), 0, 600000, false},
    {"auth", "verification_lock_dir", KIND_PATH, FIELD(verification_lock_dir), 0, 0, false},
    {"lockout", "deny", KIND_UINT, FIELD(lock_deny), 0, 1000, false},
    {"lockout", "fail_interval", KIND_UINT, FIELD(lock_fail_interval), 1, 31536000, false},
    {"lockout", "unlock_time", KIND_UINT, FIELD(lock_unlock_time), 0, 31536000, false},
    {"lockout", "deny_shared", KIND_BOOL, FIELD(lock_deny_shared), 0, 0, false},
    {"lockout", "shared_unlock_time", KIND_UINT, FIELD(lock_shared_unlock_time), 0, 31536000,
     false},
    /* At least a year: the audit look-back (UTS-2.2.1.1(1)(g)(ウ)). */
    {"lockout", "failure_retention_days", KIND_UINT, FIELD(failure_retention_days), 1, 36500,
     false},
    {"lockout", "unknown_failures_max", KIND_UINT, FIELD(unknown_failures_max), 1, 100000000,
     false},
    {"notice", "last_login", KIND_BOOL, FIELD(notice_last_login), 0, 0, false},
    {"notice", "failures", KIND_BOOL, FIELD(notice_failures), 0, 0, false},
    {"notice", "notice_in_auth", KIND_BOOL, FIELD(notice_in_auth), 0, 0, false},
    {"notice", "banner", KIND_BOOL, FIELD(banner), 0, 0, false},
    {"notice", "banner_file", KIND_PATH, FIELD(banner_file), 0, 0, false},
    {"notice", "unencrypted_services", KIND_NAMES, FIELD(unencrypted_services), 0, 0, false},
    /* Who may switch to a shared admin ID (UTS-2.2.1.1(1)(g)(カ)). */
    {"su", "switch_services", KIND_NAMES, FIELD(su_switch_services), 0, 0, false},
    {"su", "job_services", KIND_NAMES, FIELD(su_job_services), 0, 0, false},
    {"su", "allow_groups", KIND_NAMES, FIELD(su_allow_groups), 0, 0, false},
    {"su", "allow_ids", KIND_NAMES, FIELD(su_allow_ids), 0, 0, false},
    /* Admin IDs over the network (UTS-2.2.1.3(2)(c)(エ)). */
    {"access", "admin_allowed_networks", KIND_NETWORKS, FIELD(admin_allowed_networks), 0, 0, false},
    /* Concurrent sessions per ID (UTS-2.2.1.2(1)(b)(ア), rules/sessions.h). */
    {"session", "max_sessions_per_id", KIND_UINT, FIELD(max_sessions_per_id), 0, 10000, false},
    {"session", "session_dir", KIND_OPT_PATH, FIELD(session_dir), 0, 0, false},
    /* Services that open no session: where a login counts (issue #16). */
    {"session", "sessionless_services", KIND_NAMES, FIELD(sessionless_services), 0, 0, false},
    {"identity", "login_format", KIND_LOGIN_FORMAT, FIELD(login_format), 0, 0, false},
    {"identity", "uid_min", KIND_U32, FIELD(uid_min), 1000, ID_MAX, false},
    {"identity", "uid_max", KIND_U32, FIELD(uid_max), 1000, ID_MAX, false},
    /* gid 0 would put every NACCS user in root's group. */
    {"identity", "gid", KIND_U32, FIELD(default_gid), 1, ID_MAX, false},
    {"identity", "home_base", KIND_PASSWD_PATH, FIELD(home_base), 0, 0, false},
    {"identity", "shell", KIND_PASSWD_PATH, FIELD(shell), 0, 0, false},
    /* A user code that starts with a digit still gives a valid login. */
    {"identity", "login_prefix", KIND_LOGIN_PREFIX, FIELD(login_prefix), 0, 0, false},
    /* naccsctl user add makes the home like useradd -m; never group- or
     * other-writable. */
    {"identity", "create_home", KIND_BOOL, FIELD(create_home), 0, 0, false},
    {"identity", "skel", KIND_OPT_PATH, FIELD(skel), 0, 0, false},
    {"identity", "home_mode", KIND_MODE, FIELD(home_mode), 0, 0755, false},
    /* One active individual ID per person (UTS-2.2.1.3(2)(g)(ア)). */
    {"identity", "require_staff_number", KIND_BOOL, FIELD(require_staff_number), 0, 0, false},
    /* The password rules (UTS-2.2.1.1(1)(e)(ウ), (g)(オ), (c)(ア)(イ)). */
    {"password", "min_length", KIND_U32, FIELD(password.min_length), 1, 512, false},
    {"password", "max_length", KIND_U32, FIELD(password.max_length), 1, 512, false},
    {"password", "min_classes", KIND_U32, FIELD(password.min_classes), 0, 5, false},
    {"password", "classes", KIND_PW_CLASSES, FIELD(password.classes), 0, 0, false},
    {"password", "max_repeat", KIND_U32, FIELD(password.max_repeat), 0, 512, false},
    {"password", "max_sequence", KIND_U32, FIELD(password.max_sequence), 0, 512, false},
    {"password", "user_check", KIND_BOOL, FIELD(password.user_check), 0, 0, false},
    {"password", "dictionary_check", KIND_BOOL, FIELD(password.dictionary_check), 0, 0, false},
    {"password", "dictionary", KIND_PATH, FIELD(password.dictionary), 0, 0, false},
    {"password", "blocklist", KIND_OPT_PATH, FIELD(password.blocklist), 0, 0, false},
    {"password", "min_diff", KIND_U32, FIELD(password.min_diff), 0, 512, false},
    {"password", "history", KIND_U32, FIELD(password.history), 0, 400, false},
    {"password", "min_age_days", KIND_U32, FIELD(password.min_age_days), 0, 3650, false},
    {"password", "max_age_days", KIND_U32, FIELD(password.max_age_days), 0, 3650, false},
    {"password", "warn_days", KIND_U32, FIELD(password.warn_days), 0, 3650, false},
    {"password", "grace_days", KIND_U32, FIELD(password.grace_days), 0, 3650, false},
    {"password", "retry", KIND_U32, FIELD(password.retry), 1, 10, false},
    /* The audit trail (UTS-2.2.1.4; at least a year: NACCS-LOG-RET). */
    {"audit", "dir", KIND_PATH, FIELD(audit_dir), 0, 0, false},
    {"audit", "retention_days", KIND_UINT, FIELD(audit_retention_days), 365, 36500, false},
    {"audit", "on_audit_failure", KIND_AUDIT_FAILURE, FIELD(audit_fail_deny), 0, 0, false},
    {"audit", "warn_free_space", KIND_UINT, FIELD(audit_warn_free_space), 0, 99, false},
    /* Immediate alerts (UTS-2.2.1.4(1)(d)(イ)). */
    {"audit", "alert_command", KIND_OPT_PATH, FIELD(audit_alert_command), 0, 0, false},
    {"audit", "alert_events", KIND_NAMES, FIELD(audit_alert_events), 0, 0, false},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(COUNT(conf_keys) <= NACCS_CONFIG_KEYS_MAX,
	       "struct naccs_config has no room for the provenance of every key");

/* ---- policy profiles (README, "Policy profiles") ----
 *
 * The names, in enum naccs_policy_profile order:
 *   uts2012       the FY2012 unified standards: composition rules and
 *                 periodic change with warning or block (the default);
 *   uts2023       the current unified standards' guidance: length and
 *                 blocklist rather than forced periodic change, change on
 *                 compromise;
 *   nist-800-63b  NIST SP 800-63B: length >= 15, blocklist, no composition
 *                 rules, no periodic change. */
static const char *const profile_names[] = {"uts2012", "uts2023", "nist-800-63b"};

/* What each profile sets, as (profile, section, key, value) lines applied
 * through the setter to keys that no file line or argument sets; adding a
 * preset is one line here.  The profiles differ in the [password] rules
 * (length, classes, ages, history); the other sections are the same in
 * all of them.  A preset for a key the profile leaves at its default is not
 * written. */
static const struct naccs_config_preset builtin_presets[] = {
    /* uts2012 is the built-in default of every key: composition rules and
     * a periodic change with warning (UTS-2.2.1.1(1)(c), (e)(ウ)). */
    /* uts2023: length and a blocklist rather than composition and forced
     * periodic change; a change on compromise goes through "naccsctl user
     * expire" (which the minimum age never blocks). */
    {"uts2023", "password", "min_length", "12"},
    {"uts2023", "password", "min_classes", "0"},
    {"uts2023", "password", "min_diff", "0"},
    {"uts2023", "password", "max_age_days", "0"},
    {"uts2023", "password", "blocklist", NACCS_DEFAULT_BLOCKLIST},
    /* nist-800-63b (5.1.1.2): at least 15 characters for a single-factor
     * password, no composition rules, no periodic change, a blocklist (its
     * "repetitive or sequential characters" stay checked), no history. */
    {"nist-800-63b", "password", "min_length", "15"},
    {"nist-800-63b", "password", "min_classes", "0"},
    {"nist-800-63b", "password", "min_diff", "0"},
    {"nist-800-63b", "password", "history", "0"},
    {"nist-800-63b", "password", "min_age_days", "0"},
    {"nist-800-63b", "password", "max_age_days", "0"},
    {"nist-800-63b", "password", "blocklist", NACCS_DEFAULT_BLOCKLIST},
    {NULL, NULL, NULL, NULL},
};

/* Sections whose rules arrive in later versions, or arrive in parts.  The section headers are
 * accepted (the example lists them); a key in one that the table above
 * does not hold is an error until its rule exists, since nothing would
 * enforce it. */
static const char *const reserved_sections[] = {
    /* [access]: admin_allowed_networks and the rule_NAME keys (time and
     * terminal windows, set_rule below) are implemented; any other key is
     * still refused.  [session]: max_sessions_per_id, session_dir and
     * sessionless_services.
     * [nss]: index is implemented, nothing else.  [audit]: dir,
     * retention_days, on_audit_failure, warn_free_space, alert_command and
     * alert_events are implemented. */
    "session", "access", "audit", "nss", "mfa",
};

void naccs_config_defaults(struct naccs_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->owner_uid = 0;
	cfg->debug = false;
	naccs_hash_params_default(&cfg->hash);
	snprintf(cfg->store_path, sizeof(cfg->store_path), "%s", NACCS_DEFAULT_STORE);
	cfg->store_timeout_ms = 5000;
	cfg->fail_delay_ms = 2000;
	cfg->max_concurrent_verifications = 4;
	cfg->verification_wait_ms = 5000;
	cfg->verification_lock_dir[0] = '\0'; /* next to the store: naccs_flood_dir() */
	cfg->lock_deny = 5;
	cfg->lock_fail_interval = 900;
	cfg->lock_unlock_time = 600;
	cfg->lock_deny_shared = true;
	cfg->lock_shared_unlock_time = 0;
	cfg->failure_retention_days = 400;
	cfg->unknown_failures_max = 100000;
	cfg->notice_last_login = true;
	cfg->notice_failures = true;
	cfg->notice_in_auth = false;
	cfg->banner = true;
	snprintf(cfg->banner_file, sizeof(cfg->banner_file), "%s", NACCS_DEFAULT_BANNER);
	snprintf(cfg->unencrypted_services, sizeof(cfg->unencrypted_services), "%s",
		 "telnet rlogin rsh ftp");
	snprintf(cfg->su_switch_services, sizeof(cfg->su_switch_services), "%s",
		 "su su-l sudo sudo-i");
	/* cron and at run root's jobs: no login, so not refused as one. */
	snprintf(cfg->su_job_services, sizeof(cfg->su_job_services), "%s", "cron atd");
	/* Nobody may switch to a shared admin ID until allowed (fail closed);
	 * an admin ID over the network: from nowhere until allowed. */
	cfg->su_allow_groups[0] = '\0';
	cfg->su_allow_ids[0] = '\0';
	cfg->admin_allowed_networks[0] = '\0';
	cfg->max_sessions_per_id = 0;	     /* off */
	cfg->session_dir[0] = '\0';	     /* "sessions" beside the store */
	cfg->sessionless_services[0] = '\0'; /* every login counts at its session */
	cfg->login_format = NACCS_LOGIN_LOWER_DASH;
	cfg->uid_min = 20000;
	cfg->uid_max = 29999;
	cfg->default_gid = 100;
	snprintf(cfg->home_base, sizeof(cfg->home_base), "%s", "/home");
	snprintf(cfg->shell, sizeof(cfg->shell), "%s", "/bin/bash");
	snprintf(cfg->login_prefix, sizeof(cfg->login_prefix), "%s", "n");
	cfg->create_home = true;
	snprintf(cfg->skel, sizeof(cfg->skel), "%s", "/etc/skel");
	cfg->home_mode = 0700;
	cfg->require_staff_number = false;
	/* [password]: the uts2012 profile (composition rules, periodic
	 * change); etc/naccs.conf.example documents each value. */
	cfg->password.min_length = 8;
	cfg->password.max_length = 128;
	cfg->password.min_classes = 3;
	cfg->password.classes =
	    NACCS_PWCLASS_UPPER | NACCS_PWCLASS_LOWER | NACCS_PWCLASS_DIGIT | NACCS_PWCLASS_SYMBOL;
	cfg->password.max_repeat = 3;
	cfg->password.max_sequence = 4;
	cfg->password.user_check = true;
	cfg->password.dictionary_check = true;
	snprintf(cfg->password.dictionary, sizeof(cfg->password.dictionary), "%s",
		 NACCS_CRACKLIB_DICT);
	cfg->password.blocklist[0] = '\0';
	cfg->password.min_diff = 3;
	cfg->password.history = 24;
	cfg->password.min_age_days = 1;
	cfg->password.max_age_days = 90;
	cfg->password.warn_days = 14;
	cfg->password.grace_days = 0;
	cfg->password.retry = 3;
	/* [audit] (audit/trail.h) */
	snprintf(cfg->audit_dir, sizeof(cfg->audit_dir), "%s", NACCS_DEFAULT_AUDIT_DIR);
	cfg->audit_retention_days = 366; /* NACCS-LOG-RET: one year, and a leap day */
	cfg->audit_fail_deny = true;	 /* UTS-2.2.1.4(1)(b): fail closed */
	cfg->audit_warn_free_space = 10;
	cfg->audit_alert_command[0] = '\0';
	snprintf(cfg->audit_alert_events, sizeof(cfg->audit_alert_events), "%s",
		 "lock direct-login su admin-network audit-unavailable");
}

/* ---- small helpers (ASCII only: the host's locale must not matter) ---- */

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_caseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (ascii_lower(*a) != ascii_lower(*b))
			return false;
	}
	return *a == *b;
}

/* A copy of a user-supplied string that is safe to put in a message: control
 * characters (terminal escapes, newlines forging log lines) become '?', and
 * long strings are cut at a character boundary and marked. */
static const char *shown(const char *s, char *buf, size_t buflen)
{
	naccs_text_sanitize(s, SIZE_MAX, buf, buflen, NACCS_TEXT_ELLIPSIS);
	return buf;
}

/* ---- value parsers: 0 and *out set, or -EINVAL and *out untouched ---- */

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "1"};
	static const char *const no[] = {"no", "false", "0"};

	for (size_t i = 0; i < COUNT(yes); i++) {
		if (ascii_caseeq(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (ascii_caseeq(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Paths end up in messages and, for home and shell, in passwd entries:
 * no control character (C1 included) and well-formed UTF-8, the rules of
 * naccs_text_is_clean; a passwd field also has no ':'. */
static int parse_path(const char *s, bool passwd_field, char *out, size_t outlen)
{
	size_t len = strlen(s);

	if (s[0] != '/' || len >= outlen || !naccs_text_is_clean(s, len, 0) ||
	    (passwd_field && strchr(s, ':') != NULL))
		return -EINVAL;
	memcpy(out, s, len + 1);
	return 0;
}

/* Service names (letters, digits, '.', '_', '-') separated by spaces or
 * commas; they are compared with PAM_SERVICE. */
static int parse_names(const char *s, char *out, size_t outlen)
{
	size_t len = strlen(s);

	if (len >= outlen)
		return -EINVAL;
	for (const char *p = s; *p != '\0'; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == ' ' ||
			  c == ',';

		if (!ok)
			return -EINVAL;
	}
	memcpy(out, s, len + 1);
	return 0;
}

static int parse_algorithm(const char *s, enum naccs_hash_alg *out)
{
	enum naccs_hash_alg alg;

	if (naccs_hash_alg_from_name(s, &alg) != 0)
		return -EINVAL;
	*out = alg;
	return 0;
}

static int parse_engine(const char *s, enum naccs_engine_id *out)
{
	enum naccs_engine_id id;

	if (naccs_hash_engine_from_name(s, &id) != 0)
		return -EINVAL;
	*out = id;
	return 0;
}

static int parse_profile(const char *s, enum naccs_policy_profile *out)
{
	for (size_t i = 0; i < COUNT(profile_names); i++) {
		if (strcmp(s, profile_names[i]) == 0) {
			*out = (enum naccs_policy_profile)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *naccs_policy_profile_name(enum naccs_policy_profile p)
{
	return (size_t)p < COUNT(profile_names) ? profile_names[p] : "unknown";
}

static int parse_login_format(const char *s, enum naccs_login_format *out)
{
	enum naccs_login_format fmt;

	if (naccs_login_format_from_name(s, &fmt) != 0)
		return -EINVAL;
	*out = fmt;
	return 0;
}

/* "upper,lower,digit,symbol,other" (any subset, comma-separated). */
static const struct {
	const char *name;
	unsigned bit;
} pw_class_names[] = {
    {"upper", NACCS_PWCLASS_UPPER}, {"lower", NACCS_PWCLASS_LOWER},
    {"digit", NACCS_PWCLASS_DIGIT}, {"symbol", NACCS_PWCLASS_SYMBOL},
    {"other", NACCS_PWCLASS_OTHER},
};

static int parse_pw_classes(const char *s, unsigned *out)
{
	unsigned mask = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, ","), i;

		while (n > 0 && (*s == ' ' || *s == '\t'))
			s++, n--;
		for (i = 0; i < COUNT(pw_class_names); i++) {
			size_t len = strlen(pw_class_names[i].name), m = n;

			while (m > len && (s[m - 1] == ' ' || s[m - 1] == '\t'))
				m--;
			if (m == len && strncmp(s, pw_class_names[i].name, len) == 0)
				break;
		}
		if (i == COUNT(pw_class_names))
			return -EINVAL;
		mask |= pw_class_names[i].bit;
		s += n;
		if (*s == ',')
			s++;
	}
	if (mask == 0)
		return -EINVAL;
	*out = mask;
	return 0;
}

/* The names of the classes in mask, comma-separated, as the file writes them. */
static void format_pw_classes(unsigned mask, char *buf, size_t buflen)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < COUNT(pw_class_names); i++) {
		int n;

		if ((mask & pw_class_names[i].bit) == 0 || pos >= buflen)
			continue;
		n = snprintf(buf + pos, buflen - pos, "%s%s", pos > 0 ? "," : "",
			     pw_class_names[i].name);
		if (n > 0)
			pos += (size_t)n;
	}
}

static int parse_numeric_field(const struct conf_key *k, void *field, const char *value)
{
	unsigned long v;

	if (naccs_parse_ulong(value, strlen(value), k->min, k->max, &v) != 0)
		return -EINVAL;
	if (k->kind == KIND_OWNER)
		*(uid_t *)field = (uid_t)v;
	else if (k->kind == KIND_U32)
		*(uint32_t *)field = (uint32_t)v;
	else
		*(unsigned *)field = (unsigned)v;
	return 0;
}

/* Permission bits in octal ("0700", "750"), at most max; never a
 * group- or other-writable value. */
static int parse_mode(const char *s, unsigned long max, unsigned *out)
{
	unsigned long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 4)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -EINVAL;
		v = v * 8 + (unsigned long)(s[i] - '0');
	}
	if (v > max || (v & 022) != 0)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* Parse value into the field k describes; the field is only written on success. */
static int parse_into(const struct conf_key *k, struct naccs_config *cfg, const char *value)
{
	void *field = (char *)cfg + k->offset;

	switch (k->kind) {
	case KIND_BOOL:
		return parse_bool(value, field);
	case KIND_OWNER:
	case KIND_U32:
	case KIND_UINT:
		return parse_numeric_field(k, field, value);
	case KIND_ENGINE:
		return parse_engine(value, field);
	case KIND_ALGORITHM:
		return parse_algorithm(value, field);
	case KIND_LOGIN_FORMAT:
		return parse_login_format(value, field);
	case KIND_PROFILE:
		return parse_profile(value, field);
	case KIND_PATH:
	case KIND_PASSWD_PATH:
		return parse_path(value, k->kind == KIND_PASSWD_PATH, field, k->size);
	case KIND_NAMES:
		return parse_names(value, field, k->size);
	case KIND_NETWORKS:
		if (strlen(value) >= k->size || naccs_netmatch_check_list(value, NULL) != 0)
			return -EINVAL;
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case KIND_OPT_PATH:
		if (value[0] == '\0') {
			*(char *)field = '\0';
			return 0;
		}
		return parse_path(value, false, field, k->size);
	case KIND_PW_CLASSES:
		return parse_pw_classes(value, field);
	case KIND_LOGIN_PREFIX:
		if (strlen(value) >= k->size || !naccs_name_valid_prefix(value))
			return -EINVAL;
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case KIND_MODE:
		return parse_mode(value, k->max, field);
	case KIND_AUDIT_FAILURE:
		if (ascii_caseeq(value, "deny") || ascii_caseeq(value, "allow")) {
			*(bool *)field = ascii_caseeq(value, "deny");
			return 0;
		}
		return -EINVAL;
	}
	return -EINVAL;
}

/* What an administrator may write for k, for the error message. */
static void describe_accepted(const struct conf_key *k, char *buf, size_t buflen)
{
	switch (k->kind) {
	case KIND_BOOL:
		snprintf(buf, buflen, "%s", _("yes, no, true, false, 1 or 0"));
		break;
	case KIND_OWNER:
	case KIND_U32:
	case KIND_UINT:
		snprintf(buf, buflen, _("a whole number from %lu to %lu"), k->min, k->max);
		break;
	case KIND_ENGINE:
		snprintf(buf, buflen, "%s", _("auto, libargon2, libsodium or openssl"));
		break;
	case KIND_ALGORITHM:
		snprintf(buf, buflen, "%s", _("argon2id or pbkdf2-sha256"));
		break;
	case KIND_LOGIN_FORMAT:
		snprintf(buf, buflen, "%s", _("lower-dash, lower, upper-dash or upper"));
		break;
	case KIND_PROFILE:
		snprintf(buf, buflen, "%s", _("uts2012, uts2023 or nist-800-63b"));
		break;
	case KIND_PATH:
		snprintf(buf, buflen,
			 _("an absolute path shorter than %zu bytes, no control characters"),
			 k->size);
		break;
	case KIND_PASSWD_PATH:
		snprintf(buf, buflen,
			 _("an absolute path shorter than %zu bytes, no control characters or ':'"),
			 k->size);
		break;
	case KIND_NAMES:
		snprintf(buf, buflen, "%s",
			 _("service names (letters, digits, '.', '_', '-') separated by spaces or "
			   "commas"));
		break;
	case KIND_NETWORKS:
		snprintf(buf, buflen, "%s",
			 _("IPv4 or IPv6 addresses or networks (ADDRESS or ADDRESS/LENGTH, no host "
			   "names) separated by spaces or commas"));
		break;
	case KIND_OPT_PATH:
		snprintf(buf, buflen,
			 _("nothing, or an absolute path shorter than %zu bytes, no control "
			   "characters"),
			 k->size);
		break;
	case KIND_PW_CLASSES:
		snprintf(buf, buflen, "%s",
			 _("a comma-separated list of upper, lower, digit, symbol, other"));
		break;
	case KIND_LOGIN_PREFIX:
		snprintf(buf, buflen,
			 _("1 to %d characters: a lower-case letter, then a-z, 0-9, "
			   "'_' or '-'"),
			 NACCS_LOGIN_PREFIX_MAX);
		break;
	case KIND_MODE:
		snprintf(buf, buflen, "%s",
			 _("permission bits in octal, at most 0755, not group- or "
			   "other-writable (e.g. 0700)"));
		break;
	case KIND_AUDIT_FAILURE:
		snprintf(buf, buflen, "%s", _("deny or allow"));
		break;
	}
}

/* ---- the setter ---- */

static const struct conf_key *find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < COUNT(conf_keys); i++) {
		if (strcmp(conf_keys[i].section, section) == 0 &&
		    strcmp(conf_keys[i].key, key) == 0)
			return &conf_keys[i];
	}
	return NULL;
}

static bool is_known_section(const char *section)
{
	for (size_t i = 0; i < COUNT(conf_keys); i++) {
		if (strcmp(conf_keys[i].section, section) == 0)
			return true;
	}
	return false;
}

static bool is_reserved_section(const char *section)
{
	for (size_t i = 0; i < COUNT(reserved_sections); i++) {
		if (strcmp(reserved_sections[i], section) == 0)
			return true;
	}
	return false;
}

/* A key of a rule this version does not have: an error (fail closed), so
 * that "deny = 5" in [lockout] cannot pass for an enforced lockout. */
static int report_not_implemented(const char *section, const char *key, const char *where,
				  struct naccs_err *err)
{
	char sec_buf[SHOW_BUF], key_buf[SHOW_BUF];

	return naccs_err_set(err, EINVAL,
			     _("%s: [%s] %s: the rules of this section are not implemented in this "
			       "version (refused: the setting would have no effect)"),
			     where, shown(section, sec_buf, sizeof(sec_buf)),
			     shown(key, key_buf, sizeof(key_buf)));
}

/* Unknown keys: warn, and tell the caller it was not set.  Only a warning:
 * what is not set keeps its documented default, which is the policy. */
static int report_ignored(const char *section, const char *key, const char *where,
			  naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	char msg[NACCS_ERR_MSG_MAX], sec_buf[SHOW_BUF], key_buf[SHOW_BUF];
	const char *sec = shown(section, sec_buf, sizeof(sec_buf));
	const char *k = shown(key, key_buf, sizeof(key_buf));

	if (is_known_section(section))
		snprintf(msg, sizeof(msg), _("%s: unknown key '%s' in section [%s] (ignored)"),
			 where, k, sec);
	else
		snprintf(msg, sizeof(msg), _("%s: unknown section [%s] (key '%s' ignored)"), where,
			 sec, k);
	if (warn != NULL)
		warn(warn_ctx, msg);
	return naccs_err_set(err, ENOENT, "%s", msg);
}

static int report_bad_value(const struct conf_key *k, const char *value, const char *where,
			    struct naccs_err *err)
{
	char accepted[160], val_buf[SHOW_BUF];

	describe_accepted(k, accepted, sizeof(accepted));
	return naccs_err_set(err, EINVAL, _("%s: %s.%s = '%s' is not valid; expected %s"), where,
			     k->section, k->key, shown(value, val_buf, sizeof(val_buf)), accepted);
}

/* The field of key k in cfg. */
static void *field_of(const struct conf_key *k, struct naccs_config *cfg)
{
	return (char *)cfg + k->offset;
}

/* Take back the presets of the profile set before (those keys return to
 * their built-in defaults), then apply the current profile's presets to
 * every key still at its default.  Explicit keys are never touched, so the
 * result does not depend on where the profile line or argument comes
 * (the two-pass resolution of issue #6, kept inside the one setter). */
static int apply_profile(struct naccs_config *cfg, struct naccs_err *err)
{
	const struct naccs_config_preset *p = cfg->presets ? cfg->presets : builtin_presets;
	const char *name = naccs_policy_profile_name(cfg->profile);
	struct naccs_config *def = malloc(sizeof(*def));
	char where[64];

	if (def == NULL)
		return naccs_err_set(err, ENOMEM, _("configuration: out of memory"));
	naccs_config_defaults(def);
	for (size_t i = 0; i < COUNT(conf_keys); i++) {
		if (cfg->origin[i].kind != NACCS_ORIGIN_PROFILE)
			continue;
		memcpy(field_of(&conf_keys[i], cfg), field_of(&conf_keys[i], def),
		       conf_keys[i].size);
		cfg->origin[i] = (struct naccs_config_origin){NACCS_ORIGIN_DEFAULT, 0};
	}
	free(def);
	snprintf(where, sizeof(where), _("profile %s"), name);
	for (; p->profile != NULL; p++) {
		int rc;

		if (strcmp(p->profile, name) != 0)
			continue;
		/* A profile does not choose a profile. */
		if (strcmp(p->section, "general") == 0 && strcmp(p->key, "policy_profile") == 0)
			return naccs_err_set(err, EINVAL, _("%s: presets cannot set a profile"),
					     where);
		rc = config_set_from(cfg, p->section, p->key, p->value, where,
				     (struct naccs_config_origin){NACCS_ORIGIN_PROFILE, 0}, NULL,
				     NULL, err);
		/* Our own table: a preset that does not apply (an unknown key
		 * included) is a bug; fail closed. */
		if (rc == -ENOENT) {
			if (err != NULL)
				err->code = EINVAL;
			return -EINVAL;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A checker of a named key's text: 0, or -EINVAL with why in err. */
typedef int (*named_check_fn)(const char *text, struct naccs_err *err);

static int check_access_rule(const char *text, struct naccs_err *err)
{
	struct naccs_access_rule rule;

	return naccs_access_parse(text, &rule, err);
}

static int check_su_target(const char *text, struct naccs_err *err)
{
	struct naccs_su_target t;

	return naccs_su_target_parse(text, &t, err);
}

/* Keys named by the administrator: [access] rule_NAME = RULE
 * (UTS-2.2.1.2(1)(b)(ア), rules/access.h) and [su] target_NAME = TARGET
 * groups=... ids=... (UTS-2.2.1.1(1)(g)(カ), rules/su.h).  Each is a key of
 * its own, so it has its own line and origin, and an argument of the same
 * name replaces the file's.  A text that does not parse is an error: the
 * caller fails closed. */
struct named_keys {
	const char *section, *prefix;
	struct naccs_config_rule *rules;
	unsigned *count;
	unsigned max;
	named_check_fn check;
};

static int set_named(const struct named_keys *nk, const char *key, const char *value,
		     const char *where, struct naccs_config_origin origin, struct naccs_err *err)
{
	struct naccs_err why;
	char key_buf[SHOW_BUF];
	size_t plen = strlen(nk->prefix), klen = strlen(key), i;

	shown(key, key_buf, sizeof(key_buf));
	for (i = plen; i < klen; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') ||
		      (key[i] >= '0' && key[i] <= '9') || key[i] == '_' || key[i] == '-'))
			break;
	if (klen == plen || i < klen || klen >= NACCS_ACCESS_KEY_MAX)
		return naccs_err_set(err, EINVAL,
				     _("%s: %s.%s: a name is 1 to %d letters, digits, '_' or '-' "
				       "after %s"),
				     where, nk->section, key_buf,
				     (int)(NACCS_ACCESS_KEY_MAX - 1 - plen), nk->prefix);
	naccs_err_clear(&why);
	if (strlen(value) >= NACCS_ACCESS_TEXT_MAX)
		return naccs_err_set(err, EINVAL, _("%s: %s.%s: longer than %d bytes"), where,
				     nk->section, key_buf, NACCS_ACCESS_TEXT_MAX - 1);
	if (nk->check(value, &why) < 0)
		return naccs_err_set(err, EINVAL, _("%s: %s.%s: %s"), where, nk->section, key_buf,
				     why.msg);
	for (i = 0; i < *nk->count; i++)
		if (strcmp(nk->rules[i].key, key) == 0)
			break;
	if (i == nk->max)
		return strcmp(nk->section, "su") == 0
			   ? naccs_err_set(err, EINVAL, _("%s: su.%s: more than %u target entries"),
					   where, key_buf, nk->max)
			   : naccs_err_set(err, EINVAL, _("%s: access.%s: more than %u rules"),
					   where, key_buf, nk->max);
	if (i == *nk->count)
		(*nk->count)++;
	memcpy(nk->rules[i].key, key, klen + 1);
	memcpy(nk->rules[i].text, value, strlen(value) + 1);
	nk->rules[i].origin = origin;
	return 0;
}

int config_set_from(struct naccs_config *cfg, const char *section, const char *key,
		    const char *value, const char *where, struct naccs_config_origin origin,
		    naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	const struct conf_key *k;
	size_t idx;

	if (cfg == NULL || section == NULL || key == NULL || value == NULL)
		return naccs_err_set(err, EINVAL,
				     _("configuration: missing section, key or value"));
	if (where == NULL)
		where = origin.kind == NACCS_ORIGIN_FILE ? _("configuration") : _("argument");

	if (strcmp(section, "access") == 0 &&
	    strncmp(key, NACCS_ACCESS_RULE_PREFIX, strlen(NACCS_ACCESS_RULE_PREFIX)) == 0) {
		const struct named_keys nk = {"access",
					      NACCS_ACCESS_RULE_PREFIX,
					      cfg->access_rules,
					      &cfg->access_rule_count,
					      NACCS_ACCESS_RULES_MAX,
					      check_access_rule};

		return set_named(&nk, key, value, where, origin, err);
	}
	if (strcmp(section, "su") == 0 &&
	    strncmp(key, NACCS_SU_TARGET_PREFIX, strlen(NACCS_SU_TARGET_PREFIX)) == 0) {
		const struct named_keys nk = {"su",
					      NACCS_SU_TARGET_PREFIX,
					      cfg->su_targets,
					      &cfg->su_target_count,
					      NACCS_SU_TARGETS_MAX,
					      check_su_target};

		return set_named(&nk, key, value, where, origin, err);
	}
	k = find_key(section, key);
	if (k == NULL && is_reserved_section(section))
		return report_not_implemented(section, key, where, err);
	if (k == NULL)
		return report_ignored(section, key, where, warn, warn_ctx, err);
	idx = (size_t)(k - conf_keys);
	if (k->arg_only && origin.kind != NACCS_ORIGIN_ARG)
		return naccs_err_set(err, EINVAL,
				     _("%s: %s.%s can only be given as a module argument"), where,
				     k->section, k->key);
	/* A preset never replaces what the file or an argument set. */
	if (origin.kind == NACCS_ORIGIN_PROFILE && cfg->origin[idx].kind != NACCS_ORIGIN_DEFAULT &&
	    cfg->origin[idx].kind != NACCS_ORIGIN_PROFILE)
		return 0;
	if (parse_into(k, cfg, value) != 0)
		return report_bad_value(k, value, where, err);
	cfg->origin[idx] = origin;
	if (k->kind == KIND_PROFILE)
		return apply_profile(cfg, err);
	return 0;
}

unsigned config_line_of(const struct naccs_config *cfg, const char *section, const char *key1,
			const char *key2)
{
	unsigned line = 0;

	for (size_t i = 0; i < COUNT(conf_keys); i++) {
		const char *k = conf_keys[i].key;

		if (strcmp(conf_keys[i].section, section) != 0 ||
		    cfg->origin[i].kind != NACCS_ORIGIN_FILE)
			continue;
		if ((key1 != NULL || key2 != NULL) && !(key1 != NULL && strcmp(k, key1) == 0) &&
		    !(key2 != NULL && strcmp(k, key2) == 0))
			continue;
		if (cfg->origin[i].line > line)
			line = cfg->origin[i].line;
	}
	return line;
}

int naccs_config_set(struct naccs_config *cfg, const char *section, const char *key,
		     const char *value, const char *where, bool from_file, naccs_warn_fn warn,
		     void *warn_ctx, struct naccs_err *err)
{
	struct naccs_config_origin origin = {from_file ? NACCS_ORIGIN_FILE : NACCS_ORIGIN_ARG, 0};

	return config_set_from(cfg, section, key, value, where, origin, warn, warn_ctx, err);
}

int naccs_config_set_arg(struct naccs_config *cfg, const char *arg, naccs_warn_fn warn,
			 void *warn_ctx, struct naccs_err *err)
{
	return naccs_config_set_arg_from(cfg, arg, _("argument"), warn, warn_ctx, err);
}

int naccs_config_set_arg_from(struct naccs_config *cfg, const char *arg, const char *where,
			      naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	char section[CONF_NAME_MAX], key[CONF_NAME_MAX], arg_buf[SHOW_BUF];
	const char *eq, *dot;
	size_t sec_len, key_len;

	if (arg == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	eq = strchr(arg, '=');
	dot = eq != NULL ? memchr(arg, '.', (size_t)(eq - arg)) : NULL;
	if (dot == NULL)
		goto malformed;
	sec_len = (size_t)(dot - arg);
	key_len = (size_t)(eq - dot - 1);
	if (sec_len == 0 || sec_len >= sizeof(section) || key_len == 0 || key_len >= sizeof(key))
		goto malformed;
	memcpy(section, arg, sec_len);
	section[sec_len] = '\0';
	memcpy(key, dot + 1, key_len);
	key[key_len] = '\0';
	return naccs_config_set(cfg, section, key, eq + 1, where, false, warn, warn_ctx, err);

malformed:
	return naccs_err_set(err, EINVAL, _("%s '%s': expected section.key=value"), where,
			     shown(arg, arg_buf, sizeof(arg_buf)));
}

/* ---- the effective configuration ---- */

/* The value of k in cfg as a file line would write it. */
static void format_value(const struct conf_key *k, const struct naccs_config *cfg, char *buf,
			 size_t buflen)
{
	const void *field = (const char *)cfg + k->offset;

	switch (k->kind) {
	case KIND_BOOL:
		snprintf(buf, buflen, "%s", *(const bool *)field ? "yes" : "no");
		break;
	case KIND_OWNER:
		snprintf(buf, buflen, "%lu", (unsigned long)*(const uid_t *)field);
		break;
	case KIND_U32:
		snprintf(buf, buflen, "%lu", (unsigned long)*(const uint32_t *)field);
		break;
	case KIND_UINT:
		snprintf(buf, buflen, "%u", *(const unsigned *)field);
		break;
	case KIND_ENGINE:
		snprintf(buf, buflen, "%s",
			 naccs_hash_engine_name(*(const enum naccs_engine_id *)field));
		break;
	case KIND_ALGORITHM:
		snprintf(buf, buflen, "%s",
			 naccs_hash_alg_name(*(const enum naccs_hash_alg *)field));
		break;
	case KIND_LOGIN_FORMAT:
		snprintf(buf, buflen, "%s",
			 naccs_login_format_name(*(const enum naccs_login_format *)field));
		break;
	case KIND_PROFILE:
		snprintf(buf, buflen, "%s",
			 naccs_policy_profile_name(*(const enum naccs_policy_profile *)field));
		break;
	case KIND_PATH:
	case KIND_PASSWD_PATH:
	case KIND_OPT_PATH:
	case KIND_NAMES:
	case KIND_NETWORKS:
	case KIND_LOGIN_PREFIX:
		snprintf(buf, buflen, "%s", (const char *)field);
		break;
	case KIND_MODE:
		snprintf(buf, buflen, "%04o", *(const unsigned *)field);
		break;
	case KIND_PW_CLASSES:
		format_pw_classes(*(const unsigned *)field, buf, buflen);
		break;
	case KIND_AUDIT_FAILURE:
		snprintf(buf, buflen, "%s", *(const bool *)field ? "deny" : "allow");
		break;
	}
}

size_t naccs_config_key_count(void)
{
	return COUNT(conf_keys);
}

int naccs_config_item(const struct naccs_config *cfg, size_t i, struct naccs_config_item *out)
{
	const struct conf_key *k;

	if (cfg == NULL || out == NULL)
		return -ENOENT;
	if (i >= COUNT(conf_keys)) {
		const struct naccs_config_rule *r;
		size_t j = i - COUNT(conf_keys);

		if (j < cfg->access_rule_count)
			r = &cfg->access_rules[j];
		else if (j - cfg->access_rule_count < cfg->su_target_count)
			r = &cfg->su_targets[j - cfg->access_rule_count];
		else
			return -ENOENT;
		memset(out, 0, sizeof(*out));
		out->section = j < cfg->access_rule_count ? "access" : "su";
		out->key = r->key;
		snprintf(out->value, sizeof(out->value), "%s", r->text);
		out->origin = r->origin.kind;
		if (out->origin == NACCS_ORIGIN_FILE) {
			out->file = cfg->origin_file;
			out->line = r->origin.line;
		}
		return 0;
	}
	k = &conf_keys[i];
	memset(out, 0, sizeof(*out));
	out->section = k->section;
	out->key = k->key;
	format_value(k, cfg, out->value, sizeof(out->value));
	out->origin = cfg->origin[i].kind;
	if (out->origin == NACCS_ORIGIN_PROFILE)
		out->profile = naccs_policy_profile_name(cfg->profile);
	if (out->origin == NACCS_ORIGIN_FILE) {
		out->file = cfg->origin_file;
		out->line = cfg->origin[i].line;
	}
	return 0;
}

const char *naccs_config_origin_name(enum naccs_origin_kind kind)
{
	switch (kind) {
	case NACCS_ORIGIN_DEFAULT:
		return "default";
	case NACCS_ORIGIN_PROFILE:
		return "profile";
	case NACCS_ORIGIN_FILE:
		return "file";
	case NACCS_ORIGIN_ARG:
		return "argument";
	}
	return "unknown";
}
