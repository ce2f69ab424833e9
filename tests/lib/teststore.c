#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/hash.h"
#include "teststore.h"
#include "testutil.h"

struct naccs_store *tst_open_store(const char *path, uid_t owner, bool create)
{
	struct naccs_store_options opt = {
	    .path = path, .owner_uid = owner, .timeout_ms = 5000, .create = create};
	struct naccs_store *st = NULL;
	struct naccs_err err;

	if (naccs_store_open(&opt, &st, &err) < 0)
		fail_msg("open %s: %s", path, err.msg);
	return st;
}

int tst_store_setup(void **state, const char *tag)
{
	struct tst_fx *f = calloc(1, sizeof(*f));
	char path[PATH_MAX];

	assert_non_null(f);
	f->dir = tu_mkdtemp(tag);
	snprintf(path, sizeof(path), "%s/naccs.db", f->dir);
	f->st = tst_open_store(path, getuid(), true);
	*state = f;
	return 0;
}

int tst_store_teardown(void **state)
{
	struct tst_fx *f = *state;

	tst_close_dir(f->st, f->dir);
	free(f);
	return 0;
}

void tst_close_dir(struct naccs_store *st, char *dir)
{
	naccs_store_close(st);
	tu_rmtree_free(dir);
}

void tst_identity(struct naccs_identity *id, const char *login, const char *code,
		  const char *number, uint32_t uid, const char *gecos, const char *shell)
{
	memset(id, 0, sizeof(*id));
	snprintf(id->login, sizeof(id->login), "%s", login);
	snprintf(id->user_code, sizeof(id->user_code), "%s", code);
	snprintf(id->id_number, sizeof(id->id_number), "%s", number);
	id->kind = code[0] != '\0' ? NACCS_KIND_INDIVIDUAL : NACCS_KIND_SHARED;
	id->uid = uid;
	id->gid = 100;
	if (gecos != NULL)
		snprintf(id->gecos, sizeof(id->gecos), "%s", gecos);
	snprintf(id->home, sizeof(id->home), "/home/%s", login);
	if (shell != NULL)
		snprintf(id->shell, sizeof(id->shell), "%s", shell);
}

int tst_add_fixed(struct naccs_store *st, const char *login, const char *code, const char *number,
		  uint32_t uid, const char *gecos, struct naccs_err *err)
{
	struct naccs_identity id;

	tst_identity(&id, login, code, number, uid, gecos, "/bin/bash");
	return naccs_store_add_identity(st, naccs_deadline_in(10000), &id, 20000, 29999,
					"$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", true,
					"admin1", "test", err);
}

int tst_add_shared(struct naccs_store *st, const char *login, uint32_t uid, struct naccs_err *err)
{
	return tst_add_fixed(st, login, "", "", uid, "", err);
}

void tst_must_add_shared(struct naccs_store *st, const char *login, uint32_t uid)
{
	struct naccs_err err;

	if (tst_add_shared(st, login, uid, &err) < 0)
		fail_msg("add %s: %s", login, err.msg);
}

uint32_t tst_must_add_id(struct naccs_store *st, const char *password, const char *code,
			 const char *number, const char *login, uint32_t uid, bool admin)
{
	struct naccs_hash_params p = tu_hash_params(1024);
	struct naccs_identity id;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX];

	tst_identity(&id, login, code, number, uid, NULL, "/bin/sh");
	id.admin = admin;
	if (naccs_hash_new(&p, password, phc, &err) < 0)
		fail_msg("hash for %s: %s", login, err.msg);
	if (naccs_store_add_identity(st, naccs_deadline_in(5000), &id, 20000, 29999, phc, false,
				     "test", "test person", &err) < 0)
		fail_msg("add %s: %s", login, err.msg);
	return id.uid;
}
