/* Internal interface between crypto/hash.c and the engines.  An engine
 * computes the raw output of one algorithm (argon2id: crypto/engine_libargon2.c,
 * crypto/engine_libsodium.c; pbkdf2-sha256: crypto/engine_openssl.c) for the parameters and
 * salt of a struct naccs_phc; encoding, comparison and policy stay in
 * crypto/hash.c. */
#ifndef NACCS_HASH_ENGINE_H
#define NACCS_HASH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"
#include "crypto/phc.h"

struct naccs_hash_engine {
	const char *name;
	enum naccs_hash_alg alg; /* the one algorithm it computes */
	/* Can this engine compute h->alg with h's parameters, salt_len and
	 * hash_len?  (Only the engine's own limits: the ranges of the policy
	 * are crypto/hash.c's and crypto/phc.c's.) */
	bool (*supports)(const struct naccs_phc *h);
	/* Raw output of h->hash_len bytes into out, for h's parameters and
	 * salt (h->hash is not read). 0 or -errno (-ENOMEM, -EINVAL, -EIO). */
	int (*compute)(const struct naccs_phc *h, const char *pw, size_t pw_len, uint8_t *out);
};

extern const struct naccs_hash_engine naccs_engine_libargon2;
extern const struct naccs_hash_engine naccs_engine_libsodium;
extern const struct naccs_hash_engine naccs_engine_openssl;

#endif
