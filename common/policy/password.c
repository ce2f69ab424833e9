/* The user's own password change (UTS-2.2.1.1(1)(e)(ア)): orchestration
 * only.  The rules are in rules/password_strength.c, rules/password_dictionary.c and
 * rules/password_blocklist.c (rules/password.h); the history is verified here (the store returns
 * hashes, hashing stays out of it); the write is one compare-and-swap
 * (naccs_store_change_password), so two concurrent changes cannot both win
 * and a failed write leaves the old password valid. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/trail.h"
#include "audit/debug.h"
#include "audit/emit.h"
#include "audit/event.h"
#include "base/i18n.h"
#include "policy/messages.h"
#include "policy/lockout.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "policy/settings.h"
#include "base/secret.h"
#include "base/time.h"

#define DAY 86400

static naccs_deadline_t deadline(const struct naccs_policy *pol)
{
	return naccs_deadline_in(pol->cfg->store_timeout_ms);
}

static const char *rule_name(enum naccs_pw_rule r)
{
	static const char *const names[] = {
	    "ok",	   "empty",	 "too-many-bytes", "nul",      "bad-utf8",  "too-short",
	    "too-long",	   "classes",	 "repeat",	   "sequence", "user-data", "same",
	    "too-similar", "dictionary", "blocklist",	   "history",  "min-age",   "unavailable",
	};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "invalid";
}

static void say(struct naccs_pw_change *c, const char *msg)
{
	snprintf(c->message, sizeof(c->message), "%s", msg);
}

/* The event of a decision of a change. */
static void event_of(const struct naccs_pw_change *c, const struct naccs_request *req,
		     const char *action, enum naccs_outcome outcome, const char *reason,
		     const char *detail, char shown[NACCS_NAME_SHOWN_MAX], struct naccs_event *out)
{
	struct naccs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = "password";
	ev.action = action;
	ev.result = outcome == NACCS_OUT_ALLOW	       ? "allow"
		    : outcome == NACCS_OUT_UNAVAILABLE ? "error"
		    : outcome == NACCS_OUT_UNKNOWN     ? "ignore"
						       : "deny";
	ev.reason = reason;
	ev.login = c->known ? c->identity.login : naccs_name_shown(req->trail, req->user, shown);
	if (c->known) {
		ev.user_code = c->identity.user_code;
		ev.id_number = c->identity.id_number;
	}
	ev.service = req->service;
	ev.tty = req->tty;
	ev.rhost = req->rhost;
	ev.actor = c->root_for_other ? "root" : req->ruser;
	ev.detail = detail;
	ev.trail = req->trail;
	*out = ev;
}

/* Every decision of a change leaves through here, as one event
 * (trail_written: its trail line is in already, change_line_hook). */
static enum naccs_outcome finish_as(struct naccs_pw_change *c, const struct naccs_request *req,
				    const char *action, enum naccs_outcome outcome,
				    const char *reason, const char *detail, bool trail_written)
{
	struct naccs_event ev;
	char shown[NACCS_NAME_SHOWN_MAX];

	c->outcome = outcome;
	/* A name that is no ID here is not ours: not recorded (as its
	 * account check and session, policy/policy.c decide()). */
	if (outcome == NACCS_OUT_UNKNOWN && !c->known)
		return outcome;
	event_of(c, req, action, outcome, reason, detail, shown, &ev);
	ev.trail_written = trail_written;
	/* UTS-2.2.1.4(1)(b): a check that lets the change go on is only
	 * returned once recorded (on_audit_failure = deny).  The change's own
	 * line was written before its commit (change_line_hook). */
	if (naccs_event_emit(&ev, NULL) < 0 && outcome == NACCS_OUT_ALLOW &&
	    strcmp(action, "check") == 0 && req->trail->audit_fail_deny) {
		say(c, _("The audit trail cannot be written: access is refused until an "
			 "administrator repairs it."));
		c->outcome = NACCS_OUT_UNAVAILABLE;
	}
	return c->outcome;
}

static enum naccs_outcome finish(struct naccs_pw_change *c, const struct naccs_request *req,
				 const char *action, enum naccs_outcome outcome, const char *reason,
				 const char *detail)
{
	return finish_as(c, req, action, outcome, reason, detail, false);
}

/* The change's trail line, written inside the store's transaction just
 * before its commit (naccs_store_set_commit_hook): a line the trail cannot
 * take (a full disk) under on_audit_failure = deny rolls the change back,
 * so no password changes unrecorded (UTS-2.2.1.4(1)(b)). */
struct change_line {
	const struct naccs_event *ev;
	bool written, refused;
};

static int change_line_hook(void *arg, struct naccs_err *err)
{
	struct change_line *l = arg;
	struct naccs_err aerr;
	int rc;

	if (l->written)
		return 0;
	naccs_err_clear(&aerr);
	rc = naccs_audit_append(l->ev->trail, l->ev, naccs_now_wall(), &aerr);
	if (rc == 0) {
		l->written = true;
		return 0;
	}
	if (!l->ev->trail->audit_fail_deny)
		return 0; /* allow: the change goes on; finish says so in syslog */
	l->refused = true;
	return naccs_err_set(err, -rc, "%s", aerr.msg);
}

void naccs_pw_change_clear(struct naccs_pw_change *c)
{
	naccs_wipe(c, sizeof(*c));
}

void naccs_pw_user_from(const struct naccs_identity *id, struct naccs_pw_user *u)
{
	u->login = id->login;
	u->user_code = id->user_code;
	u->id_number = id->id_number;
	u->name = id->gecos;
}

/* Too early to change again (UTS-2.2.1.1(1)(g)(オ): no cycling back through
 * the history at once).  An administrator's password (must change) may
 * always be changed. */
static bool too_early(const struct naccs_policy *pol, const struct naccs_account_state *st,
		      struct naccs_pw_change *c)
{
	int64_t next, now = naccs_now_wall();
	char when[64];

	if (c->root_for_other || st->must_change || pol->cfg->password.min_age_days == 0)
		return false;
	next = st->password_changed_at + (int64_t)pol->cfg->password.min_age_days * DAY;
	if (now >= next)
		return false;
	naccs_format_time(next, when, sizeof(when));
	c->rule = NACCS_PW_MIN_AGE;
	snprintf(c->message, sizeof(c->message),
		 dngettext(NACCS_TEXTDOMAIN,
			   "Your password was changed less than %lu day ago: it can be changed "
			   "again from %s.",
			   "Your password was changed less than %lu days ago: it can be changed "
			   "again from %s.",
			   (unsigned long)pol->cfg->password.min_age_days),
		 (unsigned long)pol->cfg->password.min_age_days, when);
	return true;
}

/* The rule of auth and account (naccs_policy_state_refusal): a timed lock
 * that has ended refuses no change (issue #16: the raw flag did). */
static enum naccs_outcome state_refusal(const struct naccs_account_state *st,
					struct naccs_pw_change *c, const char **reason)
{
	enum naccs_outcome o = naccs_policy_state_refusal(st, naccs_now_wall(), reason);
	char text[sizeof(c->message)];

	if (o == NACCS_OUT_RETIRED || o == NACCS_OUT_SUSPENDED || o == NACCS_OUT_LOCKED)
		say(c, naccs_message_state(o, st, text, sizeof(text)));
	return o;
}

/* The lock a wrong current password took (UTS-2.2.1.1(1)(g)(ウ)): the same
 * event as policy/policy.c's for a wrong password at login. */
static void report_locked(const struct naccs_pw_change *c, const struct naccs_request *req,
			  const struct naccs_account_state *after)
{
	char detail[160];
	struct naccs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = "auth";
	ev.action = "lock";
	ev.result = "done";
	ev.reason = "too-many-failures";
	ev.login = c->identity.login;
	ev.user_code = c->identity.user_code;
	ev.id_number = c->identity.id_number;
	ev.service = req->service;
	ev.tty = req->tty;
	ev.rhost = req->rhost;
	ev.actor = req->ruser;
	if (after->lock_until != 0)
		snprintf(detail, sizeof(detail), "locked until %lld", (long long)after->lock_until);
	else
		snprintf(detail, sizeof(detail), "locked until an administrator unlocks it");
	ev.detail = detail;
	ev.trail = req->trail;
	naccs_event_emit(&ev, NULL);
}

static enum naccs_outcome wrong_current(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_pw_change *c, struct naccs_err *err)
{
	struct naccs_login_event ev;
	struct naccs_account_state after;
	struct naccs_lockout_rule rule;
	int rc;

	/* A wrong current password is a failed authentication: counted. */
	memset(&ev, 0, sizeof(ev));
	ev.at = naccs_now_wall();
	snprintf(ev.service, sizeof(ev.service), "%s", req->service ? req->service : "");
	snprintf(ev.tty, sizeof(ev.tty), "%s", req->tty ? req->tty : "");
	snprintf(ev.rhost, sizeof(ev.rhost), "%s", req->rhost ? req->rhost : "");
	naccs_lockout_rule_from_config(pol->cfg, &rule);
	rc = naccs_policy_count_failure(pol->store, deadline(pol), &rule, &c->identity, &ev, NULL,
					&after, err);
	/* The failure that took the lock reports it, as in auth (issue #16). */
	if (rc == 0 && after.lock_taken)
		report_locked(c, req, &after);
	naccs_wipe(&after, sizeof(after));
	if (rc < 0)
		return finish(c, req, "check", NACCS_OUT_UNAVAILABLE, "store-write-failed",
			      err->msg);
	say(c, _("The current password is not correct; the password was not changed."));
	return finish(c, req, "check", NACCS_OUT_BAD_CREDENTIALS, "bad-password", NULL);
}

enum naccs_outcome naccs_policy_password_target(struct naccs_policy *pol,
						const struct naccs_request *req,
						struct naccs_identity *id, struct naccs_err *err)
{
	int rc = naccs_resolve_name(pol->store, deadline(pol), req->user, id, NULL, err);

	if (rc == -ENOENT || rc == -EINVAL)
		return NACCS_OUT_UNKNOWN;
	return rc < 0 ? NACCS_OUT_UNAVAILABLE : NACCS_OUT_ALLOW;
}

enum naccs_outcome naccs_policy_password_begin(struct naccs_policy *pol,
					       const struct naccs_request *req, bool root_for_other,
					       const char *current, struct naccs_pw_change *c,
					       struct naccs_err *err)
{
	struct naccs_account_state st;
	const char *reason = NULL;
	enum naccs_outcome refusal, result;
	bool match = false, rehash = false;
	int rc;

	memset(c, 0, sizeof(*c));
	memset(&st, 0, sizeof(st));
	c->root_for_other = root_for_other;
	rc = naccs_resolve_name(pol->store, deadline(pol), req->user, &c->identity, NULL, err);
	if (rc == -ENOENT || rc == -EINVAL)
		return finish(c, req, "check", NACCS_OUT_UNKNOWN, "not-managed", NULL);
	if (rc < 0)
		return finish(c, req, "check", NACCS_OUT_UNAVAILABLE, "store-read-failed",
			      err->msg);
	c->known = true;
	rc = naccs_store_get_state(pol->store, deadline(pol), c->identity.login, &st, err);
	if (rc < 0) {
		result =
		    finish(c, req, "check", NACCS_OUT_UNAVAILABLE, "store-read-failed", err->msg);
		goto out;
	}
	refusal = state_refusal(&st, c, &reason);
	if (refusal != NACCS_OUT_ALLOW) {
		result = finish(c, req, "check", refusal, reason, NULL);
		goto out;
	}
	if (!st.has_password) {
		say(c, _("This ID has no password to change. Ask an administrator."));
		result = finish(c, req, "check", NACCS_OUT_UNAVAILABLE, "no-password", NULL);
		goto out;
	}
	if (!root_for_other) {
		if (current == NULL || current[0] == '\0' ||
		    strnlen(current, pol->cfg->hash.max_password_bytes + 1) >
			pol->cfg->hash.max_password_bytes) {
			result = wrong_current(pol, req, c, err);
			goto out;
		}
		rc = naccs_hash_verify(&pol->cfg->hash, st.phc, current, &match, &rehash, err);
		if (rc < 0) {
			result = finish(c, req, "check", NACCS_OUT_UNAVAILABLE, "verify-failed",
					err->msg);
			goto out;
		}
		if (!match) {
			result = wrong_current(pol, req, c, err);
			goto out;
		}
	}
	if (too_early(pol, &st, c)) {
		result = finish(c, req, "check", NACCS_OUT_REJECTED, "min-age", NULL);
		goto out;
	}
	memcpy(c->expected_phc, st.phc, sizeof(c->expected_phc));
	result =
	    finish(c, req, "check", NACCS_OUT_ALLOW, root_for_other ? "root" : "password", NULL);
out:
	naccs_wipe(&st, sizeof(st));
	return result;
}

/* Verifying the history: each entry is one full hash computation (~0.1 s
 * and memory_kib at the shipped parameters), so up to HISTORY_WORKERS of
 * them run at once on the machine's cores (memory bounded by that many
 * times the largest entry's), each worker taking the next entry, newest
 * first; all stop at the first match. */
#define HISTORY_WORKERS 4

struct history_job {
	const struct naccs_hash_params *cfg;
	const struct naccs_history_entry *h;
	size_t n;
	const char *pw;
	pthread_mutex_t lock;
	size_t next;
	bool used;
	int rc;
	struct naccs_err err;
};

static void *history_worker(void *arg)
{
	struct history_job *j = arg;

	for (;;) {
		struct naccs_err err;
		bool match = false, rehash = false;
		size_t i;
		int rc;

		pthread_mutex_lock(&j->lock);
		i = j->next++;
		if (j->used || j->rc < 0)
			i = j->n;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->n)
			return NULL;
		naccs_err_clear(&err);
		rc = naccs_hash_verify(j->cfg, j->h[i].phc, j->pw, &match, &rehash, &err);
		pthread_mutex_lock(&j->lock);
		if (rc < 0 && j->rc == 0) {
			j->rc = rc;
			j->err = err;
		}
		if (rc == 0 && match)
			j->used = true;
		pthread_mutex_unlock(&j->lock);
	}
}

static int verify_history(const struct naccs_hash_params *cfg, const struct naccs_history_entry *h,
			  size_t n, const char *pw, bool *used, struct naccs_err *err)
{
	struct history_job j = {.cfg = cfg, .h = h, .n = n, .pw = pw};
	pthread_t tid[HISTORY_WORKERS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t workers = cpus > 1 ? (size_t)cpus : 1, started = 0;

	if (workers > HISTORY_WORKERS)
		workers = HISTORY_WORKERS;
	if (workers > n)
		workers = n;
	pthread_mutex_init(&j.lock, NULL);
	/* Helpers beyond the calling thread; if none can start, the calling
	 * thread does all the work. */
	for (size_t w = 1; w < workers; w++) {
		if (pthread_create(&tid[started], NULL, history_worker, &j) != 0)
			break;
		started++;
	}
	history_worker(&j);
	for (size_t w = 0; w < started; w++)
		pthread_join(tid[w], NULL);
	pthread_mutex_destroy(&j.lock);
	*used = j.used;
	if (j.rc < 0 && !j.used) {
		if (err != NULL)
			*err = j.err;
		naccs_wipe(&j.err, sizeof(j.err));
		return j.rc;
	}
	naccs_wipe(&j.err, sizeof(j.err));
	return 0;
}

int naccs_policy_password_used(struct naccs_policy *pol, const char *login, const char *current_phc,
			       const char *new_password, bool *used, struct naccs_err *err)
{
	size_t max = pol->cfg->password.history, n = 0;
	struct naccs_history_entry *h = NULL;
	bool rehash = false;
	int rc;

	*used = false;
	/* The current hash (when the caller does not know the current
	 * password itself), the commonest reuse. */
	if (current_phc != NULL && current_phc[0] != '\0') {
		rc = naccs_hash_verify(&pol->cfg->hash, current_phc, new_password, used, &rehash,
				       err);
		if (rc < 0 || *used)
			return rc;
	}
	if (max == 0)
		return 0;
	h = calloc(max, sizeof(*h));
	if (h == NULL)
		return naccs_err_set(err, ENOMEM, "%s", _("out of memory"));
	rc = naccs_store_get_history(pol->store, deadline(pol), login, h, max, &n, err);
	/* Each entry is verified with its own algorithm and parameters (the
	 * PHC string says which). */
	if (rc == 0 && n > 0)
		rc = verify_history(&pol->cfg->hash, h, n, new_password, used, err);
	naccs_wipe(h, max * sizeof(*h));
	free(h);
	return rc;
}

static enum naccs_outcome reject(struct naccs_pw_change *c, const struct naccs_request *req,
				 const struct naccs_pw_verdict *v)
{
	c->rule = v->rule;
	say(c, v->message);
	return finish(c, req, "change", NACCS_OUT_REJECTED, rule_name(v->rule), NULL);
}

enum naccs_outcome naccs_policy_password_change(struct naccs_policy *pol,
						const struct naccs_request *req,
						struct naccs_pw_change *c, const char *current,
						const char *new_password, struct naccs_err *err)
{
	struct naccs_pw_verdict v;
	struct naccs_pw_user u;
	struct naccs_event line;
	char line_shown[NACCS_NAME_SHOWN_MAX];
	struct change_line cl = {.ev = &line};
	char phc[NACCS_PHC_MAX];
	bool used = false;
	int rc;

	c->rule = NACCS_PW_OK;
	c->message[0] = '\0';
	if (!c->known || c->expected_phc[0] == '\0')
		return finish(c, req, "change", NACCS_OUT_UNAVAILABLE, "not-checked",
			      "change without a successful check");
	if (new_password == NULL)
		new_password = "";
	naccs_pw_user_from(&c->identity, &u);
	/* UTS-2.2.1.1(1)(e)(ウ): strength, dictionary, blocklist. */
	rc = naccs_pw_check_new(&pol->cfg->password, pol->cfg->hash.max_password_bytes,
				pol->cfg->owner_uid, new_password, strlen(new_password), &u,
				c->root_for_other ? NULL : current, &v, err);
	if (rc > 0)
		return reject(c, req, &v);
	if (rc < 0) {
		c->rule = v.rule;
		say(c, v.message[0] ? v.message : _("The password cannot be checked now."));
		return finish(c, req, "change", NACCS_OUT_UNAVAILABLE, "check-unavailable",
			      err->msg);
	}
	/* UTS-2.2.1.1(1)(g)(オ): none of the last N passwords, nor the current
	 * (a user who typed it was already refused by the "same" rule; root
	 * changing another user's password has only its hash). */
	rc = naccs_policy_password_used(pol, c->identity.login,
					c->root_for_other ? c->expected_phc : NULL, new_password,
					&used, err);
	if (rc < 0)
		return finish(c, req, "change", NACCS_OUT_UNAVAILABLE, "history-failed", err->msg);
	if (used) {
		v.rule = NACCS_PW_HISTORY;
		snprintf(v.message, sizeof(v.message),
			 _("The password was used before: choose one that is not your current "
			   "password or one of your last %lu."),
			 (unsigned long)pol->cfg->password.history);
		return reject(c, req, &v);
	}
	/* No change unrecorded (UTS-2.2.1.4(1)(b)): the trail must take a
	 * line before the store takes the new hash. */
	if (req->trail != NULL && req->trail->audit_fail_deny &&
	    naccs_audit_ready(req->trail, err) < 0) {
		say(c, _("The audit trail cannot be written: the password cannot be changed "
			 "now (the old one is still valid)."));
		return finish(c, req, "change", NACCS_OUT_UNAVAILABLE, "audit-unavailable",
			      err->msg);
	}
	event_of(c, req, "change", NACCS_OUT_ALLOW, "changed", NULL, line_shown, &line);
	rc = naccs_hash_new(&pol->cfg->hash, new_password, phc, err);
	if (rc == 0 && req->trail != NULL)
		naccs_store_set_commit_hook(pol->store, change_line_hook, &cl);
	if (rc == 0)
		rc = naccs_store_change_password(pol->store, deadline(pol), c->identity.login,
						 c->expected_phc, phc, pol->cfg->password.history,
						 c->root_for_other ? "root" : c->identity.login,
						 err);
	naccs_store_set_commit_hook(pol->store, NULL, NULL);
	naccs_wipe(phc, sizeof(phc));
	if (cl.refused) {
		say(c, _("The audit trail cannot be written: the password cannot be changed "
			 "now (the old one is still valid)."));
		return finish(c, req, "change", NACCS_OUT_UNAVAILABLE, "audit-unavailable",
			      err->msg);
	}
	if (rc == -ESTALE) {
		say(c, _("The password was changed by someone else meanwhile; nothing was "
			 "changed. Try again."));
		return finish(c, req, "change", NACCS_OUT_UNAVAILABLE, "changed-meanwhile",
			      err->msg);
	}
	if (rc < 0) {
		say(c, _("The password could not be changed now (the old one is still valid)."));
		return finish(c, req, "change", NACCS_OUT_UNAVAILABLE, "store-write-failed",
			      err->msg);
	}
	say(c, "");
	return finish_as(c, req, "change", NACCS_OUT_ALLOW, "changed", NULL, cl.written);
}
