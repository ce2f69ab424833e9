/* naccsctl as a client of naccsd (ctl_client.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/name.h"
#include "base/text.h"
#include "policy/outcome.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "ctl_client.h"

const char *ctl_client_socket(const struct ctl_ctx *ctx)
{
	const char *env = getenv("NACCSCTL_SOCKET");

	if (ctx->socket_path != NULL)
		return ctx->socket_path;
	if (env != NULL && env[0] != '\0')
		return env;
	if (ctx->conf_named || ctx->store_path != NULL || ctx->n_set_args > 0)
		return NULL;
	return CTL_SOCKET_DEFAULT;
}

/* A connected descriptor; -ENOENT / -ECONNREFUSED when nothing listens. */
static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	rc = -errno;
	close(fd);
	return rc;
}

static int build(struct naccs_msg *m, const struct ctl_ctx *ctx, const struct naccs_admin_change *c,
		 struct naccs_err *err)
{
	const char *claim = getenv("SUDO_USER");
	int rc = naccs_msg_start(m, NACCS_MSG_ADMIN, NULL, err);

	if (rc == 0)
		rc = naccs_msg_set_str(m, NACCS_TAG_OPERATION, naccs_admin_op_name(c->op), err);
	if (rc == 0 && c->target != NULL)
		rc = naccs_msg_set_str(m, NACCS_TAG_USER, c->target, err);
	if (rc == 0 && c->group != NULL)
		rc = naccs_msg_set_str(m, NACCS_TAG_GROUP, c->group, err);
	if (rc == 0 && c->gid != 0)
		rc = naccs_msg_set_u32(m, NACCS_TAG_GID, c->gid, err);
	if (rc == 0 && c->reason != NULL && c->reason[0] != '\0')
		rc = naccs_msg_set_str(m, NACCS_TAG_REASON, c->reason, err);
	if (rc == 0 && c->value != NULL)
		rc = naccs_msg_set_str(m, NACCS_TAG_VALUE, c->value, err);
	if (rc == 0 && c->keep_sessions)
		rc = naccs_msg_set_u32(m, NACCS_TAG_ADMIN_FLAGS, NACCS_ADMIN_KEEP_SESSIONS, err);
	/* What the environment claims, recorded as a claim (as ctl_emit). */
	if (rc == 0 && claim != NULL && naccs_name_valid_login(claim) &&
	    strcmp(claim, ctx->actor) != 0 &&
	    naccs_msg_set_str(m, NACCS_TAG_CLAIM, claim, NULL) < 0)
		rc = 0; /* not a name the wire takes: not a claim worth keeping */
	return rc;
}

/* The service's answer into out; an exit code when it is no answer. */
static int read_answer(const struct naccs_msg *m, const struct naccs_admin_change *c,
		       struct naccs_admin_outcome *out)
{
	const char *res = NULL, *s = NULL;
	uint32_t v;

	if (m->type == NACCS_MSG_ERROR) {
		const char *code = "?", *text = "";

		naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &code, NULL);
		naccs_msg_get_str(m, NACCS_TAG_ERROR_TEXT, &text, NULL);
		ctl_error(_("naccsd refused the change (%s): %s"), code, text);
		return strcmp(code, NACCS_PROTO_ERR_NOT_ALLOWED) == 0 ? CTL_EXIT_FAIL
								      : CTL_EXIT_UNAVAILABLE;
	}
	if (m->type != (NACCS_MSG_ADMIN | NACCS_PROTO_RESPONSE) ||
	    naccs_msg_get_str(m, NACCS_TAG_ADMIN_RESULT, &res, NULL) < 0 ||
	    naccs_admin_result_parse(res, &out->result) < 0 ||
	    naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &v) < 0) {
		ctl_error(_("naccsd: an answer naccsctl does not understand"));
		return CTL_EXIT_UNAVAILABLE;
	}
	if (out->result == NACCS_ADMIN_FAILED)
		out->rc = v == NACCS_OUT_UNAVAILABLE ? -EAGAIN : -ECANCELED;
	if (naccs_msg_get_str(m, NACCS_TAG_MESSAGE, &s, NULL) == 0)
		snprintf(out->err.msg, sizeof(out->err.msg), "%s", s);
	if (naccs_msg_get_str(m, NACCS_TAG_LOGIN, &s, NULL) == 0)
		snprintf(out->id.login, sizeof(out->id.login), "%s", s);
	if (naccs_msg_get_u32(m, NACCS_TAG_UID, &v) == 0)
		out->id.uid = v;
	if (naccs_msg_get_u32(m, NACCS_TAG_GID, &v) == 0)
		out->gid = v;
	if (out->result == NACCS_ADMIN_DONE && c->op == NACCS_ADMIN_GROUP_ADD && out->gid == 0) {
		ctl_error(_("naccsd: the group was added, but its answer carries no gid "
			    "(naccsctl group show)"));
		return CTL_EXIT_FAIL;
	}
	/* A reset's one-time password: copied once, wiped with the outcome
	 * by the caller (and with the message by the codec). */
	if (naccs_msg_get_secret(m, NACCS_TAG_ONE_TIME_PASSWORD, &s) == 0 &&
	    strlen(s) < sizeof(out->otp))
		memcpy(out->otp, s, strlen(s) + 1);
	if (out->result == NACCS_ADMIN_DONE && c->op == NACCS_ADMIN_RESET && out->otp[0] == '\0') {
		ctl_error(_("naccsd: the password was reset, but its answer carries no "
			    "one-time password: reset it again"));
		return CTL_EXIT_FAIL;
	}
	for (unsigned i = 0; naccs_msg_get_str_at(m, NACCS_TAG_INFO, i, &s, NULL) == 0; i++)
		ctl_warn("naccsd: %s", s);
	return CTL_EXIT_OK;
}

int ctl_client_admin(const struct ctl_ctx *ctx, const struct naccs_admin_change *c,
		     struct naccs_admin_outcome *out)
{
	const char *path = ctl_client_socket(ctx);
	struct naccs_msg *m;
	struct naccs_err err;
	naccs_deadline_t dl = naccs_deadline_in(CTL_CLIENT_DEADLINE_MS);
	int fd, rc;

	memset(out, 0, sizeof(*out));
	if (path == NULL)
		return 0;
	fd = connect_to(path);
	if (fd == -ENOENT || fd == -ECONNREFUSED)
		return 0; /* the service is stopped: offline */
	if (fd < 0) {
		ctl_error(_("naccsd's socket %s: %s"), path, strerror(-fd));
		return CTL_EXIT_UNAVAILABLE;
	}
	m = naccs_msg_new();
	naccs_err_clear(&err);
	if (m == NULL || build(m, ctx, c, &err) < 0) {
		/* A name the wire cannot carry is no ID's (nor group's) name. */
		close(fd);
		naccs_msg_free(m);
		if (m != NULL && c->target == NULL) {
			char safe[NACCS_TEXT_MAX];

			ctl_safe(c->group, safe, sizeof(safe));
			ctl_error(_("no such group: %s"), safe);
			return CTL_EXIT_NOT_FOUND;
		}
		return m == NULL ? CTL_EXIT_FAIL : ctl_exit_for_store(-ENOENT, &err, c->target);
	}
	rc = naccs_msg_send(fd, m, dl, &err);
	if (rc == 0)
		rc = naccs_msg_recv(fd, m, dl, &err);
	close(fd);
	if (rc < 0) {
		/* Sent or not, answered or not: nothing is known of it. */
		ctl_error(_("naccsd: %s; the change may or may not have been made "
			    "(naccsctl user show)"),
			  err.msg);
		naccs_msg_free(m);
		return CTL_EXIT_UNAVAILABLE;
	}
	rc = read_answer(m, c, out);
	naccs_msg_free(m);
	return rc == CTL_EXIT_OK ? 1 : rc;
}
