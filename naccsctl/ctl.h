/* naccsctl: the administrators' tool.  Declarations shared by naccsctl.c and the command
 * files: the context that carries the configuration and the open store for
 * one run, exit codes, and the helpers in ctl_util.c. */
#ifndef NACCSCTL_CTL_H
#define NACCSCTL_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config/conf.h"
#include "base/err.h"
#include "base/json.h"
#include "store/store.h"
#include "policy/admin.h"

#define CTL_PROG "naccsctl"

/* Exit codes (documented in the usage text). */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAIL = 1,	  /* the operation failed */
	CTL_EXIT_USAGE = 2,	  /* bad command line */
	CTL_EXIT_NOT_FOUND = 3,	  /* no such ID */
	CTL_EXIT_UNAVAILABLE = 4, /* the store cannot be used */
};

/* A generated one-time password has at most this many characters (at least
 * 16, more when password.min_length asks for more). */
#define CTL_OTP_MAX NACCS_ADMIN_OTP_MAX

#define CTL_MAX_SET_ARGS 64

/* One run of the tool: global options, the loaded configuration and, once a
 * command asked for it, the open store. */
struct ctl_ctx {
	const char *conf_path;			/* --conf, or the default */
	bool conf_named;			/* --conf given: the file must exist */
	const char *store_path;			/* --store, or NULL */
	const char *socket_path;		/* --socket (naccsd's), or NULL */
	const char *set_args[CTL_MAX_SET_ARGS]; /* --set section.key=value */
	size_t n_set_args;
	uid_t owner;	    /* --owner: expected owner of trusted files */
	bool json;	    /* --json */
	bool store_migrate; /* the store open is administrative (init, upgrade) */
	bool cfg_loaded;
	bool store_writable; /* the store was opened for writing: the index follows */
	struct naccs_config cfg;
	struct naccs_store *store;
	int store_lock; /* the store's lock (ctl_store_lock), when store_locked */
	bool store_locked;
	char actor[NACCS_WHO_MAX]; /* the administrator, for records and events */
	/* The change under way (ctl_change_begin): its "done" line is written
	 * by the store's commit hook, inside the change's transaction. */
	struct {
		const char *action, *login, *detail;
		const struct naccs_identity *id;
		bool armed;
		bool recorded; /* the line is in the trail (or allowed without it) */
		bool refused;  /* the trail refused it: the change was rolled back */
		char msg[NACCS_ERR_MSG_MAX];
	} change;
};

/* A command: argv[0] is the command's own name. Returns an exit code. */
typedef int (*ctl_cmd_fn)(struct ctl_ctx *ctx, int argc, char **argv);

int cmd_init(struct ctl_ctx *ctx, int argc, char **argv);
int cmd_config(struct ctl_ctx *ctx, int argc, char **argv);
int cmd_user(struct ctl_ctx *ctx, int argc, char **argv);    /* cmd_user*.c, see cmd_user.h */
int cmd_store(struct ctl_ctx *ctx, int argc, char **argv);   /* cmd_store.c */
int cmd_upgrade(struct ctl_ctx *ctx, int argc, char **argv); /* cmd_store.c */
int cmd_group(struct ctl_ctx *ctx, int argc, char **argv);   /* cmd_group.c */
int cmd_index(struct ctl_ctx *ctx, int argc, char **argv);   /* cmd_index.c */
/* After a command: when it opened the store for writing, rebuild the public
 * identity index; the command's exit code, or CTL_EXIT_FAIL when it was OK
 * and the index could not be written (cmd_index.c). */
int ctl_index_after(struct ctl_ctx *ctx, int rc);
int cmd_audit(struct ctl_ctx *ctx, int argc, char **argv); /* cmd_audit.c */

/* Usage texts (naccsctl.c). */
void ctl_usage_main(FILE *out);
void ctl_usage_init(FILE *out);
void ctl_usage_config(FILE *out);
void ctl_usage_store(FILE *out);
void ctl_usage_upgrade(FILE *out);
void ctl_usage_user(FILE *out, const char *sub);
void ctl_usage_group(FILE *out); /* cmd_group.c */
void ctl_usage_index(FILE *out); /* cmd_index.c */
void ctl_usage_audit(FILE *out); /* cmd_audit.c */
/* naccsctl audit report (cmd_audit_report.c); argv[0] is "report". */
int ctl_audit_report(struct ctl_ctx *ctx, int argc, char **argv);

/* ---- ctl_util.c ---- */

/* "naccsctl: MESSAGE" on stderr. */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ctl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: message, then a one-line hint to the help of cmd ("" for the
 * top level). Returns CTL_EXIT_USAGE. */
int ctl_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a getopt failure ('?' or ':') for cmd. Returns CTL_EXIT_USAGE. */
int ctl_bad_option(const char *cmd, int opt, char **argv, int optind_now);
/* After a command's options (getopt's optind): more than max positional
 * arguments is a usage error naming the first extra one. */
int ctl_max_args(const char *cmd, int argc, char **argv, int max);

/* Load the configuration (file, then --set and --store), once. */
int ctl_load_config(struct ctl_ctx *ctx);
naccs_deadline_t ctl_deadline(const struct ctl_ctx *ctx);

/* Who is running the tool: the user of the audit login uid, else of the
 * real uid.  Never the environment (SUDO_USER and the like are claims of
 * the caller; ctl_emit records SUDO_USER as a claim in the event detail). */
void ctl_actor_name(char *out, size_t outlen);

/* Map a store return code to an exit code, printing the message: -ENOENT is
 * "no such ID: what", unavailable ones exit 4 with the store's message. */
int ctl_exit_for_store(int rc, const struct naccs_err *err, const char *what);

/* End a JSON document written to stdout (naccs_json_init_stream): a
 * newline, or the writer's error printed.  CTL_EXIT_OK or CTL_EXIT_FAIL. */
int ctl_json_done(struct naccs_json *w);

/* Copy s for a terminal: control characters become '?'. */
void ctl_safe(const char *s, char *out, size_t outlen);
/* Format a wall time for people ("-" when !present). */
void ctl_time_text(bool present, int64_t t, char *out, size_t outlen);

/* Parse a decimal unsigned number (no sign, no junk) up to max. */
int ctl_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* Write a line holding a secret straight to stdout (no stdio buffer keeps a
 * copy) and wipe the formatting buffer. 0 or -errno. */
int ctl_print_secret(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Who this run is, for a change (policy/admin.h): the actor, "naccsctl",
 * and SUDO_USER as a claim when it names someone else. */
void ctl_admin_who(const struct ctl_ctx *ctx, struct naccs_admin_who *who);

/* Report an administrative action (type "admin"). Prints a warning when the
 * event could not be recorded and returns -errno then. */
int ctl_emit(const struct ctl_ctx *ctx, const char *action, const char *result, const char *reason,
	     const struct naccs_identity *id, const char *login, const char *detail);
/* No change unrecorded (UTS-2.2.1.4(1)(b)): called just before the store
 * call that makes a change, with the "done" event it will report.  The
 * event's trail line is then written inside the store's transaction, before
 * its commit; when the trail refuses it (a full disk) under
 * on_audit_failure = deny, the store rolls the change back.  The pointers
 * must stay valid until ctl_change_end. */
void ctl_change_begin(struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id,
		      const char *login, const char *detail);
/* After that store call: CTL_EXIT_UNAVAILABLE, with "nothing was changed"
 * printed, when the trail refused the line (the change was rolled back);
 * else CTL_EXIT_OK (the store's own answer is the caller's to judge). */
int ctl_change_end(struct ctl_ctx *ctx);
/* The end of a change to id: a "done" event (unless ctl_change_begin's
 * hook wrote it already); CTL_EXIT_FAIL when it could not be recorded,
 * else CTL_EXIT_OK. */
int ctl_report_done(const struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id,
		    const char *detail);
/* A change to id the store refused: an "error" event (reason "store") and
 * the exit code of ctl_exit_for_store. */
int ctl_report_store_error(const struct ctl_ctx *ctx, const char *action, int rc,
			   const struct naccs_err *err, const struct naccs_identity *id,
			   const char *detail);

/* ---- ctl_nss.c: the system's accounts and groups (every NSS source) ---- */

/* A passwd entry as NSS returned it. */
struct ctl_nss_user {
	char name[256];
	uint32_t uid, gid;
	char home[NACCS_TEXT_MAX];
	char shell[NACCS_TEXT_MAX];
	bool fits; /* every text field fitted (else some were cut) */
};

/* 1 (found; u or name filled), 0 (no source knows it) or -errno (the
 * look-up failed: callers fail closed). */
int ctl_nss_user_by_uid(uint32_t uid, struct ctl_nss_user *u);
int ctl_nss_user_by_name(const char *name, struct ctl_nss_user *u);
int ctl_nss_group_by_gid(uint32_t gid, char *name, size_t namelen);
/* Whether some source knows a group by that name: 1, 0 or -errno. */
int ctl_nss_group_by_name(const char *name);
/* Every ID of the open store (not retired) whose uid a system account of
 * another name also has (naccs_uid_other_account, the rule naccs_chkpwd
 * applies): one error line each.  The number found, or -1 when the store
 * could not be listed or a uid could not be looked up (message printed). */
int ctl_uid_clashes(struct ctl_ctx *ctx);

#endif
