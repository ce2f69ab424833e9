/* The PHC string codec (crypto/phc.c): a stored hash's algorithm,
 * parameters, salt and hash (UTS-2.2.1.6(1)(e)(イ)). */
#ifndef NACCS_PHC_H
#define NACCS_PHC_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* The limits of a stored hash: its string, salt and output, and the
 * parameter ranges (crypto/hash.h takes the same ones for the
 * configuration). */
/* Longest PHC string we produce or accept (argon2id with 64-byte salt and
 * 64-byte output is ~200 characters). */
#define NACCS_PHC_MAX	   256
#define NACCS_SALT_MAX	   64
#define NACCS_HASH_OUT_MAX 64

/* The ranges we accept, from the configuration and from PHC strings read
 * from the store alike, so a stored hash can never make a login compute or
 * allocate more than the configuration may ask for. */
#define NACCS_SALT_MIN	   8u
#define NACCS_HASH_OUT_MIN 16u
#define NACCS_T_COST_MIN   1u
#define NACCS_T_COST_MAX   64u
#define NACCS_LANES_MIN	   1u
#define NACCS_LANES_MAX	   64u
/* Argon2 needs at least 8 KiB of memory per lane. */
#define NACCS_M_KIB_PER_LANE 8u
/* Memory per verification is capped at 1 GiB.  Nothing bounds yet how many
 * verifications run at once (the flood cap comes with the lockout rules),
 * so memory_kib x concurrent logins is bounded only by this cap times the
 * logins the host lets through.  1 GiB is libsodium's
 * crypto_pwhash_MEMLIMIT_SENSITIVE, its setting for sensitive,
 * non-interactive use, and 16 times our default (64 MiB, RFC 9106's
 * recommendation for memory-constrained settings); above it a handful of
 * simultaneous logins exhausts a workstation, and before this cap a stored
 * hash with m = 4 GiB could make one login allocate 4 GiB. */
#define NACCS_HASH_M_KIB_MAX 1048576u
/* The argon2 version we compute and accept: 0x13. */
#define NACCS_ARGON2_VERSION 19u

/* PBKDF2-HMAC-SHA-256 iterations.  The default is OWASP's 2023
 * recommendation for PBKDF2-HMAC-SHA256 (600 000); below 100 000 the
 * hash is cheap to attack on a GPU, above 10 000 000 one login takes
 * seconds of CPU.  A stored hash is held to the same range. */
#define NACCS_PBKDF2_ITER_DEFAULT 600000u
#define NACCS_PBKDF2_ITER_MIN	  100000u
#define NACCS_PBKDF2_ITER_MAX	  10000000u
/* One SHA-256 block: more output would double the defender's work and not
 * the attacker's (PBKDF2 computes each 32-byte block separately). */
#define NACCS_PBKDF2_OUT_MAX 32u

enum naccs_hash_alg {
	NACCS_ALG_ARGON2ID = 0,
	NACCS_ALG_PBKDF2_SHA256 = 1, /* PBKDF2-HMAC-SHA-256, CRYPTREC-listed primitives */
};

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
 * outside the ranges above are refused by both. */
int naccs_phc_parse(const char *s, struct naccs_phc *out, struct naccs_err *err);
int naccs_phc_format(const struct naccs_phc *phc, char *out, size_t outlen, struct naccs_err *err);

#endif
