/* The SQLite backend of the credential store: the user's own password
 * change and the password history.
 *
 * A change is one transaction and a compare-and-swap on the hash the policy
 * verified: if the credential changed meanwhile (another change, an
 * administrator's reset) nothing is written and the answer is -ESTALE, so
 * two concurrent changes cannot both win.  The old hash moves to the history
 * inside the database; hashes pruned from it are erased from the file.  The
 * history read returns stored hashes only: the policy verifies them
 * (UTS-2.2.1.1(1)(g)(オ)). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "store/sqlite/internal.h"

static int read_entry(const struct sq *s, sqlite3_stmt *st, const char *login,
		      struct naccs_history_entry *e, struct naccs_err *err)
{
	const unsigned char *phc = sqlite3_column_text(st, 0);
	int n = sqlite3_column_bytes(st, 0);

	if (sqlite3_column_type(st, 0) != SQLITE_TEXT || phc == NULL || n <= 0 ||
	    n >= NACCS_PHC_MAX || sqlite3_column_type(st, 1) != SQLITE_INTEGER)
		return naccs_err_set(err, EINVAL,
				     _("credential store %s: password_history of '%s': malformed "
				       "row"),
				     s->path, login);
	memcpy(e->phc, phc, (size_t)n);
	e->phc[n] = '\0';
	e->changed_at = sqlite3_column_int64(st, 1);
	return 0;
}

int sq_get_history(void *impl, naccs_deadline_t dl, const char *login,
		   struct naccs_history_entry *out, size_t max, size_t *n, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	sqlite3_stmt *st = NULL;
	int rc = sq_tx_begin(s, dl, false, _("reading the password history"), err);

	*n = 0;
	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT phc, changed_at FROM password_history WHERE identity = ?1 "
				"ORDER BY id DESC LIMIT ?2",
				"ll", meta.id, (int64_t)max);
	while (rc == 0 && *n < max && (rc = sq_step(s, st, err)) > 0) {
		rc = read_entry(s, st, login, &out[*n], err);
		if (rc == 0)
			(*n)++;
	}
	if (rc > 0)
		rc = 0;
	sqlite3_finalize(st);
	return sq_tx_end(s, rc, err);
}

int sq_change_password(void *impl, naccs_deadline_t dl, const char *login, const char *expected,
		       const char *phc, unsigned keep_history, const char *by,
		       struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	int64_t now = naccs_now_wall();
	int changes = 0;
	int rc = sq_tx_begin(s, dl, true, _("changing a password"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_refuse_retired(s, login, &meta, err);
	/* The compare: only the hash that was verified moves to the history. */
	if (rc == 0)
		rc = sq_run(s, &changes, err,
			    "INSERT INTO password_history (identity, phc, changed_at) "
			    "SELECT identity, phc, changed_at FROM credentials "
			    "WHERE identity = ?1 AND phc = ?2",
			    "lt", meta.id, expected);
	if (rc == 0 && changes == 0)
		rc = naccs_err_set(err, ESTALE,
				   _("credential store %s: the password of '%s' changed meanwhile; "
				     "nothing was changed"),
				   s->path, login);
	/* The swap, and the user's own password no longer must change. */
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "UPDATE credentials SET phc = ?2, changed_at = ?3, must_change = 0 "
			    "WHERE identity = ?1",
			    "ltl", meta.id, phc, now);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "DELETE FROM password_history WHERE identity = ?1 AND id NOT IN "
			    "(SELECT id FROM password_history WHERE identity = ?1 "
			    "ORDER BY id DESC LIMIT ?2)",
			    "ll", meta.id, (int64_t)keep_history);
	if (rc == 0)
		rc = sq_registry_add(s, now, login, "password-change", by, "", err);
	rc = sq_tx_end(s, rc, err);
	if (rc == 0)
		sq_erase_old_pages(s); /* the old hash and pruned ones must not linger */
	return rc;
}
