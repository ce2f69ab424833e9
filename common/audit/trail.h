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

#define NACCS_AUDIT_LINE_MAX 16384 /* bytes of one line, with its newline */

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

#endif
