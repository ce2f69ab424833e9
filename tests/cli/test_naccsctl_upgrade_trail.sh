#!/bin/bash
# naccsctl upgrade and the audit trail (issue #10): a store from before the
# trail (no [audit] dir yet) fails logins closed; upgrade creates the trail
# exactly as init does (directory 0700, files 0600, the verification key
# printed once) and logins work again; upgrade on an installation that has
# its trail leaves it as it is (the same key still checks every line, no
# key printed again).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

sb_init_cheap
AUD=$SB_DIR/audit
otp=$(sb_issue --user-code ABCDE --id-number 001)
# An installation from before the trail: the store, no trail.
rm -rf "$AUD"
expect_rc 1 "without a trail a login fails closed" sb_pam abcde-001 "$otp" authenticate
expect_rc 4 "  and a change is refused" sb_ctl user lock abcde-001

expect_rc 0 "upgrade creates the missing trail" sb_ctl upgrade
cp "$T_OUT" "$T_TMP/upgrade1.out"
ok "  says so" out_has "created audit trail $AUD (mode 0700)"
ok "  prints the verification key once" \
	eval '[ "$(grep -c "verification key" "$T_OUT")" -eq 1 ] &&
	      [ "$(grep -Ec "^[0-9a-f]{64}$" "$T_OUT")" -eq 1 ]'
KEY=$(grep -E '^[0-9a-f]{64}$' "$T_TMP/upgrade1.out")
ok "  and still does the store's part" out_has "nothing to do"
ok "the directory is 0700, state and month file 0600" \
	eval '[ "$(stat -c %a "$AUD")" = 700 ] && [ "$(stat -c %a "$AUD/state")" = 600 ] &&
	      [ "$(stat -c %a "$AUD"/*.jsonl)" = 600 ]'
ok "the key is nowhere on disk" eval '! grep -rq "$KEY" "$AUD"'
ok "the upgrade itself is the trail's first line" \
	eval 'grep -q "\"seq\":1,.*\"action\":\"upgrade\",\"result\":\"done\"" "$AUD"/*.jsonl'
expect_rc 0 "logins work again" sb_pam abcde-001 "$otp" authenticate
expect_rc 0 "every MAC checks with the printed key" sb_ctl audit verify --key "$KEY"

n_before=$(cat "$AUD"/*.jsonl | wc -l)
expect_rc 0 "upgrade with the trail in place" sb_ctl upgrade
ok "  prints no key and creates nothing" \
	eval '! grep -q "verification key" "$T_OUT" && ! grep -q "created" "$T_OUT"'
ok "  says only the store's part" out_has "nothing to do"
expect_rc 0 "  the same key still checks every line" sb_ctl audit verify --key "$KEY"
ok "  one more line (the upgrade's), nothing replaced" \
	eval '[ "$(cat "$AUD"/*.jsonl | wc -l)" -eq $((n_before + 1)) ]'

# init after upgrade: the trail exists, left unchanged (the same rule).
expect_rc 0 "init afterwards leaves the trail as it is" sb_ctl init
ok "  says so" out_has "audit trail $AUD exists; left unchanged"
expect_rc 0 "  the key still checks" sb_ctl audit verify --key "$KEY"
finish
