/* Internal interface between naccs_hash.c and the argon2id engines.
 * An engine computes the raw argon2id output for given parameters and salt;
 * encoding, comparison and policy stay in naccs_hash.c. */
#ifndef NACCS_HASH_ENGINE_H
#define NACCS_HASH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct naccs_hash_engine {
	const char *name;
	/* Can this engine compute argon2id with these parameters? */
	bool (*supports)(uint32_t m_kib, uint32_t t_cost, uint32_t parallelism, size_t salt_len,
			 size_t out_len);
	/* Raw argon2id (version 0x13). 0 or -errno (-ENOMEM, -EINVAL). */
	int (*compute)(uint32_t m_kib, uint32_t t_cost, uint32_t parallelism, const char *pw,
		       size_t pw_len, const uint8_t *salt, size_t salt_len, uint8_t *out,
		       size_t out_len);
};

extern const struct naccs_hash_engine naccs_engine_libargon2;
extern const struct naccs_hash_engine naccs_engine_libsodium;

#endif
