/* Password hashing policy: parameters, engine choice, hashing and
 * verification.  The engines (crypto/engine_libargon2.c, crypto/engine_libsodium.c for
 * argon2id, crypto/engine_openssl.c for pbkdf2-sha256) only compute raw output;
 * everything that decides lives here and the PHC codec in crypto/phc.c, so
 * every engine behaves the same (UTS-2.2.1.6(1)(e)(ア)(イ)).
 * Runs inside sshd/login: never exits, never prints, wipes every derived
 * value and password copy. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/hash.h"
#include "crypto/phc.h"
#include "crypto/engine.h"
#include "base/i18n.h"
#include "base/secret.h"

/* Limits of max_password_bytes (the ranges of the hash parameters are in
 * crypto/hash.h, shared with the PHC codec). */
#define PW_LIMIT_MIN 16u
#define PW_LIMIT_MAX 4096u

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
	p->pbkdf2_iterations = NACCS_PBKDF2_ITER_DEFAULT;
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
	uint32_t m_kib_min;
	int rc;

	if (p == NULL)
		return naccs_err_set(err, EINVAL, _("no hash parameters given"));
	if (p->alg != NACCS_ALG_ARGON2ID && p->alg != NACCS_ALG_PBKDF2_SHA256)
		return naccs_err_set(err, EINVAL, _("hash.algorithm is not supported"));
	if (p->engine != NACCS_ENGINE_AUTO && p->engine != NACCS_ENGINE_LIBARGON2 &&
	    p->engine != NACCS_ENGINE_LIBSODIUM && p->engine != NACCS_ENGINE_OPENSSL)
		return naccs_err_set(err, EINVAL, _("hash.engine is not a known engine"));
	/* parallelism is checked first: the lower bound of memory depends on it. */
	m_kib_min = NACCS_M_KIB_PER_LANE * p->parallelism;
	if ((rc = check_key_range("hash.parallelism", p->parallelism, NACCS_LANES_MIN,
				  NACCS_LANES_MAX, err)) ||
	    (rc = check_key_range("hash.memory_kib", p->m_kib, m_kib_min, NACCS_HASH_M_KIB_MAX,
				  err)) ||
	    (rc = check_key_range("hash.time_cost", p->t_cost, NACCS_T_COST_MIN, NACCS_T_COST_MAX,
				  err)) ||
	    (rc = check_key_range("hash.salt_bytes", p->salt_len, NACCS_SALT_MIN, NACCS_SALT_MAX,
				  err)) ||
	    (rc = check_key_range("hash.hash_bytes", p->hash_len, NACCS_HASH_OUT_MIN,
				  NACCS_HASH_OUT_MAX, err)) ||
	    (rc = check_key_range("hash.max_password_bytes", p->max_password_bytes, PW_LIMIT_MIN,
				  PW_LIMIT_MAX, err)) ||
	    (rc = check_key_range("hash.pbkdf2_iterations", p->pbkdf2_iterations,
				  NACCS_PBKDF2_ITER_MIN, NACCS_PBKDF2_ITER_MAX, err)))
		return rc;
	if (p->alg == NACCS_ALG_PBKDF2_SHA256 && p->hash_len > NACCS_PBKDF2_OUT_MAX)
		return naccs_err_set(err, EINVAL,
				     _("hash.hash_bytes must be at most %u with pbkdf2-sha256 "
				       "(got %u): more output doubles the work of the login, "
				       "not of an attacker"),
				     NACCS_PBKDF2_OUT_MAX, p->hash_len);
	return 0;
}

/* The parameters of a hash made with p, without salt or hash. */
static void template_of(const struct naccs_hash_params *p, struct naccs_phc *h)
{
	memset(h, 0, sizeof(*h));
	h->alg = p->alg;
	if (p->alg == NACCS_ALG_ARGON2ID) {
		h->version = NACCS_ARGON2_VERSION;
		h->m_kib = p->m_kib;
		h->t_cost = p->t_cost;
		h->parallelism = p->parallelism;
	} else {
		h->iterations = p->pbkdf2_iterations;
	}
	h->salt_len = p->salt_len;
	h->hash_len = p->hash_len;
}

const char *naccs_hash_alg_name(enum naccs_hash_alg alg)
{
	switch (alg) {
	case NACCS_ALG_ARGON2ID:
		return "argon2id";
	case NACCS_ALG_PBKDF2_SHA256:
		return "pbkdf2-sha256";
	}
	return "unknown";
}

int naccs_hash_alg_from_name(const char *name, enum naccs_hash_alg *out)
{
	static const enum naccs_hash_alg algs[] = {NACCS_ALG_ARGON2ID, NACCS_ALG_PBKDF2_SHA256};

	if (name == NULL || out == NULL)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(name, naccs_hash_alg_name(algs[i])) == 0) {
			*out = algs[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- engines ---- */

static const struct naccs_hash_engine *engine_by_id(enum naccs_engine_id id)
{
	switch (id) {
	case NACCS_ENGINE_LIBARGON2:
		return &naccs_engine_libargon2;
	case NACCS_ENGINE_LIBSODIUM:
		return &naccs_engine_libsodium;
	case NACCS_ENGINE_OPENSSL:
		return &naccs_engine_openssl;
	default:
		return NULL;
	}
}

static bool engine_can(enum naccs_engine_id id, const struct naccs_phc *h)
{
	const struct naccs_hash_engine *e = engine_by_id(id);

	return e != NULL && e->alg == h->alg && e->supports(h);
}

/* The engine for a hash: the preferred one if it can, else the first that
 * can in the order of AUTO (libsodium, the faster argon2id, before
 * libargon2; openssl for pbkdf2-sha256), so a stored hash of either
 * algorithm verifies whatever engine is configured. */
static enum naccs_engine_id engine_for(enum naccs_engine_id preferred, const struct naccs_phc *h)
{
	static const enum naccs_engine_id order[] = {NACCS_ENGINE_LIBSODIUM, NACCS_ENGINE_LIBARGON2,
						     NACCS_ENGINE_OPENSSL};

	if (preferred != NACCS_ENGINE_AUTO && engine_can(preferred, h))
		return preferred;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (engine_can(order[i], h))
			return order[i];
	}
	return NACCS_ENGINE_AUTO; /* none */
}

int naccs_hash_pick_engine(const struct naccs_hash_params *p, struct naccs_err *err)
{
	const struct naccs_hash_engine *e;
	struct naccs_phc h;

	if (p == NULL)
		return naccs_err_set(err, EINVAL, _("no hash parameters given"));
	template_of(p, &h);
	if (p->engine == NACCS_ENGINE_AUTO) {
		enum naccs_engine_id id = engine_for(NACCS_ENGINE_AUTO, &h);
		if (id == NACCS_ENGINE_AUTO && p->alg == NACCS_ALG_ARGON2ID)
			return naccs_err_set(err, ENOTSUP,
					     _("no hash engine can compute argon2id with "
					       "m=%u, t=%u, p=%u, salt %u bytes, hash %u bytes"),
					     p->m_kib, p->t_cost, p->parallelism, p->salt_len,
					     p->hash_len);
		if (id == NACCS_ENGINE_AUTO)
			return naccs_err_set(
			    err, ENOTSUP, _("no hash engine can compute %s with these parameters"),
			    naccs_hash_alg_name(p->alg));
		return (int)id;
	}
	if ((e = engine_by_id(p->engine)) == NULL)
		return naccs_err_set(err, EINVAL, _("hash.engine is not a known engine"));
	/* Each engine computes one algorithm (UTS-2.2.1.6(1)(e)(イ)). */
	if (e->alg != p->alg)
		return naccs_err_set(
		    err, ENOTSUP,
		    _("hash.engine = %s computes only %s, not hash.algorithm = %s; "
		      "use hash.engine = auto or %s"),
		    e->name, naccs_hash_alg_name(e->alg), naccs_hash_alg_name(p->alg),
		    p->alg == NACCS_ALG_PBKDF2_SHA256 ? "openssl" : "libargon2");
	if (engine_can(p->engine, &h))
		return (int)p->engine;
	if (p->engine == NACCS_ENGINE_LIBSODIUM)
		return naccs_err_set(err, ENOTSUP,
				     _("hash.engine = libsodium computes only hash.parallelism = 1 "
				       "and hash.salt_bytes = 16 (got %u and %u); "
				       "use hash.engine = libargon2 or auto"),
				     p->parallelism, p->salt_len);
	return naccs_err_set(err, ENOTSUP,
			     _("hash.engine = %s cannot compute %s with these parameters"),
			     naccs_hash_engine_name(p->engine), naccs_hash_alg_name(p->alg));
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
	case NACCS_ENGINE_OPENSSL:
		return "openssl";
	}
	return "unknown";
}

int naccs_hash_engine_from_name(const char *name, enum naccs_engine_id *out)
{
	static const enum naccs_engine_id ids[] = {NACCS_ENGINE_AUTO, NACCS_ENGINE_LIBARGON2,
						   NACCS_ENGINE_LIBSODIUM, NACCS_ENGINE_OPENSSL};

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

/* Compute h's algorithm with h's parameters and salt into out (h->hash_len
 * bytes). */
static int run_engine(enum naccs_engine_id id, const struct naccs_phc *h, const char *pw,
		      size_t pw_len, uint8_t *out, struct naccs_err *err)
{
	const struct naccs_hash_engine *e = engine_by_id(id);
	const char *alg = naccs_hash_alg_name(h->alg);
	int rc;

	if (e == NULL)
		return naccs_err_set(err, ENOTSUP,
				     _("no hash engine can compute %s with these parameters"), alg);
	rc = e->compute(h, pw, pw_len, out);
	if (rc == -ENOMEM)
		return naccs_err_set(err, ENOMEM, _("not enough memory for %s (%s)"), alg, e->name);
	if (rc < 0)
		return naccs_err_set(err, -rc, _("%s failed in %s (error %d)"), alg, e->name, rc);
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
	template_of(p, &h);
	if (naccs_random_bytes(h.salt, h.salt_len) != 0) {
		rc = naccs_err_set(err, EIO, _("cannot get random bytes for a salt"));
		goto out;
	}
	rc = run_engine((enum naccs_engine_id)id, &h, pw, pw_len, h.hash, err);
	if (rc == 0)
		rc = naccs_phc_format(&h, phc, NACCS_PHC_MAX, err);
out:
	naccs_wipe(&h, sizeof(h));
	return rc;
}

/* Does a stored hash need to be made again with the configuration's
 * algorithm and parameters (UTS-2.2.1.6(1)(e)(イ): switching the algorithm
 * re-hashes at the next successful login)? */
static bool differs_from(const struct naccs_hash_params *cfg, const struct naccs_phc *h)
{
	struct naccs_phc want;

	template_of(cfg, &want);
	return h->alg != want.alg || h->m_kib != want.m_kib || h->t_cost != want.t_cost ||
	       h->parallelism != want.parallelism || h->iterations != want.iterations ||
	       h->salt_len != want.salt_len || h->hash_len != want.hash_len;
}

int naccs_hash_verify(const struct naccs_hash_params *cfg, const char *phc, const char *pw,
		      bool *match, bool *needs_rehash, struct naccs_err *err)
{
	struct naccs_phc h = {0};
	uint8_t out[NACCS_HASH_OUT_MAX];
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
	rc = run_engine(engine_for(cfg->engine, &h), &h, pw, pw_len, out, err);
	if (rc == 0) {
		*match = naccs_consttime_equal(out, h.hash, h.hash_len);
		if (needs_rehash != NULL)
			*needs_rehash = differs_from(cfg, &h);
	}
	naccs_wipe(out, sizeof(out));
	naccs_wipe(&h, sizeof(h));
	return rc;
}

/* The work of verifying a hash with the algorithm and parameters of tmpl,
 * with a fixed salt; the output is thrown away. */
static int dummy_run(const struct naccs_hash_params *cfg, const struct naccs_phc *tmpl,
		     const char *pw, struct naccs_err *err)
{
	/* Any fixed salt will do: the output is thrown away; only the work counts. */
	static const uint8_t salt[NACCS_SALT_MAX] = "naccs-auth dummy salt for unknown users.";
	static const uint8_t expected[NACCS_HASH_OUT_MAX];
	uint8_t out[NACCS_HASH_OUT_MAX];
	struct naccs_phc h = *tmpl;
	size_t pw_len = 0;
	int rc;

	/* The same checks, in the same order, as naccs_hash_verify. */
	if ((rc = naccs_hash_params_validate(cfg, err)) != 0)
		return rc;
	if ((rc = password_length(cfg, pw, &pw_len, err)) != 0)
		return rc;
	memcpy(h.salt, salt, sizeof(h.salt));
	/* The engine naccs_hash_verify would choose for such a hash. */
	rc = run_engine(engine_for(cfg->engine, &h), &h, pw, pw_len, out, err);
	/* Compare as a real verification would; the result is never a match. */
	if (rc == 0)
		(void)naccs_consttime_equal(out, expected, h.hash_len);
	naccs_wipe(out, sizeof(out));
	naccs_wipe(&h, sizeof(h));
	return rc;
}

int naccs_hash_dummy_verify(const struct naccs_hash_params *cfg, const char *pw,
			    struct naccs_err *err)
{
	struct naccs_phc h;

	if (cfg == NULL)
		return naccs_err_set(err, EINVAL, _("no hash parameters given"));
	template_of(cfg, &h);
	return dummy_run(cfg, &h, pw, err);
}

/* A salt and hash of the default lengths (16 and 32 bytes), to complete a
 * parameters prefix of either algorithm. */
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
	/* "$argon2id$v=19$m=...,t=...,p=...$" or "$pbkdf2-sha256$i=...$" alone:
	 * complete it. */
	snprintf(phc, sizeof(phc), "%s%s", like, like[len - 1] == '$' ? DUMMY_SALT_HASH : "");
	rc = naccs_phc_parse(phc, &h, err);
	if (rc == 0)
		rc = dummy_run(cfg, &h, pw, err);
	naccs_wipe(&h, sizeof(h));
	return rc;
}
