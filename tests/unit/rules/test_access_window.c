/* Time and terminal windows (UTS-2.2.1.2(1)(b)(ア), common/rules/access.c):
 * rule syntax and its errors, days of the week, windows across midnight,
 * the DST changes of Europe/Berlin and America/New_York (the zone set with
 * setenv("TZ") + tzset(); Japan has none), the next-allowed computation
 * (checked against a minute-by-minute scan), precedence of id, group and
 * all rules, services, terminals and networks, and the [access] rule_NAME
 * configuration keys. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "rules/access.h"
#include "rules/access_parse.h"
#include "config/conf.h"

static void zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Seconds since the epoch of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (int64_t)timegm(&tm);
}

static struct naccs_access_rule rule(const char *text)
{
	struct naccs_access_rule r;
	struct naccs_err err;

	if (naccs_access_parse(text, &r, &err) != 0)
		fail_msg("rule '%s': %s", text, err.msg);
	return r;
}

static int64_t next_of(const struct naccs_access_rule *r, int64_t now)
{
	const struct naccs_access_rule *rs[1] = {r};
	int64_t at = -1;

	assert_int_equal(naccs_access_next_allowed(rs, 1, now, &at), 0);
	return at;
}

/* ---- syntax ------------------------------------------------------------- */

static void test_parse(void **state)
{
	struct naccs_access_rule r;

	(void)state;
	r = rule("group:ops days=Mon-Fri time=08:00-12:00,13:00-18:00 services=login,sshd "
		 "ttys=tty*,pts/* networks=10.0.0.0/8,local");
	assert_int_equal(r.selector, NACCS_ACCESS_GROUP);
	assert_string_equal(r.who, "ops");
	assert_int_equal(r.days, 0x3e); /* Mon..Fri */
	assert_int_equal(r.nwin, 2);
	assert_int_equal(r.win[0].start, 480);
	assert_int_equal(r.win[1].end, 1080);
	assert_string_equal(r.services, "login,sshd");
	assert_true(r.local);
	assert_false(r.any_network);
	assert_string_equal(r.networks, "10.0.0.0/8");
	r = rule("id:abcde-001");
	assert_int_equal(r.selector, NACCS_ACCESS_ID);
	assert_int_equal(r.days, 0x7f);
	assert_int_equal(r.nwin, 0);
	assert_true(r.any_network);
	r = rule("all days=fri-mon time=22:00-24:00");
	assert_int_equal(r.days, 0x63); /* Fri Sat Sun Mon: wraps */
	assert_int_equal(r.win[0].end, 1440);
	r = rule("  all\ttime=20:00-00:00  ");
	assert_int_equal(r.win[0].end, 1440);
}

static void bad(const char *text, const char *msg_part)
{
	struct naccs_access_rule r;
	struct naccs_err err;

	naccs_err_clear(&err);
	if (naccs_access_parse(text, &r, &err) != -EINVAL)
		fail_msg("rule '%s' accepted", text);
	if (strstr(err.msg, msg_part) == NULL)
		fail_msg("rule '%s': message '%s' lacks '%s'", text, err.msg, msg_part);
}

static void test_parse_errors(void **state)
{
	(void)state;
	bad("", "empty rule");
	bad("   ", "empty rule");
	bad("days=Mon", "names nobody");
	bad("ops days=Mon", "names nobody");
	bad("group: days=Mon", "names nobody");
	bad("id:a;b", "names nobody");
	bad("all days=Mon-Fry", "not a day");
	bad("all days=Mon,", "not a day");
	bad("all days=", "is empty");
	bad("all time=8:00-18:00", "not a window");
	bad("all time=08:00-25:00", "not a window");
	bad("all time=24:00-08:00", "not a window");
	bad("all time=08:60-09:00", "not a window");
	bad("all time=08:00-08:00", "not a window");
	bad("all time=08:00", "not a window");
	bad("all time=1:00-2:00,3:00-4:00", "not a window");
	bad("all time=00:00-01:00,01:00-02:00,02:00-03:00,03:00-04:00,04:00-05:00,05:00-06:00,"
	    "06:00-07:00,07:00-08:00,08:00-09:00",
	    "more than 8 windows");
	bad("all hours=08:00-18:00", "not one of");
	bad("all days", "not one of");
	bad("all days=Mon days=Tue", "given twice");
	bad("all services=login;sshd", "not a valid list");
	bad("all services=login,,sshd", "not a valid list");
	bad("all ttys=tty1,", "not a valid list");
	bad("all networks=gateway.example", "no host names");
	bad("all networks=10.0.0.0/33", "no host names");
}

/* ---- days and windows ----------------------------------------------------- */

static void test_days_and_hours(void **state)
{
	struct naccs_access_rule r = rule("all days=Mon-Fri time=08:00-18:00");

	(void)state;
	zone("Asia/Tokyo"); /* UTC+9, no DST */
	/* 2026-12-04 is a Friday. */
	assert_true(naccs_access_in_window(&r, utc(2026, 12, 3, 23, 0)));   /* Fri 08:00 */
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 3, 22, 59))); /* Fri 07:59 */
	assert_true(naccs_access_in_window(&r, utc(2026, 12, 4, 8, 59)));   /* Fri 17:59 */
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 4, 9, 0)));   /* Fri 18:00 */
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 5, 1, 0)));   /* Sat 10:00 */
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 6, 1, 0)));   /* Sun 10:00 */
	/* Friday 18:00 -> Monday 08:00 local (Sunday 23:00 UTC). */
	assert_int_equal(next_of(&r, utc(2026, 12, 4, 9, 0)), utc(2026, 12, 6, 23, 0));
	/* Inside: now. */
	assert_int_equal(next_of(&r, utc(2026, 12, 4, 0, 17) + 13), utc(2026, 12, 4, 0, 17) + 13);
	/* A whole day without time=. */
	r = rule("all days=Sun");
	assert_true(naccs_access_in_window(&r, utc(2026, 12, 5, 15, 0)));  /* Sun 00:00 */
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 6, 15, 0))); /* Mon 00:00 */
	assert_int_equal(next_of(&r, utc(2026, 12, 6, 15, 0) + 7), utc(2026, 12, 12, 15, 0));
}

static void test_across_midnight(void **state)
{
	struct naccs_access_rule r = rule("all days=Fri time=22:00-06:00");

	(void)state;
	zone("UTC");
	/* 2026-12-04 is a Friday: the window runs into Saturday morning. */
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 4, 21, 59)));
	assert_true(naccs_access_in_window(&r, utc(2026, 12, 4, 22, 0)));
	assert_true(naccs_access_in_window(&r, utc(2026, 12, 4, 23, 59)));
	assert_true(naccs_access_in_window(&r, utc(2026, 12, 5, 0, 0)));
	assert_true(naccs_access_in_window(&r, utc(2026, 12, 5, 5, 59)));
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 5, 6, 0)));
	/* Saturday night is not Friday's: no window. */
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 5, 23, 0)));
	/* Friday morning belongs to Thursday's window, not listed. */
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 4, 3, 0)));
	assert_int_equal(next_of(&r, utc(2026, 12, 5, 6, 0)), utc(2026, 12, 11, 22, 0));
	/* Every day, across midnight. */
	r = rule("all time=22:00-06:00");
	assert_true(naccs_access_in_window(&r, utc(2026, 12, 7, 2, 0)));
	assert_false(naccs_access_in_window(&r, utc(2026, 12, 7, 12, 0)));
	assert_int_equal(next_of(&r, utc(2026, 12, 7, 12, 0)), utc(2026, 12, 7, 22, 0));
}

/* ---- DST ----------------------------------------------------------------- */

static void test_dst_spring_forward(void **state)
{
	struct naccs_access_rule r = rule("all time=02:30-04:00");

	(void)state;
	/* Europe/Berlin, 2026-03-29: 02:00 CET (01:00 UTC) becomes 03:00
	 * CEST.  02:30 never happens: the window opens when the clock jumps
	 * into it. */
	zone("Europe/Berlin");
	assert_false(naccs_access_in_window(&r, utc(2026, 3, 29, 0, 59))); /* 01:59 CET */
	assert_true(naccs_access_in_window(&r, utc(2026, 3, 29, 1, 0)));   /* 03:00 CEST */
	assert_int_equal(next_of(&r, utc(2026, 3, 29, 0, 10)), utc(2026, 3, 29, 1, 0));
	assert_false(naccs_access_in_window(&r, utc(2026, 3, 29, 2, 0))); /* 04:00 CEST */
	/* A working day keeps its wall-clock hours across the change. */
	r = rule("all time=08:00-18:00");
	assert_int_equal(next_of(&r, utc(2026, 3, 28, 17, 0)), utc(2026, 3, 29, 6, 0));
	assert_true(naccs_access_in_window(&r, utc(2026, 3, 29, 15, 59))); /* 17:59 CEST */
	assert_false(naccs_access_in_window(&r, utc(2026, 3, 29, 16, 0))); /* 18:00 CEST */
	/* America/New_York, 2026-03-08: 02:00 EST (07:00 UTC) -> 03:00 EDT. */
	zone("America/New_York");
	r = rule("all days=Sun time=02:15-02:45");
	/* The window is skipped that Sunday and opens the next. */
	assert_int_equal(next_of(&r, utc(2026, 3, 8, 6, 0)), utc(2026, 3, 15, 6, 15));
	r = rule("all days=Sun time=02:15-03:30");
	assert_int_equal(next_of(&r, utc(2026, 3, 8, 6, 0)), utc(2026, 3, 8, 7, 0));
}

static void test_dst_fall_back(void **state)
{
	struct naccs_access_rule r = rule("all time=02:15-02:45");

	(void)state;
	/* Europe/Berlin, 2026-10-25: 03:00 CEST (01:00 UTC) becomes 02:00
	 * CET: 02:15-02:45 happens twice, and both are inside. */
	zone("Europe/Berlin");
	assert_true(naccs_access_in_window(&r, utc(2026, 10, 25, 0, 20)));  /* 02:20 CEST */
	assert_false(naccs_access_in_window(&r, utc(2026, 10, 25, 0, 50))); /* 02:50 CEST */
	assert_true(naccs_access_in_window(&r, utc(2026, 10, 25, 1, 20)));  /* 02:20 CET */
	assert_int_equal(next_of(&r, utc(2026, 10, 25, 0, 50)), utc(2026, 10, 25, 1, 15));
	/* After the second one: the next day. */
	assert_int_equal(next_of(&r, utc(2026, 10, 25, 1, 45)), utc(2026, 10, 26, 1, 15));
	/* America/New_York, 2026-11-01: 02:00 EDT (06:00 UTC) -> 01:00 EST. */
	zone("America/New_York");
	r = rule("all days=Sun time=01:30-02:00");
	assert_true(naccs_access_in_window(&r, utc(2026, 11, 1, 5, 45)));  /* 01:45 EDT */
	assert_false(naccs_access_in_window(&r, utc(2026, 11, 1, 6, 15))); /* 01:15 EST */
	assert_int_equal(next_of(&r, utc(2026, 11, 1, 6, 15)), utc(2026, 11, 1, 6, 30));
	/* An 08:00-18:00 day is an hour longer in UTC terms that week. */
	r = rule("all days=Mon-Fri time=08:00-18:00");
	assert_int_equal(next_of(&r, utc(2026, 10, 30, 22, 0)), utc(2026, 11, 2, 13, 0));
}

/* The next-allowed computation against the plain definition: the first
 * minute (or now) inside a window, scanning minute by minute. */
static int64_t brute_next(const struct naccs_access_rule *r, int64_t now)
{
	int64_t t;

	if (naccs_access_in_window(r, now))
		return now;
	for (t = now - now % 60 + 60; t < now + 9 * 86400; t += 60)
		if (naccs_access_in_window(r, t))
			return t;
	return -1;
}

static void test_next_matches_scan(void **state)
{
	static const char *const zones[] = {"Europe/Berlin", "America/New_York",
					    "Australia/Lord_Howe", "Asia/Tokyo"};
	static const char *const rules[] = {
	    "all days=Mon-Fri time=08:00-18:00",
	    "all days=Sat,Sun time=22:00-02:30",
	    "all time=02:10-02:20,02:40-03:05",
	    "all days=Sun time=01:30-02:30",
	};
	/* The days before the changes of 2026 in both hemispheres:
	 * 03-03, 03-24, 04-01 (Lord Howe), 09-30 (Lord Howe), 10-20,
	 * 10-27. */
	static const int64_t starts[] = {1772496000, 1774310400, 1775001600,
					 1790726400, 1792454400, 1793059200};
	uint32_t x = 12345;

	(void)state;
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		zone(zones[z]);
		for (size_t k = 0; k < sizeof(rules) / sizeof(rules[0]); k++) {
			struct naccs_access_rule r = rule(rules[k]);

			for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++)
				for (int i = 0; i < 12; i++) {
					int64_t now;

					x = x * 1103515245u + 12345u;
					now = starts[s] + (int64_t)(x % (9 * 86400u));
					if (next_of(&r, now) != brute_next(&r, now))
						fail_msg("%s '%s' now=%lld: %lld, scan %lld",
							 zones[z], rules[k], (long long)now,
							 (long long)next_of(&r, now),
							 (long long)brute_next(&r, now));
				}
		}
	}
}

/* ---- services, terminals, networks ---------------------------------------- */

static void test_service_tty_network(void **state)
{
	struct naccs_access_rule r =
	    rule("all services=login,sshd ttys=tty*,ssh networks=192.0.2.0/24,local");
	struct naccs_access_request q = {"login", "/dev/tty1", NULL, utc(2026, 12, 1, 12, 0)};

	(void)state;
	zone("UTC");
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_OK);
	q.service = "gdm-password";
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_SERVICE);
	q.service = NULL;
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_SERVICE);
	q.service = "sshd";
	q.tty = "pts/3";
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_TTY);
	q.tty = NULL; /* no terminal matches no pattern */
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_TTY);
	q.tty = "ssh";
	q.rhost = "192.0.2.9";
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_OK);
	q.rhost = "::ffff:192.0.2.9";
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_OK);
	q.rhost = "198.51.100.1";
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_NETWORK);
	q.rhost = "host.example"; /* never resolved: refused */
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_NETWORK);
	/* Without "local", a login without PAM_RHOST is refused. */
	r = rule("all networks=192.0.2.0/24");
	q.rhost = NULL;
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_NETWORK);
	q.rhost = "";
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_ALL), NACCS_ACCESS_NETWORK);
	/* Only days and time (the person behind an su). */
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_TIME), NACCS_ACCESS_OK);
	r = rule("all services=sshd time=08:00-09:00");
	assert_int_equal(naccs_access_check(&r, &q, NACCS_ACCESS_CHECK_TIME), NACCS_ACCESS_TIME);
}

/* ---- which rules apply ------------------------------------------------------ */

static void test_decide_precedence(void **state)
{
	struct naccs_access_rule rs[4];
	bool applies[4] = {true, true, true, false};
	struct naccs_access_request q = {"login", "tty1", NULL, 0};
	struct naccs_access_verdict v;

	(void)state;
	zone("Asia/Tokyo");
	/* 2026-12-01 (Tuesday) 20:00 local. */
	q.now = utc(2026, 12, 1, 11, 0);
	rs[0] = rule("all time=08:00-18:00");
	rs[1] = rule("group:ops time=08:00-12:00");
	rs[2] = rule("group:night time=19:00-23:00");
	rs[3] = rule("id:abcde-001 time=00:00-01:00");
	/* Two group rules apply: one allowing is enough; the all rule is
	 * less specific and not consulted. */
	naccs_access_decide(rs, applies, 4, &q, NACCS_ACCESS_CHECK_ALL, &v);
	assert_true(v.allow);
	assert_true(v.restricted);
	assert_int_equal(v.rule, 2);
	/* Not in night: ops refuses, and says when (tomorrow 08:00). */
	applies[2] = false;
	naccs_access_decide(rs, applies, 4, &q, NACCS_ACCESS_CHECK_ALL, &v);
	assert_false(v.allow);
	assert_int_equal(v.why, NACCS_ACCESS_TIME);
	assert_int_equal(v.rule, 1);
	assert_true(v.has_next);
	assert_int_equal(v.next, utc(2026, 12, 1, 23, 0));
	/* An id rule overrides every group rule. */
	applies[2] = true;
	applies[3] = true;
	naccs_access_decide(rs, applies, 4, &q, NACCS_ACCESS_CHECK_ALL, &v);
	assert_false(v.allow);
	assert_int_equal(v.rule, 3);
	assert_int_equal(v.next, utc(2026, 12, 1, 15, 0));
	/* Only the all rule applies. */
	memset(applies, 0, sizeof(applies));
	applies[0] = true;
	naccs_access_decide(rs, applies, 4, &q, NACCS_ACCESS_CHECK_ALL, &v);
	assert_false(v.allow);
	assert_int_equal(v.rule, 0);
	/* No rule applies: no restriction. */
	applies[0] = false;
	naccs_access_decide(rs, applies, 4, &q, NACCS_ACCESS_CHECK_ALL, &v);
	assert_true(v.allow);
	assert_false(v.restricted);
	/* The reason of the rule that came nearest; next only from the rules
	 * whose other conditions hold. */
	rs[0] = rule("id:x services=sshd time=20:30-21:00");
	rs[1] = rule("id:x services=login ttys=pts/* time=21:00-22:00");
	rs[2] = rule("id:x services=login time=06:00-07:00");
	memset(applies, 1, sizeof(applies[0]) * 3);
	naccs_access_decide(rs, applies, 3, &q, NACCS_ACCESS_CHECK_ALL, &v);
	assert_false(v.allow);
	assert_int_equal(v.why, NACCS_ACCESS_TIME);
	assert_int_equal(v.rule, 2);
	assert_int_equal(v.next, utc(2026, 12, 1, 21, 0));
	rs[2] = rule("id:x services=su");
	naccs_access_decide(rs, applies, 3, &q, NACCS_ACCESS_CHECK_ALL, &v);
	assert_int_equal(v.why, NACCS_ACCESS_TTY);
	assert_false(v.has_next);
	assert_string_equal(naccs_access_why_name(v.why), "tty-not-allowed");
	assert_string_equal(naccs_access_why_name(NACCS_ACCESS_TIME), "outside-window");
	assert_string_equal(naccs_access_why_name(NACCS_ACCESS_SERVICE), "service-not-allowed");
}

/* ---- the zone of a set-uid program ----------------------------------------- */

static void test_zone_guard(void **state)
{
	struct naccs_access_zone z;
	struct naccs_access_rule r = rule("all time=08:00-09:00");
	int64_t now = utc(2026, 12, 1, 8, 30); /* 08:30 UTC */
	bool system_in;

	(void)state;
	unsetenv("TZ");
	tzset();
	system_in = naccs_access_in_window(&r, now);
	/* The invoker of su moves the clock with TZ: not in a set-uid
	 * program. */
	zone("UTC+5");
	naccs_access_zone_enter(&z, true);
	assert_null(getenv("TZ"));
	assert_int_equal(naccs_access_in_window(&r, now), system_in);
	naccs_access_zone_leave(&z);
	assert_string_equal(getenv("TZ"), "UTC+5");
	assert_false(naccs_access_in_window(&r, now)); /* 03:30 there */
	/* Elsewhere TZ is the daemon's: kept. */
	naccs_access_zone_enter(&z, false);
	assert_string_equal(getenv("TZ"), "UTC+5");
	naccs_access_zone_leave(&z);
	assert_string_equal(getenv("TZ"), "UTC+5");
}

static void test_format(void **state)
{
	char buf[80];

	(void)state;
	zone("Europe/Berlin");
	naccs_access_format(utc(2026, 12, 7, 7, 0), buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-07 08:00 (Mon) +0100");
}

/* ---- configuration --------------------------------------------------------- */

static int set(struct naccs_config *cfg, const char *key, const char *value, struct naccs_err *err)
{
	return naccs_config_set(cfg, "access", key, value, "test", true, NULL, NULL, err);
}

static void test_config_rules(void **state)
{
	static const char text[] = "[access]\n"
				   "rule_ops = group:ops days=Mon-Fri time=08:00-20:00\n"
				   "rule_night = id:abcde-001 time=22:00-06:00\n";
	struct naccs_config cfg;
	struct naccs_config_item it;
	struct naccs_err err;
	size_t n;

	(void)state;
	naccs_config_defaults(&cfg);
	assert_int_equal(cfg.access_rule_count, 0);
	assert_int_equal(
	    naccs_config_parse_text(&cfg, text, strlen(text), "naccs.conf", NULL, NULL, &err), 0);
	assert_int_equal(cfg.access_rule_count, 2);
	assert_string_equal(cfg.access_rules[1].key, "rule_night");
	/* Shown with their lines after the table's keys. */
	n = naccs_config_key_count();
	assert_int_equal(naccs_config_item(&cfg, n, &it), 0);
	assert_string_equal(it.section, "access");
	assert_string_equal(it.key, "rule_ops");
	assert_string_equal(it.value, "group:ops days=Mon-Fri time=08:00-20:00");
	assert_int_equal(it.origin, NACCS_ORIGIN_FILE);
	assert_int_equal(it.line, 2);
	assert_int_equal(naccs_config_item(&cfg, n + 1, &it), 0);
	assert_int_equal(it.line, 3);
	assert_int_equal(naccs_config_item(&cfg, n + 2, &it), -ENOENT);
	/* An argument of the same name replaces the file's rule. */
	assert_int_equal(naccs_config_set_arg(&cfg, "access.rule_ops=group:ops time=09:00-10:00",
					      NULL, NULL, &err),
			 0);
	assert_int_equal(cfg.access_rule_count, 2);
	assert_string_equal(cfg.access_rules[0].text, "group:ops time=09:00-10:00");
	assert_int_equal(cfg.access_rules[0].origin.kind, NACCS_ORIGIN_ARG);
	/* A bad rule is an error naming the rule (the module fails closed). */
	assert_int_equal(set(&cfg, "rule_bad", "group:ops time=08:00-25:00", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "access.rule_bad"));
	assert_non_null(strstr(err.msg, "not a window"));
	assert_int_equal(cfg.access_rule_count, 2);
	assert_int_equal(set(&cfg, "rule_", "all", &err), -EINVAL);
	assert_int_equal(set(&cfg, "rule_a.b", "all", &err), -EINVAL);
	/* Other [access] keys stay refused. */
	assert_int_equal(set(&cfg, "time_windows", "Mon-Fri 08:00-18:00", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not implemented in this version"));
	/* At most NACCS_ACCESS_RULES_MAX rules. */
	for (int i = 2; i < NACCS_ACCESS_RULES_MAX; i++) {
		char key[32];

		snprintf(key, sizeof(key), "rule_r%d", i);
		assert_int_equal(set(&cfg, key, "all", &err), 0);
	}
	assert_int_equal(set(&cfg, "rule_one_more", "all", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "more than 32 rules"));
	/* Replacing one is still possible. */
	assert_int_equal(set(&cfg, "rule_r5", "all days=Mon", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_days_and_hours),
	    cmocka_unit_test(test_across_midnight),
	    cmocka_unit_test(test_dst_spring_forward),
	    cmocka_unit_test(test_dst_fall_back),
	    cmocka_unit_test(test_next_matches_scan),
	    cmocka_unit_test(test_service_tty_network),
	    cmocka_unit_test(test_decide_precedence),
	    cmocka_unit_test(test_zone_guard),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_config_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
