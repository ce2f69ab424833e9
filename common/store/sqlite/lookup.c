/* The SQLite backend of the credential store: what resolving a typed name
 * and an unknown user's dummy verification read.
 *
 * A name as a person typed it may be a login or a NACCS user ID; both
 * readings are looked up in one read transaction, so resolving any name
 * costs one transaction whatever its form or whether it exists.  The
 * typical hash parameters come from the hash_params table that triggers
 * keep (schema version 3). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "store/sqlite/internal.h"

int sq_identity_by_user_id(struct sq *s, const struct naccs_user_id *u, struct naccs_identity *id,
			   struct sq_ident_meta *meta, struct naccs_err *err)
{
	sqlite3_stmt *st;
	char what[NACCS_CODE_MAX + NACCS_NUMBER_LEN + 24];
	int rc = sq_prepare(s, &st, err,
			    "SELECT " SQ_IDENTITY_COLS
			    " FROM identities WHERE user_code = ?1 AND id_number = ?2",
			    "tt", u->code, u->number);

	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), _("with NACCS user ID %s-%s"), u->code, u->number);
	return sq_fetch_identity(s, st, what, id, meta, err);
}

/* One reading: found (1), not found (0), or -errno. */
static int reading(int rc, struct naccs_identity *id)
{
	if (rc == -ENOENT) {
		memset(id, 0, sizeof(*id));
		return 0;
	}
	return rc < 0 ? rc : 1;
}

int sq_find_name(void *impl, naccs_deadline_t dl, const char *login,
		 const struct naccs_user_id *pair, struct naccs_name_match *out,
		 struct naccs_err *err)
{
	struct sq *s = impl;
	struct sq_ident_meta meta;
	int rc = sq_tx_begin(s, dl, false, _("looking up a name"), err);

	memset(out, 0, sizeof(*out));
	if (rc == 0 && login != NULL) {
		rc = reading(sq_identity_by_login(s, login, &out->by_login, &meta, err),
			     &out->by_login);
		out->by_login_found = rc > 0;
	}
	if (rc >= 0 && pair != NULL) {
		rc = reading(sq_identity_by_user_id(s, pair, &out->by_pair, &meta, err),
			     &out->by_pair);
		out->by_pair_found = rc > 0;
	}
	return sq_tx_end(s, rc < 0 ? rc : 0, err);
}

int sq_typical_hash(void *impl, naccs_deadline_t dl, char params[NACCS_PHC_MAX],
		    struct naccs_err *err)
{
	struct sq *s = impl;
	sqlite3_stmt *st = NULL;
	int rc = sq_tx_begin(s, dl, false, _("reading the typical hash parameters"), err);

	params[0] = '\0';
	if (rc == 0)
		rc = sq_prepare(s, &st, err,
				"SELECT params FROM hash_params WHERE n > 0 "
				"ORDER BY n DESC, params LIMIT 1",
				"");
	if (rc == 0 && (rc = sq_step(s, st, err)) > 0) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);

		rc = 0;
		if (t != NULL && n > 0 && n < NACCS_PHC_MAX && memchr(t, '\0', (size_t)n) == NULL)
			memcpy(params, t, (size_t)n + 1);
		else
			rc = naccs_err_set(err, EINVAL,
					   _("credential store %s: malformed row in table "
					     "hash_params"),
					   s->path);
	}
	sqlite3_finalize(st);
	return sq_tx_end(s, rc, err);
}
