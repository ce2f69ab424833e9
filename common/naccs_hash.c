/* Password hashing policy: parameters, engine choice, hashing and
 * verification.  The engines (hash_libargon2.c, hash_libsodium.c) only compute
 * raw argon2id; everything that decides lives here and the PHC codec in
 * naccs_phc.c, so both engines behave the same (UTS-2.2.1.6(1)(e)(ア)(イ)).
 * Runs inside sshd/login: never exits, never prints, wipes every derived
 * value and password copy. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "naccs_hash.h"
#include "naccs_hash_engine.h"
#include "naccs_i18n.h"
#include "naccs_secret.h"

/* Limits of max_password_bytes (the ranges of the hash parameters are in
 * naccs_hash.h, shared with the PHC codec). */
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
	if (p->alg != NACCS_ALG_ARGON2ID)
		return naccs_err_set(err, EINVAL, _("hash.algorithm is not supported"));
	if (p->engine != NACCS_ENGINE_AUTO && p->engine != NACCS_ENGINE_LIBARGON2 &&
	    p->engine != NACCS_ENGINE_LIBSODIUM)
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
	h.version = NACCS_ARGON2_VERSION;
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
