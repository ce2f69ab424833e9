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
#include "crypto/phc.h"

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
