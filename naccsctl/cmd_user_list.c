/* naccsctl user list: every ID with its status, as text or JSON; the
 * filters serve the periodic review of unneeded IDs (UTS-2.2.1.3(2)(d)). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "naccs_i18n.h"
#include "naccs_lockout.h"
#include "naccs_store.h"
#include "naccs_time.h"
#include "naccsctl.h"
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
};

struct list_filter {
	bool locked, suspended, retired, must_change;
	bool inactive;
	int64_t inactive_before; /* last activity before this wall time */
	int64_t now;		 /* for locks that end by themselves */
	struct ctl_ctx *ctx;
	struct naccs_json json; /* with --json: the array on stdout */
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
		case OPT_INACTIVE:
			if (ctl_parse_uint(optarg, INACTIVE_DAYS_MAX, &days) < 0)
				return ctl_usage_error("user list",
						       _("--inactive: not a number of days: '%s'"),
						       optarg);
			f->inactive = true;
			f->inactive_before = naccs_now_wall() - (int64_t)days * SECONDS_PER_DAY;
			break;
		default:
			return ctl_bad_option("user list", c, argv, optind);
		}
	}
	return ctl_max_args("user list", argc, argv, 0);
}

/* UTS-2.2.1.3(2)(d): the periodic review of unneeded IDs.  An ID that never
 * logged in counts from the day it was issued. */
static bool list_match(const struct list_filter *f, const struct naccs_identity *id,
		       const struct naccs_account_state *st)
{
	int64_t last = st->has_last_success ? st->last_success.at : id->created_at;

	if ((f->locked && !naccs_lockout_in_force(st, f->now)) ||
	    (f->suspended && !st->suspended) || (f->retired && !st->retired) ||
	    (f->must_change && !st->must_change))
		return false;
	return !f->inactive || last <= f->inactive_before;
}

static void status_words(const struct naccs_account_state *st, int64_t now, char *out,
			 size_t outlen)
{
	snprintf(out, outlen, "%s%s%s%s", naccs_lockout_in_force(st, now) ? "locked," : "",
		 st->suspended ? "suspended," : "", st->retired ? "retired," : "",
		 st->must_change ? "must-change," : "");
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
	char uid_text[32], kind[32], status[64], last[64], times[160] = "";

	user_id_text(id, uid_text, sizeof(uid_text));
	snprintf(kind, sizeof(kind), "%s%s", user_kind_name(id->kind), id->admin ? ",admin" : "");
	status_words(st, f->now, status, sizeof(status));
	if (f->locked)
		lock_times(st, times, sizeof(times));
	if (st->has_last_success)
		ctl_time_text(true, st->last_success.at, last, sizeof(last));
	else
		snprintf(last, sizeof(last), "%s", _("never"));
	printf("%-16s %-12s %7lu  %-16s %-24s %-26s%s\n", id->login, uid_text,
	       (unsigned long)id->uid, kind, status, last, times);
}

static int list_one(void *arg, const struct naccs_identity *id,
		    const struct naccs_account_state *st)
{
	struct list_filter *f = arg;

	if (!list_match(f, id, st))
		return 0;
	if (!f->ctx->json) {
		list_one_text(f, id, st);
		return 0;
	}
	naccs_json_object_begin(&f->json);
	user_json_identity(&f->json, id);
	user_json_state(&f->json, st);
	/* A failed write stops the listing: the output is lost anyway. */
	return naccs_json_object_end(&f->json);
}

int user_list(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct list_filter f = {.ctx = ctx, .now = naccs_now_wall()};
	struct naccs_err err;
	int rc, json_rc = CTL_EXIT_OK;

	rc = parse_list_options(ctx, argc, argv, &f);
	if (rc == CTL_EXIT_OK)
		rc = ctl_open_store(ctx, true);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (ctx->json) {
		naccs_json_init_stream(&f.json, stdout);
		naccs_json_array_begin(&f.json);
	} else {
		printf("%-16s %-12s %7s  %-16s %-24s %-26s%s\n", _("LOGIN"), _("USER-ID"), _("UID"),
		       _("KIND"), _("STATUS"), _("LAST-LOGIN"),
		       f.locked ? _("  LOCKED-AT                  UNTIL") : "");
	}
	naccs_err_clear(&err);
	rc = naccs_store_list(ctx->store, ctl_deadline(ctx), list_one, &f, &err);
	if (ctx->json) {
		/* Closed even after a store error, so what was listed stays
		 * valid JSON; a write error was the listing's end. */
		naccs_json_array_end(&f.json);
		json_rc = ctl_json_done(&f.json);
	}
	if (rc < 0 && json_rc == CTL_EXIT_OK)
		rc = ctl_exit_for_store(rc, &err, ctx->cfg.store_path);
	else
		rc = json_rc;
	ctl_emit(ctx, "user-list", rc == CTL_EXIT_OK ? "done" : "error", NULL, NULL, NULL, NULL);
	return rc;
}
