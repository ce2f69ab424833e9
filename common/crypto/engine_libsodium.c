/* argon2id engine over libsodium's crypto_pwhash: vectorised and faster than
 * the reference build, but one lane only and a fixed 16-byte salt
 * (UTS-2.2.1.6(1)(e)(ア): one of two interchangeable engines). */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include <sodium.h>

#include "crypto/engine.h"
#include "base/secret.h"

static bool libsodium_supports(const struct naccs_phc *h)
{
	/* crypto_pwhash takes the memory limit in bytes as a size_t. */
	uint64_t mem_bytes = (uint64_t)h->m_kib * 1024u;
	size_t out_len = h->hash_len;

	if (h->alg != NACCS_ALG_ARGON2ID)
		return false;
	/* crypto_pwhash has no lanes parameter: it always computes p = 1. */
	if (h->parallelism != 1 || h->salt_len != crypto_pwhash_SALTBYTES)
		return false;
	if (h->t_cost < crypto_pwhash_argon2id_opslimit_min() ||
	    h->t_cost > crypto_pwhash_argon2id_opslimit_max())
		return false;
	if (mem_bytes > SIZE_MAX || mem_bytes < crypto_pwhash_argon2id_memlimit_min() ||
	    mem_bytes > crypto_pwhash_argon2id_memlimit_max())
		return false;
	return out_len >= crypto_pwhash_argon2id_bytes_min() &&
	       out_len <= crypto_pwhash_argon2id_bytes_max();
}

static int libsodium_compute(const struct naccs_phc *h, const char *pw, size_t pw_len, uint8_t *out)
{
	int rc;

	if (h == NULL || pw == NULL || out == NULL || !libsodium_supports(h) ||
	    pw_len > crypto_pwhash_argon2id_passwd_max())
		return -EINVAL;
	/* Selects the fastest argon2 implementation for this CPU; idempotent. */
	if (sodium_init() < 0)
		return -EIO;
	errno = 0;
	rc = crypto_pwhash(out, h->hash_len, pw, pw_len, h->salt, h->t_cost,
			   (size_t)h->m_kib * 1024u, crypto_pwhash_ALG_ARGON2ID13);
	if (rc == 0)
		return 0;
	naccs_wipe(out, h->hash_len);
	/* The parameters were checked above, so a failure now is (nearly
	 * always) the working memory that could not be allocated. */
	return errno == EINVAL || errno == EFBIG ? -EINVAL : -ENOMEM;
}

const struct naccs_hash_engine naccs_engine_libsodium = {
    .name = "libsodium",
    .alg = NACCS_ALG_ARGON2ID,
    .supports = libsodium_supports,
    .compute = libsodium_compute,
};
