/* naccsctl group ...: the groups of the store (the ones the su rule and
 * the access rules name, and NSS publishes).
 *
 *   group add NAME [--gid GID]       issue a group; gid allocated like a uid
 *   group del NAME [--reason R]      delete it for good (a tombstone)
 *   group list [--json]              every group, deleted ones included
 *   group show NAME [--json]         one group and its members
 *   group member add|remove GROUP LOGIN
 *
 * A group is never issued twice (UTS-2.2.1.3(2)(g)(ウ)): the store refuses
 * a name (in any case) or gid any group ever had.  Like user add against
 * the system's accounts (cmd_user_local.c), a name or gid that another NSS
 * source already has is refused too, and an allocated gid skips the gids
 * NSS knows, so one gid never means two groups.  Every change is a
 * registry line and an "admin" event. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/name.h"
#include "store/store.h"
#include "ctl_store.h"
#include "ctl.h"
#include "cmd_user.h"

#define PICK_PROBES_MAX 65536

enum {
	OPT_GID = 0x100,
	OPT_REASON,
	OPT_JSON,
};

static int group_store_error(int rc, const struct naccs_err *err, const char *name)
{
	char safe[NACCS_LOGIN_MAX * 4 + 1];

	if (rc == -ENOENT && strstr(err->msg, "group") != NULL) {
		ctl_safe(name, safe, sizeof(safe));
		ctl_error(_("no such group: %s"), safe);
		return CTL_EXIT_NOT_FOUND;
	}
	return ctl_exit_for_store(rc, err, name);
}

static int nss_failed(const char *what, int rc)
{
	ctl_error(_("cannot look up %s in the system's groups (NSS): %s"), what, strerror(-rc));
	return CTL_EXIT_FAIL;
}

static int report(struct ctl_ctx *ctx, const char *action, const char *result, const char *name,
		  const char *detail)
{
	/* Written in the change's transaction (ctl_change_begin): the rest. */
	if (strcmp(result, "done") == 0 && ctx->change.recorded)
		return ctl_report_done(ctx, action, NULL, detail);
	return ctl_emit(ctx, action, result, NULL, NULL, name, detail) < 0 ? CTL_EXIT_FAIL
									   : CTL_EXIT_OK;
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

/* ---- add, del -------------------------------------------------------- */

static int group_add(struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"gid", required_argument, NULL, OPT_GID},
	    {NULL, 0, NULL, 0},
	};
	struct naccs_group g;
	struct naccs_err err;
	char detail[64];
	unsigned long v;
	int c, rc;

	memset(&g, 0, sizeof(g));
	g.gid = NACCS_GID_ALLOCATE;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_GID)
			return ctl_bad_option("group add", c, argv, optind);
		if (ctl_parse_uint(optarg, NACCS_GID_ALLOCATE - 1, &v) < 0 || v == 0)
			return ctl_usage_error("group add", _("--gid: not a gid (1 to %lu)"),
					       (unsigned long)NACCS_GID_ALLOCATE - 1);
		g.gid = (uint32_t)v;
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
	snprintf(g.name, sizeof(g.name), "%s", argv[optind]);
	rc = ctl_open_store(ctx, false);
	if (rc == CTL_EXIT_OK)
		rc = check_name_local(g.name);
	if (rc == CTL_EXIT_OK && g.gid != NACCS_GID_ALLOCATE)
		rc = check_gid_local(g.gid);
	else if (rc == CTL_EXIT_OK)
		rc = pick_gid(ctx, &g.gid);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	snprintf(detail, sizeof(detail), "gid %lu", (unsigned long)g.gid);
	ctl_change_begin(ctx, "group-add", NULL, g.name, detail);
	rc = naccs_store_group_add(ctx->store, ctl_deadline(ctx), &g, ctx->cfg.uid_min,
				   ctx->cfg.uid_max, ctx->actor, &err);
	if (ctl_change_end(ctx) != CTL_EXIT_OK)
		return CTL_EXIT_UNAVAILABLE;
	if (rc < 0) {
		ctl_emit(ctx, "group-add", "error", "store", NULL, g.name, detail);
		return group_store_error(rc, &err, g.name);
	}
	printf(_("group %s added (gid %lu)\n"), g.name, (unsigned long)g.gid);
	return report(ctx, "group-add", "done", g.name, detail);
}

static int group_del(struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"reason", required_argument, NULL, OPT_REASON},
	    {NULL, 0, NULL, 0},
	};
	const char *reason = "";
	struct naccs_err err;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_REASON)
			return ctl_bad_option("group del", c, argv, optind);
		if (!user_passwd_field_ok(optarg) || strlen(optarg) >= NACCS_TEXT_MAX)
			return ctl_usage_error("group del", _("--reason: not a valid reason"));
		reason = optarg;
	}
	if (optind >= argc)
		return ctl_usage_error("group del", _("missing NAME"));
	rc = ctl_max_args("group del", argc, argv, 1);
	if (rc == CTL_EXIT_OK)
		rc = ctl_open_store(ctx, false);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	ctl_change_begin(ctx, "group-del", NULL, argv[optind], reason);
	rc = naccs_store_group_del(ctx->store, ctl_deadline(ctx), argv[optind], reason, ctx->actor,
				   &err);
	if (ctl_change_end(ctx) != CTL_EXIT_OK)
		return CTL_EXIT_UNAVAILABLE;
	if (rc < 0) {
		ctl_emit(ctx, "group-del", "error", "store", NULL, argv[optind], reason);
		return group_store_error(rc, &err, argv[optind]);
	}
	printf(_("group %s deleted (its name and gid are never issued again)\n"), argv[optind]);
	return report(ctx, "group-del", "done", argv[optind], reason);
}

/* ---- list, show ------------------------------------------------------ */

struct list_ctx {
	struct ctl_ctx *ctx;
	struct naccs_json w;
};

static void group_json(struct naccs_json *w, const struct naccs_group *g)
{
	naccs_json_member_string(w, "name", g->name);
	naccs_json_member_uint(w, "gid", g->gid);
	naccs_json_member_string(w, "created_by", g->created_by);
	naccs_json_member_int(w, "created_at", g->created_at);
	naccs_json_member_bool(w, "deleted", g->deleted);
	if (g->deleted)
		naccs_json_member_int(w, "deleted_at", g->deleted_at);
	else
		naccs_json_member_null(w, "deleted_at");
	naccs_json_member_uint(w, "members", g->members);
}

static int list_one(void *arg, const struct naccs_group *g)
{
	struct list_ctx *l = arg;
	char created[64], safe[NACCS_WHO_MAX * 4];

	if (l->ctx->json) {
		naccs_json_object_begin(&l->w);
		group_json(&l->w, g);
		naccs_json_object_end(&l->w);
		return 0;
	}
	ctl_time_text(true, g->created_at, created, sizeof(created));
	ctl_safe(g->created_by, safe, sizeof(safe));
	printf("%-32s %10lu %7lu  %-8s %s %s\n", g->name, (unsigned long)g->gid,
	       (unsigned long)g->members, g->deleted ? _("deleted") : _("active"), created, safe);
	return 0;
}

static int json_args(struct ctl_ctx *ctx, const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_JSON)
			return ctl_bad_option(cmd, c, argv, optind);
		ctx->json = true;
	}
	return CTL_EXIT_OK;
}

static int group_list(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct list_ctx l = {.ctx = ctx};
	struct naccs_err err;
	int rc = json_args(ctx, "group list", argc, argv);

	if (rc == CTL_EXIT_OK)
		rc = ctl_max_args("group list", argc, argv, 0);
	if (rc == CTL_EXIT_OK)
		rc = ctl_open_store(ctx, true);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (ctx->json) {
		naccs_json_init_stream(&l.w, stdout);
		naccs_json_array_begin(&l.w);
	} else {
		printf("%-32s %10s %7s  %-8s %s\n", _("NAME"), _("GID"), _("MEMBERS"), _("STATE"),
		       _("CREATED, BY"));
	}
	naccs_err_clear(&err);
	rc = naccs_store_group_list(ctx->store, ctl_deadline(ctx), list_one, &l, &err);
	if (rc < 0)
		return ctl_exit_for_store(rc, &err, ctx->cfg.store_path);
	if (ctx->json) {
		naccs_json_array_end(&l.w);
		return ctl_json_done(&l.w);
	}
	return CTL_EXIT_OK;
}

static int show_member(void *arg, const char *login)
{
	struct list_ctx *l = arg;

	if (l->ctx->json)
		naccs_json_string(&l->w, login);
	else
		printf("  %s\n", login);
	return 0;
}

static int group_show(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct list_ctx l = {.ctx = ctx};
	struct naccs_group g;
	struct naccs_err err;
	char created[64], deleted[64], safe[NACCS_WHO_MAX * 4];
	int rc = json_args(ctx, "group show", argc, argv);

	if (rc == CTL_EXIT_OK && optind >= argc)
		return ctl_usage_error("group show", _("missing NAME"));
	if (rc == CTL_EXIT_OK)
		rc = ctl_max_args("group show", argc, argv, 1);
	if (rc == CTL_EXIT_OK)
		rc = ctl_open_store(ctx, true);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	rc = naccs_store_group_find(ctx->store, ctl_deadline(ctx), argv[optind], &g, &err);
	if (rc < 0)
		return group_store_error(rc, &err, argv[optind]);
	if (ctx->json) {
		naccs_json_init_stream(&l.w, stdout);
		naccs_json_object_begin(&l.w);
		group_json(&l.w, &g);
		naccs_json_key(&l.w, "member_logins");
		naccs_json_array_begin(&l.w);
	} else {
		ctl_time_text(true, g.created_at, created, sizeof(created));
		ctl_time_text(g.deleted, g.deleted_at, deleted, sizeof(deleted));
		ctl_safe(g.created_by, safe, sizeof(safe));
		printf(_("group:    %s\ngid:      %lu\ncreated:  %s by %s\ndeleted:  %s\nmembers:  "
			 "%lu\n"),
		       g.name, (unsigned long)g.gid, created, safe, deleted,
		       (unsigned long)g.members);
	}
	rc =
	    naccs_store_group_members(ctx->store, ctl_deadline(ctx), g.name, show_member, &l, &err);
	if (rc < 0)
		return group_store_error(rc, &err, g.name);
	if (ctx->json) {
		naccs_json_array_end(&l.w);
		naccs_json_object_end(&l.w);
		return ctl_json_done(&l.w);
	}
	return CTL_EXIT_OK;
}

/* ---- members --------------------------------------------------------- */

static int group_member(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_err err;
	const char *action;
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
	action = add ? "group-member-add" : "group-member-remove";
	if (argc != 4)
		return ctl_usage_error("group member", _("expected GROUP LOGIN"));
	/* The member is named as any ID is (policy/resolve.h). */
	rc = user_open_and_resolve(ctx, false, argv[3], &id, NULL);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	ctl_change_begin(ctx, action, &id, NULL, argv[2]);
	rc = naccs_store_group_member(ctx->store, ctl_deadline(ctx), argv[2], id.login, add,
				      ctx->actor, &err);
	if (ctl_change_end(ctx) != CTL_EXIT_OK)
		return CTL_EXIT_UNAVAILABLE;
	if (rc < 0) {
		ctl_emit(ctx, action, "error", "store", &id, NULL, argv[2]);
		return group_store_error(rc, &err, argv[2]);
	}
	printf(add ? _("%s added to group %s\n") : _("%s removed from group %s\n"), id.login,
	       argv[2]);
	return ctl_report_done(ctx, action, &id, argv[2]);
}

static const struct {
	const char *name;
	ctl_cmd_fn fn;
} group_commands[] = {
    {"add", group_add},	  {"del", group_del},	    {"list", group_list},
    {"show", group_show}, {"member", group_member},
};

int cmd_group(struct ctl_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("group", _("missing subcommand"));
	for (size_t i = 0; i < sizeof(group_commands) / sizeof(group_commands[0]); i++)
		if (strcmp(argv[1], group_commands[i].name) == 0)
			return group_commands[i].fn(ctx, argc - 1, argv + 1);
	return ctl_usage_error("group", _("unknown subcommand '%s'"), argv[1]);
}

void ctl_usage_group(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] group COMMAND [ARGS]\n\nCommands:\n"), CTL_PROG);
	fputs(_("  group add NAME [--gid GID]\n"
		"    Issue a group; without --gid the lowest gid in [identity.uid_min,\n"
		"    identity.uid_max] that no group ever had and the system does not know.\n"
		"  group del NAME [--reason REASON]\n"
		"    Delete a group for good: its name and gid are never issued again.\n"
		"  group list [--json]\n"
		"  group show NAME [--json]\n"
		"  group member add GROUP LOGIN\n"
		"  group member remove GROUP LOGIN\n"),
	      out);
}
