/* naccsctl user: the JSON fields of an ID and of its state, shared by user
 * show and user list.  Never the hash (UTS-2.2.1.1(1)(e)(イ)). */
#include "config.h"

#include <stdio.h>

#include "naccs_store.h"
#include "naccsctl.h"
#include "cmd_user.h"

static void json_key(const char *key, bool first)
{
	printf("%s\"%s\":", first ? "" : ",", key);
}

void user_json_str_field(const char *key, const char *value)
{
	json_key(key, false);
	ctl_json_str(stdout, value != NULL && value[0] != '\0' ? value : NULL);
}

static void json_bool_field(const char *key, bool value)
{
	json_key(key, false);
	fputs(value ? "true" : "false", stdout);
}

static void json_time_field(const char *key, bool present, int64_t t)
{
	json_key(key, false);
	ctl_json_time(stdout, present, t);
}

static void json_event_field(const char *key, bool present, const struct naccs_login_event *ev)
{
	json_key(key, false);
	if (!present) {
		fputs("null", stdout);
		return;
	}
	printf("{\"at\":%lld", (long long)ev->at);
	user_json_str_field("service", ev->service);
	user_json_str_field("tty", ev->tty);
	user_json_str_field("rhost", ev->rhost);
	putchar('}');
}

void user_json_identity(const struct naccs_identity *id)
{
	json_key("login", true);
	ctl_json_str(stdout, id->login);
	user_json_str_field("user_code", id->user_code);
	user_json_str_field("id_number", id->id_number);
	printf(",\"uid\":%lu,\"gid\":%lu", (unsigned long)id->uid, (unsigned long)id->gid);
	user_json_str_field("gecos", id->gecos);
	user_json_str_field("home", id->home);
	user_json_str_field("shell", id->shell);
	user_json_str_field("kind", user_kind_name(id->kind));
	json_bool_field("admin", id->admin);
	user_json_str_field("created_by", id->created_by);
	json_time_field("created_at", true, id->created_at);
}

void user_json_state(const struct naccs_account_state *st, bool first)
{
	json_key("has_password", first);
	fputs(st->has_password ? "true" : "false", stdout);
	json_time_field("password_changed_at", st->has_password && st->password_changed_at != 0,
			st->password_changed_at);
	json_bool_field("must_change", st->must_change);
	json_bool_field("locked", st->locked);
	json_time_field("locked_at", st->locked, st->locked_at);
	user_json_str_field("lock_reason", st->locked ? st->lock_reason : NULL);
	json_bool_field("suspended", st->suspended);
	json_time_field("suspended_at", st->suspended, st->suspended_at);
	user_json_str_field("suspend_reason", st->suspended ? st->suspend_reason : NULL);
	json_bool_field("retired", st->retired);
	json_time_field("retired_at", st->retired, st->retired_at);
	json_event_field("last_login", st->has_last_success, &st->last_success);
	printf(",\"failures_since_login\":%lu", (unsigned long)st->failures_since_success);
	json_event_field("last_failure", st->has_last_failure, &st->last_failure);
}
