/* naccsctl user: finding the ID the administrator named, with its state,
 * and writing an ID out. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "base/i18n.h"
#include "policy/resolve.h"
#include "base/secret.h"
#include "store/store.h"
#include "ctl_store.h"
#include "ctl.h"
#include "cmd_user.h"

/* Resolve a name as the administrator typed it, by the one rule every
 * program uses (policy/resolve.h): the login itself, else a NACCS form
 * (ABCDE001, ABCDE-001, any case) through the user ID. */
static int resolve(struct ctl_ctx *ctx, const char *name, struct naccs_identity *id)
{
	struct naccs_err err;
	bool ambiguous = false;
	int rc = naccs_resolve_name(ctx->store, ctl_deadline(ctx), name, id, &ambiguous, &err);

	if (rc == -EINVAL)
		rc = -ENOENT; /* not a name at all: no such ID */
	if (rc < 0)
		return ctl_exit_for_store(rc, &err, name);
	if (ambiguous)
		ctl_warn(_("'%s' is the login of '%s' and also reads as another ID's NACCS user "
			   "ID; the login wins"),
			 name, id->login);
	return CTL_EXIT_OK;
}

/* The private state without its hash: naccsctl never needs it and never
 * shows it (UTS-2.2.1.1(1)(e)(イ): there is no reveal function). */
static int load_state(struct ctl_ctx *ctx, const char *login, struct naccs_account_state *st)
{
	struct naccs_err err;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_store_get_state(ctx->store, ctl_deadline(ctx), login, st, &err);
	naccs_wipe(st->phc, sizeof(st->phc));
	if (rc < 0)
		return ctl_exit_for_store(rc, &err, login);
	return CTL_EXIT_OK;
}

int user_open_and_resolve(struct ctl_ctx *ctx, bool read_only, const char *name,
			  struct naccs_identity *id, struct naccs_account_state *st)
{
	int rc = ctl_open_store(ctx, read_only);

	if (rc == CTL_EXIT_OK)
		rc = resolve(ctx, name, id);
	if (rc == CTL_EXIT_OK && st != NULL)
		rc = load_state(ctx, id->login, st);
	return rc;
}

void user_id_text(const struct naccs_identity *id, char *out, size_t outlen)
{
	if (id->user_code[0] != '\0')
		snprintf(out, outlen, "%s-%s", id->user_code, id->id_number);
	else
		snprintf(out, outlen, "-");
}

const char *user_kind_name(enum naccs_id_kind kind)
{
	return kind == NACCS_KIND_SHARED ? "shared" : "individual";
}
