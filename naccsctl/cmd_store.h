/* naccsctl store check and upgrade (cmd_store.c): the administrative open
 * they share with init. */
#ifndef NACCSCTL_CMD_STORE_H
#define NACCSCTL_CMD_STORE_H

#include <stdbool.h>

struct ctl_ctx;

/* The administrative open of an existing store (init, upgrade): examined
 * first without touching it (a damaged one is reported with what to do and
 * left alone: exit 4), then opened so that it may be migrated.  *before and
 * *was_wal say what it was, for ctl_store_report_changes. */
int ctl_store_open_admin(struct ctl_ctx *ctx, int *before, bool *was_wal);
/* Print what the administrative open changed; false if nothing. */
bool ctl_store_report_changes(struct ctl_ctx *ctx, int before, bool was_wal);
/* What to do with a damaged store (stderr). */
void ctl_store_damaged_advice(const char *path);

#endif
