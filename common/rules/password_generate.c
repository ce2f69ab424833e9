/* One-time passwords an administrator hands out (UTS-2.2.1.3(2)(a)): random,
 * and always a password the policy accepts (UTS-2.2.1.1(1)(e)(ウ)), since it
 * goes through the same rules as any other (naccs_pw_check_new). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "base/i18n.h"
#include "rules/password_generate.h"
#include "base/secret.h"

/* No look-alikes (I O l o 0 1) so the value can be read off paper. */
static const char otp_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"
				   "abcdefghijkmnpqrstuvwxyz"
				   "23456789"
				   "!#%+=?@";

#define OTP_MIN_CHARS 16

/* Every one-time password mixes all four ASCII classes, whatever the
 * policy's minimum (UTS-2.2.1.3(2)(a): a strong initial secret). */
static bool has_all_classes(const char *s)
{
	bool upper = false, lower = false, digit = false, symbol = false;

	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			upper = true;
		else if (*s >= 'a' && *s <= 'z')
			lower = true;
		else if (*s >= '0' && *s <= '9')
			digit = true;
		else
			symbol = true;
	}
	return upper && lower && digit && symbol;
}
#define DRAWS_MAX 10000

int naccs_pw_generate(const struct naccs_password_config *pc, size_t max_bytes, uid_t owner,
		      const struct naccs_pw_user *user, char *out, size_t outlen,
		      struct naccs_err *err)
{
	const uint32_t alen = (uint32_t)(sizeof(otp_alphabet) - 1);
	size_t len = OTP_MIN_CHARS;
	struct naccs_pw_verdict v = {.rule = NACCS_PW_OK, .message = ""};

	if (pc->min_length > len)
		len = pc->min_length;
	if (pc->max_length < len)
		len = pc->max_length;
	if (len < 4)
		len = 4; /* one of each class; refused below if max_length is less */
	if (len + 1 > outlen || len > max_bytes || len > pc->max_length)
		return naccs_err_set(err, EINVAL,
				     _("cannot make a one-time password of %zu characters (at most "
				       "%zu here)"),
				     len, outlen - 1);
	if ((pc->classes & NACCS_PWCLASS_OTHER) != 0 &&
	    pc->min_classes > (unsigned)__builtin_popcount(pc->classes & ~NACCS_PWCLASS_OTHER))
		return naccs_err_set(err, EINVAL, "%s",
				     _("cannot make a one-time password: the policy requires "
				       "characters other than letters, digits and symbols"));
	if (sodium_init() < 0)
		return naccs_err_set(err, EIO, "%s", _("no random source (libsodium)"));
	/* Each character uniform over the alphabet (no modulo bias); a draw
	 * the policy refuses is drawn again as a whole. */
	for (int attempt = 0; attempt < DRAWS_MAX; attempt++) {
		int rc;

		for (size_t n = 0; n < len; n++)
			out[n] = otp_alphabet[randombytes_uniform(alen)];
		out[len] = '\0';
		if (!has_all_classes(out))
			continue;
		rc = naccs_pw_check_new(pc, max_bytes, owner, out, len, user, NULL, &v, err);
		if (rc == 0)
			return 0;
		if (rc < 0) { /* a dictionary or blocklist that cannot be used */
			char why[NACCS_ERR_MSG_MAX];

			snprintf(why, sizeof(why), "%s", err != NULL ? err->msg : "");
			naccs_wipe(out, outlen);
			return naccs_err_set(err, -rc, "%s (%s)", v.message, why);
		}
	}
	naccs_wipe(out, outlen);
	return naccs_err_set(err, EIO, _("no one-time password met the policy in %d draws (%s)"),
			     DRAWS_MAX, v.message);
}
