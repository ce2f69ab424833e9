/* naccsd's answers (answer.h). */
#include "config.h"

#include "answer.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "base/err.h"
#include "base/secret.h"
#include "decide.h"
#include "pool.h"
#include "proto/schema.h"
#include "log.h"
#include "caps.h"

int naccsd_build_error(struct naccs_msg *resp, const struct naccs_msg *req, const char *code,
		       const char *text, unsigned retry_after_ms)
{
	static const uint8_t zero_id[NACCS_PROTO_ID_LEN];
	struct naccs_err err;
	char safe[1024];
	int rc;

	naccs_err_clear(&err);
	if (req != NULL)
		rc = naccs_msg_start_response(resp, req, NACCS_MSG_ERROR, &err);
	else
		rc = naccs_msg_start(resp, NACCS_MSG_ERROR, zero_id, &err);
	if (rc == 0)
		rc = naccs_msg_set_str(resp, NACCS_TAG_ERROR_CODE, code, &err);
	if (rc == 0 && text != NULL) {
		/* The codec's messages may quote a peer's bytes: keep the text
		 * a valid string, whatever it holds. */
		snprintf(safe, sizeof(safe), "%s", text);
		if (naccs_msg_set_str(resp, NACCS_TAG_ERROR_TEXT, safe, &err) < 0)
			(void)naccs_msg_set_str(resp, NACCS_TAG_ERROR_TEXT, code, &err);
	}
	if (rc == 0 && strcmp(code, NACCS_PROTO_ERR_UNSUPPORTED_VERSION) == 0)
		rc = naccs_msg_set_u32(resp, NACCS_TAG_VERSIONS, NACCS_PROTO_VERSION, &err);
	if (rc == 0 && strcmp(code, NACCS_PROTO_ERR_BUSY) == 0)
		rc = naccs_msg_set_u32(resp, NACCS_TAG_RETRY_AFTER_MS,
				       retry_after_ms > 0 ? retry_after_ms : NACCSD_BUSY_RETRY_MS,
				       &err);
	if (rc < 0)
		naccsd_log(LOG_ERR, "cannot build an ERROR %s: %s", code, err.msg);
	return rc;
}

int naccsd_build_hello(struct naccs_msg *resp, const struct naccs_msg *req)
{
	struct naccs_err err;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_msg_start_response(resp, req, NACCS_MSG_HELLO | NACCS_PROTO_RESPONSE, &err);
	if (rc == 0)
		rc = naccs_msg_set_str(resp, NACCS_TAG_SERVER_VERSION, NACCSD_SERVER_VERSION, &err);
	if (rc == 0)
		rc = naccs_msg_set_u32(resp, NACCS_TAG_VERSIONS, NACCS_PROTO_VERSION, &err);
	if (rc == 0)
		rc = naccs_msg_set_u32(resp, NACCS_TAG_FRAME_MAX, NACCS_PROTO_FRAME_MAX, &err);
	if (rc < 0)
		naccsd_log(LOG_ERR, "cannot build a HELLO response: %s", err.msg);
	return rc;
}

int naccsd_encode(const struct naccs_msg *m, uint8_t **out, size_t *len)
{
	struct naccs_err err;
	uint8_t *buf = malloc(NACCS_PROTO_LEN_SIZE + NACCS_PROTO_FRAME_MAX), *fit;
	size_t n = 0;

	naccs_err_clear(&err);
	*out = NULL;
	*len = 0;
	if (buf == NULL ||
	    naccs_msg_encode(m, buf + NACCS_PROTO_LEN_SIZE, NACCS_PROTO_FRAME_MAX, &n, &err) < 0) {
		naccsd_log(LOG_ERR, "cannot encode a response: %s",
			   buf == NULL ? "out of memory" : err.msg);
		free(buf);
		return -ENOMEM;
	}
	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	n += NACCS_PROTO_LEN_SIZE;
	/* A response holds no secret; the kept ones may be many: their size. */
	fit = realloc(buf, n);
	*out = fit != NULL ? fit : buf;
	*len = n;
	return 0;
}

int naccsd_answer_here(struct naccs_msg *resp, const struct naccs_msg *req, int decoded,
		       const struct naccs_err *err, uid_t uid, pid_t pid, bool *close_after)
{
	*close_after = true;
	if (decoded == -EPROTONOSUPPORT) {
		naccsd_log(LOG_INFO, "peer uid %lu pid %ld: protocol version %u not spoken",
			   (unsigned long)uid, (long)pid, (unsigned)req->version);
		return naccsd_build_error(resp, NULL, NACCS_PROTO_ERR_UNSUPPORTED_VERSION,
					  "unsupported protocol version", 0);
	}
	if (decoded < 0) {
		naccsd_log(LOG_INFO, "peer uid %lu pid %ld: bad message: %s", (unsigned long)uid,
			   (long)pid, err->msg);
		return naccsd_build_error(resp, req->header_ok ? req : NULL,
					  NACCS_PROTO_ERR_BAD_MESSAGE, err->msg, 0);
	}
	if ((req->type & NACCS_PROTO_RESPONSE) != 0 || req->type == NACCS_MSG_ERROR)
		return naccsd_build_error(resp, req, NACCS_PROTO_ERR_BAD_MESSAGE, "not a request",
					  0);
	*close_after = false;
	if (req->type == NACCS_MSG_HELLO)
		return naccsd_build_hello(resp, req);
	return naccsd_build_error(resp, req, NACCS_PROTO_ERR_UNAVAILABLE,
				  "not implemented yet in this build", 0);
}

bool naccsd_type_kept(uint16_t type)
{
	return type == NACCS_MSG_AUTHENTICATE || type == NACCS_MSG_PASSWORD_CHANGE ||
	       type == NACCS_MSG_SESSION_OPEN || type == NACCS_MSG_SESSION_CLOSE;
}

/* A locale name worth asking newlocale for: letters, digits, '_', '.', '-'
 * and '@', starting with a letter (no path: naccsd runs as root). */
static bool locale_name_ok(const char *s)
{
	size_t n = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (; s[n] != '\0'; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-' || c == '@'))
			return false;
	}
	return n <= 64;
}

/* The request's locale for this thread's messages (gettext follows the
 * thread's LC_MESSAGES), the rest as the service's; (locale_t)0 when the
 * request has none, or one this system does not have: the service's then. */
static locale_t locale_enter(const struct naccs_msg *req)
{
	const char *name;
	locale_t base, loc;

	if (naccs_msg_get_str(req, NACCS_TAG_LOCALE, &name, NULL) < 0 || !locale_name_ok(name))
		return (locale_t)0;
	base = duplocale(LC_GLOBAL_LOCALE);
	if (base == (locale_t)0)
		return (locale_t)0;
	loc = newlocale(LC_MESSAGES_MASK, name, base);
	if (loc == (locale_t)0) {
		freelocale(base);
		return (locale_t)0;
	}
	uselocale(loc);
	return loc;
}

static void locale_leave(locale_t loc)
{
	if (loc == (locale_t)0)
		return;
	uselocale(LC_GLOBAL_LOCALE);
	freelocale(loc);
}

void naccsd_answer_job(struct naccsd_job *job, struct naccs_msg *req, struct naccs_msg *resp)
{
	struct naccs_err err;
	locale_t loc;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_msg_decode(req, job->frame, job->frame_len, &err);
	naccs_wipe(job->frame, job->frame_len);
	free(job->frame);
	job->frame = NULL;
	job->frame_len = 0;
	if (rc < 0) {
		/* The loop decoded this frame already: nothing of the peer's. */
		naccsd_log(LOG_ERR, "a worker cannot decode a request: %s", err.msg);
		rc = naccsd_build_error(resp, req->header_ok ? req : NULL,
					NACCS_PROTO_ERR_UNAVAILABLE, "no decision", 0);
		goto encode;
	}
	loc = locale_enter(req);
	rc = naccsd_decide(job->cfg, &job->peer, req, resp, &job->hold_ms, &err);
	locale_leave(loc);
	if (rc == -EPERM) {
		rc = naccsd_build_error(resp, req, NACCS_PROTO_ERR_NOT_ALLOWED, err.msg, 0);
	} else if (rc < 0) {
		naccsd_log(LOG_ERR, "cannot answer a request: %s", err.msg);
		rc = naccsd_build_error(resp, req, NACCS_PROTO_ERR_UNAVAILABLE, "no decision", 0);
	} else if (naccsd_type_kept(job->type) &&
		   resp->type == (job->type | NACCS_PROTO_RESPONSE)) {
		/* The answer a repeat of this request_id gets (replay.h). */
		if (naccsd_encode(resp, &job->out, &job->out_len) == 0 &&
		    naccs_msg_set_bool(resp, NACCS_TAG_REPLAYED, true, &err) == 0)
			(void)naccsd_encode(resp, &job->replay, &job->replay_len);
		goto done;
	}
encode:
	if (rc == 0)
		(void)naccsd_encode(resp, &job->out, &job->out_len);
done:
	naccs_msg_clear(req);
	naccs_msg_clear(resp);
	naccs_wipe(&err, sizeof(err));
}
