/* Time and terminal windows: the rules of rules/access.h
 * (UTS-2.2.1.2(1)(b)(ア)).  Pure functions of the rule, the request and the
 * clock given; the policy (policy/policy.c) finds the rules that apply to an
 * ID and reports the verdict. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/access.h"
#include "base/i18n.h"
#include "rules/netmatch.h"
#include "base/text.h"

#define DAY_MIN	 1440
#define WEEK_MIN (7 * DAY_MIN)
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

/* ---- checking ------------------------------------------------------------ */

static bool day_on(const struct naccs_access_rule *r, int wday)
{
	return (r->days >> (((wday % 7) + 7) % 7)) & 1u;
}

/* Inside a window at local weekday wday, minute of the day mod? */
static bool in_window_at(const struct naccs_access_rule *r, int wday, int mod)
{
	if (r->nwin == 0)
		return day_on(r, wday);
	for (unsigned i = 0; i < r->nwin; i++) {
		const struct naccs_access_window *w = &r->win[i];

		if (w->start < w->end) {
			if (day_on(r, wday) && mod >= w->start && mod < w->end)
				return true;
		} else if ((day_on(r, wday) && mod >= w->start) ||
			   (day_on(r, wday + 6) && mod < w->end)) {
			/* Across midnight: the part after it belongs to the
			 * day before. */
			return true;
		}
	}
	return false;
}

static bool local_tm(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	return localtime_r(&tt, tm) != NULL;
}

bool naccs_access_in_window(const struct naccs_access_rule *r, int64_t now)
{
	struct tm tm;

	if (!local_tm(now, &tm))
		return false; /* fail closed */
	return in_window_at(r, tm.tm_wday, tm.tm_hour * 60 + tm.tm_min);
}

static bool in_list(const char *list, const char *s, bool pattern)
{
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		char item[NACCS_ACCESS_NAME_LIST_MAX];

		memcpy(item, p, n);
		item[n] = '\0';
		if (pattern ? fnmatch(item, s, 0) == 0 : strcmp(item, s) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static bool given(const char *s)
{
	return s != NULL && s[0] != '\0';
}

enum naccs_access_why naccs_access_check(const struct naccs_access_rule *r,
					 const struct naccs_access_request *q,
					 enum naccs_access_checks checks)
{
	if (checks == NACCS_ACCESS_CHECK_ALL) {
		if (r->services[0] != '\0' &&
		    (!given(q->service) || !in_list(r->services, q->service, false)))
			return NACCS_ACCESS_SERVICE;
		if (r->ttys[0] != '\0') {
			const char *tty = q->tty;

			if (given(tty) && strncmp(tty, "/dev/", 5) == 0)
				tty += 5;
			if (!given(tty) || !in_list(r->ttys, tty, true))
				return NACCS_ACCESS_TTY;
		}
		if (!r->any_network &&
		    (given(q->rhost) ? naccs_netmatch(r->networks, q->rhost) != 1 : !r->local))
			return NACCS_ACCESS_NETWORK;
	}
	if (!naccs_access_in_window(r, q->now))
		return NACCS_ACCESS_TIME;
	return NACCS_ACCESS_OK;
}

/* ---- when next allowed --------------------------------------------------- */

/* Wall-clock minutes from (wday, mod) to the next window start of r
 * strictly later (up to a week ahead); WEEK_MIN + 1 when none. */
static int minutes_to_start(const struct naccs_access_rule *r, int wday, int mod)
{
	int best = WEEK_MIN + 1;

	for (int k = 0; k <= 7; k++) {
		if (!day_on(r, wday + k))
			continue;
		if (r->nwin == 0) {
			int d = k * DAY_MIN - mod;

			if (d > 0 && d < best)
				best = d;
			continue;
		}
		for (unsigned i = 0; i < r->nwin; i++) {
			int d = k * DAY_MIN + r->win[i].start - mod;

			if (d > 0 && d < best)
				best = d;
		}
	}
	return best;
}

static bool any_in(const struct naccs_access_rule *const *rules, size_t n, const struct tm *tm)
{
	for (size_t i = 0; i < n; i++)
		if (in_window_at(rules[i], tm->tm_wday, tm->tm_hour * 60 + tm->tm_min))
			return true;
	return false;
}

/* The first second in (lo, hi] whose UTC offset differs from lo's. */
static int64_t offset_change(int64_t lo, int64_t hi, long off_lo)
{
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		struct tm tm;

		if (local_tm(mid, &tm) && tm.tm_gmtoff == off_lo)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

int naccs_access_next_allowed(const struct naccs_access_rule *const *rules, size_t n, int64_t now,
			      int64_t *at)
{
	int64_t t = now;

	if (n == 0)
		return -ENOENT;
	/* Each step lands on a window start or a change of the UTC offset;
	 * a week and a few offset changes are enough. */
	for (int step = 0; step < 64; step++) {
		struct tm tm, tm2;
		int best = WEEK_MIN + 1, mod;
		int64_t next;

		if (!local_tm(t, &tm))
			return -ENOENT;
		if (any_in(rules, n, &tm)) {
			*at = t;
			return 0;
		}
		mod = tm.tm_hour * 60 + tm.tm_min;
		for (size_t i = 0; i < n; i++) {
			int d = minutes_to_start(rules[i], tm.tm_wday, mod);

			if (d < best)
				best = d;
		}
		if (best > WEEK_MIN)
			return -ENOENT;
		next = t + (int64_t)best * 60 - tm.tm_sec;
		/* The wall clock jumped on the way (DST): stop where it did,
		 * it may have jumped into a window. */
		if (local_tm(next, &tm2) && tm2.tm_gmtoff != tm.tm_gmtoff)
			next = offset_change(t, next, tm.tm_gmtoff);
		t = next;
	}
	return -ENOENT;
}

/* ---- the decision ---------------------------------------------------------- */

void naccs_access_decide(const struct naccs_access_rule *rules, const bool *applies, size_t n,
			 const struct naccs_access_request *q, enum naccs_access_checks checks,
			 struct naccs_access_verdict *out)
{
	const struct naccs_access_rule *timed[NACCS_ACCESS_RULES_MAX];
	size_t ntimed = 0;
	int level = -1;

	memset(out, 0, sizeof(*out));
	out->rule = -1;
	for (size_t i = 0; i < n; i++)
		if (applies[i] && (int)rules[i].selector > level)
			level = (int)rules[i].selector;
	if (level < 0) { /* no rule names this ID: no restriction */
		out->allow = true;
		return;
	}
	out->restricted = true;
	for (size_t i = 0; i < n; i++) {
		enum naccs_access_why why;

		if (!applies[i] || (int)rules[i].selector != level)
			continue;
		why = naccs_access_check(&rules[i], q, checks);
		if (why == NACCS_ACCESS_OK) {
			out->allow = true;
			out->rule = (int)i;
			out->why = NACCS_ACCESS_OK;
			return;
		}
		if (out->rule < 0 || why > out->why) {
			out->rule = (int)i;
			out->why = why;
		}
		if (why == NACCS_ACCESS_TIME && ntimed < NACCS_ACCESS_RULES_MAX)
			timed[ntimed++] = &rules[i];
	}
	if (out->why == NACCS_ACCESS_TIME)
		out->has_next = naccs_access_next_allowed(timed, ntimed, q->now, &out->next) == 0;
}

const char *naccs_access_why_name(enum naccs_access_why why)
{
	switch (why) {
	case NACCS_ACCESS_OK:
		return "ok";
	case NACCS_ACCESS_SERVICE:
		return "service-not-allowed";
	case NACCS_ACCESS_TTY:
		return "tty-not-allowed";
	case NACCS_ACCESS_NETWORK:
		return "network-not-allowed";
	case NACCS_ACCESS_TIME:
		return "outside-window";
	}
	return "invalid";
}

/* ---- the zone ------------------------------------------------------------ */

void naccs_access_zone_enter(struct naccs_access_zone *z, bool distrust_env)
{
	const char *tz = getenv("TZ");

	memset(z, 0, sizeof(*z));
	if (!distrust_env || tz == NULL)
		return;
	/* Without a copy the user's TZ is not put back: the windows still
	 * use the system's zone. */
	z->saved = strdup(tz);
	unsetenv("TZ");
	tzset();
	z->changed = true;
}

void naccs_access_zone_leave(struct naccs_access_zone *z)
{
	if (!z->changed)
		return;
	if (z->saved != NULL)
		setenv("TZ", z->saved, 1);
	free(z->saved);
	z->saved = NULL;
	tzset();
	z->changed = false;
}

void naccs_access_format(int64_t t, char *out, size_t outlen)
{
	struct tm tm;
	char zone[16];

	if (outlen == 0)
		return;
	if (!local_tm(t, &tm) || strftime(zone, sizeof(zone), "%z", &tm) == 0) {
		snprintf(out, outlen, "@%lld", (long long)t);
		return;
	}
	snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d (%s) %s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, day_names[tm.tm_wday], zone);
}
