/* The strength rules on the text of a new password (UTS-2.2.1.1(1)(e)(ウ)):
 * length counted in characters (code points after NFC, so 8 kana are 8
 * characters though they are 24 bytes), the classes it mixes, repeated and
 * sequential characters, the user's own data inside it (also reversed,
 * case-insensitively), and how much it differs from the old password.
 * Character classes come from the Unicode general category (libunistring),
 * never from the process locale. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "base/i18n.h"
#include "rules/password_strength.h"

#define TOKEN_MIN 3 /* shorter pieces of user data are not looked for */

static unsigned class_of(unsigned c)
{
	if (uc_is_general_category(c, UC_UPPERCASE_LETTER))
		return NACCS_PWCLASS_UPPER;
	if (uc_is_general_category(c, UC_LOWERCASE_LETTER))
		return NACCS_PWCLASS_LOWER;
	if (uc_is_general_category(c, UC_DECIMAL_DIGIT_NUMBER))
		return NACCS_PWCLASS_DIGIT;
	if (uc_is_general_category(c, UC_CATEGORY_P) || uc_is_general_category(c, UC_CATEGORY_S) ||
	    uc_is_general_category(c, UC_CATEGORY_Z))
		return NACCS_PWCLASS_SYMBOL;
	return NACCS_PWCLASS_OTHER;
}

/* "upper case, lower case, digits, symbols" for the classes that count. */
static void class_list(unsigned mask, char *out, size_t outlen)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	    {NACCS_PWCLASS_UPPER, N_("upper case")},
	    {NACCS_PWCLASS_LOWER, N_("lower case")},
	    {NACCS_PWCLASS_DIGIT, N_("digits")},
	    {NACCS_PWCLASS_SYMBOL, N_("symbols")},
	    {NACCS_PWCLASS_OTHER, N_("other characters (e.g. kana, kanji)")},
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if ((mask & names[i].bit) == 0)
			continue;
		n = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", _(names[i].name));
		if (n < 0 || (size_t)n >= outlen - used)
			return;
		used += (size_t)n;
	}
}

static bool check_length(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
			 struct naccs_pw_verdict *v)
{
	if (pw->n < pc->min_length) {
		naccs_pw_verdict_set(
		    v, NACCS_PW_TOO_SHORT,
		    dngettext(NACCS_TEXTDOMAIN,
			      "The password is too short: it must be at least %lu character "
			      "(it has %zu).",
			      "The password is too short: it must be at least %lu characters "
			      "(it has %zu).",
			      (unsigned long)pc->min_length),
		    (unsigned long)pc->min_length, pw->n);
		return false;
	}
	if (pw->n > pc->max_length) {
		naccs_pw_verdict_set(
		    v, NACCS_PW_TOO_LONG,
		    dngettext(NACCS_TEXTDOMAIN,
			      "The password is too long: it must be at most %lu character "
			      "(it has %zu).",
			      "The password is too long: it must be at most %lu characters "
			      "(it has %zu).",
			      (unsigned long)pc->max_length),
		    (unsigned long)pc->max_length, pw->n);
		return false;
	}
	return true;
}

static bool check_classes(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
			  struct naccs_pw_verdict *v)
{
	unsigned seen = 0;
	char list[256];

	if (pc->min_classes == 0)
		return true;
	for (size_t i = 0; i < pw->n; i++)
		seen |= class_of(pw->cp[i]) & pc->classes;
	if ((unsigned)__builtin_popcount(seen) >= pc->min_classes)
		return true;
	class_list(pc->classes, list, sizeof(list));
	naccs_pw_verdict_set(v, NACCS_PW_CLASSES,
			     _("The password must contain at least %lu of: %s."),
			     (unsigned long)pc->min_classes, list);
	return false;
}

static unsigned fold(unsigned c)
{
	return uc_tolower(c);
}

static bool check_repeats(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
			  struct naccs_pw_verdict *v)
{
	size_t run = 1;

	if (pc->max_repeat == 0)
		return true;
	for (size_t i = 1; i < pw->n; i++) {
		run = pw->cp[i] == pw->cp[i - 1] ? run + 1 : 1;
		if (run > pc->max_repeat) {
			naccs_pw_verdict_set(v, NACCS_PW_REPEAT,
					     _("The password must not have more than %lu identical "
					       "characters in a row."),
					     (unsigned long)pc->max_repeat);
			return false;
		}
	}
	return true;
}

/* "abcd", "4321", "ABCD" (case-folded): each character one above, or one
 * below, the one before it. */
static bool check_sequences(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
			    struct naccs_pw_verdict *v)
{
	size_t run = 1;
	int dir = 0;

	if (pc->max_sequence == 0)
		return true;
	for (size_t i = 1; i < pw->n; i++) {
		long d = (long)fold(pw->cp[i]) - (long)fold(pw->cp[i - 1]);

		if ((d == 1 || d == -1) && (run == 1 || d == dir))
			run++;
		else
			run = (d == 1 || d == -1) ? 2 : 1;
		dir = (int)d;
		if (run > pc->max_sequence) {
			naccs_pw_verdict_set(
			    v, NACCS_PW_SEQUENCE,
			    _("The password must not contain a sequence of more than "
			      "%lu characters such as \"abcd\" or \"4321\"."),
			    (unsigned long)pc->max_sequence);
			return false;
		}
	}
	return true;
}

/* Is token (code points, folded) inside hay (folded), forwards or reversed? */
static bool contains(const unsigned *hay, size_t n, const unsigned *tok, size_t m)
{
	if (m == 0 || m > n)
		return false;
	for (size_t i = 0; i + m <= n; i++) {
		bool fwd = true, rev = true;

		for (size_t j = 0; j < m && (fwd || rev); j++) {
			fwd = fwd && hay[i + j] == tok[j];
			rev = rev && hay[i + j] == tok[m - 1 - j];
		}
		if (fwd || rev)
			return true;
	}
	return false;
}

/* Decode a piece of user data (UTF-8, already validated by the store) into
 * folded code points, up to max. */
static size_t decode_folded(const char *s, size_t len, unsigned *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n < max;) {
		ucs4_t c;
		int k = u8_mbtoucr(&c, (const uint8_t *)s + i, len - i);

		if (k <= 0)
			break;
		out[n++] = fold(c);
		i += (size_t)k;
	}
	return n;
}

static bool token_inside(const unsigned *hay, size_t n, const char *tok, size_t len)
{
	unsigned buf[256];
	size_t m = decode_folded(tok, len, buf, sizeof(buf) / sizeof(buf[0]));

	return m >= TOKEN_MIN && contains(hay, n, buf, m);
}

static bool check_user_data(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
			    const struct naccs_pw_user *u, struct naccs_pw_verdict *v)
{
	unsigned hay[512];
	size_t n;
	const char *what = NULL;

	if (!pc->user_check || u == NULL)
		return true;
	n = pw->n < 512 ? pw->n : 512;
	for (size_t i = 0; i < n; i++)
		hay[i] = fold(pw->cp[i]);
	if (u->login != NULL && token_inside(hay, n, u->login, strlen(u->login)))
		what = _("your login name");
	else if (u->user_code != NULL && token_inside(hay, n, u->user_code, strlen(u->user_code)))
		what = _("your user code");
	else if (u->id_number != NULL && token_inside(hay, n, u->id_number, strlen(u->id_number)))
		what = _("your identifying number");
	else if (u->name != NULL) {
		/* The whole name and each part of it (split at spaces and
		 * commas, as in a gecos field). */
		const char *s = u->name;

		while (*s != '\0' && what == NULL) {
			size_t k = strcspn(s, " ,\t");

			if (token_inside(hay, n, s, k))
				what = _("your name");
			s += k;
			s += strspn(s, " ,\t");
		}
	}
	if (what == NULL)
		return true;
	naccs_pw_verdict_set(v, NACCS_PW_USER_DATA,
			     _("The password must not contain %s (forwards or backwards, in any "
			       "case)."),
			     what);
	return false;
}

/* The characters of the new password not found in the old one (each old
 * character used up once): "at least N characters must be different". */
static bool check_old(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
		      const struct naccs_pw_text *old, struct naccs_pw_verdict *v)
{
	unsigned used[512];
	size_t m, diff = 0;

	if (old == NULL)
		return true;
	if (old->n == pw->n && memcmp(old->cp, pw->cp, pw->n * sizeof(*pw->cp)) == 0) {
		naccs_pw_verdict_set(v, NACCS_PW_SAME, "%s",
				     _("The new password is the same as the current one."));
		return false;
	}
	if (pc->min_diff == 0)
		return true;
	m = old->n < 512 ? old->n : 512;
	memcpy(used, old->cp, m * sizeof(*used));
	for (size_t i = 0; i < pw->n; i++) {
		size_t j;

		for (j = 0; j < m; j++) {
			if (used[j] == pw->cp[i]) {
				used[j] = UINT32_MAX; /* no code point */
				break;
			}
		}
		if (j == m)
			diff++;
	}
	if (diff >= pc->min_diff)
		return true;
	naccs_pw_verdict_set(v, NACCS_PW_TOO_SIMILAR,
			     _("The new password is too similar to the current one: at least %lu "
			       "characters must be different."),
			     (unsigned long)pc->min_diff);
	return false;
}

bool naccs_pw_strength(const struct naccs_password_config *pc, const struct naccs_pw_text *pw,
		       const struct naccs_pw_user *user, const struct naccs_pw_text *old,
		       struct naccs_pw_verdict *v)
{
	v->rule = NACCS_PW_OK;
	v->message[0] = '\0';
	/* The user's own data first: its message is the most specific. */
	return check_length(pc, pw, v) && check_user_data(pc, pw, user, v) &&
	       check_classes(pc, pw, v) && check_repeats(pc, pw, v) && check_sequences(pc, pw, v) &&
	       check_old(pc, pw, old, v);
}
