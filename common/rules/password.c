/* Every rule a new password must meet that needs no store, in turn
 * (UTS-2.2.1.1(1)(e)(ウ)): the text, its strength, the dictionary, the
 * blocklist (rules/password.h). */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rules/password.h"

int naccs_pw_check_new(const struct naccs_password_config *pc, size_t max_bytes, uid_t owner,
		       const char *pw, size_t len, const struct naccs_pw_user *user,
		       const char *old, struct naccs_pw_verdict *v, struct naccs_err *err)
{
	struct naccs_pw_text t, o;
	struct naccs_pw_verdict ignored;
	bool have_old = false;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = naccs_pw_text_from(pc, max_bytes, pw, len, &t, v);
	if (rc != 0)
		return rc;
	/* The old password was accepted once; only its text matters here. */
	if (old != NULL) {
		rc = naccs_pw_text_from(pc, SIZE_MAX, old, strlen(old), &o, &ignored);
		if (rc < 0)
			goto out;
		have_old = rc == 0;
	}
	rc = naccs_pw_strength(pc, &t, user, have_old ? &o : NULL, v) ? 0 : 1;
	if (rc == 0)
		rc = naccs_pw_dictionary(pc, owner, &t, v, err);
	if (rc == 0)
		rc = naccs_pw_blocklist(pc, owner, &t, v, err);
out:
	naccs_pw_text_free(&t);
	naccs_pw_text_free(&o);
	return rc;
}
