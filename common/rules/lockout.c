#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rules/lockout.h"

void naccs_lockout_rule_default(struct naccs_lockout_rule *rule)
{
	memset(rule, 0, sizeof(*rule));
	rule->fail_interval = 900;
	rule->deny_shared = true;
	rule->retention_days = 400;
	rule->unknown_max = 100000;
}

/* UTS-2.2.1.1(1)(g)(ウ): a timed lock ends at lock_until; an administrator's
 * lock (or a lock with unlock_time 0) only by an unlock. */
bool naccs_lockout_in_force(const struct naccs_account_state *st, int64_t now)
{
	return st->locked && (st->lock_until == 0 || now < st->lock_until);
}

unsigned naccs_state_bars(const struct naccs_account_state *st, int64_t now)
{
	return (st->retired ? NACCS_BAR_RETIRED : 0u) | (st->suspended ? NACCS_BAR_SUSPENDED : 0u) |
	       (naccs_lockout_in_force(st, now) ? NACCS_BAR_LOCKED : 0u);
}

void naccs_lockout_generation(const struct naccs_account_state *st, char out[NACCS_GENERATION_MAX])
{
	if (st == NULL) {
		snprintf(out, NACCS_GENERATION_MAX, "unknown");
		return;
	}
	snprintf(out, NACCS_GENERATION_MAX, "mark=%lld locked=%d at=%lld until=%lld pw=%lld",
		 (long long)st->failure_mark, st->locked ? 1 : 0, (long long)st->locked_at,
		 (long long)st->lock_until, (long long)st->password_changed_at);
}

int64_t naccs_lockout_count_from(const struct naccs_lockout_rule *rule,
				 const struct naccs_account_state *st, int64_t now)
{
	/* Failures at or after now - fail_interval + 1: "within fail_interval
	 * seconds" of this one. */
	int64_t from = now - (int64_t)rule->fail_interval + 1;

	if (st->locked && st->lock_until != 0 && st->lock_until <= now && st->lock_until > from)
		from = st->lock_until;
	return from;
}

bool naccs_lockout_reached(const struct naccs_lockout_rule *rule,
			   const struct naccs_account_state *st, bool shared, uint32_t count,
			   int64_t now)
{
	if (rule->deny == 0 || (shared && !rule->deny_shared))
		return false;
	if (naccs_lockout_in_force(st, now))
		return false;
	return count >= rule->deny;
}

int64_t naccs_lockout_until(const struct naccs_lockout_rule *rule, bool shared, int64_t now)
{
	unsigned t = shared ? rule->shared_unlock_time : rule->unlock_time;

	return t == 0 ? 0 : now + (int64_t)t;
}

int64_t naccs_lockout_prune_before(const struct naccs_lockout_rule *rule, int64_t now)
{
	return now - (int64_t)rule->retention_days * 86400;
}
