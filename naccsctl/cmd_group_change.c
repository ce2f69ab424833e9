/* naccsctl group add, del, member add and remove: each a change as a
 * value (policy/admin.h), sent to naccsd when it listens, else made here
 * by the same code (ctl_client.h); what is printed comes from its
 * outcome, the same either way.  What needs the administrator's NSS (a
 * name or gid another source has, the gids skipped when one is picked)
 * is checked here first, whoever makes the change: naccsd never resolves
 * names through NSS. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/name.h"
#include "policy/admin.h"
#include "store/store.h"
#include "ctl.h"
#include "ctl_store.h"
#include "cmd_group.h"
#include "cmd_user.h"

#define PICK_PROBES_MAX 65536

enum {
	OPT_GID = 0x100,
	OPT_REASON,
};

static int nss_failed(const char *what, int rc)
{
	ctl_error(_("cannot look up %s in the system's groups (NSS): %s"), what, strerror(-rc));
	return CTL_EXIT_FAIL;
}

/* ---- against the system's groups (NSS) ------------------------------- */

/* Group names are case-sensitive for NSS but not for the store: the
 * lower-case form is looked up too. */
static int check_name_local(const char *name)
{
	char lower[NACCS_LOGIN_MAX + 1];
	int rc = ctl_nss_group_by_name(name);

	snprintf(lower, sizeof(lower), "%s", name);
	for (char *p = lower; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (rc == 0 && strcmp(lower, name) != 0)
		rc = ctl_nss_group_by_name(lower);
	if (rc < 0)
		return nss_failed(name, rc);
	if (rc == 1) {
		ctl_error(_("group '%s' is a group of the system (or differs from one only in "
			    "case); choose another name"),
			  name);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static int check_gid_local(uint32_t gid)
{
	char name[256], safe[sizeof(name) * 4], what[32];
	int rc = ctl_nss_group_by_gid(gid, name, sizeof(name));

	snprintf(what, sizeof(what), _("gid %lu"), (unsigned long)gid);
	if (rc < 0)
		return nss_failed(what, rc);
	if (rc == 1) {
		ctl_safe(name, safe, sizeof(safe));
		ctl_error(_("gid %lu belongs to the system's group '%s'; choose another gid"),
			  (unsigned long)gid, safe);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

/* The lowest gid in [identity.uid_min, identity.uid_max] that no group of
 * the store ever had and NSS does not know (gids are allocated in the
 * range of uids, like uids). */
static int pick_gid(struct ctl_ctx *ctx, uint32_t *gid)
{
	uint32_t from = ctx->cfg.uid_min;
	const uint32_t max = ctx->cfg.uid_max;

	for (unsigned probe = 0; probe < PICK_PROBES_MAX && from <= max; probe++) {
		struct naccs_err err;
		char name[256], what[32];
		uint32_t cand;
		int rc;

		naccs_err_clear(&err);
		rc = naccs_store_next_free_gid(ctx->store, ctl_deadline(ctx), from, max, &cand,
					       &err);
		if (rc == -ENOSPC)
			break;
		if (rc < 0)
			return ctl_exit_for_store(rc, &err, ctx->cfg.store_path);
		rc = ctl_nss_group_by_gid(cand, name, sizeof(name));
		if (rc == 0) {
			*gid = cand;
			return CTL_EXIT_OK;
		}
		if (rc < 0) {
			snprintf(what, sizeof(what), _("gid %lu"), (unsigned long)cand);
			return nss_failed(what, rc);
		}
		if (cand == max)
			break;
		from = cand + 1;
	}
	ctl_error(_("no free gid in [%lu, %lu] (identity.uid_min, identity.uid_max): every gid "
		    "there was issued or belongs to a group of the system"),
		  (unsigned long)ctx->cfg.uid_min, (unsigned long)max);
	return CTL_EXIT_FAIL;
}

/* ---- the change: sent, or made here ------------------------------- */

/* Run c; CTL_EXIT_OK when it is done, else its exit code with the
 * message printed (as naccsctl always said it). */
static int run(struct ctl_ctx *ctx, const struct naccs_admin_change *c,
	       struct naccs_admin_outcome *o)
{
	bool remote;
	int rc = user_admin_run(ctx, c, o, &remote);

	if (rc != CTL_EXIT_OK)
		return rc;
	if (o->result == NACCS_ADMIN_FAILED)
		return group_store_error(o->rc, &o->err, c->group);
	rc = user_admin_refusal(c, o);
	return rc >= 0 ? rc : CTL_EXIT_OK;
}

/* After the line that says it is done: an event that could not be
 * recorded under on_audit_failure = deny fails the command. */
static int done(const struct naccs_admin_outcome *o)
{
	return o->event_failed && o->event_denied ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}

/* ---- add, del -------------------------------------------------------- */

int group_add(struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"gid", required_argument, NULL, OPT_GID},
	    {NULL, 0, NULL, 0},
	};
	struct naccs_admin_change ch = {.op = NACCS_ADMIN_GROUP_ADD};
	struct naccs_admin_outcome o;
	uint32_t gid = 0;
	unsigned long v;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_GID)
			return ctl_bad_option("group add", c, argv, optind);
		if (ctl_parse_uint(optarg, NACCS_GID_ALLOCATE - 1, &v) < 0 || v == 0)
			return ctl_usage_error("group add", _("--gid: not a gid (1 to %lu)"),
					       (unsigned long)NACCS_GID_ALLOCATE - 1);
		gid = (uint32_t)v;
	}
	if (optind >= argc)
		return ctl_usage_error("group add", _("missing NAME"));
	if (!naccs_name_valid_login(argv[optind]))
		return ctl_usage_error("group add", _("invalid group name (letters, digits, '_', "
						      "'.', '-'; at most 32 bytes; starting with "
						      "a letter or '_')"));
	rc = ctl_max_args("group add", argc, argv, 1);
	if (rc != CTL_EXIT_OK)
		return rc;
	ch.group = argv[optind];
	/* The system's groups, and the gid picked: read here, before the
	 * change (made by the service, or here). */
	rc = ctl_open_store(ctx, true);
	if (rc == CTL_EXIT_OK)
		rc = check_name_local(ch.group);
	if (rc == CTL_EXIT_OK && gid != 0)
		rc = check_gid_local(gid);
	else if (rc == CTL_EXIT_OK)
		rc = pick_gid(ctx, &gid);
	ctl_close_store(ctx);
	if (rc != CTL_EXIT_OK)
		return rc;
	ch.gid = gid;
	rc = run(ctx, &ch, &o);
	if (rc != CTL_EXIT_OK)
		return rc;
	printf(_("group %s added (gid %lu)\n"), ch.group, (unsigned long)o.gid);
	return done(&o);
}

int group_del(struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"reason", required_argument, NULL, OPT_REASON},
	    {NULL, 0, NULL, 0},
	};
	struct naccs_admin_change ch = {.op = NACCS_ADMIN_GROUP_DEL, .reason = ""};
	struct naccs_admin_outcome o;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_REASON)
			return ctl_bad_option("group del", c, argv, optind);
		if (!user_passwd_field_ok(optarg) || strlen(optarg) >= NACCS_TEXT_MAX)
			return ctl_usage_error("group del", _("--reason: not a valid reason"));
		ch.reason = optarg;
	}
	if (optind >= argc)
		return ctl_usage_error("group del", _("missing NAME"));
	rc = ctl_max_args("group del", argc, argv, 1);
	if (rc != CTL_EXIT_OK)
		return rc;
	ch.group = argv[optind];
	rc = run(ctx, &ch, &o);
	if (rc != CTL_EXIT_OK)
		return rc;
	printf(_("group %s deleted (its name and gid are never issued again)\n"), ch.group);
	return done(&o);
}

/* ---- members --------------------------------------------------------- */

int group_member(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_admin_change ch = {0};
	struct naccs_admin_outcome o;
	bool add;
	int rc;

	if (argc < 2)
		return ctl_usage_error("group member", _("missing add or remove"));
	if (strcmp(argv[1], "add") == 0)
		add = true;
	else if (strcmp(argv[1], "remove") == 0)
		add = false;
	else
		return ctl_usage_error("group member", _("unknown subcommand '%s'"), argv[1]);
	if (argc != 4)
		return ctl_usage_error("group member", _("expected GROUP LOGIN"));
	ch.op = add ? NACCS_ADMIN_GROUP_MEMBER_ADD : NACCS_ADMIN_GROUP_MEMBER_REMOVE;
	ch.group = argv[2];
	ch.target = argv[3]; /* named as any ID is (policy/resolve.h) */
	rc = run(ctx, &ch, &o);
	if (rc != CTL_EXIT_OK)
		return rc;
	printf(add ? _("%s added to group %s\n") : _("%s removed from group %s\n"), o.id.login,
	       ch.group);
	return done(&o);
}
