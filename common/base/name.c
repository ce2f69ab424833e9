#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "base/name.h"

/* Short and long user-code forms (see base/name.h). */
#define NACCS_CODE_SHORT 5
#define NACCS_CODE_LONG	 7

/* Character classes are tested by hand rather than with <ctype.h>: the
 * answer must not depend on the host's locale (a PAM module runs inside
 * whatever locale sshd or su happen to have), and bytes >= 0x80 must never
 * count as letters. */
static bool ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool ascii_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool ascii_alnum(char c)
{
	return ascii_alpha(c) || ascii_digit(c);
}

static char ascii_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Copy exactly len alphanumerics from in, upper-cased, into out (NUL-terminated). */
static int copy_upper_alnum(const char *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		if (!ascii_alnum(in[i]))
			return -EINVAL;
		out[i] = ascii_upper(in[i]);
	}
	out[len] = '\0';
	return 0;
}

int naccs_name_parse(const char *s, struct naccs_user_id *out)
{
	/* Longest form is "ABCDEFG-001": 7 + 1 + 3 characters. */
	char alnum[NACCS_CODE_LONG + NACCS_NUMBER_LEN + 1];
	size_t n = 0, dash_at = 0, len, code_len;
	bool dash = false;

	if (s == NULL || out == NULL)
		return -EINVAL;
	len = strnlen(s, NACCS_CODE_LONG + 1 + NACCS_NUMBER_LEN + 1);
	if (len > NACCS_CODE_LONG + 1 + NACCS_NUMBER_LEN)
		return -EINVAL;

	/* Collect the alphanumerics and remember where a single dash stood. */
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '-' && !dash) {
			dash = true;
			dash_at = n;
		} else if (ascii_alnum(s[i]) && n < sizeof(alnum) - 1) {
			alnum[n++] = s[i];
		} else {
			return -EINVAL;
		}
	}

	/* The number of alphanumerics decides the code length, so a dash is
	 * only accepted exactly between code and number. */
	if (n != NACCS_CODE_SHORT + NACCS_NUMBER_LEN && n != NACCS_CODE_LONG + NACCS_NUMBER_LEN)
		return -EINVAL;
	code_len = n - NACCS_NUMBER_LEN;
	if (dash && dash_at != code_len)
		return -EINVAL;

	copy_upper_alnum(alnum, code_len, out->code);
	copy_upper_alnum(alnum + code_len, NACCS_NUMBER_LEN, out->number);
	return 0;
}

int naccs_name_normalize_code(const char *in, char out[NACCS_CODE_MAX + 1])
{
	size_t len;

	if (in == NULL || out == NULL)
		return -EINVAL;
	len = strnlen(in, NACCS_CODE_MAX + 1);
	if (len != NACCS_CODE_SHORT && len != NACCS_CODE_LONG)
		return -EINVAL;
	return copy_upper_alnum(in, len, out);
}

int naccs_name_normalize_number(const char *in, char out[NACCS_NUMBER_LEN + 1])
{
	if (in == NULL || out == NULL || strnlen(in, NACCS_NUMBER_LEN + 1) != NACCS_NUMBER_LEN)
		return -EINVAL;
	return copy_upper_alnum(in, NACCS_NUMBER_LEN, out);
}

/* A struct naccs_user_id may come from the store rather than from
 * naccs_name_parse; never build a login name from one that is not well formed. */
static bool user_id_well_formed(const struct naccs_user_id *id)
{
	char tmp[NACCS_CODE_MAX + 1];

	return naccs_name_normalize_code(id->code, tmp) == 0 && strcmp(tmp, id->code) == 0 &&
	       naccs_name_normalize_number(id->number, tmp) == 0 && strcmp(tmp, id->number) == 0;
}

static void append_cased(char *out, size_t *pos, const char *s, bool lower)
{
	for (; *s != '\0'; s++)
		out[(*pos)++] = lower ? ascii_lower(*s) : *s;
}

static bool format_is_lower(enum naccs_login_format fmt)
{
	return fmt == NACCS_LOGIN_LOWER_DASH || fmt == NACCS_LOGIN_LOWER;
}

static bool format_has_dash(enum naccs_login_format fmt)
{
	return fmt == NACCS_LOGIN_LOWER_DASH || fmt == NACCS_LOGIN_UPPER_DASH;
}

/* Returns 0, -ENAMETOOLONG when out is too small, or -EINVAL for an unknown
 * format, a malformed id (defensive: neither happens with validated input)
 * or a login that naccs_name_valid_login refuses (a user code that starts
 * with a digit): such a name would only be refused later, by the store. */
int naccs_name_format(const struct naccs_user_id *id, enum naccs_login_format fmt, char *out,
		      size_t outlen)
{
	return naccs_name_format_prefixed(id, fmt, NULL, out, outlen);
}

bool naccs_name_valid_prefix(const char *s)
{
	size_t len;

	if (s == NULL)
		return false;
	len = strnlen(s, NACCS_LOGIN_PREFIX_MAX + 1);
	if (len == 0 || len > NACCS_LOGIN_PREFIX_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || ascii_digit(s[i]) || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

int naccs_name_format_prefixed(const struct naccs_user_id *id, enum naccs_login_format fmt,
			       const char *prefix, char *out, size_t outlen)
{
	bool lower, with_dash;
	size_t need, pos = 0;

	if (id == NULL || out == NULL || naccs_login_format_name(fmt) == NULL ||
	    !user_id_well_formed(id))
		return -EINVAL;
	if (prefix != NULL && prefix[0] != '\0' && !naccs_name_valid_prefix(prefix))
		return -EINVAL;
	/* Only a user code that starts with a digit needs it. */
	if (prefix == NULL || !ascii_digit(id->code[0]))
		prefix = "";
	lower = format_is_lower(fmt);
	with_dash = format_has_dash(fmt);

	need = strlen(prefix) + strlen(id->code) + (with_dash ? 1 : 0) + strlen(id->number) + 1;
	if (need > outlen)
		return -ENAMETOOLONG;
	for (; *prefix != '\0'; prefix++)
		out[pos++] = lower ? *prefix : ascii_upper(*prefix);
	append_cased(out, &pos, id->code, lower);
	if (with_dash)
		out[pos++] = '-';
	append_cased(out, &pos, id->number, lower);
	out[pos] = '\0';
	if (!naccs_name_valid_login(out)) {
		out[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

static bool login_char(char c)
{
	return ascii_alnum(c) || c == '_' || c == '.' || c == '-';
}

/* Names reach file paths, log lines and passwd entries, so anything that
 * could act as a separator, a path component or a terminal control is
 * refused before any lookup.  Requiring a letter or '_' first also excludes
 * "." and "..", leading dashes (option injection) and all-digit names
 * (which tools would take for a uid). */
bool naccs_name_valid_login(const char *s)
{
	size_t len;

	if (s == NULL)
		return false;
	len = strnlen(s, NACCS_LOGIN_MAX + 1);
	if (len == 0 || len > NACCS_LOGIN_MAX)
		return false;
	if (!ascii_alpha(s[0]) && s[0] != '_')
		return false;
	for (size_t i = 1; i < len; i++) {
		if (!login_char(s[i]))
			return false;
	}
	return true;
}

bool naccs_name_loggable(const char *s)
{
	struct naccs_user_id pair;

	return naccs_name_valid_login(s) || naccs_name_parse(s, &pair) == 0;
}

static const char *const login_format_names[] = {
    [NACCS_LOGIN_LOWER_DASH] = "lower-dash",
    [NACCS_LOGIN_LOWER] = "lower",
    [NACCS_LOGIN_UPPER_DASH] = "upper-dash",
    [NACCS_LOGIN_UPPER] = "upper",
};

#define LOGIN_FORMAT_COUNT (sizeof(login_format_names) / sizeof(login_format_names[0]))

int naccs_login_format_from_name(const char *name, enum naccs_login_format *out)
{
	if (name == NULL || out == NULL)
		return -EINVAL;
	for (size_t i = 0; i < LOGIN_FORMAT_COUNT; i++) {
		if (strcmp(name, login_format_names[i]) == 0) {
			*out = (enum naccs_login_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* NULL for a value outside the enum (a caller bug). */
const char *naccs_login_format_name(enum naccs_login_format fmt)
{
	if ((unsigned)fmt >= LOGIN_FORMAT_COUNT)
		return NULL;
	return login_format_names[fmt];
}
