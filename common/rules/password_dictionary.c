/* The dictionary check of a new password (UTS-2.2.1.1(1)(e)(ウ)): cracklib's
 * dictionary through libpwquality, with settings built here from naccs.conf
 * (pwquality_default_settings, never pwquality_read_config: the system's
 * /etc/security/pwquality.conf has no say).  libpwquality counts bytes and
 * classifies by the process locale, so only its dictionary verdict is used;
 * lengths and classes are rules/password_strength.c's, and a password with non-ASCII
 * characters is not given to it (its heuristics count bytes).  cracklib's FascistCheck is not
 * thread-safe: every call holds one process-wide lock.  A dictionary that is
 * missing or unsafe fails the change closed (never a login). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <pwquality.h>

#include "base/i18n.h"
#include "rules/password_dictionary.h"
#include "base/trust.h"

static pthread_mutex_t cracklib_lock = PTHREAD_MUTEX_INITIALIZER;

/* The dictionary's files (PATH.pwd, PATH.pwi, PATH.hwm) must be trusted:
 * owned by root or the configured owner, not writable by others. */
static int check_dictionary(const char *base, uid_t owner, struct naccs_err *err)
{
	static const char *const suffixes[] = {".pwd", ".pwi", ".hwm"};

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char path[PATH_MAX + 8];
		int rc;

		snprintf(path, sizeof(path), "%s%s", base, suffixes[i]);
		rc = naccs_trust_check_file(path, 0, err);
		if (rc == -EPERM && owner != 0)
			rc = naccs_trust_check_file(path, owner, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int pwq_setup(pwquality_settings_t *pwq, const char *dict)
{
	static const int off[] = {
	    PWQ_SETTING_DIFF_OK,      PWQ_SETTING_DIG_CREDIT,	    PWQ_SETTING_UP_CREDIT,
	    PWQ_SETTING_LOW_CREDIT,   PWQ_SETTING_OTH_CREDIT,	    PWQ_SETTING_MIN_CLASS,
	    PWQ_SETTING_MAX_REPEAT,   PWQ_SETTING_MAX_CLASS_REPEAT, PWQ_SETTING_GECOS_CHECK,
	    PWQ_SETTING_MAX_SEQUENCE, PWQ_SETTING_USER_CHECK};

	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		if (pwquality_set_int_value(pwq, off[i], 0) != 0)
			return -EINVAL;
	}
	/* libpwquality's own floor; shorter passwords are rules/password_strength.c's. */
	if (pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, 6) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_DICT_CHECK, 1) != 0 ||
	    pwquality_set_str_value(pwq, PWQ_SETTING_DICT_PATH, dict) != 0)
		return -EINVAL;
	return 0;
}

int naccs_pw_dictionary(const struct naccs_password_config *pc, uid_t owner,
			const struct naccs_pw_text *pw, struct naccs_pw_verdict *v,
			struct naccs_err *err)
{
	pwquality_settings_t *pwq;
	void *aux = NULL;
	char reason[128] = "";
	int rc;

	if (!pc->dictionary_check)
		return 0;
	/* cracklib's words are ASCII and its other checks count bytes: a
	 * password with other characters is left to rules/password_strength.c's rules,
	 * which count code points. */
	for (size_t i = 0; i < pw->n; i++) {
		if (pw->cp[i] > 0x7f)
			return 0;
	}
	rc = check_dictionary(pc->dictionary, owner, err);
	if (rc < 0)
		goto unavailable;
	pwq = pwquality_default_settings();
	if (pwq == NULL)
		return naccs_err_set(err, ENOMEM, "libpwquality: out of memory");
	rc = pwq_setup(pwq, pc->dictionary);
	if (rc < 0) {
		pwquality_free_settings(pwq);
		naccs_err_set(err, EINVAL, "libpwquality refused our settings");
		goto unavailable;
	}
	pthread_mutex_lock(&cracklib_lock);
	rc = pwquality_check(pwq, pw->utf8, NULL, NULL, &aux);
	if (rc == PWQ_ERROR_CRACKLIB_CHECK && aux != NULL)
		snprintf(reason, sizeof(reason), "%s", (const char *)aux);
	pthread_mutex_unlock(&cracklib_lock);
	pwquality_free_settings(pwq);
	if (rc == PWQ_ERROR_MEM_ALLOC)
		return naccs_err_set(err, ENOMEM, "libpwquality: out of memory");
	if (rc != PWQ_ERROR_CRACKLIB_CHECK)
		return 0; /* its other verdicts (bytes, locale classes) are not ours */
	if (strstr(reason, "error loading dictionary") != NULL) {
		naccs_err_set(err, EIO, "cracklib dictionary %s: %s", pc->dictionary, reason);
		goto unavailable;
	}
	naccs_pw_verdict_set(v, NACCS_PW_DICTIONARY,
			     _("The password is based on a dictionary word or is too simple (%s)."),
			     reason);
	return 1;

unavailable:
	naccs_pw_verdict_set(v, NACCS_PW_UNAVAILABLE, "%s",
			     _("The password cannot be checked now (the dictionary is not "
			       "available); no change was made. Ask an administrator."));
	return err != NULL && err->code != 0 ? -err->code : -EIO;
}
