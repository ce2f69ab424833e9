/* The store's entry points of a login: failures, successes, attempts on
 * unknown names, the session's login and the failure pages
 * (store/store.h), and the compare-and-set stamps. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/nametag.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "base/text.h"
#include "store/backend.h"
#include "store/internal.h"
#include "store/store.h"

/* ---- login outcomes -------------------------------------------------- */

void naccs_store_stamp_of(const struct naccs_account_state *st, struct naccs_state_stamp *out)
{
	memset(out, 0, sizeof(*out));
	out->locked = st->locked;
	out->locked_at = st->locked_at;
	out->lock_until = st->lock_until;
	out->suspended = st->suspended;
	out->suspended_at = st->suspended_at;
	out->retired = st->retired;
}

bool naccs_store_stamp_same(const struct naccs_state_stamp *a, const struct naccs_state_stamp *b,
			    bool lock_only)
{
	if (a->locked != b->locked || a->locked_at != b->locked_at ||
	    a->lock_until != b->lock_until || a->retired != b->retired)
		return false;
	return lock_only || (a->suspended == b->suspended && a->suspended_at == b->suspended_at);
}

/* Both outcomes: the checks of store_enter(), an output for the state and a
 * clean login event. */
static int outcome_enter(struct naccs_store *st, naccs_deadline_t *dl, const char *login,
			 const struct naccs_login_event *ev, struct naccs_login_event *clean,
			 const void *state, struct naccs_err *err)
{
	int rc = store_enter(st, dl, login, true, err);

	if (rc == 0 && state == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc == 0)
		rc = store_clean_event(ev, clean, err);
	return rc;
}

int naccs_store_append_failure(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev,
			       const struct naccs_failure_write *w,
			       struct naccs_account_state *after, uint32_t *count,
			       struct naccs_err *err)
{
	struct naccs_login_event clean;
	int rc = outcome_enter(st, &dl, login, ev, &clean, after, err);

	if (rc == 0 && w != NULL && w->lock_at != 0)
		rc = store_check_reason(w->reason, err);
	if (rc == 0 && w != NULL && w->lock_at != 0)
		rc = store_check_actor(w->actor, err);
	if (count != NULL)
		*count = 0;
	if (rc < 0)
		return rc;
	rc = st->be->append_failure(st->impl, dl, login, &clean, w, after, count, err);
	if (rc < 0)
		naccs_wipe(after, sizeof(*after));
	return store_finish(rc, err);
}

/* On -ECANCELED *before stays: it says what changed. */
int naccs_store_record_success(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev,
			       const struct naccs_success_write *w,
			       struct naccs_account_state *before, struct naccs_err *err)
{
	struct naccs_login_event clean;
	int rc = outcome_enter(st, &dl, login, ev, &clean, before, err);

	if (rc == 0 && w != NULL && w->clear_lock && w->expect == NULL)
		rc = store_bad_arg(err, _("clearing a lock without the state it was read in"));
	if (rc < 0)
		return rc;
	rc = st->be->record_success(st->impl, dl, login, &clean, w, before, err);
	if (rc < 0 && rc != -ECANCELED)
		naccs_wipe(before, sizeof(*before));
	return store_finish(rc, err);
}

int naccs_store_append_unknown_failure(struct naccs_store *st, naccs_deadline_t dl,
				       const char *name, const struct naccs_login_event *ev,
				       unsigned keep_max, unsigned retain, unsigned *dropped,
				       struct naccs_err *err)
{
	struct naccs_login_event clean;
	char kept[NACCS_LOGIN_MAX + 1] = "";
	int rc = store_enter(st, &dl, NULL, false, err);

	if (dropped != NULL)
		*dropped = 0;
	if (rc == 0)
		rc = store_clean_event(ev, &clean, err);
	if (rc < 0)
		return rc;
	/* Only a name as it may be written (audit/nametag.h: an account of
	 * the system, or a tag) is kept: users sometimes type their password
	 * into the name field, and it must not be stored. */
	if (name != NULL && strnlen(name, sizeof(kept)) < sizeof(kept) &&
	    (naccs_name_is_tag(name) || naccs_name_is_account(name)))
		snprintf(kept, sizeof(kept), "%s", name);
	rc = st->be->append_unknown_failure(st->impl, dl, kept, &clean, keep_max, retain, dropped,
					    err);
	naccs_wipe(kept, sizeof(kept));
	return store_finish(rc, err);
}

int naccs_store_login_note(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			   struct naccs_login_note *out, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && out == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	rc = st->be->login_note(st->impl, dl, login, out, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return store_finish(rc, err);
}

int naccs_store_session_write(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			      const struct naccs_login_event *ev,
			      const struct naccs_login_note *expect, enum naccs_note_action action,
			      int pending, struct naccs_login_note *out, struct naccs_err *err)
{
	struct naccs_login_event clean;
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && (out == NULL || expect == NULL))
		rc = store_bad_arg(err, _("no output"));
	if (rc == 0 && (pending < 0 || pending > 2 ||
			(action != NACCS_NOTE_MARK && action != NACCS_NOTE_COUNT)))
		rc = store_bad_arg(err, _("bad session step"));
	if (rc == 0)
		rc = store_clean_event(ev, &clean, err);
	if (rc < 0)
		return rc;
	rc = st->be->session_write(st->impl, dl, login, &clean, expect, action, pending, out, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return store_finish(rc, err);
}

int naccs_store_failure_page(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			     int64_t since, struct naccs_failure_cursor *cursor,
			     struct naccs_login_event *out, size_t max, size_t *n,
			     struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (n != NULL)
		*n = 0;
	if (rc == 0 && (cursor == NULL || out == NULL || n == NULL || max == 0))
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return store_finish(
	    st->be->failure_page(st->impl, dl, login, since, cursor, out, max, n, err), err);
}

/* Failures per page of naccs_store_failures. */
#define FAILURE_PAGE 32

int naccs_store_failures(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 int64_t since, naccs_failure_fn cb, void *ctx, struct naccs_err *err)
{
	struct naccs_failure_cursor cursor = {0, 0};
	struct naccs_login_event page[FAILURE_PAGE];
	size_t n = FAILURE_PAGE;
	int rc = cb == NULL ? store_bad_arg(err, _("no callback")) : 0;

	while (rc == 0 && n == FAILURE_PAGE) {
		rc = naccs_store_failure_page(st, dl, login, since, &cursor, page, FAILURE_PAGE, &n,
					      err);
		for (size_t i = 0; rc == 0 && i < n; i++)
			if (cb(ctx, &page[i]) != 0)
				return 0;
	}
	return rc;
}
