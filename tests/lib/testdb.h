/* Raw SQLite access for the tests that stand in for an intruder, an old
 * version or a damaged file (never used by the code under test). */
#ifndef NACCS_TESTDB_H
#define NACCS_TESTDB_H

#include <sqlite3.h>

/* Open (creating) path read-write with a 5 s busy timeout; fails the test
 * when it cannot. */
sqlite3 *tdb_open(const char *path);

#endif
