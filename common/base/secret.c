#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "base/secret.h"

void naccs_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

void naccs_wipe_str(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
}

void *naccs_free_secret(char *s)
{
	naccs_wipe_str(s);
	free(s);
	return NULL;
}

bool naccs_consttime_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

int naccs_random_bytes(void *buf, size_t len)
{
	if (len > (size_t)INT32_MAX)
		return -EINVAL;
	/* OpenSSL's DRBG, seeded from the kernel (getrandom). */
	if (RAND_bytes(buf, (int)len) != 1)
		return -EIO;
	return 0;
}

int naccs_secret_tag(const uint8_t key[NACCS_TAG_LEN], const char *secret,
		     uint8_t tag[NACCS_TAG_LEN])
{
	unsigned int len = NACCS_TAG_LEN;

	if (secret == NULL ||
	    HMAC(EVP_sha256(), key, NACCS_TAG_LEN, (const unsigned char *)secret, strlen(secret),
		 tag, &len) == NULL ||
	    len != NACCS_TAG_LEN)
		return -EIO;
	return 0;
}
