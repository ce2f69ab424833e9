/* Handling of secrets: wiping and constant-time comparison.
 * Every buffer that held a password, a hash output or a key is wiped with
 * naccs_wipe() on every path, success and failure alike. */
#ifndef NACCS_SECRET_H
#define NACCS_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Overwrite len bytes at p with zeros; never optimised away (explicit_bzero). */
void naccs_wipe(void *p, size_t len);

/* Wipe a NUL-terminated string in place (no-op for NULL). */
void naccs_wipe_str(char *s);

/* Wipe and free a NUL-terminated string; returns NULL for `p = naccs_free_secret(p)`. */
void *naccs_free_secret(char *s);

/* Compare two buffers of equal length in time independent of their content. */
bool naccs_consttime_equal(const void *a, const void *b, size_t len);

/* Fill buf with len bytes from the OS CSPRNG. 0 or -errno. */
int naccs_random_bytes(void *buf, size_t len);

/* A keyed one-way tag of a secret (HMAC-SHA-256 under key), to tell later
 * whether the same secret comes back without keeping it.  0 or -EIO. */
#define NACCS_TAG_LEN 32
int naccs_secret_tag(const uint8_t key[NACCS_TAG_LEN], const char *secret,
		     uint8_t tag[NACCS_TAG_LEN]);

#endif
