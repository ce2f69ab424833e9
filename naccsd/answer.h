/* naccsd's answers (issue 18, docs/PROTOCOL.md): ERROR and HELLO built on
 * the loop, a decision built by a worker (naccsd_answer_job), each encoded
 * as a whole frame (length in front) in a buffer of its own size. */
#ifndef NACCSD_ANSWER_H
#define NACCSD_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "proto/message.h"

struct naccsd_job;

/* ERROR code (text for logs) in resp: with req's id when req is given (its
 * header was read), else all zero; `busy` carries retry_after_ms. */
int naccsd_build_error(struct naccs_msg *resp, const struct naccs_msg *req, const char *code,
		       const char *text, unsigned retry_after_ms);
int naccsd_build_hello(struct naccs_msg *resp, const struct naccs_msg *req);
/* m as a frame (length included) in *out (malloc'd, exactly *len bytes). */
int naccsd_encode(const struct naccs_msg *m, uint8_t **out, size_t *len);
/* The answer the loop gives itself to a request no worker decides:
 * decoded is naccs_msg_decode's result (err its message) for peer uid,
 * pid: ERROR unsupported-version or bad-message (*close_after), HELLO, or
 * ERROR unavailable for a request this build does not decide. */
int naccsd_answer_here(struct naccs_msg *resp, const struct naccs_msg *req, int decoded,
		       const struct naccs_err *err, uid_t uid, pid_t pid, bool *close_after);
/* Does an answer of this request type go to the id cache (a decision that
 * counts: AUTHENTICATE, PASSWORD_CHANGE, SESSION_*)? */
bool naccsd_type_kept(uint16_t type);

/* On a worker: decode job->frame into req (then wipe and free it), decide
 * under the request's locale, and leave the response frame in job->out (and
 * job->replay for a kept type), job->hold_ms, job->close_after.  req and
 * resp are the worker's scratch, cleared after. */
void naccsd_answer_job(struct naccsd_job *job, struct naccs_msg *req, struct naccs_msg *resp);

#endif
