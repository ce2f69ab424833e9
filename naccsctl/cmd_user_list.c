/* naccsctl user list: every ID with its status, as text, JSON or CSV; the
 * filters serve the periodic review of unneeded IDs (UTS-2.2.1.3(2)(d)):
 * shared IDs, administrator IDs, IDs not used for N days or never, IDs
 * whose password is past its maximum age, and the locked, suspended,
 * retired and must-change ones.  Filters combine with AND. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/csv.h"
#include "base/i18n.h"
#include "rules/lockout.h"
#include "policy/policy.h"
#include "store/store.h"
#include "base/time.h"
#include "ctl_store.h"
#include "ctl.h"
#include "cmd_user.h"

#define SECONDS_PER_DAY	  86400
#define INACTIVE_DAYS_MAX 36500UL

enum {
	OPT_JSON = 0x100,
	OPT_LOCKED,
	OPT_SUSPENDED,
	OPT_RETIRED,
	OPT_MUST_CHANGE,
	OPT_INACTIVE,
	OPT_CSV,
	OPT_SHARED,
	OPT_ADMIN,
	OPT_NEVER_LOGGED_IN,
	OPT_EXPIRED,
	OPT_NO_STAFF_NUMBER,
};

struct list_filter {
	bool locked, suspended, retired, must_change;
	bool shared, admin, never_logged_in, expired;
	bool no_staff_number; /* active individual IDs without a staff number */
	bool inactive;
	int64_t inactive_before; /* last activity before this wall time */
	int64_t now;		 /* for locks and passwords that end by themselves */
	bool csv;		 /* --csv: RFC 4180 on stdout */
	struct ctl_ctx *ctx;
	struct naccs_json json; /* with --json: the array on stdout */
	struct naccs_csv table; /* with --csv: the header and one record per ID */
};

static int parse_list_options(struct ctl_ctx *ctx, int argc, char **argv, struct list_filter *f)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"locked", no_argument, NULL, OPT_LOCKED},
	    {"suspended", no_argument, NULL, OPT_SUSPENDED},
	    {"retired", no_argument, NULL, OPT_RETIRED},
	    {"must-change", no_argument, NULL, OPT_MUST_CHANGE},
	    {"inactive", required_argument, NULL, OPT_INACTIVE},
	    {"csv", no_argument, NULL, OPT_CSV},
	    {"shared", no_argument, NULL, OPT_SHARED},
	    {"admin", no_argument, NULL, OPT_ADMIN},
	    {"never-logged-in", no_argument, NULL, OPT_NEVER_LOGGED_IN},
	    {"expired", no_argument, NULL, OPT_EXPIRED},
	    {"no-staff-number", no_argument, NULL, OPT_NO_STAFF_NUMBER},
	    {NULL, 0, NULL, 0},
	};
	unsigned long days;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			ctx->json = true;
			break;
		case OPT_LOCKED:
			f->locked = true;
			break;
		case OPT_SUSPENDED:
			f->suspended = true;
			break;
		case OPT_RETIRED:
			f->retired = true;
			break;
		case OPT_MUST_CHANGE:
			f->must_change = true;
			break;
		case OPT_CSV:
			f->csv = true;
			break;
		case OPT_SHARED:
			f->shared = true;
			break;
		case OPT_ADMIN:
			f->admin = true;
			break;
		case OPT_NEVER_LOGGED_IN:
			f->never_logged_in = true;
			break;
		case OPT_EXPIRED:
			f->expired = true;
			break;
		case OPT_NO_STAFF_NUMBER:
			f->no_staff_number = true;
			break;
		case OPT_INACTIVE:
			if (ctl_parse_uint(optarg, INACTIVE_DAYS_MAX, &days) < 0)
				return ctl_usage_error("user list",
						       _("--inactive: not a number of days: '%s'"),
						       optarg);
			f->inactive = true;
			f->inactive_before = f->now - (int64_t)days * SECONDS_PER_DAY;
			break;
		default:
			return ctl_bad_option("user list", c, argv, optind);
		}
	}
	if (f->csv && ctx->json)
		return ctl_usage_error("user list", _("--csv and --json cannot be combined"));
	return ctl_max_args("user list", argc, argv, 0);
}

/* UTS-2.2.1.3(2)(d): the periodic review of unneeded IDs; every filter
 * given must hold (AND).  --inactive: an ID that never logged in counts
 * from the day it was issued.  --expired: the password is past
 * password.max_age_days, by the account phase's own computation
 * (naccs_password_expired), on an ID that is not retired (the account
 * phase refuses a retired ID before it looks at the password's age; those
 * are --retired); an ID that `user expire` marked is --must-change. */
static bool list_match(const struct list_filter *f, const struct naccs_identity *id,
		       const struct naccs_account_state *st)
{
	int64_t last = st->has_last_success ? st->last_success.at : id->created_at;
	unsigned bars = naccs_state_bars(st, f->now); /* the logins' own rule */

	if ((f->locked && !(bars & NACCS_BAR_LOCKED)) ||
	    (f->suspended && !(bars & NACCS_BAR_SUSPENDED)) ||
	    (f->retired && !(bars & NACCS_BAR_RETIRED)) || (f->must_change && !st->must_change))
		return false;
	if ((f->shared && id->kind != NACCS_KIND_SHARED) || (f->admin && !id->admin) ||
	    (f->never_logged_in && st->has_last_success) ||
	    (f->expired &&
	     (st->retired || !naccs_password_expired(&f->ctx->cfg.password, st, f->now))))
		return false;
	/* UTS-2.2.1.3(2)(g)(ア): an active individual ID that names no person
	 * cannot be held to one ID per person. */
	if (f->no_staff_number &&
	    (id->kind != NACCS_KIND_INDIVIDUAL || st->retired || id->staff_number[0] != '\0'))
		return false;
	return !f->inactive || last <= f->inactive_before;
}

static void status_words(const struct naccs_account_state *st, int64_t now, char *out,
			 size_t outlen)
{
	unsigned bars = naccs_state_bars(st, now);

	snprintf(out, outlen, "%s%s%s%s", bars & NACCS_BAR_LOCKED ? "locked," : "",
		 bars & NACCS_BAR_SUSPENDED ? "suspended," : "",
		 bars & NACCS_BAR_RETIRED ? "retired," : "", st->must_change ? "must-change," : "");
	if (out[0] == '\0')
		snprintf(out, outlen, "active");
	else
		out[strlen(out) - 1] = '\0';
}

/* --locked: when the lock was taken and when it ends. */
static void lock_times(const struct naccs_account_state *st, char *out, size_t outlen)
{
	char at[64], until[64];

	ctl_time_text(st->locked_at != 0, st->locked_at, at, sizeof(at));
	if (st->lock_until != 0)
		ctl_time_text(true, st->lock_until, until, sizeof(until));
	else
		snprintf(until, sizeof(until), "%s", _("unlock"));
	snprintf(out, outlen, "  %-26s %s", at, until);
}

static void list_one_text(const struct list_filter *f, const struct naccs_identity *id,
			  const struct naccs_account_state *st)
{
	char uid_text[32], kind[32], status[64], last[64], times[160] = "", expiry[80] = "";
	int64_t exp;

	user_id_text(id, uid_text, sizeof(uid_text));
	snprintf(kind, sizeof(kind), "%s%s", user_kind_name(id->kind), id->admin ? ",admin" : "");
	status_words(st, f->now, status, sizeof(status));
	if (f->locked)
		lock_times(st, times, sizeof(times));
	if (f->expired && naccs_password_expiry(&f->ctx->cfg.password, st, &exp)) {
		char when[64];

		ctl_time_text(true, exp, when, sizeof(when));
		snprintf(expiry, sizeof(expiry), "  %s", when);
	}
	if (st->has_last_success)
		ctl_time_text(true, st->last_success.at, last, sizeof(last));
	else
		snprintf(last, sizeof(last), "%s", _("never"));
	printf("%-16s %-12s %7lu  %-16s %-24s %-26s%s%s\n", id->login, uid_text,
	       (unsigned long)id->uid, kind, status, last, times, expiry);
}

/* ---- --csv (RFC 4180, common/base/csv.h) ---------------------------- */

/* The columns: fixed English names, like the JSON members, for the
 * spreadsheet of a periodic review. */
static const char *const csv_columns[] = {
    "login",
    "user_code",
    "id_number",
    "uid",
    "gid",
    "gecos",
    "kind",
    "admin",
    "status",
    "created_by",
    "created_at",
    "last_login",
    "last_login_service",
    "last_login_rhost",
    "password_changed_at",
    "password_expires_at",
    "locked_at",
    "lock_until",
    "suspended_at",
    "suspend_reason",
    "retired_at",
    "failures_since_login",
    "staff_number",
    "approval",
};

/* A time as RFC 3339 in UTC ("2027-01-15T08:00:00Z": the same whatever the
 * administrator's time zone, and read as a date by spreadsheets); an empty
 * field when there is none. */
static void csv_time(struct naccs_csv *w, bool present, int64_t t)
{
	time_t tt = (time_t)t;
	char text[32];
	struct tm tm;

	if (!present) {
		naccs_csv_text(w, NULL);
		return;
	}
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(text, sizeof(text), "@%lld", (long long)t);
	naccs_csv_text(w, text);
}

static void csv_header(struct naccs_csv *w)
{
	size_t i;

	for (i = 0; i < sizeof(csv_columns) / sizeof(csv_columns[0]); i++)
		naccs_csv_text(w, csv_columns[i]);
	naccs_csv_end_row(w);
}

/* One record, in the order of csv_columns. */
static int list_one_csv(struct list_filter *f, const struct naccs_identity *id,
			const struct naccs_account_state *st)
{
	struct naccs_csv *w = &f->table;
	const struct naccs_login_event *ev = st->has_last_success ? &st->last_success : NULL;
	char status[64];
	int64_t exp = 0;
	bool expires = naccs_password_expiry(&f->ctx->cfg.password, st, &exp);
	bool locked = (naccs_state_bars(st, f->now) & NACCS_BAR_LOCKED) != 0;

	status_words(st, f->now, status, sizeof(status));
	naccs_csv_text(w, id->login);
	naccs_csv_text(w, id->user_code);
	naccs_csv_text(w, id->id_number);
	naccs_csv_uint(w, id->uid);
	naccs_csv_uint(w, id->gid);
	naccs_csv_text(w, id->gecos);
	naccs_csv_text(w, user_kind_name(id->kind));
	naccs_csv_text(w, id->admin ? "yes" : "no");
	naccs_csv_text(w, status);
	naccs_csv_text(w, id->created_by);
	csv_time(w, true, id->created_at);
	csv_time(w, ev != NULL, ev != NULL ? ev->at : 0);
	naccs_csv_text(w, ev != NULL ? ev->service : NULL);
	naccs_csv_text(w, ev != NULL ? ev->rhost : NULL);
	csv_time(w, st->has_password && st->password_changed_at != 0, st->password_changed_at);
	csv_time(w, expires, exp);
	csv_time(w, locked, st->locked_at);
	csv_time(w, locked && st->lock_until != 0, st->lock_until);
	csv_time(w, st->suspended, st->suspended_at);
	naccs_csv_text(w, st->suspended ? st->suspend_reason : NULL);
	csv_time(w, st->retired, st->retired_at);
	naccs_csv_uint(w, st->failures_since_success);
	naccs_csv_text(w, id->staff_number);
	naccs_csv_text(w, id->approval);
	/* A failed write stops the listing: the output is lost anyway. */
	return naccs_csv_end_row(w);
}

/* The end of the table on stdout: exit code, message printed. */
static int csv_done(struct naccs_csv *w)
{
	struct naccs_err err;

	naccs_err_clear(&err);
	if (naccs_csv_finish(w, &err) < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static int list_one(void *arg, const struct naccs_identity *id,
		    const struct naccs_account_state *st)
{
	struct list_filter *f = arg;
	int64_t exp;

	if (!list_match(f, id, st))
		return 0;
	if (f->csv)
		return list_one_csv(f, id, st);
	if (!f->ctx->json) {
		list_one_text(f, id, st);
		return 0;
	}
	naccs_json_object_begin(&f->json);
	user_json_identity(&f->json, id);
	user_json_state(&f->json, st);
	/* When the password expires (null: never), for --expired. */
	if (naccs_password_expiry(&f->ctx->cfg.password, st, &exp))
		naccs_json_member_int(&f->json, "password_expires_at", exp);
	else
		naccs_json_member_null(&f->json, "password_expires_at");
	/* A failed write stops the listing: the output is lost anyway. */
	return naccs_json_object_end(&f->json);
}

int user_list(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct list_filter f = {.ctx = ctx, .now = naccs_now_wall()};
	struct naccs_err err;
	int rc, out_rc = CTL_EXIT_OK;

	rc = parse_list_options(ctx, argc, argv, &f);
	if (rc == CTL_EXIT_OK)
		rc = ctl_open_store(ctx, true);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (f.csv) {
		naccs_csv_init_stream(&f.table, stdout);
		csv_header(&f.table);
	} else if (ctx->json) {
		naccs_json_init_stream(&f.json, stdout);
		naccs_json_array_begin(&f.json);
	} else {
		printf("%-16s %-12s %7s  %-16s %-24s %-26s%s%s\n", _("LOGIN"), _("USER-ID"),
		       _("UID"), _("KIND"), _("STATUS"), _("LAST-LOGIN"),
		       f.locked ? _("  LOCKED-AT                  UNTIL") : "",
		       f.expired ? _("  PASSWORD-EXPIRED") : "");
	}
	naccs_err_clear(&err);
	rc = naccs_store_list(ctx->store, ctl_deadline(ctx), list_one, &f, &err);
	if (f.csv) {
		/* What was listed before a store error stays whole records. */
		out_rc = csv_done(&f.table);
	} else if (ctx->json) {
		/* Closed even after a store error, so what was listed stays
		 * valid JSON; a write error was the listing's end. */
		naccs_json_array_end(&f.json);
		out_rc = ctl_json_done(&f.json);
	}
	if (rc < 0 && out_rc == CTL_EXIT_OK)
		rc = ctl_exit_for_store(rc, &err, ctx->cfg.store_path);
	else
		rc = out_rc;
	ctl_emit(ctx, "user-list", rc == CTL_EXIT_OK ? "done" : "error", NULL, NULL, NULL, NULL);
	return rc;
}
