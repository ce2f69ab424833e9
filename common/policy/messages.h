/* What the user is told of an ID's state: one place for each rule's texts,
 * used by the login (policy.c), the password change (password.c) and the
 * caller of naccs_chkpwd (pam_naccs/pam_chkpwd.c), so that every path says
 * the same (UTS-2.2.1.1(1)(d), (g)(ウ)). */
#ifndef NACCS_POLICY_MESSAGES_H
#define NACCS_POLICY_MESSAGES_H

#include <stddef.h>

#include "policy/outcome.h"
#include "rules/lockout.h"

/* A locked ID.  reason: the lock's reason as stored ("": none given), or
 * NULL where the caller knows only the outcome.  Written into buf (cap
 * bytes), which is returned. */
const char *naccs_message_locked(const char *reason, char *buf, size_t cap);
/* A suspended ID; reason as for naccs_message_locked. */
const char *naccs_message_suspended(const char *reason, char *buf, size_t cap);
/* A retired ID. */
const char *naccs_message_retired(void);
/* A password an administrator set, to be changed now. */
const char *naccs_message_must_change(void);

/* The user's text of outcome o, or NULL when it has none here.  st: the
 * ID's state (its reasons), or NULL where the caller knows only the
 * outcome (naccs_chkpwd's answer): then the texts of a forced change, an
 * expired password and an access rule's refusal, which the login's phases
 * otherwise write with their dates and rules. */
const char *naccs_message_state(enum naccs_outcome o, const struct naccs_account_state *st,
				char *buf, size_t cap);

#endif
