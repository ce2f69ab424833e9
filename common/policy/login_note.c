#include "config.h"

#include <errno.h>
#include <string.h>

#include "policy/login_note.h"

/* How many times a step is decided again after the note changed under it. */
#define STEP_TRIES 4

/* What step does with note: 0 nothing to write (*out set), 1 write
 * *action with *pending. */
static int decide(const struct naccs_login_note *note, int64_t at, unsigned max_age,
		  enum naccs_login_step step, enum naccs_note_action *action, int *pending)
{
	/* The password login auth noted, not yet taken by a session. */
	bool noted = note->exists && (note->pending == 1 || note->pending == 2) &&
		     at >= note->recorded_at && at - note->recorded_at <= (int64_t)max_age;

	switch (step) {
	case NACCS_STEP_AUTH_END: /* its notices now, none at its session */
		*action = NACCS_NOTE_MARK;
		*pending = 2;
		return noted && note->pending == 1;
	case NACCS_STEP_ACCOUNT: /* a service without sessions: it counts now */
		*action = NACCS_NOTE_COUNT;
		*pending = note->pending;
		return noted;
	case NACCS_STEP_SESSION_COUNTED: /* counted by the account step */
		*action = NACCS_NOTE_MARK;
		*pending = 0;
		return noted && note->pending == 1;
	case NACCS_STEP_SESSION:
		/* The login now: the one auth noted, or another way in (an
		 * SSH key). */
		*action = NACCS_NOTE_COUNT;
		*pending = 0;
		return 1;
	}
	return 0;
}

/* What step shows: the notices of the note read (marks) or written
 * (counts); none at ACCOUNT, none at a session when auth showed them. */
static void shown(const struct naccs_login_note *read, const struct naccs_login_note *written,
		  int64_t at, unsigned max_age, enum naccs_login_step step,
		  struct naccs_login_notice *out)
{
	bool noted = read->exists && read->pending == 2 && at >= read->recorded_at &&
		     at - read->recorded_at <= (int64_t)max_age;

	memset(out, 0, sizeof(*out));
	if (step == NACCS_STEP_AUTH_END || step == NACCS_STEP_SESSION_COUNTED)
		*out = read->notice;
	else if (step == NACCS_STEP_SESSION && !noted)
		*out = written->notice;
}

int naccs_policy_session_login(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev, unsigned max_age,
			       enum naccs_login_step step, struct naccs_login_notice *out,
			       struct naccs_err *err)
{
	struct naccs_login_note note, after;
	struct naccs_login_event now;
	enum naccs_note_action action;
	int pending, rc = -ESTALE;

	memset(out, 0, sizeof(*out));
	memset(&note, 0, sizeof(note));
	if (ev == NULL)
		return naccs_store_session_write(st, dl, login, ev, &note, NACCS_NOTE_MARK, 0,
						 &after, err);
	now = *ev;
	if (now.at == 0)
		now.at = naccs_now_wall();
	for (int i = 0; i < STEP_TRIES && rc == -ESTALE; i++) {
		rc = naccs_store_login_note(st, dl, login, &note, err);
		if (rc < 0)
			return rc;
		if (!decide(&note, now.at, max_age, step, &action, &pending))
			return 0;
		rc = naccs_store_session_write(st, dl, login, &now, &note, action, pending, &after,
					       err);
	}
	if (rc == 0)
		shown(&note, &after, now.at, max_age, step, out);
	return rc;
}
