/* The audit trail (UTS-2.2.1.4, NACCS-T7-3-2, NACCS-LOG-RET, MYNA-#39-#41,
 * #92): the record of truth of every event, beside the syslog line.
 *
 * Layout, under [audit] dir (default /var/log/naccs; the directory 0700,
 * every file 0600, owned by the configured owner, root):
 *   YYYY-MM.jsonl  one file per month (UTC), one event per line (JSON Lines);
 *   state          the next sequence number, the current key and the MAC of
 *                  the last line (audit/key.c), overwritten in place;
 *   lock           the writers' lock (flock).
 *
 * A line is one JSON object, members in this order:
 *   {"seq":N,"prev":"<64 hex>","time":"YYYY-MM-DDTHH:MM:SSZ","type":...,
 *    ...the event's fields..., "pid":N,"host":"...","uid":N,"loginuid":N,
 *    "mac":"<64 hex>"}
 * mac = HMAC-SHA-256(K_seq, the line up to, not including, ',"mac":').  The
 * body holds prev, the MAC of the line before (64 zeros before the first),
 * so the lines form a chain.  K_1 is random (naccsctl init prints it once for
 * offline keeping); K_{n+1} = HMAC-SHA-256(K_n, "naccs-audit-evolve"), a
 * one-way step: once line n is written, K_n is overwritten on disk (fdatasync)
 * and wiped in memory, so whoever takes the machine later holds only the
 * key of the next line and cannot re-MAC earlier ones (forward security).
 *
 * Concurrency and crashes: every append takes the lock (flock, bounded wait),
 * reads the state, appends the line with O_APPEND and fdatasync, then
 * advances the state; a process killed between the two leaves a line whose
 * seq is the state's, which the next writer recognises (its MAC checks
 * under the state's key) and rolls forward; a torn line (no newline; never
 * acknowledged) is cut off by the next writer.  No line is lost or written
 * twice.  A write that fails (disk full) is undone (ftruncate to the size
 * before) and reported: earlier lines are never touched.
 *
 * Values are sanitised (controls, malformed UTF-8 replaced) and cut at 512
 * bytes.  Never a password or anything derived from one (REQUIREMENTS §3.3):
 * the callers pass a name someone typed only as naccs_name_shown gives it
 * (audit/nametag.h: an account of the system, else a keyed tag). */
#ifndef NACCS_AUDIT_H
#define NACCS_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/conf.h"
#include "base/err.h"
#include "audit/event.h"

#define NACCS_AUDIT_KEY_LEN  32
#define NACCS_AUDIT_MAC_HEX  (2 * NACCS_AUDIT_KEY_LEN)
#define NACCS_AUDIT_LINE_MAX 16384 /* bytes of one line, with its newline */

/* ---- audit/key.c: keys, MACs and the state file ---- */

struct naccs_audit_state {
	uint64_t seq_next;		    /* the seq of the next line (1 for a new trail) */
	uint8_t key[NACCS_AUDIT_KEY_LEN];   /* K_seq_next */
	char prev[NACCS_AUDIT_MAC_HEX + 1]; /* MAC of the last line (zeros: none) */
	char month[8];			    /* "YYYY-MM" of the last line ("" none) */
};

/* K_next = HMAC-SHA-256(K, "naccs-audit-evolve"), in place. 0 or -EIO. */
int naccs_audit_key_evolve(uint8_t key[NACCS_AUDIT_KEY_LEN]);
/* HMAC-SHA-256(key, data) as 64 lower-case hex digits. 0 or -EIO. */
int naccs_audit_mac(const uint8_t key[NACCS_AUDIT_KEY_LEN], const char *data, size_t len,
		    char hex[NACCS_AUDIT_MAC_HEX + 1]);
/* Hex (64 digits, any case) to a key: 0 or -EINVAL. */
int naccs_audit_key_from_hex(const char *hex, uint8_t key[NACCS_AUDIT_KEY_LEN]);
void naccs_audit_key_to_hex(const uint8_t key[NACCS_AUDIT_KEY_LEN],
			    char hex[NACCS_AUDIT_MAC_HEX + 1]);

/* The state file open on fd: read (0, -EINVAL for a bad record) or
 * overwrite in place and fdatasync (0 or -errno). */
int naccs_audit_state_read(int fd, struct naccs_audit_state *st, struct naccs_err *err);
int naccs_audit_state_write(int fd, const struct naccs_audit_state *st, struct naccs_err *err);

/* Create a new trail under cfg->audit_dir (the directory 0700 if missing,
 * its parent must exist and be trusted): a random K_1, state seq 1.  The
 * key is returned in key1 (hex) for the administrator to keep offline; the
 * caller wipes it.  -EEXIST when a state file is already there (never
 * overwritten). */
int naccs_audit_create(const struct naccs_config *cfg, char key1[NACCS_AUDIT_MAC_HEX + 1],
		       struct naccs_err *err);

/* ---- audit/trail.c: the writer ---- */

/* Append one line for ev at wall time now (seconds since the epoch; tests
 * choose it, naccs_event_emit passes the clock).  0 or -errno with a
 * message: the line is then not in the trail. */
int naccs_audit_append(const struct naccs_config *cfg, const struct naccs_event *ev, int64_t now,
		       struct naccs_err *err);

/* Can a line be appended now (directory, state, lock, this month's file)?
 * A change that must not happen unrecorded asks first (naccsctl, the
 * password change). 0 or -errno with a message. */
int naccs_audit_ready(const struct naccs_config *cfg, struct naccs_err *err);

/* The writers' lock (for audit/prune.c): 0 with *lockfd (closing it
 * releases the lock) and *dirfd (the checked directory), or -errno. */
int naccs_audit_lock(const struct naccs_config *cfg, int *dirfd, int *lockfd,
		     struct naccs_err *err);

/* "YYYY-MM-DDTHH:MM:SSZ" of t (UTC, to the second): the trail's time. */
void naccs_audit_iso_time(int64_t t, char out[32]);
/* "YYYY-MM" of t (UTC). */
void naccs_audit_month(int64_t t, char out[8]);
/* The month files of dir, sorted (oldest first): *names is a malloc'd array
 * of *n malloc'd names ("YYYY-MM.jsonl"); free with naccs_audit_names_free.
 * 0 or -errno. */
int naccs_audit_list(const char *dir, char ***names, size_t *n, struct naccs_err *err);
void naccs_audit_names_free(char **names, size_t n);

/* ---- audit/prune.c: retention (UTS-2.2.1.4(2)(b), NACCS-LOG-RET) ----
 *
 * A month file goes once every line it may hold is older than
 * retention_days: the month of the file after it began retention_days ago
 * (verify can check that, from the first remaining file alone, #16); never
 * the newest file (the chain goes on from it).  The trail then begins at a later seq: the file
 * "anchor" records that seq and its prev, and the prune itself is a line of
 * the trail, written BEFORE anything is deleted, whose detail says "the
 * trail now begins at seq N"; verify accepts a later beginning only with
 * both. */

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

/* ---- audit/verify.c ---- */

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

/* The string value of member key in a line of the trail (our own format:
 * members are ,"key":"value" with only \" and \\ escaped).  true and out
 * filled, or false when absent (out ""). */
bool naccs_audit_field(const char *line, const char *key, char *out, size_t outlen);

#endif
