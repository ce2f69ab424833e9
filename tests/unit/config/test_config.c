/* The policy configuration.  Every policy value is a documented key with a
 * documented default (UTS-2.2.1.1(1)(e)(ウ)); the file is only read when it is
 * trusted (UTS-2.2.1.2(2)(a)); bad values and keys of rules not implemented
 * yet fail closed with FILE:LINE, unknown keys only warn. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/conf.h"
#include "testutil.h"

struct warnings {
	int count;
	char all[8192]; /* every warning, one per line */
};

struct fixture {
	char *dir;
	char *conf; /* dir/naccs.conf once written */
	struct naccs_config cfg;
	struct naccs_err err;
	struct warnings warn;
};

static void collect_warning(void *ctx, const char *msg)
{
	struct warnings *w = ctx;
	size_t used = strlen(w->all);

	w->count++;
	snprintf(w->all + used, sizeof(w->all) - used, "%s\n", msg);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->dir = tu_mkdtemp("config");
	naccs_config_defaults(&fx->cfg);
	/* Trusted means owned by this uid here: the tests run as any user. */
	fx->cfg.owner_uid = getuid();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	chmod(fx->dir, 0700);
	free(fx->conf);
	tu_rmtree_free(fx->dir);
	free(fx);
	return 0;
}

static void write_conf(struct fixture *fx, const char *text)
{
	free(fx->conf);
	fx->conf = tu_write_file(fx->dir, "naccs.conf", text, 0600);
}

/* For content with NUL bytes, which tu_write_file cannot express. */
static void write_conf_bytes(struct fixture *fx, const char *bytes, size_t len)
{
	int fd;

	write_conf(fx, "");
	fd = open(fx->conf, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

static int load(struct fixture *fx)
{
	return naccs_config_load(&fx->cfg, fx->conf, true, collect_warning, &fx->warn, &fx->err);
}

static int load_text(struct fixture *fx, const char *text)
{
	write_conf(fx, text);
	return load(fx);
}

static int set_arg(struct fixture *fx, const char *arg)
{
	return naccs_config_set_arg(&fx->cfg, arg, collect_warning, &fx->warn, &fx->err);
}

/* err.msg must name the file and line: "PATH:LINE: ..." */
static void assert_msg_at_line(const struct fixture *fx, unsigned line)
{
	char prefix[PATH_MAX + 32];

	snprintf(prefix, sizeof(prefix), "%s:%u: ", fx->conf, line);
	if (strncmp(fx->err.msg, prefix, strlen(prefix)) != 0)
		fail_msg("expected message at '%s', got '%s'", prefix, fx->err.msg);
}

static void test_defaults(void **state)
{
	struct naccs_config cfg;
	struct naccs_hash_params hash;
	struct naccs_err err = {0};
	(void)state;

	memset(&cfg, 0xA5, sizeof(cfg));
	naccs_config_defaults(&cfg);
	naccs_hash_params_default(&hash);
	assert_string_equal(cfg.conf_path, "");
	assert_int_equal(cfg.owner_uid, 0);
	assert_false(cfg.debug);
	assert_memory_equal(&cfg.hash, &hash, sizeof(hash));
	assert_string_equal(cfg.store_path, NACCS_DEFAULT_STORE);
	assert_int_equal(cfg.store_timeout_ms, 5000);
	assert_int_equal(cfg.fail_delay_ms, 2000);
	assert_int_equal(cfg.login_format, NACCS_LOGIN_LOWER_DASH);
	assert_int_equal(cfg.uid_min, 20000);
	assert_int_equal(cfg.uid_max, 29999);
	assert_int_equal(cfg.default_gid, 100);
	assert_string_equal(cfg.home_base, "/home");
	assert_string_equal(cfg.shell, "/bin/bash");
	assert_int_equal(naccs_config_validate(&cfg, &err), 0);
}

static const char full_file[] = "# naccs.conf used by test_full_file\n"
				"; both comment styles\n"
				"\n"
				"[general]\n"
				"debug = yes\n"
				"[hash]\n"
				"engine = libargon2\n"
				"algorithm = argon2id\n"
				"memory_kib = 19456\n"
				"time_cost = 2\n"
				"parallelism = 4\n"
				"salt_bytes = 32\n"
				"hash_bytes = 64\n"
				"max_password_bytes = 256\n"
				"[store]\n"
				"path = /srv/naccs/naccs.db\n"
				"timeout_ms = 1500\n"
				"[auth]\n"
				"fail_delay_ms = 0\n"
				"[identity]\n"
				"login_format = upper\n"
				"uid_min = 30000\n"
				"uid_max = 39999\n"
				"gid = 2000\n"
				"home_base = /export/home\n"
				"shell = /bin/sh\n";

static void test_full_file(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load_text(fx, full_file), 0);
	assert_int_equal(fx->warn.count, 0);
	assert_int_equal(fx->err.code, 0);
	assert_string_equal(fx->cfg.conf_path, fx->conf);
	assert_true(fx->cfg.debug);
	assert_int_equal(fx->cfg.hash.engine, NACCS_ENGINE_LIBARGON2);
	assert_int_equal(fx->cfg.hash.alg, NACCS_ALG_ARGON2ID);
	assert_int_equal(fx->cfg.hash.m_kib, 19456);
	assert_int_equal(fx->cfg.hash.t_cost, 2);
	assert_int_equal(fx->cfg.hash.parallelism, 4);
	assert_int_equal(fx->cfg.hash.salt_len, 32);
	assert_int_equal(fx->cfg.hash.hash_len, 64);
	assert_int_equal(fx->cfg.hash.max_password_bytes, 256);
	assert_string_equal(fx->cfg.store_path, "/srv/naccs/naccs.db");
	assert_int_equal(fx->cfg.store_timeout_ms, 1500);
	assert_int_equal(fx->cfg.fail_delay_ms, 0);
	assert_int_equal(fx->cfg.login_format, NACCS_LOGIN_UPPER);
	assert_int_equal(fx->cfg.uid_min, 30000);
	assert_int_equal(fx->cfg.uid_max, 39999);
	assert_int_equal(fx->cfg.default_gid, 2000);
	assert_string_equal(fx->cfg.home_base, "/export/home");
	assert_string_equal(fx->cfg.shell, "/bin/sh");
	/* The owner is never taken from the file. */
	assert_int_equal(fx->cfg.owner_uid, getuid());
	assert_int_equal(naccs_config_validate(&fx->cfg, &fx->err), 0);
}

/* Each key: a value that must be accepted and values that must be refused,
 * through the one setter, as the file uses it. */
struct key_case {
	const char *section, *key, *good;
	const char *bad[4];
};

static const struct key_case key_cases[] = {
    {"general", "debug", "TRUE", {"maybe", "", "2", "yess"}},
    {"hash", "engine", "libsodium", {"gnutls", "", "LIBSODIUM", "auto "}},
    {"hash", "algorithm", "argon2id", {"argon2i", "pbkdf2", "", "ARGON2ID"}},
    {"hash", "algorithm", "pbkdf2-sha256", {"pbkdf2-sha512", "PBKDF2-SHA256", "sha256", " "}},
    {"hash", "pbkdf2_iterations", "600000", {"0", "-1", "6e5", "4294967296"}},
    {"hash", "memory_kib", "65536", {"0", "-1", "1048577", "4294967296"}},
    {"hash", "time_cost", "3", {"0", "+3", "3.0", "0x3"}},
    {"hash", "parallelism", "2", {"0", "16777216", "two", ""}},
    {"hash", "salt_bytes", "16", {"0", "65", "1e2", " "}},
    {"hash", "hash_bytes", "32", {"0", "65", "-32", "32 "}},
    {"hash", "max_password_bytes", "1024", {"0", "99999999999999999999", "12abc", ""}},
    {"store", "path", "/var/lib/naccs/x.db", {"relative/x.db", "", "/a\nb", "/a\tb"}},
    {"store", "timeout_ms", "100", {"99", "600001", "-100", "5s"}},
    {"auth", "fail_delay_ms", "60000", {"60001", "-1", "1.5", ""}},
    {"identity", "login_format", "upper-dash", {"UPPER", "dash", "", "lower_dash"}},
    {"identity", "uid_min", "1000", {"999", "0", "4294967295", "-1"}},
    {"identity", "uid_max", "4294967294", {"4294967295", "999", "1e9", ""}},
    {"identity", "gid", "4294967294", {"0", "4294967295", "-1", "users"}},
    {"identity", "home_base", "/home/naccs", {"home", "/a:b", "", "/x\x1b[31m"}},
    {"identity", "shell", "/usr/bin/zsh", {"zsh", "/bin/a:b", "", "/bin/\x7f"}},
    /* #9: a prefix for user codes that start with a digit; homes. */
    {"identity", "login_prefix", "site_", {"", "1n", "N", "abcdefghi"}},
    {"identity", "login_prefix", "n-1", {"n.", "n/", "-n", "n\x1b"}},
    {"identity", "create_home", "no", {"maybe", "", "2", "off"}},
    {"identity", "skel", "/srv/skel", {"skel", "/a\nb", "./x", "~/x"}},
    {"identity", "home_mode", "0750", {"0770", "0702", "8", "01700"}},
    {"identity", "home_mode", "700", {"", "0x1c0", "-700", "0755 "}},
    /* UTS-2.2.1.3(2)(g)(ア) */
    {"identity", "require_staff_number", "yes", {"maybe", "", "2", "off"}},
    /* [password] (UTS-2.2.1.1(1)(e)(ウ), (g)(オ), (c)) */
    {"password", "min_length", "12", {"0", "513", "-1", ""}},
    {"password", "max_length", "64", {"0", "513", "x", ""}},
    {"password", "min_classes", "2", {"6", "-1", "two", ""}},
    {"password", "classes", "upper, lower,other", {"", "upper,,x", "kana", "UPPER"}},
    {"password", "max_repeat", "0", {"513", "-1", "no", ""}},
    {"password", "max_sequence", "5", {"513", "-1", "1.0", ""}},
    {"password", "user_check", "no", {"maybe", "", "2", "off"}},
    {"password", "dictionary_check", "no", {"maybe", "", "2", "off"}},
    {"password", "dictionary", "/usr/share/dict/x", {"dict", "", "/a\nb", "/a\tb"}},
    {"password", "blocklist", "/etc/naccs/blocklist", {"blocklist", "/a\nb", "./x", "~/x"}},
    {"password", "min_diff", "0", {"513", "-1", "x", ""}},
    {"password", "history", "0", {"401", "-1", "x", ""}},
    {"password", "min_age_days", "0", {"3651", "-1", "1d", ""}},
    {"password", "max_age_days", "365", {"3651", "-1", "1d", ""}},
    {"password", "warn_days", "7", {"3651", "-1", "1w", ""}},
    {"password", "grace_days", "30", {"3651", "-1", "x", ""}},
    {"password", "retry", "1", {"0", "11", "x", ""}},
};

static void test_each_key(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
		const struct key_case *kc = &key_cases[i];
		char name[64];

		snprintf(name, sizeof(name), "%s.%s", kc->section, kc->key);
		if (naccs_config_set(&fx->cfg, kc->section, kc->key, kc->good, "test:1", true, NULL,
				     NULL, &fx->err) != 0)
			fail_msg("%s = '%s' refused: %s", name, kc->good, fx->err.msg);
		for (size_t j = 0; j < 4 && kc->bad[j] != NULL; j++) {
			int rc = naccs_config_set(&fx->cfg, kc->section, kc->key, kc->bad[j],
						  "test:2", true, NULL, NULL, &fx->err);

			if (rc != -EINVAL)
				fail_msg("%s = '%s' accepted (rc %d)", name, kc->bad[j], rc);
			/* The message names origin, key and what is accepted. */
			assert_non_null(strstr(fx->err.msg, "test:2: "));
			assert_non_null(strstr(fx->err.msg, name));
			assert_non_null(strstr(fx->err.msg, "expected"));
			/* Control characters never reach the message. */
			assert_null(strpbrk(fx->err.msg, "\n\t\x1b\x7f"));
		}
	}
	/* A refused value leaves the previous one in place. */
	assert_int_equal(fx->cfg.uid_max, 4294967294U);
	assert_string_equal(fx->cfg.shell, "/usr/bin/zsh");
	assert_int_equal(fx->cfg.hash.engine, NACCS_ENGINE_LIBSODIUM);
}

static void test_bool_spellings(void **state)
{
	struct fixture *fx = *state;
	static const char *const yes[] = {"yes", "true", "1", "Yes", "TRUE"};
	static const char *const no[] = {"no", "false", "0", "No", "FALSE"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		fx->cfg.debug = false;
		assert_int_equal(naccs_config_set(&fx->cfg, "general", "debug", yes[i], NULL, false,
						  NULL, NULL, &fx->err),
				 0);
		assert_true(fx->cfg.debug);
		assert_int_equal(naccs_config_set(&fx->cfg, "general", "debug", no[i], NULL, false,
						  NULL, NULL, &fx->err),
				 0);
		assert_false(fx->cfg.debug);
	}
}

static void test_bad_numbers_from_file(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = {"-1", "99999999999999999999", "12abc", "", "4294967296"};
	char text[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[hash]\nmemory_kib = 1024\ntime_cost = %s\n", bad[i]);
		assert_int_equal(load_text(fx, text), -EINVAL);
		assert_msg_at_line(fx, 3);
		assert_non_null(strstr(fx->err.msg, "hash.time_cost"));
		assert_non_null(strstr(fx->err.msg, "a whole number from 1 to 4294967295"));
		/* A file with an error changes nothing. */
		assert_int_equal(fx->cfg.hash.m_kib, 65536);
		assert_string_equal(fx->cfg.conf_path, "");
	}
}

static void test_arguments_override_file(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load_text(fx, "[hash]\ntime_cost = 4\n[auth]\nfail_delay_ms = 100\n"), 0);
	assert_int_equal(fx->cfg.hash.t_cost, 4);
	assert_int_equal(set_arg(fx, "hash.time_cost=5"), 0);
	assert_int_equal(set_arg(fx, "auth.fail_delay_ms=0"), 0);
	assert_int_equal(set_arg(fx, "store.path=/tmp/x=y.db"), 0);
	assert_int_equal(fx->cfg.hash.t_cost, 5);
	assert_int_equal(fx->cfg.fail_delay_ms, 0);
	assert_string_equal(fx->cfg.store_path, "/tmp/x=y.db");

	/* Arguments go through the same checks as the file. */
	assert_int_equal(set_arg(fx, "hash.time_cost=-5"), -EINVAL);
	assert_non_null(strstr(fx->err.msg, "argument: hash.time_cost = '-5' is not valid"));
	assert_int_equal(fx->cfg.hash.t_cost, 5);
}

static void test_owner_only_from_arguments(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load_text(fx, "[general]\nowner = 0\n"), -EINVAL);
	assert_msg_at_line(fx, 2);
	assert_non_null(
	    strstr(fx->err.msg, "general.owner can only be given as a module argument"));
	assert_int_equal(fx->cfg.owner_uid, getuid());

	assert_int_equal(set_arg(fx, "general.owner=1234"), 0);
	assert_int_equal(fx->cfg.owner_uid, 1234);
	assert_int_equal(set_arg(fx, "general.owner=4294967295"), -EINVAL);
	assert_int_equal(set_arg(fx, "general.owner=root"), -EINVAL);
	assert_int_equal(fx->cfg.owner_uid, 1234);
}

static void test_unknown_keys_warn(void **state)
{
	struct fixture *fx = *state;
	char expect[PATH_MAX + 128];

	assert_int_equal(load_text(fx, "[hash]\n"
				       "time_cost = 4\n"
				       "colour = blue\n"
				       "[nonsense]\n"
				       "a = b\n"
				       "[auth]\n"
				       "fail_delay_ms = 10\n"),
			 0);
	assert_int_equal(fx->warn.count, 2);
	snprintf(expect, sizeof(expect), "%s:3: unknown key 'colour' in section [hash] (ignored)\n",
		 fx->conf);
	assert_non_null(strstr(fx->warn.all, expect));
	snprintf(expect, sizeof(expect), "%s:5: unknown section [nonsense] (key 'a' ignored)\n",
		 fx->conf);
	assert_non_null(strstr(fx->warn.all, expect));
	/* The rest of the file still applies, and a success leaves no error. */
	assert_int_equal(fx->cfg.hash.t_cost, 4);
	assert_int_equal(fx->cfg.fail_delay_ms, 10);
	assert_int_equal(fx->err.code, 0);

	/* The setter itself reports -ENOENT, with or without a callback. */
	assert_int_equal(set_arg(fx, "hash.colour=red"), -ENOENT);
	assert_int_equal(fx->warn.count, 3);
	assert_int_equal(
	    naccs_config_set(&fx->cfg, "x", "y", "z", "here", false, NULL, NULL, &fx->err),
	    -ENOENT);
	assert_string_equal(fx->err.msg, "here: unknown section [x] (key 'y' ignored)");
}

/* Sections whose rules do not exist yet: a key there is an error, not a
 * warning, so that an administrator who writes "deny = 5" in [lockout]
 * cannot believe accounts lock (fail closed; UTS-2.2.1.1(1)(e)(ウ): the
 * documented policy is the one enforced).  The same through an argument. */
static void test_reserved_sections_refused(void **state)
{
	struct fixture *fx = *state;
	/* [su] is implemented (#8); [access] only admin_allowed_networks and
	 * rule_NAME, [session] only max_sessions_per_id and session_dir, so
	 * their other keys are still refused (tests/unit/rules/test_access.c,
	 * tests/unit/rules/test_access_window.c). */
	static const char *const reserved[] = {"session", "access", "audit", "nss", "mfa"};
	char text[128], expect[PATH_MAX + 160], arg[64];

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		fx->warn.count = 0;
		fx->warn.all[0] = '\0';
		snprintf(text, sizeof(text), "[auth]\nfail_delay_ms = 7\n[%s]\nsome_rule = 12\n",
			 reserved[i]);
		assert_int_equal(load_text(fx, text), -EINVAL);
		assert_int_equal(fx->err.code, EINVAL);
		snprintf(expect, sizeof(expect),
			 "%s:4: [%s] some_rule: the rules of this section are not implemented in "
			 "this version (refused: the setting would have no effect)",
			 fx->conf, reserved[i]);
		assert_string_equal(fx->err.msg, expect);
		/* An error, not a warning; and nothing of the file applies. */
		assert_int_equal(fx->warn.count, 0);
		assert_int_equal(fx->cfg.fail_delay_ms, 2000);
		assert_string_equal(fx->cfg.conf_path, "");

		snprintf(arg, sizeof(arg), "%s.some_rule=12", reserved[i]);
		assert_int_equal(set_arg(fx, arg), -EINVAL);
		assert_non_null(strstr(fx->err.msg, "argument: ["));
		assert_non_null(strstr(fx->err.msg, "not implemented in this version"));
		assert_int_equal(fx->warn.count, 0);
	}
	/* An empty reserved section is simply accepted (the shipped example
	 * lists them all). */
	assert_int_equal(load_text(fx, "[mfa]\n[su]\n# rule = 5\n"), 0);
	assert_int_equal(fx->warn.count, 0);
	/* A hostile key name is quoted harmlessly. */
	assert_int_equal(naccs_config_set(&fx->cfg, "mfa", "a\x1b[2Jb", "1", "here", false, NULL,
					  NULL, &fx->err),
			 -EINVAL);
	assert_null(strchr(fx->err.msg, '\x1b'));
}

/* hash.memory_kib is capped at 1 GiB until concurrent verifications are
 * bounded (UTS-2.2.1.6(1)(e)); the cap is the setter's and the validator's. */
static void test_memory_cap(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(set_arg(fx, "hash.memory_kib=1048576"), 0);
	assert_int_equal(fx->cfg.hash.m_kib, 1048576);
	assert_int_equal(naccs_config_validate(&fx->cfg, &fx->err), 0);
	assert_int_equal(set_arg(fx, "hash.memory_kib=1048577"), -EINVAL);
	assert_non_null(strstr(fx->err.msg, "a whole number from 1 to 1048576"));
	assert_int_equal(load_text(fx, "[hash]\nmemory_kib = 4194304\n"), -EINVAL);
	assert_msg_at_line(fx, 2);
	assert_int_equal(fx->cfg.hash.m_kib, 1048576);
}

struct syntax_case {
	const char *text;
	unsigned line;
	const char *what;
};

static void test_syntax_errors(void **state)
{
	struct fixture *fx = *state;
	static const struct syntax_case cases[] = {
	    {"debug = yes\n", 1, "key outside any section"},
	    {"# c\n\nstore_path = /x\n[store]\n", 3, "key outside any section"},
	    {"[general\ndebug = yes\n", 1, "malformed section header"},
	    {"[]\n", 1, "malformed section header"},
	    {"[ha sh]\n", 1, "malformed section header"},
	    {"[hash] # comment\n", 1, "malformed section header"},
	    {"[[hash]]\n", 1, "malformed section header"},
	    {"[general]\ndebug\n", 2, "missing '='"},
	    {"[general]\n\n\ndebug yes\n", 4, "missing '='"},
	    {"[general]\n= yes\n", 2, "malformed key name"},
	    {"[general]\nde bug = yes\n", 2, "malformed key name"},
	    {"[store]\npath = \"/x\n", 2, "unterminated quoted value"},
	    {"[store]\npath = \"\n", 2, "unterminated quoted value"},
	    {"[general]\n# caf\xff\n", 2, "invalid UTF-8"},
	    {"[general]\ndebug = \xc0\xaf\n", 2, "invalid UTF-8"},	     /* over-long '/' */
	    {"[general]\ndebug = \xed\xa0\x80\n", 2, "invalid UTF-8"},	     /* surrogate */
	    {"[general]\ndebug = \xe3\x81\n", 2, "invalid UTF-8"},	     /* truncated */
	    {"\n[general]\ndebug = \xf4\x90\x80\x80\n", 3, "invalid UTF-8"}, /* > U+10FFFF */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = load_text(fx, cases[i].text);

		if (rc != -EINVAL)
			fail_msg("case %zu: rc %d, message '%s'", i, rc, fx->err.msg);
		assert_msg_at_line(fx, cases[i].line);
		assert_non_null(strstr(fx->err.msg, cases[i].what));
		assert_string_equal(fx->cfg.conf_path, "");
	}
}

static void test_nul_byte(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "[general]\ndebug = yes\ndebug = n\0o\n";

	write_conf_bytes(fx, text, sizeof(text) - 1);
	assert_int_equal(load(fx), -EINVAL);
	assert_msg_at_line(fx, 3);
	assert_non_null(strstr(fx->err.msg, "NUL"));
	assert_false(fx->cfg.debug);
}

/* "SECTION\nLINE\n" where LINE is key_eq followed by filler up to line_len bytes. */
static void build_long_line(char *text, const char *section, const char *key_eq, char filler,
			    size_t line_len)
{
	size_t head = strlen(section) + strlen(key_eq);

	strcpy(text, section);
	strcat(text, key_eq);
	memset(text + head, filler, line_len - strlen(key_eq));
	strcpy(text + strlen(section) + line_len, "\n");
}

static void test_long_lines(void **state)
{
	struct fixture *fx = *state;
	char text[1200];

	/* 1024 bytes is the longest line accepted, not counting the newline:
	 * this one reaches the setter, which refuses a 1017-byte shell. */
	build_long_line(text, "[identity]\n", "shell = /", 'a', 1024);
	assert_int_equal(load_text(fx, text), -EINVAL);
	assert_msg_at_line(fx, 2);
	assert_non_null(strstr(fx->err.msg, "identity.shell"));

	build_long_line(text, "[identity]\n", "#", '#', 1024);
	assert_int_equal(load_text(fx, text), 0);

	build_long_line(text, "[identity]\n", "#", '#', 1025);
	assert_int_equal(load_text(fx, text), -EINVAL);
	assert_msg_at_line(fx, 2);
	assert_non_null(strstr(fx->err.msg, "line longer than 1024 bytes"));
}

static void test_layout_tolerated(void **state)
{
	struct fixture *fx = *state;

	/* BOM, CRLF, indentation, blanks inside brackets, quotes, no final newline. */
	assert_int_equal(load_text(fx, "\xef\xbb\xbf# comment\r\n"
				       "   ; indented comment\r\n"
				       "\t[ store ]  \r\n"
				       "  path\t=  \"/var/lib/naccs dir/naccs.db\"  \r\n"
				       "timeout_ms=250\r\n"
				       "[identity]\n"
				       "shell = \"/bin/sh\"\n"
				       "home_base = /home/\xe7\x94\xb0\xe4\xb8\xad"),
			 0);
	assert_string_equal(fx->cfg.store_path, "/var/lib/naccs dir/naccs.db");
	assert_int_equal(fx->cfg.store_timeout_ms, 250);
	assert_string_equal(fx->cfg.shell, "/bin/sh");
	assert_string_equal(fx->cfg.home_base, "/home/\xe7\x94\xb0\xe4\xb8\xad");

	/* A quoted empty value is an empty value (refused for a path). */
	assert_int_equal(load_text(fx, "[store]\npath = \"\"\n"), -EINVAL);
	assert_msg_at_line(fx, 2);

	/* An empty file keeps the defaults but records that it was read. */
	assert_int_equal(load_text(fx, ""), 0);
	assert_string_equal(fx->cfg.conf_path, fx->conf);
}

static void test_missing_files(void **state)
{
	struct fixture *fx = *state;
	char *gone = NULL, expect[PATH_MAX + 32];

	assert_true(asprintf(&gone, "%s/absent.conf", fx->dir) > 0);
	/* The default path may be absent: defaults are kept. */
	assert_int_equal(naccs_config_load(&fx->cfg, gone, false, NULL, NULL, &fx->err), 0);
	assert_string_equal(fx->cfg.conf_path, "");
	assert_int_equal(fx->cfg.hash.t_cost, 3);

	/* A file named by the administrator must exist. */
	assert_int_equal(naccs_config_load(&fx->cfg, gone, true, NULL, NULL, &fx->err), -ENOENT);
	snprintf(expect, sizeof(expect), "%s: no such file", gone);
	assert_string_equal(fx->err.msg, expect);
	free(gone);
}

static void test_untrusted_files_refused(void **state)
{
	struct fixture *fx = *state;
	char *link = NULL;

	write_conf(fx, "[general]\ndebug = yes\n");
	assert_int_equal(chmod(fx->conf, 0664), 0);
	assert_int_equal(load(fx), -EPERM);
	assert_non_null(strstr(fx->err.msg, "writable by group or others (mode 0664)"));
	assert_int_equal(chmod(fx->conf, 0644), 0);

	fx->cfg.owner_uid = getuid() + 1;
	assert_int_equal(load(fx), -EPERM);
	assert_non_null(strstr(fx->err.msg, "owned by uid"));
	fx->cfg.owner_uid = getuid();

	/* The directory that holds it counts too. */
	assert_int_equal(chmod(fx->dir, 0777), 0);
	assert_int_equal(load(fx), -EPERM);
	assert_non_null(strstr(fx->err.msg, fx->dir));
	assert_int_equal(chmod(fx->dir, 0700), 0);

	/* A symbolic link is refused, even when it points to a good file, and
	 * even when the caller does not insist on the file existing. */
	assert_true(asprintf(&link, "%s/link.conf", fx->dir) > 0);
	assert_int_equal(symlink(fx->conf, link), 0);
	assert_int_equal(naccs_config_load(&fx->cfg, link, false, NULL, NULL, &fx->err), -EINVAL);
	assert_non_null(strstr(fx->err.msg, "symbolic link"));

	/* A directory is not a config file. */
	assert_int_equal(naccs_config_load(&fx->cfg, fx->dir, true, NULL, NULL, &fx->err), -EINVAL);
	assert_false(fx->cfg.debug);
	assert_int_equal(load(fx), 0);
	assert_true(fx->cfg.debug);
	free(link);
}

static void test_fifo_does_not_hang(void **state)
{
	struct fixture *fx = *state;
	char *fifo = NULL;

	assert_true(asprintf(&fifo, "%s/fifo.conf", fx->dir) > 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(naccs_config_load(&fx->cfg, fifo, true, NULL, NULL, &fx->err), -EINVAL);
	free(fifo);
}

static void test_oversized_file(void **state)
{
	struct fixture *fx = *state;
	size_t len = 1024 * 1024 + 1;
	char *text = malloc(len + 1);

	assert_non_null(text);
	memset(text, '\n', len);
	text[len] = '\0';
	assert_int_equal(load_text(fx, text), -EFBIG);
	text[len - 1] = '\0'; /* exactly 1 MiB of blank lines is fine */
	assert_int_equal(load_text(fx, text), 0);
	free(text);
}

static void test_set_arg_forms(void **state)
{
	struct fixture *fx = *state;
	static const char *const malformed[] = {
	    "",
	    "hash",
	    "hash.time_cost",
	    "=3",
	    ".time_cost=3",
	    "hash.=3",
	    "time_cost=3",
	    "time_cost=hash.3",
	    /* names longer than any section or key (64 bytes and more) */
	    "a_section_name_that_goes_on_and_on_and_on_and_on_and_on_and_on_x.k=1",
	    "hash.a_key_name_that_goes_on_and_on_and_on_and_on_and_on_and_on_and_on=1",
	};

	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		if (set_arg(fx, malformed[i]) != -EINVAL)
			fail_msg("accepted argument '%s'", malformed[i]);
		assert_non_null(strstr(fx->err.msg, "expected section.key=value"));
	}
	assert_int_equal(set_arg(fx, NULL), -EINVAL);
	assert_int_equal(set_arg(fx, "identity.login_format=upper"), 0);
	assert_int_equal(fx->cfg.login_format, NACCS_LOGIN_UPPER);

	/* A hostile value is quoted harmlessly. */
	assert_int_equal(set_arg(fx, "store.path=\x1b]0;owned\x07"), -EINVAL);
	assert_null(strchr(fx->err.msg, '\x1b'));
	assert_null(strchr(fx->err.msg, '\x07'));
}

static void test_validate(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(naccs_config_validate(&fx->cfg, &fx->err), 0);

	assert_int_equal(set_arg(fx, "identity.uid_min=40000"), 0);
	assert_int_equal(naccs_config_validate(&fx->cfg, &fx->err), -EINVAL);
	assert_string_equal(fx->err.msg,
			    "identity.uid_min (40000) is greater than identity.uid_max (29999)");
	assert_int_equal(set_arg(fx, "identity.uid_max=40000"), 0);
	assert_int_equal(naccs_config_validate(&fx->cfg, &fx->err), 0);

	/* libsodium computes only one lane: the combination fails closed. */
	assert_int_equal(set_arg(fx, "hash.engine=libsodium"), 0);
	assert_int_equal(set_arg(fx, "hash.parallelism=2"), 0);
	assert_int_equal(naccs_config_validate(&fx->cfg, &fx->err), -EINVAL);
	assert_int_equal(fx->err.code, EINVAL);
	assert_non_null(strstr(fx->err.msg, "[hash]"));
	assert_int_equal(set_arg(fx, "hash.engine=libargon2"), 0);
	assert_int_equal(naccs_config_validate(&fx->cfg, &fx->err), 0);
	assert_int_equal(set_arg(fx, "hash.engine=auto"), 0);
	assert_int_equal(naccs_config_validate(&fx->cfg, &fx->err), 0);
}

/* The shipped example, as is and with every "#key = value" line enabled,
 * must load without a warning and give exactly the built-in defaults: the
 * documented policy values are the real ones (UTS-2.2.1.1(1)(e)(ウ)). */
static char *read_example(void)
{
	const char *top = getenv("NACCS_TOP_SRCDIR");
	char *path = NULL, *text;
	FILE *f;
	long len;

	if (top == NULL)
		top = ".";
	if (asprintf(&path, "%s/etc/naccs.conf.example", top) < 0)
		return NULL;
	f = fopen(path, "re");
	free(path);
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	if (text != NULL && fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* "#name = value" becomes "name = value"; prose comments stay. */
static void enable_example_keys(char *text)
{
	for (char *line = text; line != NULL && *line != '\0';) {
		char *nl = strchr(line, '\n');

		if (line[0] == '#' && line[1] >= 'a' && line[1] <= 'z' &&
		    strstr(line, " = ") != NULL && (nl == NULL || strstr(line, " = ") < nl))
			line[0] = ' ';
		line = nl != NULL ? nl + 1 : NULL;
	}
}

/* Field by field: struct padding is not part of the configuration. */
static void assert_same_as_defaults(const struct naccs_config *cfg, const char *store_path)
{
	struct naccs_config def;

	naccs_config_defaults(&def);
	assert_int_equal(cfg->debug, def.debug);
	assert_int_equal(cfg->profile, def.profile);
	assert_memory_equal(&cfg->hash, &def.hash, sizeof(def.hash));
	assert_string_equal(cfg->store_path, store_path);
	assert_int_equal(cfg->store_timeout_ms, def.store_timeout_ms);
	assert_int_equal(cfg->fail_delay_ms, def.fail_delay_ms);
	assert_int_equal(cfg->login_format, def.login_format);
	assert_int_equal(cfg->uid_min, def.uid_min);
	assert_int_equal(cfg->uid_max, def.uid_max);
	assert_int_equal(cfg->default_gid, def.default_gid);
	assert_string_equal(cfg->home_base, def.home_base);
	assert_string_equal(cfg->shell, def.shell);
}

static void test_example_documents_defaults(void **state)
{
	struct fixture *fx = *state;
	char *text = read_example();

	if (text == NULL)
		skip(); /* run from the top of the tree or with NACCS_TOP_SRCDIR */
	assert_int_equal(load_text(fx, text), 0);
	assert_int_equal(fx->warn.count, 0);
	assert_same_as_defaults(&fx->cfg, NACCS_DEFAULT_STORE);

	enable_example_keys(text);
	assert_non_null(strstr(text, "\n memory_kib = 65536\n"));
	assert_non_null(strstr(text, "\n shell = /bin/bash\n"));
	assert_int_equal(load_text(fx, text), 0);
	if (fx->warn.count != 0)
		fail_msg("warnings: %s", fx->warn.all);
	/* The example names the packaged location; a build with another
	 * localstatedir (./configure without --localstatedir=/var) differs. */
	assert_same_as_defaults(&fx->cfg, "/var/lib/naccs/naccs.db");
	free(text);
}

/* The parse step alone (what naccs_config_load does after its trust checks
 * and read), on text in memory: the same rules, the caller's name in
 * messages, and cfg untouched on error. */
static void test_parse_text(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "[auth]\nfail_delay_ms = 10\n[hash]\ncolour = blue\n"
				   "time_cost = 4NOT-PART-OF-THE-TEXT";
	struct naccs_config before;

	/* len bounds the text: no NUL needed after it. */
	assert_int_equal(naccs_config_parse_text(&fx->cfg, text, strlen(text) - 20, "inline",
						 collect_warning, &fx->warn, &fx->err),
			 0);
	assert_int_equal(fx->cfg.fail_delay_ms, 10);
	assert_int_equal(fx->cfg.hash.t_cost, 4);
	assert_string_equal(fx->cfg.conf_path, "");
	assert_int_equal(fx->warn.count, 1);
	assert_non_null(strstr(fx->warn.all, "inline:4: unknown key 'colour'"));
	assert_int_equal(fx->err.code, 0);

	/* An error names NAME:LINE and changes nothing, not even the lines
	 * before it. */
	memcpy(&before, &fx->cfg, sizeof(before));
	assert_int_equal(naccs_config_parse_text(&fx->cfg, "[auth]\nfail_delay_ms = 20\nx\n",
						 strlen("[auth]\nfail_delay_ms = 20\nx\n"),
						 "inline", NULL, NULL, &fx->err),
			 -EINVAL);
	assert_string_equal(fx->err.msg, "inline:3: missing '=' (expected key = value)");
	assert_memory_equal(&fx->cfg, &before, sizeof(before));
	assert_int_equal(naccs_config_parse_text(&fx->cfg, "[auth]\nfail_delay_ms = x\n",
						 strlen("[auth]\nfail_delay_ms = x\n"), NULL, NULL,
						 NULL, &fx->err),
			 -EINVAL);
	assert_true(strncmp(fx->err.msg, "configuration:2: ", 17) == 0);
	assert_int_equal(fx->cfg.fail_delay_ms, 10);

	assert_int_equal(naccs_config_parse_text(&fx->cfg, NULL, 0, "empty", NULL, NULL, &fx->err),
			 0);
	assert_int_equal(naccs_config_parse_text(&fx->cfg, NULL, 1, "x", NULL, NULL, &fx->err),
			 -EINVAL);
	assert_int_equal(naccs_config_parse_text(NULL, "", 0, "x", NULL, NULL, &fx->err), -EINVAL);
}

/* [lockout] and [notice] are enforced now (UTS-2.2.1.1(1)(g)(イ)-(エ),
 * (b)(ウ)): documented defaults, keys set, bad values refused. */
static void test_lockout_and_notice_keys(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(fx->cfg.lock_deny, 5);
	assert_int_equal(fx->cfg.lock_fail_interval, 900);
	assert_int_equal(fx->cfg.lock_unlock_time, 600);
	assert_true(fx->cfg.lock_deny_shared);
	assert_int_equal(fx->cfg.lock_shared_unlock_time, 0);
	assert_int_equal(fx->cfg.failure_retention_days, 400);
	assert_int_equal(fx->cfg.max_concurrent_verifications, 4);
	assert_true(fx->cfg.notice_last_login);
	assert_false(fx->cfg.notice_in_auth);
	assert_int_equal(
	    load_text(fx, "[lockout]\ndeny = 3\nfail_interval = 60\n"
			  "unlock_time = 0\ndeny_shared = no\n"
			  "failure_retention_days = 366\nunknown_failures_max = 50\n"
			  "[notice]\nnotice_in_auth = yes\nbanner_file = /etc/issue.naccs\n"
			  "unencrypted_services = telnet, ftp\n"
			  "[auth]\nmax_concurrent_verifications = 2\n"
			  "verification_wait_ms = 100\n"),
	    0);
	assert_int_equal(fx->cfg.lock_deny, 3);
	assert_int_equal(fx->cfg.lock_fail_interval, 60);
	assert_int_equal(fx->cfg.lock_unlock_time, 0);
	assert_false(fx->cfg.lock_deny_shared);
	assert_int_equal(fx->cfg.unknown_failures_max, 50);
	assert_true(fx->cfg.notice_in_auth);
	assert_string_equal(fx->cfg.banner_file, "/etc/issue.naccs");
	assert_string_equal(fx->cfg.unencrypted_services, "telnet, ftp");
	assert_int_equal(fx->cfg.max_concurrent_verifications, 2);
	assert_int_equal(load_text(fx, "[lockout]\nfail_interval = 0\n"), -EINVAL);
	assert_int_equal(load_text(fx, "[lockout]\nfailure_retention_days = 0\n"), -EINVAL);
	assert_int_equal(load_text(fx, "[notice]\nunencrypted_services = tel;net\n"), -EINVAL);
	assert_int_equal(load_text(fx, "[notice]\nbanner_file = banner\n"), -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    T(test_full_file),
	    T(test_each_key),
	    T(test_bool_spellings),
	    T(test_bad_numbers_from_file),
	    T(test_arguments_override_file),
	    T(test_owner_only_from_arguments),
	    T(test_unknown_keys_warn),
	    T(test_reserved_sections_refused),
	    T(test_lockout_and_notice_keys),
	    T(test_memory_cap),
	    T(test_syntax_errors),
	    T(test_nul_byte),
	    T(test_long_lines),
	    T(test_layout_tolerated),
	    T(test_missing_files),
	    T(test_untrusted_files_refused),
	    T(test_fifo_does_not_hang),
	    T(test_oversized_file),
	    T(test_set_arg_forms),
	    T(test_parse_text),
	    T(test_validate),
	    T(test_example_documents_defaults),
	};

	return cmocka_run_group_tests_name("naccs_config", tests, NULL, NULL);
}
