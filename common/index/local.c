#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "index/map.h"
#include "index/write.h"
#include "index/local.h"
#include "base/trust.h"

/* Enough for any passwd entry; a larger one is retried with a larger buffer. */
#define PW_BUF_START 1024
#define PW_BUF_MAX   (1024 * 1024)

/* What naccs_local_index_holds looks up: name, or the uid when it is NULL. */
struct holds_query {
	const char *name;
	uid_t uid;
	struct naccs_index_pw pw;
	struct naccs_index_val val;
};

static int holds_find(struct naccs_index_map *m, void *ctx)
{
	struct holds_query *q = ctx;

	if (q->name != NULL)
		return naccs_index_name_ok(q->name)
			   ? naccs_index_find_pw_name(m, q->name, &q->pw, &q->val)
			   : 0;
	return naccs_index_find_pw_num(m, 'u', (uint32_t)q->uid, &q->pw, &q->val);
}

int naccs_local_index_holds(const struct naccs_config *cfg, const char *name, uid_t uid, bool *held,
			    struct naccs_err *err)
{
	/* The query (a passwd record) and the path on the heap: this runs on
	 * a PAM host's stack when naccsd is out of reach (issue 18). */
	struct holds_query *q = calloc(1, sizeof(*q));
	struct naccs_index_map *m = NULL;
	char *path = malloc(PATH_MAX);
	bool unreadable;
	int rc;

	*held = true; /* whatever fails: taken as an ID */
	if (q == NULL || path == NULL) {
		rc = naccs_err_set(err, ENOMEM, _("identity index: out of memory"));
		goto out;
	}
	q->name = name;
	q->uid = uid;
	if (naccs_index_path(cfg, path, PATH_MAX) < 0) {
		rc = naccs_err_set(err, ENAMETOOLONG, _("identity index: path too long"));
		goto out;
	}
	/* Trusted as the store is: nobody but its owner could have written it
	 * or put it in place (UTS-2.2.1.2(2)(a)). */
	rc = naccs_trust_check_file(path, cfg->owner_uid, err);
	if (rc == -ENOENT)
		rc = naccs_err_set(err, ENOENT, _("identity index %s does not exist"), path);
	if (rc < 0)
		goto out;
	/* A file replaced under the look-up (-EAGAIN): asked again, twice at
	 * most, as the NSS module does (index/map.h). */
	naccs_index_val_init(&q->val);
	rc = naccs_index_lookup(path, holds_find, q, &m);
	unreadable = m == NULL;
	naccs_index_val_free(&q->val);
	naccs_index_release(m);
	/* Nothing of the index stays in the host (a PAM module's). */
	naccs_index_forget();
	if (rc == -EAGAIN || unreadable)
		rc = naccs_err_set(err, rc == -EAGAIN ? EAGAIN : -rc,
				   _("identity index %s cannot be read"), path);
	else if (rc < 0)
		rc = naccs_err_set(err, EPROTO, _("identity index %s holds a malformed record"),
				   path);
	else {
		*held = rc == 1;
		rc = 0;
	}
out:
	if (q != NULL)
		naccs_wipe(q, sizeof(*q)); /* a passwd record of the index */
	free(q);
	free(path);
	return rc;
}

static void name_out(const char *name, char *other, size_t otherlen)
{
	if (other != NULL && otherlen > 0)
		snprintf(other, otherlen, "%s", name);
}

/* getpwuid_r's answer: 1 another name, 0 none or the ID's, -errno. */
static int db_other(uint32_t uid, const char *login, char *other, size_t otherlen)
{
	struct passwd pw, *found = NULL;
	size_t size = PW_BUF_START;
	char *buf = NULL;
	int rc = ENOMEM;

	for (;;) {
		char *bigger = realloc(buf, size);

		if (bigger == NULL) {
			rc = ENOMEM;
			break;
		}
		buf = bigger;
		rc = getpwuid_r((uid_t)uid, &pw, buf, size, &found);
		if (rc != ERANGE || size >= PW_BUF_MAX)
			break;
		size *= 2;
	}
	if (rc == 0 && found != NULL && strcmp(pw.pw_name, login) != 0) {
		name_out(pw.pw_name, other, otherlen);
		rc = 1;
	} else if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM) {
		/* glibc's documented "not found" answers of some sources */
		rc = 0;
	} else {
		rc = -rc;
	}
	free(buf);
	return rc;
}

/* NACCS_LOCAL_PASSWD read line by line: 1 another name with uid, 0 none. */
static int file_other(uint32_t uid, const char *login, char *other, size_t otherlen)
{
	FILE *f = fopen(NACCS_LOCAL_PASSWD, "re");
	struct passwd pw, *found;
	char buf[4096];
	int rc = 0, e;

	if (f == NULL)
		return errno == ENOENT ? 0 : -errno;
	/* glibc's answer at the end of the file is ENOENT. */
	while ((e = fgetpwent_r(f, &pw, buf, sizeof(buf), &found)) != ENOENT) {
		if (e != 0) { /* ERANGE included: an entry longer than 4 KiB */
			rc = -e;
			break;
		}
		if (pw.pw_uid == (uid_t)uid && strcmp(pw.pw_name, login) != 0) {
			name_out(pw.pw_name, other, otherlen);
			rc = 1;
			break;
		}
	}
	fclose(f);
	return rc;
}

int naccs_uid_other_account(uint32_t uid, const char *login, char *other, size_t otherlen)
{
	int rc;

	if (login == NULL)
		return -EINVAL;
	rc = db_other(uid, login, other, otherlen);
	if (rc != 0)
		return rc;
	return file_other(uid, login, other, otherlen);
}
