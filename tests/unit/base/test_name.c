/* NACCS user IDs and login names (the identity model): every form an
 * operator may type resolves to the same (user code, identifying number) pair,
 * and nothing else gets through. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/name.h"

struct parse_case {
	const char *in;
	const char *code;
	const char *number;
};

static void test_parse_valid_forms(void **state)
{
	static const struct parse_case cases[] = {
	    {"ABCDE001", "ABCDE", "001"},      {"ABCDE-001", "ABCDE", "001"},
	    {"abcde-001", "ABCDE", "001"},     {"abcde001", "ABCDE", "001"},
	    {"AbCdE-a0a", "ABCDE", "A0A"},     {"ABCDEFG001", "ABCDEFG", "001"},
	    {"ABCDEFG-001", "ABCDEFG", "001"}, {"abcdefg-a0a", "ABCDEFG", "A0A"},
	    {"12345678", "12345", "678"},      {"1234567-890", "1234567", "890"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct naccs_user_id id;

		memset(&id, 0x55, sizeof(id));
		assert_int_equal(naccs_name_parse(cases[i].in, &id), 0);
		assert_string_equal(id.code, cases[i].code);
		assert_string_equal(id.number, cases[i].number);
	}
}

static void test_parse_invalid_forms(void **state)
{
	static const char *const bad[] = {
	    "",		    /* empty */
	    "ABCDE",	    /* code only */
	    "ABCDE00",	    /* 7 alnum: neither form */
	    "ABCDEF001",    /* 9 alnum: 6-character code */
	    "ABCDEFGH001",  /* 11 alnum */
	    "ABCDEFG0011",  /* too long */
	    "ABCDEFG-0011", /* too long with dash */
	    "ABCD-E001",    /* dash inside the code */
	    "ABCDE0-01",    /* dash inside the number */
	    "ABCDEF-G001",  /* dash at the wrong place of the long form */
	    "-ABCDE001",    /* leading dash */
	    "ABCDE001-",    /* trailing dash */
	    "ABCDE--001",   /* two dashes */
	    "ABCDE_001",    /* other separator */
	    "ABCDE.001",
	    "ABCDE 001",
	    " ABCDE001",
	    "ABCDE001 ",
	    "ABCDE001\n",
	    "ABCDE\t001",
	    "ABCDE\x01"
	    "001",
	    "ABCD\xc3\x89"
	    "001",	     /* É: non-ASCII */
	    "ＡＢＣＤＥ001", /* full-width letters */
	    "ABCDE-001/..",
	    "ABCDE-001:x",
	    "../ABCDE001",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct naccs_user_id id;

		if (naccs_name_parse(bad[i], &id) != -EINVAL)
			fail_msg("accepted bad form #%zu '%s'", i, bad[i]);
	}
	assert_int_equal(naccs_name_parse(NULL, NULL), -EINVAL);
}

static void test_normalize(void **state)
{
	char code[NACCS_CODE_MAX + 1], number[NACCS_NUMBER_LEN + 1];
	(void)state;

	assert_int_equal(naccs_name_normalize_code("abcde", code), 0);
	assert_string_equal(code, "ABCDE");
	assert_int_equal(naccs_name_normalize_code("AbC12x7", code), 0);
	assert_string_equal(code, "ABC12X7");
	assert_int_equal(naccs_name_normalize_number("a0a", number), 0);
	assert_string_equal(number, "A0A");

	assert_int_equal(naccs_name_normalize_code("", code), -EINVAL);
	assert_int_equal(naccs_name_normalize_code("ABCD", code), -EINVAL);
	assert_int_equal(naccs_name_normalize_code("ABCDEF", code), -EINVAL);
	assert_int_equal(naccs_name_normalize_code("ABCDEFGH", code), -EINVAL);
	assert_int_equal(naccs_name_normalize_code("ABC-E", code), -EINVAL);
	assert_int_equal(naccs_name_normalize_code("ABC E", code), -EINVAL);
	assert_int_equal(naccs_name_normalize_code(NULL, code), -EINVAL);
	assert_int_equal(naccs_name_normalize_number("01", number), -EINVAL);
	assert_int_equal(naccs_name_normalize_number("0011", number), -EINVAL);
	assert_int_equal(naccs_name_normalize_number("0-1", number), -EINVAL);
	assert_int_equal(naccs_name_normalize_number("\xc3\x89"
						     "1",
						     number),
			 -EINVAL);
}

static void test_format(void **state)
{
	static const struct {
		enum naccs_login_format fmt;
		const char *name;
		const char *out5, *out7;
	} cases[] = {
	    {NACCS_LOGIN_LOWER_DASH, "lower-dash", "abcde-a01", "abcdefg-a01"},
	    {NACCS_LOGIN_LOWER, "lower", "abcdea01", "abcdefga01"},
	    {NACCS_LOGIN_UPPER_DASH, "upper-dash", "ABCDE-A01", "ABCDEFG-A01"},
	    {NACCS_LOGIN_UPPER, "upper", "ABCDEA01", "ABCDEFGA01"},
	};
	struct naccs_user_id five, seven;
	(void)state;

	assert_int_equal(naccs_name_parse("abcde-a01", &five), 0);
	assert_int_equal(naccs_name_parse("ABCDEFGA01", &seven), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum naccs_login_format fmt;
		char out[NACCS_LOGIN_MAX + 1];

		assert_int_equal(naccs_name_format(&five, cases[i].fmt, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].out5);
		assert_true(naccs_name_valid_login(out));
		assert_int_equal(naccs_name_format(&seven, cases[i].fmt, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].out7);
		assert_string_equal(naccs_login_format_name(cases[i].fmt), cases[i].name);
		assert_int_equal(naccs_login_format_from_name(cases[i].name, &fmt), 0);
		assert_int_equal(fmt, cases[i].fmt);
	}
	/* The default format (value 0) is lower-dash: "abcde-001". */
	assert_int_equal(NACCS_LOGIN_LOWER_DASH, 0);
}

static void test_format_limits(void **state)
{
	struct naccs_user_id id, bad;
	char out[16];
	enum naccs_login_format fmt = NACCS_LOGIN_UPPER;
	(void)state;

	assert_int_equal(naccs_name_parse("ABCDE001", &id), 0);
	/* "abcde-001" needs 10 bytes with the NUL. */
	assert_int_equal(naccs_name_format(&id, NACCS_LOGIN_LOWER_DASH, out, 10), 0);
	assert_int_equal(naccs_name_format(&id, NACCS_LOGIN_LOWER_DASH, out, 9), -ENAMETOOLONG);
	assert_int_equal(naccs_name_format(&id, NACCS_LOGIN_LOWER, out, 9), 0);
	assert_int_equal(naccs_name_format(&id, (enum naccs_login_format)7, out, sizeof(out)),
			 -EINVAL);

	/* An id that did not come from the parser is checked too. */
	memset(&bad, 0, sizeof(bad));
	strcpy(bad.code, "AB/DE");
	strcpy(bad.number, "001");
	assert_int_equal(naccs_name_format(&bad, NACCS_LOGIN_UPPER, out, sizeof(out)), -EINVAL);
	strcpy(bad.code, "abcde");
	assert_int_equal(naccs_name_format(&bad, NACCS_LOGIN_UPPER, out, sizeof(out)), -EINVAL);

	assert_int_equal(naccs_login_format_from_name("Lower-Dash", &fmt), -EINVAL);
	assert_int_equal(naccs_login_format_from_name("", &fmt), -EINVAL);
	assert_int_equal(fmt, NACCS_LOGIN_UPPER);
	assert_null(naccs_login_format_name((enum naccs_login_format)4));
}

/* A user code may start with a digit; a login name may not (test_hostile_logins),
 * so no format builds one: "1abcd-001" would only be refused by the store
 * (found by fuzz/fuzz_name.c; fuzz/corpus/name/regress-digit-first-code.txt). */
static void test_format_digit_first_code(void **state)
{
	static const char *const ids[] = {"1abcd-001", "12312-33a", "12345001", "1BCDEFG-A01"};
	struct naccs_user_id id;
	char out[NACCS_LOGIN_MAX + 1];
	(void)state;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(naccs_name_parse(ids[i], &id), 0);
		for (int f = NACCS_LOGIN_LOWER_DASH; f <= NACCS_LOGIN_UPPER; f++) {
			strcpy(out, "stale");
			assert_int_equal(
			    naccs_name_format(&id, (enum naccs_login_format)f, out, sizeof(out)),
			    -EINVAL);
			assert_string_equal(out, "");
		}
	}
	/* A letter first still formats, digits after it included. */
	assert_int_equal(naccs_name_parse("A2345001", &id), 0);
	assert_int_equal(naccs_name_format(&id, NACCS_LOGIN_LOWER, out, sizeof(out)), 0);
	assert_string_equal(out, "a2345001");
	assert_true(naccs_name_valid_login(out));
}

/* identity.login_prefix (#9): a user code that starts with a digit gets
 * the prefix, so it still gives a valid login; other codes never do. */
static void test_format_prefixed(void **state)
{
	static const struct {
		const char *typed;
		enum naccs_login_format fmt;
		const char *prefix, *login;
	} cases[] = {
	    {"1BCDE001", NACCS_LOGIN_LOWER_DASH, "n", "n1bcde-001"},
	    {"1bcde-001", NACCS_LOGIN_LOWER, "n", "n1bcde001"},
	    {"1BCDE001", NACCS_LOGIN_UPPER_DASH, "n", "N1BCDE-001"},
	    {"1BCDE001", NACCS_LOGIN_UPPER, "site_", "SITE_1BCDE001"},
	    {"12345A01", NACCS_LOGIN_LOWER_DASH, "x-9", "x-912345-a01"},
	    {"1BCDEFG-A01", NACCS_LOGIN_LOWER_DASH, "n", "n1bcdefg-a01"},
	    /* A letter first: no prefix, whatever is configured. */
	    {"ABCDE001", NACCS_LOGIN_LOWER_DASH, "n", "abcde-001"},
	    {"A2345001", NACCS_LOGIN_UPPER, "site_", "A2345001"},
	};
	struct naccs_user_id id;
	char out[NACCS_LOGIN_MAX + 1];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(naccs_name_parse(cases[i].typed, &id), 0);
		assert_int_equal(naccs_name_format_prefixed(&id, cases[i].fmt, cases[i].prefix, out,
							    sizeof(out)),
				 0);
		assert_string_equal(out, cases[i].login);
		assert_true(naccs_name_valid_login(out));
	}
	/* No prefix (NULL or ""): the old rule, no valid login. */
	assert_int_equal(naccs_name_parse("1BCDE001", &id), 0);
	assert_int_equal(naccs_name_format_prefixed(&id, NACCS_LOGIN_LOWER, NULL, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(naccs_name_format_prefixed(&id, NACCS_LOGIN_LOWER, "", out, sizeof(out)),
			 -EINVAL);
	/* An invalid prefix is refused, not used. */
	assert_int_equal(naccs_name_format_prefixed(&id, NACCS_LOGIN_LOWER, "9", out, sizeof(out)),
			 -EINVAL);
	/* "n1bcde-001" needs 11 bytes with the NUL. */
	assert_int_equal(naccs_name_format_prefixed(&id, NACCS_LOGIN_LOWER_DASH, "n", out, 11), 0);
	assert_int_equal(naccs_name_format_prefixed(&id, NACCS_LOGIN_LOWER_DASH, "n", out, 10),
			 -ENAMETOOLONG);
}

static void test_valid_prefix(void **state)
{
	static const char *const good[] = {"n", "site_", "x-9", "abcdefgh"};
	static const char *const bad[] = {"",	"N",  "1n",    "_n", "-n",	"abcdefghi",
					  "n.", "n/", "n\x1b", "n ", "\xc3\xa9"};
	(void)state;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(naccs_name_valid_prefix(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (naccs_name_valid_prefix(bad[i]))
			fail_msg("accepted prefix '%s'", bad[i]);
	assert_false(naccs_name_valid_prefix(NULL));
}

static void test_valid_login(void **state)
{
	static const char *const good[] = {
	    "root", "abcde-001", "ABCDE001", "_svc",
	    "a",    "a.b-c_d",	 "x1",	     "abcdefghijabcdefghijabcdefghij12", /* 32 bytes */
	};
	(void)state;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!naccs_name_valid_login(good[i]))
			fail_msg("refused good login '%s'", good[i]);
	}
}

static void test_hostile_logins(void **state)
{
	static const char *const bad[] = {
	    "",
	    ".",
	    "..",
	    "-rf",
	    "1234",
	    "0",
	    "1abc",
	    "a/b",
	    "../etc/passwd",
	    "a:b",
	    "a b",
	    " a",
	    "a\t",
	    "a\n",
	    "a\r",
	    "a\x1b[31m",
	    "a\x7f",
	    "caf\xc3\xa9",		/* café */
	    "\xe7\x94\xb0\xe4\xb8\xad", /* 田中 */
	    "a$",
	    "a*",
	    "a;b",
	    "a,b",
	    "a@b",
	    "abcdefghijabcdefghijabcdefghij123", /* 33 bytes */
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (naccs_name_valid_login(bad[i]))
			fail_msg("accepted hostile login #%zu", i);
	}
	assert_false(naccs_name_valid_login(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_valid_forms),
	    cmocka_unit_test(test_parse_invalid_forms),
	    cmocka_unit_test(test_normalize),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_limits),
	    cmocka_unit_test(test_format_digit_first_code),
	    cmocka_unit_test(test_format_prefixed),
	    cmocka_unit_test(test_valid_prefix),
	    cmocka_unit_test(test_valid_login),
	    cmocka_unit_test(test_hostile_logins),
	};

	return cmocka_run_group_tests_name("naccs_name", tests, NULL, NULL);
}
