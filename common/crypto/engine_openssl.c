/* pbkdf2-sha256 engine over OpenSSL 3 libcrypto: PBKDF2 (RFC 8018) with
 * HMAC-SHA-256, for sites that may use only primitives on the CRYPTREC
 * e-Government Recommended Ciphers List (UTS-2.2.1.6(1)(e)(イ): a selectable
 * algorithm; (ア): behind the same engine interface as argon2id). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/engine.h"
#include "base/secret.h"

static bool openssl_supports(const struct naccs_phc *h)
{
	/* PKCS5_PBKDF2_HMAC takes int lengths and counts. */
	return h->alg == NACCS_ALG_PBKDF2_SHA256 && h->iterations >= 1 &&
	       h->iterations <= INT_MAX && h->salt_len >= 1 && h->salt_len <= NACCS_SALT_MAX &&
	       h->hash_len >= 1 && h->hash_len <= NACCS_HASH_OUT_MAX;
}

static int openssl_compute(const struct naccs_phc *h, const char *pw, size_t pw_len, uint8_t *out)
{
	if (h == NULL || pw == NULL || out == NULL || !openssl_supports(h) || pw_len > INT_MAX)
		return -EINVAL;
	if (PKCS5_PBKDF2_HMAC(pw, (int)pw_len, h->salt, (int)h->salt_len, (int)h->iterations,
			      EVP_sha256(), (int)h->hash_len, out) == 1)
		return 0;
	naccs_wipe(out, h->hash_len);
	/* Leave nothing in the calling thread's OpenSSL error queue (sshd
	 * uses OpenSSL too). The only run-time failure is an allocation. */
	ERR_clear_error();
	return -ENOMEM;
}

const struct naccs_hash_engine naccs_engine_openssl = {
    .name = "openssl",
    .alg = NACCS_ALG_PBKDF2_SHA256,
    .supports = openssl_supports,
    .compute = openssl_compute,
};
