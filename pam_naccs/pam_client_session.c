/* pam_sm_open_session and pam_sm_close_session through naccsd
 * (pam_client.h; docs/PROTOCOL.md "Sessions"), as pam_session.c decides
 * them in-process: SESSION_OPEN records the login and answers the notices
 * (last login, failures since: UTS-2.2.1.1(1)(g)(イ), (ウ)) as info lines,
 * the su rule on a switch service (UTS-2.2.1.1(1)(g)(カ)) and the session
 * limit ([session] max_sessions_per_id, UTS-2.2.1.2(1)(b)(ア)); its session
 * mark is kept in the handle (pam_set_data) for SESSION_CLOSE, the logout's
 * trail line (UTS-2.2.1.4(1)(a)).
 *
 * naccsd out of reach at the open: nothing can record the session of an
 * ID, so the identity index decides as for every other phase (issue 18):
 * a naccs ID fails closed (PAM_SESSION_ERR, as its account check does; on
 * a switch service the su rule cannot be checked either), any other name
 * is not ours (PAM_IGNORE).  In-process, a store that cannot be opened
 * refused no session; here the store's own failure is still naccsd's
 * answer NOT_MANAGED, and the session goes on.  A close never refuses:
 * without naccsd the logout line is lost, and logged.
 *
 * Sessions are a root peer's (sshd, login, su, sudo): a process that is
 * not root has no session of an ID to record (PAM_IGNORE, as in-process). */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "policy/policy.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "pam_client.h"

/* Not pam_session.c's key: a handle holds one or the other. */
#define MARK_KEY "pam_naccs_session_mark"

/* The session mark as SESSION_OPEN returned it. */
struct mark {
	size_t len;
	uint8_t bytes[];
};

static void free_mark(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

/* The answer's mark into the handle.  Without memory the session goes on
 * without its close, as in-process. */
static void keep_mark(struct client *c)
{
	const uint8_t *p = NULL;
	struct mark *k;
	size_t n = 0;

	if (naccs_msg_get_bytes(c->m, NACCS_TAG_SESSION_MARK_OUT, &p, &n) < 0 || n == 0)
		return;
	k = malloc(sizeof(*k) + n);
	if (k == NULL) {
		pam_syslog(c->pamh, LOG_ERR, "session: no memory for its mark: no logout line");
		return;
	}
	k->len = n;
	memcpy(k->bytes, p, n);
	if (pam_set_data(c->pamh, MARK_KEY, k, free_mark) != PAM_SUCCESS)
		free(k);
}

/* SESSION_OPEN's outcome as docs/PROTOCOL.md "Sessions" maps it. */
static int open_code(enum naccs_outcome o)
{
	switch (o) {
	case NACCS_OUT_ALLOW:
		return PAM_SUCCESS;
	case NACCS_OUT_DENIED: /* the su rule: sudo runs on after SESSION_ERR */
		return PAM_PERM_DENIED;
	case NACCS_OUT_REJECTED:    /* the session limit, or its table */
	case NACCS_OUT_UNAVAILABLE: /* the trail cannot take the line */
		return PAM_SESSION_ERR;
	default: /* NOT_MANAGED (the store failed), UNKNOWN (not ours) */
		return PAM_IGNORE;
	}
}

int pam_client_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct client c;
	enum reach r;
	int rv = client_begin(&c, pamh, flags, argc, argv, PHASE_SESSION);

	if (rv != PAM_SUCCESS)
		return client_end(&c, rv == PAM_USER_UNKNOWN ? PAM_IGNORE : rv);
	if (!c.root)
		return client_end(&c, PAM_IGNORE);
	r = client_exchange(&c, NACCS_MSG_SESSION_OPEN, NULL);
	if (r != REACH_ANSWERED)
		return client_end(&c, client_fallback(&c, "session", r == REACH_BUSY) ==
					      NACCS_OUT_NOT_MANAGED
					  ? PAM_IGNORE
					  : PAM_SESSION_ERR);
	rv = open_code(c.outcome);
	client_show(&c);
	/* Every session of an ID that goes on is closed with a trail line
	 * (issue 16, item 15): naccsd sends the mark when it does. */
	if (rv == PAM_SUCCESS || rv == PAM_IGNORE)
		keep_mark(&c);
	return client_end(&c, rv);
}

int pam_client_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const struct mark *k;
	const void *data = NULL;
	struct client c;
	struct client_req x = {0};
	enum reach r;
	int rv;

	if (pam_get_data(pamh, MARK_KEY, &data) != PAM_SUCCESS || data == NULL)
		return PAM_IGNORE; /* no session of an ID opened here */
	k = data;
	x.mark = k->bytes;
	x.mark_len = k->len;
	rv = client_begin(&c, pamh, flags, argc, argv, PHASE_SESSION);
	if (rv == PAM_SUCCESS) {
		r = client_exchange(&c, NACCS_MSG_SESSION_CLOSE, &x);
		if (r == REACH_ANSWERED && c.outcome == NACCS_OUT_ALLOW)
			rv = PAM_SUCCESS;
		else if (r == REACH_ANSWERED)
			pam_syslog(pamh, LOG_ERR, "session close: naccsd answered %s",
				   c.outcome == NACCS_OUT_DENIED ? "that the mark is not its own"
								 : "that the table failed");
		else
			pam_syslog(pamh, LOG_ERR, "session close: no logout line: naccsd %s",
				   r == REACH_BUSY ? "busy" : "unreachable");
		if (r != REACH_ANSWERED || c.outcome != NACCS_OUT_ALLOW)
			rv = PAM_IGNORE;
	} else {
		rv = PAM_IGNORE;
	}
	/* Closed once: a second close writes nothing (the mark freed). */
	pam_set_data(pamh, MARK_KEY, NULL, NULL);
	return client_end(&c, rv);
}
