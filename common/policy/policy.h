/* The one policy layer: may this person log in (auth), may this account be
 * used now (account).  The PAM module turns PAM items into a naccs_request,
 * calls here and maps the outcome to PAM_* codes; naccsctl uses the same
 * store and event code.  Every event of a login (each decision, and the
 * transparent re-hash) leaves this file through one function, report(), so
 * the audit trail sees all of them.  The rules themselves live in their own
 * files: names (policy/resolve.c), hashing (crypto/hash.c), local accounts
 * (index/local.c); this file only orchestrates them. */
#ifndef NACCS_POLICY_H
#define NACCS_POLICY_H

#include <stdbool.h>

#include "config/conf.h"
#include "base/err.h"
#include "policy/outcome.h"
#include "audit/nametag.h"
#include "rules/lockout.h"
#include "rules/password.h"
#include "rules/sessions.h"
#include "store/store.h"

struct naccs_request {
	const char *service;
	const char *user; /* as the application gave it: login or NACCS form */
	const char *tty;
	const char *rhost;
	const char *ruser;
	/* Where the events of this request are recorded: the audit trail of
	 * this configuration (audit/trail.h), and whether a decision that lets
	 * someone in must fail closed when its line cannot be written
	 * ([audit] on_audit_failure, UTS-2.2.1.4(1)(b)).  The PAM module and
	 * naccsctl always set it; NULL (library tests): syslog only. */
	const struct naccs_config *trail;
	/* The request's id (naccsd: the protocol's 16 random bytes), or NULL
	 * (the in-process module).  A failure or success written with an id
	 * is written once: the same request retried after a lost connection
	 * or a restart of naccsd is never counted twice (store/store.h). */
	const uint8_t *request_id;
};

struct naccs_decision {
	enum naccs_outcome outcome;
	bool known;			     /* the user resolved to an identity */
	struct naccs_identity identity;	     /* valid when known */
	char message[NACCS_ERR_MSG_MAX];     /* for the user (translated), or "" */
	bool has_previous;		     /* auth success: state before this login */
	struct naccs_account_state previous; /* (phc wiped) for later notices */
	bool has_notice;		     /* session (or auth with notice_in_auth) */
	struct naccs_login_notice notice;    /* what to tell the user (rules/notice.h) */
	bool session_counted;		     /* session: in the session table */
	struct naccs_session_mark session;   /* its line, for the close */
	bool audit_refused;		     /* UNAVAILABLE because the trail line could not be
						written ([audit] on_audit_failure = deny) */
	bool su_refused;		  /* session: the su rule refused the switch (rules/su.h) */
	bool has_individual;		  /* a switch by an ID: the person behind it */
	struct naccs_identity individual; /* (named in the decision's events) */
	char user_shown[NACCS_NAME_SHOWN_MAX]; /* not known: the name as it may be
						  written (audit/nametag.h) */
	/* auth: a real verification found the password wrong (or the name is
	 * no ID here), and the generation it holds for
	 * (naccs_lockout_generation, read in the failure's transaction):
	 * what a repeat cache may remember (issue #16). */
	bool verified_wrong;
	char generation[NACCS_GENERATION_MAX];
};

struct naccs_policy {
	const struct naccs_config *cfg;
	struct naccs_store *store;
};

/* Open the store named by cfg, read-only when the caller only reads (the
 * account phase). Never migrates. 0, or -errno (store unavailable: fail
 * closed). */
int naccs_policy_open(struct naccs_policy *pol, const struct naccs_config *cfg, bool read_only,
		      struct naccs_err *err);
void naccs_policy_close(struct naccs_policy *pol);

/* Verify password for req->user.  Every attempt costs one hash computation
 * and the same number of store transactions, and gets the same answer as a
 * wrong password, unless the password is right and the ID usable, or the
 * name is no ID here:
 *  - unknown users run a dummy verification with the cost of the store's
 *    typical hash, their attempt is recorded, and the answer is
 *    NACCS_OUT_UNKNOWN ("not mine", as in naccs_policy_account(): the stack
 *    goes on to the machine's own accounts), whatever the password;
 *  - a locked, suspended or retired ID is refused BEFORE its password is
 *    checked, with a dummy verification of its own hash's cost, so the
 *    answer never tells whether a guess was right (auth.show_locked = yes
 *    shows the state instead, whatever the password);
 *  - empty and over-long passwords are refused before any hashing.
 * Every failure is recorded.  On success the login is recorded as the last
 * success and an outdated hash is re-hashed. */
enum naccs_outcome naccs_policy_authenticate(struct naccs_policy *pol,
					     const struct naccs_request *req, const char *password,
					     struct naccs_decision *out, struct naccs_err *err);

/* Before the password prompt of auth: on a service of [su]
 * switch_services, a switch to a shared admin ID by an invoker who may
 * not make it is refused here (NACCS_OUT_DENIED, or NACCS_OUT_UNAVAILABLE
 * when the store fails), with its one event and the user's message: no
 * prompt, nothing counted against anyone (UTS-2.2.1.1(1)(g)(カ), #16).
 * NACCS_OUT_ALLOW for everything else (out cleared):
 * naccs_policy_authenticate decides, and counts an allowed invoker's
 * wrong password against the invoker's own ID, never the target's. */
enum naccs_outcome naccs_policy_auth_gate(struct naccs_policy *pol, const struct naccs_request *req,
					  struct naccs_decision *out, struct naccs_err *err);

/* Account checks that hold however the user authenticated (e.g. SSH key).
 * A name that is no ID here is NACCS_OUT_UNKNOWN (the stack goes on to
 * pam_unix), reported as "ignore", not as a refusal. */
enum naccs_outcome naccs_policy_account(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out, struct naccs_err *err);

/* A decision of type ("auth", "account", "password", "session") when the
 * store cannot be opened, read or written (why: the error), issue 16:
 * NACCS_OUT_NOT_MANAGED for a name the public identity index does not hold
 * (a local account, root: the stack goes on to pam_unix), else
 * NACCS_OUT_UNAVAILABLE (fail closed): a naccs ID, an adopted local account
 * included, or any name when the index is missing or cannot be trusted
 * (index/local.h).  One event, as every decision. */
enum naccs_outcome naccs_policy_unavailable(const struct naccs_config *cfg,
					    const struct naccs_request *req, const char *type,
					    struct naccs_decision *out, const char *why);
/* The same, for the account phase. */
enum naccs_outcome naccs_policy_account_unavailable(const struct naccs_config *cfg,
						    const struct naccs_request *req,
						    struct naccs_decision *out, const char *why);

/* After an account phase (d its decision): on a service of [session]
 * sessionless_services, an ID let in with no change pending, the password
 * login auth noted counts now (a login of any other service counts when
 * its session opens: naccs_policy_session).  Opens the store read-write
 * for that one transaction.  0 (also when there is nothing to record), or
 * -errno: the caller logs it and never refuses for it. */
int naccs_policy_account_login(const struct naccs_config *cfg, const struct naccs_request *req,
			       const struct naccs_decision *d, struct naccs_err *err);

/* A session opens for req->user (UTS-2.2.1.1(1)(g)(イ), (ウ)): the login is
 * recorded if authentication did not (an SSH key), and out->notice says
 * what to tell the user.  NACCS_OUT_UNKNOWN for a name that is no ID here
 * (left to the stack), NACCS_OUT_UNAVAILABLE when the store fails.  With
 * [session] max_sessions_per_id the session is first counted
 * (rules/sessions.h; out->session_counted, out->session): NACCS_OUT_DENIED
 * when the ID has that many live sessions, or when the session table
 * cannot be used (fail closed), with the user's message. */
enum naccs_outcome naccs_policy_session(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out, struct naccs_err *err);

/* How long after a password login its session still counts as that login
 * (seconds): a later session without authentication is another login. */
#define NACCS_SESSION_MAX_AGE 600

/* What the close of an ID's session needs, kept from its open (the PAM
 * module keeps it in the handle). */
struct naccs_session_record {
	char login[NACCS_LOGIN_MAX + 1];
	char user_code[NACCS_CODE_MAX + 1];
	char id_number[NACCS_NUMBER_LEN + 1];
	bool has_individual; /* a switch by an ID: the person behind it */
	char individual_login[NACCS_LOGIN_MAX + 1];
	char individual_user_code[NACCS_CODE_MAX + 1];
	char individual_id_number[NACCS_NUMBER_LEN + 1];
	int64_t opened_at;		/* wall seconds */
	bool counted;			/* in the session table: */
	struct naccs_session_mark mark; /* its line */
};

/* The record of the session d allowed, opened at now. */
void naccs_session_record_from(struct naccs_session_record *r, const struct naccs_decision *d,
			       int64_t now);

/* The session of r closes (a logout): every close of an ID's session is a
 * trail line (UTS-2.2.1.4(1)(a)) with the time, req's service, terminal and
 * host, and its duration in seconds (detail "duration=N"); a counted
 * session's line of the session table is forgotten.  A table error is
 * that line's result ("error") and returned; a line left behind stops
 * counting when its process ends.  A close is never refused: a trail that
 * cannot be written is said in syslog (naccs_event_emit). */
int naccs_policy_session_close(const struct naccs_config *cfg, const struct naccs_request *req,
			       const struct naccs_session_record *r, struct naccs_err *err);

/* The failure/lock generation of req->user now (naccs_lockout_generation;
 * "unknown" for a name that is no ID here).  0, or -errno. */
int naccs_policy_generation(struct naccs_policy *pol, const struct naccs_request *req,
			    char gen[NACCS_GENERATION_MAX], struct naccs_err *err);

/* What keeps st out at now whatever the credential (naccs_state_bars of
 * rules/lockout.h, as an outcome): NACCS_OUT_RETIRED, _SUSPENDED, _LOCKED
 * (in that order) with *reason, or NACCS_OUT_ALLOW.  Auth, account and the
 * password change all ask this one. */
enum naccs_outcome naccs_policy_state_refusal(const struct naccs_account_state *st, int64_t now,
					      const char **reason);

/* ---- password age (UTS-2.2.1.1(1)(c)(ア)) -----------------------------
 * The one computation of a password's expiry, used by the account phase,
 * naccsctl user show and user list --expired (UTS-2.2.1.3(2)(d)). */

/* When the password in st expires under pc: true and *at (seconds since
 * the epoch), or false when it never does (password.max_age_days = 0, or
 * the ID has no password). */
bool naccs_password_expiry(const struct naccs_password_config *pc,
			   const struct naccs_account_state *st, int64_t *at);
/* Past its expiry at now: what the account phase treats as expired (a
 * forced change, or after grace_days a refusal). */
bool naccs_password_expired(const struct naccs_password_config *pc,
			    const struct naccs_account_state *st, int64_t now);

/* ---- the user's password change (policy/password.c) -------------
 * Two steps, as PAM's password type has them:
 *   begin   (PAM_PRELIM_CHECK): is the name an ID here, may it change its
 *           password now (state, minimum age), and is current its password
 *           (current == NULL only when root changes another user's
 *           password: root_for_other, decided by the caller from getuid());
 *   change  (PAM_UPDATE_AUTHTOK): every rule on the new password
 *           (rules/password.h, then the history), then one compare-and-swap
 *           on the hash begin verified.
 * Outcomes: ALLOW; UNKNOWN (no ID here: not ours); BAD_CREDENTIALS (wrong
 * current password, counted as a failure); LOCKED, SUSPENDED, RETIRED;
 * REJECTED (rule in c->rule, message in c->message: ask again);
 * UNAVAILABLE (store, dictionary or blocklist: nothing changed, fail
 * closed).  c->message is the user's message. */

struct naccs_pw_change {
	enum naccs_outcome outcome;
	enum naccs_pw_rule rule;
	bool known;
	struct naccs_identity identity;
	bool root_for_other;
	char expected_phc[NACCS_PHC_MAX]; /* the hash begin verified (CAS) */
	char message[NACCS_ERR_MSG_MAX];
};

/* Only: is req->user an ID here (ALLOW, *id filled), no ID (UNKNOWN), or is
 * the store unavailable (UNAVAILABLE)?  No event: the caller only needs to
 * know whose password it is about to ask for. */
enum naccs_outcome naccs_policy_password_target(struct naccs_policy *pol,
						const struct naccs_request *req,
						struct naccs_identity *id, struct naccs_err *err);
enum naccs_outcome naccs_policy_password_begin(struct naccs_policy *pol,
					       const struct naccs_request *req, bool root_for_other,
					       const char *current, struct naccs_pw_change *c,
					       struct naccs_err *err);
enum naccs_outcome naccs_policy_password_change(struct naccs_policy *pol,
						const struct naccs_request *req,
						struct naccs_pw_change *c, const char *current,
						const char *new_password, struct naccs_err *err);
/* Wipe c (it holds a hash). */
void naccs_pw_change_clear(struct naccs_pw_change *c);

/* The user's data a password must not contain (rules/password.h), from an
 * identity. */
void naccs_pw_user_from(const struct naccs_identity *id, struct naccs_pw_user *u);

/* Is new_password one of the ID's current or last `history` passwords?
 * Verifies the stored hashes (any algorithm or parameters), stopping at the
 * first match.  0 and *used, or -errno. */
int naccs_policy_password_used(struct naccs_policy *pol, const char *login, const char *current_phc,
			       const char *new_password, bool *used, struct naccs_err *err);

#endif
