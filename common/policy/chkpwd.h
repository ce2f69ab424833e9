/* naccs_chkpwd: the setuid-root helper that lets a process which is not root
 * (a screen locker, UTS-2.3.2.1(1)(d)) verify its own user's naccs password
 * (issue #11; chkpwd/naccs_chkpwd.c, naccs_chkpwd(8)).  This header is the
 * whole protocol between the helper and pam_naccs.so:
 *
 *   naccs_chkpwd [--account] [--service NAME] [USER]
 *
 * stdin: the password, nothing else, ended by end of file (never argv or the
 * environment); at most NACCS_CHKPWD_INPUT_MAX bytes are read.  With
 * --account nothing is read: the account phase's checks instead (state,
 * password age, access rules), as pam_sm_acct_mgmt makes them.  The answer
 * is the exit code below.  stdout: after an authentication that exits 0
 * (NACCS_CHKPWD_OK, not --account), the ID's canonical login and a newline,
 * nothing else (pam_naccs.so makes it PAM_USER, as pam_sm_authenticate does
 * for a typed NACCS form such as ABCDE001); otherwise nothing.  stderr:
 * messages for a person, nothing the caller needs.
 * The helper only ever checks the password of the ID whose uid is the
 * caller's real uid; USER, when given, must name that same ID. */
#ifndef NACCS_CHKPWD_H
#define NACCS_CHKPWD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "policy/policy.h"

/* The installed helper: the only one pam_naccs.so runs (a test build may
 * name another with NACCS_TEST_CHKPWD, read with secure_getenv). */
#define NACCS_CHKPWD_PATH SBINDIR "/naccs_chkpwd"
/* Test builds only (--enable-test-hooks): the helper to run, and the config
 * file the helper reads instead of the compiled-in one. */
#define NACCS_CHKPWD_TEST_HELPER_ENV "NACCS_TEST_CHKPWD"
#define NACCS_CHKPWD_TEST_CONF_ENV   "NACCS_TEST_CHKPWD_CONF"

/* More than any password the policy accepts (hash.max_password_bytes is at
 * most 512): a longer input is read as far as this, and refused as too long
 * (a counted failure, as in pam_naccs.so).  Less than a pipe's capacity. */
#define NACCS_CHKPWD_INPUT_MAX 1024

/* Exit codes (naccs_chkpwd(8), docs/ADMIN.md "naccs_chkpwd"). */
enum naccs_chkpwd_exit {
	NACCS_CHKPWD_OK = 0,	      /* the password is right and the ID usable */
	NACCS_CHKPWD_BAD = 1,	      /* wrong password (also a locked, suspended or
					 retired ID unless auth.show_locked = yes) */
	NACCS_CHKPWD_LOCKED = 2,      /* auth.show_locked = yes only */
	NACCS_CHKPWD_SUSPENDED = 3,   /* auth.show_locked = yes only */
	NACCS_CHKPWD_RETIRED = 4,     /* auth.show_locked = yes only */
	NACCS_CHKPWD_UNKNOWN = 5,     /* the caller (and USER) is no ID here: not mine */
	NACCS_CHKPWD_NOT_YOURS = 6,   /* USER is another ID than the caller's: refused */
	NACCS_CHKPWD_UNAVAILABLE = 7, /* store, audit trail or flood cap: fail closed */
	NACCS_CHKPWD_ERROR = 8,	      /* configuration refused, not installed setuid root */
	NACCS_CHKPWD_USAGE = 9,	      /* bad arguments, a terminal on stdin, bad input */
	/* --account only */
	NACCS_CHKPWD_CHANGE_REQUIRED = 10, /* set by an administrator, or past its age */
	NACCS_CHKPWD_EXPIRED = 11,	   /* expired beyond the grace period */
	NACCS_CHKPWD_DENIED = 12,	   /* an access rule refuses */
};

/* The exit code for an authentication or account outcome (the helper's
 * side), and the outcome for an exit code (pam_naccs.so's side, mapped to PAM_* as its own
 * decisions are).  Every code the helper does not define is UNAVAILABLE:
 * fail closed. */
int naccs_chkpwd_exit_code(enum naccs_outcome o);
enum naccs_outcome naccs_chkpwd_outcome(int exit_code);
/* A short English name of an exit code, for logs. */
const char *naccs_chkpwd_exit_name(int exit_code);

struct naccs_chkpwd_call {
	const char *helper;   /* absolute path of the helper */
	const char *user;     /* the name to check, or NULL: the caller's own */
	const char *service;  /* recorded as "naccs_chkpwd:SERVICE", or NULL */
	bool account;	      /* --account: the account phase, no password */
	const char *password; /* written to the helper's stdin, never argv (or NULL) */
	/* The helper's whole environment (NULL: an empty one).  Only a test
	 * build passes anything. */
	char *const *envp;
	/* Out (or NULL): the canonical login the helper wrote on stdout, a
	 * string of at most login_cap - 1 bytes; "" when it wrote none, or
	 * anything else than one line of printable, non-space characters that
	 * fits. */
	char *login;
	size_t login_cap;
};

/* Run the helper and wait for it: the password goes through a pipe filled
 * before the fork (so a helper that exits early never raises SIGPIPE in the
 * host), stdout is a pipe read after the helper exits 0 (call->login), stderr
 * /dev/null, every other descriptor is closed,
 * and SIGCHLD has its default action while the helper runs (a host that
 * ignores or reaps SIGCHLD neither loses the status nor sees the child; its
 * handler is restored after waitpid, as pam_unix does for unix_chkpwd).
 * 0 and *exit_code, or -errno (the helper could not be run, or was killed). */
int naccs_chkpwd_run(const struct naccs_chkpwd_call *call, int *exit_code, struct naccs_err *err);

#endif
