/* The audit trail's keys, MACs and state file (audit/key.c; the chain and
 * the forward-evolving key: audit/trail.h). */
#ifndef NACCS_AUDIT_KEY_H
#define NACCS_AUDIT_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "config/conf.h"

#define NACCS_AUDIT_KEY_LEN 32
#define NACCS_AUDIT_MAC_HEX (2 * NACCS_AUDIT_KEY_LEN)

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

#endif
