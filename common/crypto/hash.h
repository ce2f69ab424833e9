/* Password hashing: argon2id (the default) or PBKDF2-HMAC-SHA-256 (for sites
 * that may use only primitives on the CRYPTREC e-Government Recommended
 * Ciphers List) behind one small interface with interchangeable engines
 * (UTS-2.2.1.6(1)(e)(ア): swappable crypto module; (イ): selectable
 * algorithms, each stored hash names its algorithm and parameters in PHC form).
 * Only one-way hashes are ever stored (UTS-2.2.1.1(1)(b)(ア), (e)(イ)). */
#ifndef NACCS_HASH_H
#define NACCS_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

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

enum naccs_engine_id {
	NACCS_ENGINE_AUTO = 0,	    /* fastest engine that supports the parameters */
	NACCS_ENGINE_LIBARGON2 = 1, /* reference libargon2: any p */
	NACCS_ENGINE_LIBSODIUM = 2, /* libsodium's vectorised argon2id: p = 1, 16-byte salt */
	NACCS_ENGINE_OPENSSL = 3,   /* OpenSSL 3 libcrypto: pbkdf2-sha256 only */
};

/* What the configuration asks for; also the parameters of a parsed hash. */
struct naccs_hash_params {
	enum naccs_hash_alg alg;
	enum naccs_engine_id engine;
	uint32_t m_kib;		     /* memory in KiB (default 65536 = 64 MiB) */
	uint32_t t_cost;	     /* passes (default 3) */
	uint32_t parallelism;	     /* lanes (default 1) */
	uint32_t salt_len;	     /* bytes (default 16) */
	uint32_t hash_len;	     /* bytes (default 32) */
	uint32_t max_password_bytes; /* longer passwords are refused before hashing (512) */
	uint32_t pbkdf2_iterations;  /* pbkdf2-sha256 only (default 600000) */
};

void naccs_hash_params_default(struct naccs_hash_params *p);

/* Check that params are within the ranges we support. 0 or -EINVAL + message. */
int naccs_hash_params_validate(const struct naccs_hash_params *p, struct naccs_err *err);

/* Resolve NACCS_ENGINE_AUTO (and check an explicit choice) against params:
 * returns the engine to use, or -ENOTSUP when the chosen engine cannot
 * compute these parameters (e.g. libsodium with p > 1, or an engine of the
 * other algorithm: libargon2 and libsodium compute only argon2id, openssl
 * only pbkdf2-sha256). */
int naccs_hash_pick_engine(const struct naccs_hash_params *p, struct naccs_err *err);
const char *naccs_hash_engine_name(enum naccs_engine_id id);
/* Parse an engine name ("auto", "libargon2", "libsodium", "openssl"); -EINVAL if unknown. */
int naccs_hash_engine_from_name(const char *name, enum naccs_engine_id *out);
/* "argon2id" or "pbkdf2-sha256" (also the PHC identifiers). */
const char *naccs_hash_alg_name(enum naccs_hash_alg alg);
int naccs_hash_alg_from_name(const char *name, enum naccs_hash_alg *out);

/* Hash pw with a fresh random salt into phc (NUL-terminated, < NACCS_PHC_MAX).
 * -E2BIG if pw is longer than p->max_password_bytes, -EINVAL if it is empty
 * (the same for every function here that takes a password). */
int naccs_hash_new(const struct naccs_hash_params *p, const char *pw, char phc[NACCS_PHC_MAX],
		   struct naccs_err *err);

/* Verify pw against stored phc in constant time, whichever algorithm it
 * names (cfg->alg only decides needs_rehash).  Returns 0 when the
 * computation ran (then *match tells the result, and *needs_rehash is true
 * when the hash's algorithm or parameters differ from cfg), -EINVAL for a
 * malformed phc, -E2BIG for an over-long password, -ENOMEM. The engine used
 * is cfg->engine if it supports the hash's algorithm and parameters, else
 * another one that does. */
int naccs_hash_verify(const struct naccs_hash_params *cfg, const char *phc, const char *pw,
		      bool *match, bool *needs_rehash, struct naccs_err *err);

/* Run a verification with exactly the cost of verifying a hash made with cfg,
 * for unknown users, so that they take the same time as known ones. Always
 * reports no match. */
int naccs_hash_dummy_verify(const struct naccs_hash_params *cfg, const char *pw,
			    struct naccs_err *err);

/* The same, with the cost of verifying the hash like (a PHC string, or only
 * its parameters "$argon2id$v=19$m=65536,t=3,p=1$" or "$pbkdf2-sha256$i=N$"
 * as the store's SQ_PHC_PARAMS yields them; its salt and hash are
 * not used): a locked ID's attempt costs what verifying its own hash does,
 * an unknown user's what the store's typical hash does.  like NULL or "":
 * cfg's cost. -EINVAL for a malformed like. */
int naccs_hash_dummy_verify_like(const struct naccs_hash_params *cfg, const char *like,
				 const char *pw, struct naccs_err *err);

#endif
