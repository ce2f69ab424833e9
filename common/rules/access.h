/* Time and terminal windows (UTS-2.2.1.2(1)(b)(ア)): access control on
 * something other than the user's and groups' attributes, i.e. the
 * time-of-day band, the days of the week, the PAM service, the terminal and
 * the network a login comes from.
 *
 * A rule is one line of [access] (rule_NAME = ...):
 *
 *   SELECTOR [days=DAYS] [time=HH:MM-HH:MM[,...]] [services=NAME[,...]]
 *            [ttys=PATTERN[,...]] [networks=CIDR|local[,...]]
 *
 *   SELECTOR  id:NAME (an ID, login or NACCS form), group:NAME (a store
 *             group), or all (every NACCS ID);
 *   days      Mon Tue Wed Thu Fri Sat Sun, single or ranges (Mon-Fri,
 *             Fri-Mon wraps), comma-separated; default every day;
 *   time      local wall-clock windows, start inclusive, end exclusive;
 *             an end before the start crosses midnight and belongs to the
 *             day it starts on (days=Fri time=22:00-06:00 is Friday 22:00
 *             to Saturday 06:00); 24:00 is the end of a day; default the
 *             whole day;
 *   services  PAM service names (compared with PAM_SERVICE); default any;
 *   ttys      fnmatch(3) patterns on PAM_TTY without a leading "/dev/"
 *             (tty*, pts/[0-9]*, :0, ssh); a login without PAM_TTY matches none;
 *             default any;
 *   networks  IPv4/IPv6 addresses or CIDRs (rules/netmatch.h, never a DNS
 *             look-up; a PAM_RHOST that is no literal address matches
 *             none), and "local" for a login without PAM_RHOST; default
 *             any.
 * Within a rule every condition must hold.  Which rules apply to an ID:
 * its id: rules if it has any; else the group: rules of the groups it is a
 * member of; else the all rules; else none (no restriction).  Among the
 * rules that apply, one that allows is enough.
 *
 * Time is the wall clock of the process's time zone (localtime_r): a
 * window is a band of the local clock, so across a DST change it keeps its
 * wall-clock times (a 08:00-18:00 window is 10 or 9 hours long that day; a
 * window starting inside the skipped hour opens when the clock jumps).
 * Everything here is pure: the caller passes now and the request, and a
 * test sets the zone with setenv("TZ") + tzset(). */
#ifndef NACCS_ACCESS_H
#define NACCS_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define NACCS_ACCESS_RULES_MAX	   32  /* rules in a configuration */
#define NACCS_ACCESS_KEY_MAX	   40  /* "rule_NAME", with the NUL */
#define NACCS_ACCESS_TEXT_MAX	   512 /* one rule's text, with the NUL */
#define NACCS_ACCESS_WINDOWS_MAX   8   /* time windows per rule */
#define NACCS_ACCESS_RULE_PREFIX   "rule_"
#define NACCS_ACCESS_NAME_LIST_MAX 256

enum naccs_access_selector {
	NACCS_ACCESS_ALL = 0,
	NACCS_ACCESS_GROUP = 1,
	NACCS_ACCESS_ID = 2, /* the most specific */
};

struct naccs_access_window {
	uint16_t start, end; /* minutes of the day, 0..1439 and 1..1440 */
};

struct naccs_access_rule {
	enum naccs_access_selector selector;
	char who[64];  /* the group or the ID named; "" for all */
	uint8_t days;  /* bit d: tm_wday d (0 = Sunday) */
	unsigned nwin; /* 0: the whole day */
	struct naccs_access_window win[NACCS_ACCESS_WINDOWS_MAX];
	char services[NACCS_ACCESS_NAME_LIST_MAX]; /* "" any, else comma-separated */
	char ttys[NACCS_ACCESS_NAME_LIST_MAX];	   /* "" any, else comma-separated */
	bool any_network;			   /* no networks= */
	bool local;				   /* networks= has "local" */
	char networks[NACCS_ACCESS_NAME_LIST_MAX]; /* the CIDRs, for naccs_netmatch */
};

/* Parsing a rule's text: rules/access_parse.h. */

/* What is checked: everything, or for the person behind an su only the
 * days and time (the service, terminal and network conditions describe how
 * they came in, not the switch). */
enum naccs_access_checks {
	NACCS_ACCESS_CHECK_ALL = 0,
	NACCS_ACCESS_CHECK_TIME = 1,
};

struct naccs_access_request {
	const char *service, *tty, *rhost; /* NULL or "": not given */
	int64_t now;			   /* seconds since the epoch */
};

/* Why a rule does not allow, in the order they are checked. */
enum naccs_access_why {
	NACCS_ACCESS_OK = 0,
	NACCS_ACCESS_SERVICE = 1,
	NACCS_ACCESS_TTY = 2,
	NACCS_ACCESS_NETWORK = 3,
	NACCS_ACCESS_TIME = 4,
};

/* Is the local time at now inside one of r's windows on its days? */
bool naccs_access_in_window(const struct naccs_access_rule *r, int64_t now);

/* Check one rule. */
enum naccs_access_why naccs_access_check(const struct naccs_access_rule *r,
					 const struct naccs_access_request *q,
					 enum naccs_access_checks checks);

struct naccs_access_verdict {
	bool allow;
	bool restricted;	   /* some rule applied */
	enum naccs_access_why why; /* when refused: the nearest rule's reason */
	int rule;		   /* the rule that allowed, or came nearest; -1 none */
	bool has_next;		   /* why == TIME: when a rule would allow */
	int64_t next;
};

/* The decision for an ID: applies[i] says whether rules[i]'s selector
 * names it (the caller asks the store about IDs and groups).  The most
 * specific selector among the applying rules wins (id over group over
 * all); among those, one allowing rule is enough.  When they all refuse,
 * why is that of the rule that got furthest (service, terminal, network,
 * time), and for TIME next is the earliest moment at or after now when one
 * of the rules whose other conditions hold would allow. */
void naccs_access_decide(const struct naccs_access_rule *rules, const bool *applies, size_t n,
			 const struct naccs_access_request *q, enum naccs_access_checks checks,
			 struct naccs_access_verdict *out);

/* The earliest moment at or after now inside a window of one of the n
 * rules (all of them considered).  0 and *at, or -ENOENT (n == 0). */
int naccs_access_next_allowed(const struct naccs_access_rule *const *rules, size_t n, int64_t now,
			      int64_t *at);

/* "outside-window", "service-not-allowed", "tty-not-allowed",
 * "network-not-allowed" (event reasons). */
const char *naccs_access_why_name(enum naccs_access_why why);

/* Evaluating in the system's time zone.  In a set-uid program (su, sudo:
 * AT_SECURE) the environment, TZ included, is the invoking user's: a TZ
 * there could move the clock into a window.  naccs_access_zone_enter
 * unsets TZ (keeping a copy) and calls tzset when distrust_env is set and
 * TZ is set; naccs_access_zone_leave puts it back.  Only for
 * single-threaded moments of such programs. */
struct naccs_access_zone {
	bool changed;
	char *saved;
};
void naccs_access_zone_enter(struct naccs_access_zone *z, bool distrust_env);
void naccs_access_zone_leave(struct naccs_access_zone *z);

/* Format t in local time for a message: "YYYY-MM-DD HH:MM (Ddd) +ZZZZ". */
void naccs_access_format(int64_t t, char *out, size_t outlen);

#endif
