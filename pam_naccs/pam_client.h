/* Private to pam_naccs.so: the module as a client of naccsd (issue 18,
 * docs/NACCSD-PLAN.md decisions 2, 3 and 6, docs/PROTOCOL.md): PAM items
 * and the conversation in, one request per phase (a password change is a
 * short exchange), PAM codes out.  The decision is naccsd's; the module
 * only shows what it answers.  When naccsd cannot be reached within the
 * call's deadline, the public identity index decides as when the store
 * cannot be opened (issue 16): a naccs ID fails closed, any other name is
 * not ours (root and local accounts go on to pam_unix).
 *
 * A process that is neither root (a screen locker) is an unprivileged peer
 * of naccsd: it may authenticate, account-check and change the password of
 * its own uid's ID only (naccsd decides by SO_PEERCRED), and reads no
 * configuration while naccsd answers.
 *
 * pam_client.c is the transport (the call's state, one request and its
 * answer); pam_client_auth.c, pam_client_session.c and
 * pam_client_password.c are the entry points.  Small on the host's stack:
 * the messages (about 66 KB each), the configuration and the fall-back
 * decision live on the heap. */
#ifndef PAM_NACCS_CLIENT_H
#define PAM_NACCS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <security/pam_modules.h>

#include "base/err.h"
#include "policy/outcome.h"
#include "pam_args.h"

/* How long one PAM call waits for naccsd in all (connects, requests and
 * answers; not the user's typing): a verification takes seconds and may
 * queue in the service's pool, so generous, but bounded.  A test build
 * (--enable-test-hooks) honours NACCS_TEST_CLIENT_MS. */
#define PAM_CLIENT_DEADLINE_MS 15000

/* The one switch between the in-process policy and naccsd: true when this
 * call goes to naccsd (the naccsd_socket= argument).  When the service
 * becomes the default, this is the place that changes. */
bool pam_client_wanted(int argc, const char **argv);

/* pam_sm_authenticate through naccsd: the su gate (AUTH_GATE, root peers)
 * before the prompt, the prompt, AUTHENTICATE. */
int pam_client_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv);
/* pam_sm_acct_mgmt through naccsd (ACCOUNT). */
int pam_client_account(pam_handle_t *pamh, int flags, int argc, const char **argv);
/* pam_sm_open_session / pam_sm_close_session through naccsd (SESSION_OPEN,
 * SESSION_CLOSE with the mark the open kept in the handle). */
int pam_client_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv);
int pam_client_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv);
/* pam_sm_chauthtok through naccsd (PASSWORD_BEGIN, PASSWORD_CHANGE). */
int pam_client_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv);

/* ---- the transport, shared by the entry points (pam_client.c) ---------- */

struct naccs_msg;
struct pam_naccs_opts;

/* One PAM call through naccsd: small, on the host's stack; what is large
 * is on the heap (m, opts). */
struct client {
	pam_handle_t *pamh;
	int flags, argc;
	const char **argv;
	struct pam_naccs_client_args args;
	struct pam_naccs_opts *opts; /* the configuration, loaded when needed */
	struct naccs_msg *m;	     /* the request, then its answer */
	const char *user;	     /* PAM_USER as the call found it */
	bool root;		     /* a root peer: states user and invoker */
	int64_t left_ms;	     /* what is left of the call's deadline */
	enum naccs_outcome outcome;  /* of the last answer */
	struct naccs_err err;
};

/* What a request carries beyond the login fields (NULL: none). */
struct client_req {
	const char *password;	  /* the password, or the current one */
	const char *new_password; /* PASSWORD_CHANGE */
	const char *prior;	  /* AUTHENTICATE: the repeat cache's generation */
	const uint8_t *mark;	  /* SESSION_CLOSE: the session mark */
	size_t mark_len;
	uint32_t flags; /* flags bits beyond quiet and no fail delay */
};

/* What became of one request. */
enum reach {
	REACH_ANSWERED,
	REACH_BUSY,	   /* ERROR busy: the flood cap is full */
	REACH_UNREACHABLE, /* no answer within the deadline, or no usable one */
};

/* What a call needs before its first request. */
enum client_phase {
	PHASE_AUTH,    /* a root peer: the fail delay, the banner (configuration) */
	PHASE_OTHER,   /* nothing read but the arguments and PAM_USER */
	PHASE_SESSION, /* as PHASE_OTHER; no PAM_USER: PAM_USER_UNKNOWN */
};

/* The call's start: the arguments, the user (PAM_USER, asked for when
 * unset), the message.  PAM_SUCCESS or the code to return (after end). */
int client_begin(struct client *c, pam_handle_t *pamh, int flags, int argc, const char **argv,
		 enum client_phase phase);
/* Every resource of the call freed, the secrets wiped; returns rv. */
int client_end(struct client *c, int rv);
/* The configuration (pam_naccs_load_opts) into c->opts, once per call. */
int client_load_opts(struct client *c);
/* One request of type to naccsd and its answer in c->m (c->outcome), within
 * what is left of the call's deadline; the secrets of x are wiped from the
 * message as soon as it is sent. */
enum reach client_exchange(struct client *c, uint16_t type, const struct client_req *x);
/* The answer's user message (an error, or information when the answer lets
 * the user in or asks for a change) and its info lines; nothing if quiet. */
void client_show(struct client *c);
/* From here on the stack knows the user by the answer's canonical login. */
int client_set_login(struct client *c);
/* naccsd out of reach (busy: ERROR busy): the identity index decides
 * (type: "auth", "account", "password", "session";
 * naccs_policy_unavailable), the reason logged, the user told (busy, an
 * ID: try again later).  NACCS_OUT_NOT_MANAGED: not ours;
 * NACCS_OUT_UNAVAILABLE: fail closed, also when the configuration cannot
 * be read; for "account", naccs_policy_account_unavailable's outcome. */
enum naccs_outcome client_fallback(struct client *c, const char *type, bool busy);

#endif
