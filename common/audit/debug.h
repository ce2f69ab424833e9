/* Debug lines (the [general] debug key or the PAM argument "debug"): the
 * path a decision took, for an administrator finding out why a login was
 * refused.  Never a password, a hash, or a name as typed that is no
 * account of the system (audit/nametag.h). LOG_AUTHPRIV | LOG_DEBUG, prefixed "naccs debug:". */
#ifndef NACCS_DEBUG_H
#define NACCS_DEBUG_H

#include <stdbool.h>

void naccs_debug(bool on, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* name as typed when it may be logged (an account the system knows:
 * audit/nametag.h), else a placeholder; "" when debug is off (on false),
 * without looking the name up. */
const char *naccs_debug_name(bool on, const char *name);

#endif
