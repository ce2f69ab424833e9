/* The one policy layer: may this person log in (auth), may this account be
 * used now (account).  The PAM module turns PAM items into a naccs_request,
 * calls here and maps the outcome to PAM_* codes; naccsctl uses the same
 * store and event code.  Every decision is reported through naccs_event_emit
 * from this file only (decide()), so the audit trail sees all of them. */
#ifndef NACCS_POLICY_H
#define NACCS_POLICY_H

#include <stdbool.h>

#include "naccs_config.h"
#include "naccs_err.h"
#include "naccs_store.h"

struct naccs_request {
	const char *service;
	const char *user; /* as the application gave it: login or NACCS form */
	const char *tty;
	const char *rhost;
	const char *ruser;
};

enum naccs_outcome {
	NACCS_OUT_ALLOW = 0,
	NACCS_OUT_BAD_CREDENTIALS, /* wrong password, or unknown user: one answer */
	NACCS_OUT_UNKNOWN,	   /* account phase: no such ID */
	NACCS_OUT_LOCKED,
	NACCS_OUT_SUSPENDED,
	NACCS_OUT_RETIRED,
	NACCS_OUT_CHANGE_REQUIRED,
	NACCS_OUT_UNAVAILABLE, /* store or resources unavailable: fail closed */
};

struct naccs_decision {
	enum naccs_outcome outcome;
	bool known;			     /* the user resolved to an identity */
	struct naccs_identity identity;	     /* valid when known */
	char message[NACCS_ERR_MSG_MAX];     /* for the user (translated), or "" */
	bool has_previous;		     /* auth success: state before this login */
	struct naccs_account_state previous; /* (phc wiped) for later notices */
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

/* Resolve a name as given (canonical login or NACCS form ABCDE001 / ABCDE-001,
 * any case) to an identity. 0, -ENOENT, -EINVAL (not a valid name), or an
 * unavailable -errno. */
int naccs_policy_resolve(struct naccs_policy *pol, const char *name, struct naccs_identity *out,
			 struct naccs_err *err);

/* Verify password for req->user. Unknown users run a dummy verification of
 * the same cost and get the same answer as a wrong password. On success the
 * login is recorded as the last success and an outdated hash is re-hashed. */
enum naccs_outcome naccs_policy_authenticate(struct naccs_policy *pol,
					     const struct naccs_request *req, const char *password,
					     struct naccs_decision *out, struct naccs_err *err);

/* Account checks that hold however the user authenticated (e.g. SSH key). */
enum naccs_outcome naccs_policy_account(struct naccs_policy *pol, const struct naccs_request *req,
					struct naccs_decision *out, struct naccs_err *err);

const char *naccs_outcome_name(enum naccs_outcome o);

#endif
