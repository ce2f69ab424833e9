#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench_util.h"
#include "base/num.h"

double bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int bench_parse_uint(const char *s, unsigned long max, uint32_t *out)
{
	unsigned long v;

	if (s == NULL || naccs_parse_ulong(s, strlen(s), 1, max, &v) < 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int bench_parse_args(int argc, char **argv, struct naccs_hash_params *cfg, unsigned *rounds,
		     unsigned max_rounds)
{
	for (int i = 1; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t n = 0;
		int rc = -EINVAL;

		if (strcmp(opt, "--m-kib") == 0)
			rc = bench_parse_uint(val, 0xFFFFFFFFul, &cfg->m_kib);
		else if (strcmp(opt, "--t") == 0)
			rc = bench_parse_uint(val, 0xFFFFFFFFul, &cfg->t_cost);
		else if (strcmp(opt, "--p") == 0)
			rc = bench_parse_uint(val, 0xFFFFFFFFul, &cfg->parallelism);
		else if (strcmp(opt, "--iterations") == 0)
			rc = bench_parse_uint(val, 0xFFFFFFFFul, &cfg->pbkdf2_iterations);
		else if (strcmp(opt, "--rounds") == 0 &&
			 (rc = bench_parse_uint(val, max_rounds, &n)) == 0)
			*rounds = n;
		if (rc != 0) {
			fprintf(stderr,
				"usage: %s [--m-kib N] [--t N] [--p N] [--iterations N] "
				"[--rounds N]\n",
				argv[0]);
			return -EINVAL;
		}
	}
	return 0;
}

int bench_write_private(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0 || chmod(path, 0600) != 0)
		rc = -1;
	return rc;
}
