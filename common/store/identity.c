/* The store's entry points for identities: look-ups, state, the changes
 * of naccsctl, passwords and their history (store/store.h). */
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

int naccs_store_find(struct naccs_store *st, naccs_deadline_t dl, const char *login,
		     struct naccs_identity *out, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && out == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return store_checked_identity(st->be->find(st->impl, dl, login, out, err), out, err);
}

int naccs_store_find_by_user_id(struct naccs_store *st, naccs_deadline_t dl,
				const struct naccs_user_id *uid_pair, struct naccs_identity *out,
				struct naccs_err *err)
{
	struct naccs_user_id norm;
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && (uid_pair == NULL || out == NULL))
		rc = store_bad_arg(err, _("no NACCS user ID or no output"));
	/* Any case is accepted; the store holds the upper-case form. */
	if (rc == 0)
		rc = store_normal_pair(uid_pair, &norm, err);
	if (rc < 0)
		return rc;
	return store_checked_identity(st->be->find_by_user_id(st->impl, dl, &norm, out, err), out,
				      err);
}

int naccs_store_find_by_uid(struct naccs_store *st, naccs_deadline_t dl, uint32_t uid,
			    struct naccs_identity *out, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && out == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return store_checked_identity(st->be->find_by_uid(st->impl, dl, uid, out, err), out, err);
}

int naccs_store_get_state(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			  struct naccs_account_state *out, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && out == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	rc = st->be->get_state(st->impl, dl, login, out, err);
	if (rc == 0 && out->has_password && !store_phc_ok(out->phc))
		rc = naccs_err_set(err, EINVAL,
				   _("credential store: malformed credential of '%s' (not a PHC "
				     "string)"),
				   login);
	if (rc < 0)
		naccs_wipe(out, sizeof(*out));
	return store_finish(rc, err);
}

int naccs_store_find_name(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			  const struct naccs_user_id *pair, struct naccs_name_match *out,
			  struct naccs_err *err)
{
	struct naccs_user_id norm;
	int rc = store_enter(st, &dl, login, login != NULL, err);

	if (rc == 0 && out == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc == 0 && pair != NULL)
		rc = store_normal_pair(pair, &norm, err);
	if (rc < 0)
		return rc;
	rc = st->be->find_name(st->impl, dl, login, pair != NULL ? &norm : NULL, out, err);
	if (rc == 0 && out->by_login_found)
		rc = store_check_stored_identity(&out->by_login, err);
	if (rc == 0 && out->by_pair_found)
		rc = store_check_stored_identity(&out->by_pair, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return store_finish(rc, err);
}

int naccs_store_typical_hash(struct naccs_store *st, naccs_deadline_t dl,
			     char params[NACCS_PHC_MAX], struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && params == NULL)
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	rc = st->be->typical_hash(st->impl, dl, params, err);
	/* Only the start of a PHC string: "$alg$...$" in printable ASCII. */
	if (rc == 0 && params[0] != '\0' &&
	    (!store_phc_ok(params) || params[strlen(params) - 1] != '$'))
		rc = naccs_err_set(err, EINVAL,
				   _("credential store: malformed typical hash parameters"));
	if (rc < 0)
		params[0] = '\0';
	return store_finish(rc, err);
}

int naccs_store_add_identity(struct naccs_store *st, naccs_deadline_t dl, struct naccs_identity *id,
			     uint32_t uid_min, uint32_t uid_max, const char *phc, bool must_change,
			     const char *issued_by, const char *issued_to, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = store_check_new_identity(id, uid_min, uid_max, err);
	if (rc == 0)
		rc = store_check_phc(phc, err);
	if (rc == 0)
		rc = store_check_actor(issued_by, err);
	if (rc == 0)
		rc = store_check_reason(issued_to, err);
	if (rc < 0)
		return rc;
	return store_finish(st->be->add_identity(st->impl, dl, id, uid_min, uid_max, phc,
						 must_change, issued_by,
						 issued_to != NULL ? issued_to : "", err),
			    err);
}

int naccs_store_set_password(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			     const char *phc, bool must_change, unsigned keep_history,
			     const char *event, const char *by, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = store_check_phc(phc, err);
	if (rc == 0 && !store_event_ok(event))
		rc = store_bad_arg(err, _("invalid registry event name"));
	if (rc == 0)
		rc = store_check_actor(by, err);
	if (rc < 0)
		return rc;
	return store_finish(st->be->set_password(st->impl, dl, login, phc, must_change,
						 keep_history, event, by, err),
			    err);
}

int naccs_store_replace_hash(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			     const char *old_phc, const char *new_phc, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = store_check_phc(old_phc, err);
	if (rc == 0)
		rc = store_check_phc(new_phc, err);
	if (rc < 0)
		return rc;
	return store_finish(st->be->replace_hash(st->impl, dl, login, old_phc, new_phc, err), err);
}

int naccs_store_set_flag(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 enum naccs_flag flag, bool on, const char *reason, const char *by,
			 struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && flag != NACCS_FLAG_LOCKED && flag != NACCS_FLAG_SUSPENDED &&
	    flag != NACCS_FLAG_MUST_CHANGE)
		rc = store_bad_arg(err, _("unknown flag"));
	if (rc == 0)
		rc = store_check_reason(reason, err);
	if (rc == 0)
		rc = store_check_actor(by, err);
	if (rc < 0)
		return rc;
	return store_finish(
	    st->be->set_flag(st->impl, dl, login, flag, on, reason != NULL ? reason : "", by, err),
	    err);
}

int naccs_store_retire(struct naccs_store *st, naccs_deadline_t dl, const char *login,
		       const char *reason, const char *by, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = store_check_reason(reason, err);
	if (rc == 0)
		rc = store_check_actor(by, err);
	if (rc < 0)
		return rc;
	return store_finish(
	    st->be->retire(st->impl, dl, login, reason != NULL ? reason : "", by, err), err);
}

/* ---- uids ------------------------------------------------------------ */

int naccs_store_next_free_uid(struct naccs_store *st, naccs_deadline_t dl, uint32_t from,
			      uint32_t max, uint32_t *uid, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, NULL, false, err);

	if (rc == 0 && uid == NULL)
		rc = store_bad_arg(err, _("no output"));
	/* The same range rule as allocation in add_identity: never uid 0 and
	 * never the "no uid" value. */
	if (rc == 0 && (from == 0 || from > max || max == NACCS_UID_ALLOCATE))
		rc = store_bad_arg(err, _("invalid uid range for allocation"));
	if (rc < 0)
		return rc;
	return store_finish(st->be->next_free_uid(st->impl, dl, from, max, uid, err), err);
}

/* ---- the user's own change ------------------------------------------- */

int naccs_store_get_history(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			    struct naccs_history_entry *out, size_t max, size_t *n,
			    struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && (n == NULL || (out == NULL && max > 0)))
		rc = store_bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	*n = 0;
	if (max == 0)
		return 0;
	rc = st->be->get_history(st->impl, dl, login, out, max, n, err);
	for (size_t i = 0; rc == 0 && i < *n; i++) {
		if (!store_phc_ok(out[i].phc))
			rc = naccs_err_set(err, EINVAL,
					   _("credential store: a history hash of '%s' is not a "
					     "PHC string"),
					   login);
	}
	if (rc < 0) {
		naccs_wipe(out, max * sizeof(*out));
		*n = 0;
	}
	return store_finish(rc, err);
}

int naccs_store_change_password(struct naccs_store *st, naccs_deadline_t dl, const char *login,
				const char *expected, const char *phc, unsigned keep_history,
				const char *by, struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = store_check_phc(expected, err);
	if (rc == 0)
		rc = store_check_phc(phc, err);
	if (rc == 0)
		rc = store_check_actor(by, err);
	if (rc < 0)
		return rc;
	return store_finish(
	    st->be->change_password(st->impl, dl, login, expected, phc, keep_history, by, err),
	    err);
}

int naccs_store_set_staff_number(struct naccs_store *st, naccs_deadline_t dl, const char *login,
				 const char *staff_number, const char *allow_reason, const char *by,
				 struct naccs_err *err)
{
	int rc = store_enter(st, &dl, login, true, err);

	if (rc == 0 && !naccs_store_staff_number_ok(staff_number))
		rc = store_bad_arg(err, _("invalid staff number (printable, at most 32 bytes)"));
	if (rc == 0 && allow_reason != NULL &&
	    !store_text_ok(allow_reason, NACCS_SECOND_ID_MAX + 1))
		rc = store_bad_arg(
		    err, _("invalid reason for a second ID (printable, at most 192 bytes)"));
	if (rc == 0)
		rc = store_check_actor(by, err);
	if (rc < 0)
		return rc;
	return store_finish(st->be->set_staff_number(st->impl, dl, login, staff_number,
						     allow_reason != NULL ? allow_reason : "", by,
						     err),
			    err);
}
