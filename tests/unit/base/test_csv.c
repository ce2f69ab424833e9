/* The CSV writer (common/base/csv.h): RFC 4180 records (CRLF, quoting
 * when a field holds ',', '"', CR or LF, quotes doubled), the guard
 * against spreadsheet formula injection (a text field starting with =, +,
 * -, @, TAB or CR gets a leading single quote), control characters and
 * invalid UTF-8 replaced, sticky errors.  It writes the review listings of
 * naccsctl user list --csv (UTS-2.2.1.3(2)(d)). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/csv.h"

/* One text field written alone as a record into buf. */
static const char *field_csv(const char *s, char *buf, size_t cap, size_t *replaced)
{
	struct naccs_csv w;
	struct naccs_err err;

	naccs_csv_init_buffer(&w, buf, cap);
	naccs_csv_text(&w, s);
	naccs_csv_end_row(&w);
	assert_int_equal(naccs_csv_finish(&w, &err), 0);
	assert_int_equal(w.len, strlen(buf));
	assert_int_equal(w.rows, 1);
	if (replaced != NULL)
		*replaced = w.replaced;
	return buf;
}

static void test_plain_fields_as_they_are(void **state)
{
	char buf[256];
	(void)state;

	assert_string_equal(field_csv("abcde-001", buf, sizeof(buf), NULL), "abcde-001\r\n");
	assert_string_equal(field_csv("Yamada Taro", buf, sizeof(buf), NULL), "Yamada Taro\r\n");
	assert_string_equal(field_csv("山田 太郎", buf, sizeof(buf), NULL), "山田 太郎\r\n");
	/* A quote that is not the first character and no special character:
	 * written as it is. */
	assert_string_equal(field_csv("O'Brien", buf, sizeof(buf), NULL), "O'Brien\r\n");
	assert_string_equal(field_csv("", buf, sizeof(buf), NULL), "\r\n");
	assert_string_equal(field_csv(NULL, buf, sizeof(buf), NULL), "\r\n");
}

static void test_quoting_rfc4180(void **state)
{
	char buf[256];
	(void)state;

	assert_string_equal(field_csv("Yamada, Taro", buf, sizeof(buf), NULL),
			    "\"Yamada, Taro\"\r\n");
	assert_string_equal(field_csv("say \"hi\"", buf, sizeof(buf), NULL),
			    "\"say \"\"hi\"\"\"\r\n");
	assert_string_equal(field_csv("\"", buf, sizeof(buf), NULL), "\"\"\"\"\r\n");
	assert_string_equal(field_csv("two\nlines", buf, sizeof(buf), NULL), "\"two\nlines\"\r\n");
	assert_string_equal(field_csv("two\r\nlines", buf, sizeof(buf), NULL),
			    "\"two\r\nlines\"\r\n");
}

static void test_formula_guard(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"=1+1", "'=1+1\r\n"},
	    {"+81", "'+81\r\n"},
	    {"-2", "'-2\r\n"},
	    {"@SUM(A1)", "'@SUM(A1)\r\n"},
	    {"\tx", "'\tx\r\n"},
	    {"\rx", "\"'\rx\"\r\n"},
	    /* The guard and the quoting together: the quote inside the
	     * field's quotes, the field's quotes doubled. */
	    {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"},
	    {"=Yamada, \"Taro\"", "\"'=Yamada, \"\"Taro\"\"\"\r\n"},
	    /* Only the first character counts. */
	    {"a=b", "a=b\r\n"},
	    {"x-1", "x-1\r\n"},
	};
	char buf[256];
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(field_csv(cases[i].in, buf, sizeof(buf), NULL), cases[i].out);
}

static void test_numbers_never_guarded(void **state)
{
	struct naccs_csv w;
	struct naccs_err err;
	char buf[256];
	(void)state;

	naccs_csv_init_buffer(&w, buf, sizeof(buf));
	naccs_csv_int(&w, -5);
	naccs_csv_int(&w, INT64_MIN);
	naccs_csv_uint(&w, UINT64_MAX);
	naccs_csv_uint(&w, 0);
	naccs_csv_end_row(&w);
	assert_int_equal(naccs_csv_finish(&w, &err), 0);
	assert_string_equal(buf, "-5,-9223372036854775808,18446744073709551615,0\r\n");
}

static void test_table(void **state)
{
	struct naccs_csv w;
	struct naccs_err err;
	char buf[256];
	(void)state;

	naccs_csv_init_buffer(&w, buf, sizeof(buf));
	naccs_csv_text(&w, "login");
	naccs_csv_text(&w, "uid");
	naccs_csv_text(&w, "gecos");
	naccs_csv_end_row(&w);
	naccs_csv_text(&w, "abcde-001");
	naccs_csv_uint(&w, 10001);
	naccs_csv_text(&w, NULL);
	naccs_csv_end_row(&w);
	naccs_csv_text(&w, "root");
	naccs_csv_uint(&w, 0);
	naccs_csv_text(&w, "=cmd|' /C calc'!A0");
	naccs_csv_end_row(&w);
	assert_int_equal(naccs_csv_finish(&w, &err), 0);
	assert_int_equal(w.rows, 3);
	assert_string_equal(buf, "login,uid,gecos\r\n"
				 "abcde-001,10001,\r\n"
				 "root,0,'=cmd|' /C calc'!A0\r\n");
}

static void test_controls_and_bad_utf8_replaced(void **state)
{
	char buf[256];
	size_t replaced;
	(void)state;

	assert_string_equal(field_csv("a\x1b[31mb", buf, sizeof(buf), &replaced),
			    "a\xef\xbf\xbd[31mb\r\n");
	assert_int_equal(replaced, 1);
	assert_string_equal(field_csv("a\x7f"
				      "b",
				      buf, sizeof(buf), &replaced),
			    "a\xef\xbf\xbd"
			    "b\r\n");
	assert_int_equal(replaced, 1);
	/* U+009B (CSI, C1) is two bytes and one replacement. */
	assert_string_equal(field_csv("a\xc2\x9b"
				      "b",
				      buf, sizeof(buf), &replaced),
			    "a\xef\xbf\xbd"
			    "b\r\n");
	assert_int_equal(replaced, 1);
	/* Each invalid byte on its own (an over-long '/', a stray byte). */
	assert_string_equal(field_csv("\xc0\xaf"
				      "x\xff",
				      buf, sizeof(buf), &replaced),
			    "\xef\xbf\xbd\xef\xbf\xbdx\xef\xbf\xbd\r\n");
	assert_int_equal(replaced, 3);
	/* TAB, CR and LF are kept (CR and LF quoted). */
	assert_string_equal(field_csv("a\tb", buf, sizeof(buf), &replaced), "a\tb\r\n");
	assert_int_equal(replaced, 0);
}

static void test_buffer_exact_fit(void **state)
{
	struct naccs_csv w;
	struct naccs_err err;
	char buf[6]; /* "a,b\r\n" and the NUL */
	(void)state;

	naccs_csv_init_buffer(&w, buf, 6);
	naccs_csv_text(&w, "a");
	naccs_csv_text(&w, "b");
	naccs_csv_end_row(&w);
	assert_int_equal(naccs_csv_finish(&w, &err), 0);
	assert_string_equal(buf, "a,b\r\n");

	naccs_csv_init_buffer(&w, buf, 5);
	naccs_csv_text(&w, "a");
	naccs_csv_text(&w, "b");
	assert_int_equal(naccs_csv_end_row(&w), -ENOBUFS);
	assert_int_equal(naccs_csv_finish(&w, &err), -ENOBUFS);
	assert_non_null(strstr(err.msg, "CSV"));
}

static void test_misuse_refused(void **state)
{
	struct naccs_csv w;
	struct naccs_err err;
	char buf[64];
	(void)state;

	/* An empty record. */
	naccs_csv_init_buffer(&w, buf, sizeof(buf));
	assert_int_equal(naccs_csv_end_row(&w), -EINVAL);
	assert_int_equal(naccs_csv_finish(&w, &err), -EINVAL);

	/* A record never ended. */
	naccs_csv_init_buffer(&w, buf, sizeof(buf));
	naccs_csv_text(&w, "a");
	assert_int_equal(naccs_csv_finish(&w, &err), -EINVAL);

	/* No buffer, no stream. */
	naccs_csv_init_buffer(&w, NULL, 0);
	assert_int_equal(naccs_csv_text(&w, "a"), -EINVAL);
	naccs_csv_init_stream(&w, NULL);
	assert_int_equal(naccs_csv_uint(&w, 1), -EINVAL);
}

static void test_errors_stick(void **state)
{
	struct naccs_csv w;
	struct naccs_err err;
	char buf[4];
	(void)state;

	naccs_csv_init_buffer(&w, buf, sizeof(buf));
	assert_int_equal(naccs_csv_text(&w, "toolong"), -ENOBUFS);
	/* Later calls do nothing and return the first failure. */
	assert_int_equal(naccs_csv_text(&w, "a"), -ENOBUFS);
	assert_int_equal(naccs_csv_int(&w, 1), -ENOBUFS);
	assert_int_equal(naccs_csv_end_row(&w), -ENOBUFS);
	assert_int_equal(naccs_csv_finish(&w, &err), -ENOBUFS);
	assert_int_equal(w.rows, 0);
}

static void test_stream(void **state)
{
	struct naccs_csv w;
	struct naccs_err err;
	char *text = NULL;
	size_t size = 0;
	FILE *f;
	(void)state;

	f = open_memstream(&text, &size);
	assert_non_null(f);
	naccs_csv_init_stream(&w, f);
	naccs_csv_text(&w, "Yamada, \"Taro\"");
	naccs_csv_text(&w, "=1");
	naccs_csv_end_row(&w);
	assert_int_equal(naccs_csv_finish(&w, &err), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, "\"Yamada, \"\"Taro\"\"\",'=1\r\n");
	assert_int_equal(w.len, strlen(text));
	free(text);

	/* A stream that cannot be written: a write error. */
	f = fopen("/dev/null", "r");
	assert_non_null(f);
	naccs_csv_init_stream(&w, f);
	naccs_csv_text(&w, "a");
	naccs_csv_end_row(&w);
	fflush(f);
	assert_int_equal(naccs_csv_finish(&w, &err), -EIO);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_fields_as_they_are),
	    cmocka_unit_test(test_quoting_rfc4180),
	    cmocka_unit_test(test_formula_guard),
	    cmocka_unit_test(test_numbers_never_guarded),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_controls_and_bad_utf8_replaced),
	    cmocka_unit_test(test_buffer_exact_fit),
	    cmocka_unit_test(test_misuse_refused),
	    cmocka_unit_test(test_errors_stick),
	    cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
