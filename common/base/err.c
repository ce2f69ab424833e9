#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

int naccs_err_set(struct naccs_err *err, int code, const char *fmt, ...)
{
	if (code <= 0)
		code = EIO;
	if (err != NULL) {
		va_list ap;

		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

void naccs_err_clear(struct naccs_err *err)
{
	if (err != NULL) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

int naccs_err_is_unavailable(int rc)
{
	switch (rc) {
	case 0:
	case -ENOENT:
	case -EEXIST:
	case -EINVAL:
	case -ESTALE:
	case -EALREADY:
	case -ECANCELED:
	case -E2BIG:
	case -ENOTUNIQ: /* one ID per person (store/store.h) */
		return 0;
	default:
		return rc < 0;
	}
}

/* GNU strerror_r (AC_USE_SYSTEM_EXTENSIONS defines _GNU_SOURCE): it returns
 * the text, in buf or in a static table. */
const char *naccs_strerror(int errnum, char *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return "";
	buf[0] = '\0';
	return strerror_r(errnum, buf, len);
}
