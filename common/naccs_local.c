#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "naccs_local.h"
#include "naccs_name.h"

/* Enough for any passwd entry; a larger one is retried with a larger buffer. */
#define PW_BUF_START 1024
#define PW_BUF_MAX   (1024 * 1024)

bool naccs_local_account_outside(const struct naccs_config *cfg, const char *name)
{
	struct passwd pw, *found = NULL;
	size_t size = PW_BUF_START;
	bool outside = false;
	char *buf = NULL;
	int rc;

	if (cfg == NULL || !naccs_name_valid_login(name))
		return false;
	for (;;) {
		char *bigger = realloc(buf, size);

		if (bigger == NULL)
			break;
		buf = bigger;
		rc = getpwnam_r(name, &pw, buf, size, &found);
		if (rc != ERANGE || size >= PW_BUF_MAX)
			break;
		size *= 2;
	}
	if (found != NULL)
		outside = pw.pw_uid < cfg->uid_min || pw.pw_uid > cfg->uid_max;
	free(buf);
	return outside;
}
