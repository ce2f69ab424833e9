/* pam_sm_authenticate and pam_sm_acct_mgmt in a process that is neither
 * root nor the store's owner (a screen locker, UTS-2.3.2.1(1)(d)): it cannot
 * open the store, so the setuid-root helper naccs_chkpwd decides (issue
 * #11).  This side only asks the password, runs the helper
 * (common/policy/chkpwd.c) and maps its exit code as pam_call.c maps its
 * own decisions.  The helper reads only
 * the compiled-in configuration: conf=, key overrides and nodelay do not
 * apply to it (it waits [auth] fail_delay_ms itself after a failure). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "policy/chkpwd.h"
#include "policy/messages.h"
#include "base/i18n.h"
#include "base/name.h"
#include "base/num.h"
#include "pam_call.h"
#include "pam_chkpwd.h"
#include "pam_once.h"

/* The owner of the store that the arguments name (owner=UID or
 * general.owner=UID), else root. */
static uid_t arg_owner(int argc, const char **argv)
{
	static const char *const spellings[] = {"owner=", "general.owner="};
	unsigned long v;

	for (int i = 0; i < argc; i++) {
		for (size_t k = 0; k < sizeof(spellings) / sizeof(spellings[0]); k++) {
			size_t n = strlen(spellings[k]);

			if (strncmp(argv[i], spellings[k], n) == 0 &&
			    naccs_parse_ulong(argv[i] + n, strlen(argv[i] + n), 0, (uid_t)-2, &v) ==
				0)
				return (uid_t)v;
		}
	}
	return 0;
}

bool pam_chkpwd_needed(int argc, const char **argv)
{
	uid_t me = geteuid();

	return me != 0 && me != arg_owner(argc, argv);
}

static bool has_arg(int argc, const char **argv, const char *arg)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], arg) == 0)
			return true;
	return false;
}

/* login (auth only, else NULL): the canonical login the helper names. */
static int run(pam_handle_t *pamh, const char *user, const char *tok, int *code, char *login,
	       size_t login_cap)
{
	struct naccs_chkpwd_call call = {
	    .helper = NACCS_CHKPWD_PATH,
	    .user = user,
	    .service = pam_call_item(pamh, PAM_SERVICE),
	    .account = tok == NULL,
	    .password = tok,
	    .login = login,
	    .login_cap = login_cap,
	};
	struct naccs_err err;
	int rc;
#ifdef NACCS_TEST_HOOKS
	/* Test builds: another helper, and the config it is to read. */
	static const char conf_var[] = NACCS_CHKPWD_TEST_CONF_ENV "=";
	const char *h = secure_getenv(NACCS_CHKPWD_TEST_HELPER_ENV);
	const char *c = secure_getenv(NACCS_CHKPWD_TEST_CONF_ENV);
	char conf[4096];
	char *envp[] = {conf, NULL};

	if (h != NULL && h[0] == '/')
		call.helper = h;
	if (c != NULL && snprintf(conf, sizeof(conf), "%s%s", conf_var, c) < (int)sizeof(conf))
		call.envp = envp;
#endif
	naccs_err_clear(&err);
	rc = naccs_chkpwd_run(&call, code, &err);
	if (rc < 0)
		pam_syslog(pamh, LOG_ERR, "%s", err.msg);
	return rc;
}

/* The answer's log line (debug, or an error) and the user's message. */
static void report(pam_handle_t *pamh, int flags, int argc, const char **argv, int code)
{
	enum naccs_outcome o = naccs_chkpwd_outcome(code);
	char text[256];
	/* What the user is told of a state (in auth only when
	 * auth.show_locked = yes lets the helper say it): the helper's answer
	 * is only the outcome. */
	const char *msg = naccs_message_state(o, NULL, text, sizeof(text));

	if (has_arg(argc, argv, "debug") || o == NACCS_OUT_UNAVAILABLE)
		pam_syslog(pamh, o == NACCS_OUT_UNAVAILABLE ? LOG_ERR : LOG_DEBUG,
			   "naccs_chkpwd answered %d (%s)", code, naccs_chkpwd_exit_name(code));
	if (msg == NULL || (flags & PAM_SILENT) || has_arg(argc, argv, "silent"))
		return;
	if (o == NACCS_OUT_CHANGE_REQUIRED)
		pam_info(pamh, "%s", msg);
	else
		pam_error(pamh, "%s", msg);
}

static int target(pam_handle_t *pamh, const char **user)
{
	int rv = pam_get_user(pamh, user, NULL);

	if (rv != PAM_SUCCESS)
		return rv;
	return *user == NULL || (*user)[0] == '\0' ? PAM_USER_UNKNOWN : PAM_SUCCESS;
}

int pam_chkpwd_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *user = NULL, *tok = NULL;
	char login[NACCS_LOGIN_MAX + 1];
	int rv, code;

	naccs_i18n_init();
	rv = target(pamh, &user);
	if (rv != PAM_SUCCESS)
		return rv;
	/* A conversation error is returned as it is, never counted. */
	rv = pam_get_authtok(pamh, PAM_AUTHTOK, &tok, _("Password: "));
	if (rv != PAM_SUCCESS || tok == NULL)
		return rv == PAM_SUCCESS ? PAM_AUTH_ERR : rv;
	rv = pam_once_already_failed(pamh, user, tok, NULL, NULL);
	if (rv != PAM_SUCCESS)
		return rv;
	if (run(pamh, user, tok, &code, login, sizeof(login)) < 0)
		return PAM_AUTHINFO_UNAVAIL; /* fail closed */
	rv = pam_auth_code(naccs_chkpwd_outcome(code));
	/* The helper's wrong-password answer does not say whether a password
	 * was checked (a locked ID gets it too, auth.show_locked = no), and
	 * this side cannot read the ID's generation: only a name that is no ID
	 * here is remembered (issue #16); a repeated wrong token is verified
	 * and counted again. */
	if (rv == PAM_USER_UNKNOWN)
		pam_once_remember_failure(pamh, user, tok, rv, NULL);
	report(pamh, flags, argc, argv, code);
	if (rv != PAM_SUCCESS)
		return rv;
	/* As pam_sm_authenticate: from here on the stack knows the user by the
	 * canonical login (ABCDE001 typed: abcde-001).  A helper that names
	 * none broke the protocol: fail closed. */
	if (login[0] == '\0') {
		pam_syslog(pamh, LOG_ERR, "naccs_chkpwd answered 0 without the login");
		return PAM_AUTHINFO_UNAVAIL;
	}
	if (strcmp(user, login) != 0 && pam_set_item(pamh, PAM_USER, login) != PAM_SUCCESS)
		return PAM_SYSTEM_ERR;
	return PAM_SUCCESS;
}

int pam_chkpwd_account(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *user = NULL;
	int rv, code;

	naccs_i18n_init();
	rv = target(pamh, &user);
	if (rv != PAM_SUCCESS)
		return rv;
	if (run(pamh, user, NULL, &code, NULL, 0) < 0)
		return PAM_SYSTEM_ERR; /* fail closed, as without the store */
	report(pamh, flags, argc, argv, code);
	return pam_account_code(naccs_chkpwd_outcome(code));
}
