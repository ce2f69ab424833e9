#include "config.h"

#include <errno.h>
#include <string.h>

#include "base/secret.h"
#include "policy/lockout.h"

/* How many times a success is tried again against a state that changed
 * without barring the ID (each time another login or an unlock raced it). */
#define SUCCESS_TRIES 4

static unsigned retention_seconds(const struct naccs_lockout_rule *rule)
{
	uint64_t s = (uint64_t)rule->retention_days * 86400u;

	return s > UINT32_MAX ? UINT32_MAX : (unsigned)s;
}

void naccs_policy_failure_write(const struct naccs_lockout_rule *rule,
				const struct naccs_identity *id,
				const struct naccs_account_state *seen, int64_t at,
				const uint8_t *request_id, struct naccs_failure_write *w)
{
	bool shared = id->kind == NACCS_KIND_SHARED;
	int64_t from = naccs_lockout_count_from(rule, seen, at);

	memset(w, 0, sizeof(*w));
	w->request_id = request_id;
	w->retain = retention_seconds(rule);
	/* "within fail_interval seconds": at > at - fail_interval. */
	w->window = rule->fail_interval;
	/* The failures before a timed lock that has ended are spent. */
	if (from > at - (int64_t)rule->fail_interval + 1)
		w->not_before = from;
	/* naccs_lockout_reached() with count = lock_at: the rule says whether
	 * this ID can lock now; the store counts. */
	if (!seen->retired && rule->fail_interval != 0 &&
	    naccs_lockout_reached(rule, seen, shared, rule->deny, at))
		w->lock_at = rule->deny;
	naccs_store_stamp_of(seen, &w->expect);
	w->lock_for = (unsigned)(naccs_lockout_until(rule, shared, 0));
	w->reason = NACCS_LOCKOUT_REASON;
	w->actor = NACCS_LOCKOUT_ACTOR;
}

int naccs_policy_count_failure(struct naccs_store *st, naccs_deadline_t dl,
			       const struct naccs_lockout_rule *rule,
			       const struct naccs_identity *id, const struct naccs_login_event *ev,
			       const uint8_t *request_id, struct naccs_account_state *after,
			       struct naccs_err *err)
{
	struct naccs_account_state seen;
	struct naccs_failure_write w;
	struct naccs_login_event at_now;
	int rc;

	if (ev == NULL)
		return naccs_store_append_failure(st, dl, id->login, ev, NULL, after, NULL, err);
	at_now = *ev;
	if (at_now.at == 0)
		at_now.at = naccs_now_wall();
	rc = naccs_store_get_state(st, dl, id->login, &seen, err);
	if (rc < 0)
		return rc;
	naccs_wipe(seen.phc, sizeof(seen.phc));
	naccs_policy_failure_write(rule, id, &seen, at_now.at, request_id, &w);
	rc = naccs_store_append_failure(st, dl, id->login, &at_now, &w, after, NULL, err);
	naccs_wipe(&seen, sizeof(seen));
	return rc;
}

int naccs_policy_note_success(struct naccs_store *st, naccs_deadline_t dl,
			      const struct naccs_lockout_rule *rule, const char *login,
			      const struct naccs_login_event *ev,
			      const struct naccs_account_state *seen, const uint8_t *request_id,
			      struct naccs_account_state *before, struct naccs_err *err)
{
	struct naccs_state_stamp expect;
	struct naccs_success_write w = {.request_id = request_id, .expect = &expect};
	int64_t at = ev != NULL && ev->at != 0 ? ev->at : naccs_now_wall();
	int rc = -ECANCELED;

	w.retain = retention_seconds(rule);
	naccs_store_stamp_of(seen, &expect);
	for (int i = 0; i < SUCCESS_TRIES && rc == -ECANCELED; i++) {
		/* A timed lock seen over is cleared by our own successful check
		 * (nobody else writes it back). */
		w.clear_lock = expect.locked && !naccs_lockout_in_force(seen, at);
		rc = naccs_store_record_success(st, dl, login, ev, &w, before, err);
		/* Changed while the password was checked: locked, suspended or
		 * retired meanwhile gets no success (UTS-2.2.1.1(1)(d)); any
		 * other change, against the state now. */
		if (rc != -ECANCELED || naccs_state_bars(before, at) != 0)
			break;
		naccs_store_stamp_of(before, &expect);
		seen = before;
	}
	return rc;
}
