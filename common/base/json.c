/* The JSON writer (see base/json.h for the rules of its output). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/json.h"
#include "base/out.h"
#include "base/utf8.h"

static int fail(struct naccs_json *w, int rc, const char *why)
{
	if (w->err == 0) {
		w->err = rc;
		w->why = why;
	}
	return w->err;
}

static void reset(struct naccs_json *w)
{
	memset(w, 0, sizeof(*w));
}

void naccs_json_init_buffer(struct naccs_json *w, char *buf, size_t cap)
{
	reset(w);
	w->buf = buf;
	w->cap = cap;
	if (buf == NULL || cap == 0)
		fail(w, -EINVAL, N_("no buffer"));
	else
		buf[0] = '\0';
}

void naccs_json_init_stream(struct naccs_json *w, FILE *out)
{
	reset(w);
	w->out = out;
	if (out == NULL)
		fail(w, -EINVAL, N_("no stream"));
}

/* ---- output ---------------------------------------------------------- */

static int put(struct naccs_json *w, const char *s, size_t n)
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

static int put_str(struct naccs_json *w, const char *s)
{
	return put(w, s, strlen(s));
}

/* ---- strings --------------------------------------------------------- */

static int put_escaped(struct naccs_json *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char esc[8];

	put(w, "\"", 1);
	while (*s != '\0' && w->err == 0) {
		size_t len = naccs_utf8_char_len((const char *)s, strnlen((const char *)s, 4));
		/* The code point of a control: C0 and DEL in one byte, C1 as
		 * 0xc2 0x80..0x9f. */
		int control = -1;

		if (len == 1 && (*s < 0x20 || *s == 0x7f))
			control = *s;
		else if (len == 2 && s[0] == 0xc2 && s[1] <= 0x9f)
			control = s[1];
		if (len == 0) {
			w->replaced++;
			put_str(w, "\\ufffd");
			s++;
		} else if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*s++;
			put(w, esc, 2);
		} else if (control >= 0) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)control);
			put(w, esc, 6);
			s += len;
		} else {
			put(w, (const char *)s, len);
			s += len;
		}
	}
	return put(w, "\"", 1);
}

/* ---- structure ------------------------------------------------------- */

/* Where a value may go: at the top (once), after a key, or in an array
 * (with a comma after the first element). */
static int before_value(struct naccs_json *w)
{
	if (w->err != 0)
		return w->err;
	if (w->depth == 0) {
		if (w->has_item[0])
			return fail(w, -EINVAL, N_("a second top-level value"));
		w->has_item[0] = true;
		return 0;
	}
	if (w->open[w->depth - 1] == '{') {
		if (!w->want_value)
			return fail(w, -EINVAL, N_("a value without a key in an object"));
		w->want_value = false;
		return 0;
	}
	if (w->has_item[w->depth])
		put(w, ",", 1);
	w->has_item[w->depth] = true;
	return w->err;
}

static int begin(struct naccs_json *w, char open)
{
	if (before_value(w) != 0)
		return w->err;
	if (w->depth == NACCS_JSON_DEPTH_MAX)
		return fail(w, -EINVAL, N_("nested too deep"));
	w->open[w->depth++] = open;
	w->has_item[w->depth] = false;
	return put(w, &open, 1);
}

static int end(struct naccs_json *w, char open, const char *close)
{
	if (w->err != 0)
		return w->err;
	if (w->depth == 0 || w->open[w->depth - 1] != open)
		return fail(w, -EINVAL, N_("an end without its begin"));
	if (w->want_value)
		return fail(w, -EINVAL, N_("a key without a value"));
	w->depth--;
	return put(w, close, 1);
}

int naccs_json_object_begin(struct naccs_json *w)
{
	return begin(w, '{');
}

int naccs_json_object_end(struct naccs_json *w)
{
	return end(w, '{', "}");
}

int naccs_json_array_begin(struct naccs_json *w)
{
	return begin(w, '[');
}

int naccs_json_array_end(struct naccs_json *w)
{
	return end(w, '[', "]");
}

int naccs_json_key(struct naccs_json *w, const char *key)
{
	if (w->err != 0)
		return w->err;
	if (w->depth == 0 || w->open[w->depth - 1] != '{')
		return fail(w, -EINVAL, N_("a key outside an object"));
	if (w->want_value)
		return fail(w, -EINVAL, N_("a key without a value"));
	if (key == NULL)
		return fail(w, -EINVAL, N_("a NULL key"));
	if (w->has_item[w->depth])
		put(w, ",", 1);
	w->has_item[w->depth] = true;
	put_escaped(w, key);
	put(w, ":", 1);
	w->want_value = true;
	return w->err;
}

/* ---- values ---------------------------------------------------------- */

int naccs_json_string(struct naccs_json *w, const char *s)
{
	if (before_value(w) != 0)
		return w->err;
	return s == NULL ? put_str(w, "null") : put_escaped(w, s);
}

int naccs_json_null(struct naccs_json *w)
{
	if (before_value(w) != 0)
		return w->err;
	return put_str(w, "null");
}

int naccs_json_bool(struct naccs_json *w, bool v)
{
	if (before_value(w) != 0)
		return w->err;
	return put_str(w, v ? "true" : "false");
}

int naccs_json_int(struct naccs_json *w, int64_t v)
{
	char num[24];

	if (before_value(w) != 0)
		return w->err;
	snprintf(num, sizeof(num), "%" PRId64, v);
	return put_str(w, num);
}

int naccs_json_uint(struct naccs_json *w, uint64_t v)
{
	char num[24];

	if (before_value(w) != 0)
		return w->err;
	snprintf(num, sizeof(num), "%" PRIu64, v);
	return put_str(w, num);
}

int naccs_json_member_string(struct naccs_json *w, const char *key, const char *s)
{
	naccs_json_key(w, key);
	return naccs_json_string(w, s);
}

int naccs_json_member_bool(struct naccs_json *w, const char *key, bool v)
{
	naccs_json_key(w, key);
	return naccs_json_bool(w, v);
}

int naccs_json_member_int(struct naccs_json *w, const char *key, int64_t v)
{
	naccs_json_key(w, key);
	return naccs_json_int(w, v);
}

int naccs_json_member_uint(struct naccs_json *w, const char *key, uint64_t v)
{
	naccs_json_key(w, key);
	return naccs_json_uint(w, v);
}

int naccs_json_member_null(struct naccs_json *w, const char *key)
{
	naccs_json_key(w, key);
	return naccs_json_null(w);
}

/* ---- the end --------------------------------------------------------- */

int naccs_json_finish(struct naccs_json *w, struct naccs_err *err)
{
	if (w->err == 0 && (w->depth != 0 || w->want_value))
		fail(w, -EINVAL, N_("an unclosed object or array"));
	if (w->err == 0 && !w->has_item[0])
		fail(w, -EINVAL, N_("no value"));
	if (w->err == 0 && w->out != NULL && ferror(w->out))
		fail(w, -EIO, N_("write error"));
	if (w->err != 0)
		return naccs_err_set(err, -w->err, _("JSON output: %s"), _(w->why));
	return 0;
}
