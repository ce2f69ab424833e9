#!/bin/bash
# naccsctl and the lockout (UTS-2.2.1.1(1)(g)(ウ)): user list --locked with
# the lock's time and end, user failures (text, JSON, --since), user unlock
# clearing the lock and the counted failures and recording who; and the
# shipped banner (UTS-2.2.1.1(1)(g)(エ)) with its three points.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
needs_test_hooks "NACCS_TEST_NOW"
use_sandbox

sb_init_cheap "[lockout]
deny = 3
fail_interval = 600
unlock_time = 300"
export NACCS_TEST_NOW=1800000000
json_eval() { # EXPR over the JSON in the last output
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$T_OUT" "$1"
}

otp=$(sb_issue --user-code ABCDE --id-number 001)
ok "issued" test -n "$otp"
expect_rc 0 "list --locked: nobody yet" sb_ctl user list --locked
ok "  no ID listed" bash -c "! grep -q abcde-001 '$T_OUT'"

for i in 1 2; do
	expect_rc 1 "wrong password $i" sb_pam abcde-001 "wrong-$i" authenticate
done
expect_rc 0 "unlock before the limit clears the counted failures" sb_ctl user unlock abcde-001
expect_rc 0 "  show" sb_ctl --json user show abcde-001
ok "  failures_since_login is 0" test "$(json_eval 'j["state"]["failures_since_login"]')" = 0

export NACCS_TEST_NOW=1800000100
for i in 1 2 3; do
	expect_rc 1 "wrong password $i of 3" sb_pam abcde-001 "wrong-$i" authenticate
done
expect_rc 0 "list --locked" sb_ctl user list --locked
ok "  lists the ID" out_has "abcde-001"
ok "  with its end: locked at +0, until +300 s" \
	out_has "$(date -d @1800000400 '+%Y-%m-%d %H:%M:%S')"
expect_rc 0 "list --locked --json" sb_ctl --json user list --locked
ok "  lock_until in JSON" test "$(json_eval 'j[0]["lock_until"]')" = 1800000400

expect_rc 0 "failures" sb_ctl user failures abcde-001
ok "  every attempt listed (5)" test "$(grep -c naccs-sandbox "$T_OUT")" = 5
expect_rc 0 "failures --json --since" sb_ctl --json user failures ABCDE001 --since 1800000050
ok "  only the 3 since then" test "$(json_eval 'len(j)')" = 3
ok "  with service" test "$(json_eval 'j[0]["service"]')" = naccs-sandbox
expect_rc 2 "failures --since nonsense" sb_ctl user failures abcde-001 --since yesterday
expect_rc 3 "failures of an unknown ID" sb_ctl user failures zzzzz-999

# After the lock ends by itself it is no longer listed.
export NACCS_TEST_NOW=1800000400
expect_rc 0 "list --locked after unlock_time" sb_ctl user list --locked
ok "  not listed" bash -c "! grep -q abcde-001 '$T_OUT'"
# ...and every display agrees with the list (one rule, issue #16): show
# says it is not locked, in text and in JSON.
expect_rc 0 "show after unlock_time" sb_ctl user show abcde-001
ok "  locked: no" grep -qE '^ *locked: +no$' "$T_OUT"
expect_rc 0 "show --json after unlock_time" sb_ctl --json user show abcde-001
ok "  \"locked\": false" test "$(json_eval 'j["state"]["locked"]')" = False
export NACCS_TEST_NOW=1800000399
expect_rc 0 "show a second before the end" sb_ctl user show abcde-001
ok "  locked: yes" grep -qE '^ *locked: +yes' "$T_OUT"
export NACCS_TEST_NOW=1800000200
expect_rc 0 "unlock" sb_ctl user unlock abcde-001
ok "  failure count cleared" out_has "failure count cleared"
expect_rc 0 "  the registry says who" sb_ctl --json user show abcde-001
ok "  an 'unlocked' line by $(id -un)" \
	test "$(json_eval '[e["by"] for e in j["registry"] if e["event"] == "unlocked"][-1]')" = "$(id -un)"
ok "  the automatic lock by naccs-auth" \
	test "$(json_eval '[e["by"] for e in j["registry"] if e["event"] == "locked"][-1]')" = naccs-auth
expect_rc 0 "right password after the unlock" sb_pam abcde-001 "$otp" authenticate

# The shipped banner: Japanese and English, the three points.
banner=$NACCS_TOP_SRCDIR/etc/banner
for word in 情報システム 監視 記録 処罰 "government information system" monitored recorded \
	"punishable under the Penal Code"; do
	ok "banner: '$word'" grep -qF "$word" "$banner"
done
finish
