/* Error reporting for libnaccs: functions return 0 or -errno and, when they
 * fail, leave a human-readable message in a caller-owned struct naccs_err.
 * A fixed buffer rather than an allocated string: nothing to free, nothing
 * to leak in a host process, and it works when memory is short. */
#ifndef NACCS_ERR_H
#define NACCS_ERR_H

#include <stddef.h>

#define NACCS_ERR_MSG_MAX 512

struct naccs_err {
	int code; /* positive errno of the last failure, 0 if none */
	char msg[NACCS_ERR_MSG_MAX];
};

/* Record a failure: sets err->code = code and formats the message.
 * Returns -code so callers can write `return naccs_err_set(err, EINVAL, ...)`.
 * err may be NULL (the message is then dropped). */
int naccs_err_set(struct naccs_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Forget any previous failure. */
void naccs_err_clear(struct naccs_err *err);

/* True when rc (a -errno) means "the store or a resource is unavailable"
 * rather than "no such thing" or "bad input": callers fail closed on it. */
int naccs_err_is_unavailable(int rc);

/* The text of errnum, thread-safe (strerror() is not: a PAM module runs
 * inside threaded hosts).  Returns a pointer to buf or to a static string;
 * buf of len bytes is used when the C library needs room. */
const char *naccs_strerror(int errnum, char *buf, size_t len);

#endif
