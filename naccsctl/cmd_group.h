/* What naccsctl group's files share (cmd_group.c: list, show and the
 * dispatch; cmd_group_change.c: add, del, member add and remove). */
#ifndef NACCSCTL_CMD_GROUP_H
#define NACCSCTL_CMD_GROUP_H

#include "base/err.h"
#include "ctl.h"

/* A store error about group name: "no such group" (exit 3) for a missing
 * group, else as ctl_exit_for_store. */
int group_store_error(int rc, const struct naccs_err *err, const char *name);

/* naccsctl group add, del, member (argv[0] is the subcommand's name). */
int group_add(struct ctl_ctx *ctx, int argc, char **argv);
int group_del(struct ctl_ctx *ctx, int argc, char **argv);
int group_member(struct ctl_ctx *ctx, int argc, char **argv);

#endif
