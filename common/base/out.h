/* Where the writers of libnaccs (base/json.h, base/csv.h) put their
 * bytes: a stream, or a caller's buffer kept NUL-terminated.  The one copy
 * of that rule; each writer keeps its own sticky error. */
#ifndef NACCS_OUT_H
#define NACCS_OUT_H

#include <stddef.h>
#include <stdio.h>

/* Append the n bytes at s to out (when not NULL), else to buf (cap bytes,
 * *len used, a NUL always after them), and add n to *len.  0, -EIO (a
 * stream write failed) or -ENOBUFS (the buffer has no room for the bytes
 * and the NUL: nothing appended). */
int naccs_out_put(FILE *out, char *buf, size_t cap, size_t *len, const char *s, size_t n);

#endif
