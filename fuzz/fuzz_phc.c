/* PHC strings ($argon2id$v=19$m=..,t=..,p=..$salt$hash and
 * $pbkdf2-sha256$i=..$salt$hash) come from the store,
 * which an attacker with write access to a backup or a damaged disk controls.
 * Invariants: a string that parses has sane lengths, formats again (into
 * exactly the buffer it needs, and no smaller) and re-parses to the same
 * struct; a string that does not parse leaves no partial result behind and
 * its message quotes nothing of it.  The same bytes are also read as a raw
 * struct naccs_phc for naccs_phc_format, which must refuse or round-trip. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "crypto/hash.h"
#include "crypto/phc.h"

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		if (b[i] != 0)
			return false;
	}
	return true;
}

static bool same_phc(const struct naccs_phc *a, const struct naccs_phc *b)
{
	return a->alg == b->alg && a->version == b->version && a->m_kib == b->m_kib &&
	       a->t_cost == b->t_cost && a->parallelism == b->parallelism &&
	       a->iterations == b->iterations && a->salt_len == b->salt_len &&
	       a->hash_len == b->hash_len && memcmp(a->salt, b->salt, a->salt_len) == 0 &&
	       memcmp(a->hash, b->hash, a->hash_len) == 0;
}

static void check_msg(const struct naccs_err *err)
{
	FUZZ_CHECK(err->code > 0);
	FUZZ_CHECK(strnlen(err->msg, sizeof(err->msg)) < sizeof(err->msg));
	/* Our own words only: no piece of the (possibly secret) hash string. */
	FUZZ_CHECK(strchr(err->msg, '$') == NULL);
}

/* phc formats into an exact-size buffer and parses back to the same struct;
 * one byte less is refused with the buffer wiped. Returns the length. */
static size_t check_format_round_trip(const struct naccs_phc *phc, char out[NACCS_PHC_MAX])
{
	struct naccs_phc back;
	struct naccs_err err;
	size_t len;
	char *buf;

	naccs_err_clear(&err);
	FUZZ_CHECK(naccs_phc_format(phc, out, NACCS_PHC_MAX, &err) == 0);
	len = strnlen(out, NACCS_PHC_MAX);
	FUZZ_CHECK(len > 0 && len < NACCS_PHC_MAX);
	FUZZ_CHECK(naccs_phc_parse(out, &back, &err) == 0);
	FUZZ_CHECK(same_phc(phc, &back));

	buf = fuzz_outbuf(len + 1);
	FUZZ_CHECK(naccs_phc_format(phc, buf, len + 1, &err) == 0);
	FUZZ_CHECK(strcmp(buf, out) == 0);
	free(buf);
	buf = fuzz_outbuf(len);
	FUZZ_CHECK(naccs_phc_format(phc, buf, len, &err) == -ENOSPC);
	FUZZ_CHECK(all_zero(buf, len));
	check_msg(&err);
	free(buf);
	return len;
}

static void check_string(const char *s)
{
	struct naccs_phc phc;
	struct naccs_err err;
	char out[NACCS_PHC_MAX];
	int rc;

	naccs_err_clear(&err);
	rc = naccs_phc_parse(s, &phc, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -EINVAL);
		FUZZ_CHECK(all_zero(&phc, sizeof(phc)));
		check_msg(&err);
		return;
	}
	if (phc.alg == NACCS_ALG_PBKDF2_SHA256) {
		/* Only "i=": nothing of argon2id, iterations in the configured range,
		 * at most one SHA-256 block of output. */
		FUZZ_CHECK(phc.version == 0 && phc.m_kib == 0 && phc.t_cost == 0 &&
			   phc.parallelism == 0);
		FUZZ_CHECK(phc.iterations >= NACCS_PBKDF2_ITER_MIN &&
			   phc.iterations <= NACCS_PBKDF2_ITER_MAX);
		FUZZ_CHECK(phc.hash_len <= NACCS_PBKDF2_OUT_MAX);
	} else {
		FUZZ_CHECK(phc.alg == NACCS_ALG_ARGON2ID && phc.version == 19);
		FUZZ_CHECK(phc.iterations == 0);
	}
	FUZZ_CHECK(phc.salt_len >= 8 && phc.salt_len <= NACCS_SALT_MAX);
	FUZZ_CHECK(phc.hash_len >= 16 && phc.hash_len <= NACCS_HASH_OUT_MAX);
	check_format_round_trip(&phc, out);
	/* The codec is canonical: one struct, one string. */
	FUZZ_CHECK(strcmp(out, s) == 0);
}

/* data[0] is the output size, the rest the struct's bytes. */
static void check_raw(const uint8_t *data, size_t size)
{
	struct naccs_phc *phc = malloc(sizeof(*phc));
	struct naccs_err err;
	size_t outlen = data[0];
	char *out = fuzz_outbuf(outlen);
	int rc;

	if (phc == NULL)
		abort();
	memset(phc, 0, sizeof(*phc));
	memcpy(phc, data + 1, size - 1 < sizeof(*phc) ? size - 1 : sizeof(*phc));
	naccs_err_clear(&err);
	rc = naccs_phc_format(phc, out, outlen, &err);
	if (rc == 0) {
		char again[NACCS_PHC_MAX];

		FUZZ_CHECK(strnlen(out, outlen) < outlen);
		check_format_round_trip(phc, again);
		FUZZ_CHECK(strcmp(again, out) == 0);
	} else {
		FUZZ_CHECK(rc == -EINVAL || rc == -ENOSPC);
		FUZZ_CHECK(outlen == 0 || out[0] == '\0');
		check_msg(&err);
	}
	free(out);
	free(phc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstring(data, size);

	check_string(s);
	free(s);
	if (size > 0)
		check_raw(data, size);
	return 0;
}
