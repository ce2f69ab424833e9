/* argon2id engine over the reference libargon2: portable, computes any number
 * of lanes (UTS-2.2.1.6(1)(e)(ア): one of two interchangeable engines). */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include <argon2.h>

#include "crypto/engine.h"
#include "base/secret.h"

/* argon2id_hash_raw() computes the library's current version; our PHC strings
 * say v=19, so a library that moved on must fail the build, not the logins. */
_Static_assert(ARGON2_VERSION_NUMBER == ARGON2_VERSION_13, "libargon2 must compute argon2 v0x13");

/* A variable, not the macro: on 64-bit the limit is UINT32_MAX, and comparing
 * against the literal would be a tautology the compiler warns about; on
 * 32-bit it is 2^21 KiB and the check matters. */
static const uint64_t max_memory_kib = ARGON2_MAX_MEMORY;

static bool libargon2_supports(const struct naccs_phc *h)
{
	uint32_t m_kib = h->m_kib, t_cost = h->t_cost, parallelism = h->parallelism;
	size_t salt_len = h->salt_len, out_len = h->hash_len;

	if (h->alg != NACCS_ALG_ARGON2ID)
		return false;
	if (parallelism < ARGON2_MIN_LANES || parallelism > ARGON2_MAX_LANES)
		return false;
	/* argon2 needs two blocks per lane and sync point (8 KiB per lane). */
	if (m_kib < ARGON2_MIN_MEMORY ||
	    (uint64_t)m_kib < (uint64_t)ARGON2_MIN_MEMORY * parallelism)
		return false;
	if (m_kib > max_memory_kib)
		return false;
	if (t_cost < ARGON2_MIN_TIME)
		return false;
	if (salt_len < ARGON2_MIN_SALT_LENGTH || (uint64_t)salt_len > ARGON2_MAX_SALT_LENGTH)
		return false;
	return out_len >= ARGON2_MIN_OUTLEN && (uint64_t)out_len <= ARGON2_MAX_OUTLEN;
}

static int libargon2_compute(const struct naccs_phc *h, const char *pw, size_t pw_len, uint8_t *out)
{
	int rc;

	if (h == NULL || pw == NULL || out == NULL || !libargon2_supports(h) ||
	    (uint64_t)pw_len > ARGON2_MAX_PWD_LENGTH)
		return -EINVAL;
	/* libargon2 allocates, wipes and frees its own working memory. */
	rc = argon2id_hash_raw(h->t_cost, h->m_kib, h->parallelism, pw, pw_len, h->salt,
			       h->salt_len, out, h->hash_len);
	if (rc == ARGON2_OK)
		return 0;
	naccs_wipe(out, h->hash_len);
	return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? -ENOMEM : -EINVAL;
}

const struct naccs_hash_engine naccs_engine_libargon2 = {
    .name = "libargon2",
    .alg = NACCS_ALG_ARGON2ID,
    .supports = libargon2_supports,
    .compute = libargon2_compute,
};
