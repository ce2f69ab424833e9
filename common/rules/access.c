/* Time and terminal windows: the rules of rules/access.h
 * (UTS-2.2.1.2(1)(b)(ア)): checking a parsed rule (parsing: rules/access_parse.c).  Pure functions
 * of the rule, the request and the clock given; the policy (policy/policy.c) finds the rules that
 * apply to an ID and reports the verdict. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/access.h"
#include "rules/netmatch.h"

#define DAY_MIN	 1440
#define WEEK_MIN (7 * DAY_MIN)
#define ALL_DAYS 0x7f

/* In tm_wday order. */
static const char *const day_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

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
