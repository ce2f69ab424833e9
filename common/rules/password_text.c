/* A new password as text: refused before anything else when it is too many
 * bytes, holds a NUL or is not UTF-8, then normalised to Unicode NFC so the
 * same text typed with composed or decomposed characters is one password of
 * one length (UTS-2.2.1.1(1)(e)(ウ)). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>

#include "base/i18n.h"
#include "rules/password_text.h"
#include "base/secret.h"
#include "base/utf8.h"

void naccs_pw_verdict_set(struct naccs_pw_verdict *v, enum naccs_pw_rule rule, const char *fmt, ...)
{
	va_list ap;

	v->rule = rule;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
}

void naccs_pw_text_free(struct naccs_pw_text *t)
{
	if (t->utf8 != NULL) {
		naccs_wipe(t->utf8, t->bytes);
		free(t->utf8);
	}
	if (t->cp != NULL) {
		naccs_wipe(t->cp, t->n * sizeof(*t->cp));
		free(t->cp);
	}
	memset(t, 0, sizeof(*t));
}

int naccs_pw_text_from(const struct naccs_password_config *pc, size_t max_bytes, const char *pw,
		       size_t len, struct naccs_pw_text *out, struct naccs_pw_verdict *v)
{
	uint8_t *nfc;
	uint32_t *cp;
	size_t nlen = 0, n = 0;

	memset(out, 0, sizeof(*out));
	v->rule = NACCS_PW_OK;
	v->message[0] = '\0';
	/* Refused before any other work (and before hashing). */
	if (len == 0) {
		naccs_pw_verdict_set(v, NACCS_PW_EMPTY, "%s", _("The password must not be empty."));
		return 1;
	}
	if (len > max_bytes) {
		naccs_pw_verdict_set(v, NACCS_PW_TOO_MANY_BYTES,
				     _("The password is too long: at most %zu bytes."), max_bytes);
		return 1;
	}
	if (memchr(pw, '\0', len) != NULL) {
		naccs_pw_verdict_set(v, NACCS_PW_NUL, "%s",
				     _("The password must not contain a NUL character."));
		return 1;
	}
	if (!naccs_utf8_valid(pw, len)) {
		naccs_pw_verdict_set(v, NACCS_PW_BAD_UTF8, "%s",
				     _("The password is not valid UTF-8 text: check the terminal's "
				       "character encoding."));
		return 1;
	}
	nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)pw, len, NULL, &nlen);
	if (nfc == NULL)
		return -ENOMEM;
	cp = u8_to_u32(nfc, nlen, NULL, &n);
	out->utf8 = malloc(nlen + 1);
	if (cp == NULL || out->utf8 == NULL) {
		naccs_wipe(nfc, nlen);
		free(nfc);
		if (cp != NULL) {
			naccs_wipe(cp, n * sizeof(*cp));
			free(cp);
		}
		free(out->utf8);
		out->utf8 = NULL;
		return -ENOMEM;
	}
	memcpy(out->utf8, nfc, nlen);
	out->utf8[nlen] = '\0';
	out->bytes = nlen;
	naccs_wipe(nfc, nlen);
	free(nfc);
	/* unsigned and uint32_t are the same width on every target we build */
	_Static_assert(sizeof(unsigned) == sizeof(uint32_t), "code points");
	out->cp = (unsigned *)cp;
	out->n = n;
	(void)pc;
	return 0;
}
