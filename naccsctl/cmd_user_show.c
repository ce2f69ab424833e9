/* naccsctl user show: an ID, its state and its registry lines, as text or
 * JSON.  Never the hash (UTS-2.2.1.1(1)(e)(イ)). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "rules/lockout.h"
#include "policy/policy.h"
#include "base/secret.h"
#include "store/store.h"
#include "ctl.h"
#include "cmd_user.h"

#define SAFE_MAX (NACCS_TEXT_MAX * 4)

struct registry_lines {
	struct naccs_registry_entry *v;
	size_t n, cap;
};

static int collect_registry(void *ctx, const struct naccs_registry_entry *e)
{
	struct registry_lines *r = ctx;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct naccs_registry_entry *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *e;
	return 0;
}

static void text_line(const char *label, const char *value)
{
	char safe[SAFE_MAX];

	ctl_safe(value, safe, sizeof(safe));
	printf("%-24s %s\n", label, safe);
}

static void text_event_line(const char *label, bool present, const struct naccs_login_event *ev)
{
	char when[64], line[SAFE_MAX];

	if (!present) {
		text_line(label, _("never"));
		return;
	}
	ctl_time_text(true, ev->at, when, sizeof(when));
	snprintf(line, sizeof(line), _("%s, service %s, tty %s, from %s"), when,
		 ev->service[0] ? ev->service : "-", ev->tty[0] ? ev->tty : "-",
		 ev->rhost[0] ? ev->rhost : "-");
	text_line(label, line);
}

static void text_flag_line(const char *label, bool on, int64_t at, const char *reason)
{
	char when[64], line[SAFE_MAX];

	if (!on) {
		text_line(label, _("no"));
		return;
	}
	ctl_time_text(at != 0, at, when, sizeof(when));
	if (reason != NULL && reason[0] != '\0')
		snprintf(line, sizeof(line), _("yes, since %s (%s)"), when, reason);
	else
		snprintf(line, sizeof(line), _("yes, since %s"), when);
	text_line(label, line);
}

static void show_identity_text(const struct naccs_identity *id)
{
	char buf[SAFE_MAX], when[64];

	text_line(_("login:"), id->login);
	text_line(_("user code:"), id->user_code[0] ? id->user_code : "-");
	text_line(_("identifying number:"), id->id_number[0] ? id->id_number : "-");
	snprintf(buf, sizeof(buf), "%lu / %lu", (unsigned long)id->uid, (unsigned long)id->gid);
	text_line(_("uid / gid:"), buf);
	text_line(_("name:"), id->gecos);
	text_line(_("home:"), id->home);
	text_line(_("shell:"), id->shell);
	snprintf(buf, sizeof(buf), "%s%s",
		 id->kind == NACCS_KIND_SHARED ? _("shared ID") : _("individual ID"),
		 id->admin ? _(", administrator") : "");
	text_line(_("kind:"), buf);
	/* UTS-2.2.1.3(2)(g)(ア), (2)(b): whose ID, and on what authority. */
	if (id->kind == NACCS_KIND_INDIVIDUAL)
		text_line(_("staff number:"), id->staff_number[0] ? id->staff_number : "-");
	if (id->second_id_reason[0] != '\0')
		text_line(_("second ID allowed:"), id->second_id_reason);
	if (id->kind == NACCS_KIND_SHARED)
		text_line(_("approval:"), id->approval[0] ? id->approval : "-");
	ctl_time_text(true, id->created_at, when, sizeof(when));
	snprintf(buf, sizeof(buf), _("%s by %s"), when, id->created_by);
	text_line(_("issued:"), buf);
}

static void show_state_text(const struct naccs_account_state *st)
{
	char buf[SAFE_MAX], when[64];

	ctl_time_text(st->has_password && st->password_changed_at != 0, st->password_changed_at,
		      when, sizeof(when));
	text_line(_("password changed:"), st->has_password ? when : _("no password"));
	text_line(_("must change password:"), st->must_change ? _("yes") : _("no"));
	/* A lock in force, by the logins' own rule (naccs_state_bars). */
	text_flag_line(_("locked:"),
		       (naccs_state_bars(st, naccs_now_wall()) & NACCS_BAR_LOCKED) != 0,
		       st->locked_at, st->lock_reason);
	text_flag_line(_("suspended:"), st->suspended, st->suspended_at, st->suspend_reason);
	text_flag_line(_("retired:"), st->retired, st->retired_at, NULL);
	text_event_line(_("last login:"), st->has_last_success, &st->last_success);
	snprintf(buf, sizeof(buf), "%lu", (unsigned long)st->failures_since_success);
	text_line(_("failures since:"), buf);
	text_event_line(_("last failure:"), st->has_last_failure, &st->last_failure);
}

/* Password age, expiry and history (UTS-2.2.1.1(1)(c)(ア), (g)(オ)). */
struct pw_facts {
	bool has_password;
	int64_t age_days;
	bool expires; /* naccs_password_expiry */
	int64_t expires_at;
	size_t history;
};

static int pw_facts_of(struct ctl_ctx *ctx, const struct naccs_identity *id,
		       const struct naccs_account_state *st, struct pw_facts *f)
{
	struct naccs_history_entry *h;
	struct naccs_err err;
	size_t max = 400; /* the largest password.history */
	int rc;

	memset(f, 0, sizeof(*f));
	f->has_password = st->has_password;
	if (st->has_password) {
		int64_t now = naccs_now_wall();

		f->age_days =
		    now > st->password_changed_at ? (now - st->password_changed_at) / 86400 : 0;
		f->expires = naccs_password_expiry(&ctx->cfg.password, st, &f->expires_at);
	}
	h = calloc(max, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	naccs_err_clear(&err);
	rc = naccs_store_get_history(ctx->store, ctl_deadline(ctx), id->login, h, max, &f->history,
				     &err);
	naccs_wipe(h, max * sizeof(*h));
	free(h);
	if (rc < 0)
		return ctl_exit_for_store(rc, &err, id->login);
	return 0;
}

static void show_password_text(const struct pw_facts *f)
{
	char buf[SAFE_MAX], when[64];

	if (f->has_password) {
		snprintf(buf, sizeof(buf),
			 dngettext(NACCS_TEXTDOMAIN, "%lld day", "%lld days",
				   (unsigned long)(f->age_days < 0 ? -f->age_days : f->age_days)),
			 (long long)f->age_days);
		text_line(_("password age:"), buf);
		ctl_time_text(f->expires, f->expires_at, when, sizeof(when));
		text_line(_("password expires:"), f->expires ? when : _("never"));
	}
	snprintf(buf, sizeof(buf), "%zu", f->history);
	text_line(_("password history:"), buf);
}

static void show_password_json(struct naccs_json *w, const struct pw_facts *f)
{
	naccs_json_key(w, "password");
	naccs_json_object_begin(w);
	if (f->has_password) {
		naccs_json_member_int(w, "age_days", f->age_days);
		if (f->expires)
			naccs_json_member_int(w, "expires_at", f->expires_at);
		else
			naccs_json_member_null(w, "expires_at");
	}
	naccs_json_member_uint(w, "history_count", f->history);
	naccs_json_object_end(w);
}

static void show_registry_text(const struct registry_lines *r)
{
	char when[64], by[SAFE_MAX], detail[SAFE_MAX];

	printf("%s\n", _("registry:"));
	for (size_t i = 0; i < r->n; i++) {
		ctl_time_text(true, r->v[i].at, when, sizeof(when));
		ctl_safe(r->v[i].by, by, sizeof(by));
		ctl_safe(r->v[i].detail, detail, sizeof(detail));
		printf("  %s  %-14s %s %s%s%s\n", when, r->v[i].event, _("by"), by,
		       detail[0] ? "  " : "", detail);
	}
}

static int show_json(const struct naccs_identity *id, const struct naccs_account_state *st,
		     const struct pw_facts *f, const struct registry_lines *r)
{
	struct naccs_json w;

	naccs_json_init_stream(&w, stdout);
	naccs_json_object_begin(&w);
	user_json_identity(&w, id);
	naccs_json_key(&w, "state");
	naccs_json_object_begin(&w);
	user_json_state(&w, st);
	naccs_json_object_end(&w);
	show_password_json(&w, f);
	naccs_json_key(&w, "registry");
	naccs_json_array_begin(&w);
	for (size_t i = 0; i < r->n; i++) {
		naccs_json_object_begin(&w);
		naccs_json_member_int(&w, "at", r->v[i].at);
		user_json_text(&w, "event", r->v[i].event);
		user_json_text(&w, "by", r->v[i].by);
		user_json_text(&w, "detail", r->v[i].detail);
		naccs_json_object_end(&w);
	}
	naccs_json_array_end(&w);
	naccs_json_object_end(&w);
	return ctl_json_done(&w);
}

/* Never the hash (UTS-2.2.1.1(1)(e)(イ)); the registry lines are the
 * record of who was given the ID and what changed (UTS-2.2.1.3(2)(g)(イ)). */
int user_show(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	struct registry_lines reg = {0};
	struct pw_facts facts;
	struct naccs_err err;
	const char *name;
	int rc;

	rc = user_login_json_args(ctx, "user show", argc, argv, &name);
	if (rc == CTL_EXIT_OK)
		rc = user_open_and_resolve(ctx, true, name, &id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	rc = naccs_store_registry(ctx->store, ctl_deadline(ctx), id.login, collect_registry, &reg,
				  &err);
	if (rc < 0) {
		rc = ctl_exit_for_store(rc, &err, id.login);
	} else if ((rc = pw_facts_of(ctx, &id, &st, &facts)) != 0) {
		if (rc == -ENOMEM) {
			ctl_error("%s", _("out of memory"));
			rc = CTL_EXIT_FAIL;
		}
	} else {
		rc = CTL_EXIT_OK;
		if (ctx->json) {
			rc = show_json(&id, &st, &facts, &reg);
		} else {
			show_identity_text(&id);
			show_state_text(&st);
			show_password_text(&facts);
			show_registry_text(&reg);
		}
	}
	free(reg.v);
	ctl_emit(ctx, "user-show", rc == CTL_EXIT_OK ? "done" : "error", NULL, &id, NULL, NULL);
	return rc;
}
