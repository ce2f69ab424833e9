/* naccsctl user lock, unlock, suspend, unsuspend, expire and retire: the
 * changes of an ID's state, and the rule that a retired ID cannot change.
 * A change is a value (policy/admin.h): sent to naccsd when it runs, else
 * applied here by the same code (ctl_client.h says which); what is printed
 * comes from its outcome, the same either way. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "policy/admin.h"
#include "store/store.h"
#include "ctl.h"
#include "ctl_client.h"
#include "ctl_store.h"
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

/* ---- the change: sent, or applied here ---- */

struct state_cmd {
	const char *cmd; /* "user lock" */
	enum naccs_admin_op op;
	bool takes_reason, needs_reason;
	const char *done_msg; /* printed after "LOGIN: " */
	const char *same_msg;
};

static const struct state_cmd state_cmds[] = {
    {"user lock", NACCS_ADMIN_LOCK, true, false, N_("locked"),
     N_("already locked; nothing changed")},
    {"user unlock", NACCS_ADMIN_UNLOCK, false, false, N_("unlocked (failure count cleared)"),
     N_("not locked; nothing changed")},
    {"user suspend", NACCS_ADMIN_SUSPEND, true, true, N_("suspended, effective immediately"),
     N_("already suspended; nothing changed")},
    {"user unsuspend", NACCS_ADMIN_UNSUSPEND, false, false, N_("suspension lifted"),
     N_("not suspended; nothing changed")},
    /* UTS-2.2.1.1(1)(c)(イ): a change forced at the next login (e.g. after
     * a suspected compromise); the password stays valid until then. */
    {"user expire", NACCS_ADMIN_EXPIRE, true, false,
     N_("password expired: it must be changed at the next login"),
     N_("already must change the password at the next login; nothing changed")},
    {"user retire", NACCS_ADMIN_RETIRE, true, false, NULL, NULL},
};

/* Applied here (the service is stopped): as naccsctl always did. */
static int apply_here(struct ctl_ctx *ctx, const struct naccs_admin_change *c,
		      struct naccs_admin_outcome *o)
{
	struct naccs_account_state st;
	struct naccs_admin_who who;
	bool no_id = c->op == NACCS_ADMIN_GROUP_ADD || c->op == NACCS_ADMIN_GROUP_DEL;
	int rc;

	memset(o, 0, sizeof(*o));
	if (no_id) /* group add, del */
		rc = ctl_open_store(ctx, false);
	else
		rc = user_open_and_resolve(ctx, false, c->target, &o->id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	ctl_admin_who(ctx, &who);
	naccs_admin_apply_to(&ctx->cfg, ctx->store, c, &who, no_id ? NULL : &o->id,
			     no_id ? NULL : &st, o);
	return CTL_EXIT_OK;
}

/* An event that could not be recorded while the change stands. */
static void event_note(const struct naccs_admin_outcome *o)
{
	if (o->event_failed && o->event_denied)
		ctl_error(_("the event could not be recorded: %s"), o->event_msg);
	else if (o->event_failed)
		ctl_warn(_("the event could not be recorded: %s"), o->event_msg);
}

int user_admin_run(struct ctl_ctx *ctx, const struct naccs_admin_change *c,
		   struct naccs_admin_outcome *o, bool *remote)
{
	int rc = ctl_client_admin(ctx, c, o);

	*remote = rc == 1;
	if (rc == 0)
		rc = apply_here(ctx, c, o);
	else if (rc == 1)
		rc = CTL_EXIT_OK;
	if (rc == CTL_EXIT_OK)
		event_note(o);
	return rc;
}

int user_admin_refusal(const struct naccs_admin_change *c, const struct naccs_admin_outcome *o)
{
	const struct naccs_identity *id = &o->id;

	switch (o->result) {
	case NACCS_ADMIN_BAD_REQUEST:
		ctl_error("%s", o->err.msg);
		return CTL_EXIT_FAIL;
	case NACCS_ADMIN_NOT_FOUND:
		return ctl_exit_for_store(-ENOENT, &o->err, c->target);
	case NACCS_ADMIN_RETIRED:
		ctl_error(_("%s is retired; a retired ID cannot be changed or used again"),
			  id->login);
		return CTL_EXIT_FAIL;
	case NACCS_ADMIN_ALREADY_RETIRED:
		ctl_error(_("%s is already retired"), id->login);
		return CTL_EXIT_FAIL;
	case NACCS_ADMIN_AUDIT_REFUSED:
		ctl_error(_("%s; nothing was changed ([audit] on_audit_failure = deny)"),
			  o->err.msg);
		return CTL_EXIT_UNAVAILABLE;
	case NACCS_ADMIN_FAILED:
		return ctl_exit_for_store(o->rc, &o->err, id->login[0] ? id->login : c->target);
	case NACCS_ADMIN_SECOND_ID:
		ctl_error("%s: %s", id->login, o->err.msg);
		ctl_error(_("to record it anyway, add --allow-second-id REASON (the reason is "
			    "recorded in the registry)"));
		return CTL_EXIT_FAIL;
	case NACCS_ADMIN_NO_GROUP: {
		char safe[NACCS_LOGIN_MAX * 4 + 1];

		ctl_safe(c->group != NULL ? c->group : "", safe, sizeof(safe));
		ctl_error(_("no such group: %s"), safe);
		return CTL_EXIT_NOT_FOUND;
	}
	case NACCS_ADMIN_UNCHANGED:
	case NACCS_ADMIN_DONE:
		break;
	}
	return -1;
}

/* What became of c, said as naccsctl says it; then, after a suspension or
 * a retirement, the ID's sessions end here (UTS-2.2.1.1(1)(d)): naccsctl
 * spares its own process tree. */
static int report(struct ctl_ctx *ctx, const struct state_cmd *sc,
		  const struct naccs_admin_change *c, const struct naccs_admin_outcome *o)
{
	const struct naccs_identity *id = &o->id;
	const char *action = naccs_admin_action(c->op);
	bool retire = c->op == NACCS_ADMIN_RETIRE;
	int rc = user_admin_refusal(c, o);

	if (rc >= 0)
		return rc;
	if (o->result == NACCS_ADMIN_UNCHANGED) {
		printf("%s: %s\n", id->login, _(sc->same_msg));
		/* Sessions left open by an earlier --keep-sessions end now. */
		return c->op == NACCS_ADMIN_SUSPEND
			   ? user_end_sessions(ctx, action, id, c->keep_sessions)
			   : CTL_EXIT_OK;
	}
	if (retire)
		printf(_("%s: retired; the ID and uid %lu will never be issued again\n"), id->login,
		       (unsigned long)id->uid);
	else
		printf("%s: %s\n", id->login, _(sc->done_msg));
	rc = o->event_failed && o->event_denied ? CTL_EXIT_FAIL : CTL_EXIT_OK;
	if (rc == CTL_EXIT_OK && (retire || c->op == NACCS_ADMIN_SUSPEND))
		rc = user_end_sessions(ctx, action, id, c->keep_sessions);
	return rc;
}

/* UTS-2.2.1.1(1)(d): a suspension is committed before the answer, and
 * every decision reads the store (no cache): it takes effect at once. */
static int change(struct ctl_ctx *ctx, const struct state_cmd *sc, const struct state_args *a)
{
	struct naccs_admin_change c = {.op = sc->op,
				       .target = a->login,
				       .reason = a->reason,
				       .keep_sessions = a->keep_sessions};
	struct naccs_admin_outcome o;
	bool remote;
	int rc = user_admin_run(ctx, &c, &o, &remote);

	return rc == CTL_EXIT_OK ? report(ctx, sc, &c, &o) : rc;
}

/* ---- lock, unlock, suspend, unsuspend, expire ---- */

int user_flag(struct ctl_ctx *ctx, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(state_cmds) / sizeof(state_cmds[0]); i++) {
		const struct state_cmd *sc = &state_cmds[i];
		struct state_args a = {0};
		int rc;

		if (sc->op == NACCS_ADMIN_RETIRE || strcmp(sc->cmd + strlen("user "), argv[0]) != 0)
			continue;
		rc = parse_state_args(sc->cmd, sc->takes_reason, false, argc, argv, &a);
		if (rc == CTL_EXIT_OK && sc->needs_reason &&
		    (a.reason == NULL || a.reason[0] == '\0'))
			rc = ctl_usage_error(sc->cmd, _("--reason is required"));
		return rc == CTL_EXIT_OK ? change(ctx, sc, &a) : rc;
	}
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

/* UTS-2.2.1.3(2)(g)(ウ): retiring leaves a tombstone (login, user ID and uid
 * stay taken for good); the credential is erased. */
int user_retire(struct ctl_ctx *ctx, int argc, char **argv)
{
	const struct state_cmd *sc = &state_cmds[sizeof(state_cmds) / sizeof(state_cmds[0]) - 1];
	struct naccs_identity id;
	struct naccs_account_state st;
	struct state_args a = {0};
	int rc;

	rc = parse_state_args("user retire", true, true, argc, argv, &a);
	if (rc == CTL_EXIT_OK && !a.yes && !isatty(STDIN_FILENO))
		rc = ctl_usage_error("user retire",
				     _("--yes is required when standard input is not a terminal"));
	if (rc != CTL_EXIT_OK)
		return rc;
	if (!a.yes) {
		/* The question names the ID: read it (read-only; the change
		 * itself is made by the service, or here, below).  A retired
		 * one is not asked about: the change says it is retired. */
		rc = user_open_and_resolve(ctx, true, a.login, &id, &st);
		if (rc != CTL_EXIT_OK)
			return rc;
		ctl_close_store(ctx);
		if (!st.retired && !confirm_retire(&id)) {
			ctl_error(_("%s: not retired"), id.login);
			return CTL_EXIT_FAIL;
		}
	}
	return change(ctx, sc, &a);
}
