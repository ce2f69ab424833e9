/* The PHC string codec, salt and hash in unpadded standard base64:
 *   $argon2id$v=19$m=M,t=T,p=P$<salt>$<hash>
 *   $pbkdf2-sha256$i=I$<salt>$<hash>   (PBKDF2-HMAC-SHA-256, I iterations,
 *                                       hash 16 to 32 bytes)
 * Each stored hash names its algorithm
 * and parameters (UTS-2.2.1.6(1)(e)(イ)).  The strings come from the store,
 * which a damaged disk or a tampered backup controls: parsing is strict and
 * canonical (one struct, one string), parameters are held to the ranges of
 * crypto/hash.h before anything is computed or allocated, and messages never
 * quote the string (it holds a hash). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "crypto/phc.h"
#include "base/i18n.h"
#include "base/num.h"
#include "base/secret.h"

#define B64_VARIANT   sodium_base64_VARIANT_ORIGINAL_NO_PADDING
#define SALT_B64_SIZE sodium_base64_ENCODED_LEN(NACCS_SALT_MAX, B64_VARIANT)
#define HASH_B64_SIZE sodium_base64_ENCODED_LEN(NACCS_HASH_OUT_MAX, B64_VARIANT)

/* One '$'-separated field of a PHC string (not NUL-terminated). */
struct span {
	const char *s;
	size_t len;
};

static bool span_is(struct span f, const char *lit)
{
	return f.len == strlen(lit) && memcmp(f.s, lit, f.len) == 0;
}

/* Take the field after the '$' at *pos up to the next '$' or the end. */
static bool next_field(const char **pos, const char *end, struct span *f)
{
	const char *p = *pos;
	const char *q;

	if (p >= end || *p != '$')
		return false;
	p++;
	q = memchr(p, '$', (size_t)(end - p));
	if (q == NULL)
		q = end;
	f->s = p;
	f->len = (size_t)(q - p);
	*pos = q;
	return true;
}

/* PHC decimal: digits only, no sign, no blanks, fits u32, and no leading
 * zero (the codec is canonical: "m=0256" would be a second spelling). */
static bool parse_u32(struct span f, uint32_t *out)
{
	unsigned long v;

	if (f.len > 1 && f.s[0] == '0')
		return false;
	if (naccs_parse_ulong(f.s, f.len, 0, UINT32_MAX, &v) != 0)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int phc_bad(struct naccs_err *err, const char *why)
{
	/* Only our own description: the string itself may hold a hash. */
	return naccs_err_set(err, EINVAL, _("malformed password hash: %s"), why);
}

static int parse_version(struct span f, struct naccs_phc *out, struct naccs_err *err)
{
	struct span num;

	if (f.len < 2 || memcmp(f.s, "v=", 2) != 0)
		return phc_bad(err, _("missing version"));
	num = (struct span){f.s + 2, f.len - 2};
	if (!parse_u32(num, &out->version) || out->version != NACCS_ARGON2_VERSION)
		return phc_bad(err, _("unsupported argon2 version (only v=19)"));
	return 0;
}

static int check_cost_ranges(uint32_t m_kib, uint32_t t_cost, uint32_t lanes, struct naccs_err *err)
{
	if (lanes < NACCS_LANES_MIN || lanes > NACCS_LANES_MAX)
		return phc_bad(err, _("parallelism out of range"));
	/* Before anything is allocated: a stored m above the cap would make
	 * the login allocate it. */
	if (m_kib < NACCS_M_KIB_PER_LANE * lanes || m_kib > NACCS_HASH_M_KIB_MAX)
		return phc_bad(err, _("memory out of range"));
	if (t_cost < NACCS_T_COST_MIN || t_cost > NACCS_T_COST_MAX)
		return phc_bad(err, _("time cost out of range"));
	return 0;
}

/* One "k=N" item of the cost list; i is its position. The keys must come
 * exactly once each, in argon2's own order m, t, p. */
static int parse_cost_item(struct span item, size_t i, uint32_t vals[3], struct naccs_err *err)
{
	static const char keys[3] = {'m', 't', 'p'};
	size_t k;

	if (item.len < 2 || item.s[1] != '=')
		return phc_bad(err, _("malformed parameter list"));
	for (k = 0; k < 3 && keys[k] != item.s[0]; k++)
		;
	if (k == 3)
		return phc_bad(err, _("unknown parameter"));
	if (k < i)
		return phc_bad(err, _("duplicate parameter"));
	if (k > i)
		return phc_bad(err, _("missing or misplaced parameter"));
	if (!parse_u32((struct span){item.s + 2, item.len - 2}, &vals[k]))
		return phc_bad(err, _("parameter value is not a number"));
	return 0;
}

static int parse_costs(struct span f, struct naccs_phc *out, struct naccs_err *err)
{
	uint32_t vals[3];
	const char *p = f.s, *end = f.s + f.len;
	size_t i = 0;

	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma != NULL ? comma : end;
		int rc = parse_cost_item((struct span){p, (size_t)(item_end - p)}, i, vals, err);
		if (rc != 0)
			return rc;
		i++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (i != 3)
		return phc_bad(err, _("missing parameter"));
	out->m_kib = vals[0];
	out->t_cost = vals[1];
	out->parallelism = vals[2];
	return check_cost_ranges(out->m_kib, out->t_cost, out->parallelism, err);
}

/* Only A-Z a-z 0-9 + /: libsodium (1.0.18) decodes any byte >= 0x80 as if
 * it were '/', so a string with such bytes would pass as another one. */
static bool b64_alphabet(struct span f)
{
	for (size_t i = 0; i < f.len; i++) {
		char c = f.s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return false;
	}
	return true;
}

static int decode_b64(struct span f, uint8_t *bin, size_t bin_max, size_t min_len, size_t *bin_len,
		      const char *what, struct naccs_err *err)
{
	/* Unpadded base64 carries 6 bits a character. */
	if (f.len / 4 * 3 + (f.len % 4 * 6) / 8 > bin_max)
		return naccs_err_set(err, EINVAL, _("malformed password hash: %s too long"), what);
	/* With b64_end NULL, libsodium fails unless the whole field decodes;
	 * it also refuses non-zero padding bits (non-canonical encodings). */
	if (f.len == 0 || !b64_alphabet(f) ||
	    sodium_base642bin(bin, bin_max, f.s, f.len, NULL, bin_len, NULL, B64_VARIANT) != 0) {
		naccs_wipe(bin, bin_max);
		return naccs_err_set(err, EINVAL, _("malformed password hash: bad base64 in %s"),
				     what);
	}
	if (*bin_len < min_len) {
		naccs_wipe(bin, bin_max);
		return naccs_err_set(err, EINVAL, _("malformed password hash: %s too short"), what);
	}
	return 0;
}

/* "i=N", the one parameter of pbkdf2-sha256, held to the configuration's
 * range before anything is computed. */
static int parse_iterations(struct span f, struct naccs_phc *out, struct naccs_err *err)
{
	if (f.len < 2 || memcmp(f.s, "i=", 2) != 0)
		return phc_bad(err, _("malformed parameter list"));
	if (!parse_u32((struct span){f.s + 2, f.len - 2}, &out->iterations))
		return phc_bad(err, _("parameter value is not a number"));
	if (out->iterations < NACCS_PBKDF2_ITER_MIN || out->iterations > NACCS_PBKDF2_ITER_MAX)
		return phc_bad(err, _("iterations out of range"));
	return 0;
}

/* The fields between the identifier and the salt. */
static int parse_params(const char **pos, const char *end, struct naccs_phc *out,
			struct naccs_err *err)
{
	struct span f;
	int rc;

	if (out->alg == NACCS_ALG_PBKDF2_SHA256) {
		if (!next_field(pos, end, &f))
			return phc_bad(err, _("missing parameters"));
		return parse_iterations(f, out, err);
	}
	if (!next_field(pos, end, &f))
		return phc_bad(err, _("missing version"));
	if ((rc = parse_version(f, out, err)) != 0)
		return rc;
	if (!next_field(pos, end, &f))
		return phc_bad(err, _("missing parameters"));
	return parse_costs(f, out, err);
}

static int parse_fields(const char *s, size_t n, struct naccs_phc *out, struct naccs_err *err)
{
	const char *pos = s, *end = s + n;
	struct span f;
	size_t hash_max;
	int rc;

	if (!next_field(&pos, end, &f))
		return phc_bad(err, _("unknown algorithm"));
	if (span_is(f, "argon2id"))
		out->alg = NACCS_ALG_ARGON2ID;
	else if (span_is(f, "pbkdf2-sha256"))
		out->alg = NACCS_ALG_PBKDF2_SHA256;
	else
		return phc_bad(err, _("unknown algorithm"));
	if ((rc = parse_params(&pos, end, out, err)) != 0)
		return rc;
	/* PBKDF2 output beyond one SHA-256 block only costs the login. */
	hash_max = out->alg == NACCS_ALG_PBKDF2_SHA256 ? NACCS_PBKDF2_OUT_MAX : sizeof(out->hash);
	if (!next_field(&pos, end, &f))
		return phc_bad(err, _("missing salt"));
	if ((rc = decode_b64(f, out->salt, sizeof(out->salt), NACCS_SALT_MIN, &out->salt_len,
			     _("salt"), err)) != 0)
		return rc;
	if (!next_field(&pos, end, &f))
		return phc_bad(err, _("missing hash"));
	if ((rc = decode_b64(f, out->hash, hash_max, NACCS_HASH_OUT_MIN, &out->hash_len, _("hash"),
			     err)) != 0)
		return rc;
	if (pos != end)
		return phc_bad(err, _("trailing data"));
	return 0;
}

int naccs_phc_parse(const char *s, struct naccs_phc *out, struct naccs_err *err)
{
	size_t n;
	int rc;

	if (s == NULL || out == NULL)
		return naccs_err_set(err, EINVAL, _("malformed password hash: none given"));
	memset(out, 0, sizeof(*out));
	n = strnlen(s, NACCS_PHC_MAX);
	if (n >= NACCS_PHC_MAX)
		return phc_bad(err, _("too long"));
	rc = parse_fields(s, n, out, err);
	if (rc != 0)
		naccs_wipe(out, sizeof(*out));
	return rc;
}

int naccs_phc_format(const struct naccs_phc *phc, char *out, size_t outlen, struct naccs_err *err)
{
	char salt_b64[SALT_B64_SIZE];
	char hash_b64[HASH_B64_SIZE];
	bool pbkdf2;
	int n, rc = 0;

	if (phc == NULL || out == NULL || outlen == 0)
		return naccs_err_set(err, EINVAL, _("cannot format password hash: no buffer"));
	out[0] = '\0';
	pbkdf2 = phc->alg == NACCS_ALG_PBKDF2_SHA256;
	if (!pbkdf2 && (phc->alg != NACCS_ALG_ARGON2ID || phc->version != NACCS_ARGON2_VERSION))
		return naccs_err_set(err, EINVAL,
				     _("cannot format password hash: unsupported algorithm"));
	/* Canonical: the fields of the other algorithm are 0 (one struct, one
	 * string). */
	if (pbkdf2 ? (phc->version | phc->m_kib | phc->t_cost | phc->parallelism) != 0
		   : phc->iterations != 0)
		return naccs_err_set(err, EINVAL,
				     _("cannot format password hash: parameters of another "
				       "algorithm"));
	if (pbkdf2 &&
	    (phc->iterations < NACCS_PBKDF2_ITER_MIN || phc->iterations > NACCS_PBKDF2_ITER_MAX))
		return phc_bad(err, _("iterations out of range"));
	if (!pbkdf2 &&
	    (rc = check_cost_ranges(phc->m_kib, phc->t_cost, phc->parallelism, err)) != 0)
		return rc;
	/* The sizes must be checked first: libsodium aborts on a short buffer. */
	if (phc->salt_len < NACCS_SALT_MIN || phc->salt_len > NACCS_SALT_MAX ||
	    phc->hash_len < NACCS_HASH_OUT_MIN ||
	    phc->hash_len > (pbkdf2 ? NACCS_PBKDF2_OUT_MAX : NACCS_HASH_OUT_MAX))
		return naccs_err_set(err, EINVAL,
				     _("cannot format password hash: salt or hash length"));
	sodium_bin2base64(salt_b64, sizeof(salt_b64), phc->salt, phc->salt_len, B64_VARIANT);
	sodium_bin2base64(hash_b64, sizeof(hash_b64), phc->hash, phc->hash_len, B64_VARIANT);
	if (pbkdf2)
		n = snprintf(out, outlen, "$pbkdf2-sha256$i=%u$%s$%s", phc->iterations, salt_b64,
			     hash_b64);
	else
		n = snprintf(out, outlen, "$argon2id$v=%u$m=%u,t=%u,p=%u$%s$%s", phc->version,
			     phc->m_kib, phc->t_cost, phc->parallelism, salt_b64, hash_b64);
	if (n < 0 || (size_t)n >= outlen) {
		naccs_wipe(out, outlen);
		rc = naccs_err_set(err, ENOSPC, _("cannot format password hash: buffer too small"));
	}
	naccs_wipe(hash_b64, sizeof(hash_b64));
	return rc;
}
