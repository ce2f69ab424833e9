/* naccsctl user ...: declarations shared by the cmd_user*.c files.  Where
 * each part lives:
 *   cmd_user.c         the dispatcher (every subcommand), the arguments
 *                      several subcommands take (LOGIN, --json) and the
 *                      check of free text that ends up in the passwd line
 *   cmd_user_find.c    the ID the administrator named (login or NACCS
 *                      form) and its state; how an ID is written out
 *   cmd_user_add.c     user add: options, the new identity, issuance
 *   cmd_user_local.c   user add against the system's own accounts (NSS):
 *                      uids, logins and groups it already knows, adopting
 *                      a local shared account
 *   cmd_user_otp.c     one-time passwords: made, hashed, shown only once
 *   cmd_user_passwd.c  user passwd (an administrator's reset)
 *   cmd_user_show.c    user show: an ID, its state and registry lines
 *   cmd_user_list.c    user list and its filters (review of unneeded IDs)
 *   cmd_user_json.c    the JSON members of an ID and its state (show, list)
 *   cmd_user_staff.c   user staff-number (one ID per person)
 *   cmd_user_state.c   lock, unlock, suspend, unsuspend, expire, retire;
 *                      a change sent to naccsd or applied here; the rule
 *                      that a retired ID cannot change */
#ifndef NACCSCTL_CMD_USER_H
#define NACCSCTL_CMD_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"
#include "base/json.h"
#include "store/store.h"
#include "ctl.h"

/* The subcommands (argv[0] is the subcommand's name). */
int user_add(struct ctl_ctx *ctx, int argc, char **argv);
int user_passwd(struct ctl_ctx *ctx, int argc, char **argv);
int user_show(struct ctl_ctx *ctx, int argc, char **argv);
/* cmd_user_failures.c: the failed login attempts on one ID. */
int user_failures(struct ctl_ctx *ctx, int argc, char **argv);
int user_list(struct ctl_ctx *ctx, int argc, char **argv);
/* lock, unlock, suspend and unsuspend: argv[0] names the action. */
int user_flag(struct ctl_ctx *ctx, int argc, char **argv);
int user_retire(struct ctl_ctx *ctx, int argc, char **argv);
/* cmd_user_staff.c: record an individual ID's staff number. */
int user_staff_number(struct ctl_ctx *ctx, int argc, char **argv);

/* ---- cmd_user.c ---- */

/* Exactly one positional argument (the ID) after the options. */
int user_one_login(const char *cmd, int argc, char **argv, const char **login);
/* "LOGIN [--json]": the arguments of user passwd and user show. */
int user_login_json_args(struct ctl_ctx *ctx, const char *cmd, int argc, char **argv,
			 const char **login);
/* Text that ends up in the passwd line NSS publishes (or beside it, as a
 * reason): no field separator, no control characters. */
bool user_passwd_field_ok(const char *s);

/* ---- cmd_user_find.c ---- */

/* Open the store, resolve name (a login or a NACCS user ID) and, when st is
 * not NULL, read the ID's state (never its hash).  Exit code; message
 * printed. */
int user_open_and_resolve(struct ctl_ctx *ctx, bool read_only, const char *name,
			  struct naccs_identity *id, struct naccs_account_state *st);
/* "CODE-NUMBER", or "-" for an ID without a NACCS user ID. */
void user_id_text(const struct naccs_identity *id, char *out, size_t outlen);
/* "shared" or "individual" (JSON and the list). */
const char *user_kind_name(enum naccs_id_kind kind);

/* ---- cmd_user_otp.c ---- */

/* A new one-time password for id that meets the password policy, and its
 * hash (exit code; message printed). */
int user_new_otp(struct ctl_ctx *ctx, const struct naccs_identity *id, char otp[CTL_OTP_MAX + 1],
		 char phc[NACCS_PHC_MAX]);
/* Show the ID and its one-time password once; what is "issued" or
 * "password reset for"; notice (NULL: none) follows it (text) or is the
 * member "notice" (JSON).  0 or -errno when the password was not printed. */
int user_show_otp(const struct ctl_ctx *ctx, const struct naccs_identity *id, const char *otp,
		  const char *what, const char *notice);

/* ---- cmd_user_local.c ---- */

/* What user add was given explicitly; the rest are defaults. */
struct user_add_given {
	bool uid, gid, home, shell;
	bool adopt_local;	      /* --adopt-local: register an existing local shared account */
	const char *allow_system_gid; /* --allow-system-gid REASON, or NULL */
};

/* Check id (uid, gid, login) against the system's own accounts (NSS);
 * with --adopt-local, take the local account's uid and, unless given, its
 * gid, home and shell.  Exit code; message printed. */
int user_check_local(const struct user_add_given *given, struct naccs_identity *id);
/* The lowest uid in [from, identity.uid_max] that the store never issued
 * and no NSS source knows.  Exit code; message printed. */
int user_pick_free_uid(struct ctl_ctx *ctx, uint32_t from, uint32_t *uid);

/* ---- cmd_user_json.c ---- */

/* A string member; null when value is NULL or empty. */
void user_json_text(struct naccs_json *w, const char *key, const char *value);
/* The identity members, shared by show and list (inside an object). */
void user_json_identity(struct naccs_json *w, const struct naccs_identity *id);
/* The state members (inside an object). */
void user_json_state(struct naccs_json *w, const struct naccs_account_state *st);

/* ---- cmd_user_state.c ---- */

/* A change of an ID (policy/admin.h): sent to naccsd when it listens
 * (*remote), else applied here by the same code (ctl_client.h).
 * CTL_EXIT_OK with *o (an event that could not be recorded already said),
 * else an exit code with the message printed. */
int user_admin_run(struct ctl_ctx *ctx, const struct naccs_admin_change *c,
		   struct naccs_admin_outcome *o, bool *remote);
/* o when it is neither done nor unchanged: said as naccsctl says it, and
 * its exit code; -1 for done and unchanged (the caller's to say). */
int user_admin_refusal(const struct naccs_admin_change *c, const struct naccs_admin_outcome *o);

/* A retired ID cannot be changed or used again: the error and its event. */
int user_refuse_retired(struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id);

/* End the running sessions of id after action ("suspend", "retire"),
 * UTS-2.2.1.1(1)(d); keep (--keep-sessions): only record that they were
 * left open.  One end-sessions trail line.  CTL_EXIT_OK, or CTL_EXIT_FAIL
 * when some could not be ended (cmd_user_sessions.c). */
int user_end_sessions(struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id,
		      bool keep);

#endif
