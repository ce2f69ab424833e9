/* The JSON writer (common/base/json.h): deterministic output, RFC 8259
 * escaping with every control character as \u00XX, invalid UTF-8 replaced
 * by U+FFFD, misuse and a full buffer refused with a sticky error.  The
 * output serves naccsctl --json and the audit trail (UTS-2.2.1.4(1)(a):
 * records that can be read back exactly). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/json.h"

/* One string value written alone into a buffer. */
static const char *string_json(const char *s, char *buf, size_t cap, size_t *replaced)
{
	struct naccs_json w;
	struct naccs_err err;

	naccs_json_init_buffer(&w, buf, cap);
	naccs_json_string(&w, s);
	assert_int_equal(naccs_json_finish(&w, &err), 0);
	assert_int_equal(w.len, strlen(buf));
	if (replaced != NULL)
		*replaced = w.replaced;
	return buf;
}

static void write_sample(struct naccs_json *w)
{
	naccs_json_object_begin(w);
	naccs_json_member_string(w, "zeta", "first");
	naccs_json_member_uint(w, "alpha", 20000);
	naccs_json_member_null(w, "none");
	naccs_json_member_string(w, "null_string", NULL);
	naccs_json_member_bool(w, "yes", true);
	naccs_json_member_bool(w, "no", false);
	naccs_json_member_int(w, "neg", INT64_MIN);
	naccs_json_member_uint(w, "big", UINT64_MAX);
	naccs_json_key(w, "list");
	naccs_json_array_begin(w);
	naccs_json_int(w, 1);
	naccs_json_object_begin(w);
	naccs_json_object_end(w);
	naccs_json_array_begin(w);
	naccs_json_array_end(w);
	naccs_json_string(w, "x");
	naccs_json_array_end(w);
	naccs_json_object_end(w);
}

static const char sample_text[] =
    "{\"zeta\":\"first\",\"alpha\":20000,\"none\":null,\"null_string\":null,\"yes\":true,"
    "\"no\":false,\"neg\":-9223372036854775808,\"big\":18446744073709551615,"
    "\"list\":[1,{},[],\"x\"]}";

static void test_members_in_written_order(void **state)
{
	char buf[512], again[512];
	struct naccs_json w;
	struct naccs_err err;
	(void)state;

	naccs_json_init_buffer(&w, buf, sizeof(buf));
	write_sample(&w);
	assert_int_equal(naccs_json_finish(&w, &err), 0);
	assert_string_equal(buf, sample_text);
	assert_int_equal(w.len, strlen(sample_text));

	/* Deterministic: the same calls give the same bytes. */
	naccs_json_init_buffer(&w, again, sizeof(again));
	write_sample(&w);
	assert_int_equal(naccs_json_finish(&w, &err), 0);
	assert_memory_equal(buf, again, strlen(sample_text) + 1);
}

static void test_stream_output(void **state)
{
	char back[512];
	struct naccs_json w;
	struct naccs_err err;
	FILE *f = tmpfile();
	size_t n;
	(void)state;

	assert_non_null(f);
	naccs_json_init_stream(&w, f);
	write_sample(&w);
	assert_int_equal(naccs_json_finish(&w, &err), 0);
	assert_int_equal(w.len, strlen(sample_text));
	rewind(f);
	n = fread(back, 1, sizeof(back) - 1, f);
	back[n] = '\0';
	assert_string_equal(back, sample_text);
	fclose(f);
}

static void test_stream_write_error(void **state)
{
	struct naccs_json w;
	struct naccs_err err;
	FILE *f = fopen("/dev/full", "w");
	(void)state;

	if (f == NULL)
		skip();
	/* Unbuffered, so the write itself fails (ENOSPC on /dev/full). */
	setvbuf(f, NULL, _IONBF, 0);
	naccs_json_init_stream(&w, f);
	write_sample(&w);
	assert_int_equal(naccs_json_finish(&w, &err), -EIO);
	assert_int_equal(err.code, EIO);
	assert_non_null(strstr(err.msg, "JSON"));
	fclose(f);
}

/* RFC 8259 section 7: '"', '\' and U+0000..U+001F must be escaped; this
 * writer uses \u00XX for every control, DEL and C1 included. */
static void test_escapes(void **state)
{
	char buf[256];
	(void)state;

	assert_string_equal(string_json("a\"b\\c/d", buf, sizeof(buf), NULL), "\"a\\\"b\\\\c/d\"");
	assert_string_equal(string_json("\n\t\r\b\f", buf, sizeof(buf), NULL),
			    "\"\\u000a\\u0009\\u000d\\u0008\\u000c\"");
	assert_string_equal(string_json("\x01\x1f\x7f", buf, sizeof(buf), NULL),
			    "\"\\u0001\\u001f\\u007f\"");
	/* C1 controls (U+0080..U+009F) are terminal escapes too. */
	assert_string_equal(string_json("x\xc2\x85y\xc2\x9b", buf, sizeof(buf), NULL),
			    "\"x\\u0085y\\u009b\"");
	/* Other non-ASCII text is copied as UTF-8: U+00A0, Japanese, an emoji. */
	assert_string_equal(
	    string_json("\xc2\xa0\xe5\xb1\xb1\xe7\x94\xb0\xf0\x9f\x98\x80", buf, sizeof(buf), NULL),
	    "\"\xc2\xa0\xe5\xb1\xb1\xe7\x94\xb0\xf0\x9f\x98\x80\"");
	assert_string_equal(string_json("", buf, sizeof(buf), NULL), "\"\"");
}

/* Every single byte alone: ASCII printable copied (quote and backslash
 * escaped), controls as \u00XX, any byte >= 0x80 alone is invalid UTF-8. */
static void test_every_single_byte(void **state)
{
	(void)state;

	for (unsigned c = 1; c < 256; c++) {
		char in[2] = {(char)c, '\0'};
		char buf[32], want[32];
		size_t replaced;

		string_json(in, buf, sizeof(buf), &replaced);
		if (c == '"' || c == '\\')
			snprintf(want, sizeof(want), "\"\\%c\"", c);
		else if (c < 0x20 || c == 0x7f)
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		else if (c >= 0x80)
			snprintf(want, sizeof(want), "\"\\ufffd\"");
		else
			snprintf(want, sizeof(want), "\"%c\"", c);
		if (strcmp(buf, want) != 0)
			fail_msg("byte 0x%02x: got %s, want %s", c, buf, want);
		assert_int_equal(replaced, c >= 0x80 ? 1 : 0);
	}
}

struct bad_utf8 {
	const char *in;
	const char *out;
	size_t replaced;
};

/* Invalid UTF-8 is replaced byte by byte with U+FFFD, and counted. */
static void test_invalid_utf8_replaced(void **state)
{
	static const struct bad_utf8 cases[] = {
	    {"a\xff"
	     "b",
	     "\"a\\ufffdb\"", 1},
	    {"\x80", "\"\\ufffd\"", 1},					 /* stray continuation */
	    {"\xc0\xaf", "\"\\ufffd\\ufffd\"", 2},			 /* overlong '/' */
	    {"\xc1\xbf", "\"\\ufffd\\ufffd\"", 2},			 /* overlong */
	    {"\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"", 3},		 /* overlong, 3 bytes */
	    {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", 3},		 /* surrogate U+D800 */
	    {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", 4}, /* > U+10FFFF */
	    {"\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", 4},
	    {"\xe6\x97", "\"\\ufffd\\ufffd\"", 2},		/* truncated at the end */
	    {"\xe6\x97z", "\"\\ufffd\\ufffdz\"", 2},		/* truncated mid-string */
	    {"\xe6\x97\xa5\xff", "\"\xe6\x97\xa5\\ufffd\"", 1}, /* valid, then not */
	    {"\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\"", 3},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128];
		size_t replaced;

		string_json(cases[i].in, buf, sizeof(buf), &replaced);
		if (strcmp(buf, cases[i].out) != 0)
			fail_msg("case %zu: got %s, want %s", i, buf, cases[i].out);
		assert_int_equal(replaced, cases[i].replaced);
	}
}

static void test_keys_escaped(void **state)
{
	char buf[64];
	struct naccs_json w;
	struct naccs_err err;
	(void)state;

	naccs_json_init_buffer(&w, buf, sizeof(buf));
	naccs_json_object_begin(&w);
	naccs_json_member_int(&w, "a\"\n", 1);
	naccs_json_object_end(&w);
	assert_int_equal(naccs_json_finish(&w, &err), 0);
	assert_string_equal(buf, "{\"a\\\"\\u000a\":1}");
}

/* The buffer always holds a NUL; one byte short of the document fails. */
static void test_buffer_exact_fit(void **state)
{
	const size_t need = strlen(sample_text) + 1;
	char buf[512];
	struct naccs_json w;
	struct naccs_err err;
	(void)state;

	naccs_json_init_buffer(&w, buf, need);
	write_sample(&w);
	assert_int_equal(naccs_json_finish(&w, &err), 0);
	assert_string_equal(buf, sample_text);

	memset(buf, 'Z', sizeof(buf));
	naccs_json_init_buffer(&w, buf, need - 1);
	write_sample(&w);
	assert_int_equal(naccs_json_finish(&w, &err), -ENOBUFS);
	assert_int_equal(err.code, ENOBUFS);
	/* Never past the buffer, and still a C string. */
	assert_int_equal(buf[need - 1], 'Z');
	assert_non_null(memchr(buf, '\0', need - 1));

	/* A long escaped string that does not fit stops cleanly too. */
	naccs_json_init_buffer(&w, buf, 8);
	naccs_json_string(&w, "\x01\x01\x01");
	assert_int_equal(naccs_json_finish(&w, &err), -ENOBUFS);
	assert_true(strlen(buf) < 8);

	naccs_json_init_buffer(&w, NULL, 10);
	naccs_json_null(&w);
	assert_int_equal(naccs_json_finish(&w, &err), -EINVAL);
	naccs_json_init_buffer(&w, buf, 0);
	assert_int_equal(naccs_json_null(&w), -EINVAL);
}

typedef void (*misuse_fn)(struct naccs_json *w);

static void value_without_key(struct naccs_json *w)
{
	naccs_json_object_begin(w);
	naccs_json_int(w, 1);
	naccs_json_object_end(w);
}

static void key_in_array(struct naccs_json *w)
{
	naccs_json_array_begin(w);
	naccs_json_key(w, "k");
	naccs_json_null(w);
	naccs_json_array_end(w);
}

static void key_at_top(struct naccs_json *w)
{
	naccs_json_key(w, "k");
	naccs_json_null(w);
}

static void key_twice(struct naccs_json *w)
{
	naccs_json_object_begin(w);
	naccs_json_key(w, "a");
	naccs_json_key(w, "b");
	naccs_json_null(w);
	naccs_json_object_end(w);
}

static void key_without_value(struct naccs_json *w)
{
	naccs_json_object_begin(w);
	naccs_json_key(w, "a");
	naccs_json_object_end(w);
}

static void null_key(struct naccs_json *w)
{
	naccs_json_object_begin(w);
	naccs_json_member_int(w, NULL, 1);
	naccs_json_object_end(w);
}

static void wrong_end(struct naccs_json *w)
{
	naccs_json_object_begin(w);
	naccs_json_array_end(w);
}

static void end_without_begin(struct naccs_json *w)
{
	naccs_json_null(w);
	naccs_json_object_end(w);
}

static void two_top_values(struct naccs_json *w)
{
	naccs_json_null(w);
	naccs_json_null(w);
}

static void unclosed(struct naccs_json *w)
{
	naccs_json_array_begin(w);
	naccs_json_int(w, 1);
}

static void nothing(struct naccs_json *w)
{
	(void)w;
}

static void too_deep(struct naccs_json *w)
{
	for (int i = 0; i <= NACCS_JSON_DEPTH_MAX; i++)
		naccs_json_array_begin(w);
	for (int i = 0; i <= NACCS_JSON_DEPTH_MAX; i++)
		naccs_json_array_end(w);
}

static void test_misuse_refused(void **state)
{
	static const misuse_fn cases[] = {
	    value_without_key, key_in_array, key_at_top, key_twice,
	    key_without_value, null_key,     wrong_end,	 end_without_begin,
	    two_top_values,    unclosed,     nothing,	 too_deep,
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128];
		struct naccs_json w;
		struct naccs_err err;

		naccs_json_init_buffer(&w, buf, sizeof(buf));
		cases[i](&w);
		if (naccs_json_finish(&w, &err) != -EINVAL)
			fail_msg("misuse case %zu accepted: %s", i, buf);
		assert_int_equal(err.code, EINVAL);
		assert_non_null(strstr(err.msg, "JSON"));
	}
}

/* Exactly NACCS_JSON_DEPTH_MAX levels are fine. */
static void test_depth_limit(void **state)
{
	char buf[128];
	struct naccs_json w;
	struct naccs_err err;
	(void)state;

	naccs_json_init_buffer(&w, buf, sizeof(buf));
	for (int i = 0; i < NACCS_JSON_DEPTH_MAX; i++)
		naccs_json_array_begin(&w);
	for (int i = 0; i < NACCS_JSON_DEPTH_MAX; i++)
		naccs_json_array_end(&w);
	assert_int_equal(naccs_json_finish(&w, &err), 0);
	assert_int_equal(strlen(buf), 2 * NACCS_JSON_DEPTH_MAX);
}

/* After the first failure nothing more is written. */
static void test_errors_stick(void **state)
{
	char buf[64];
	struct naccs_json w;
	struct naccs_err err;
	size_t len;
	(void)state;

	naccs_json_init_buffer(&w, buf, sizeof(buf));
	naccs_json_array_begin(&w);
	assert_int_equal(naccs_json_key(&w, "k"), -EINVAL);
	len = w.len;
	assert_int_equal(naccs_json_string(&w, "more"), -EINVAL);
	assert_int_equal(naccs_json_array_end(&w), -EINVAL);
	assert_int_equal(w.len, len);
	assert_string_equal(buf, "[");
	assert_int_equal(naccs_json_finish(&w, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "key outside an object"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_members_in_written_order),
	    cmocka_unit_test(test_stream_output),
	    cmocka_unit_test(test_stream_write_error),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_every_single_byte),
	    cmocka_unit_test(test_invalid_utf8_replaced),
	    cmocka_unit_test(test_keys_escaped),
	    cmocka_unit_test(test_buffer_exact_fit),
	    cmocka_unit_test(test_misuse_refused),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_errors_stick),
	};

	return cmocka_run_group_tests_name("naccs_json", tests, NULL, NULL);
}
