/* Opening and closing the store of naccsctl's run (ctl_store.c): after
 * the rights are checked (ctl_access.h) and, before a change, that the
 * audit trail can take its line. */
#ifndef NACCSCTL_CTL_STORE_H
#define NACCSCTL_CTL_STORE_H

#include <stdbool.h>

struct ctl_ctx;

/* Open the store of the loaded configuration, once (exit code; message
 * printed; 4 when it cannot be used). */
int ctl_open_store(struct ctl_ctx *ctx, bool read_only);
/* The same, making a new store (init, when no file is there). */
int ctl_create_store(struct ctl_ctx *ctx);
/* Also releases the store's lock (ctl_store_lock). */
void ctl_close_store(struct ctl_ctx *ctx);
/* init and upgrade: the store's lock, held exclusively until the store is
 * closed (policy/admin_lock.h); naccsd changes and decides nothing while
 * it is held.  Waits up to the store timeout for the service's current
 * request.  Exit code; message printed (4: the service holds it). */
int ctl_store_lock(struct ctl_ctx *ctx);

#endif
