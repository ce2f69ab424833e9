/* naccsctl user: the JSON members of an ID and of its state, shared by user
 * show and user list, written with the common JSON writer (base/json.h:
 * members in this order, strings escaped).  Never the hash
 * (UTS-2.2.1.1(1)(e)(イ)). */
#include "config.h"

#include "base/json.h"
#include "rules/lockout.h"
#include "store/store.h"
#include "ctl.h"
#include "cmd_user.h"

void user_json_text(struct naccs_json *w, const char *key, const char *value)
{
	naccs_json_member_string(w, key, value != NULL && value[0] != '\0' ? value : NULL);
}

/* An epoch time, or null when there is none. */
static void json_time(struct naccs_json *w, const char *key, bool present, int64_t t)
{
	if (present)
		naccs_json_member_int(w, key, t);
	else
		naccs_json_member_null(w, key);
}

static void json_event(struct naccs_json *w, const char *key, bool present,
		       const struct naccs_login_event *ev)
{
	if (!present) {
		naccs_json_member_null(w, key);
		return;
	}
	naccs_json_key(w, key);
	naccs_json_object_begin(w);
	naccs_json_member_int(w, "at", ev->at);
	user_json_text(w, "service", ev->service);
	user_json_text(w, "tty", ev->tty);
	user_json_text(w, "rhost", ev->rhost);
	naccs_json_object_end(w);
}

void user_json_identity(struct naccs_json *w, const struct naccs_identity *id)
{
	naccs_json_member_string(w, "login", id->login);
	user_json_text(w, "user_code", id->user_code);
	user_json_text(w, "id_number", id->id_number);
	naccs_json_member_uint(w, "uid", id->uid);
	naccs_json_member_uint(w, "gid", id->gid);
	user_json_text(w, "gecos", id->gecos);
	user_json_text(w, "home", id->home);
	user_json_text(w, "shell", id->shell);
	user_json_text(w, "kind", user_kind_name(id->kind));
	naccs_json_member_bool(w, "admin", id->admin);
	user_json_text(w, "created_by", id->created_by);
	naccs_json_member_int(w, "created_at", id->created_at);
	/* The registry attributes (UTS-2.2.1.3(2)(g)(ア), (2)(b)). */
	user_json_text(w, "staff_number", id->staff_number);
	user_json_text(w, "second_id_reason", id->second_id_reason);
	user_json_text(w, "approval", id->approval);
}

void user_json_state(struct naccs_json *w, const struct naccs_account_state *st)
{
	naccs_json_member_bool(w, "has_password", st->has_password);
	json_time(w, "password_changed_at", st->has_password && st->password_changed_at != 0,
		  st->password_changed_at);
	naccs_json_member_bool(w, "must_change", st->must_change);
	/* A lock in force, by the logins' own rule (naccs_state_bars): a
	 * timed lock that has ended is no lock here either. */
	bool locked = (naccs_state_bars(st, naccs_now_wall()) & NACCS_BAR_LOCKED) != 0;

	naccs_json_member_bool(w, "locked", locked);
	json_time(w, "locked_at", locked, st->locked_at);
	user_json_text(w, "lock_reason", locked ? st->lock_reason : NULL);
	/* null: until an administrator unlocks (rules/lockout.h) */
	json_time(w, "lock_until", locked && st->lock_until != 0, st->lock_until);
	naccs_json_member_bool(w, "suspended", st->suspended);
	json_time(w, "suspended_at", st->suspended, st->suspended_at);
	user_json_text(w, "suspend_reason", st->suspended ? st->suspend_reason : NULL);
	naccs_json_member_bool(w, "retired", st->retired);
	json_time(w, "retired_at", st->retired, st->retired_at);
	json_event(w, "last_login", st->has_last_success, &st->last_success);
	naccs_json_member_uint(w, "failures_since_login", st->failures_since_success);
	json_event(w, "last_failure", st->has_last_failure, &st->last_failure);
}
