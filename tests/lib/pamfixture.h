/* The fixture of the tests through the PAM module (tests/pam/): a fresh
 * fixture directory, its naccs.conf, the store in it, IDs with cheap
 * hashes and their state, and libpamtest conversations with output
 * buffers.  Every helper fails the running cmocka test when it cannot do
 * its part. */
#ifndef NACCS_PAMFIXTURE_H
#define NACCS_PAMFIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libpamtest.h>
#include <security/pam_appl.h>

#include "crypto/hash.h"
#include "store/store.h"
#include "teststore.h" /* tst_open_store: the PAM tests open their store with it */
#include "testutil.h"  /* tu_hash_params: their cheap hash parameters */

/* Are the tests run under pam_wrapper (PAM_WRAPPER set, as make check
 * does)?  When not, says so on stderr for test (its name): main then
 * returns 77 (skipped). */
bool pfx_have_wrapper(const char *test);

/* Remove dir with everything in it and make it again, empty, 0700. */
void pfx_fresh_dir(const char *dir);

/* Write conf_dir/naccs.conf (0600): the [audit] lines of the trail
 * trail_dir/audit (created: tu_audit_trail), [store] path = store_path,
 * [hash] with hash_lines (NULL: cheap argon2id, "memory_kib = 1024\n
 * time_cost = 1\n"), [auth] fail_delay_ms = 0, then the text of tail_fmt
 * (more sections, a test's extra lines). */
void pfx_write_conf(const char *conf_dir, const char *trail_dir, const char *store_path,
		    const char *hash_lines, const char *tail_fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* login's state, read through a store opened for the call. */
struct naccs_account_state pfx_get_state(const char *store_path, uid_t owner, const char *login);

/* An ID to add: individual when code is not "" (code and number its user
 * code and identifying number), else shared; uid allocated (20000-29999),
 * gid 100, home /home/LOGIN, shell /bin/sh. */
struct pfx_user {
	const char *login;
	const char *code;
	const char *number;
	const char *gecos;			/* NULL: none (or test_gecos) */
	bool test_gecos;			/* gecos "Test LOGIN" */
	const char *password;			/* hashed with params */
	const struct naccs_hash_params *params; /* NULL: tu_hash_params(1024) */
	bool must_change;
};
void pfx_add_user(struct naccs_store *st, const struct pfx_user *u);

/* A libpamtest conversation: the answers to the password prompts (in
 * order) and output buffers for the module's info and error messages,
 * zeroed, PAM_MAX_MSG_SIZE each. */
#define PFX_SLOTS 16
struct pfx_conv {
	const char *answers[PFX_SLOTS];
	char info_buf[PFX_SLOTS][PAM_MAX_MSG_SIZE];
	char err_buf[PFX_SLOTS][PAM_MAX_MSG_SIZE];
	char *info[PFX_SLOTS + 1];
	char *errs[PFX_SLOTS + 1];
	struct pamtest_conv_data data;
};

/* answers: NULL-terminated (at most PFX_SLOTS - 1 of them); NULL: no
 * answers at all (no in_echo_off list).  n_info and n_err: how many info
 * and error buffers the conversation offers (0: none, no list). */
void pfx_conv_init(struct pfx_conv *c, const char *const *answers, int n_info, int n_err);

/* The conversation of one password: pfx_conv_init with the answers {pw}
 * (pw NULL: an empty list, not none). */
void pfx_conv_pw(struct pfx_conv *c, const char *pw, int n_info, int n_err);

/* Run one PAM operation of service for user through c (set up with
 * pfx_conv_init); returns the operation's PAM code. */
int pfx_run(const char *service, enum pamtest_ops op, const char *user, struct pfx_conv *c);

/* The account phase of service for user straight through libpam (not
 * libpamtest) with the conversation conv, PAM_TTY, PAM_RHOST and PAM_RUSER
 * set first when not NULL; returns pam_acct_mgmt's code. */
int pfx_acct_direct(const char *service, const char *user, const struct pam_conv *conv,
		    const char *tty, const char *rhost, const char *ruser);

/* pfx_run through c set up here with pfx_conv_pw(c, pw, n_info, n_err);
 * c NULL: a conversation of the call's own. */
int pfx_run_pw(const char *service, enum pamtest_ops op, const char *user, const char *pw,
	       int n_info, int n_err, struct pfx_conv *c);

/* naccsd for the tests through it (issue 18): started as a child,
 * `naccsd --foreground --socket SOCK --conf CONF --owner EUID` (under
 * $NACCS_VALGRIND when set), its stderr appended to log (NULL: the test's),
 * with this process's environment (NACCS_TEST_NOW included).  Returns once
 * it answers a connect on sock (20 s at most, else the test fails). */
pid_t pfx_naccsd_start(const char *conf_path, const char *sock_path, const char *log_path);
/* SIGTERM, and its exit status must be 0 (within 20 s, else SIGKILL and
 * the test fails).  pid <= 0: nothing. */
void pfx_naccsd_stop(pid_t pid);
/* A stand-in for naccsd on sock_path (a child process): every request is
 * answered ERROR error_code (docs/PROTOCOL.md), e.g. "busy".  Returns once
 * it accepts connects; stop it with pfx_naccsd_kill. */
pid_t pfx_fake_naccsd(const char *sock_path, const char *error_code);
/* SIGKILL, for teardowns after a failed test.  pid <= 0: nothing. */
void pfx_naccsd_kill(pid_t pid);

/* How deep fn(arg) went on its stack, in bytes: run in a thread whose
 * stack (512 KiB) is painted before and scanned after (the host's stack
 * per PAM call, issue 18: what libpam, pam_wrapper and the thread's start
 * add is in the figure too). */
size_t pfx_stack_used(void *(*fn)(void *), void *arg);
/* Is the stack not the host's (valgrind, ASan)?  Says so on stdout. */
bool pfx_stack_unmeasurable(void);

#endif
