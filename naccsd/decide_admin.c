/* naccsd's ADMIN requests (internal.h, "decide_admin.c"). */
#include "config.h"

#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "base/name.h"
#include "base/proc.h"
#include "base/secret.h"
#include "index/write.h"
#include "policy/admin.h"
#include "policy/outcome.h"
#include "policy/policy.h"
#include "proto/schema.h"
#include "rules/su.h"
#include "lock.h"

static const char *opt_str(const struct naccs_msg *m, uint16_t tag)
{
	const char *s = NULL;

	return naccs_msg_get_str(m, tag, &s, NULL) == 0 ? s : NULL;
}

static enum naccs_outcome outcome_of(const struct naccs_admin_outcome *o)
{
	switch (o->result) {
	case NACCS_ADMIN_DONE:
	case NACCS_ADMIN_UNCHANGED:
		return NACCS_OUT_ALLOW;
	case NACCS_ADMIN_RETIRED:
	case NACCS_ADMIN_ALREADY_RETIRED:
		return NACCS_OUT_RETIRED;
	case NACCS_ADMIN_NOT_FOUND:
	case NACCS_ADMIN_NO_GROUP:
		return NACCS_OUT_UNKNOWN;
	case NACCS_ADMIN_BAD_REQUEST:
	case NACCS_ADMIN_SECOND_ID:
		return NACCS_OUT_REJECTED;
	case NACCS_ADMIN_FAILED:
		return naccs_err_is_unavailable(o->rc) ? NACCS_OUT_UNAVAILABLE : NACCS_OUT_DENIED;
	case NACCS_ADMIN_AUDIT_REFUSED:
		return NACCS_OUT_UNAVAILABLE;
	}
	return NACCS_OUT_UNAVAILABLE;
}

static int respond(const struct naccs_msg *req, struct naccs_msg *resp,
		   const struct naccs_admin_outcome *o, const char *info, struct naccs_err *err)
{
	bool with_id = o->result != NACCS_ADMIN_NOT_FOUND && o->result != NACCS_ADMIN_BAD_REQUEST &&
		       o->id.login[0] != '\0';
	int rc = naccs_msg_start_response(resp, req, NACCS_MSG_ADMIN | NACCS_PROTO_RESPONSE, err);

	if (rc == 0)
		rc = naccs_msg_set_u32(resp, NACCS_TAG_OUTCOME, (uint32_t)outcome_of(o), err);
	if (rc == 0)
		rc = naccs_msg_set_str(resp, NACCS_TAG_ADMIN_RESULT,
				       naccs_admin_result_name(o->result), err);
	if (rc == 0 && with_id)
		rc = naccs_msg_set_str(resp, NACCS_TAG_LOGIN, o->id.login, err);
	if (rc == 0 && with_id)
		rc = naccs_msg_set_u32(resp, NACCS_TAG_UID, o->id.uid, err);
	if (rc == 0 && o->err.msg[0] != '\0' &&
	    naccs_msg_set_str(resp, NACCS_TAG_MESSAGE, o->err.msg, NULL) < 0)
		rc = naccs_msg_set_str(resp, NACCS_TAG_MESSAGE, "?", err);
	if (rc == 0 && o->result == NACCS_ADMIN_DONE && o->gid != 0)
		rc = naccs_msg_set_u32(resp, NACCS_TAG_GID, o->gid, err);
	/* A reset's one-time password, for this peer only. */
	if (rc == 0 && o->result == NACCS_ADMIN_DONE && o->otp[0] != '\0')
		rc = naccs_msg_set_secret(resp, NACCS_TAG_ONE_TIME_PASSWORD, o->otp, err);
	if (rc == 0 && info != NULL && info[0] != '\0' &&
	    naccs_msg_set_str(resp, NACCS_TAG_INFO, info, NULL) < 0)
		rc = naccs_msg_set_str(resp, NACCS_TAG_INFO, "?", err);
	return rc;
}

/* After a change: the public index follows the store as it is now
 * (naccsctl's ctl_index_after), whatever the change came to. */
static void rebuild_index(const struct naccs_config *cfg, struct naccs_store *db, char *info,
			  size_t cap)
{
	struct naccs_index_stats stats;
	struct naccs_err err;
	char path[PATH_MAX];

	naccs_err_clear(&err);
	if (naccs_index_path(cfg, path, sizeof(path)) < 0)
		naccs_err_set(&err, ENAMETOOLONG, "the index path is too long");
	else if (naccs_index_write(db, naccs_deadline_in(cfg->store_timeout_ms), path, &stats,
				   &err) == 0)
		return;
	syslog(LOG_ERR, "identity index: %s", err.msg);
	snprintf(info, cap, "identity index: %s", err.msg);
}

int naccsd_admin(const struct naccs_config *cfg, const struct naccsd_peer *peer,
		 const struct naccs_msg *req, struct naccs_msg *resp, struct naccs_err *err)
{
	uid_t uid = peer->uid;
	pid_t pid = peer->pid;
	struct naccs_admin_change c = {0};
	struct naccs_admin_who who = {.service = "naccsd"};
	struct naccs_admin_outcome o;
	struct naccs_policy pol;
	struct naccs_su_invoker inv;
	char actor[NACCS_WHO_MAX], info[NACCS_ERR_MSG_MAX + 64] = "";
	const char *op = opt_str(req, NACCS_TAG_OPERATION);
	uint32_t flags = 0, loginuid;
	int lock = -1, rc;

	/* Root peers only (PROTOCOL.md); syslog alone says who asked. */
	if (!peer->privileged) {
		syslog(LOG_NOTICE, "uid %lu pid %ld sent ADMIN: refused (root peers only)",
		       (unsigned long)uid, (long)pid);
		return naccs_err_set(err, EPERM, "ADMIN is for root peers");
	}
	memset(&o, 0, sizeof(o));
	/* The administrator is who the kernel says: the login uid of the
	 * peer's process (it survives su and sudo), else its uid. */
	inv.uid = (uint32_t)uid;
	inv.has_loginuid = naccs_proc_loginuid((long)pid, &inv.loginuid);
	loginuid = inv.has_loginuid ? inv.loginuid : (uint32_t)uid;
	snprintf(actor, sizeof(actor), "uid %lu", (unsigned long)loginuid);
	who.actor = actor;
	/* A claim is kept as one, and only when it reads as a login. */
	who.claim = opt_str(req, NACCS_TAG_CLAIM);
	if (who.claim != NULL && !naccs_name_valid_login(who.claim))
		who.claim = NULL;
	c.target = opt_str(req, NACCS_TAG_USER);
	c.reason = opt_str(req, NACCS_TAG_REASON);
	c.value = opt_str(req, NACCS_TAG_VALUE);
	c.group = opt_str(req, NACCS_TAG_GROUP);
	if (naccs_msg_get_u32(req, NACCS_TAG_GID, &c.gid) < 0)
		c.gid = 0; /* none: the store's pick */
	if (naccs_msg_get_u32(req, NACCS_TAG_ADMIN_FLAGS, &flags) == 0)
		c.keep_sessions = (flags & NACCS_ADMIN_KEEP_SESSIONS) != 0;
	if (naccs_admin_op_parse(op, &c.op) < 0) {
		o.result = NACCS_ADMIN_BAD_REQUEST;
		naccs_err_set(&o.err, EINVAL, "unknown operation '%s'", op != NULL ? op : "");
	} else if (c.target == NULL && !NACCS_ADMIN_IS_GROUP(c.op)) {
		o.result = NACCS_ADMIN_BAD_REQUEST; /* user.*: the schema no longer requires it */
		naccs_err_set(&o.err, EINVAL, "%s needs a user", op);
	}
	if (o.result == NACCS_ADMIN_BAD_REQUEST) {
		syslog(LOG_NOTICE, "ADMIN from uid %lu: %s", (unsigned long)loginuid, o.err.msg);
		return respond(req, resp, &o, NULL, err);
	}
	naccs_err_clear(err);
	/* Every trail line of the change names the peer (its uid and login
	 * uid), never the service's own (rules/su.h). */
	naccs_su_use_invoker(&inv);
	if (naccsd_policy_open(&pol, &lock, cfg, false, err) < 0) {
		o.result = NACCS_ADMIN_FAILED;
		o.rc = -EAGAIN;
		o.err = *err;
	} else {
		naccs_admin_apply(cfg, pol.store, &c, &who, &o);
		if (o.result != NACCS_ADMIN_BAD_REQUEST && o.result != NACCS_ADMIN_NOT_FOUND &&
		    o.result != NACCS_ADMIN_NO_GROUP)
			rebuild_index(cfg, pol.store, info, sizeof(info));
		naccsd_policy_close(&pol, &lock);
	}
	naccs_su_use_invoker(NULL);
	if (info[0] == '\0' && o.ambiguous)
		snprintf(info, sizeof(info),
			 "'%s' is the login of '%s' and also reads as another ID's NACCS user ID; "
			 "the login wins",
			 c.target, o.id.login);
	if (info[0] == '\0' && o.event_failed)
		snprintf(info, sizeof(info), "the event could not be recorded: %s", o.event_msg);
	syslog(o.result == NACCS_ADMIN_DONE ? LOG_INFO : LOG_NOTICE,
	       "ADMIN %s %s by uid %lu (peer pid %ld): %s", op,
	       o.id.login[0]	 ? o.id.login
	       : c.group != NULL ? c.group
				 : "-",
	       (unsigned long)loginuid, (long)pid, naccs_admin_result_name(o.result));
	naccs_err_clear(err);
	rc = respond(req, resp, &o, info, err);
	naccs_wipe(&o, sizeof(o));
	return rc;
}
