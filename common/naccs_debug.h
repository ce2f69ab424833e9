/* Debug lines (the [general] debug key or the PAM argument "debug"): the
 * path a decision took, for an administrator finding out why a login was
 * refused.  Never a password, a hash, or a name that is not loggable
 * (naccs_name_loggable). LOG_AUTHPRIV | LOG_DEBUG, prefixed "naccs debug:". */
#ifndef NACCS_DEBUG_H
#define NACCS_DEBUG_H

#include <stdbool.h>

void naccs_debug(bool on, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* name as typed when it may be logged, else a placeholder. */
const char *naccs_debug_name(const char *name);

#endif
