/* NACCS user IDs and login names: what a user types at the login prompt and
 * what an administrator types to naccsctl.  Invariants: a parsed ID is well
 * formed; in every login format it becomes a name that naccs_name_valid_login
 * accepts and that parses back to the same ID, or (a user code starting with
 * a digit) the format refuses; a too-small buffer is refused, never overrun.
 * The same bytes are also read as a raw struct naccs_user_id (as one read
 * from a damaged store would be). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "base/name.h"

#define FORMAT_COUNT 4

static bool upper_alnum(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	}
	return s[len] == '\0';
}

static char upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool id_well_formed(const struct naccs_user_id *id)
{
	size_t code_len = strnlen(id->code, sizeof(id->code));

	return (code_len == 5 || code_len == 7) && upper_alnum(id->code, code_len) &&
	       upper_alnum(id->number, NACCS_NUMBER_LEN);
}

/* A valid login: the documented character set and length, whatever
 * naccs_name_valid_login does inside. */
static bool login_safe(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > NACCS_LOGIN_MAX)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* The login fmt makes of id, built here by the documented rule. */
static void expected_login(const struct naccs_user_id *id, int fmt, char *out)
{
	bool lower = fmt == NACCS_LOGIN_LOWER_DASH || fmt == NACCS_LOGIN_LOWER;
	bool dash = fmt == NACCS_LOGIN_LOWER_DASH || fmt == NACCS_LOGIN_UPPER_DASH;
	size_t pos = 0;

	for (const char *c = id->code; *c != '\0'; c++)
		out[pos++] = lower && *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
	if (dash)
		out[pos++] = '-';
	for (const char *c = id->number; *c != '\0'; c++)
		out[pos++] = lower && *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
	out[pos] = '\0';
}

/* Format id in every login format: it works exactly when the login is a
 * valid one (not when the user code starts with a digit), and then the login
 * parses back to id; buffers are exact-size, one byte short is refused. */
static void check_formats(const struct naccs_user_id *id)
{
	for (int f = 0; f < FORMAT_COUNT; f++) {
		enum naccs_login_format fmt = (enum naccs_login_format)f;
		char login[NACCS_LOGIN_MAX + 1], expected[NACCS_LOGIN_MAX + 1];
		struct naccs_user_id back;
		size_t need;
		char *small;
		int rc;

		expected_login(id, f, expected);
		rc = naccs_name_format(id, fmt, login, sizeof(login));
		if (!login_safe(expected)) {
			FUZZ_CHECK(rc == -EINVAL && login[0] == '\0');
			continue;
		}
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(strcmp(login, expected) == 0);
		FUZZ_CHECK(naccs_name_valid_login(login));
		FUZZ_CHECK(naccs_name_parse(login, &back) == 0);
		FUZZ_CHECK(strcmp(back.code, id->code) == 0);
		FUZZ_CHECK(strcmp(back.number, id->number) == 0);

		need = strlen(login) + 1;
		small = fuzz_outbuf(need - 1);
		FUZZ_CHECK(naccs_name_format(id, fmt, small, need - 1) == -ENAMETOOLONG);
		free(small);
		small = fuzz_outbuf(need);
		FUZZ_CHECK(naccs_name_format(id, fmt, small, need) == 0);
		FUZZ_CHECK(strcmp(small, login) == 0);
		free(small);
	}
}

static void check_string(const char *s)
{
	struct naccs_user_id id;
	char code[NACCS_CODE_MAX + 1], number[NACCS_NUMBER_LEN + 1];
	enum naccs_login_format fmt;
	size_t len = strlen(s);

	if (naccs_name_parse(s, &id) == 0) {
		FUZZ_CHECK(id_well_formed(&id));
		check_formats(&id);
	}
	if (naccs_name_valid_login(s))
		FUZZ_CHECK(login_safe(s));
	if (naccs_name_normalize_code(s, code) == 0) {
		FUZZ_CHECK((len == 5 || len == 7) && upper_alnum(code, len));
		for (size_t i = 0; i < len; i++)
			FUZZ_CHECK(code[i] == upper(s[i]));
	}
	if (naccs_name_normalize_number(s, number) == 0) {
		FUZZ_CHECK(len == NACCS_NUMBER_LEN && upper_alnum(number, len));
		for (size_t i = 0; i < len; i++)
			FUZZ_CHECK(number[i] == upper(s[i]));
	}
	if (naccs_login_format_from_name(s, &fmt) == 0) {
		const char *name = naccs_login_format_name(fmt);

		FUZZ_CHECK(name != NULL && strcmp(name, s) == 0);
	}
}

/* The raw bytes as an ID and a format, as a corrupt store row could give:
 * formatting either refuses or gives a valid login. */
static void check_raw_id(const uint8_t *data, size_t size)
{
	struct naccs_user_id *id = malloc(sizeof(*id));
	char login[NACCS_LOGIN_MAX + 1];
	int fmt_byte, rc;

	if (id == NULL)
		abort();
	memset(id, 0, sizeof(*id));
	memcpy(id, data + 1, size - 1 < sizeof(*id) ? size - 1 : sizeof(*id));
	fmt_byte = (signed char)data[0];
	rc = naccs_name_format(id, (enum naccs_login_format)fmt_byte, login, sizeof(login));
	if (fmt_byte < 0 || fmt_byte >= FORMAT_COUNT || !id_well_formed(id)) {
		FUZZ_CHECK(rc == -EINVAL);
	} else {
		char expected[NACCS_LOGIN_MAX + 1];

		expected_login(id, fmt_byte, expected);
		if (login_safe(expected))
			FUZZ_CHECK(rc == 0 && strcmp(login, expected) == 0);
		else
			FUZZ_CHECK(rc == -EINVAL);
	}
	free(id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstring(data, size);

	check_string(s);
	free(s);
	if (size > 0)
		check_raw_id(data, size);
	return 0;
}
