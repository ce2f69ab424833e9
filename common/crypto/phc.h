/* The PHC string codec (crypto/phc.c): a stored hash's algorithm,
 * parameters, salt and hash (UTS-2.2.1.6(1)(e)(イ)). */
#ifndef NACCS_PHC_H
#define NACCS_PHC_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "crypto/hash.h"

/* A parsed PHC string, salt and hash in unpadded standard base64:
 *   $argon2id$v=19$m=M,t=T,p=P$<salt>$<hash>
 *   $pbkdf2-sha256$i=I$<salt>$<hash>
 * The fields of the other algorithm are 0. */
struct naccs_phc {
	enum naccs_hash_alg alg;
	uint32_t version;		     /* argon2id: 19 = 0x13 */
	uint32_t m_kib, t_cost, parallelism; /* argon2id */
	uint32_t iterations;		     /* pbkdf2-sha256 */
	uint8_t salt[NACCS_SALT_MAX];
	size_t salt_len;
	uint8_t hash[NACCS_HASH_OUT_MAX];
	size_t hash_len;
};

/* The codec (no secrets are printed in error messages).  Parameters
 * outside the ranges of crypto/hash.h are refused by both. */
int naccs_phc_parse(const char *s, struct naccs_phc *out, struct naccs_err *err);
int naccs_phc_format(const struct naccs_phc *phc, char *out, size_t outlen, struct naccs_err *err);

#endif
