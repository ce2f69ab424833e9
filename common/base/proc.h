/* What the kernel says about a process and the caller cannot forge: its
 * audit login uid (/proc/PID/loginuid), set at login and kept through su
 * and sudo.  The one reader of it (the su rule's invoker, the actor of
 * naccsctl, ending an ID's sessions). */
#ifndef NACCS_BASE_PROC_H
#define NACCS_BASE_PROC_H

#include <stdbool.h>
#include <stdint.h>

/* The login uid of process pid (0: this process).  false when it cannot
 * be read or was never set (4294967295, (uid_t)-1). */
bool naccs_proc_loginuid(long pid, uint32_t *out);

#endif
