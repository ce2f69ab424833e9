/* naccsctl index rebuild|check: the public identity index the NSS module
 * reads (common/index/map.h), and the one place that keeps it up to date:
 * ctl_index_after, called by the dispatcher after every command that opened
 * the store for writing (identities, groups, init, upgrade), whatever the
 * command, so no command can forget it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "index/map.h"
#include "index/write.h"
#include "ctl_store.h"
#include "ctl.h"

void ctl_usage_index(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] index rebuild|check\n"), CTL_PROG);
	fputs(_("The public identity index (nss.index, mode 0644): passwd and group data\n"
		"of the IDs and groups that are not retired or deleted, read by\n"
		"libnss_naccs.so.2.  It never holds a hash, a counter or a flag.  naccsctl\n"
		"rebuilds it after every change to IDs or groups.\n"
		"\n"
		"  rebuild   write it again from the store (atomically)\n"
		"  check     compare it with the store, record by record\n"
		"\n"
		"Exit status: 0 ok (check: up to date), 1 out of date or failed, 2 usage\n"
		"error, 4 store unavailable.\n"),
	      out);
}

static void index_path_of(const struct ctl_ctx *ctx, char *out, size_t outlen)
{
	if (naccs_index_path(&ctx->cfg, out, outlen) < 0)
		out[0] = '\0';
}

/* The NSS module reads the path compiled into it: say so when the index
 * goes elsewhere (tests and sandboxes do that on purpose). */
static void note_module_path(const char *path)
{
	char safe[PATH_MAX * 4 + 1];

	if (strcmp(path, NACCS_NSS_INDEX) == 0)
		return;
	ctl_safe(NACCS_NSS_INDEX, safe, sizeof(safe));
	printf(_("note: libnss_naccs.so.2 reads %s (built in), not this index\n"), safe);
}

static int rebuild(struct ctl_ctx *ctx, const char *path, bool quiet)
{
	struct naccs_index_stats stats;
	struct naccs_err err;
	char safe[PATH_MAX * 4 + 1];
	int rc;

	naccs_err_clear(&err);
	rc = naccs_index_write(ctx->store, ctl_deadline(ctx), path, &stats, &err);
	if (rc < 0) {
		ctl_error(_("the identity index was not rebuilt: %s"), err.msg);
		if (quiet)
			ctl_error(_("the change is in the store; run 'naccsctl index rebuild'"));
		return naccs_err_is_unavailable(rc) && !quiet ? CTL_EXIT_UNAVAILABLE
							      : CTL_EXIT_FAIL;
	}
	if (!quiet) {
		char ids[64], names[64], groups[64], members[64];

		snprintf(ids, sizeof(ids),
			 dngettext(NACCS_TEXTDOMAIN, "%u ID", "%u IDs", stats.users),
			 (unsigned)stats.users);
		snprintf(names, sizeof(names),
			 dngettext(NACCS_TEXTDOMAIN, "%u NACCS-form name", "%u NACCS-form names",
				   stats.aliases),
			 (unsigned)stats.aliases);
		snprintf(groups, sizeof(groups),
			 dngettext(NACCS_TEXTDOMAIN, "%u group", "%u groups", stats.groups),
			 (unsigned)stats.groups);
		snprintf(
		    members, sizeof(members),
		    dngettext(NACCS_TEXTDOMAIN, "%u membership", "%u memberships", stats.members),
		    (unsigned)stats.members);
		ctl_safe(path, safe, sizeof(safe));
		/* TRANSLATORS: the counts, each already with its plural form. */
		printf(_("index %s: %s (%u suspended), %s, %s, %s\n"), safe, ids,
		       (unsigned)stats.suspended, names, groups, members);
		note_module_path(path);
	}
	return CTL_EXIT_OK;
}

static int check(struct ctl_ctx *ctx, const char *path)
{
	struct naccs_index_stats stats;
	struct naccs_err err;
	char safe[PATH_MAX * 4 + 1];
	int rc;

	naccs_err_clear(&err);
	rc = naccs_index_check(ctx->store, ctl_deadline(ctx), path, &stats, &err);
	if (rc == -ESTALE || rc == -ENOENT) {
		ctl_error(_("the identity index is out of date: %s"), err.msg);
		ctl_error(_("run 'naccsctl index rebuild'"));
		return CTL_EXIT_FAIL;
	}
	if (rc < 0)
		return ctl_exit_for_store(rc, &err, path);
	/* A uid the index publishes for an ID that a system account also
	 * has: NSS answers two names for it. */
	if (ctl_uid_clashes(ctx) != 0)
		return CTL_EXIT_FAIL;
	ctl_safe(path, safe, sizeof(safe));
	{
		char ids[64], groups[64];

		snprintf(ids, sizeof(ids),
			 dngettext(NACCS_TEXTDOMAIN, "%u ID", "%u IDs", stats.users),
			 (unsigned)stats.users);
		snprintf(groups, sizeof(groups),
			 dngettext(NACCS_TEXTDOMAIN, "%u group", "%u groups", stats.groups),
			 (unsigned)stats.groups);
		/* TRANSLATORS: the counts, each already with its plural form. */
		printf(_("index %s: up to date (%s, %s)\n"), safe, ids, groups);
	}
	note_module_path(path);
	return CTL_EXIT_OK;
}

int cmd_index(struct ctl_ctx *ctx, int argc, char **argv)
{
	char path[PATH_MAX];
	bool do_check;
	int rc;

	if (argc < 2)
		return ctl_usage_error("index", _("rebuild or check expected"));
	if (strcmp(argv[1], "rebuild") == 0)
		do_check = false;
	else if (strcmp(argv[1], "check") == 0)
		do_check = true;
	else
		return ctl_usage_error("index", _("unknown index command '%s'"), argv[1]);
	if (argc > 2)
		return ctl_usage_error("index", _("unexpected argument '%s'"), argv[2]);
	index_path_of(ctx, path, sizeof(path));
	if (path[0] == '\0') {
		ctl_error(_("the index path is too long"));
		return CTL_EXIT_FAIL;
	}
	/* rebuild reads the store only: the dispatcher's own rebuild after
	 * a writing command is not repeated for it. */
	rc = ctl_open_store(ctx, true);
	if (rc != CTL_EXIT_OK)
		return rc;
	return do_check ? check(ctx, path) : rebuild(ctx, path, false);
}

int ctl_index_after(struct ctl_ctx *ctx, int rc)
{
	char path[PATH_MAX];
	int irc;

	if (ctx->store == NULL || !ctx->store_writable)
		return rc;
	index_path_of(ctx, path, sizeof(path));
	if (path[0] == '\0') {
		ctl_error(_("the index path is too long"));
		return rc == CTL_EXIT_OK ? CTL_EXIT_FAIL : rc;
	}
	/* Whatever the command's outcome: the index follows the store as it
	 * is now (a failed command may have changed nothing, or part). */
	irc = rebuild(ctx, path, true);
	return rc == CTL_EXIT_OK ? irc : rc;
}
