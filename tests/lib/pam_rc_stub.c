/* A PAM module for the tests of the pam-auth-update profile
 * (tests/pam/test_pam_profile.sh): every type answers the code named by its
 * argument rc=NAME, so that the profile's controls can be checked for each
 * answer pam_naccs.so may give, with pam_matrix standing in for pam_unix;
 * in the password type it also stands in for pam_unix's use_authtok (below).
 * Test only: never installed. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <security/pam_modules.h>

#define STUB_EXPORT __attribute__((visibility("default")))

static const struct {
	const char *name;
	int code;
} codes[] = {
    {"success", PAM_SUCCESS},
    {"auth_err", PAM_AUTH_ERR},
    {"user_unknown", PAM_USER_UNKNOWN},
    {"ignore", PAM_IGNORE},
    {"authinfo_unavail", PAM_AUTHINFO_UNAVAIL},
    {"perm_denied", PAM_PERM_DENIED},
    {"acct_expired", PAM_ACCT_EXPIRED},
    {"new_authtok_reqd", PAM_NEW_AUTHTOK_REQD},
    {"system_err", PAM_SYSTEM_ERR},
    {"authtok_err", PAM_AUTHTOK_ERR},
    {"try_again", PAM_TRY_AGAIN},
    {"session_err", PAM_SESSION_ERR},
};

static int answer(int argc, const char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "rc=", 3) != 0)
			continue;
		for (size_t j = 0; j < sizeof(codes) / sizeof(codes[0]); j++) {
			if (strcmp(argv[i] + 3, codes[j].name) == 0)
				return codes[j].code;
		}
	}
	return PAM_SERVICE_ERR;
}

STUB_EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return answer(argc, argv);
}

STUB_EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}

STUB_EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return answer(argc, argv);
}

/* use_authtok: in the second step, as pam_unix with use_authtok (the line
 * pam-auth-update writes below a module that comes first), the new password
 * must be in PAM_AUTHTOK already (else PAM_AUTHTOK_ERR); authtok=VALUE: and
 * it must be VALUE. */
STUB_EXPORT int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const void *tok = NULL;

	if (!(flags & PAM_UPDATE_AUTHTOK))
		return answer(argc, argv);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "use_authtok") != 0 && strncmp(argv[i], "authtok=", 8) != 0)
			continue;
		if (pam_get_item(pamh, PAM_AUTHTOK, &tok) != PAM_SUCCESS || tok == NULL)
			return PAM_AUTHTOK_ERR;
		if (strncmp(argv[i], "authtok=", 8) == 0 && strcmp(argv[i] + 8, tok) != 0)
			return PAM_AUTHTOK_ERR;
	}
	return answer(argc, argv);
}

STUB_EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return answer(argc, argv);
}

STUB_EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}
