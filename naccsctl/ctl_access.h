/* naccsctl without the rights to the store or the audit trail: the plain
 * message of what is missing (ctl_access.c). */
#ifndef NACCSCTL_CTL_ACCESS_H
#define NACCSCTL_CTL_ACCESS_H

#include <stdbool.h>

/* When this process lacks a permission the store at path needs (read; with
 * write also write, the -wal and -shm files and their directory; with
 * create write on the directory), print one plain sentence naming it (and
 * "run naccsctl as root" when not root) and return true. */
bool ctl_store_access_denied(const char *path, bool write, bool create);
/* The same for the audit trail's directory (read, write and search). */
bool ctl_trail_access_denied(const char *dir);

#endif
