/* The outcome of a decision of the policy layer (policy/policy.h): what
 * every phase returns, the adapters translate (pam_naccs/ to PAM_*), the
 * messages (policy/messages.h) speak about, and its name in debug lines. */
#ifndef NACCS_POLICY_OUTCOME_H
#define NACCS_POLICY_OUTCOME_H

enum naccs_outcome {
	NACCS_OUT_ALLOW = 0,
	NACCS_OUT_BAD_CREDENTIALS, /* wrong password (or a refused state) of an ID */
	NACCS_OUT_UNKNOWN,	   /* no such ID here: "not mine", left to the stack */
	NACCS_OUT_LOCKED,
	NACCS_OUT_SUSPENDED,
	NACCS_OUT_RETIRED,
	NACCS_OUT_CHANGE_REQUIRED,
	NACCS_OUT_UNAVAILABLE, /* store or resources unavailable: fail closed */
	NACCS_OUT_NOT_MANAGED, /* store unavailable: a name the identity index does
				  not hold, left to the stack (index/local.h) */
	NACCS_OUT_REJECTED,    /* password change: the new password broke a rule,
				  or it is too early to change (minimum age) */
	NACCS_OUT_EXPIRED,     /* account: password expired and the grace period over */
	NACCS_OUT_DENIED,      /* account: an access rule refuses (a shared admin ID
				  logged in directly, an su not allowed: rules/su.h) */
};

const char *naccs_outcome_name(enum naccs_outcome o);

#endif
