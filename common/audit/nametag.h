/* The one rule for writing a name someone typed (issue 16, item 14).
 *
 * People type their password into the name field, one field too early, and
 * a password often has the form of a name ("summer2026",
 * "correct-horse-battery"; any eight letters and digits even read as a
 * NACCS user ID).  So the form of a name proves nothing, and a name as
 * typed is written (audit trail, syslog, the alert's JSON, the store's
 * record of attempts on unknown names) only when it is an account the
 * system's user database knows (getpwnam_r, as sshd, login and pam_unix
 * look it up anyway: root, a service account, a local user).  An ID is
 * written by its canonical login, whatever was typed.  Any other name is
 * written as its tag: "#" and 16 hex digits of HMAC-SHA-256 under a key of
 * this installation, so the same name gives the same tag (repeated
 * attempts still correlate) and nobody without the key can test guesses
 * against it.  The key (32 random bytes) is the file name-tag.key beside
 * the store, owned by the store's owner, mode 0600, made at its first use;
 * the administrator tests a guess with naccsctl audit name-tag (the name
 * read from standard input).  When the key cannot be made or read, the
 * placeholder "(not a user name)" is written: never the name. */
#ifndef NACCS_NAMETAG_H
#define NACCS_NAMETAG_H

#include <stdbool.h>

#include "config/conf.h"
#include "base/err.h"
#include "base/name.h"

#define NACCS_NAMETAG_HEX     16 /* hex digits of a tag, after its '#' */
#define NACCS_NAME_SHOWN_MAX  (NACCS_LOGIN_MAX + 1)
#define NACCS_NAMETAG_KEYFILE "name-tag.key"
#define NACCS_NAME_HIDDEN     "(not a user name)"

/* Does the system's user database know an account of this name? */
bool naccs_name_is_account(const char *name);

/* The tag of name under this installation's key ("#" and
 * NACCS_NAMETAG_HEX hex digits), the key made if it is missing.  0 or
 * -errno with a message. */
int naccs_name_tag(const struct naccs_config *cfg, const char *name, char out[NACCS_NAME_SHOWN_MAX],
		   struct naccs_err *err);

/* What may be written for a name someone typed that is no ID here: the
 * name when it is an account of the system, else its tag, else (no key,
 * or cfg NULL) NACCS_NAME_HIDDEN.  Returns out. */
const char *naccs_name_shown(const struct naccs_config *cfg, const char *typed,
			     char out[NACCS_NAME_SHOWN_MAX]);

/* Is s a tag (as naccs_name_tag makes them)? */
bool naccs_name_is_tag(const char *s);

#endif
