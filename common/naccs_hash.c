/* Password hashing policy: parameters, engine choice, PHC codec, hashing and
 * verification.  The engines (hash_libargon2.c, hash_libsodium.c) only compute
 * raw argon2id; everything that decides or encodes lives here so both engines
 * behave the same (UTS-2.2.1.6(1)(e)(ア)(イ)). Runs inside sshd/login: never
 * exits, never prints, wipes every derived value and password copy. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "naccs_hash.h"
#include "naccs_hash_engine.h"
#include "naccs_i18n.h"
#include "naccs_secret.h"

/* Sane ranges, shared by the configuration and by parsed PHC strings, so that
 * a stored hash can never make a login allocate more than we allow. */
#define M_KIB_MAX     4194304u /* 4 GiB */
#define T_COST_MIN    1u
#define T_COST_MAX    64u
#define LANES_MIN     1u
#define LANES_MAX     64u
#define SALT_MIN      8u
#define HASH_MIN      16u
#define PW_LIMIT_MIN  16u
#define PW_LIMIT_MAX  4096u
#define ARGON2_V13    19u /* 0x13, the only version we compute */
#define B64_VARIANT   sodium_base64_VARIANT_ORIGINAL_NO_PADDING
#define SALT_B64_SIZE sodium_base64_ENCODED_LEN(NACCS_SALT_MAX, B64_VARIANT)
#define HASH_B64_SIZE sodium_base64_ENCODED_LEN(NACCS_HASH_OUT_MAX, B64_VARIANT)

/* Argon2 needs 8 KiB per lane (two blocks per lane and sync point). */
static uint32_t m_kib_min(uint32_t lanes)
{
	return 8u * lanes;
}

void naccs_hash_params_default(struct naccs_hash_params *p)
{
	p->alg = NACCS_ALG_ARGON2ID;
	p->engine = NACCS_ENGINE_AUTO;
	p->m_kib = 65536;
	p->t_cost = 3;
	p->parallelism = 1;
	p->salt_len = 16;
	p->hash_len = 32;
	p->max_password_bytes = 512;
}

static int check_key_range(const char *key, uint32_t v, uint32_t lo, uint32_t hi,
			   struct naccs_err *err)
{
	if (v >= lo && v <= hi)
		return 0;
	return naccs_err_set(err, EINVAL, _("%s must be between %u and %u (got %u)"), key, lo, hi,
			     v);
}

int naccs_hash_params_validate(const struct naccs_hash_params *p, struct naccs_err *err)
{
	int rc;

	if (p == NULL)
		return naccs_err_set(err, EINVAL, _("no hash parameters given"));
	if (p->alg != NACCS_ALG_ARGON2ID)
		return naccs_err_set(err, EINVAL, _("hash.algorithm is not supported"));
	if (p->engine != NACCS_ENGINE_AUTO && p->engine != NACCS_ENGINE_LIBARGON2 &&
	    p->engine != NACCS_ENGINE_LIBSODIUM)
		return naccs_err_set(err, EINVAL, _("hash.engine is not a known engine"));
	/* parallelism first: the lower bound of memory depends on it. */
	if ((rc = check_key_range("hash.parallelism", p->parallelism, LANES_MIN, LANES_MAX, err)) ||
	    (rc = check_key_range("hash.memory_kib", p->m_kib, m_kib_min(p->parallelism), M_KIB_MAX,
				  err)) ||
	    (rc = check_key_range("hash.time_cost", p->t_cost, T_COST_MIN, T_COST_MAX, err)) ||
	    (rc = check_key_range("hash.salt_bytes", p->salt_len, SALT_MIN, NACCS_SALT_MAX, err)) ||
	    (rc = check_key_range("hash.hash_bytes", p->hash_len, HASH_MIN, NACCS_HASH_OUT_MAX,
				  err)) ||
	    (rc = check_key_range("hash.max_password_bytes", p->max_password_bytes, PW_LIMIT_MIN,
				  PW_LIMIT_MAX, err)))
		return rc;
	return 0;
}

/* ---- engines ---- */

static const struct naccs_hash_engine *engine_by_id(enum naccs_engine_id id)
{
	switch (id) {
	case NACCS_ENGINE_LIBARGON2:
		return &naccs_engine_libargon2;
	case NACCS_ENGINE_LIBSODIUM:
		return &naccs_engine_libsodium;
	default:
		return NULL;
	}
}

static bool engine_can(enum naccs_engine_id id, uint32_t m_kib, uint32_t t_cost, uint32_t lanes,
		       size_t salt_len, size_t hash_len)
{
	const struct naccs_hash_engine *e = engine_by_id(id);

	return e != NULL && e->supports(m_kib, t_cost, lanes, salt_len, hash_len);
}

/* The engine for given parameters: the preferred one if it can, else the
 * other. AUTO prefers libsodium, the faster of the two. */
static enum naccs_engine_id engine_for(enum naccs_engine_id preferred, uint32_t m_kib,
				       uint32_t t_cost, uint32_t lanes, size_t salt_len,
				       size_t hash_len)
{
	enum naccs_engine_id first =
	    preferred == NACCS_ENGINE_LIBARGON2 ? NACCS_ENGINE_LIBARGON2 : NACCS_ENGINE_LIBSODIUM;
	enum naccs_engine_id second =
	    first == NACCS_ENGINE_LIBSODIUM ? NACCS_ENGINE_LIBARGON2 : NACCS_ENGINE_LIBSODIUM;

	if (engine_can(first, m_kib, t_cost, lanes, salt_len, hash_len))
		return first;
	if (engine_can(second, m_kib, t_cost, lanes, salt_len, hash_len))
		return second;
	return NACCS_ENGINE_AUTO; /* none */
}

int naccs_hash_pick_engine(const struct naccs_hash_params *p, struct naccs_err *err)
{
	if (p == NULL)
		return naccs_err_set(err, EINVAL, _("no hash parameters given"));
	if (p->engine == NACCS_ENGINE_AUTO) {
		enum naccs_engine_id id = engine_for(NACCS_ENGINE_AUTO, p->m_kib, p->t_cost,
						     p->parallelism, p->salt_len, p->hash_len);
		if (id == NACCS_ENGINE_AUTO)
			return naccs_err_set(err, ENOTSUP,
					     _("no hash engine can compute argon2id with "
					       "m=%u, t=%u, p=%u, salt %u bytes, hash %u bytes"),
					     p->m_kib, p->t_cost, p->parallelism, p->salt_len,
					     p->hash_len);
		return (int)id;
	}
	if (engine_by_id(p->engine) == NULL)
		return naccs_err_set(err, EINVAL, _("hash.engine is not a known engine"));
	if (engine_can(p->engine, p->m_kib, p->t_cost, p->parallelism, p->salt_len, p->hash_len))
		return (int)p->engine;
	if (p->engine == NACCS_ENGINE_LIBSODIUM)
		return naccs_err_set(err, ENOTSUP,
				     _("hash.engine = libsodium computes only hash.parallelism = 1 "
				       "and hash.salt_bytes = 16 (got %u and %u); "
				       "use hash.engine = libargon2 or auto"),
				     p->parallelism, p->salt_len);
	return naccs_err_set(err, ENOTSUP,
			     _("hash.engine = %s cannot compute argon2id with these parameters"),
			     naccs_hash_engine_name(p->engine));
}

const char *naccs_hash_engine_name(enum naccs_engine_id id)
{
	switch (id) {
	case NACCS_ENGINE_AUTO:
		return "auto";
	case NACCS_ENGINE_LIBARGON2:
		return "libargon2";
	case NACCS_ENGINE_LIBSODIUM:
		return "libsodium";
	}
	return "unknown";
}

int naccs_hash_engine_from_name(const char *name, enum naccs_engine_id *out)
{
	static const enum naccs_engine_id ids[] = {NACCS_ENGINE_AUTO, NACCS_ENGINE_LIBARGON2,
						   NACCS_ENGINE_LIBSODIUM};

	if (name == NULL || out == NULL)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (strcmp(name, naccs_hash_engine_name(ids[i])) == 0) {
			*out = ids[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- PHC string codec ---- */

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

/* PHC decimal: digits only, no sign, no blanks, no leading zero, fits u32. */
static bool parse_u32(struct span f, uint32_t *out)
{
	uint64_t v = 0;

	if (f.len == 0 || f.len > 10 || (f.len > 1 && f.s[0] == '0'))
		return false;
	for (size_t i = 0; i < f.len; i++) {
		if (f.s[i] < '0' || f.s[i] > '9')
			return false;
		v = v * 10u + (uint64_t)(f.s[i] - '0');
	}
	if (v > UINT32_MAX)
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
	if (!parse_u32(num, &out->version) || out->version != ARGON2_V13)
		return phc_bad(err, _("unsupported argon2 version (only v=19)"));
	return 0;
}

static int check_cost_ranges(uint32_t m_kib, uint32_t t_cost, uint32_t lanes, struct naccs_err *err)
{
	if (lanes < LANES_MIN || lanes > LANES_MAX)
		return phc_bad(err, _("parallelism out of range"));
	if (m_kib < m_kib_min(lanes) || m_kib > M_KIB_MAX)
		return phc_bad(err, _("memory out of range"));
	if (t_cost < T_COST_MIN || t_cost > T_COST_MAX)
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

static int parse_fields(const char *s, size_t n, struct naccs_phc *out, struct naccs_err *err)
{
	const char *pos = s, *end = s + n;
	struct span f;
	int rc;

	if (!next_field(&pos, end, &f) || !span_is(f, "argon2id"))
		return phc_bad(err, _("not an argon2id hash"));
	out->alg = NACCS_ALG_ARGON2ID;
	if (!next_field(&pos, end, &f))
		return phc_bad(err, _("missing version"));
	if ((rc = parse_version(f, out, err)) != 0)
		return rc;
	if (!next_field(&pos, end, &f))
		return phc_bad(err, _("missing parameters"));
	if ((rc = parse_costs(f, out, err)) != 0)
		return rc;
	if (!next_field(&pos, end, &f))
		return phc_bad(err, _("missing salt"));
	if ((rc = decode_b64(f, out->salt, sizeof(out->salt), SALT_MIN, &out->salt_len, _("salt"),
			     err)) != 0)
		return rc;
	if (!next_field(&pos, end, &f))
		return phc_bad(err, _("missing hash"));
	if ((rc = decode_b64(f, out->hash, sizeof(out->hash), HASH_MIN, &out->hash_len, _("hash"),
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
	int n, rc = 0;

	if (phc == NULL || out == NULL || outlen == 0)
		return naccs_err_set(err, EINVAL, _("cannot format password hash: no buffer"));
	out[0] = '\0';
	if (phc->alg != NACCS_ALG_ARGON2ID || phc->version != ARGON2_V13)
		return naccs_err_set(err, EINVAL,
				     _("cannot format password hash: unsupported algorithm"));
	if ((rc = check_cost_ranges(phc->m_kib, phc->t_cost, phc->parallelism, err)) != 0)
		return rc;
	/* The sizes must be checked first: libsodium aborts on a short buffer. */
	if (phc->salt_len < SALT_MIN || phc->salt_len > NACCS_SALT_MAX ||
	    phc->hash_len < HASH_MIN || phc->hash_len > NACCS_HASH_OUT_MAX)
		return naccs_err_set(err, EINVAL,
				     _("cannot format password hash: salt or hash length"));
	sodium_bin2base64(salt_b64, sizeof(salt_b64), phc->salt, phc->salt_len, B64_VARIANT);
	sodium_bin2base64(hash_b64, sizeof(hash_b64), phc->hash, phc->hash_len, B64_VARIANT);
	n = snprintf(out, outlen, "$argon2id$v=%u$m=%u,t=%u,p=%u$%s$%s", phc->version, phc->m_kib,
		     phc->t_cost, phc->parallelism, salt_b64, hash_b64);
	if (n < 0 || (size_t)n >= outlen) {
		naccs_wipe(out, outlen);
		rc = naccs_err_set(err, ENOSPC, _("cannot format password hash: buffer too small"));
	}
	naccs_wipe(hash_b64, sizeof(hash_b64));
	return rc;
}

/* ---- hashing and verification ---- */

/* Length of pw, or -E2BIG (checked before any hashing, without reading past
 * the limit) so an attacker cannot make us hash megabytes. */
static int password_length(const struct naccs_hash_params *cfg, const char *pw, size_t *len,
			   struct naccs_err *err)
{
	if (pw == NULL)
		return naccs_err_set(err, EINVAL, _("no password given"));
	/* An empty password is never a credential, whatever a store row says
	 * (UTS-2.2.1.1(1)(e)(ウ)): refused before any hashing, in every path. */
	if (pw[0] == '\0')
		return naccs_err_set(err, EINVAL, _("empty password"));
	*len = strnlen(pw, (size_t)cfg->max_password_bytes + 1);
	if (*len > cfg->max_password_bytes)
		return naccs_err_set(err, E2BIG, _("password longer than %u bytes"),
				     cfg->max_password_bytes);
	return 0;
}

static int run_engine(enum naccs_engine_id id, uint32_t m_kib, uint32_t t_cost, uint32_t lanes,
		      const char *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
		      uint8_t *out, size_t out_len, struct naccs_err *err)
{
	const struct naccs_hash_engine *e = engine_by_id(id);
	int rc;

	if (e == NULL)
		return naccs_err_set(err, ENOTSUP,
				     _("no hash engine can compute argon2id with m=%u, t=%u, p=%u"),
				     m_kib, t_cost, lanes);
	rc = e->compute(m_kib, t_cost, lanes, pw, pw_len, salt, salt_len, out, out_len);
	if (rc == -ENOMEM)
		return naccs_err_set(err, ENOMEM, _("not enough memory for argon2id (%u KiB, %s)"),
				     m_kib, e->name);
	if (rc < 0)
		return naccs_err_set(err, -rc, _("argon2id failed in %s (error %d)"), e->name, rc);
	return 0;
}

int naccs_hash_new(const struct naccs_hash_params *p, const char *pw, char phc[NACCS_PHC_MAX],
		   struct naccs_err *err)
{
	struct naccs_phc h;
	size_t pw_len = 0; /* set by password_length; 0 only quiets the analyser */
	int rc, id;

	if (phc == NULL)
		return naccs_err_set(err, EINVAL, _("cannot format password hash: no buffer"));
	phc[0] = '\0';
	if ((rc = naccs_hash_params_validate(p, err)) != 0)
		return rc;
	if ((id = naccs_hash_pick_engine(p, err)) < 0)
		return id;
	if ((rc = password_length(p, pw, &pw_len, err)) != 0)
		return rc;
	memset(&h, 0, sizeof(h));
	h.alg = p->alg;
	h.version = ARGON2_V13;
	h.m_kib = p->m_kib;
	h.t_cost = p->t_cost;
	h.parallelism = p->parallelism;
	h.salt_len = p->salt_len;
	h.hash_len = p->hash_len;
	if (naccs_random_bytes(h.salt, h.salt_len) != 0) {
		rc = naccs_err_set(err, EIO, _("cannot get random bytes for a salt"));
		goto out;
	}
	rc = run_engine((enum naccs_engine_id)id, h.m_kib, h.t_cost, h.parallelism, pw, pw_len,
			h.salt, h.salt_len, h.hash, h.hash_len, err);
	if (rc == 0)
		rc = naccs_phc_format(&h, phc, NACCS_PHC_MAX, err);
out:
	naccs_wipe(&h, sizeof(h));
	return rc;
}

static bool differs_from(const struct naccs_hash_params *cfg, const struct naccs_phc *h)
{
	return h->alg != cfg->alg || h->m_kib != cfg->m_kib || h->t_cost != cfg->t_cost ||
	       h->parallelism != cfg->parallelism || h->salt_len != cfg->salt_len ||
	       h->hash_len != cfg->hash_len;
}

int naccs_hash_verify(const struct naccs_hash_params *cfg, const char *phc, const char *pw,
		      bool *match, bool *needs_rehash, struct naccs_err *err)
{
	struct naccs_phc h = {0};
	uint8_t out[NACCS_HASH_OUT_MAX];
	enum naccs_engine_id id;
	size_t pw_len = 0;
	int rc;

	/* Fail closed: nothing below may leave a stale "match". */
	if (match != NULL)
		*match = false;
	if (needs_rehash != NULL)
		*needs_rehash = false;
	if (match == NULL)
		return naccs_err_set(err, EINVAL, _("no result pointer given"));
	if ((rc = naccs_hash_params_validate(cfg, err)) != 0)
		return rc;
	if ((rc = password_length(cfg, pw, &pw_len, err)) != 0)
		return rc;
	if ((rc = naccs_phc_parse(phc, &h, err)) != 0)
		return rc;
	id = engine_for(cfg->engine, h.m_kib, h.t_cost, h.parallelism, h.salt_len, h.hash_len);
	rc = run_engine(id, h.m_kib, h.t_cost, h.parallelism, pw, pw_len, h.salt, h.salt_len, out,
			h.hash_len, err);
	if (rc == 0) {
		*match = naccs_consttime_equal(out, h.hash, h.hash_len);
		if (needs_rehash != NULL)
			*needs_rehash = differs_from(cfg, &h);
	}
	naccs_wipe(out, sizeof(out));
	naccs_wipe(&h, sizeof(h));
	return rc;
}

/* The work of verifying a hash of these costs, with a fixed salt; the
 * output is thrown away. */
static int dummy_run(const struct naccs_hash_params *cfg, uint32_t m_kib, uint32_t t_cost,
		     uint32_t lanes, size_t salt_len, size_t hash_len, const char *pw,
		     struct naccs_err *err)
{
	/* Any fixed salt will do: the output is thrown away; only the work counts. */
	static const uint8_t salt[NACCS_SALT_MAX] = "naccs-auth dummy salt for unknown users.";
	static const uint8_t expected[NACCS_HASH_OUT_MAX];
	uint8_t out[NACCS_HASH_OUT_MAX];
	enum naccs_engine_id id;
	size_t pw_len = 0;
	int rc;

	/* The same checks, in the same order, as naccs_hash_verify. */
	if ((rc = naccs_hash_params_validate(cfg, err)) != 0)
		return rc;
	if ((rc = password_length(cfg, pw, &pw_len, err)) != 0)
		return rc;
	/* The engine naccs_hash_verify would choose for such a hash. */
	id = engine_for(cfg->engine, m_kib, t_cost, lanes, salt_len, hash_len);
	rc = run_engine(id, m_kib, t_cost, lanes, pw, pw_len, salt, salt_len, out, hash_len, err);
	/* Compare as a real verification would; the result is never a match. */
	if (rc == 0)
		(void)naccs_consttime_equal(out, expected, hash_len);
	naccs_wipe(out, sizeof(out));
	return rc;
}

int naccs_hash_dummy_verify(const struct naccs_hash_params *cfg, const char *pw,
			    struct naccs_err *err)
{
	return dummy_run(cfg, cfg->m_kib, cfg->t_cost, cfg->parallelism, cfg->salt_len,
			 cfg->hash_len, pw, err);
}

/* A salt and hash of the default lengths, to complete a parameters prefix. */
#define DUMMY_SALT_HASH "AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

int naccs_hash_dummy_verify_like(const struct naccs_hash_params *cfg, const char *like,
				 const char *pw, struct naccs_err *err)
{
	char phc[NACCS_PHC_MAX + sizeof(DUMMY_SALT_HASH)];
	struct naccs_phc h = {0};
	size_t len;
	int rc;

	if (like == NULL || like[0] == '\0')
		return naccs_hash_dummy_verify(cfg, pw, err);
	len = strnlen(like, NACCS_PHC_MAX);
	if (len >= NACCS_PHC_MAX)
		return naccs_err_set(err, EINVAL, _("malformed password hash: too long"));
	/* "$argon2id$v=19$m=...,t=...,p=...$" alone: complete it. */
	snprintf(phc, sizeof(phc), "%s%s", like, like[len - 1] == '$' ? DUMMY_SALT_HASH : "");
	rc = naccs_phc_parse(phc, &h, err);
	if (rc == 0)
		rc = dummy_run(cfg, h.m_kib, h.t_cost, h.parallelism, h.salt_len, h.hash_len, pw,
			       err);
	naccs_wipe(&h, sizeof(h));
	return rc;
}
