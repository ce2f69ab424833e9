/* The output of the writers (see base/out.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "base/out.h"

int naccs_out_put(FILE *out, char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (out != NULL) {
		if (n > 0 && fwrite(s, 1, n, out) != n)
			return -EIO;
	} else {
		/* Room for the bytes and the NUL that always follows them. */
		if (n >= cap - *len)
			return -ENOBUFS;
		memcpy(buf + *len, s, n);
		buf[*len + n] = '\0';
	}
	*len += n;
	return 0;
}
