/* Small helpers shared by the benchmarks. */
#ifndef NACCS_BENCH_UTIL_H
#define NACCS_BENCH_UTIL_H

#include <stdint.h>

#include "crypto/hash.h"

/* CLOCK_MONOTONIC in milliseconds. */
double bench_now_ms(void);
/* Median of n values (sorts v in place). */
double bench_median(double *v, unsigned n);
/* Write text to path, mode 0600 (a configuration, a PAM service file);
 * 0 or -1. */
int bench_write_private(const char *path, const char *text);
/* A decimal in [1, max]; 0 or -EINVAL. */
int bench_parse_uint(const char *s, unsigned long max, uint32_t *out);

/* The options every benchmark takes: --m-kib N --t N --p N --rounds N (at
 * most max_rounds). Prints the usage and returns -EINVAL on a bad one. */
int bench_parse_args(int argc, char **argv, struct naccs_hash_params *cfg, unsigned *rounds,
		     unsigned max_rounds);

#endif
