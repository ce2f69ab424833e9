#!/bin/bash
# End to end, pamtester (issue #11): the real libpam reads a dedicated
# service file, /etc/pam.d/e2e-pamtester, that includes the common-* stacks
# pam-auth-update wrote with the package's profile (pam_naccs above
# pam_unix): auth, account, chauthtok and open_session through the
# installed module, against the store at its default path.
. "$(dirname "$0")/lib.sh"
e2e_setup
svc=e2e-pamtester
e2e_pam_service "$svc"
pt() { e2e_pamtester "$svc" "$@"; }

otp=$(e2e_issue ABCDE 001 --name "Yamada Taro")
ok "naccsctl issued abcde-001 with a one-time password" test -n "$otp"

# UTS-2.2.1.1(1)(a): the right password authenticates, a wrong one not.
expect_rc 0 "right password authenticates (ABCDE001)" pt ABCDE001 "$otp" authenticate
ok "  pamtester: successfully authenticated" out_has "successfully authenticated"
expect_rc 1 "wrong password refused" pt abcde-001 "Wrong-Pass-42" authenticate
ok "  as an authentication failure" out_has "Authentication failure"

# UTS-2.2.1.2(2)(a)(イ): the one-time password must be changed at the
# first login: the account phase asks, chauthtok changes it through
# pamtester's conversation (with PAM_CHANGE_EXPIRED_AUTHTOK, as login and
# sshd call it: the current password is asked), the new password logs in
# and nothing is pending.
expect_rc 1 "account phase with the one-time password: change required" \
	pt abcde-001 "$otp" authenticate acct_mgmt
ok "  (Authentication token is no longer valid; new one required)" \
	grep -qi "new one required\|must be changed" "$T_OUT"
expect_rc 1 "forced change: a weak new password is refused with its reason" \
	pt abcde-001 "$otp
$otp
short
short
short
short
short
short" authenticate "chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)"
sed 's/^/#   /' "$T_OUT" | head -12
expect_rc 0 "forced change: one-time password, then the new one twice" \
	pt abcde-001 "$otp
$otp
$E2E_PW
$E2E_PW" authenticate "chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)"
sed 's/^/#   /' "$T_OUT" | head -12
expect_rc 0 "the new password: auth and account pass" pt abcde-001 "$E2E_PW" authenticate acct_mgmt
expect_rc 1 "the one-time password no longer works" pt abcde-001 "$otp" authenticate

# Notices (UTS-2.2.1.1(1)(f)): at open_session, the previous login and the
# failures since, once there was a login to show.
expect_rc 0 "a login with a session" pt abcde-001 "$E2E_PW" authenticate acct_mgmt open_session close_session
ok "  its logout is a trail line (session close, duration)" \
	e2e_audit_has '"login":"abcde-001"' '"type":"session","action":"close","result":"done"' \
	"$svc" '"detail":"duration='
expect_rc 1 "one more wrong password" pt abcde-001 "Wrong-Pass-43" authenticate
expect_rc 0 "the next session shows the notices" \
	pt abcde-001 "$E2E_PW" authenticate acct_mgmt open_session close_session
sed 's/^/#   /' "$T_OUT"
ok "  Last login: DATE on $svc (the previous one)" \
	grep -Eq "Last login: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4} on $svc" "$T_OUT"
ok "  1 failed login attempt since the last login" grep -Eq "1 failed login attempt" "$T_OUT"

# Lockout (UTS-2.2.1.1(1)(e)): deny = 5 (the default) failures lock the ID;
# then the right password is refused too; naccsctl user unlock lets it in.
for i in 1 2 3 4 5; do
	pt abcde-001 "Wrong-Pass-5$i" authenticate >/dev/null
done
expect_rc 1 "after 5 failures (deny = 5) the right password is refused" \
	pt abcde-001 "$E2E_PW" authenticate
expect_rc 0 "naccsctl user list --locked lists it" e2e_ctl user list --locked
ok "  (abcde-001)" out_has "abcde-001"
expect_rc 0 "naccsctl user unlock abcde-001" e2e_ctl user unlock abcde-001
expect_rc 0 "unlocked: the right password logs in" pt abcde-001 "$E2E_PW" authenticate acct_mgmt

# A local system account the store does not know still goes through
# pam_unix (its shadow password), in every type.
# chpasswd goes through /etc/pam.d/chpasswd (common-password): pam_naccs
# first, pam_unix with use_authtok below it.
useradd -m -s /bin/bash e2elocal && echo 'e2elocal:Local-Pass-7q' | chpasswd
ok "a local account e2elocal: chpasswd through common-password sets its shadow password" \
	grep -q '^e2elocal:\$' /etc/shadow
expect_rc 0 "local account: its shadow password authenticates (pam_unix)" \
	pt e2elocal "Local-Pass-7q" authenticate acct_mgmt open_session close_session
expect_rc 1 "local account: a wrong password is refused" pt e2elocal "nope" authenticate
ok "local account: its account check and session write no trail line (not ours)" \
	bash -c "! grep -h '\"login\":\"e2elocal\"' /var/log/naccs/*.jsonl | grep -Eq '\"type\":\"(account|session)\"'"
ok "  its refused password is recorded, under its name (an account of the system)" \
	e2e_audit_has '"login":"e2elocal"' '"type":"auth"' '"reason":"unknown-user"'
shadow_before=$(grep '^e2elocal:' /etc/shadow)
# pam_naccs.so asks the new password (twice) for pam_unix use_authtok.
expect_rc 0 "local account: root changes its password through pam_unix" \
	pt e2elocal "Local-Pass-8w
Local-Pass-8w" chauthtok
ok "  /etc/shadow changed" test "$(grep '^e2elocal:' /etc/shadow)" != "$shadow_before"
expect_rc 0 "  the new shadow password authenticates" pt e2elocal "Local-Pass-8w" authenticate
expect_rc 0 "local account: passwd as the user itself (current, then new twice)" \
	e2e_pty "exec setpriv --reuid=e2elocal --regid=e2elocal --init-groups passwd" \
	"urrent password:" "Local-Pass-8w" "ew password:" "Brisk-Otter-51" "ew password:" "Brisk-Otter-51"
ok "  passwd: password updated successfully" out_has "updated successfully"
expect_rc 0 "  the user's new shadow password authenticates" pt e2elocal "Brisk-Otter-51" authenticate
expect_rc 1 "a name nobody has is refused (pam_unix, then pam_deny)" pt zzzzz-999 "x" authenticate

# A naccs ID that also has a shadow entry (a stale or separately set
# password): its shadow password never logs in, wrong naccs passwords
# never fall through to pam_unix, and its change never lands in /etc/shadow.
otp2=$(e2e_issue ABCDE 002 --name "Suzuki Hanako")
uid2=$(e2e_uid abcde-002)
echo "abcde-002:x:$uid2:100::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
# (chpasswd -e writes the hash itself; without -e it would go through the
# PAM stack, where the naccs password is the one that changes.)
echo "abcde-002:*:20000:0:99999:7:::" >>/etc/shadow
echo "abcde-002:$(openssl passwd -6 Shadow-Pass-3x)" | chpasswd -e
ok "abcde-002 has a shadow password too" grep -q '^abcde-002:\$' /etc/shadow
expect_rc 1 "abcde-002: the shadow password is refused (no fall-through)" \
	pt abcde-002 "Shadow-Pass-3x" authenticate
expect_rc 0 "  the store counted it as a failure of the naccs ID" e2e_ctl user show abcde-002
ok "  (failures since: 1)" grep -Eq 'failures since: +1' "$T_OUT"
shadow_before=$(grep '^abcde-002:' /etc/shadow)
expect_rc 0 "abcde-002: the forced change goes to the store" \
	pt abcde-002 "$otp2
$otp2
$E2E_PW2
$E2E_PW2" authenticate "chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)"
ok "  /etc/shadow unchanged" test "$(grep '^abcde-002:' /etc/shadow)" = "$shadow_before"
expect_rc 0 "  the new naccs password logs in" pt abcde-002 "$E2E_PW2" authenticate acct_mgmt

# The audit trail (UTS-2.2.1.4(1)) at its default place, verified with the
# key naccsctl init printed.
key=$(sed -n '/verification key/{n;p;}' "$E2E_TMP/init.out" | tr -d ' ')
expect_rc 0 "naccsctl audit verify: the installed trail's chain holds" \
	e2e_ctl audit verify --key "$key"
ok "the trail names the service of the logins" e2e_audit_has '"abcde-001"' "$svc"
finish
