/* The policy file and the module arguments (admin-supplied, but a typo or a
 * hostile edit must give an error, never a crash or a half-applied policy).
 * The input is parsed as a whole file (naccs_config_parse_text, not
 * NUL-terminated), and its first lines are applied one by one as
 * "section.key=value" arguments (naccs_config_set_arg); both results go
 * through naccs_config_validate.  Invariants: an error leaves the struct
 * byte for byte as it was; every accepted value is within its documented
 * range; no message or warning carries a control character (log forging). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "config/conf.h"

#define FUZZ_NAME     "fuzz.conf"
#define MAX_ARG_LINES 64

static void check_text_safe(const char *msg, size_t max)
{
	size_t len = strnlen(msg, max);

	FUZZ_CHECK(len < max);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)msg[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
	}
}

static void on_warning(void *ctx, const char *msg)
{
	unsigned *count = ctx;

	FUZZ_CHECK(msg != NULL && msg[0] != '\0');
	check_text_safe(msg, NACCS_ERR_MSG_MAX);
	(*count)++;
}

static void check_error(int rc, const struct naccs_err *err)
{
	FUZZ_CHECK(rc < 0 && err->code == -rc);
	FUZZ_CHECK(err->msg[0] != '\0');
	check_text_safe(err->msg, sizeof(err->msg));
}

static void check_path(const char *p, size_t size, bool passwd_field)
{
	size_t len = strnlen(p, size);

	FUZZ_CHECK(len < size && p[0] == '/');
	check_text_safe(p, size);
	if (passwd_field)
		FUZZ_CHECK(strchr(p, ':') == NULL);
}

/* What the setter promises about any struct it produced (see conf_keys). */
static void check_ranges(const struct naccs_config *cfg)
{
	const struct naccs_hash_params *h = &cfg->hash;

	FUZZ_CHECK(h->alg == NACCS_ALG_ARGON2ID);
	FUZZ_CHECK(strcmp(naccs_hash_engine_name(h->engine), "unknown") != 0);
	FUZZ_CHECK(h->m_kib >= 1 && h->t_cost >= 1 && h->max_password_bytes >= 1);
	FUZZ_CHECK(h->m_kib <= NACCS_HASH_M_KIB_MAX);
	FUZZ_CHECK(h->parallelism >= 1 && h->parallelism <= 0xFFFFFF);
	FUZZ_CHECK(h->salt_len >= 1 && h->salt_len <= NACCS_SALT_MAX);
	FUZZ_CHECK(h->hash_len >= 1 && h->hash_len <= NACCS_HASH_OUT_MAX);
	check_path(cfg->store_path, sizeof(cfg->store_path), false);
	FUZZ_CHECK(cfg->store_timeout_ms >= 100 && cfg->store_timeout_ms <= 600000);
	FUZZ_CHECK(cfg->fail_delay_ms <= 60000);
	FUZZ_CHECK(naccs_login_format_name(cfg->login_format) != NULL);
	FUZZ_CHECK(cfg->uid_min >= 1000 && cfg->uid_min <= 4294967294UL);
	FUZZ_CHECK(cfg->uid_max >= 1000 && cfg->uid_max <= 4294967294UL);
	FUZZ_CHECK(cfg->default_gid >= 1 && cfg->default_gid <= 4294967294UL);
	check_path(cfg->home_base, sizeof(cfg->home_base), true);
	check_path(cfg->shell, sizeof(cfg->shell), true);
}

static void check_validate(const struct naccs_config *cfg)
{
	struct naccs_err err;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_config_validate(cfg, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -EINVAL);
		check_error(rc, &err);
		return;
	}
	FUZZ_CHECK(cfg->uid_min <= cfg->uid_max);
	FUZZ_CHECK(naccs_hash_params_validate(&cfg->hash, NULL) == 0);
	FUZZ_CHECK(naccs_hash_pick_engine(&cfg->hash, NULL) >= 0);
}

static struct naccs_config *new_config(void)
{
	struct naccs_config *cfg = malloc(sizeof(*cfg));

	if (cfg == NULL)
		abort();
	naccs_config_defaults(cfg);
	return cfg;
}

/* The whole input as a file; the text is not NUL-terminated. */
static void check_file(const uint8_t *data, size_t size)
{
	struct naccs_config *cfg = new_config(), *before = new_config();
	struct naccs_err err;
	unsigned warnings = 0;
	int rc;

	memcpy(before, cfg, sizeof(*cfg));
	naccs_err_clear(&err);
	rc = naccs_config_parse_text(cfg, (const char *)data, size, FUZZ_NAME, on_warning,
				     &warnings, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -EINVAL);
		check_error(rc, &err);
		FUZZ_CHECK(strncmp(err.msg, FUZZ_NAME ":", strlen(FUZZ_NAME ":")) == 0);
		FUZZ_CHECK(memcmp(cfg, before, sizeof(*cfg)) == 0);
	} else {
		FUZZ_CHECK(err.code == 0 && err.msg[0] == '\0');
		/* The file never names the owner that decides what is trusted. */
		FUZZ_CHECK(cfg->owner_uid == 0);
		FUZZ_CHECK(cfg->conf_path[0] == '\0');
		check_ranges(cfg);
	}
	check_validate(cfg);
	free(before);
	free(cfg);
}

/* Each of the first lines as one module argument, on one struct. */
static void check_args(const uint8_t *data, size_t size)
{
	struct naccs_config *cfg = new_config(), *before = new_config();
	size_t pos = 0;

	for (unsigned n = 0; n < MAX_ARG_LINES && pos < size; n++) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl != NULL ? (size_t)(nl - (data + pos)) : size - pos;
		char *arg = fuzz_cstring(data + pos, len);
		struct naccs_err err;
		unsigned warnings = 0;
		int rc;

		memcpy(before, cfg, sizeof(*cfg));
		naccs_err_clear(&err);
		rc = naccs_config_set_arg(cfg, arg, on_warning, &warnings, &err);
		if (rc != 0) {
			FUZZ_CHECK(rc == -EINVAL || rc == -ENOENT);
			FUZZ_CHECK(warnings == (rc == -ENOENT ? 1u : 0u));
			check_error(rc, &err);
			FUZZ_CHECK(memcmp(cfg, before, sizeof(*cfg)) == 0);
		} else {
			FUZZ_CHECK(warnings == 0);
		}
		check_ranges(cfg);
		free(arg);
		pos += len + (nl != NULL ? 1 : 0);
	}
	check_validate(cfg);
	free(before);
	free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_file(data, size);
	check_args(data, size);
	return 0;
}
