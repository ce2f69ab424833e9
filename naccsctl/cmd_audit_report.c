/* naccsctl audit report (UTS-2.2.1.4(1)(d)(ア), #10): the trail's events
 * between two times, grouped (common/audit/report.c), as text, JSON
 * or CSV. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/trail.h"
#include "audit/report.h"
#include "base/csv.h"
#include "base/i18n.h"
#include "base/json.h"
#include "policy/resolve.h"
#include "ctl_store.h"
#include "ctl.h"
#include "audit/line.h"

#define DAY	 86400
#define SAFE_MAX 1024

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

struct report_args {
	const char *since, *until, *user, *type;
	enum fmt fmt;
	bool fmt_given;
};

static int parse_args(struct ctl_ctx *ctx, int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
	    {"since", required_argument, NULL, 's'},  {"until", required_argument, NULL, 'u'},
	    {"user", required_argument, NULL, 'i'},   {"type", required_argument, NULL, 't'},
	    {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0},
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->fmt = ctx->json ? FMT_JSON : FMT_TEXT;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			a->since = optarg;
			break;
		case 'u':
			a->until = optarg;
			break;
		case 'i':
			a->user = optarg;
			break;
		case 't':
			a->type = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				a->fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				a->fmt = FMT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				a->fmt = FMT_CSV;
			else
				return ctl_usage_error("audit report",
						       _("--format: '%s' is not text, json or csv"),
						       optarg);
			break;
		default:
			return ctl_bad_option("audit report", c, argv, optind);
		}
	}
	return ctl_max_args("audit report", argc, argv, 0);
}

/* --since DATE is that day's midnight (UTC), included; --until DATE
 * includes the whole day; a full time YYYY-MM-DDTHH:MM:SSZ is exact (since
 * included, until excluded). */
static int parse_range(const struct report_args *a, struct naccs_audit_query *q)
{
	bool date_only;

	if (a->since == NULL || a->until == NULL)
		return ctl_usage_error("audit report", "%s", _("--since and --until are required"));
	if (naccs_audit_parse_time(a->since, &q->since, &date_only) < 0)
		return ctl_usage_error("audit report",
				       _("--since: '%s' is not a date YYYY-MM-DD or a UTC time "
					 "YYYY-MM-DDTHH:MM:SSZ"),
				       a->since);
	if (naccs_audit_parse_time(a->until, &q->until, &date_only) < 0)
		return ctl_usage_error("audit report",
				       _("--until: '%s' is not a date YYYY-MM-DD or a UTC time "
					 "YYYY-MM-DDTHH:MM:SSZ"),
				       a->until);
	if (date_only)
		q->until += DAY;
	if (q->until <= q->since)
		return ctl_usage_error("audit report", "%s",
				       _("--until must be later than --since"));
	return CTL_EXIT_OK;
}

static bool type_valid(const char *t)
{
	if (t[0] == '\0' || strlen(t) > 32)
		return false;
	for (const char *p = t; *p != '\0'; p++)
		if ((*p < 'a' || *p > 'z') && *p != '-')
			return false;
	return true;
}

/* --user: an ID by the one resolver (login or NACCS form) gives its
 * canonical login; a name the store does not know is matched as given (an
 * attempt on an unknown name is in the trail under it). */
static int resolve_user(struct ctl_ctx *ctx, const char *name, char *login, size_t loginlen)
{
	struct naccs_identity id;
	struct naccs_err err;
	int rc;

	snprintf(login, loginlen, "%s", name);
	rc = ctl_open_store(ctx, true);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	rc = naccs_resolve_name(ctx->store, ctl_deadline(ctx), name, &id, NULL, &err);
	if (rc == 0)
		snprintf(login, loginlen, "%s", id.login);
	else if (rc != -ENOENT && rc != -EINVAL)
		return ctl_exit_for_store(rc, &err, name);
	return CTL_EXIT_OK;
}

/* ---- text ---- */

static const char *dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

/* Values from the trail are sanitised by its writer; ctl_safe again for
 * the terminal all the same.  before, the value ("-" when empty), after. */
static void put(const char *before, const char *s, const char *after)
{
	char safe[SAFE_MAX];

	ctl_safe(dash(s), safe, sizeof(safe));
	fputs(before, stdout);
	fputs(safe, stdout);
	fputs(after, stdout);
}

static void text_codes(const struct naccs_audit_rec *e)
{
	char code[SAFE_MAX], number[SAFE_MAX];

	ctl_safe(dash(e->user_code), code, sizeof(code));
	ctl_safe(dash(e->id_number), number, sizeof(number));
	printf(" %s/%s", code, number);
}

static void text_none(size_t n)
{
	if (n == 0)
		printf("  %s\n", _("(none)"));
}

static void text_report(const struct naccs_audit_report *r, const struct naccs_audit_query *q,
			const char *since, const char *until)
{
	char safe[SAFE_MAX];

	printf(_("Audit report from %s (included) to %s (excluded), UTC\n"), since, until);
	if (q->user != NULL) {
		ctl_safe(q->user, safe, sizeof(safe));
		printf(_("  ID: %s\n"), safe);
	}
	if (q->type != NULL) {
		ctl_safe(q->type, safe, sizeof(safe));
		printf(_("  event type: %s\n"), safe);
	}
	{
		char events[64], lines[64], files[64];

		snprintf(events, sizeof(events),
			 dngettext(NACCS_TEXTDOMAIN, "%zu event", "%zu events", r->nevents),
			 r->nevents);
		snprintf(lines, sizeof(lines),
			 dngettext(NACCS_TEXTDOMAIN, "%" PRIu64 " line", "%" PRIu64 " lines",
				   (unsigned long)r->lines),
			 r->lines);
		snprintf(files, sizeof(files),
			 dngettext(NACCS_TEXTDOMAIN, "%" PRIu64 " file", "%" PRIu64 " files",
				   (unsigned long)r->files),
			 r->files);
		/* TRANSLATORS: the counts, each already with its plural form. */
		printf(_("  %s selected of %s in %s\n"), events, lines, files);
	}

	printf("\n%s\n", _("Failed logins per ID (login, user code/identifying number, count, "
			   "first, last):"));
	for (size_t i = 0; i < r->nfailures; i++) {
		const struct naccs_audit_failures *f = &r->failures[i];

		put("  ", f->rec->login, "");
		text_codes(f->rec);
		printf(" %" PRIu64 " %s %s\n", f->count, f->first, f->last);
	}
	text_none(r->nfailures);

	printf("\n%s\n", _("Locks and unlocks (time, action, login, user code/identifying "
			   "number, by, detail):"));
	for (size_t i = 0; i < r->nlocks; i++) {
		const struct naccs_audit_rec *e = &r->events[r->locks[i]];

		printf("  %s ", e->time);
		put("", e->action, " ");
		put("", e->login, "");
		text_codes(e);
		/* An automatic lock has no administrator. */
		put(" ", strcmp(e->type, "admin") == 0 ? e->actor : "lockout", "");
		put(" ", e->detail, "\n");
	}
	text_none(r->nlocks);

	printf("\n%s\n", _("Switches to shared admin IDs (time, result, individual (user "
			   "code/identifying number, uid) -> target, service, reason):"));
	for (size_t i = 0; i < r->nsu; i++) {
		const struct naccs_audit_rec *e = &r->events[r->su[i]];
		char code[SAFE_MAX], number[SAFE_MAX];

		printf("  %s ", e->time);
		put("", e->result, " ");
		put("", e->individual_login, "");
		ctl_safe(dash(e->individual_user_code), code, sizeof(code));
		ctl_safe(dash(e->individual_id_number), number, sizeof(number));
		printf(" (%s/%s, uid %" PRIu64 ") -> ", code, number, e->uid);
		put("", e->login, " ");
		put("", e->service, " ");
		put("", e->reason, "\n");
	}
	text_none(r->nsu);

	printf("\n%s\n", _("Logins refused by the access rules (time, login, user "
			   "code/identifying number, service, tty, remote host, reason, detail):"));
	for (size_t i = 0; i < r->naccess; i++) {
		const struct naccs_audit_rec *e = &r->events[r->access[i]];

		printf("  %s ", e->time);
		put("", e->login, "");
		text_codes(e);
		put(" ", e->service, "");
		put(" ", e->tty, "");
		put(" ", e->rhost, "");
		put(" ", e->reason, "");
		put(" ", e->detail, "\n");
	}
	text_none(r->naccess);

	printf("\n%s\n", _("Timeline (seq, time, type, action, result, reason, login, service):"));
	for (size_t i = 0; i < r->nevents; i++) {
		const struct naccs_audit_rec *e = &r->events[i];

		printf("  %" PRIu64 " %s ", e->seq, e->time);
		put("", e->type, " ");
		put("", e->action, " ");
		put("", e->result, " ");
		put("", e->reason, " ");
		put("", e->login, " ");
		put("", e->service, "\n");
	}
	text_none(r->nevents);
}

/* ---- JSON ---- */

static void json_text(struct naccs_json *w, const char *key, const char *s)
{
	if (s != NULL && s[0] != '\0')
		naccs_json_member_string(w, key, s);
	else
		naccs_json_member_null(w, key);
}

static void json_event(struct naccs_json *w, const struct naccs_audit_rec *e)
{
	naccs_json_object_begin(w);
	naccs_json_member_uint(w, "seq", e->seq);
	naccs_json_member_string(w, "time", e->time);
	json_text(w, "type", e->type);
	json_text(w, "action", e->action);
	json_text(w, "result", e->result);
	json_text(w, "reason", e->reason);
	json_text(w, "login", e->login);
	json_text(w, "user_code", e->user_code);
	json_text(w, "id_number", e->id_number);
	json_text(w, "service", e->service);
	json_text(w, "tty", e->tty);
	json_text(w, "rhost", e->rhost);
	json_text(w, "actor", e->actor);
	json_text(w, "detail", e->detail);
	json_text(w, "individual_login", e->individual_login);
	json_text(w, "individual_user_code", e->individual_user_code);
	json_text(w, "individual_id_number", e->individual_id_number);
	naccs_json_member_uint(w, "uid", e->uid);
	if (e->has_loginuid)
		naccs_json_member_uint(w, "loginuid", e->loginuid);
	else
		naccs_json_member_null(w, "loginuid");
	naccs_json_object_end(w);
}

static void json_events(struct naccs_json *w, const char *key, const struct naccs_audit_report *r,
			const size_t *idx, size_t n)
{
	naccs_json_key(w, key);
	naccs_json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		json_event(w, &r->events[idx != NULL ? idx[i] : i]);
	naccs_json_array_end(w);
}

static int json_report(const struct naccs_audit_report *r, const struct naccs_audit_query *q,
		       const char *since, const char *until)
{
	struct naccs_json w;

	naccs_json_init_stream(&w, stdout);
	naccs_json_object_begin(&w);
	naccs_json_member_string(&w, "since", since);
	naccs_json_member_string(&w, "until", until);
	naccs_json_member_string(&w, "user", q->user);
	naccs_json_member_string(&w, "type", q->type);
	naccs_json_member_uint(&w, "files", r->files);
	naccs_json_member_uint(&w, "lines", r->lines);
	naccs_json_member_uint(&w, "skipped_lines", r->bad);
	naccs_json_key(&w, "failures");
	naccs_json_array_begin(&w);
	for (size_t i = 0; i < r->nfailures; i++) {
		const struct naccs_audit_failures *f = &r->failures[i];

		naccs_json_object_begin(&w);
		json_text(&w, "login", f->rec->login);
		json_text(&w, "user_code", f->rec->user_code);
		json_text(&w, "id_number", f->rec->id_number);
		naccs_json_member_uint(&w, "count", f->count);
		naccs_json_member_string(&w, "first", f->first);
		naccs_json_member_string(&w, "last", f->last);
		naccs_json_object_end(&w);
	}
	naccs_json_array_end(&w);
	json_events(&w, "locks", r, r->locks, r->nlocks);
	json_events(&w, "su", r, r->su, r->nsu);
	json_events(&w, "access_refusals", r, r->access, r->naccess);
	json_events(&w, "timeline", r, NULL, r->nevents);
	naccs_json_object_end(&w);
	return ctl_json_done(&w);
}

/* ---- CSV: one table, the section in the first column ---- */

static void csv_row(struct naccs_csv *w, const char *section, const struct naccs_audit_rec *e,
		    uint64_t count, const char *first)
{
	naccs_csv_text(w, section);
	naccs_csv_text(w, first != NULL ? first : e->time);
	naccs_csv_text(w, e->time);
	if (first != NULL) /* a count, not one event */
		naccs_csv_text(w, NULL);
	else
		naccs_csv_uint(w, e->seq);
	naccs_csv_text(w, first != NULL ? NULL : e->type);
	naccs_csv_text(w, first != NULL ? NULL : e->action);
	naccs_csv_text(w, first != NULL ? NULL : e->result);
	naccs_csv_text(w, first != NULL ? NULL : e->reason);
	naccs_csv_text(w, e->login);
	naccs_csv_text(w, e->user_code);
	naccs_csv_text(w, e->id_number);
	naccs_csv_text(w, first != NULL ? NULL : e->service);
	naccs_csv_text(w, first != NULL ? NULL : e->tty);
	naccs_csv_text(w, first != NULL ? NULL : e->rhost);
	naccs_csv_text(w, first != NULL ? NULL : e->actor);
	naccs_csv_text(w, first != NULL ? NULL : e->individual_login);
	naccs_csv_text(w, first != NULL ? NULL : e->individual_user_code);
	naccs_csv_text(w, first != NULL ? NULL : e->individual_id_number);
	naccs_csv_uint(w, count);
	naccs_csv_text(w, first != NULL ? NULL : e->detail);
	naccs_csv_end_row(w);
}

static int csv_report(const struct naccs_audit_report *r)
{
	static const char *const header[] = {"section",
					     "time_first",
					     "time_last",
					     "seq",
					     "type",
					     "action",
					     "result",
					     "reason",
					     "login",
					     "user_code",
					     "identifying_number",
					     "service",
					     "tty",
					     "rhost",
					     "actor",
					     "individual_login",
					     "individual_user_code",
					     "individual_identifying_number",
					     "count",
					     "detail"};
	struct naccs_csv w;
	struct naccs_err err;

	naccs_csv_init_stream(&w, stdout);
	for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++)
		naccs_csv_text(&w, header[i]);
	naccs_csv_end_row(&w);
	for (size_t i = 0; i < r->nfailures; i++)
		csv_row(&w, "failures", r->failures[i].rec, r->failures[i].count,
			r->failures[i].first);
	for (size_t i = 0; i < r->nlocks; i++)
		csv_row(&w, "lock", &r->events[r->locks[i]], 1, NULL);
	for (size_t i = 0; i < r->nsu; i++)
		csv_row(&w, "su", &r->events[r->su[i]], 1, NULL);
	for (size_t i = 0; i < r->naccess; i++)
		csv_row(&w, "access", &r->events[r->access[i]], 1, NULL);
	for (size_t i = 0; i < r->nevents; i++)
		csv_row(&w, "timeline", &r->events[i], 1, NULL);
	naccs_err_clear(&err);
	if (naccs_csv_finish(&w, &err) < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

/* ---- the command ---- */

int ctl_audit_report(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct report_args a;
	struct naccs_audit_query q;
	struct naccs_audit_report r;
	struct naccs_err err;
	char login[NACCS_LOGIN_MAX + 64], since[32], until[32];
	int rc = parse_args(ctx, argc, argv, &a);

	if (rc != CTL_EXIT_OK)
		return rc;
	memset(&q, 0, sizeof(q));
	rc = parse_range(&a, &q);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (a.type != NULL && !type_valid(a.type))
		return ctl_usage_error("audit report",
				       _("--type: '%s' is not an event type (auth, account, "
					 "session, password, admin, ...)"),
				       a.type);
	q.type = a.type;
	if (a.user != NULL) {
		rc = resolve_user(ctx, a.user, login, sizeof(login));
		if (rc != CTL_EXIT_OK)
			return rc;
		q.user = login;
	}
	naccs_err_clear(&err);
	rc = naccs_audit_report_build(ctx->cfg.audit_dir, &q, &r, &err);
	if (rc < 0) {
		naccs_audit_report_free(&r);
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	/* Reading does not verify: a line that is not the trail's is named,
	 * not silently dropped. */
	for (uint64_t i = 0; i < r.bad && i < NACCS_AUDIT_REPORT_BAD_MAX; i++)
		ctl_warn(_("%s/%s: not a line of the audit trail; skipped (run 'audit verify')"),
			 ctx->cfg.audit_dir, r.bad_at[i]);
	if (r.bad > NACCS_AUDIT_REPORT_BAD_MAX)
		ctl_warn(_("%" PRIu64 " more lines skipped"), r.bad - NACCS_AUDIT_REPORT_BAD_MAX);
	naccs_audit_iso_time(q.since, since);
	naccs_audit_iso_time(q.until, until);
	if (a.fmt == FMT_JSON)
		rc = json_report(&r, &q, since, until);
	else if (a.fmt == FMT_CSV)
		rc = csv_report(&r);
	else {
		text_report(&r, &q, since, until);
		rc = fflush(stdout) == 0 && !ferror(stdout) ? CTL_EXIT_OK : CTL_EXIT_FAIL;
	}
	/* A report that skipped lines is not the whole record: exit 1. */
	if (rc == CTL_EXIT_OK && r.bad > 0)
		rc = CTL_EXIT_FAIL;
	naccs_audit_report_free(&r);
	return rc;
}
