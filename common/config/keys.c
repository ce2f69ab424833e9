/* The configuration keys: their table, the keys named by the administrator
 * besides it, the reserved sections and the built-in defaults.  Every origin
 * (the file, config/ini.c; PAM module arguments; naccsctl overrides) sets
 * them through the one setter (config/set.c), so every origin is validated
 * the same way.
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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/internal.h"
#include "rules/access.h"
#include "rules/access_parse.h"
#include "config/conf.h"
#include "rules/su.h"

#define ID_MAX 4294967294UL /* (uid_t)-1 and (gid_t)-1 mean "no id" */

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

_Static_assert(COUNT(conf_keys) <= NACCS_CONFIG_KEYS_MAX,
	       "struct naccs_config has no room for the provenance of every key");

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

/* Keys named by the administrator, besides the table: [access] rule_NAME =
 * RULE (UTS-2.2.1.2(1)(b)(ア), rules/access.h) and [su] target_NAME = TARGET
 * groups=... ids=... (UTS-2.2.1.1(1)(g)(カ), rules/su.h), each set by the
 * setter (set_named) while it is in this table. */
#define RULES(f, n) offsetof(struct naccs_config, f), offsetof(struct naccs_config, n)

static const struct conf_named_keys named_keys[] = {
    {"access", NACCS_ACCESS_RULE_PREFIX, RULES(access_rules, access_rule_count),
     NACCS_ACCESS_RULES_MAX, check_access_rule},
    {"su", NACCS_SU_TARGET_PREFIX, RULES(su_targets, su_target_count), NACCS_SU_TARGETS_MAX,
     check_su_target},
};

/* Sections whose rules arrive in later versions, or arrive in parts.  The section headers are
 * accepted (the example lists them); a key in one that the table above
 * does not hold is an error until its rule exists, since nothing would
 * enforce it. */
static const char *const reserved_sections[] = {
    /* [access]: admin_allowed_networks and the rule_NAME keys (time and
     * terminal windows, named_keys above) are implemented; any other key is
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

/* ---- looking keys up ---- */

size_t naccs_config_key_count(void)
{
	return COUNT(conf_keys);
}

const struct conf_key *config_key_at(size_t i)
{
	return i < COUNT(conf_keys) ? &conf_keys[i] : NULL;
}

const struct conf_key *config_find_key(const char *section, const char *key, size_t *index)
{
	for (size_t i = 0; i < COUNT(conf_keys); i++) {
		if (strcmp(conf_keys[i].section, section) == 0 &&
		    strcmp(conf_keys[i].key, key) == 0) {
			*index = i;
			return &conf_keys[i];
		}
	}
	return NULL;
}

const struct conf_named_keys *config_find_named(const char *section, const char *key)
{
	for (size_t i = 0; i < COUNT(named_keys); i++) {
		if (strcmp(section, named_keys[i].section) == 0 &&
		    strncmp(key, named_keys[i].prefix, strlen(named_keys[i].prefix)) == 0)
			return &named_keys[i];
	}
	return NULL;
}

bool config_known_section(const char *section)
{
	for (size_t i = 0; i < COUNT(conf_keys); i++) {
		if (strcmp(conf_keys[i].section, section) == 0)
			return true;
	}
	return false;
}

bool config_reserved_section(const char *section)
{
	for (size_t i = 0; i < COUNT(reserved_sections); i++) {
		if (strcmp(reserved_sections[i], section) == 0)
			return true;
	}
	return false;
}
