/* Parsing a time and terminal window (rules/access_parse.h, the syntax in
 * rules/access.h; UTS-2.2.1.2(1)(b)(ア)). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/access_parse.h"
#include "base/i18n.h"
#include "rules/netmatch.h"
#include "base/text.h"

#define DAY_MIN	 1440
#define ALL_DAYS 0x7f

/* In tm_wday order. */
static const char *const day_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* ---- parsing ------------------------------------------------------------ */

static bool ascii_caseeq_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y || x == '\0')
			return false;
	}
	return true;
}

static int day_of(const char *s, size_t len)
{
	for (int d = 0; d < 7; d++)
		if (len == 3 && ascii_caseeq_n(s, day_names[d], 3))
			return d;
	return -1;
}

/* A copy of what the administrator wrote, safe for a message. */
static const char *shown(const char *s, size_t len, char *buf, size_t buflen)
{
	naccs_text_sanitize(s, len, buf, buflen, NACCS_TEXT_ELLIPSIS);
	return buf;
}

/* "Mon-Fri,Sun": ranges may wrap (Fri-Mon). */
static int parse_days(const char *v, size_t vlen, uint8_t *out, struct naccs_err *err)
{
	char show[64];
	uint8_t days = 0;
	size_t pos = 0;

	while (pos <= vlen) {
		size_t n = 0, dash;
		int a, b;

		while (pos + n < vlen && v[pos + n] != ',')
			n++;
		for (dash = 0; dash < n && v[pos + dash] != '-'; dash++)
			;
		a = day_of(v + pos, dash);
		b = dash < n ? day_of(v + pos + dash + 1, n - dash - 1) : a;
		if (a < 0 || b < 0)
			return naccs_err_set(err, EINVAL,
					     _("days: '%s' is not a day or a range of days (Mon, "
					       "Tue, Wed, Thu, Fri, Sat, Sun; e.g. Mon-Fri)"),
					     shown(v + pos, n, show, sizeof(show)));
		for (int d = a;; d = (d + 1) % 7) {
			days |= (uint8_t)(1u << d);
			if (d == b)
				break;
		}
		pos += n + 1;
	}
	*out = days;
	return 0;
}

/* "HH:MM", 00:00 to 24:00 (24:00 only where allow_24). */
static int parse_hhmm(const char *s, size_t len, bool allow_24, uint16_t *out)
{
	unsigned h, m;

	if (len != 5 || s[2] != ':')
		return -EINVAL;
	for (size_t i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -EINVAL;
	h = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	m = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24)))
		return -EINVAL;
	*out = (uint16_t)(h * 60 + m);
	return 0;
}

static int parse_time(const char *v, size_t vlen, struct naccs_access_rule *r,
		      struct naccs_err *err)
{
	char show[64];
	size_t pos = 0;

	while (pos <= vlen) {
		size_t n = 0;
		struct naccs_access_window w;

		while (pos + n < vlen && v[pos + n] != ',')
			n++;
		if (r->nwin == NACCS_ACCESS_WINDOWS_MAX)
			return naccs_err_set(err, EINVAL, _("time: more than %d windows"),
					     NACCS_ACCESS_WINDOWS_MAX);
		if (n != 11 || v[pos + 5] != '-' || parse_hhmm(v + pos, 5, false, &w.start) != 0 ||
		    parse_hhmm(v + pos + 6, 5, true, &w.end) != 0 || w.start == w.end)
			return naccs_err_set(err, EINVAL,
					     _("time: '%s' is not a window HH:MM-HH:MM (00:00 to "
					       "24:00, start and end different)"),
					     shown(v + pos, n, show, sizeof(show)));
		if (w.end == 0)
			w.end = DAY_MIN; /* "-00:00" is midnight, the end of the day */
		r->win[r->nwin++] = w;
		pos += n + 1;
	}
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static bool tty_char(char c)
{
	return name_char(c) || c == '/' || c == '*' || c == '?' || c == ':' || c == '[' ||
	       c == ']' || c == '!';
}

/* A comma-separated list of items made of allowed characters, no empty
 * item, copied into out. */
static int parse_list(const char *what, const char *v, size_t vlen, bool (*ok)(char), char *out,
		      size_t outlen, struct naccs_err *err)
{
	char show[64];

	if (vlen == 0 || vlen >= outlen)
		return naccs_err_set(err, EINVAL, _("%s: empty or longer than %zu bytes"), what,
				     outlen - 1);
	for (size_t i = 0; i < vlen; i++) {
		bool empty = v[i] == ',' && (i == 0 || v[i - 1] == ',' || i + 1 == vlen);

		if (empty || (v[i] != ',' && !ok(v[i])))
			return naccs_err_set(err, EINVAL, _("%s: '%s' is not a valid list"), what,
					     shown(v, vlen, show, sizeof(show)));
	}
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return 0;
}

/* networks=: CIDRs and "local". */
static int parse_networks(const char *v, size_t vlen, struct naccs_access_rule *r,
			  struct naccs_err *err)
{
	char list[NACCS_ACCESS_NAME_LIST_MAX], show[64];
	size_t pos = 0, o = 0;
	int rc;

	rc = parse_list("networks", v, vlen, tty_char, list, sizeof(list), err);
	if (rc < 0)
		return rc;
	r->any_network = false;
	while (pos <= vlen) {
		size_t n = strcspn(list + pos, ",");

		if (n == 5 && memcmp(list + pos, "local", 5) == 0)
			r->local = true;
		else {
			if (o > 0)
				r->networks[o++] = ' ';
			memcpy(r->networks + o, list + pos, n);
			o += n;
		}
		pos += n + 1;
	}
	r->networks[o] = '\0';
	if (naccs_netmatch_check_list(r->networks, NULL) != 0)
		return naccs_err_set(err, EINVAL,
				     _("networks: '%s' holds something that is neither an address "
				       "or network (ADDRESS or ADDRESS/LENGTH, no host names) nor "
				       "'local'"),
				     shown(v, vlen, show, sizeof(show)));
	return 0;
}

static int parse_selector(const char *s, size_t len, struct naccs_access_rule *r,
			  struct naccs_err *err)
{
	char show[64];
	size_t skip;

	if (len == 3 && memcmp(s, "all", 3) == 0) {
		r->selector = NACCS_ACCESS_ALL;
		return 0;
	}
	if (len > 3 && memcmp(s, "id:", 3) == 0) {
		r->selector = NACCS_ACCESS_ID;
		skip = 3;
	} else if (len > 6 && memcmp(s, "group:", 6) == 0) {
		r->selector = NACCS_ACCESS_GROUP;
		skip = 6;
	} else
		goto bad;
	if (len - skip >= sizeof(r->who))
		goto bad;
	for (size_t i = skip; i < len; i++)
		if (!name_char(s[i]))
			goto bad;
	memcpy(r->who, s + skip, len - skip);
	r->who[len - skip] = '\0';
	return 0;
bad:
	return naccs_err_set(err, EINVAL,
			     _("'%s' names nobody: a rule starts with id:NAME, group:NAME or all"),
			     shown(s, len, show, sizeof(show)));
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

int naccs_access_parse(const char *text, struct naccs_access_rule *out, struct naccs_err *err)
{
	struct naccs_access_rule r;
	const char *p = text;
	unsigned seen = 0;
	char show[64];
	bool first = true;

	if (text == NULL)
		return naccs_err_set(err, EINVAL, _("empty rule"));
	memset(&r, 0, sizeof(r));
	r.days = ALL_DAYS;
	r.any_network = true;
	for (;;) {
		static const char *const fields[] = {"days", "time", "services", "ttys",
						     "networks"};
		const char *tok, *eq;
		size_t len, klen, f;
		int rc;

		while (blank(*p))
			p++;
		if (*p == '\0')
			break;
		tok = p;
		while (*p != '\0' && !blank(*p))
			p++;
		len = (size_t)(p - tok);
		if (first) {
			first = false;
			rc = parse_selector(tok, len, &r, err);
			if (rc < 0)
				return rc;
			continue;
		}
		eq = memchr(tok, '=', len);
		klen = eq != NULL ? (size_t)(eq - tok) : len;
		for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			if (strlen(fields[f]) == klen && memcmp(tok, fields[f], klen) == 0)
				break;
		if (eq == NULL || f == sizeof(fields) / sizeof(fields[0]))
			return naccs_err_set(err, EINVAL,
					     _("'%s' is not one of days=, time=, services=, "
					       "ttys=, networks="),
					     shown(tok, len, show, sizeof(show)));
		if (seen & (1u << f))
			return naccs_err_set(err, EINVAL, _("%s= given twice"), fields[f]);
		seen |= 1u << f;
		len -= klen + 1;
		eq++;
		if (len == 0)
			return naccs_err_set(err, EINVAL, _("%s= is empty"), fields[f]);
		switch (f) {
		case 0:
			rc = parse_days(eq, len, &r.days, err);
			break;
		case 1:
			rc = parse_time(eq, len, &r, err);
			break;
		case 2:
			rc = parse_list("services", eq, len, name_char, r.services,
					sizeof(r.services), err);
			break;
		case 3:
			rc = parse_list("ttys", eq, len, tty_char, r.ttys, sizeof(r.ttys), err);
			break;
		default:
			rc = parse_networks(eq, len, &r, err);
			break;
		}
		if (rc < 0)
			return rc;
	}
	if (first)
		return naccs_err_set(err, EINVAL, _("empty rule"));
	*out = r;
	return 0;
}
