#!/bin/bash
# naccsctl upgrade --package, what the Debian package's postinst runs
# (issue 16, item 2): a package that brings a new schema migrates an
# existing store itself, so no login is refused once dpkg returns.
#   - a store at the previous schema (tests/lib/store_downgrade: the old DDL)
#     refuses logins; upgrade --package migrates it (each migration in its
#     own transaction), records it in the audit trail (from and to), and
#     logins work again; run again, it has nothing to do;
#   - no store (a fresh install, before naccsctl init): nothing is created,
#     exit 0;
#   - no audit trail (an installation from before the trail): the store is
#     left as it is and no trail is created (its verification key would
#     land in the package manager's log), exit 4 with what to run by hand.
# The postinst itself, with dpkg: tests/e2e/test_upgrade.sh.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

DOWN=$NACCS_TOP_BUILDDIR/tests/lib/store_downgrade
sb_init_cheap
KEY=$(sb_audit_key)
STORE=$SB_DIR/state/naccs.db
otp=$(sb_issue --user-code ABCDE --id-number 001)
ok "an ID is issued" test -n "$otp"
now=$(sb_ctl store check | sed -n 's/.*schema version: *\([0-9]*\).*/\1/p' | head -1)
prev=$((now - 1))
ok "the store is at this version's schema ($now)" test -n "$now"

expect_rc 0 "the store is taken back to schema $prev (the old DDL)" "$DOWN" "$STORE" "$prev"
expect_rc 1 "at schema $prev a login fails closed" sb_pam abcde-001 "$otp" authenticate
expect_rc 0 "upgrade --package migrates it" sb_ctl upgrade --package
ok "  says so" out_has "upgraded from schema version $prev to $now"
ok "  prints no verification key" sh -c "! grep -Eq '^[0-9a-f]{64}\$' '$T_OUT'"
expect_rc 0 "the login works again" sb_pam abcde-001 "$otp" authenticate
expect_rc 0 "the store is healthy" sb_ctl store check
ok "the trail records it, from and to" \
	eval 'grep -h "\"action\":\"upgrade\",\"result\":\"done\"" "$SB_DIR"/audit/*.jsonl |
	      grep -q "schema $prev -> $now"'
expect_rc 0 "every line still checks with the key" sb_ctl audit verify --key "$KEY"
expect_rc 0 "upgrade --package again" sb_ctl upgrade --package
ok "  nothing to do" out_has "nothing to do"

# A fresh install: no store yet.
mkdir -p "$T_TMP/fresh/etc" && chmod 0700 "$T_TMP/fresh" "$T_TMP/fresh/etc"
sed -e "s|$SB_DIR/state/|$T_TMP/fresh/state/|" -e "s|$SB_DIR/audit|$T_TMP/fresh/audit|" \
	"$SB_CONF" >"$T_TMP/fresh/etc/naccs.conf"
chmod 0600 "$T_TMP/fresh/etc/naccs.conf"
fresh() { "$SB_CTL" --conf "$T_TMP/fresh/etc/naccs.conf" --owner "$(id -u)" "$@"; }
expect_rc 0 "no store: upgrade --package does nothing" fresh upgrade --package
ok "  says so" out_has "nothing to upgrade"
ok "  creates no store, state directory or trail" \
	sh -c "[ ! -e '$T_TMP/fresh/state' ] && [ ! -e '$T_TMP/fresh/audit' ]"

# An installation from before the trail.
expect_rc 0 "the store is taken back to schema $prev again" "$DOWN" "$STORE" "$prev"
rm -rf "$SB_DIR/audit"
mkdir -m 0700 "$SB_DIR/audit" # as the package makes it, empty
expect_rc 4 "no trail: upgrade --package refuses" sb_ctl upgrade --package
ok "  says what to run by hand" out_has "run 'naccsctl upgrade' by hand"
ok "  creates no trail (no key in the package manager's log)" \
	sh -c "[ ! -e '$SB_DIR/audit/state' ] && ! grep -Eq '^[0-9a-f]{64}\$' '$T_OUT'"
ok "  leaves the store at schema $prev" \
	sh -c "'$SB_CTL' --conf '$SB_CONF' --owner $(id -u) store check |
	       grep -Eq 'schema version: *$prev'"
finish
