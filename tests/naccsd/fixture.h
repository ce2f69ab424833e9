/* The naccsd tests' fixture (tests/naccsd/test_naccsd.c): naccsd started
 * as a child in a temporary directory (its log there), under
 * $NACCS_VALGRIND when set; a client of common/proto/ to speak to it. */
#ifndef NACCS_NACCSD_FIXTURE_H
#define NACCS_NACCSD_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "proto/message.h"
#include "server.h"

/* The frame deadline the tests give naccsd (test builds honour it). */
#define FRAME_MS 1500
#ifdef NACCS_TEST_HOOKS
#define EXPECT_FRAME_MS FRAME_MS
#else
#define EXPECT_FRAME_MS NACCSD_FRAME_MS
#endif

/* The password of the IDs fx_issue makes (the tests' GOOD). */
#define FX_GOOD "Correct-Horse-42"

#define GOOD_CONF   "[store]\ntimeout_ms = 1000\n"
#define OTHER_CONF  "[store]\ntimeout_ms = 2000\n"
#define BROKEN_CONF "[store]\ntimeout_ms = 5\n"

struct fx {
	char *dir;
	char sock[100], conf[256], log[256], notify[100], store[256];
	pid_t pid;
	int nfd; /* the test's NOTIFY_SOCKET, or -1 */
};

void fx_write_conf(struct fx *f, const char *text);
/* Exec naccsd with args (NULL-terminated), under $NACCS_VALGRIND if set. */
void fx_exec(const struct fx *f, const char *const *args);
pid_t fx_spawn(struct fx *f, const char *const *args);
/* The child's exit status within ms, or -1 (then it is killed). */
int fx_wait_exit(pid_t pid, int ms);
int fx_connect(const char *path);
/* Connect, retrying while the service starts (valgrind is slow). */
int fx_connect_wait(const char *path);
/* Is needle in the service's log (stderr) within ms? */
bool fx_log_has(const struct fx *f, const char *needle, int ms);
/* A datagram from naccsd on the test's NOTIFY_SOCKET holding want. */
void fx_expect_notify(struct fx *f, const char *want);
/* Start naccsd on DIR/sock with f->conf; wait until it answers connects. */
void fx_start(struct fx *f);
void fx_stop(struct fx *f);
int fx_setup(void **state);
int fx_teardown(void **state);
/* Send m (a request) and receive the answer into m. */
int fx_roundtrip(int fd, struct naccs_msg *m);
void fx_check_hello(int fd);
void fx_hello_on(const char *path);
/* The peer closed within ms (EOF or reset). */
bool fx_closed_within(int fd, int ms);
/* Receive an ERROR with code. */
void fx_expect_error(int fd, const char *code);
void fx_write_all(int fd, const void *p, size_t n);

/* ---- decisions (test_decide.c) ---- */
struct naccs_store;
/* A new store DIR/naccs.db and audit trail DIR/audit, and f->conf naming
 * them: cheap hashes, [auth] fail_delay_ms, [lockout] deny. */
void fx_store_conf(struct fx *f, unsigned fail_delay_ms, unsigned deny);
/* The store of f (close with naccs_store_close). */
struct naccs_store *fx_store_open(const struct fx *f);
/* Send a type request for user (with password unless NULL; invoker_uid
 * FX_INVOKER, as a root peer states it) on fd and receive the response in
 * m: its outcome, or -1 (an ERROR, or no response). */
#define FX_INVOKER 4242
int fx_ask(int fd, struct naccs_msg *m, uint16_t type, const char *user, const char *password);

/* ---- sessions and password changes (test_decide_session.c,
 * test_decide_password.c) ---- */
/* fx_store_conf, with extra appended to the configuration (its own
 * sections: "[session]\nmax_sessions_per_id = 1\n"). */
void fx_store_conf_extra(struct fx *f, unsigned fail_delay_ms, unsigned deny, const char *extra);
/* The same configuration for the store f has already (none created). */
void fx_conf_extra(struct fx *f, unsigned fail_delay_ms, unsigned deny, const char *extra);
/* Start a type request in m for user from service "login", invoker_uid
 * FX_INVOKER: the caller adds its own fields, then fx_ask_msg.  0 or -1. */
int fx_start_ask(struct naccs_msg *m, uint16_t type, const char *user);
/* Send m (started by fx_start_ask) on fd and receive the response in m: its
 * outcome, or -1 (an ERROR, or no response). */
int fx_ask_msg(int fd, struct naccs_msg *m);
/* The audit trail of f as text (free()). */
char *fx_trail(const struct fx *f);
/* Issue abcde-NUMBER as login with the password GOOD (tst_must_add_id):
 * its uid uid_base + NUMBER, so that a test file's IDs have uids of their
 * own (a test beside it that suspends uid 20000, the first allocated, ends
 * every process of that uid).  Returns the uid. */
uint32_t fx_issue(const struct fx *f, uint32_t uid_base, const char *number, const char *login);
/* login's state, read through a store opened for the call. */
struct naccs_account_state fx_state_of(const struct fx *f, const char *login);
/* Does one of m's info lines (or its message) hold needle? */
bool fx_info_has(const struct naccs_msg *m, const char *needle);
/* ---- the worker pool (test_pool.c) ---- */
/* fx_start with more arguments (NULL-terminated), e.g. --workers 2. */
void fx_start_with(struct fx *f, const char *const *extra);

/* ---- faults (test_faults.c) ---- */
/* Create f's audit trail now (as fx_store_conf would) and keep its K_1
 * in key (NACCS_AUDIT_KEY_LEN bytes), for fx_trail_verify. */
void fx_audit_key(const struct fx *f, uint8_t *key);
/* The trail of f verifies, every MAC checked with key (its K_1). */
void fx_trail_verify(const struct fx *f, const uint8_t *key);
/* How many lines of f's trail hold both a and b. */
long fx_trail_lines(const struct fx *f, const char *a, const char *b);
/* naccsctl store check --deep's examination of f's store: sound, integrity
 * "ok" (read-only: a WAL left behind is not recovered). */
void fx_store_check(const struct fx *f);
/* Reap f's service, which SIGKILL ended. */
void fx_reap_killed(struct fx *f);

#endif
