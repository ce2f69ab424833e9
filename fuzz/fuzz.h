/* Shared by the fuzz targets: the libFuzzer entry point and two helpers.
 * Each target is built two ways: with clang's libFuzzer (scripts/fuzz.sh) and
 * with fuzz/driver.c, which replays files (make check, valgrind). */
#ifndef NACCS_FUZZ_H
#define NACCS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: a violation aborts, which libFuzzer
 * and the driver both report as a crash (with the input that caused it). */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__,     \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A malloc'd copy of data[0..size) with a NUL after it, sized exactly, so
 * that AddressSanitizer and valgrind catch any read past the end. Embedded
 * NULs simply end the string early. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A malloc'd buffer of exactly n bytes (at least one allocated), for outputs:
 * a write past n is caught. */
static inline char *fuzz_outbuf(size_t n)
{
	char *p = malloc(n > 0 ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

#endif
