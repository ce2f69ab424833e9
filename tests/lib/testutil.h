/* Helpers shared by the tests: temporary directories and files. */
#ifndef NACCS_TESTUTIL_H
#define NACCS_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/conf.h"
#include "crypto/hash.h"

/* Create a fresh 0700 directory under $TMPDIR (or /tmp); returns a malloc'd
 * path, aborting the test run on failure. */
char *tu_mkdtemp(const char *tag);
/* Remove a directory tree (best effort). */
void tu_rmtree(const char *path);
/* tu_rmtree, then free the path (a fixture's tu_mkdtemp directory). */
void tu_rmtree_free(char *path);
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

/* The text of every file of the trail in audit_dir, one after the other
 * (malloc'd); fails the test when they cannot be listed or read. */
char *tu_trail_text(const char *audit_dir);

/* Cheap hash parameters for the tests: the defaults (engine, algorithm)
 * with m_kib KiB of memory and time cost 1. */
struct naccs_hash_params tu_hash_params(uint32_t m_kib);

/* A test's configuration in dir: the defaults with owner owner, the
 * cheap hash parameters tu_hash_params(1024) and the store dir/naccs.db. */
void tu_config_in(struct naccs_config *cfg, const char *dir, uid_t owner);

/* A file's bytes as they are now (absent: present == false; free data). */
struct tu_snap {
	bool present;
	size_t len;
	unsigned char *data;
};
struct tu_snap tu_snap_take(const char *path);
/* Byte for byte the same as when the snapshot was taken. */
bool tu_snap_same(const struct tu_snap *before, const char *path);

/* Write zeros to path (created) until its file system is full: the test
 * fails unless the last write says ENOSPC. */
void tu_fill(const char *path);

/* Mount a tmpfs (mount options opts) on the existing directory dir, in a
 * private mount namespace of this process; skips the test, saying why
 * ("# WHAT needs root ...", no namespace, no tmpfs) when it cannot. */
void tu_private_tmpfs(const char *what, const char *dir, const char *opts);

/* A cmocka test whose name starts with the requirement it checks. req is
 * pasted into a string literal, so it cannot be parenthesised. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define REQ_TEST(req, fn)                                                                          \
	{                                                                                          \
		.name = req " " #fn, .test_func = fn                                               \
	}
/* NOLINTEND(bugprone-macro-parentheses) */

/* The PAM tests' fixture directory (its configuration, store and trail,
 * which the module's trust checks walk up to "/"): under make check, the
 * private temporary directory tests/lib/private-run.sh made
 * ($NACCS_FIXTURE_ROOT/BASENAME), so a build tree made with umask 002 (group
 * writable) does not fail them; run by hand without it, build_path itself.
 * The services tests/lib/private-run.sh rewrote name the same place. */
const char *tu_fixture_dir(const char *build_path);

/* Can uid (group gid) reach path with mode (access(2): R_OK, X_OK)?  Asked
 * by a child that becomes uid (the caller is root).  False, for instance,
 * for the build tree of a clone in root's home (mode 0700): a test that
 * runs a program or loads a module as another uid skips, saying so. */
bool tu_reachable_as(uid_t uid, gid_t gid, const char *path, int mode);
#ifdef PAM_FIXTURE_BUILD_DIR
#define PAM_FIXTURE_DIR tu_fixture_dir(PAM_FIXTURE_BUILD_DIR)
#endif
#ifdef PAM_LOCKOUT_BUILD_DIR
#define PAM_LOCKOUT_DIR tu_fixture_dir(PAM_LOCKOUT_BUILD_DIR)
#endif

#endif
