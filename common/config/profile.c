/* The policy profiles (docs/ADMIN.md, "Policy profiles"): their names and the
 * presets each one applies (config/set.c applies them). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "config/internal.h"
#include "config/conf.h"

/* The names, in enum naccs_policy_profile order:
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

const struct naccs_config_preset *config_builtin_presets(void)
{
	return builtin_presets;
}

int config_parse_profile(const char *s, enum naccs_policy_profile *out)
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
