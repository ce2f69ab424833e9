/* The one resolver of typed names (see policy/resolve.h for the rule). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "base/i18n.h"
#include "base/name.h"
#include "policy/resolve.h"

int naccs_resolve_name(struct naccs_store *st, naccs_deadline_t dl, const char *name,
		       struct naccs_identity *out, bool *ambiguous, struct naccs_err *err)
{
	struct naccs_name_match m;
	struct naccs_user_id pair;
	bool as_login, as_pair;
	int rc;

	naccs_err_clear(err);
	if (ambiguous != NULL)
		*ambiguous = false;
	if (name == NULL || out == NULL ||
	    strnlen(name, NACCS_NAME_INPUT_MAX + 1) > NACCS_NAME_INPUT_MAX)
		return naccs_err_set(err, EINVAL, _("user name missing or too long"));
	as_login = naccs_name_valid_login(name);
	as_pair = naccs_name_parse(name, &pair) == 0;
	if (!as_login && !as_pair)
		return naccs_err_set(err, EINVAL, _("not a valid user name"));

	/* Both readings in one transaction: every name costs the same. */
	rc = naccs_store_find_name(st, dl, as_login ? name : NULL, as_pair ? &pair : NULL, &m, err);
	if (rc < 0)
		return rc;
	if (m.by_login_found) {
		*out = m.by_login;
		if (ambiguous != NULL)
			*ambiguous =
			    m.by_pair_found && strcmp(m.by_pair.login, m.by_login.login) != 0;
		rc = 0;
	} else if (m.by_pair_found) {
		*out = m.by_pair;
		rc = 0;
	} else {
		memset(out, 0, sizeof(*out));
		rc = naccs_err_set(err, ENOENT, _("no such ID"));
	}
	memset(&m, 0, sizeof(m));
	return rc;
}
