/* naccsctl user lock, unlock, suspend, unsuspend and retire: the changes
 * of an ID's state, and the rule that a retired ID cannot change. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "rules/lockout.h"
#include "store/store.h"
#include "ctl.h"
#include "cmd_user.h"

enum {
	OPT_REASON = 0x100,
	OPT_YES,
	OPT_KEEP_SESSIONS,
};

int user_refuse_retired(struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id)
{
	ctl_error(_("%s is retired; a retired ID cannot be changed or used again"), id->login);
	ctl_emit(ctx, action, "error", "retired", id, NULL, NULL);
	return CTL_EXIT_FAIL;
}

/* "LOGIN [--reason REASON] [--yes]", the options as far as the command
 * takes them. */
struct state_args {
	const char *login;
	const char *reason; /* NULL when not given */
	bool yes;
	bool keep_sessions; /* --keep-sessions (suspend, retire) */
};

static int parse_state_args(const char *cmd, bool takes_reason, bool takes_yes, int argc,
			    char **argv, struct state_args *a)
{
	static const struct option opts[] = {
	    {"reason", required_argument, NULL, OPT_REASON},
	    {"yes", no_argument, NULL, OPT_YES},
	    {"keep-sessions", no_argument, NULL, OPT_KEEP_SESSIONS},
	    {NULL, 0, NULL, 0},
	};
	/* Suspend and retire end the ID's sessions unless told not to. */
	bool takes_keep = strcmp(cmd, "user suspend") == 0 || strcmp(cmd, "user retire") == 0;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == OPT_REASON && takes_reason) {
			if (!user_passwd_field_ok(optarg) || strlen(optarg) >= NACCS_TEXT_MAX)
				return ctl_usage_error(cmd, _("--reason: not a valid reason"));
			a->reason = optarg;
		} else if (c == OPT_YES && takes_yes) {
			a->yes = true;
		} else if (c == OPT_KEEP_SESSIONS && takes_keep) {
			a->keep_sessions = true;
		} else {
			return ctl_bad_option(cmd, c, argv, optind);
		}
	}
	return user_one_login(cmd, argc, argv, &a->login);
}

/* ---- lock, unlock, suspend, unsuspend ---- */

struct flag_action {
	const char *cmd;    /* "user lock" */
	const char *action; /* event action */
	enum naccs_flag flag;
	bool on;
	bool takes_reason, needs_reason;
	const char *done_msg; /* printed after "LOGIN: " */
	const char *same_msg;
};

static const struct flag_action flag_actions[] = {
    {"user lock", "lock", NACCS_FLAG_LOCKED, true, true, false, N_("locked"),
     N_("already locked; nothing changed")},
    {"user unlock", "unlock", NACCS_FLAG_LOCKED, false, false, false,
     N_("unlocked (failure count cleared)"), N_("not locked; nothing changed")},
    {"user suspend", "suspend", NACCS_FLAG_SUSPENDED, true, true, true,
     N_("suspended, effective immediately"), N_("already suspended; nothing changed")},
    {"user unsuspend", "unsuspend", NACCS_FLAG_SUSPENDED, false, false, false,
     N_("suspension lifted"), N_("not suspended; nothing changed")},
    /* UTS-2.2.1.1(1)(c)(イ): a change forced at the next login (e.g. after
     * a suspected compromise); the password stays valid until then. */
    {"user expire", "expire", NACCS_FLAG_MUST_CHANGE, true, true, false,
     N_("password expired: it must be changed at the next login"),
     N_("already must change the password at the next login; nothing changed")},
};

static bool flag_is_on(enum naccs_flag flag, const struct naccs_account_state *st,
		       bool on_means_in_force)
{
	switch (flag) {
	case NACCS_FLAG_LOCKED:
		/* A timed lock that has ended is no lock to lock again; it is
		 * still there to clear (rules/lockout.h). */
		return st->locked &&
		       (on_means_in_force ? naccs_lockout_in_force(st, naccs_now_wall()) : true);
	case NACCS_FLAG_SUSPENDED:
		return st->suspended;
	case NACCS_FLAG_MUST_CHANGE:
		return st->must_change;
	}
	return false;
}

/* UTS-2.2.1.1(1)(d): a suspension stops the ID's use at once: its sessions
 * end too (user_end_sessions). */
static bool ends_sessions(const struct flag_action *fa)
{
	return fa->flag == NACCS_FLAG_SUSPENDED && fa->on;
}

/* UTS-2.2.1.1(1)(d): a suspension is committed before this returns, and the
 * PAM module reads the store on every attempt (no cache), so it takes
 * effect at once. */
static int flag_command(struct ctl_ctx *ctx, const struct flag_action *fa, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	struct naccs_err err;
	struct state_args a = {0};
	int rc;

	rc = parse_state_args(fa->cmd, fa->takes_reason, false, argc, argv, &a);
	if (rc == CTL_EXIT_OK && fa->needs_reason && (a.reason == NULL || a.reason[0] == '\0'))
		rc = ctl_usage_error(fa->cmd, _("--reason is required"));
	if (rc == CTL_EXIT_OK)
		rc = user_open_and_resolve(ctx, false, a.login, &id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (st.retired)
		return user_refuse_retired(ctx, fa->action, &id);
	/* An unlock also clears failures counted towards a lock that was
	 * not reached yet; it is recorded like any unlock. */
	if (flag_is_on(fa->flag, &st, fa->on) == fa->on &&
	    !(fa->flag == NACCS_FLAG_LOCKED && !fa->on && st.failures_since_success > 0)) {
		printf("%s: %s\n", id.login, _(fa->same_msg));
		ctl_emit(ctx, fa->action, "done", "unchanged", &id, NULL, a.reason);
		/* Sessions left open by an earlier --keep-sessions end now. */
		return ends_sessions(fa) ? user_end_sessions(ctx, fa->action, &id, a.keep_sessions)
					 : CTL_EXIT_OK;
	}
	naccs_err_clear(&err);
	ctl_change_begin(ctx, fa->action, &id, NULL, a.reason);
	rc = naccs_store_set_flag(ctx->store, ctl_deadline(ctx), id.login, fa->flag, fa->on,
				  a.reason, ctx->actor, &err);
	if (ctl_change_end(ctx) != CTL_EXIT_OK)
		return CTL_EXIT_UNAVAILABLE;
	if (rc < 0)
		return ctl_report_store_error(ctx, fa->action, rc, &err, &id, a.reason);
	printf("%s: %s\n", id.login, _(fa->done_msg));
	rc = ctl_report_done(ctx, fa->action, &id, a.reason);
	if (rc == CTL_EXIT_OK && ends_sessions(fa))
		rc = user_end_sessions(ctx, fa->action, &id, a.keep_sessions);
	return rc;
}

int user_flag(struct ctl_ctx *ctx, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(flag_actions) / sizeof(flag_actions[0]); i++)
		if (strcmp(flag_actions[i].cmd + strlen("user "), argv[0]) == 0)
			return flag_command(ctx, &flag_actions[i], argc, argv);
	return ctl_usage_error("user", _("unknown subcommand '%s'"), argv[0]);
}

/* ---- user retire ---- */

static bool confirm_retire(const struct naccs_identity *id)
{
	char answer[16];
	char uid_text[32];

	user_id_text(id, uid_text, sizeof(uid_text));
	fprintf(stderr,
		_("Retire %s (%s) for good? It can never be used or issued again.\n"
		  "Type 'yes' to confirm: "),
		id->login, uid_text);
	fflush(stderr);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return false;
	answer[strcspn(answer, "\n")] = '\0';
	return strcmp(answer, "yes") == 0 || strcmp(answer, _("yes")) == 0;
}

static int already_retired(struct ctl_ctx *ctx, const struct naccs_identity *id, const char *reason)
{
	ctl_error(_("%s is already retired"), id->login);
	ctl_emit(ctx, "retire", "error", "retired", id, NULL, reason);
	return CTL_EXIT_FAIL;
}

/* UTS-2.2.1.3(2)(g)(ウ): retiring leaves a tombstone (login, user ID and uid
 * stay taken for good); the credential is erased. */
int user_retire(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	struct naccs_err err;
	struct state_args a = {0};
	int rc;

	rc = parse_state_args("user retire", true, true, argc, argv, &a);
	if (rc == CTL_EXIT_OK && !a.yes && !isatty(STDIN_FILENO))
		rc = ctl_usage_error("user retire",
				     _("--yes is required when standard input is not a terminal"));
	if (rc == CTL_EXIT_OK)
		rc = user_open_and_resolve(ctx, false, a.login, &id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (st.retired)
		return already_retired(ctx, &id, a.reason);
	if (!a.yes && !confirm_retire(&id)) {
		ctl_error(_("%s: not retired"), id.login);
		return CTL_EXIT_FAIL;
	}
	naccs_err_clear(&err);
	ctl_change_begin(ctx, "retire", &id, NULL, a.reason);
	rc =
	    naccs_store_retire(ctx->store, ctl_deadline(ctx), id.login, a.reason, ctx->actor, &err);
	if (ctl_change_end(ctx) != CTL_EXIT_OK)
		return CTL_EXIT_UNAVAILABLE;
	if (rc == -EALREADY)
		return already_retired(ctx, &id, a.reason);
	if (rc < 0)
		return ctl_report_store_error(ctx, "retire", rc, &err, &id, a.reason);
	printf(_("%s: retired; the ID and uid %lu will never be issued again\n"), id.login,
	       (unsigned long)id.uid);
	rc = ctl_report_done(ctx, "retire", &id, a.reason);
	if (rc == CTL_EXIT_OK)
		rc = user_end_sessions(ctx, "retire", &id, a.keep_sessions);
	return rc;
}
