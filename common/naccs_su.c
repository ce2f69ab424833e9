/* Switching to a shared administrator ID: the rules of naccs_su.h
 * (UTS-2.2.1.1(1)(g)(カ)).  The policy only orchestrates: it calls
 * naccs_su_decide for a gated target and reports the verdict as the one
 * event of the account decision. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "naccs_i18n.h"
#include "naccs_num.h"
#include "naccs_resolve.h"
#include "naccs_secret.h"
#include "naccs_su.h"

#define NO_UID 4294967295UL

/* ---- the invoker ------------------------------------------------------ */

static bool read_loginuid(uint32_t *out)
{
	FILE *f = fopen("/proc/self/loginuid", "re");
	char buf[32];
	unsigned long v;
	size_t n;

	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	if (n == 0 || naccs_parse_ulong(buf, n, 0, NO_UID, &v) != 0 || v == NO_UID)
		return false;
	*out = (uint32_t)v;
	return true;
}

void naccs_su_read_invoker(struct naccs_su_invoker *inv)
{
	memset(inv, 0, sizeof(*inv));
	inv->uid = (uint32_t)getuid();
	inv->has_loginuid = read_loginuid(&inv->loginuid);
#ifdef NACCS_TEST_HOOKS
	{
		const char *u = secure_getenv("NACCS_TEST_INVOKER_UID");
		const char *l = secure_getenv("NACCS_TEST_LOGINUID");
		unsigned long v;

		if (u != NULL && naccs_parse_ulong(u, strlen(u), 0, NO_UID - 1, &v) == 0)
			inv->uid = (uint32_t)v;
		if (l != NULL && strcmp(l, "unset") == 0)
			inv->has_loginuid = false;
		else if (l != NULL && naccs_parse_ulong(l, strlen(l), 0, NO_UID - 1, &v) == 0) {
			inv->has_loginuid = true;
			inv->loginuid = (uint32_t)v;
		}
	}
#endif
}

/* ---- lists of names ---------------------------------------------------- */

static bool is_sep(char c)
{
	return c == ' ' || c == ',' || c == '\t';
}

/* The next name of list at *p into out (skipped when too long to be one);
 * false at the end. */
static bool next_name(const char **p, char *out, size_t outlen)
{
	for (;;) {
		const char *start;
		size_t len;

		while (is_sep(**p))
			(*p)++;
		if (**p == '\0')
			return false;
		start = *p;
		while (**p != '\0' && !is_sep(**p))
			(*p)++;
		len = (size_t)(*p - start);
		if (len < outlen) {
			memcpy(out, start, len);
			out[len] = '\0';
			return true;
		}
	}
}

bool naccs_su_gated(const struct naccs_identity *target)
{
	return target->kind == NACCS_KIND_SHARED && target->admin;
}

bool naccs_su_switch_service(const struct naccs_config *cfg, const char *service)
{
	const char *p = cfg->su_switch_services;
	char name[64];

	if (service == NULL || service[0] == '\0')
		return false;
	while (next_name(&p, name, sizeof(name)))
		if (strcmp(name, service) == 0)
			return true;
	return false;
}

/* ---- the decision ------------------------------------------------------ */

static void describe(struct naccs_su_verdict *out, const char *service,
		     const struct naccs_identity *target, const struct naccs_su_invoker *inv)
{
	char loginuid[16];

	if (inv->has_loginuid)
		snprintf(loginuid, sizeof(loginuid), "%lu", (unsigned long)inv->loginuid);
	else
		snprintf(loginuid, sizeof(loginuid), "unset");
	snprintf(out->detail, sizeof(out->detail),
		 "invoker=%s user_code=%s id_number=%s uid=%lu loginuid=%s target=%s "
		 "service=%s",
		 out->invoker_known ? out->invoker.login : "-",
		 out->invoker_known && out->invoker.user_code[0] ? out->invoker.user_code : "-",
		 out->invoker_known && out->invoker.id_number[0] ? out->invoker.id_number : "-",
		 (unsigned long)inv->uid, loginuid, target->login, service ? service : "-");
}

static int refuse(struct naccs_su_verdict *out, const char *reason, const char *message)
{
	out->allow = false;
	out->reason = reason;
	snprintf(out->message, sizeof(out->message), "%s", message);
	return 0;
}

static int unavailable(struct naccs_su_verdict *out, const char *target)
{
	char msg[NACCS_ERR_MSG_MAX];

	out->unavailable = true;
	snprintf(msg, sizeof(msg),
		 _("Switching to %s is not possible now: the credential store cannot be read."),
		 target);
	return refuse(out, "su-store-unavailable", msg);
}

/* Is the invoker named by allow_ids (resolved as any typed name is) or a
 * member of a store group named by allow_groups?  1, 0, -errno. */
static int invoker_allowed(struct naccs_store *st, naccs_deadline_t dl,
			   const struct naccs_config *cfg, const char *login)
{
	const char *p = cfg->su_allow_ids;
	char name[NACCS_LOGIN_MAX + 8];
	struct naccs_err err;

	while (next_name(&p, name, sizeof(name))) {
		struct naccs_identity id;
		int rc = naccs_resolve_name(st, dl, name, &id, NULL, &err);

		if (rc == 0 && strcmp(id.login, login) == 0)
			return 1;
		if (rc < 0 && rc != -ENOENT && rc != -EINVAL)
			return rc;
	}
	p = cfg->su_allow_groups;
	while (next_name(&p, name, sizeof(name))) {
		bool member = false;
		int rc = naccs_store_group_has_member(st, dl, name, login, &member, &err);

		if (rc == 0 && member)
			return 1;
		if (rc < 0 && rc != -EINVAL)
			return rc;
	}
	return 0;
}

int naccs_su_decide(struct naccs_store *st, naccs_deadline_t dl, const struct naccs_config *cfg,
		    const char *service, const struct naccs_identity *target,
		    const struct naccs_su_invoker *inv, naccs_su_state_fn usable, void *ctx,
		    struct naccs_su_verdict *out)
{
	struct naccs_account_state state;
	struct naccs_err err;
	char msg[NACCS_ERR_MSG_MAX];
	const char *bad;
	int rc;

	memset(out, 0, sizeof(*out));
	describe(out, service, target, inv);
	if (!naccs_su_switch_service(cfg, service)) {
		snprintf(msg, sizeof(msg),
			 _("%s is a shared administrator ID: logging in to it directly is not "
			   "allowed. Log in with your own ID, then switch with su."),
			 target->login);
		return refuse(out, "direct-login-shared-admin", msg);
	}
	if (inv->has_loginuid && inv->loginuid != inv->uid) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s is refused: the calling process runs as another user "
			   "than the one who logged in."),
			 target->login);
		return refuse(out, "su-invoker-mismatch", msg);
	}
	rc = naccs_store_find_by_uid(st, dl, inv->uid, &out->invoker, &err);
	if (rc < 0 && naccs_err_is_unavailable(rc))
		return unavailable(out, target->login);
	if (rc < 0) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s is allowed only from your own individual ID."),
			 target->login);
		return refuse(out, "su-invoker-not-an-id", msg);
	}
	out->invoker_known = true;
	describe(out, service, target, inv);
	if (out->invoker.kind == NACCS_KIND_SHARED) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s from the shared ID %s is refused: switch from your own "
			   "individual ID."),
			 target->login, out->invoker.login);
		return refuse(out, "su-invoker-shared", msg);
	}
	rc = naccs_store_get_state(st, dl, out->invoker.login, &state, &err);
	naccs_wipe(state.phc, sizeof(state.phc));
	if (rc < 0)
		return unavailable(out, target->login);
	bad = usable(ctx, &state);
	naccs_wipe(&state, sizeof(state));
	if (bad != NULL) {
		snprintf(msg, sizeof(msg),
			 _("Switching to %s is refused: your ID %s cannot be used (%s)."),
			 target->login, out->invoker.login, bad);
		return refuse(out, bad, msg);
	}
	rc = invoker_allowed(st, dl, cfg, out->invoker.login);
	if (rc < 0)
		return unavailable(out, target->login);
	if (rc == 0) {
		snprintf(msg, sizeof(msg), _("%s may not switch to %s."), out->invoker.login,
			 target->login);
		return refuse(out, "su-invoker-not-allowed", msg);
	}
	out->allow = true;
	out->reason = "su-allowed";
	return 0;
}
