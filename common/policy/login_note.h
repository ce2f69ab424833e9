/* Which login counts, and which step shows its notices
 * (UTS-2.2.1.1(1)(g)(イ), (ウ); issue #16), over the store's note of the
 * last login (naccs_store_login_note, naccs_store_session_write).  The
 * rule was inside the SQLite backend's session transaction; it is here
 * now, and the store only marks or counts as told, a compare-and-set on
 * the note read. */
#ifndef NACCS_POLICY_LOGIN_NOTE_H
#define NACCS_POLICY_LOGIN_NOTE_H

#include "base/err.h"
#include "base/time.h"
#include "rules/notice.h"
#include "store/store.h"

/* Where in a login naccs_policy_session_login is called.  A login counts
 * (becomes the last success) when its session opens, or, for a service
 * without sessions, when auth and account both succeed with no change
 * pending; a password auth alone only notes it (record_success), so a
 * login given up before (a forced change aborted) never counts (issue
 * #16). */
enum naccs_login_step {
	NACCS_STEP_AUTH_END,	    /* end of a password auth (notice_in_auth): the
				       notices of the login it noted, nothing counted */
	NACCS_STEP_ACCOUNT,	    /* account allowed, no change pending, on a
				       service without sessions: the login auth noted
				       counts now; no notices */
	NACCS_STEP_SESSION,	    /* a session opens: it is the login now (the one
				       auth noted, or another way in: an SSH key) */
	NACCS_STEP_SESSION_COUNTED, /* a session of a service without sessions:
				       the account step counted; notices only */
};

/* One step of a login for login.  If the password auth that led here
 * noted its login at most max_age seconds before ev->at and no session
 * took it yet, this belongs to it.  Otherwise the user came in another way
 * (an SSH key): a session is the login then.  Counting a login never
 * resets the failures that count towards a lock (only our own credential
 * check does).  *out: the previous login and the failures since, where
 * this step shows them (at the session, or at AUTH_END, and then not again
 * at the session).  The note is read, the step decided, and the write
 * made only if the note is still as read (tried again when another step
 * of the same ID changed it meanwhile). */
int naccs_policy_session_login(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev, unsigned max_age,
			       enum naccs_login_step step, struct naccs_login_notice *out,
			       struct naccs_err *err);

#endif
