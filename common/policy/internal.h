/* What the phases of the login decision share (policy.c, auth.c,
 * attempt.c, access.c, account.c, session.c, age.c): the one exit of every decision
 * and the steps more than one phase takes; and what the administrative
 * changes share (admin.c, admin_group.c).  Private to common/policy/; the
 * public API of the phases is policy.h. */
#ifndef NACCS_POLICY_INTERNAL_H
#define NACCS_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"
#include "base/err.h"
#include "base/time.h"
#include "policy/policy.h"

/* ---- policy.c: the decision's core ------------------------------------ */

/* The store's deadline for one step of pol's decision. */
naccs_deadline_t policy_deadline(const struct naccs_policy *pol);
/* Every event of a login leaves through here (trail line and syslog). */
int policy_report(const struct naccs_request *req, struct naccs_event *ev);
/* req->user as it may be written when it is no ID here (audit/nametag.h). */
const char *policy_typed_name(const struct naccs_config *cfg, const struct naccs_request *req,
			      struct naccs_decision *d);
/* The event fields common to every decision about req. */
void policy_event_for(struct naccs_event *ev, const struct naccs_request *req,
		      const struct naccs_decision *d);
/* The single exit for every decision: the outcome, the user's message and
 * the event (st: the ID's state for the message, or NULL). */
enum naccs_outcome policy_decide(struct naccs_decision *d, const struct naccs_request *req,
				 const char *type, enum naccs_outcome outcome, const char *reason,
				 const struct naccs_account_state *st, const char *detail);
/* The login event (time, service, tty, rhost) the store records. */
void policy_login_event(struct naccs_login_event *ev, const struct naccs_request *req);
/* naccs_policy_state_refusal now. */
enum naccs_outcome policy_state_refusal(const struct naccs_account_state *st, const char **reason);

/* ---- attempt.c: what an attempt records ------------------------------ */

/* A failed attempt: counted on the ID (or as one on an unknown name). */
enum naccs_outcome policy_auth_failed(struct naccs_policy *pol, const struct naccs_request *req,
				      struct naccs_decision *out, const char *reason,
				      const struct naccs_account_state *st, struct naccs_err *err);
/* A locked, suspended or retired ID: counted; the answer a wrong
 * password's unless auth.show_locked. */
enum naccs_outcome policy_auth_refused(struct naccs_policy *pol, const struct naccs_request *req,
				       struct naccs_decision *out, enum naccs_outcome refusal,
				       const char *reason, const struct naccs_account_state *st,
				       struct naccs_err *err);
/* A right password: the success recorded, the hash upgraded, the notices. */
enum naccs_outcome policy_auth_succeeded(struct naccs_policy *pol, const struct naccs_request *req,
					 const char *password, bool needs_rehash,
					 const struct naccs_account_state *st,
					 struct naccs_decision *out, struct naccs_err *err);

/* ---- access.c: su and access glue ------------------------------------- */

/* The su verdict on a gated target: NACCS_OUT_ALLOW (allowed, invoker set)
 * or the refusal decided. */
enum naccs_outcome policy_su_gate(struct naccs_policy *pol, const struct naccs_request *req,
				  struct naccs_decision *out, const struct naccs_account_state *st,
				  const char *type, char detail[NACCS_ERR_MSG_MAX],
				  const char **allowed, struct naccs_identity *invoker);
/* The su rule's view of the invoker's state (ctx: the struct naccs_policy). */
const char *policy_invoker_unusable(void *ctx, const struct naccs_account_state *st);
/* An admin ID from the network: only from [access] admin_allowed_networks. */
enum naccs_outcome policy_admin_network(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out,
					const struct naccs_account_state *st);
/* [access] rule_NAME on the ID of out (or the switching person). */
enum naccs_outcome policy_access_windows(struct naccs_policy *pol, const struct naccs_request *req,
					 struct naccs_decision *out,
					 const struct naccs_account_state *st,
					 const struct naccs_identity *invoker,
					 const char *su_detail, struct naccs_err *err);

/* ---- age.c: password age ---------------------------------------------- */

/* Past the maximum age: a forced change or a refusal; near it a warning. */
enum naccs_outcome policy_password_age(const struct naccs_policy *pol,
				       const struct naccs_account_state *st, const char **reason);
/* The user's message for a password-age or must-change outcome. */
void policy_age_message(struct naccs_policy *pol, struct naccs_decision *d,
			const struct naccs_account_state *st, const char *reason);

/* ---- admin.c, admin_group.c: administrative changes ------------------- */

struct naccs_admin_change;
struct naccs_admin_who;
struct naccs_admin_outcome;

/* The change under way: its trail line is written by admin_commit_hook in
 * the store's transaction (UTS-2.2.1.4(1)(b)). */
struct admin_hook {
	const struct naccs_config *cfg;
	const struct naccs_admin_who *who;
	const char *action, *detail;
	const struct naccs_identity *id; /* the ID changed, or NULL */
	const char *login;		 /* else the name the event names (a group) */
	struct naccs_admin_outcome *out;
	bool recorded, refused;
	struct naccs_err refusal; /* the trail's own words, when refused */
};
/* The store's commit hook (arg: struct admin_hook). */
int admin_commit_hook(void *arg, struct naccs_err *err);
/* After the store call (hook unset): the outcome in out and its events. */
int admin_after_store(struct admin_hook *h, int rc, struct naccs_admin_outcome *out);
/* An event whose failure undoes nothing: noted in out. */
int admin_event(const struct naccs_config *cfg, const struct naccs_admin_who *who,
		const char *action, const char *result, const char *reason,
		const struct naccs_identity *id, const char *login, const char *detail,
		struct naccs_admin_outcome *out);
/* A reason as the registry takes it (no ':', clean text, short). */
bool admin_reason_ok(const char *reason);
/* The group operations (admin_group.c); id: the member, resolved. */
int admin_group_apply_to(const struct naccs_config *cfg, struct naccs_store *db,
			 const struct naccs_admin_change *c, const struct naccs_admin_who *who,
			 const struct naccs_identity *id, struct naccs_admin_outcome *out);

#endif
