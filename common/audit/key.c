/* The audit trail's keys and state file (audit/trail.h): HMAC-SHA-256
 * through OpenSSL 3 (EVP_Q_mac), the forward-evolving key, and the state
 * record, overwritten in place so the previous key does not stay in the
 * file (UTS-2.2.1.4(1)(c)). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "config/conf.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "base/trust.h"
#include "audit/key.h"

static const char evolve_label[] = "naccs-audit-evolve";

int naccs_audit_mac(const uint8_t key[NACCS_AUDIT_KEY_LEN], const char *data, size_t len,
		    char hex[NACCS_AUDIT_MAC_HEX + 1])
{
	uint8_t out[NACCS_AUDIT_KEY_LEN];
	size_t outlen = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, NACCS_AUDIT_KEY_LEN,
		      (const unsigned char *)data, len, out, sizeof(out), &outlen) == NULL ||
	    outlen != sizeof(out))
		return -EIO;
	naccs_audit_key_to_hex(out, hex);
	return 0;
}

int naccs_audit_key_evolve(uint8_t key[NACCS_AUDIT_KEY_LEN])
{
	uint8_t next[NACCS_AUDIT_KEY_LEN];
	size_t outlen = 0;
	int rc = 0;

	/* One-way: K_n cannot be computed from K_{n+1}. */
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, NACCS_AUDIT_KEY_LEN,
		      (const unsigned char *)evolve_label, sizeof(evolve_label) - 1, next,
		      sizeof(next), &outlen) == NULL ||
	    outlen != sizeof(next))
		rc = -EIO;
	else
		memcpy(key, next, sizeof(next));
	naccs_wipe(next, sizeof(next));
	return rc;
}

void naccs_audit_key_to_hex(const uint8_t key[NACCS_AUDIT_KEY_LEN],
			    char hex[NACCS_AUDIT_MAC_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < NACCS_AUDIT_KEY_LEN; i++) {
		hex[2 * i] = digits[key[i] >> 4];
		hex[2 * i + 1] = digits[key[i] & 0xf];
	}
	hex[NACCS_AUDIT_MAC_HEX] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int naccs_audit_key_from_hex(const char *hex, uint8_t key[NACCS_AUDIT_KEY_LEN])
{
	if (hex == NULL || strlen(hex) != NACCS_AUDIT_MAC_HEX)
		return -EINVAL;
	for (size_t i = 0; i < NACCS_AUDIT_KEY_LEN; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* The record: fixed length, so an overwrite replaces every byte of the
 * previous one (its key included). */
#define STATE_FMT "naccs-audit-state 1\nseq %020" PRIu64 "\nkey %s\nprev %s\nmonth %s\n"
#define STATE_LEN (20 + 25 + 69 + 70 + 14)

int naccs_audit_state_write(int fd, const struct naccs_audit_state *st, struct naccs_err *err)
{
	char rec[STATE_LEN + 1], keyhex[NACCS_AUDIT_MAC_HEX + 1];
	int n, rc = 0;

	naccs_audit_key_to_hex(st->key, keyhex);
	n = snprintf(rec, sizeof(rec), STATE_FMT, st->seq_next, keyhex, st->prev,
		     st->month[0] ? st->month : "-------");
	naccs_wipe(keyhex, sizeof(keyhex));
	if (n != STATE_LEN)
		rc = naccs_err_set(err, EINVAL, _("audit trail: bad state record"));
	else if (pwrite(fd, rec, STATE_LEN, 0) != STATE_LEN)
		rc = naccs_err_set(err, errno ? errno : EIO,
				   _("audit trail: cannot write the state file"));
	else if (fdatasync(fd) < 0)
		rc = naccs_err_set(err, errno, _("audit trail: cannot flush the state file"));
	naccs_wipe(rec, sizeof(rec));
	return rc;
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hex_digit(s[i]) < 0)
			return false;
	return true;
}

int naccs_audit_state_read(int fd, struct naccs_audit_state *st, struct naccs_err *err)
{
	char rec[STATE_LEN + 1], keyhex[NACCS_AUDIT_MAC_HEX + 1], month[8];
	ssize_t got = pread(fd, rec, sizeof(rec), 0);
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if (got < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot read the state file"));
	if (got != STATE_LEN) {
		naccs_wipe(rec, sizeof(rec));
		return naccs_err_set(err, EINVAL, _("audit trail: the state file is damaged"));
	}
	rec[STATE_LEN] = '\0';
	if (sscanf(rec, "naccs-audit-state 1\nseq %20" SCNu64 "\nkey %64s\nprev %64s\nmonth %7s\n",
		   &st->seq_next, keyhex, st->prev, month) != 4 ||
	    st->seq_next == 0 || strlen(st->prev) != NACCS_AUDIT_MAC_HEX ||
	    !all_hex(st->prev, NACCS_AUDIT_MAC_HEX) ||
	    naccs_audit_key_from_hex(keyhex, st->key) < 0)
		rc = naccs_err_set(err, EINVAL, _("audit trail: the state file is damaged"));
	else
		snprintf(st->month, sizeof(st->month), "%s", strcmp(month, "-------") ? month : "");
	naccs_wipe(rec, sizeof(rec));
	naccs_wipe(keyhex, sizeof(keyhex));
	if (rc < 0)
		naccs_wipe(st, sizeof(*st));
	return rc;
}

int naccs_audit_create(const struct naccs_config *cfg, char key1[NACCS_AUDIT_MAC_HEX + 1],
		       struct naccs_err *err)
{
	struct naccs_audit_state st;
	char path[PATH_MAX];
	int fd, rc;

	memset(&st, 0, sizeof(st));
	if (mkdir(cfg->audit_dir, 0700) < 0 && errno != EEXIST)
		return naccs_err_set(err, errno, _("audit trail: cannot create %s"),
				     cfg->audit_dir);
	rc = naccs_trust_check_dir(cfg->audit_dir, cfg->owner_uid, err);
	if (rc < 0)
		return rc;
	/* Root only (UTS-2.2.1.4(1)(c)): not readable by others either. */
	if (chmod(cfg->audit_dir, 0700) < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot set the mode of %s"),
				     cfg->audit_dir);
	if ((size_t)snprintf(path, sizeof(path), "%s/state", cfg->audit_dir) >= sizeof(path))
		return naccs_err_set(err, ENAMETOOLONG, _("audit trail: directory name too long"));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return naccs_err_set(err, errno, _("audit trail: cannot create %s"), path);
	st.seq_next = 1;
	memset(st.prev, '0', NACCS_AUDIT_MAC_HEX);
	rc = naccs_random_bytes(st.key, sizeof(st.key));
	if (rc < 0)
		naccs_err_set(err, -rc, _("audit trail: no random key"));
	if (rc == 0 && fchmod(fd, 0600) < 0)
		rc = naccs_err_set(err, errno, _("audit trail: cannot set the mode of %s"), path);
	if (rc == 0)
		rc = naccs_audit_state_write(fd, &st, err);
	if (rc == 0)
		naccs_audit_key_to_hex(st.key, key1);
	naccs_wipe(&st, sizeof(st));
	close(fd);
	if (rc < 0)
		unlink(path);
	return rc;
}
