/* The CSV writer (see base/csv.h for the rules of its output). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/csv.h"
#include "base/i18n.h"
#include "base/out.h"
#include "base/utf8.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

static int fail(struct naccs_csv *w, int rc, const char *why)
{
	if (w->err == 0) {
		w->err = rc;
		w->why = why;
	}
	return w->err;
}

void naccs_csv_init_buffer(struct naccs_csv *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	if (buf == NULL || cap == 0)
		fail(w, -EINVAL, N_("no buffer"));
	else
		buf[0] = '\0';
}

void naccs_csv_init_stream(struct naccs_csv *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	if (out == NULL)
		fail(w, -EINVAL, N_("no stream"));
}

static int put(struct naccs_csv *w, const char *s, size_t n)
{
	int rc;

	if (w->err != 0)
		return w->err;
	rc = naccs_out_put(w->out, w->buf, w->cap, &w->len, s, n);
	if (rc == -EIO)
		return fail(w, rc, N_("write error"));
	if (rc < 0)
		return fail(w, rc, N_("buffer too small"));
	return 0;
}

/* The separator before every field but a record's first. */
static int begin_field(struct naccs_csv *w)
{
	bool first = !w->in_row;

	if (w->err != 0)
		return w->err;
	w->in_row = true;
	return first ? 0 : put(w, ",", 1);
}

/* A control character other than TAB, CR and LF: C0, DEL, or C1 (U+0080..
 * U+009F, two bytes in UTF-8). */
static bool is_control(const unsigned char *p, size_t clen)
{
	if (clen == 1)
		return (p[0] < 0x20 && p[0] != '\t' && p[0] != '\r' && p[0] != '\n') ||
		       p[0] == 0x7f;
	return clen == 2 && p[0] == 0xc2 && p[1] <= 0x9f;
}

/* Starts a formula in a spreadsheet (CWE-1236). */
static bool starts_formula(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

int naccs_csv_text(struct naccs_csv *w, const char *s)
{
	const char *p;
	bool quote;
	size_t n;

	if (begin_field(w) != 0 || s == NULL)
		return w->err;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		put(w, "\"", 1);
	if (starts_formula(s))
		put(w, "'", 1);
	for (p = s; *p != '\0'; p += n) {
		n = naccs_utf8_char_len(p, strnlen(p, 4));
		if (n == 0 || is_control((const unsigned char *)p, n)) {
			/* An invalid byte is replaced on its own; a control
			 * character as a whole. */
			if (n == 0)
				n = 1;
			w->replaced++;
			put(w, REPLACEMENT, sizeof(REPLACEMENT) - 1);
		} else if (*p == '"') {
			put(w, "\"\"", 2);
		} else {
			put(w, p, n);
		}
	}
	if (quote)
		put(w, "\"", 1);
	return w->err;
}

int naccs_csv_int(struct naccs_csv *w, int64_t v)
{
	char num[24];

	if (begin_field(w) != 0)
		return w->err;
	snprintf(num, sizeof(num), "%" PRId64, v);
	return put(w, num, strlen(num));
}

int naccs_csv_uint(struct naccs_csv *w, uint64_t v)
{
	char num[24];

	if (begin_field(w) != 0)
		return w->err;
	snprintf(num, sizeof(num), "%" PRIu64, v);
	return put(w, num, strlen(num));
}

int naccs_csv_end_row(struct naccs_csv *w)
{
	if (w->err != 0)
		return w->err;
	if (!w->in_row)
		return fail(w, -EINVAL, N_("an empty record"));
	if (put(w, "\r\n", 2) != 0)
		return w->err;
	w->in_row = false;
	w->rows++;
	return 0;
}

int naccs_csv_finish(struct naccs_csv *w, struct naccs_err *err)
{
	if (w->err == 0 && w->in_row)
		fail(w, -EINVAL, N_("an unfinished record"));
	if (w->err == 0 && w->out != NULL && ferror(w->out))
		fail(w, -EIO, N_("write error"));
	if (w->err != 0)
		return naccs_err_set(err, -w->err, _("CSV output: %s"), _(w->why));
	return 0;
}
