/* Policy profiles and the provenance of every key (issue #6, README
 * "Policy profiles"): general.policy_profile selects presets that any explicit key
 * overrides, whatever the order of file lines and arguments; each key
 * records where its value came from (UTS-2.2.1.1(1)(e)(ウ): every policy
 * value an auditor asks about is a documented key with a known source).
 * The keys of this version do not differ between the profiles yet, so the
 * mechanism is tested with a preset table set on the struct. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/conf.h"

static const struct naccs_config_preset test_presets[] = {
    {"uts2023", "auth", "fail_delay_ms", "3000"},
    {"uts2023", "auth", "show_locked", "yes"},
    {"nist-800-63b", "auth", "fail_delay_ms", "4000"},
    {"nist-800-63b", "hash", "pbkdf2_iterations", "700000"},
    {NULL, NULL, NULL, NULL},
};

struct fx {
	struct naccs_config cfg;
	struct naccs_err err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	naccs_config_defaults(&f->cfg);
	f->cfg.presets = test_presets;
	naccs_err_clear(&f->err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static int parse(struct fx *f, const char *text)
{
	return naccs_config_parse_text(&f->cfg, text, strlen(text), "t.conf", NULL, NULL, &f->err);
}

static int arg(struct fx *f, const char *a)
{
	return naccs_config_set_arg(&f->cfg, a, NULL, NULL, &f->err);
}

/* The item of section.key. */
static struct naccs_config_item item(const struct fx *f, const char *section, const char *key)
{
	struct naccs_config_item it;

	for (size_t i = 0; i < naccs_config_key_count(); i++) {
		assert_int_equal(naccs_config_item(&f->cfg, i, &it), 0);
		if (strcmp(it.section, section) == 0 && strcmp(it.key, key) == 0)
			return it;
	}
	fail_msg("no key %s.%s", section, key);
	return it;
}

static void assert_origin(const struct fx *f, const char *section, const char *key,
			  const char *value, enum naccs_origin_kind kind, unsigned line)
{
	struct naccs_config_item it = item(f, section, key);

	if (strcmp(it.value, value) != 0 || it.origin != kind)
		fail_msg("%s.%s = %s (%s), expected %s (%s)", section, key, it.value,
			 naccs_config_origin_name(it.origin), value,
			 naccs_config_origin_name(kind));
	if (kind == NACCS_ORIGIN_FILE) {
		assert_string_equal(it.file, "t.conf");
		assert_int_equal(it.line, line);
	}
	if (kind == NACCS_ORIGIN_PROFILE)
		assert_string_equal(it.profile, naccs_policy_profile_name(f->cfg.profile));
	else
		assert_null(it.profile);
}

static void test_default_profile(void **state)
{
	struct fx *f = *state;

	assert_int_equal(f->cfg.profile, NACCS_PROFILE_UTS2012);
	assert_origin(f, "general", "policy_profile", "uts2012", NACCS_ORIGIN_DEFAULT, 0);
	assert_origin(f, "auth", "fail_delay_ms", "2000", NACCS_ORIGIN_DEFAULT, 0);
	assert_string_equal(naccs_policy_profile_name(NACCS_PROFILE_UTS2023), "uts2023");
	assert_string_equal(naccs_policy_profile_name(NACCS_PROFILE_NIST_800_63B), "nist-800-63b");
}

/* The profile line first, then an explicit key: the key wins. */
static void test_profile_before_key(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
	    parse(f, "[general]\npolicy_profile = uts2023\n[auth]\nfail_delay_ms = 10\n"), 0);
	assert_int_equal(f->cfg.profile, NACCS_PROFILE_UTS2023);
	assert_int_equal(f->cfg.fail_delay_ms, 10);
	assert_true(f->cfg.show_locked);
	assert_origin(f, "general", "policy_profile", "uts2023", NACCS_ORIGIN_FILE, 2);
	assert_origin(f, "auth", "fail_delay_ms", "10", NACCS_ORIGIN_FILE, 4);
	assert_origin(f, "auth", "show_locked", "yes", NACCS_ORIGIN_PROFILE, 0);
}

/* The explicit key first, then the profile line: the key still wins. */
static void test_profile_after_key(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
	    parse(f, "[auth]\nfail_delay_ms = 10\nshow_locked = no\n[general]\npolicy_profile = "
		     "uts2023\n"),
	    0);
	assert_int_equal(f->cfg.fail_delay_ms, 10);
	assert_false(f->cfg.show_locked);
	assert_origin(f, "auth", "fail_delay_ms", "10", NACCS_ORIGIN_FILE, 2);
	assert_origin(f, "auth", "show_locked", "no", NACCS_ORIGIN_FILE, 3);
	assert_origin(f, "general", "policy_profile", "uts2023", NACCS_ORIGIN_FILE, 5);
}

/* Arguments come after the file: an argument key overrides a preset and a
 * file line; an argument profile replaces the file's profile, whose presets
 * are taken back, and still leaves every explicit key alone. */
static void test_arguments(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "[general]\npolicy_profile = uts2023\n"), 0);
	assert_int_equal(f->cfg.fail_delay_ms, 3000);
	assert_int_equal(arg(f, "auth.fail_delay_ms=20"), 0);
	assert_origin(f, "auth", "fail_delay_ms", "20", NACCS_ORIGIN_ARG, 0);
	assert_int_equal(arg(f, "general.policy_profile=nist-800-63b"), 0);
	assert_int_equal(f->cfg.profile, NACCS_PROFILE_NIST_800_63B);
	assert_origin(f, "general", "policy_profile", "nist-800-63b", NACCS_ORIGIN_ARG, 0);
	assert_origin(f, "auth", "fail_delay_ms", "20", NACCS_ORIGIN_ARG, 0);
	/* uts2023's preset is gone: back to the built-in default. */
	assert_origin(f, "auth", "show_locked", "no", NACCS_ORIGIN_DEFAULT, 0);
	assert_origin(f, "hash", "pbkdf2_iterations", "700000", NACCS_ORIGIN_PROFILE, 0);
	/* And back to the default profile: no presets at all. */
	assert_int_equal(arg(f, "general.policy_profile=uts2012"), 0);
	assert_origin(f, "hash", "pbkdf2_iterations", "600000", NACCS_ORIGIN_DEFAULT, 0);
	assert_int_equal(f->cfg.hash.pbkdf2_iterations, 600000);
}

/* A profile given only as an argument, with keys from the file. */
static void test_argument_profile_keeps_file_keys(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "[auth]\nshow_locked = no\n"), 0);
	assert_int_equal(arg(f, "general.policy_profile=uts2023"), 0);
	assert_false(f->cfg.show_locked);
	assert_origin(f, "auth", "show_locked", "no", NACCS_ORIGIN_FILE, 2);
	assert_origin(f, "auth", "fail_delay_ms", "3000", NACCS_ORIGIN_PROFILE, 0);
	assert_int_equal(naccs_config_validate(&f->cfg, &f->err), 0);
}

static void test_unknown_profile(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
	    parse(f, "[auth]\nfail_delay_ms = 10\n[general]\npolicy_profile = uts2020\n"), -EINVAL);
	assert_non_null(strstr(f->err.msg, "t.conf:4"));
	assert_non_null(strstr(f->err.msg, "general.policy_profile"));
	assert_non_null(strstr(f->err.msg, "uts2012, uts2023 or nist-800-63b"));
	/* The struct is as it was. */
	assert_origin(f, "auth", "fail_delay_ms", "2000", NACCS_ORIGIN_DEFAULT, 0);
	assert_int_equal(arg(f, "general.policy_profile=NIST-800-63B"), -EINVAL);
	assert_int_equal(arg(f, "general.policy_profile="), -EINVAL);
	assert_int_equal(f->cfg.profile, NACCS_PROFILE_UTS2012);
}

/* A preset table that does not apply fails closed. */
static void test_bad_presets_fail(void **state)
{
	static const struct naccs_config_preset bad_value[] = {
	    {"uts2023", "auth", "fail_delay_ms", "soon"},
	    {NULL, NULL, NULL, NULL},
	};
	static const struct naccs_config_preset unknown_key[] = {
	    {"uts2023", "auth", "no_such_key", "1"},
	    {NULL, NULL, NULL, NULL},
	};
	static const struct naccs_config_preset profile_preset[] = {
	    {"uts2023", "general", "policy_profile", "uts2012"},
	    {NULL, NULL, NULL, NULL},
	};
	struct fx *f = *state;

	f->cfg.presets = bad_value;
	assert_int_equal(arg(f, "general.policy_profile=uts2023"), -EINVAL);
	assert_non_null(strstr(f->err.msg, "profile uts2023"));
	f->cfg.presets = unknown_key;
	assert_int_equal(arg(f, "general.policy_profile=uts2023"), -EINVAL);
	f->cfg.presets = profile_preset;
	assert_int_equal(arg(f, "general.policy_profile=uts2023"), -EINVAL);
}

/* The shipped table: each profile applies cleanly and validates. */
static void test_builtin_profiles_apply(void **state)
{
	static const char *const names[] = {"uts2012", "uts2023", "nist-800-63b"};
	struct fx *f = *state;

	for (size_t i = 0; i < 3; i++) {
		char a[64];

		naccs_config_defaults(&f->cfg);
		assert_null(f->cfg.presets);
		snprintf(a, sizeof(a), "general.policy_profile=%s", names[i]);
		assert_int_equal(arg(f, a), 0);
		assert_string_equal(naccs_policy_profile_name(f->cfg.profile), names[i]);
		assert_int_equal(naccs_config_validate(&f->cfg, &f->err), 0);
	}
}

/* What the shipped profiles mean (README "Policy profiles"): uts2012 composition
 * and periodic change; uts2023 length and blocklist, no forced periodic
 * change; nist-800-63b 15 characters, no composition, no periodic change. */
static void test_builtin_profile_presets(void **state)
{
	struct fx *f = *state;

	naccs_config_defaults(&f->cfg);
	assert_int_equal(f->cfg.password.min_classes, 3);
	assert_int_equal(f->cfg.password.max_age_days, 90);
	assert_string_equal(f->cfg.password.blocklist, "");
	assert_int_equal(arg(f, "general.policy_profile=uts2023"), 0);
	assert_int_equal(f->cfg.password.min_length, 12);
	assert_int_equal(f->cfg.password.min_classes, 0);
	assert_int_equal(f->cfg.password.max_age_days, 0);
	assert_int_equal(f->cfg.password.history, 24);
	assert_string_equal(f->cfg.password.blocklist, NACCS_DEFAULT_BLOCKLIST);
	assert_int_equal(arg(f, "general.policy_profile=nist-800-63b"), 0);
	assert_int_equal(f->cfg.password.min_length, 15);
	assert_int_equal(f->cfg.password.min_classes, 0);
	assert_int_equal(f->cfg.password.max_age_days, 0);
	assert_int_equal(f->cfg.password.history, 0);
	/* An explicit key still wins over the profile, in either order. */
	assert_int_equal(arg(f, "password.min_length=20"), 0);
	assert_int_equal(arg(f, "general.policy_profile=uts2023"), 0);
	assert_int_equal(f->cfg.password.min_length, 20);
	assert_int_equal(f->cfg.password.history, 24);
	/* Back to uts2012: every preset taken back. */
	assert_int_equal(arg(f, "general.policy_profile=uts2012"), 0);
	assert_int_equal(f->cfg.password.min_classes, 3);
	assert_int_equal(f->cfg.password.max_age_days, 90);
	assert_string_equal(f->cfg.password.blocklist, "");
}

/* Every key has an item; the owner (argument only) shows as one. */
static void test_items(void **state)
{
	struct fx *f = *state;
	struct naccs_config_item it;
	size_t n = naccs_config_key_count();

	assert_true(n > 10 && n <= NACCS_CONFIG_KEYS_MAX);
	assert_int_equal(naccs_config_item(&f->cfg, n, &it), -ENOENT);
	assert_int_equal(naccs_config_item(NULL, 0, &it), -ENOENT);
	assert_int_equal(naccs_config_set(&f->cfg, "general", "owner", "123", "argument", false,
					  NULL, NULL, &f->err),
			 0);
	assert_origin(f, "general", "owner", "123", NACCS_ORIGIN_ARG, 0);
	assert_origin(f, "hash", "algorithm", "argon2id", NACCS_ORIGIN_DEFAULT, 0);
	assert_origin(f, "hash", "engine", "auto", NACCS_ORIGIN_DEFAULT, 0);
	assert_origin(f, "identity", "login_format", "lower-dash", NACCS_ORIGIN_DEFAULT, 0);
	assert_int_equal(parse(f, "# c\n[hash]\nalgorithm = pbkdf2-sha256\n"), 0);
	assert_origin(f, "hash", "algorithm", "pbkdf2-sha256", NACCS_ORIGIN_FILE, 3);
	assert_string_equal(naccs_config_origin_name(NACCS_ORIGIN_DEFAULT), "default");
	assert_string_equal(naccs_config_origin_name(NACCS_ORIGIN_PROFILE), "profile");
	assert_string_equal(naccs_config_origin_name(NACCS_ORIGIN_FILE), "file");
	assert_string_equal(naccs_config_origin_name(NACCS_ORIGIN_ARG), "argument");
}

/* [hash] engine and algorithm combinations are checked with the other
 * cross-key rules (UTS-2.2.1.6(1)(e)(イ)). */
static void test_engine_algorithm_combinations(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "[hash]\nalgorithm = pbkdf2-sha256\n"), 0);
	assert_int_equal(naccs_config_validate(&f->cfg, &f->err), 0);
	assert_int_equal(arg(f, "hash.engine=openssl"), 0);
	assert_int_equal(naccs_config_validate(&f->cfg, &f->err), 0);
	assert_int_equal(arg(f, "hash.engine=libsodium"), 0);
	assert_int_equal(naccs_config_validate(&f->cfg, &f->err), -EINVAL);
	assert_non_null(strstr(f->err.msg, "hash.engine = libsodium computes only argon2id"));
	assert_int_equal(arg(f, "hash.algorithm=argon2id"), 0);
	assert_int_equal(naccs_config_validate(&f->cfg, &f->err), 0);
	assert_int_equal(arg(f, "hash.engine=openssl"), 0);
	assert_int_equal(naccs_config_validate(&f->cfg, &f->err), -EINVAL);
	assert_non_null(strstr(f->err.msg, "computes only pbkdf2-sha256"));
	assert_int_equal(arg(f, "hash.engine=auto"), 0);
	assert_int_equal(arg(f, "hash.pbkdf2_iterations=99999"), 0);
	assert_int_equal(naccs_config_validate(&f->cfg, &f->err), -EINVAL);
	assert_non_null(strstr(f->err.msg, "hash.pbkdf2_iterations"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_default_profile),
	    T(test_profile_before_key),
	    T(test_profile_after_key),
	    T(test_arguments),
	    T(test_argument_profile_keeps_file_keys),
	    T(test_unknown_profile),
	    T(test_bad_presets_fail),
	    T(test_builtin_profiles_apply),
	    T(test_builtin_profile_presets),
	    T(test_items),
	    T(test_engine_algorithm_combinations),
	};

	return cmocka_run_group_tests_name("naccs_profile", tests, NULL, NULL);
}
