#!/bin/bash
# End to end with a real PAM client: pamtester drives pam_naccs.so (through
# pam_wrapper) against a store made by naccsctl.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

needs_tools pamtester
sb_init "$T_TMP/sb" "[hash]
memory_kib = 4096
time_cost = 1"
otp=$(sb_issue --user-code ABCDE --id-number 001 --name "Yamada Taro")
ok "naccsctl issued a one-time password" test -n "$otp"

expect_rc 0 "right password authenticates (UTS-2.2.1.1(1)(a))" sb_pam abcde-001 "$otp" authenticate
ok "  pamtester says so" out_has "successfully authenticated"
expect_rc 1 "account phase demands a new password (must-change)" sb_pam abcde-001 "$otp" authenticate acct_mgmt
ok "  with the reason" out_has "must be changed"
expect_rc 1 "wrong password refused" sb_pam abcde-001 "not-the-password" authenticate
ok "  as an authentication failure" out_has "Authentication failure"
expect_rc 0 "the store shows the failure" sb_ctl user show abcde-001
ok "  failures since last login: 1" grep -Eiq 'fail[^0-9]*1' "$T_OUT"
ok "  and the last login's service" out_has "naccs-sandbox"
expect_rc 0 "NACCS form ABCDE001 authenticates" sb_pam ABCDE001 "$otp" authenticate
expect_rc 0 "NACCS form abcde-001 authenticates" sb_pam abcde-001 "$otp" authenticate
expect_rc 1 "unknown user refused" sb_pam ZZZZZ999 "$otp" authenticate
ok "  as not mine (PAM_USER_UNKNOWN: a stack goes on to pam_unix)" out_has "User not known"

sb_ctl user lock abcde-001 --reason "demo lock" >/dev/null
expect_rc 1 "locked ID refused even with the right password" sb_pam abcde-001 "$otp" authenticate
ok "  with the answer of a wrong password (no oracle)" sh -c "! grep -q locked '$T_OUT'"
expect_rc 1 "  the account phase names the reason" sb_pam abcde-001 "$otp" acct_mgmt
ok "  with a clear message" out_has "locked"
sb_ctl user unlock abcde-001 >/dev/null
expect_rc 0 "unlocked ID authenticates again" sb_pam abcde-001 "$otp" authenticate
sb_ctl user suspend abcde-001 --reason "credential leaked" >/dev/null
expect_rc 1 "suspended ID refused (UTS-2.2.1.1(1)(d))" sb_pam abcde-001 "$otp" authenticate
expect_rc 1 "  the account phase names the reason" sb_pam abcde-001 "$otp" acct_mgmt
ok "  with the reason" out_has "credential leaked"
sb_ctl user unsuspend abcde-001 >/dev/null
sb_ctl user retire abcde-001 --yes >/dev/null
expect_rc 1 "retired ID refused" sb_pam abcde-001 "$otp" authenticate
finish
