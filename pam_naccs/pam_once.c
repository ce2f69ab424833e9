/* One wrong password counts once per PAM handle (UTS-2.2.1.1(1)(g)(ウ)),
 * however the service calls the stack: a stack that lists pam_naccs twice
 * (e.g. "sufficient" then "required ... use_first_pass") hands the same
 * token to the module twice, and a second failure record for it would lock
 * an ID early.  The first call records the failure; a later call in the
 * same handle, for the same name and the same token, gets the same answer
 * (the same PAM code) without a second record or verification.  The token is kept only as an
 * HMAC under a random key, in the handle's memory, wiped at pam_end.
 *
 * Only a wrong password that a real verification found is remembered (or a
 * name that is no ID here), and only for the ID's failure/lock generation
 * it was found in (naccs_lockout_generation, kept as an HMAC too): a
 * refusal of a locked ID checked no password, and after an unlock, a lock
 * taken or ended, a success or a new password the token is verified (and
 * counted) again (issue #16: the right password typed while the ID was
 * locked stayed refused in the handle after the unlock). */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_modules.h>

#include "rules/lockout.h"
#include "base/name.h"
#include "base/secret.h"
#include "pam_once.h"

#define ONCE_KEY "naccs-failed-token"

struct failed_token {
	char user[NACCS_LOGIN_MAX * 4 + 1];
	uint8_t key[NACCS_TAG_LEN];
	uint8_t tag[NACCS_TAG_LEN];
	bool has_gen;
	uint8_t gen[NACCS_TAG_LEN];	     /* the generation's tag */
	char gen_text[NACCS_GENERATION_MAX]; /* and itself, for naccsd (no secret) */
	int code;			     /* the answer the first time */
};

static void wipe_failed(pam_handle_t *pamh, void *data, int error_status)
{
	naccs_wipe(data, sizeof(struct failed_token));
	free(data);
}

int pam_once_already_failed(pam_handle_t *pamh, const char *user, const char *tok,
			    pam_once_gen_fn gen_fn, void *ctx)
{
	const void *data = NULL;
	const struct failed_token *f;
	uint8_t tag[NACCS_TAG_LEN];
	char gen[NACCS_GENERATION_MAX];
	bool same;

	if (pam_get_data(pamh, ONCE_KEY, &data) != PAM_SUCCESS || data == NULL)
		return PAM_SUCCESS;
	f = data;
	if (strcmp(f->user, user) != 0 || f->has_gen != (gen_fn != NULL) ||
	    naccs_secret_tag(f->key, tok, tag) < 0)
		return PAM_SUCCESS;
	same = naccs_consttime_equal(tag, f->tag, sizeof(tag));
	/* The same token: still the same generation of the ID? */
	if (same && f->has_gen) {
		same = gen_fn(ctx, gen, sizeof(gen)) == 0 &&
		       naccs_secret_tag(f->key, gen, tag) == 0 &&
		       naccs_consttime_equal(tag, f->gen, sizeof(tag));
		naccs_wipe(gen, sizeof(gen));
	}
	naccs_wipe(tag, sizeof(tag));
	return same ? f->code : PAM_SUCCESS;
}

void pam_once_remember_failure(pam_handle_t *pamh, const char *user, const char *tok, int code,
			       const char *generation)
{
	struct failed_token *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return; /* then a repeat is counted again: never fewer */
	if (strlen(user) >= sizeof(f->user) || naccs_random_bytes(f->key, sizeof(f->key)) < 0 ||
	    naccs_secret_tag(f->key, tok, f->tag) < 0 ||
	    (generation != NULL && naccs_secret_tag(f->key, generation, f->gen) < 0)) {
		wipe_failed(pamh, f, 0);
		return;
	}
	f->has_gen = generation != NULL;
	if (generation != NULL)
		snprintf(f->gen_text, sizeof(f->gen_text), "%s", generation);
	memcpy(f->user, user, strlen(user) + 1);
	f->code = code;
	/* Replaces (and wipes, through the cleanup) an earlier one. */
	if (pam_set_data(pamh, ONCE_KEY, f, wipe_failed) != PAM_SUCCESS)
		wipe_failed(pamh, f, 0);
}

bool pam_once_prior_generation(pam_handle_t *pamh, const char *user, const char *tok, char *gen,
			       size_t len)
{
	const void *data = NULL;
	const struct failed_token *f;
	uint8_t tag[NACCS_TAG_LEN];
	bool same;

	if (pam_get_data(pamh, ONCE_KEY, &data) != PAM_SUCCESS || data == NULL)
		return false;
	f = data;
	if (!f->has_gen || strcmp(f->user, user) != 0 || naccs_secret_tag(f->key, tok, tag) < 0)
		return false;
	same = naccs_consttime_equal(tag, f->tag, sizeof(tag));
	naccs_wipe(tag, sizeof(tag));
	if (same)
		snprintf(gen, len, "%s", f->gen_text);
	return same;
}
