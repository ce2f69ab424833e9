/* The store's entry points of a login: failures, successes, attempts on
 * unknown names, the session's login and the failure list (store/store.h). */
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

/* Both outcomes: the checks of store_enter(), an output for the state and a clean
 * login event, then the backend; on failure no state is left behind. */
static int record_outcome(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			  const struct naccs_login_event *ev, bool success,
			  struct naccs_account_state *state, struct naccs_err *err)
{
	struct naccs_login_event clean;
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && state == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc == 0)
		rc = store_clean_event(ev, &clean, err);
	if (rc < 0)
		return rc;
	if (success)
		rc = st->be->record_success(st->impl, dl, login, &clean, state, err);
	else
		rc = st->be->record_failure(st->impl, dl, login, &clean, state, err);
	if (rc < 0 && rc != -ECANCELED)
		naccs_wipe(state, sizeof(*state));
	return store_finish(rc, err);
}

int naccs_store_record_failure(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev,
			       struct naccs_account_state *after, struct naccs_err *err)
{
	return record_outcome(st, dl, login, ev, false, after, err);
}

int naccs_store_record_success(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev,
			       struct naccs_account_state *before, struct naccs_err *err)
{
	return record_outcome(st, dl, login, ev, true, before, err);
}

int naccs_store_record_unknown_failure(struct naccs_store *st, naccs_deadline_t dl,
				       const char *name, const struct naccs_login_event *ev,
				       unsigned *dropped, struct naccs_err *err)
{
	struct naccs_login_event clean;
	char kept[NACCS_LOGIN_MAX + 1] = "";
	int rc = store_enter(st, &dl, NULL, false, err);

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
	rc = st->be->record_unknown_failure(st->impl, dl, kept, &clean, dropped, err);
	naccs_wipe(kept, sizeof(kept));
	return store_finish(rc, err);
}

int naccs_store_session_login(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			      const struct naccs_login_event *ev, unsigned max_age,
			      enum naccs_login_step step, struct naccs_login_notice *out,
			      struct naccs_err *err)
{
	struct naccs_login_event clean;
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && out == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc == 0)
		rc = store_clean_event(ev, &clean, err);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = st->be->session_login(st->impl, dl, login, &clean, max_age, step, out, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return store_finish(rc, err);
}

int naccs_store_failures(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 int64_t since, naccs_failure_fn cb, void *ctx, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && cb == NULL)
		rc = store_bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->failures(st->impl, dl, login, since, cb, ctx, err), err);
}
