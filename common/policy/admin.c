/* Administrative changes as values: one code for naccsctl (service stopped)
 * and naccsd (ADMIN requests); see admin.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/emit.h"
#include "audit/event.h"
#include "audit/trail.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "base/text.h"
#include "base/time.h"
#include "crypto/hash.h"
#include "policy/admin.h"
#include "policy/internal.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "rules/lockout.h"
#include "rules/password_generate.h"

/* One row per operation: its name on the wire, its event action, the flag
 * it sets (retire: none) and whether it needs a reason. */
static const struct {
	const char *name, *action;
	enum naccs_flag flag;
	bool on, needs_reason;
} ops[] = {
    [NACCS_ADMIN_LOCK] = {"user.lock", "lock", NACCS_FLAG_LOCKED, true, false},
    [NACCS_ADMIN_UNLOCK] = {"user.unlock", "unlock", NACCS_FLAG_LOCKED, false, false},
    [NACCS_ADMIN_SUSPEND] = {"user.suspend", "suspend", NACCS_FLAG_SUSPENDED, true, true},
    [NACCS_ADMIN_UNSUSPEND] = {"user.unsuspend", "unsuspend", NACCS_FLAG_SUSPENDED, false, false},
    /* UTS-2.2.1.1(1)(c)(イ): a change forced at the next login. */
    [NACCS_ADMIN_EXPIRE] = {"user.expire", "expire", NACCS_FLAG_MUST_CHANGE, true, false},
    [NACCS_ADMIN_RETIRE] = {"user.retire", "retire", NACCS_FLAG_LOCKED, true, false},
    [NACCS_ADMIN_RESET] = {"user.reset", "password-reset", NACCS_FLAG_MUST_CHANGE, true, false},
    [NACCS_ADMIN_STAFF_NUMBER] = {"user.staff-number", "staff-number", NACCS_FLAG_LOCKED, true,
				  false},
    /* admin_group.c (no flag) */
    [NACCS_ADMIN_GROUP_ADD] = {"group.add", "group-add", NACCS_FLAG_LOCKED, true, false},
    [NACCS_ADMIN_GROUP_DEL] = {"group.del", "group-del", NACCS_FLAG_LOCKED, true, false},
    [NACCS_ADMIN_GROUP_MEMBER_ADD] = {"group.member-add", "group-member-add", NACCS_FLAG_LOCKED,
				      true, false},
    [NACCS_ADMIN_GROUP_MEMBER_REMOVE] = {"group.member-remove", "group-member-remove",
					 NACCS_FLAG_LOCKED, true, false},
};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

static const char *const results[] = {
    [NACCS_ADMIN_DONE] = "done",
    [NACCS_ADMIN_UNCHANGED] = "unchanged",
    [NACCS_ADMIN_RETIRED] = "retired",
    [NACCS_ADMIN_ALREADY_RETIRED] = "already-retired",
    [NACCS_ADMIN_NOT_FOUND] = "not-found",
    [NACCS_ADMIN_FAILED] = "failed",
    [NACCS_ADMIN_AUDIT_REFUSED] = "audit-refused",
    [NACCS_ADMIN_BAD_REQUEST] = "bad-request",
    [NACCS_ADMIN_SECOND_ID] = "second-id",
    [NACCS_ADMIN_NO_GROUP] = "no-group",
};
#define N_RESULTS (sizeof(results) / sizeof(results[0]))

const char *naccs_admin_op_name(enum naccs_admin_op op)
{
	return (size_t)op < N_OPS ? ops[op].name : NULL;
}

int naccs_admin_op_parse(const char *name, enum naccs_admin_op *op)
{
	for (size_t i = 0; name != NULL && i < N_OPS; i++)
		if (strcmp(ops[i].name, name) == 0) {
			*op = (enum naccs_admin_op)i;
			return 0;
		}
	return -EINVAL;
}

const char *naccs_admin_action(enum naccs_admin_op op)
{
	return (size_t)op < N_OPS ? ops[op].action : NULL;
}

const char *naccs_admin_result_name(enum naccs_admin_result r)
{
	return (size_t)r < N_RESULTS ? results[r] : NULL;
}

int naccs_admin_result_parse(const char *name, enum naccs_admin_result *r)
{
	for (size_t i = 0; name != NULL && i < N_RESULTS; i++)
		if (strcmp(results[i], name) == 0) {
			*r = (enum naccs_admin_result)i;
			return 0;
		}
	return -EINVAL;
}

int naccs_admin_event(const struct naccs_config *cfg, const struct naccs_admin_who *who,
		      const char *action, const char *result, const char *reason,
		      const struct naccs_identity *id, const char *login, const char *detail,
		      bool trail_written, bool trail_only, struct naccs_err *err)
{
	char claimed[NACCS_TEXT_MAX + NACCS_WHO_MAX + 32];
	struct naccs_event ev = {
	    .type = "admin",
	    .action = action,
	    .result = result,
	    .reason = reason,
	    .login = id != NULL ? id->login : login,
	    .user_code = id != NULL ? id->user_code : NULL,
	    .id_number = id != NULL ? id->id_number : NULL,
	    .service = who->service,
	    .actor = who->actor,
	    .detail = detail,
	    .trail_written = trail_written,
	    .trail = cfg,
	};

	/* The actor is who the kernel says; a claim is kept beside it. */
	if (who->claim != NULL) {
		snprintf(claimed, sizeof(claimed), "%s%s(SUDO_USER claims %s)",
			 detail != NULL ? detail : "",
			 detail != NULL && detail[0] != '\0' ? " " : "", who->claim);
		ev.detail = claimed;
	}
	naccs_err_clear(err);
	if (trail_only)
		return cfg != NULL ? naccs_audit_append(cfg, &ev, naccs_now_wall(), err) : 0;
	return naccs_event_emit(&ev, err);
}

int admin_event(const struct naccs_config *cfg, const struct naccs_admin_who *who,
		const char *action, const char *result, const char *reason,
		const struct naccs_identity *id, const char *login, const char *detail,
		struct naccs_admin_outcome *out)
{
	struct naccs_err err;
	int rc = naccs_admin_event(cfg, who, action, result, reason, id, login, detail, false,
				   false, &err);

	if (rc < 0) {
		out->event_failed = true;
		out->event_denied = cfg->audit_fail_deny;
		snprintf(out->event_msg, sizeof(out->event_msg), "%s", err.msg);
	}
	return rc;
}

bool admin_reason_ok(const char *reason)
{
	return strchr(reason, ':') == NULL && naccs_text_is_clean(reason, strlen(reason), 0) &&
	       strlen(reason) < NACCS_TEXT_MAX;
}

/* The commit hook of the change under way: its trail line, inside the
 * store's transaction (UTS-2.2.1.4(1)(b)). */
int admin_commit_hook(void *arg, struct naccs_err *err)
{
	struct admin_hook *h = arg;
	struct naccs_err aerr;
	int rc;

	if (h->recorded)
		return 0;
	rc = naccs_admin_event(h->cfg, h->who, h->action, "done", NULL, h->id, h->login, h->detail,
			       false, true, &aerr);
	if (rc < 0 && h->cfg->audit_fail_deny) {
		h->refused = true;
		h->refusal = aerr;
		return naccs_err_set(err, -rc, "%s", aerr.msg);
	}
	if (rc < 0) { /* on_audit_failure = allow: the change goes on without it */
		h->out->event_failed = true;
		snprintf(h->out->event_msg, sizeof(h->out->event_msg), "%s", aerr.msg);
	}
	h->recorded = true;
	return 0;
}

static bool flag_is_on(enum naccs_flag flag, const struct naccs_account_state *st, bool on)
{
	switch (flag) {
	case NACCS_FLAG_LOCKED:
		/* A timed lock that has ended is no lock to lock again; it is
		 * still there to clear (rules/lockout.h). */
		return st->locked && (on ? naccs_lockout_in_force(st, naccs_now_wall()) : true);
	case NACCS_FLAG_SUSPENDED:
		return st->suspended;
	case NACCS_FLAG_MUST_CHANGE:
		return st->must_change;
	}
	return false;
}

/* Is the change already so?  An unlock also clears failures counted
 * towards a lock not reached yet: then it is a change. */
static bool already(enum naccs_admin_op op, const struct naccs_account_state *st)
{
	bool on = ops[op].on;

	if (op == NACCS_ADMIN_UNLOCK && st->failures_since_success > 0)
		return false;
	return flag_is_on(ops[op].flag, st, on) == on;
}

static void done(const struct naccs_config *cfg, const struct admin_hook *h)
{
	struct naccs_err err;

	/* Written in the change's transaction already: now syslog and the
	 * alert, which never change the outcome; without the hook's line, the
	 * whole event. */
	if (h->recorded)
		naccs_admin_event(cfg, h->who, h->action, "done", NULL, h->id, h->login, h->detail,
				  true, false, &err);
	else
		admin_event(cfg, h->who, h->action, "done", NULL, h->id, h->login, h->detail,
			    h->out);
}

/* After the store call of a change (its commit hook unset): the outcome. */
int admin_after_store(struct admin_hook *h, int rc, struct naccs_admin_outcome *out)
{
	const struct naccs_config *cfg = h->cfg;
	struct naccs_err err;

	if (rc < 0 || h->refused) {
		out->end_sessions = false;
		naccs_wipe(out->otp, sizeof(out->otp));
	}
	if (h->refused) {
		/* The refusal, as any event: syslog at LOG_ALERT and the alert
		 * of a trail that cannot be written. */
		naccs_admin_event(cfg, h->who, h->action, "error", "audit-unavailable", h->id,
				  h->login, h->detail, false, false, &err);
		out->result = NACCS_ADMIN_AUDIT_REFUSED;
		out->err = h->refusal;
		return 0;
	}
	if (rc == -ENOTUNIQ && strcmp(h->action, "staff-number") == 0) {
		/* UTS-2.2.1.3(2)(g)(ア): one active individual ID per person. */
		out->result = NACCS_ADMIN_SECOND_ID;
		admin_event(cfg, h->who, h->action, "error", "second-id", h->id, NULL, h->detail,
			    out);
		return 0;
	}
	if (rc == -EALREADY && strcmp(h->action, "retire") == 0) {
		out->result = NACCS_ADMIN_ALREADY_RETIRED;
		admin_event(cfg, h->who, h->action, "error", "retired", h->id, NULL, h->detail,
			    out);
		return 0;
	}
	if (rc < 0) {
		out->result = NACCS_ADMIN_FAILED;
		out->rc = rc;
		admin_event(cfg, h->who, h->action, "error", "store", h->id, h->login, h->detail,
			    out);
		return 0;
	}
	out->result = NACCS_ADMIN_DONE;
	done(cfg, h);
	return 0;
}

int naccs_admin_new_otp(const struct naccs_config *cfg, const struct naccs_identity *id, char *otp,
			size_t cap, char *phc, struct naccs_err *err)
{
	struct naccs_pw_user u;
	struct naccs_err e;
	int rc;

	naccs_err_clear(&e);
	naccs_pw_user_from(id, &u);
	rc = naccs_pw_generate(&cfg->password, cfg->hash.max_password_bytes, cfg->owner_uid, &u,
			       otp, cap, &e);
	if (rc < 0) {
		naccs_wipe(otp, cap);
		return naccs_err_set(err, -rc, _("cannot generate a one-time password: %s"), e.msg);
	}
	rc = naccs_hash_new(&cfg->hash, otp, phc, &e);
	if (rc < 0) {
		naccs_wipe(otp, cap);
		naccs_wipe(phc, NACCS_PHC_MAX);
		return naccs_err_set(err, -rc, _("cannot hash the one-time password: %s"), e.msg);
	}
	return 0;
}

/* UTS-2.2.1.3(2)(a), UTS-2.2.1.1(1)(e)(イ)(ウ): a reset is a new random
 * one-time password that meets the password rules, must be changed at the
 * next login, and is never read from anywhere: made here, hashed here,
 * given to the applier once (out->otp). */
static int reset(struct admin_hook *h, struct naccs_store *db, naccs_deadline_t dl,
		 struct naccs_admin_outcome *out)
{
	const struct naccs_config *cfg = h->cfg;
	char phc[NACCS_PHC_MAX];
	int rc;

	if (naccs_admin_new_otp(cfg, h->id, out->otp, sizeof(out->otp), phc, &out->err) < 0) {
		out->result = NACCS_ADMIN_FAILED;
		out->rc = -ECANCELED; /* not the store's: said as it is */
		return 0;
	}
	naccs_err_clear(&out->err);
	naccs_store_set_commit_hook(db, admin_commit_hook, h);
	rc = naccs_store_set_password(db, dl, h->id->login, phc, true, cfg->password.history,
				      "password-reset", h->who->actor, &out->err);
	naccs_store_set_commit_hook(db, NULL, NULL);
	naccs_wipe(phc, sizeof(phc));
	return admin_after_store(h, rc, out);
}

/* UTS-2.2.1.3(2)(g)(ア): whose individual ID it is, one active individual
 * ID per person unless a reason allows a second (kept in the registry). */
static int staff_number(struct admin_hook *h, struct naccs_store *db, naccs_deadline_t dl,
			const char *reason, struct naccs_admin_outcome *out)
{
	int rc;

	naccs_err_clear(&out->err);
	naccs_store_set_commit_hook(db, admin_commit_hook, h);
	rc = naccs_store_set_staff_number(db, dl, h->id->login, h->detail, reason, h->who->actor,
					  &out->err);
	naccs_store_set_commit_hook(db, NULL, NULL);
	return admin_after_store(h, rc, out);
}

/* UTS-2.2.1.1(1)(d): a suspension (and a retirement) is committed before
 * this returns, and every decision reads the store (no cache): it takes
 * effect at once; the caller then ends the ID's sessions. */
int naccs_admin_apply_to(const struct naccs_config *cfg, struct naccs_store *db,
			 const struct naccs_admin_change *c, const struct naccs_admin_who *who,
			 const struct naccs_identity *id, const struct naccs_account_state *st,
			 struct naccs_admin_outcome *out)
{
	const char *action = naccs_admin_action(c->op);
	/* Unlock, unsuspend and a reset take no reason: none is recorded. */
	bool no_reason = c->op == NACCS_ADMIN_UNLOCK || c->op == NACCS_ADMIN_UNSUSPEND ||
			 c->op == NACCS_ADMIN_RESET;
	const char *reason =
	    c->reason != NULL && c->reason[0] != '\0' && !no_reason ? c->reason : NULL;
	struct admin_hook h = {
	    .cfg = cfg, .who = who, .action = action, .detail = reason, .id = id, .out = out};
	naccs_deadline_t dl = naccs_deadline_in(cfg->store_timeout_ms);
	bool retire = c->op == NACCS_ADMIN_RETIRE;
	int rc;

	if (NACCS_ADMIN_IS_GROUP(c->op))
		return admin_group_apply_to(cfg, db, c, who, id, out);
	out->id = *id;
	if (action == NULL || (ops[c->op].needs_reason && reason == NULL)) {
		out->result = NACCS_ADMIN_BAD_REQUEST;
		naccs_err_set(&out->err, EINVAL,
			      action == NULL ? "unknown operation" : "a reason is required");
		return 0;
	}
	if (reason != NULL && !admin_reason_ok(reason)) {
		out->result = NACCS_ADMIN_BAD_REQUEST;
		naccs_err_set(&out->err, EINVAL, "not a valid reason");
		return 0;
	}
	if (c->op == NACCS_ADMIN_STAFF_NUMBER) { /* as naccsctl: whatever the state */
		if (c->value == NULL || !naccs_store_staff_number_ok(c->value) ||
		    (reason != NULL && strlen(reason) > NACCS_SECOND_ID_MAX)) {
			out->result = NACCS_ADMIN_BAD_REQUEST;
			naccs_err_set(&out->err, EINVAL,
				      "not a staff number, or not a valid reason");
			return 0;
		}
		h.detail = c->value;
		return staff_number(&h, db, dl, reason, out);
	}
	if (st->retired) {
		out->result = retire ? NACCS_ADMIN_ALREADY_RETIRED : NACCS_ADMIN_RETIRED;
		admin_event(cfg, who, action, "error", "retired", id, NULL, retire ? reason : NULL,
			    out);
		return 0;
	}
	if (c->op == NACCS_ADMIN_RESET)
		return reset(&h, db, dl, out);
	/* Suspend ends the sessions even when already suspended: those left
	 * open by an earlier --keep-sessions end now. */
	out->end_sessions = c->op == NACCS_ADMIN_SUSPEND || retire;
	if (!retire && already(c->op, st)) {
		out->result = NACCS_ADMIN_UNCHANGED;
		admin_event(cfg, who, action, "done", "unchanged", id, NULL, reason, out);
		out->end_sessions = c->op == NACCS_ADMIN_SUSPEND;
		return 0;
	}
	naccs_err_clear(&out->err);
	naccs_store_set_commit_hook(db, admin_commit_hook, &h);
	if (retire)
		rc = naccs_store_retire(db, dl, id->login, reason, who->actor, &out->err);
	else
		rc = naccs_store_set_flag(db, dl, id->login, ops[c->op].flag, ops[c->op].on, reason,
					  who->actor, &out->err);
	naccs_store_set_commit_hook(db, NULL, NULL);
	return admin_after_store(&h, rc, out);
}

int naccs_admin_apply(const struct naccs_config *cfg, struct naccs_store *db,
		      const struct naccs_admin_change *c, const struct naccs_admin_who *who,
		      struct naccs_admin_outcome *out)
{
	naccs_deadline_t dl = naccs_deadline_in(cfg->store_timeout_ms);
	struct naccs_identity id;
	struct naccs_account_state st;
	int rc;

	memset(out, 0, sizeof(*out));
	naccs_err_clear(&out->err);
	if (naccs_admin_action(c->op) == NULL) {
		out->result = NACCS_ADMIN_BAD_REQUEST;
		return naccs_err_set(&out->err, EINVAL, "unknown operation"), 0;
	}
	if (c->op == NACCS_ADMIN_GROUP_ADD || c->op == NACCS_ADMIN_GROUP_DEL) /* no ID */
		return naccs_admin_apply_to(cfg, db, c, who, NULL, NULL, out);
	rc = naccs_resolve_name(db, dl, c->target, &id, &out->ambiguous, &out->err);
	if (rc == 0)
		rc = naccs_store_get_state(db, dl, id.login, &st, &out->err);
	if (rc == -ENOENT || rc == -EINVAL) {
		out->result = NACCS_ADMIN_NOT_FOUND;
		return 0;
	}
	if (rc < 0) {
		out->result = NACCS_ADMIN_FAILED;
		out->rc = rc;
		return 0;
	}
	rc = naccs_admin_apply_to(cfg, db, c, who, &id, &st, out);
	naccs_wipe(&st, sizeof(st));
	return rc;
}
