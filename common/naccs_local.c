#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "naccs_i18n.h"
#include "naccs_index.h"
#include "naccs_index_write.h"
#include "naccs_local.h"
#include "naccs_trust.h"

int naccs_local_index_holds(const struct naccs_config *cfg, const char *name, uid_t uid, bool *held,
			    struct naccs_err *err)
{
	struct naccs_index_map *m = NULL;
	struct naccs_index_pw pw;
	char path[PATH_MAX];
	int rc;

	*held = true; /* whatever fails: taken as an ID */
	if (naccs_index_path(cfg, path, sizeof(path)) < 0)
		return naccs_err_set(err, ENAMETOOLONG, _("identity index: path too long"));
	/* Trusted as the store is: nobody but its owner could have written it
	 * or put it in place (UTS-2.2.1.2(2)(a)). */
	rc = naccs_trust_check_file(path, cfg->owner_uid, err);
	if (rc == -ENOENT)
		return naccs_err_set(err, ENOENT, _("identity index %s does not exist"), path);
	if (rc < 0)
		return rc;
	rc = naccs_index_acquire(path, &m);
	if (rc < 0)
		return naccs_err_set(err, -rc, _("identity index %s cannot be read"), path);
	if (name != NULL)
		rc = naccs_index_name_ok(name) ? naccs_index_find_pw_name(m, name, &pw) : 0;
	else
		rc = naccs_index_find_pw_num(m, 'u', (uint32_t)uid, &pw);
	naccs_index_release(m);
	/* Nothing of the index stays mapped in the host (a PAM module's). */
	naccs_index_forget();
	if (rc < 0)
		return naccs_err_set(err, EPROTO, _("identity index %s holds a malformed record"),
				     path);
	*held = rc == 1;
	return 0;
}
