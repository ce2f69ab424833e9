/* pam_naccs.so as a client of naccsd: the transport (pam_client.h), one
 * request and its answer within the call's deadline. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "base/i18n.h"
#include "base/num.h"
#include "base/secret.h"
#include "base/time.h"
#include "policy/policy.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "rules/su.h"
#include "pam_args.h"
#include "pam_call.h"
#include "pam_client.h"
#include "pam_prelogin.h"

bool pam_client_wanted(int argc, const char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], PAM_NACCS_ARG_SOCKET, strlen(PAM_NACCS_ARG_SOCKET)) == 0)
			return true;
	}
	return false;
}

static int64_t call_deadline_ms(void)
{
#ifdef NACCS_TEST_HOOKS
	const char *t = secure_getenv("NACCS_TEST_CLIENT_MS");
	unsigned long v;

	if (t != NULL && naccs_parse_ulong(t, strlen(t), 1, 600000, &v) == 0)
		return (int64_t)v;
#endif
	return PAM_CLIENT_DEADLINE_MS;
}

/* The configuration, on the heap, once per call. */
int client_load_opts(struct client *c)
{
	struct pam_naccs_opts *o;
	int rv;

	if (c->opts != NULL)
		return PAM_SUCCESS;
	o = malloc(sizeof(*o));
	if (o == NULL)
		return PAM_BUF_ERR;
	rv = pam_naccs_load_opts(c->pamh, c->flags, c->argc, c->argv, o);
	if (rv != PAM_SUCCESS) {
		naccs_wipe(o, sizeof(*o));
		free(o);
		return rv;
	}
	c->opts = o;
	return PAM_SUCCESS;
}

int client_begin(struct client *c, pam_handle_t *pamh, int flags, int argc, const char **argv,
		 enum client_phase phase)
{
	const void *item = NULL;
	const char *user = NULL;
	int rv;

	memset(c, 0, sizeof(*c));
	c->pamh = pamh;
	c->flags = flags;
	c->argc = argc;
	c->argv = argv;
	c->left_ms = call_deadline_ms();
	naccs_i18n_init();
	rv = pam_naccs_client_args(pamh, flags, argc, argv, &c->args);
	if (rv != PAM_SUCCESS)
		return rv;
	c->root = geteuid() == 0;
	/* A root peer's authentication: the banner and the unencrypted-channel
	 * warning are still read here, from the configuration
	 * (pam_prelogin.c), and the module asks libpam for the fail delay, as
	 * in-process, telling naccsd not to hold the answer.  An unprivileged
	 * peer (a screen locker) reads no configuration: naccsd holds its
	 * answer (docs/PROTOCOL.md, flags bit 3), as naccs_chkpwd did. */
	if (phase == PHASE_AUTH && c->root) {
		rv = client_load_opts(c);
		if (rv != PAM_SUCCESS)
			return rv;
		if (!c->args.nodelay && c->opts->cfg.fail_delay_ms > 0)
			pam_fail_delay(pamh, c->opts->cfg.fail_delay_ms * 1000u);
		prelogin_show(pamh, &c->opts->cfg, pam_call_item(pamh, PAM_SERVICE));
	}
	/* A session's user is the one the stack authenticated: never asked. */
	if (phase == PHASE_SESSION) {
		if (pam_get_item(pamh, PAM_USER, &item) != PAM_SUCCESS)
			return PAM_USER_UNKNOWN;
		user = item;
	} else {
		rv = pam_get_user(pamh, &user, NULL);
		if (rv != PAM_SUCCESS)
			return rv;
	}
	if (user == NULL || user[0] == '\0')
		return PAM_USER_UNKNOWN;
	c->user = user;
	c->m = naccs_msg_new();
	return c->m != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
}

int client_end(struct client *c, int rv)
{
	naccs_msg_free(c->m); /* wiped: the password with it */
	if (c->opts != NULL) {
		naccs_wipe(c->opts, sizeof(*c->opts));
		free(c->opts);
	}
	naccs_wipe(&c->err, sizeof(c->err));
	return rv;
}

/* The socket must be the service's: a socket owned by root (or by the
 * owner= of a test build's arguments).  Anything else is as no socket: a
 * local user's impostor would otherwise hear every password. */
static int socket_trusted(struct client *c)
{
	struct stat st;
	char buf[128];

	if (lstat(c->args.socket, &st) < 0)
		return naccs_err_set(&c->err, errno, "%s: %s", c->args.socket,
				     naccs_strerror(errno, buf, sizeof(buf)));
	if (!S_ISSOCK(st.st_mode) || st.st_uid != c->args.owner)
		return naccs_err_set(&c->err, EPERM, "%s: not a socket owned by uid %lu",
				     c->args.socket, (unsigned long)c->args.owner);
	return 0;
}

/* Wait for fd to be ready for events before dl: 0 or -ETIMEDOUT/-errno. */
static int wait_ready(int fd, short events, naccs_deadline_t dl)
{
	for (;;) {
		int64_t left = naccs_deadline_left_ms(dl);
		struct pollfd p = {.fd = fd, .events = events};
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* A non-blocking connect to the socket, done before dl: the descriptor
 * (close-on-exec, never inherited by what the host runs), or -errno. */
static int connect_to(struct client *c, naccs_deadline_t dl)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[128];
	int fd, rc = socket_trusted(c), e = 0;
	socklen_t elen = sizeof(e);

	if (rc < 0)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return naccs_err_set(&c->err, errno, "socket: %s",
				     naccs_strerror(errno, buf, sizeof(buf)));
	/* The length was checked with the argument (pam_args.c). */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->args.socket);
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		if (rc == -EINTR)
			continue;
		if (rc == -EAGAIN) {
			/* The backlog is full: try again shortly, within dl. */
			rc = naccs_deadline_left_ms(dl) > 0 ? 0 : -ETIMEDOUT;
			if (rc == 0) {
				(void)poll(NULL, 0, 10);
				continue;
			}
		} else if (rc == -EINPROGRESS) {
			rc = wait_ready(fd, POLLOUT, dl);
			if (rc == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
				rc = -errno;
			else if (rc == 0)
				rc = -e;
			if (rc == 0)
				break;
		}
		close(fd);
		return naccs_err_set(&c->err, -rc, "connect %s: %s", c->args.socket,
				     naccs_strerror(-rc, buf, sizeof(buf)));
	}
	return fd;
}

/* An optional string field from a PAM item: absent stays absent. */
static int set_opt(struct client *c, uint16_t tag, int item)
{
	const char *v = pam_call_item(c->pamh, item);

	return v == NULL ? 0 : naccs_msg_set_str(c->m, tag, v, &c->err);
}

/* The request of type from the PAM items (docs/PROTOCOL.md, login
 * fields). */
static int build(struct client *c, uint16_t type, const struct client_req *x)
{
	struct naccs_su_invoker inv;
	const char *svc = pam_call_item(c->pamh, PAM_SERVICE);
	const char *loc = setlocale(LC_MESSAGES, NULL);
	uint32_t flags = (c->args.quiet ? NACCS_FLAG_SILENT : 0) | x->flags;
	int rc;

	if (c->root)
		flags |= NACCS_FLAG_NO_FAIL_DELAY; /* pam_fail_delay: client_begin() */
	/* The invoker as the module reads it in-process: getuid() and the
	 * kernel's loginuid of this process (rules/su.h). */
	naccs_su_read_invoker(&inv);
	rc = naccs_msg_start(c->m, type, NULL, &c->err);
	if (rc == 0)
		rc = naccs_msg_set_str(c->m, NACCS_TAG_SERVICE, svc != NULL ? svc : "", &c->err);
	if (rc == 0)
		rc = naccs_msg_set_str(c->m, NACCS_TAG_USER, c->user, &c->err);
	if (rc == 0)
		rc = set_opt(c, NACCS_TAG_TTY, PAM_TTY);
	if (rc == 0)
		rc = set_opt(c, NACCS_TAG_RHOST, PAM_RHOST);
	if (rc == 0)
		rc = set_opt(c, NACCS_TAG_RUSER, PAM_RUSER);
	if (rc == 0)
		rc = naccs_msg_set_u32(c->m, NACCS_TAG_INVOKER_UID, inv.uid, &c->err);
	if (rc == 0 && inv.has_loginuid)
		rc = naccs_msg_set_u32(c->m, NACCS_TAG_INVOKER_LOGINUID, inv.loginuid, &c->err);
	if (rc == 0)
		rc = naccs_msg_set_u32(c->m, NACCS_TAG_FLAGS, flags, &c->err);
	/* The language of the user's messages; a name the wire cannot carry
	 * is left out (naccsd's own then). */
	if (rc == 0 && loc != NULL && naccs_msg_set_str(c->m, NACCS_TAG_LOCALE, loc, NULL) < 0)
		naccs_err_clear(&c->err);
	if (rc == 0 && x->password != NULL)
		rc = naccs_msg_set_secret(c->m, NACCS_TAG_PASSWORD, x->password, &c->err);
	if (rc == 0 && x->new_password != NULL)
		rc = naccs_msg_set_secret(c->m, NACCS_TAG_NEW_PASSWORD, x->new_password, &c->err);
	if (rc == 0 && x->prior != NULL)
		rc = naccs_msg_set_str(c->m, NACCS_TAG_PRIOR_GENERATION, x->prior, &c->err);
	if (rc == 0 && x->mark != NULL)
		rc = naccs_msg_set_bytes(c->m, NACCS_TAG_SESSION_MARK, x->mark, x->mark_len,
					 &c->err);
	return rc;
}

/* The answer in c->m to the request of type with id. */
static enum reach check_answer(struct client *c, uint16_t type, const uint8_t *id)
{
	const char *code = NULL;
	uint32_t o;

	if (c->m->type == NACCS_MSG_ERROR) {
		(void)naccs_msg_get_str(c->m, NACCS_TAG_ERROR_CODE, &code, NULL);
		if (code != NULL && strcmp(code, NACCS_PROTO_ERR_BUSY) == 0) {
			naccs_err_set(&c->err, EBUSY, "naccsd busy (its verifications are taken)");
			return REACH_BUSY;
		}
		naccs_err_set(&c->err, EPROTO, "naccsd answered ERROR %s",
			      code != NULL ? code : "?");
		return REACH_UNREACHABLE;
	}
	if (c->m->type != (type | NACCS_PROTO_RESPONSE) ||
	    memcmp(c->m->request_id, id, NACCS_PROTO_ID_LEN) != 0 ||
	    naccs_msg_get_u32(c->m, NACCS_TAG_OUTCOME, &o) < 0) {
		naccs_err_set(&c->err, EPROTO, "naccsd answered another request");
		return REACH_UNREACHABLE;
	}
	c->outcome = (enum naccs_outcome)o;
	return REACH_ANSWERED;
}

enum reach client_exchange(struct client *c, uint16_t type, const struct client_req *x)
{
	static const struct client_req none;
	naccs_deadline_t dl = naccs_deadline_in(c->left_ms > 0 ? (unsigned)c->left_ms : 0);
	uint8_t id[NACCS_PROTO_ID_LEN];
	enum reach r = REACH_UNREACHABLE;
	int fd = -1, rc = build(c, type, x != NULL ? x : &none);

	if (rc < 0) {
		/* An item the wire cannot carry (a control character): no
		 * decision from naccsd; the index decides. */
		pam_syslog(c->pamh, LOG_ERR, "request not sent: %s", c->err.msg);
		naccs_msg_clear(c->m);
		return REACH_UNREACHABLE;
	}
	memcpy(id, c->m->request_id, sizeof(id));
	fd = connect_to(c, dl);
	rc = fd < 0 ? fd : naccs_msg_send(fd, c->m, dl, &c->err);
	naccs_msg_clear(c->m); /* the password, as soon as it is sent */
	if (rc == 0)
		rc = naccs_msg_recv(fd, c->m, dl, &c->err);
	if (fd >= 0)
		close(fd);
	c->left_ms = naccs_deadline_left_ms(dl);
	if (rc == 0)
		r = check_answer(c, type, id);
	if (r == REACH_UNREACHABLE)
		pam_syslog(c->pamh, LOG_ERR, "naccsd unreachable: %s", c->err.msg);
	return r;
}

void client_show(struct client *c)
{
	const char *msg = NULL, *line;

	if (c->args.quiet)
		return;
	if (naccs_msg_get_str(c->m, NACCS_TAG_MESSAGE, &msg, NULL) == 0 && msg[0] != '\0') {
		if (c->outcome == NACCS_OUT_ALLOW || c->outcome == NACCS_OUT_CHANGE_REQUIRED)
			pam_info(c->pamh, "%s", msg);
		else
			pam_error(c->pamh, "%s", msg);
	}
	for (unsigned i = 0; naccs_msg_get_str_at(c->m, NACCS_TAG_INFO, i, &line, NULL) == 0; i++)
		pam_info(c->pamh, "%s", line);
}

/* The public identity index decides, as when the store cannot be opened
 * (docs/NACCSD-PLAN.md decision 6, issue 16): a naccs ID fails closed, any
 * other name is not ours, so that a flood of one user's guesses (ERROR
 * busy) keeps neither root nor local accounts out.  Busy, an ID is told to
 * try again (no retry here: the deadline is the host's).  The
 * configuration and the decision on the heap. */
enum naccs_outcome client_fallback(struct client *c, const char *type, bool busy)
{
	struct fallback {
		struct naccs_request req;
		struct naccs_decision d;
	} * f;
	bool account = strcmp(type, "account") == 0;
	enum naccs_outcome o;

	/* Without the configuration (unreadable to an unprivileged peer, or
	 * bad): nothing tells an ID from a local name, fail closed. */
	if (client_load_opts(c) != PAM_SUCCESS)
		return NACCS_OUT_UNAVAILABLE;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NACCS_OUT_UNAVAILABLE;
	pam_call_request_from(c->pamh, c->user, &f->req);
	f->req.trail = &c->opts->cfg;
	if (account)
		o = naccs_policy_account_unavailable(&c->opts->cfg, &f->req, &f->d, c->err.msg);
	else
		o = naccs_policy_unavailable(&c->opts->cfg, &f->req, type, &f->d, c->err.msg);
	if (o == NACCS_OUT_UNAVAILABLE)
		pam_syslog(c->pamh, LOG_ERR, "%s failed closed: naccsd %s", type,
			   busy ? "busy" : "unreachable");
	if (!c->args.quiet && o == NACCS_OUT_UNAVAILABLE && busy)
		pam_error(c->pamh, "%s",
			  _("The authentication service is busy. Please try again later."));
	else if (!c->args.quiet && f->d.message[0] != '\0')
		pam_error(c->pamh, "%s", f->d.message);
	naccs_wipe(f, sizeof(*f));
	free(f);
	return o;
}

int client_set_login(struct client *c)
{
	const char *login = NULL;

	if (naccs_msg_get_str(c->m, NACCS_TAG_LOGIN, &login, NULL) < 0 ||
	    strcmp(login, c->user) == 0)
		return PAM_SUCCESS;
	return pam_set_item(c->pamh, PAM_USER, login) == PAM_SUCCESS ? PAM_SUCCESS : PAM_SYSTEM_ERR;
}
