/* Administrative changes as values (issue 18, docs/NACCSD-PLAN.md step 5):
 * one change of an ID's state (lock, unlock, suspend, unsuspend, expire,
 * retire, reset, staff number) or of a group (add, del, member add and
 * remove; admin_group.c), what it is, to whom and with what, apart from
 * who applies it.
 * naccsctl applies one itself when the service is stopped; naccsd applies
 * the one an ADMIN request carries (docs/PROTOCOL.md).  Both call
 * naccs_admin_apply_to, so the rules, the store call, the trail line
 * written in the store's commit hook (a change the trail cannot take is
 * not made, UTS-2.2.1.4(1)(b)) and the events are the same code.
 *
 * A change names no administrator: who applies it is stated apart (struct
 * naccs_admin_who), so that a change can later be kept as a proposal by one
 * administrator and applied by another (not built yet).  Nor does it hold
 * a secret: a reset's one-time password is made when it is applied, and
 * given to the applier only.
 *
 * What is not here: the printing (naccsctl's, from the outcome), the end
 * of an ID's sessions after a suspension or a retirement (naccsctl's
 * user_end_sessions, which must spare its own process tree), and the
 * public index rebuilt after the change (the caller's). */
#ifndef NACCS_POLICY_ADMIN_H
#define NACCS_POLICY_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "config/conf.h"
#include "store/store.h"

enum naccs_admin_op {
	NACCS_ADMIN_LOCK,
	NACCS_ADMIN_UNLOCK,
	NACCS_ADMIN_SUSPEND,
	NACCS_ADMIN_UNSUSPEND,
	NACCS_ADMIN_EXPIRE,
	NACCS_ADMIN_RETIRE,
	NACCS_ADMIN_RESET,	  /* a new one-time password (naccsctl user passwd) */
	NACCS_ADMIN_STAFF_NUMBER, /* whose individual ID it is (naccsctl user staff-number) */
	/* naccsctl group add, del, member add, member remove: the group in
	 * change.group; a member (the ID, resolved as any) in change.target. */
	NACCS_ADMIN_GROUP_ADD,
	NACCS_ADMIN_GROUP_DEL,
	NACCS_ADMIN_GROUP_MEMBER_ADD,
	NACCS_ADMIN_GROUP_MEMBER_REMOVE,
};

/* The group operations (no ID state read or needed but a member's). */
#define NACCS_ADMIN_IS_GROUP(op) ((op) >= NACCS_ADMIN_GROUP_ADD)

/* The longest one-time password a reset makes (naccsctl's CTL_OTP_MAX). */
#define NACCS_ADMIN_OTP_MAX 128

/* The change as a value. */
struct naccs_admin_change {
	enum naccs_admin_op op;
	const char *target; /* the ID as typed: a login or a NACCS form (NULL:
			       group add, del) */
	const char *reason; /* NULL or "": none (suspend requires one; staff-number:
			       the reason to allow a second ID) */
	const char *value;  /* staff-number: the staff number; else NULL */
	bool keep_sessions; /* suspend, retire: leave its sessions running */
	const char *group;  /* group.*: the group's name; else NULL */
	uint32_t gid;	    /* group.add: the gid, 0: the lowest no group ever had in
			       [identity.uid_min, uid_max] (the store's pick: naccsctl
			       picks one itself, skipping the gids NSS knows) */
};

/* Who applies a change, for the store's "by" and the events. */
struct naccs_admin_who {
	const char *actor;   /* the administrator (as the kernel names them) */
	const char *service; /* "naccsctl", "naccsd" */
	const char *claim;   /* what the caller claims (SUDO_USER), or NULL */
};

enum naccs_admin_result {
	NACCS_ADMIN_DONE,
	NACCS_ADMIN_UNCHANGED,	     /* already so: nothing written but the event */
	NACCS_ADMIN_RETIRED,	     /* a retired ID cannot be changed */
	NACCS_ADMIN_ALREADY_RETIRED, /* retire of a retired ID */
	NACCS_ADMIN_NOT_FOUND,	     /* no such ID (naccs_admin_apply only) */
	NACCS_ADMIN_FAILED,	     /* the store refused: outcome.rc, outcome.err */
	NACCS_ADMIN_AUDIT_REFUSED,   /* the trail refused the line: rolled back */
	NACCS_ADMIN_BAD_REQUEST,     /* the change itself is invalid (a missing reason) */
	NACCS_ADMIN_SECOND_ID,	     /* staff-number: the person has an ID already */
	NACCS_ADMIN_NO_GROUP,	     /* group.*: no such group */
};

struct naccs_admin_outcome {
	enum naccs_admin_result result;
	int rc;		      /* NACCS_ADMIN_FAILED: the store's -errno */
	struct naccs_err err; /* FAILED, AUDIT_REFUSED, BAD_REQUEST: why */
	struct naccs_identity id;
	bool ambiguous; /* the typed name was a login and also another's NACCS form */
	/* An event that could not be recorded (the change stands): warn when
	 * on_audit_failure = allow; an error when deny (event_denied). */
	bool event_failed, event_denied;
	char event_msg[NACCS_ERR_MSG_MAX];
	bool end_sessions; /* the caller ends the ID's sessions now (suspend, retire) */
	/* A reset that is done: the one-time password, for the applier to
	 * show once (UTS-2.2.1.3(2)(a)); only its hash reaches the store.  A
	 * secret: wipe the outcome (naccs_wipe) once shown. */
	char otp[NACCS_ADMIN_OTP_MAX + 1];
	uint32_t gid; /* group.add that is done: the gid issued */
};

/* "user.lock" ... and back; NULL / -EINVAL for what is none. */
const char *naccs_admin_op_name(enum naccs_admin_op op);
int naccs_admin_op_parse(const char *name, enum naccs_admin_op *op);
/* The event action: "lock", "unlock", "suspend", ... */
const char *naccs_admin_action(enum naccs_admin_op op);
/* "done", "unchanged", ... (the ADMIN response's admin_result) and back. */
const char *naccs_admin_result_name(enum naccs_admin_result r);
int naccs_admin_result_parse(const char *name, enum naccs_admin_result *r);

/* Apply c to id (resolved, its state in st; both NULL for group add and
 * del) in store db.  0 with the
 * outcome in *out, whatever it is; -errno only when out could not be
 * filled (never). */
int naccs_admin_apply_to(const struct naccs_config *cfg, struct naccs_store *db,
			 const struct naccs_admin_change *c, const struct naccs_admin_who *who,
			 const struct naccs_identity *id, const struct naccs_account_state *st,
			 struct naccs_admin_outcome *out);
/* Resolve c->target (policy/resolve.h), read its state, then as above. */
int naccs_admin_apply(const struct naccs_config *cfg, struct naccs_store *db,
		      const struct naccs_admin_change *c, const struct naccs_admin_who *who,
		      struct naccs_admin_outcome *out);

/* UTS-2.2.1.3(2)(a), UTS-2.2.1.1(1)(e)(イ)(ウ): a new random one-time
 * password for id that meets the password rules (otp, cap bytes) and its
 * hash (phc, NACCS_PHC_MAX bytes): naccsctl user add and a reset.  0, or
 * -errno with the message (both wiped then). */
int naccs_admin_new_otp(const struct naccs_config *cfg, const struct naccs_identity *id, char *otp,
			size_t cap, char *phc, struct naccs_err *err);

/* An administrative event (type "admin") of who: the trail, syslog and the
 * alert (trail_written: the line is in the trail already; trail_only: the
 * trail line alone).  A claim is kept beside the actor in the detail, as
 * an unverified claim.  0 or -errno with err. */
int naccs_admin_event(const struct naccs_config *cfg, const struct naccs_admin_who *who,
		      const char *action, const char *result, const char *reason,
		      const struct naccs_identity *id, const char *login, const char *detail,
		      bool trail_written, bool trail_only, struct naccs_err *err);

#endif
