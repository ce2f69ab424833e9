/* Retention of the audit trail (audit/prune.c; UTS-2.2.1.4(2)(b),
 * NACCS-LOG-RET).
 *
 * A month file goes once every line it may hold is older than
 * retention_days: the month of the file after it began retention_days ago
 * (verify can check that, from the first remaining file alone, #16); never
 * the newest file (the chain goes on from it).  The trail then begins at a later seq: the file
 * "anchor" records that seq and its prev, and the prune itself is a line of
 * the trail, written BEFORE anything is deleted, whose detail says "the
 * trail now begins at seq N"; verify accepts a later beginning only with
 * both. */
#ifndef NACCS_AUDIT_PRUNE_H
#define NACCS_AUDIT_PRUNE_H

#include <stddef.h>
#include <stdint.h>

#include "audit/key.h"
#include "base/err.h"
#include "config/conf.h"

/* The least retention of the trail (NACCS-LOG-RET: one year): verify
 * refuses a prune that removed a month younger than this at its time. */
#define NACCS_AUDIT_RETENTION_MIN_DAYS 365

/* The first second (UTC) of the month a file is named after
 * ("YYYY-MM.jsonl"): prune's rule and verify's check of it. */
int64_t naccs_audit_month_start(const char *name);

struct naccs_audit_prune {
	size_t nfiles;		  /* month files to delete, oldest first */
	char first[16], last[16]; /* the first and last of them ("YYYY-MM.jsonl") */
	uint64_t begin_seq;	  /* the seq the trail begins at afterwards */
	char begin_prev[NACCS_AUDIT_MAC_HEX + 1];
	char detail[160]; /* for the event line */
};

/* What pruning at now would delete (nothing changed). 0 (p->nfiles may be
 * 0) or -errno. */
int naccs_audit_prune_plan(const struct naccs_config *cfg, int64_t now, struct naccs_audit_prune *p,
			   struct naccs_err *err);
/* Delete what p names, under the writers' lock, after writing the anchor.
 * The caller has written the prune's event line first. 0 or -errno. */
int naccs_audit_prune_apply(const struct naccs_config *cfg, const struct naccs_audit_prune *p,
			    struct naccs_err *err);
/* The anchor: 1 and its fields, 0 when there is none, -errno. */
int naccs_audit_anchor_read(const char *dir, uint64_t *begin_seq,
			    char prev[NACCS_AUDIT_MAC_HEX + 1]);

#endif
