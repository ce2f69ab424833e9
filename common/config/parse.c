/* The values of the configuration keys: reading each kind of value
 * (config/keys.c: enum value_kind), saying what a kind accepts for the
 * message of a bad value, and writing the password classes back. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/internal.h"
#include "config/conf.h"
#include "base/i18n.h"
#include "rules/netmatch.h"
#include "base/num.h"
#include "base/text.h"

/* ---- small helpers (ASCII only: the host's locale must not matter) ---- */

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_caseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (ascii_lower(*a) != ascii_lower(*b))
			return false;
	}
	return *a == *b;
}

/* ---- value parsers: 0 and *out set, or -EINVAL and *out untouched ---- */

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "1"};
	static const char *const no[] = {"no", "false", "0"};

	for (size_t i = 0; i < COUNT(yes); i++) {
		if (ascii_caseeq(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (ascii_caseeq(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Paths end up in messages and, for home and shell, in passwd entries:
 * no control character (C1 included) and well-formed UTF-8, the rules of
 * naccs_text_is_clean; a passwd field also has no ':'. */
static int parse_path(const char *s, bool passwd_field, char *out, size_t outlen)
{
	size_t len = strlen(s);

	if (s[0] != '/' || len >= outlen || !naccs_text_is_clean(s, len, 0) ||
	    (passwd_field && strchr(s, ':') != NULL))
		return -EINVAL;
	memcpy(out, s, len + 1);
	return 0;
}

/* Service names (letters, digits, '.', '_', '-') separated by spaces or
 * commas; they are compared with PAM_SERVICE. */
static int parse_names(const char *s, char *out, size_t outlen)
{
	size_t len = strlen(s);

	if (len >= outlen)
		return -EINVAL;
	for (const char *p = s; *p != '\0'; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == ' ' ||
			  c == ',';

		if (!ok)
			return -EINVAL;
	}
	memcpy(out, s, len + 1);
	return 0;
}

static int parse_algorithm(const char *s, enum naccs_hash_alg *out)
{
	enum naccs_hash_alg alg;

	if (naccs_hash_alg_from_name(s, &alg) != 0)
		return -EINVAL;
	*out = alg;
	return 0;
}

static int parse_engine(const char *s, enum naccs_engine_id *out)
{
	enum naccs_engine_id id;

	if (naccs_hash_engine_from_name(s, &id) != 0)
		return -EINVAL;
	*out = id;
	return 0;
}

static int parse_login_format(const char *s, enum naccs_login_format *out)
{
	enum naccs_login_format fmt;

	if (naccs_login_format_from_name(s, &fmt) != 0)
		return -EINVAL;
	*out = fmt;
	return 0;
}

/* "upper,lower,digit,symbol,other" (any subset, comma-separated). */
static const struct {
	const char *name;
	unsigned bit;
} pw_class_names[] = {
    {"upper", NACCS_PWCLASS_UPPER}, {"lower", NACCS_PWCLASS_LOWER},
    {"digit", NACCS_PWCLASS_DIGIT}, {"symbol", NACCS_PWCLASS_SYMBOL},
    {"other", NACCS_PWCLASS_OTHER},
};

static int parse_pw_classes(const char *s, unsigned *out)
{
	unsigned mask = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, ","), i;

		while (n > 0 && (*s == ' ' || *s == '\t'))
			s++, n--;
		for (i = 0; i < COUNT(pw_class_names); i++) {
			size_t len = strlen(pw_class_names[i].name), m = n;

			while (m > len && (s[m - 1] == ' ' || s[m - 1] == '\t'))
				m--;
			if (m == len && strncmp(s, pw_class_names[i].name, len) == 0)
				break;
		}
		if (i == COUNT(pw_class_names))
			return -EINVAL;
		mask |= pw_class_names[i].bit;
		s += n;
		if (*s == ',')
			s++;
	}
	if (mask == 0)
		return -EINVAL;
	*out = mask;
	return 0;
}
/* The names of the classes in mask, comma-separated, as the file writes them. */
void config_format_pw_classes(unsigned mask, char *buf, size_t buflen)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < COUNT(pw_class_names); i++) {
		int n;

		if ((mask & pw_class_names[i].bit) == 0 || pos >= buflen)
			continue;
		n = snprintf(buf + pos, buflen - pos, "%s%s", pos > 0 ? "," : "",
			     pw_class_names[i].name);
		if (n > 0)
			pos += (size_t)n;
	}
}

static int parse_numeric_field(const struct conf_key *k, void *field, const char *value)
{
	unsigned long v;

	if (naccs_parse_ulong(value, strlen(value), k->min, k->max, &v) != 0)
		return -EINVAL;
	if (k->kind == KIND_OWNER)
		*(uid_t *)field = (uid_t)v;
	else if (k->kind == KIND_U32)
		*(uint32_t *)field = (uint32_t)v;
	else
		*(unsigned *)field = (unsigned)v;
	return 0;
}

/* Permission bits in octal ("0700", "750"), at most max; never a
 * group- or other-writable value. */
static int parse_mode(const char *s, unsigned long max, unsigned *out)
{
	unsigned long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 4)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -EINVAL;
		v = v * 8 + (unsigned long)(s[i] - '0');
	}
	if (v > max || (v & 022) != 0)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* Parse value into the field k describes; the field is only written on success. */
int config_parse_into(const struct conf_key *k, struct naccs_config *cfg, const char *value)
{
	void *field = (char *)cfg + k->offset;

	switch (k->kind) {
	case KIND_BOOL:
		return parse_bool(value, field);
	case KIND_OWNER:
	case KIND_U32:
	case KIND_UINT:
		return parse_numeric_field(k, field, value);
	case KIND_ENGINE:
		return parse_engine(value, field);
	case KIND_ALGORITHM:
		return parse_algorithm(value, field);
	case KIND_LOGIN_FORMAT:
		return parse_login_format(value, field);
	case KIND_PROFILE:
		return config_parse_profile(value, field);
	case KIND_PATH:
	case KIND_PASSWD_PATH:
		return parse_path(value, k->kind == KIND_PASSWD_PATH, field, k->size);
	case KIND_NAMES:
		return parse_names(value, field, k->size);
	case KIND_NETWORKS:
		if (strlen(value) >= k->size || naccs_netmatch_check_list(value, NULL) != 0)
			return -EINVAL;
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case KIND_OPT_PATH:
		if (value[0] == '\0') {
			*(char *)field = '\0';
			return 0;
		}
		return parse_path(value, false, field, k->size);
	case KIND_PW_CLASSES:
		return parse_pw_classes(value, field);
	case KIND_LOGIN_PREFIX:
		if (strlen(value) >= k->size || !naccs_name_valid_prefix(value))
			return -EINVAL;
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case KIND_MODE:
		return parse_mode(value, k->max, field);
	case KIND_AUDIT_FAILURE:
		if (ascii_caseeq(value, "deny") || ascii_caseeq(value, "allow")) {
			*(bool *)field = ascii_caseeq(value, "deny");
			return 0;
		}
		return -EINVAL;
	}
	return -EINVAL;
}

/* What an administrator may write for k, for the error message. */
void config_describe_accepted(const struct conf_key *k, char *buf, size_t buflen)
{
	switch (k->kind) {
	case KIND_BOOL:
		snprintf(buf, buflen, "%s", _("yes, no, true, false, 1 or 0"));
		break;
	case KIND_OWNER:
	case KIND_U32:
	case KIND_UINT:
		snprintf(buf, buflen, _("a whole number from %lu to %lu"), k->min, k->max);
		break;
	case KIND_ENGINE:
		snprintf(buf, buflen, "%s", _("auto, libargon2, libsodium or openssl"));
		break;
	case KIND_ALGORITHM:
		snprintf(buf, buflen, "%s", _("argon2id or pbkdf2-sha256"));
		break;
	case KIND_LOGIN_FORMAT:
		snprintf(buf, buflen, "%s", _("lower-dash, lower, upper-dash or upper"));
		break;
	case KIND_PROFILE:
		snprintf(buf, buflen, "%s", _("uts2012, uts2023 or nist-800-63b"));
		break;
	case KIND_PATH:
		snprintf(buf, buflen,
			 _("an absolute path shorter than %zu bytes, no control characters"),
			 k->size);
		break;
	case KIND_PASSWD_PATH:
		snprintf(buf, buflen,
			 _("an absolute path shorter than %zu bytes, no control characters or ':'"),
			 k->size);
		break;
	case KIND_NAMES:
		snprintf(buf, buflen, "%s",
			 _("service names (letters, digits, '.', '_', '-') separated by spaces or "
			   "commas"));
		break;
	case KIND_NETWORKS:
		snprintf(buf, buflen, "%s",
			 _("IPv4 or IPv6 addresses or networks (ADDRESS or ADDRESS/LENGTH, no host "
			   "names) separated by spaces or commas"));
		break;
	case KIND_OPT_PATH:
		snprintf(buf, buflen,
			 _("nothing, or an absolute path shorter than %zu bytes, no control "
			   "characters"),
			 k->size);
		break;
	case KIND_PW_CLASSES:
		snprintf(buf, buflen, "%s",
			 _("a comma-separated list of upper, lower, digit, symbol, other"));
		break;
	case KIND_LOGIN_PREFIX:
		snprintf(buf, buflen,
			 _("1 to %d characters: a lower-case letter, then a-z, 0-9, "
			   "'_' or '-'"),
			 NACCS_LOGIN_PREFIX_MAX);
		break;
	case KIND_MODE:
		snprintf(buf, buflen, "%s",
			 _("permission bits in octal, at most 0755, not group- or "
			   "other-writable (e.g. 0700)"));
		break;
	case KIND_AUDIT_FAILURE:
		snprintf(buf, buflen, "%s", _("deny or allow"));
		break;
	}
}
