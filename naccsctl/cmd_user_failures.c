/* naccsctl user failures: the failed login attempts on one ID (time,
 * service, tty, source), as text or JSON (UTS-2.2.1.1(1)(g)(ウ): failures
 * are detected and can be reviewed). */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/json.h"
#include "store/store.h"
#include "ctl.h"
#include "cmd_user.h"

#define SAFE_MAX (NACCS_TEXT_MAX * 4)
/* Failures read per store call. */
#define FAILURES_PAGE 64

enum { OPT_JSON = 0x100, OPT_SINCE };

struct failures_out {
	struct ctl_ctx *ctx;
	struct naccs_json json;
	unsigned long n;
};

/* --since: seconds since the epoch, or a local date "YYYY-MM-DD" with an
 * optional "THH:MM[:SS]" or " HH:MM[:SS]". */
static int parse_since(const char *s, int64_t *out)
{
	static const char *const formats[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
					      "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"};
	unsigned long v;

	if (ctl_parse_uint(s, 4102444800UL, &v) == 0) {
		*out = (int64_t)v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct tm tm;
		const char *end;

		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end != NULL && *end == '\0') {
			time_t t;

			tm.tm_isdst = -1;
			t = mktime(&tm);
			if (t == (time_t)-1)
				return -1;
			*out = (int64_t)t;
			return 0;
		}
	}
	return -1;
}

static int one_failure(struct failures_out *o, const struct naccs_login_event *ev)
{
	char when[64], service[SAFE_MAX], tty[SAFE_MAX], rhost[SAFE_MAX];

	o->n++;
	if (o->ctx->json) {
		naccs_json_object_begin(&o->json);
		naccs_json_member_int(&o->json, "at", ev->at);
		user_json_text(&o->json, "service", ev->service);
		user_json_text(&o->json, "tty", ev->tty);
		user_json_text(&o->json, "rhost", ev->rhost);
		return naccs_json_object_end(&o->json);
	}
	ctl_time_text(true, ev->at, when, sizeof(when));
	ctl_safe(ev->service[0] ? ev->service : "-", service, sizeof(service));
	ctl_safe(ev->tty[0] ? ev->tty : "-", tty, sizeof(tty));
	ctl_safe(ev->rhost[0] ? ev->rhost : "-", rhost, sizeof(rhost));
	printf("%-26s %-12s %-10s %s\n", when, service, tty, rhost);
	return 0;
}

int user_failures(struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"since", required_argument, NULL, OPT_SINCE},
	    {NULL, 0, NULL, 0},
	};
	struct failures_out o = {.ctx = ctx};
	struct naccs_failure_cursor cursor = {0, 0};
	struct naccs_login_event page[FAILURES_PAGE];
	size_t n = 0;
	bool stop = false;
	struct naccs_identity id;
	struct naccs_err err;
	int64_t since = 0;
	int c, rc, json_rc = CTL_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == OPT_JSON)
			ctx->json = true;
		else if (c == OPT_SINCE) {
			if (parse_since(optarg, &since) < 0)
				return ctl_usage_error(
				    "user failures",
				    _("--since: not a date (YYYY-MM-DD[ HH:MM[:SS]]) "
				      "or seconds since the epoch: '%s'"),
				    optarg);
		} else
			return ctl_bad_option("user failures", c, argv, optind);
	}
	rc = ctl_max_args("user failures", argc, argv, 1);
	if (rc == CTL_EXIT_OK && optind >= argc)
		rc = ctl_usage_error("user failures", _("missing LOGIN"));
	if (rc == CTL_EXIT_OK)
		rc = user_open_and_resolve(ctx, true, argv[optind], &id, NULL);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (ctx->json) {
		naccs_json_init_stream(&o.json, stdout);
		naccs_json_array_begin(&o.json);
	} else {
		printf("%-26s %-12s %-10s %s\n", _("TIME"), _("SERVICE"), _("TTY"), _("SOURCE"));
	}
	naccs_err_clear(&err);
	/* A page at a time (no read transaction held while printing). */
	do {
		rc = naccs_store_failure_page(ctx->store, ctl_deadline(ctx), id.login, since,
					      &cursor, page, FAILURES_PAGE, &n, &err);
		for (size_t i = 0; rc == 0 && !stop && i < n; i++)
			stop = one_failure(&o, &page[i]) != 0; /* the JSON stream failed */
	} while (rc == 0 && !stop && n == FAILURES_PAGE);
	if (ctx->json) {
		naccs_json_array_end(&o.json);
		json_rc = ctl_json_done(&o.json);
	}
	if (rc < 0 && json_rc == CTL_EXIT_OK)
		rc = ctl_exit_for_store(rc, &err, ctx->cfg.store_path);
	else
		rc = json_rc;
	ctl_emit(ctx, "user-failures", rc == CTL_EXIT_OK ? "done" : "error", NULL, &id, NULL, NULL);
	return rc;
}
