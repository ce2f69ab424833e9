/* The session type of pam_naccs.so: the login is recorded if
 * authentication did not record it (an SSH key), and the user is told of
 * the last login and the failed attempts since it (UTS-2.2.1.1(1)(g)(イ),
 * (ウ)).  Notices never refuse a session: a store problem is logged and the
 * session goes on (the auth and account types fail closed).  The one
 * refusal here is the optional limit on concurrent sessions per ID
 * ([session] max_sessions_per_id, UTS-2.2.1.2(1)(b)(ア)): over it, or when
 * the session table cannot be used, PAM_SESSION_ERR with a message.  And
 * on a service of [su] switch_services whose user is now a shared admin
 * ID (sudo sets PAM_USER to the run-as user before opening the session),
 * the su rule (UTS-2.2.1.1(1)(g)(カ)): refused with PAM_PERM_DENIED.
 * Every close of an ID's session is a trail line: the logout, with the
 * session's duration (UTS-2.2.1.4(1)(a)). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "policy/policy.h"
#include "rules/sessions.h"
#include "base/time.h"
#include "pam_call.h"
#include "pam_chkpwd.h"
#include "pam_client.h"
#include "pam_prelogin.h"

#define SESSION_DATA "pam_naccs_session"

static void free_counted(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

/* What the close needs (naccs_policy_session_close): the ID, when the
 * session opened, its line of the session table. */
static void remember(pam_handle_t *pamh, const struct naccs_decision *d)
{
	struct naccs_session_record *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return; /* the line stops counting when this process ends */
	naccs_session_record_from(r, d, naccs_now_wall());
	if (pam_set_data(pamh, SESSION_DATA, r, free_counted) != PAM_SUCCESS)
		free(r);
}

/* The in-process open (not inlined: its struct call, ~92 KB, must not be
 * on the stack of a call that goes to naccsd). */
static __attribute__((noinline)) int local_open_session(pam_handle_t *pamh, int flags, int argc,
							const char **argv)
{
	struct call c;
	enum naccs_outcome o;
	int rv;

	/* Neither root nor the store's owner: no configuration or store to
	 * read, nothing this line may decide (it may refuse, #16). */
	if (pam_chkpwd_needed(argc, argv))
		return PAM_IGNORE;
	rv = call_begin(pamh, flags, argc, argv, &c, false, false);

	if (rv != PAM_SUCCESS)
		return call_end(&c, rv == PAM_USER_UNKNOWN ? PAM_IGNORE : rv);
	if (!c.store_open)
		return call_end(&c, PAM_IGNORE);
	o = naccs_policy_session(&c.pol, &c.req, &c.d, &c.err);
	if (c.d.su_refused) {
		/* The su rule on a switch service (sudo sets PAM_USER to the
		 * target only now, naccs_policy_session): PAM_PERM_DENIED,
		 * since sudo runs the command after a PAM_SESSION_ERR. */
		call_report(pamh, &c, "session");
		return call_end(&c, PAM_PERM_DENIED);
	}
	switch (o) {
	case NACCS_OUT_ALLOW:
		prelogin_notices(pamh, &c.o.cfg, c.o.quiet, &c.d);
		rv = PAM_SUCCESS;
		break;
	case NACCS_OUT_DENIED: /* the session limit */
		call_report(pamh, &c, "session");
		rv = PAM_SESSION_ERR;
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
	/* Every session of an ID that goes on is closed with a trail line
	 * (issue 16, item 15). */
	if (c.d.known && (rv == PAM_SUCCESS || rv == PAM_IGNORE))
		remember(pamh, &c.d);
	return call_end(&c, rv);
}

EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* naccsd decides (pam_client_session.c, issue 18), or this process. */
	if (pam_client_wanted(argc, argv))
		return pam_client_open_session(pamh, flags, argc, argv);
	return local_open_session(pamh, flags, argc, argv);
}

static __attribute__((noinline)) int local_close_session(pam_handle_t *pamh, int flags, int argc,
							 const char **argv)
{
	const void *data = NULL;
	struct pam_naccs_opts *o;
	struct naccs_request req;
	struct naccs_err err;
	int rv = PAM_IGNORE;

	if (pam_get_data(pamh, SESSION_DATA, &data) != PAM_SUCCESS || data == NULL)
		return PAM_IGNORE; /* no session of an ID opened here */
	o = malloc(sizeof(*o));
	if (o == NULL)
		return PAM_BUF_ERR;
	naccs_err_clear(&err);
	if (pam_naccs_load_opts(pamh, flags, argc, argv, o) == PAM_SUCCESS) {
		const struct naccs_session_record *r = data;

		memset(&req, 0, sizeof(req));
		pam_call_request_from(pamh, r->login, &req);
		req.trail = &o->cfg;
		if (naccs_policy_session_close(&o->cfg, &req, r, &err) == 0)
			rv = PAM_SUCCESS;
		else
			pam_syslog(pamh, LOG_ERR, "session: not removed from the session table: %s",
				   err.msg);
	}
	free(o);
	/* Closed once: a second close writes nothing. */
	pam_set_data(pamh, SESSION_DATA, NULL, NULL);
	return rv;
}

EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	if (pam_client_wanted(argc, argv))
		return pam_client_close_session(pamh, flags, argc, argv);
	return local_close_session(pamh, flags, argc, argv);
}
