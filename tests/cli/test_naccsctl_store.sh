#!/bin/bash
# The store as a whole (review issue #5, items 6 and 12): naccsctl store
# check and upgrade; a login never migrates a store nor touches a damaged
# one; init on a damaged store says what to do instead of going in a
# circle; the recovery path of the README works.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

needs_tools pamtester sqlite3 sha256sum
sb_init_cheap
db=$SB_DIR/state/naccs.db
sums() { sha256sum "$db" "$db-wal" "$db-shm" 2>/dev/null; }

# ---- a healthy store ----
otp=$(sb_issue --user-code ABCDE --id-number 001 --name "Yamada Taro")
ok "naccsctl issued a one-time password" test -n "$otp"
expect_rc 0 "the ID authenticates" sb_pam abcde-001 "$otp" authenticate
expect_rc 0 "store check: a healthy store exits 0" sb_ctl store check
ok "  says healthy" out_has "$db: healthy"
ok "  reports the journal mode" out_has "journal mode: WAL"
ok "  reports the schema version" grep -q "^schema version: [0-9]* (this naccs-auth needs" "$T_OUT"
ok "  reports the integrity check" out_has "integrity check: ok"
ok "  reports the file modes" out_has "$db: mode 0600"
ok "  reports the WAL file" grep -q -- "$db-wal: \(mode 0600\|absent\)" "$T_OUT"
expect_rc 2 "store without a subcommand: usage error" sb_ctl store
expect_rc 2 "store check takes no arguments" sb_ctl store check extra
expect_rc 0 "store check --help needs no store" "$SB_CTL" store check --help
ok "  and explains the exit status" out_has "Exit status: 0 healthy, 1"
expect_rc 0 "help lists store check and upgrade" "$SB_CTL" --help
ok "  store check" out_has "store check"
ok "  upgrade" out_has "upgrade"
expect_rc 0 "upgrade on a current store: nothing to do" sb_ctl upgrade
ok "  says so" out_has "nothing to do"

# ---- an older schema: logins refuse it, upgrade migrates ----
# (the sqlite3 shell, the last connection to close, also removes the WAL;
# reading the version then makes an empty one: only the database file
# itself says whether the store was changed)
# Back to version 5: undo the last migrations (8: request ids of login
# outcomes; 7: the failure row of the last login; 6: the registry
# attributes: staff numbers, approvals, reasons for a second ID).
sqlite3 "$db" "DROP TABLE success_requests; DROP INDEX failures_request;
ALTER TABLE failures DROP COLUMN took_lock; ALTER TABLE failures DROP COLUMN counted;
ALTER TABLE failures DROP COLUMN request_id;
DELETE FROM schema_version WHERE version = 8;
ALTER TABLE last_success DROP COLUMN failure_id;
DELETE FROM schema_version WHERE version = 7;
DROP TRIGGER identities_approval_fixed; DROP INDEX identities_staff_number;
ALTER TABLE identities DROP COLUMN second_id_reason;
ALTER TABLE identities DROP COLUMN approval;
ALTER TABLE identities DROP COLUMN staff_number;
DELETE FROM schema_version WHERE version = 6;" &&
	chmod 0600 "$db"
before=$(sha256sum "$db")
expect_rc 1 "login on an older schema fails closed" sb_pam abcde-001 "$otp" authenticate
ok "  the store was not migrated by the login" test "$(sha256sum "$db")" = "$before"
expect_rc 1 "store check: needs upgrade" sb_ctl store check
ok "  names the versions and the command" \
	grep -q "has schema version 5, this naccs-auth needs 8: run naccsctl upgrade" "$T_OUT"
expect_rc 4 "other commands refuse it too (no implicit migration)" sb_ctl user list
ok "  with the same advice" out_has "run naccsctl upgrade"
expect_rc 0 "naccsctl upgrade migrates" sb_ctl upgrade
ok "  and says from which version to which" out_has "upgraded from schema version 5 to 8"
expect_rc 0 "  the new columns are there" sb_ctl user staff-number abcde-001 E-1001
ok "  (staff number recorded)" out_has "staff number E-1001 recorded"
expect_rc 0 "the ID authenticates again" sb_pam abcde-001 "$otp" authenticate

# ---- not in WAL mode: logins refuse it, upgrade switches ----
sqlite3 "$db" "PRAGMA journal_mode = DELETE;" >/dev/null
before=$(sums)
expect_rc 1 "login on a store not in WAL mode fails closed" sb_pam abcde-001 "$otp" authenticate
ok "  the journal mode was not changed by the login" test "$(sums)" = "$before"
ok "  nor a WAL made" test ! -e "$db-wal"
expect_rc 1 "store check: not in WAL mode" sb_ctl store check
ok "  says to run upgrade" out_has "is not in WAL mode: run naccsctl upgrade"
expect_rc 0 "init on it upgrades it too" sb_ctl init
ok "  switched to WAL mode" out_has "switched to WAL mode"
expect_rc 0 "store check: healthy again" sb_ctl store check

# ---- a damaged store: truncated to 0 bytes with a WAL beside it ----
expect_rc 1 "a wrong password, recorded (the WAL holds data)" sb_pam abcde-001 wrong authenticate
ok "  the WAL is not empty" test -s "$db-wal"
: >"$db"
before=$(sums)
expect_rc 1 "login on the damaged store fails closed" sb_pam abcde-001 "$otp" authenticate
ok "  and leaves every file byte for byte as it was" test "$(sums)" = "$before"
expect_rc 1 "account phase on the damaged store fails closed" sb_pam abcde-001 "$otp" acct_mgmt
ok "  and leaves every file as it was" test "$(sums)" = "$before"
expect_rc 1 "store check: damaged, exit 1" sb_ctl store check
ok "  says it is damaged and why" out_has "is damaged: it is empty (0 bytes)"
ok "  says it was left untouched" out_has "was left untouched"
ok "  says to keep the files and restore from a backup" out_has "restore"
ok "  and still reports the files" out_has "$db: mode 0600, owner uid $(id -u), 0 bytes"
expect_rc 4 "init on the damaged store refuses (exit 4)" sb_ctl init
ok "  says the store exists but is damaged" out_has "the store exists but is damaged"
ok "  says it was left untouched" out_has "left untouched"
ok "  says to move it aside" out_has "Move it aside"
ok "  never the circular 'create it with naccsctl init'" sh -c "! grep -q 'create it with' '$T_OUT'"
expect_rc 4 "user commands refuse it (exit 4)" sb_ctl user list
ok "  naming it damaged" out_has "damaged"
ok "the damaged files are still byte for byte as they were" test "$(sums)" = "$before"

# ---- the recovery path of the README ----
mkdir "$SB_DIR/damaged" && mv "$db" "$db-wal" "$SB_DIR/damaged/" &&
	{ [ ! -e "$db-shm" ] || mv "$db-shm" "$SB_DIR/damaged/"; }
expect_rc 0 "after moving it aside, init creates a new store" sb_ctl init
ok "  says so" out_has "created store"
expect_rc 0 "the new store is healthy" sb_ctl store check
finish
