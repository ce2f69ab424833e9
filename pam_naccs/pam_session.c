/* The session type of pam_naccs.so: the login is recorded if
 * authentication did not record it (an SSH key), and the user is told of
 * the last login and the failed attempts since it (UTS-2.2.1.1(1)(g)(イ),
 * (ウ)).  Notices never refuse a session: a store problem is logged and the
 * session goes on (the auth and account types fail closed). */
#include "config.h"

#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "naccs_policy.h"
#include "pam_call.h"

EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct call c;
	int rv = call_begin(pamh, flags, argc, argv, &c, false, false);

	if (rv != PAM_SUCCESS)
		return call_end(&c, rv == PAM_USER_UNKNOWN ? PAM_IGNORE : rv);
	if (!c.store_open)
		return call_end(&c, PAM_IGNORE);
	switch (naccs_policy_session(&c.pol, &c.req, &c.d, &c.err)) {
	case NACCS_OUT_ALLOW:
		call_notices(pamh, &c);
		rv = PAM_SUCCESS;
		break;
	case NACCS_OUT_UNAVAILABLE:
		/* No session without its trail line (UTS-2.2.1.4(1)(b):
		 * on_audit_failure = deny); a store failure alone is not
		 * the session's to refuse. */
		if (c.d.audit_refused) {
			rv = PAM_SESSION_ERR;
			break;
		}
		pam_syslog(pamh, LOG_ERR, "session: login not recorded: %s", c.err.msg);
		rv = PAM_IGNORE;
		break;
	default: /* no ID here: not ours */
		rv = PAM_IGNORE;
		break;
	}
	return call_end(&c, rv);
}

EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}
