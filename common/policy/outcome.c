/* The names of the outcomes (policy/outcome.h), as debug lines give them. */
#include "config.h"

#include "policy/outcome.h"

const char *naccs_outcome_name(enum naccs_outcome o)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return "allow";
	case NACCS_OUT_BAD_CREDENTIALS:
		return "bad-credentials";
	case NACCS_OUT_UNKNOWN:
		return "unknown";
	case NACCS_OUT_LOCKED:
		return "locked";
	case NACCS_OUT_SUSPENDED:
		return "suspended";
	case NACCS_OUT_RETIRED:
		return "retired";
	case NACCS_OUT_CHANGE_REQUIRED:
		return "change-required";
	case NACCS_OUT_UNAVAILABLE:
		return "unavailable";
	case NACCS_OUT_NOT_MANAGED:
		return "not-managed";
	case NACCS_OUT_REJECTED:
		return "rejected";
	case NACCS_OUT_EXPIRED:
		return "expired";
	case NACCS_OUT_DENIED:
		return "denied";
	}
	return "invalid";
}
