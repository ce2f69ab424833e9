/* What naccsctl init and upgrade create beside the store (ctl_setup.c). */
#ifndef NACCSCTL_CTL_SETUP_H
#define NACCSCTL_CTL_SETUP_H

#include <stdbool.h>

struct ctl_ctx;

/* Make dir (mode 0755) if it is missing; with parents, also its missing
 * ancestors.  0, or -errno with a message printed. */
int ctl_ensure_dir(const char *dir, bool parents);
/* The audit trail (audit/trail.h): its directory (0700) and a new state
 * with a random first key, printed this once for offline keeping (the
 * verification key of naccsctl audit verify --key).  An existing trail
 * is never touched.  init and upgrade (a store from before the trail).
 * CTL_EXIT_OK or CTL_EXIT_FAIL. */
int ctl_create_trail(struct ctl_ctx *ctx, bool force_dirs, bool quiet_if_exists);

#endif
