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
 * registry line and an "admin" event.  The changes (cmd_group_change.c)
 * go to naccsd when it listens, else are made here (ctl_client.h); list
 * and show (here) read the store. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "store/store.h"
#include "ctl_store.h"
#include "ctl.h"
#include "cmd_group.h"

enum {
	OPT_JSON = 0x100,
};

int group_store_error(int rc, const struct naccs_err *err, const char *name)
{
	char safe[NACCS_LOGIN_MAX * 4 + 1];

	if (rc == -ENOENT && strstr(err->msg, "group") != NULL) {
		ctl_safe(name, safe, sizeof(safe));
		ctl_error(_("no such group: %s"), safe);
		return CTL_EXIT_NOT_FOUND;
	}
	return ctl_exit_for_store(rc, err, name);
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
