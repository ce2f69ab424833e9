/* The one helper of each kind in common/: strict UTF-8 (base/utf8.c), the
 * sanitiser of text shown in messages, logs and terminals (base/text.c;
 * log forging and terminal escapes, UTS-2.2.1.4(1)(a): the event trail must
 * say what happened, one event per line), decimal numbers (base/num.c),
 * the directory of a path (base/path.c) and naccs_strerror. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "audit/event.h"
#include "base/num.h"
#include "base/path.h"
#include "base/text.h"
#include "base/utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* "田" U+7530 (3 bytes), "𠀋" U+2000B (4 bytes), "é" U+00E9 (2 bytes). */
#define TA  "\xe7\x94\xb0"
#define HAN "\xf0\xa0\x80\x8b"
#define E_A "\xc3\xa9"

struct bytes {
	const char *s;
	size_t len;
};

#define B(lit)                                                                                     \
	{                                                                                          \
		lit, sizeof(lit) - 1                                                               \
	}

/* ---- UTF-8 ---- */

static void test_utf8_valid(void **state)
{
	static const struct bytes good[] = {
	    B(""),
	    B("plain ASCII ~"),
	    B(E_A TA HAN),
	    B("\x00"),		   /* U+0000 is a character (callers refuse it) */
	    B("\xc2\x80"),	   /* U+0080, smallest 2-byte */
	    B("\xdf\xbf"),	   /* U+07FF */
	    B("\xe0\xa0\x80"),	   /* U+0800, smallest 3-byte */
	    B("\xed\x9f\xbf"),	   /* U+D7FF, just below the surrogates */
	    B("\xee\x80\x80"),	   /* U+E000, just above them */
	    B("\xef\xbf\xbf"),	   /* U+FFFF */
	    B("\xf0\x90\x80\x80"), /* U+10000, smallest 4-byte */
	    B("\xf4\x8f\xbf\xbf"), /* U+10FFFF, the largest */
	};
	static const struct bytes bad[] = {
	    B("\x80"),		   /* stray continuation */
	    B("a\xbf"),		   /* stray continuation after ASCII */
	    B("\xc0\xaf"),	   /* over-long '/' */
	    B("\xc1\xbf"),	   /* over-long */
	    B("\xe0\x80\xaf"),	   /* over-long '/' in 3 bytes */
	    B("\xe0\x9f\xbf"),	   /* over-long U+07FF */
	    B("\xf0\x80\x80\xaf"), /* over-long '/' in 4 bytes */
	    B("\xf0\x8f\xbf\xbf"), /* over-long U+FFFF */
	    B("\xed\xa0\x80"),	   /* U+D800, a surrogate */
	    B("\xed\xbf\xbf"),	   /* U+DFFF */
	    B("\xf4\x90\x80\x80"), /* U+110000 */
	    B("\xf5\x80\x80\x80"), /* no such lead */
	    B("\xff"),
	    B("\xfe"),
	    B("\xe7\x94"),     /* truncated */
	    B("\xf0\xa0\x80"), /* truncated */
	    B("\xe7\x94\x41"), /* broken by ASCII */
	    B("\xc3\x00"),     /* broken by NUL */
	};

	(void)state;
	for (size_t i = 0; i < COUNT(good); i++) {
		if (!naccs_utf8_valid(good[i].s, good[i].len))
			fail_msg("good case %zu refused", i);
	}
	for (size_t i = 0; i < COUNT(bad); i++) {
		if (naccs_utf8_valid(bad[i].s, bad[i].len))
			fail_msg("bad case %zu accepted", i);
	}
	/* len bounds what is read: a prefix that ends inside a character is
	 * not valid, one that ends between characters is. */
	assert_false(naccs_utf8_valid(TA, 2));
	assert_true(naccs_utf8_valid(TA TA, 3));
}

static void test_utf8_char_len(void **state)
{
	(void)state;
	assert_int_equal(naccs_utf8_char_len("a", 1), 1);
	assert_int_equal(naccs_utf8_char_len(E_A, 2), 2);
	assert_int_equal(naccs_utf8_char_len(TA, 3), 3);
	assert_int_equal(naccs_utf8_char_len(HAN, 4), 4);
	assert_int_equal(naccs_utf8_char_len(HAN "x", 5), 4);
	/* Not enough bytes available, or none at all. */
	assert_int_equal(naccs_utf8_char_len(HAN, 3), 0);
	assert_int_equal(naccs_utf8_char_len(TA, 1), 0);
	assert_int_equal(naccs_utf8_char_len("a", 0), 0);
	/* A NUL ends a sequence: safe on C strings with avail = 4. */
	assert_int_equal(naccs_utf8_char_len("\xe7", 4), 0);
	assert_int_equal(naccs_utf8_char_len("\x80", 4), 0);
}

struct cut_case {
	const char *s;
	size_t max, want;
};

static void test_utf8_cut(void **state)
{
	static const struct cut_case cases[] = {
	    {"abc", 5, 3},
	    {"abc", 3, 3},
	    {"abc", 2, 2},
	    {"abc", 0, 0},
	    {"", 0, 0},
	    {"ab" TA, 5, 5},	 /* fits exactly */
	    {"ab" TA, 4, 2},	 /* would cut "田" after 2 of its 3 bytes */
	    {"ab" TA, 3, 2},	 /* after 1 */
	    {"ab" TA "c", 5, 5}, /* between two characters */
	    {TA TA, 5, 3},
	    {HAN, 3, 0}, /* nothing fits */
	    {"a" HAN "b", 4, 1},
	    {"a" HAN "b", 5, 5},
	    {"a" E_A, 2, 1},
	    {"a\x80\x80\x80\x80", 3, 3}, /* stray bytes are characters of their own */
	    {"\xff\xff\xff", 2, 2},
	    {"ab" TA, SIZE_MAX, 5},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t got = naccs_utf8_cut(cases[i].s, cases[i].max);

		if (got != cases[i].want)
			fail_msg("case %zu: cut at %zu, want %zu", i, got, cases[i].want);
	}
}

/* ---- sanitising ---- */

struct sanitize_case {
	struct bytes in;
	size_t outsz;
	unsigned flags;
	const char *want;
};

static void test_sanitize(void **state)
{
	static const struct sanitize_case cases[] = {
	    {B("plain text"), 64, 0, "plain text"},
	    /* C0 controls and DEL, one '?' each; blanks other than space too. */
	    {B("a\nb\rc\td\x1b[31me\x7f"), 64, 0, "a?b?c?d?[31me?"},
	    /* C1 controls (as UTF-8) are one character, one '?'; U+00A0 is not. */
	    {B("a\xc2\x80"
	       "b\xc2\x9b"
	       "c\xc2\xa0"
	       "d"),
	     64, 0,
	     "a?b?c\xc2\xa0"
	     "d"},
	    /* Malformed UTF-8: one '?' per byte. */
	    {B("a\xff"
	       "b\xc0\xaf"
	       "c\xed\xa0\x80"
	       "d\xe7\x94"),
	     64, 0, "a?b??c???d??"},
	    /* Other scripts pass whole. */
	    {B(E_A TA HAN), 64, 0, E_A TA HAN},
	    /* Quotes and backslashes only when asked. */
	    {B("k=\"v\\\""), 64, 0, "k=\"v\\\""},
	    {B("k=\"v\\\""), 64, NACCS_TEXT_QUOTES, "k=?v??"},
	    /* Cut at a character boundary, never inside. */
	    {B("ab" TA "cd"), 5, 0, "ab"},
	    {B("ab" TA "cd"), 6, 0, "ab" TA},
	    {B("ab" TA "cd"), 7, 0, "ab" TA "c"},
	    {B(HAN HAN), 8, 0, HAN},
	    /* Marked when asked, and still on a boundary. */
	    {B("abcdefgh"), 8, NACCS_TEXT_ELLIPSIS, "abcd..."},
	    {B("abcdefg"), 8, NACCS_TEXT_ELLIPSIS, "abcdefg"},
	    {B("a" TA TA "z"), 7, NACCS_TEXT_ELLIPSIS, "a..."},
	    {B("a" TA TA "z"), 8, NACCS_TEXT_ELLIPSIS, "a" TA "..."},
	    {B("abcdef"), 4, NACCS_TEXT_ELLIPSIS, "..."},
	    {B("abcdef"), 3, NACCS_TEXT_ELLIPSIS, "ab"}, /* no room for a mark */
	    /* A NUL ends the text. */
	    {B("ab\0cd"), 64, 0, "ab"},
	    {B(""), 64, 0, ""},
	    {B("abc"), 1, 0, ""},
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		const struct sanitize_case *c = &cases[i];
		size_t n;

		memset(out, 'X', sizeof(out));
		n = naccs_text_sanitize(c->in.s, c->in.len, out, c->outsz, c->flags);
		if (strcmp(out, c->want) != 0 || n != strlen(c->want))
			fail_msg("case %zu: got '%s' (%zu), want '%s'", i, out, n, c->want);
		assert_true(naccs_utf8_valid(out, n));
		assert_true(naccs_text_is_clean(out, n, c->flags & NACCS_TEXT_QUOTES));
	}
	/* inlen bounds what is read: no NUL needed. */
	assert_int_equal(naccs_text_sanitize("abcdef", 3, out, sizeof(out), 0), 3);
	assert_string_equal(out, "abc");
	/* A truncated multi-byte character at the end of inlen is malformed. */
	naccs_text_sanitize("a" TA, 3, out, sizeof(out), 0);
	assert_string_equal(out, "a??");
	/* No input, no room. */
	assert_int_equal(naccs_text_sanitize(NULL, SIZE_MAX, out, sizeof(out), 0), 0);
	assert_string_equal(out, "");
	out[0] = 'X';
	assert_int_equal(naccs_text_sanitize("abc", 3, out, 0, 0), 0);
	assert_int_equal(out[0], 'X');
}

static void test_is_clean(void **state)
{
	(void)state;
	assert_true(naccs_text_is_clean("Yamada " TA, strlen("Yamada " TA), 0));
	assert_true(naccs_text_is_clean("", 0, 0));
	assert_true(naccs_text_is_clean("say \"hi\"", 8, 0));
	assert_false(naccs_text_is_clean("say \"hi\"", 8, NACCS_TEXT_QUOTES));
	assert_false(naccs_text_is_clean("a\nb", 3, 0));
	assert_false(naccs_text_is_clean("a\x7f", 2, 0));
	assert_false(naccs_text_is_clean("a\xc2\x9b"
					 "1m",
					 5, 0)); /* C1 CSI */
	assert_false(naccs_text_is_clean("a\xff", 2, 0));
	assert_false(naccs_text_is_clean("a\0b", 3, 0));
	assert_false(naccs_text_is_clean(TA, 2, 0));
}

/* The event line's sanitiser: a value whose cut point falls inside a
 * multi-byte character gives valid UTF-8 (the old one cut "田" in half and
 * wrote its first byte). */
static void test_event_sanitize_cut(void **state)
{
	char out[8];

	(void)state;
	for (size_t outlen = 1; outlen <= sizeof(out); outlen++) {
		memset(out, 'X', sizeof(out));
		naccs_event_sanitize("ab" TA TA "\"\n", out, outlen);
		assert_true(strlen(out) < outlen);
		assert_true(naccs_utf8_valid(out, strlen(out)));
	}
	naccs_event_sanitize("ab" TA TA, out, 6);
	assert_string_equal(out, "ab" TA);
	naccs_event_sanitize("ab" TA TA, out, 5);
	assert_string_equal(out, "ab");
	naccs_event_sanitize("k=\"v\"\\\xc2\x85", out, sizeof(out));
	assert_string_equal(out, "k=?v???");
	naccs_event_sanitize(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

/* ---- numbers ---- */

static void test_parse_ulong(void **state)
{
	static const char *const not_numbers[] = {"",	"+1",  "-1",  " 1", "1 ", "0x1",
						  "1a", "1.0", "1e3", "٣",  "\t1"};
	unsigned long v;

	(void)state;
	assert_int_equal(naccs_parse_ulong("0", 1, 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(naccs_parse_ulong("4294967294", 10, 0, 4294967294UL, &v), 0);
	assert_int_equal(v, 4294967294UL);
	assert_int_equal(naccs_parse_ulong("007", 3, 0, 10, &v), 0);
	assert_int_equal(v, 7);
	/* len bounds the text. */
	assert_int_equal(naccs_parse_ulong("12345", 2, 0, 100, &v), 0);
	assert_int_equal(v, 12);

	v = 99;
	for (size_t i = 0; i < COUNT(not_numbers); i++) {
		if (naccs_parse_ulong(not_numbers[i], strlen(not_numbers[i]), 0, ULONG_MAX, &v) !=
		    -EINVAL)
			fail_msg("'%s' taken as a number", not_numbers[i]);
	}
	assert_int_equal(naccs_parse_ulong("1\0002", 3, 0, 100, &v), -EINVAL);
	assert_int_equal(naccs_parse_ulong(NULL, 1, 0, 100, &v), -EINVAL);
	/* Out of range, however many digits. */
	assert_int_equal(naccs_parse_ulong("11", 2, 0, 10, &v), -ERANGE);
	assert_int_equal(naccs_parse_ulong("4", 1, 5, 10, &v), -ERANGE);
	assert_int_equal(naccs_parse_ulong("4294967295", 10, 0, 4294967294UL, &v), -ERANGE);
	assert_int_equal(naccs_parse_ulong("18446744073709551616", 20, 0, ULONG_MAX, &v), -ERANGE);
	assert_int_equal(naccs_parse_ulong("99999999999999999999999999999", 29, 0, ULONG_MAX, &v),
			 -ERANGE);
	/* Junk after an overflow is still "not a number". */
	assert_int_equal(naccs_parse_ulong("99999999999999999999999x", 24, 0, ULONG_MAX, &v),
			 -EINVAL);
	/* *out is untouched on every error. */
	assert_int_equal(v, 99);
	if (ULONG_MAX == 18446744073709551615UL) {
		assert_int_equal(naccs_parse_ulong("18446744073709551615", 20, 0, ULONG_MAX, &v),
				 0);
		assert_true(v == ULONG_MAX);
	}
}

/* ---- paths ---- */

struct dir_case {
	const char *path, *want;
};

static void test_path_dirname(void **state)
{
	static const struct dir_case cases[] = {
	    {"/etc/naccs/naccs.conf", "/etc/naccs"},
	    {"/var/lib/naccs/naccs.db", "/var/lib/naccs"},
	    {"/naccs.conf", "/"},
	    {"/", "/"},
	    {"//", "/"},
	    {"//x", "/"},
	    {"naccs.conf", "."},
	    {"", "."},
	    {"a/b", "a"},
	    {"a//b", "a"},
	    {"a/b/", "a"},
	    {"a/b//", "a"},
	    {"/a/b/c", "/a/b"},
	    {"./x", "."},
	    {"../x", ".."},
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		memset(out, 'X', sizeof(out));
		assert_int_equal(naccs_path_dirname(cases[i].path, out, sizeof(out)), 0);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("dirname('%s') = '%s', want '%s'", cases[i].path, out,
				 cases[i].want);
	}
	/* Exactly fits, one byte short. */
	assert_int_equal(naccs_path_dirname("/abc/x", out, 5), 0);
	assert_string_equal(out, "/abc");
	assert_int_equal(naccs_path_dirname("/abc/x", out, 4), -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(naccs_path_dirname("x", out, 1), -ENAMETOOLONG);
	assert_int_equal(naccs_path_dirname(NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(naccs_path_dirname("/a/b", NULL, 4), -EINVAL);
	assert_int_equal(naccs_path_dirname("/a/b", out, 0), -EINVAL);
}

/* ---- errors ---- */

static void test_strerror(void **state)
{
	char buf[128];
	const char *msg;

	(void)state;
	msg = naccs_strerror(ENOENT, buf, sizeof(buf));
	assert_non_null(msg);
	assert_true(msg[0] != '\0');
	/* Unknown numbers still give text, in the caller's buffer if needed. */
	msg = naccs_strerror(123456, buf, sizeof(buf));
	assert_non_null(msg);
	assert_non_null(strstr(msg, "123456"));
}

/* What a caller that is not root says its service is: kept only as letters,
 * digits, '.', '_' and '-' behind the prefix, so it never reads as another
 * service (naccsd's unprivileged peers, naccs_chkpwd). */
static void test_tagged_name(void **state)
{
	char out[96], longname[80];

	(void)state;
	naccs_text_tagged_name("naccsd-peer", "xscreensaver", out, sizeof(out));
	assert_string_equal(out, "naccsd-peer:xscreensaver");
	naccs_text_tagged_name("naccsd-peer", NULL, out, sizeof(out));
	assert_string_equal(out, "naccsd-peer");
	naccs_text_tagged_name("naccsd-peer", "", out, sizeof(out));
	assert_string_equal(out, "naccsd-peer");
	naccs_text_tagged_name("naccsd-peer", "sshd\n\"x\":1 é", out, sizeof(out));
	assert_string_equal(out, "naccsd-peer:sshd??x??1???");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	naccs_text_tagged_name("p", longname, out, sizeof(out));
	assert_int_equal(strlen(out), 2 + 47);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),	cmocka_unit_test(test_utf8_char_len),
	    cmocka_unit_test(test_utf8_cut),	cmocka_unit_test(test_sanitize),
	    cmocka_unit_test(test_is_clean),	cmocka_unit_test(test_event_sanitize_cut),
	    cmocka_unit_test(test_parse_ulong), cmocka_unit_test(test_path_dirname),
	    cmocka_unit_test(test_strerror),	cmocka_unit_test(test_tagged_name),
	};

	return cmocka_run_group_tests_name("naccs_text", tests, NULL, NULL);
}
