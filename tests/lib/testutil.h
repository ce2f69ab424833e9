/* Helpers shared by the tests: temporary directories and files. */
#ifndef NACCS_TESTUTIL_H
#define NACCS_TESTUTIL_H

#include <stddef.h>

/* Create a fresh 0700 directory under $TMPDIR (or /tmp); returns a malloc'd
 * path, aborting the test run on failure. */
char *tu_mkdtemp(const char *tag);
/* Remove a directory tree (best effort). */
void tu_rmtree(const char *path);
/* Write text to dir/name with the given mode; returns malloc'd full path. */
char *tu_write_file(const char *dir, const char *name, const char *text, unsigned mode);

/* Create the audit trail dir/audit (naccs_audit_create, owner getuid(); an
 * existing one is kept) and write its config lines ("[audit]\ndir = ...\n")
 * into conf; returns conf.  The PAM tests' configurations name it: with
 * [audit] on_audit_failure = deny (the default) nobody logs in without it. */
const char *tu_audit_trail(const char *dir, char *conf, size_t conflen);

/* How many lines of the trail under dir/audit hold needle; (size_t)-1 when
 * the trail's files cannot be listed or read. */
size_t tu_trail_count(const char *dir, const char *needle);

/* The PAM tests' fixture directory (its configuration, store and trail,
 * which the module's trust checks walk up to "/"): under make check, the
 * private temporary directory tests/lib/private-run.sh made
 * ($NACCS_FIXTURE_ROOT/BASENAME), so a build tree made with umask 002 (group
 * writable) does not fail them; run by hand without it, build_path itself.
 * The services tests/lib/private-run.sh rewrote name the same place. */
const char *tu_fixture_dir(const char *build_path);
#ifdef PAM_FIXTURE_BUILD_DIR
#define PAM_FIXTURE_DIR tu_fixture_dir(PAM_FIXTURE_BUILD_DIR)
#endif
#ifdef PAM_LOCKOUT_BUILD_DIR
#define PAM_LOCKOUT_DIR tu_fixture_dir(PAM_LOCKOUT_BUILD_DIR)
#endif

#endif
