#!/bin/bash
# naccsctl and the password policy (issue #6): the one-time passwords of
# user add and user passwd meet the configured rules (UTS-2.2.1.1(1)(e)(ウ))
# and an administrator's reset keeps the configured history; user expire
# forces a change at the next login (UTS-2.2.1.1(1)(c)(イ)); user show gives
# the password's age, expiry date and history count, as text and JSON.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

needs_tools pamtester
sb_init_cheap "[password]
min_length = 20
max_repeat = 1
max_sequence = 2
min_age_days = 0
max_age_days = 30"

otp=$(sb_issue --user-code ABCDE --id-number 001 --name "Yamada Taro")
ok "user add: a one-time password of min_length (20) characters" test "${#otp}" -eq 20
expect_rc 0 "user passwd: a reset" sb_ctl --json user passwd abcde-001
otp=$(sed -n 's/.*"one_time_password":"\([^"]*\)".*/\1/p' "$T_OUT")
ok "  its one-time password has 20 characters too" test "${#otp}" -eq 20
expect_rc 1 "  and authenticates, with a forced change" sb_pam abcde-001 "$otp" authenticate acct_mgmt
ok "  the notice names the administrator's reset" out_has "reset by an administrator on"

# A policy no generated password can meet: a clear error, nothing issued.
sed -i 's/^min_length = 20$/min_length = 200\nmax_length = 300/' "$SB_CONF"
expect_rc 1 "user passwd with an unmeetable policy fails" sb_ctl user passwd abcde-001
ok "  and says why" out_has "cannot make a one-time password"
expect_rc 0 "  the old one-time password still works" sb_pam abcde-001 "$otp" authenticate
sed -i 's/^min_length = 200$/min_length = 20/; /^max_length = 300$/d' "$SB_CONF"

# The user sets their own password; then user show and user expire.
new='Kq7-vJ2p!wZ4m#Tx8$Ry'
answers="$otp
$otp
$new
$new"
expect_rc 0 "the forced change" sb_pam abcde-001 "$answers" authenticate \
	'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' acct_mgmt
expect_rc 0 "user show: password facts" sb_ctl user show abcde-001
ok "  password age" out_has "password age:            0 days"
ok "  expiry date" grep -q "^password expires: *[0-9]\{4\}-" "$T_OUT"
ok "  history count (the reset moved the issued one, the change the reset one)" \
	out_has "password history:        2"
expect_rc 0 "user show --json" sb_ctl --json user show abcde-001
ok "  has age, expiry and history count" \
	grep -q '"password":{"age_days":0,"expires_at":[0-9]*,"history_count":2}' "$T_OUT"
expect_rc 0 "user expire" sb_ctl user expire abcde-001 --reason "reported compromise"
ok "  says so" out_has "must be changed at the next login"
expect_rc 1 "the next login must change the password" sb_pam abcde-001 "$new" authenticate acct_mgmt
ok "  and is told an administrator required it" out_has "An administrator required on"
expect_rc 0 "user expire again: nothing changed" sb_ctl user expire abcde-001
ok "  says so" out_has "nothing changed"
expect_rc 3 "user expire of an unknown ID" sb_ctl user expire ZZZZZ999
expect_rc 0 "help lists user expire" "$SB_CTL" --help
ok "  user expire" out_has "user expire LOGIN"
finish
