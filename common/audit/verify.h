/* Verification of the audit trail (audit/verify.c): the chain, the MACs,
 * the months, the end against the state file. */
#ifndef NACCS_AUDIT_VERIFY_H
#define NACCS_AUDIT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct naccs_audit_verdict {
	bool ok;
	uint64_t lines, files;
	uint64_t first_seq, last_seq;
	bool macs_checked; /* a key was given */
	char file[64];	   /* the first bad file ("" when ok, or the trail as a whole) */
	uint64_t line;	   /* its line number (0: the file as a whole) */
	char why[NACCS_ERR_MSG_MAX];
};

/* Verify the trail under dir: every line well formed and ending in a
 * newline (a torn last line is reported), sequence numbers consecutive
 * across the month files, each prev the MAC of the line before, each line
 * in the file of its month, and the end matching the state file (lines cut
 * off the end are found).  With key1 (K_1) every MAC is checked too.  The
 * first problem found is named in *v.  0 (v->ok says the result) or -errno
 * when the trail cannot be read. */
int naccs_audit_verify(const char *dir, const uint8_t *key1, struct naccs_audit_verdict *v,
		       struct naccs_err *err);
/* The same with the clock of the verification given (seconds since the
 * epoch; tests choose it, naccs_audit_verify passes the wall clock). */
int naccs_audit_verify_at(const char *dir, const uint8_t *key1, int64_t now,
			  struct naccs_audit_verdict *v, struct naccs_err *err);

#endif
