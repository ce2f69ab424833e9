#!/bin/bash
# End to end, naccs_chkpwd (issue #11; UTS-2.3.2.1(1)(d)): a program that
# is not root checks its own user's password, as a screen locker does.
# The installed package ships /usr/sbin/naccs_chkpwd setuid root; pamtester
# runs as the naccs ID's uid (e2e_as: uid, gid, groups, audit login uid as
# after a login) through a dedicated service file that includes only
# common-auth and common-account, as a screen locker's does.  pam_naccs.so
# there cannot open the store (0600 root) and runs the helper itself:
# right and wrong passwords, the failure counted once, the lockout, another
# user's name refused, PAM_USER the canonical login after a success, the
# trail lines (service naccs_chkpwd:SERVICE, actor uid=N) and a chain that
# verifies, fail closed without the setuid bit.  Then the helper directly,
# the password on a pipe: its exit codes and its stdout (the login).
. "$(dirname "$0")/lib.sh"
e2e_setup
svc=e2e-chkpwd
cat >"/etc/pam.d/$svc" <<EOT
# naccs-auth end-to-end test: a screen locker's service
@include common-auth
@include common-account
EOT
helper=/usr/sbin/naccs_chkpwd
# failures LOGIN: "failures since" of naccsctl user show.
failures() { e2e_ctl user show "$1" | sed -n 's/^failures since: *\([0-9]*\)$/\1/p'; }

ok "naccs_chkpwd installed 4755 root:root (the package's mode)" \
	test "$(stat -c '%a %U %G' "$helper")" = "4755 root root"
ok "  the store is root's 0600: the user cannot open it itself" \
	test "$(stat -c '%a %U' /var/lib/naccs/naccs.db)" = "600 root"

otp=$(e2e_issue ABCDE 001 --name "Yamada Taro")
ok "abcde-001 issued" test -n "$otp"
otp2=$(e2e_issue QWERT 002 --name "Suzuki Hanako")
ok "qwert-002 issued" test -n "$otp2"
uid=$(e2e_uid abcde-001)
ok "  abcde-001 has a uid, known through NSS" test "$(id -u abcde-001)" = "$uid"

# pt_as LOGIN USER INPUT OP...: pamtester as LOGIN (not root) for USER.
pt_as() {
	local who=$1
	shift
	e2e_as "$who" /bin/sh -c 'printf "%s\n" "$3" | pamtester -v "$1" "$2" authenticate acct_mgmt' \
		_ "$svc" "$1" "$2"
}
pt_auth_as() {
	local who=$1
	shift
	e2e_as "$who" /bin/sh -c 'printf "%s\n" "$3" | pamtester -v "$1" "$2" authenticate' \
		_ "$svc" "$1" "$2"
}

# The one-time password through the helper: auth passes, the account
# phase (naccs_chkpwd --account) says a change is required.
expect_rc 0 "as abcde-001: the one-time password authenticates through the helper" \
	pt_auth_as abcde-001 abcde-001 "$otp"
ok "  pamtester: successfully authenticated" out_has "successfully authenticated"
expect_rc 1 "  account phase (naccs_chkpwd --account): a change is required" \
	pt_as abcde-001 abcde-001 "$otp"
ok "  (new one required)" grep -qi "new one required\|must be changed" "$T_OUT"
ok "  the trail line names the helper's service and the caller (uid=$uid)" \
	e2e_audit_has '"abcde-001"' "\"naccs_chkpwd:$svc\"" "\"uid=$uid\""

# The user changes it as at the first login (root's pamtester: passwd is
# setuid root); then the screen locker's checks.
e2e_set_password abcde-001 "$otp" "$E2E_PW"
expect_rc 0 "abcde-001 changed its one-time password" \
	e2e_pamtester "$svc" abcde-001 "$E2E_PW" authenticate acct_mgmt

# UTS-2.3.2.1(1)(d): the right password unlocks, a wrong one not.
expect_rc 0 "as abcde-001: its password authenticates, account passes (auth, acct_mgmt)" \
	pt_as abcde-001 abcde-001 "$E2E_PW"
ok "  pamtester: successfully authenticated" out_has "successfully authenticated"
ok "  the trail: the helper's check allowed it (not a root fallback)" \
	e2e_audit_has '"abcde-001"' "\"naccs_chkpwd:$svc\"" '"result":"allow"'
# A screen unlock opens no session: it is no login (issue #16: a login
# counts when its session opens, or on a service named in [session]
# sessionless_services), so it is not the last login.
expect_rc 0 "  naccsctl user show" e2e_ctl user show abcde-001
ok "  the last login is not the screen unlock" \
	sh -c "! grep -Eq '^last login: .*naccs_chkpwd:$svc' '$T_OUT'"
ok "  the name in the NACCS form (ABCDE001) works too" pt_auth_as abcde-001 ABCDE001 "$E2E_PW"
# As pam_sm_authenticate does without the helper: after the success the
# stack knows the user by the canonical login (PAM_USER), shown here by
# pam_exec below common-auth.
printf '#!/bin/sh\necho "PAM_USER=$PAM_USER"\n' >"$E2E_TMP/show-user"
chmod 0755 "$E2E_TMP" "$E2E_TMP/show-user"
cat >"/etc/pam.d/$svc-user" <<EOT
@include common-auth
auth optional pam_exec.so stdout $E2E_TMP/show-user
@include common-account
EOT
expect_rc 0 "as abcde-001, typed ABCDE001: authenticated through the helper" \
	e2e_as abcde-001 /bin/sh -c 'printf "%s\n" "$1" | pamtester -v "$2" ABCDE001 authenticate' \
	_ "$E2E_PW" "$svc-user"
ok "  PAM_USER is the canonical login abcde-001" out_has "PAM_USER=abcde-001"
show
ok "  failures since: 0" test "$(failures abcde-001)" = 0
expect_rc 1 "as abcde-001: a wrong password is refused" pt_auth_as abcde-001 abcde-001 "Wrong-Pass-42"
ok "  as an authentication failure" out_has "Authentication failure"
ok "  counted once in the store (failures since: 1)" test "$(failures abcde-001)" = 1
expect_rc 0 "  naccsctl user show: the last failure names the helper's service" \
	e2e_ctl user show abcde-001
ok "  (service naccs_chkpwd:$svc)" grep -Eq "^last failure: .*service naccs_chkpwd:$svc" "$T_OUT"
ok "  the trail has the refusal (abcde-001, naccs_chkpwd:$svc, uid=$uid)" \
	e2e_audit_has '"abcde-001"' "\"naccs_chkpwd:$svc\"" "\"uid=$uid\"" '"bad-password"'
expect_rc 0 "the right password again: failures reset" pt_as abcde-001 abcde-001 "$E2E_PW"
ok "  failures since: 0" test "$(failures abcde-001)" = 0

# Another user's password is never checked for this caller.
e2e_set_password qwert-002 "$otp2" "$E2E_PW2"
expect_rc 1 "as abcde-001: qwert-002's name with qwert-002's password is refused" \
	pt_auth_as abcde-001 qwert-002 "$E2E_PW2"
ok "  nothing counted against qwert-002" test "$(failures qwert-002)" = 0
ok "  nor against abcde-001" test "$(failures abcde-001)" = 0
expect_rc 0 "  qwert-002 itself (its own uid) gets in with it" pt_as qwert-002 qwert-002 "$E2E_PW2"

# Lockout (UTS-2.2.1.1(1)(e)): deny = 5 failures through the helper lock
# the ID; then the right password is refused too, until unlocked.
for i in 1 2 3 4 5; do
	pt_auth_as abcde-001 abcde-001 "Wrong-Pass-5$i" >/dev/null 2>&1
done
ok "five wrong passwords through the helper: failures since: 5" test "$(failures abcde-001)" = 5
expect_rc 1 "  locked (deny = 5): the right password is refused" \
	pt_auth_as abcde-001 abcde-001 "$E2E_PW"
expect_rc 0 "  naccsctl user list --locked" e2e_ctl user list --locked
ok "  lists abcde-001" out_has "abcde-001"
expect_rc 0 "naccsctl user unlock abcde-001" e2e_ctl user unlock abcde-001
expect_rc 0 "  unlocked: the right password gets in through the helper" \
	pt_as abcde-001 abcde-001 "$E2E_PW"

# Without the setuid bit the helper cannot read the store: fail closed.
chmod 0755 "$helper"
expect_rc 1 "naccs_chkpwd without its setuid bit: the right password fails closed" \
	pt_auth_as abcde-001 abcde-001 "$E2E_PW"
ok "  (authentication information unavailable, not a pass)" \
	grep -qi "cannot retrieve authentication info\|unavailable" "$T_OUT"
show
chmod 4755 "$helper"
ok "  4755 again" test "$(stat -c %a "$helper")" = 4755

# The helper directly: the password on a pipe, the answer its exit code.
# chk LOGIN INPUT ARGS...: as LOGIN, INPUT on naccs_chkpwd's stdin.
chk() {
	local who=$1
	shift
	e2e_as "$who" /bin/sh -c 'p=$1; shift; printf "%s" "$p" | exec '"$helper"' "$@"' _ "$@"
}
expect_rc 0 "naccs_chkpwd as abcde-001, its password on a pipe: 0" chk abcde-001 "$E2E_PW"
ok "  stdout: its canonical login, one line" test "$(cat "$T_OUT")" = abcde-001
expect_rc 0 "  named in the NACCS form (ABCDE-001): 0" chk abcde-001 "$E2E_PW" ABCDE-001
ok "  stdout: abcde-001" test "$(cat "$T_OUT")" = abcde-001
expect_rc 0 "  with --service and its own name: 0" \
	chk abcde-001 "$E2E_PW" --service xlock abcde-001
ok "  the trail line: service naccs_chkpwd:xlock, actor uid=$uid" \
	e2e_audit_has '"abcde-001"' '"naccs_chkpwd:xlock"' "\"uid=$uid\""
expect_rc 1 "  a wrong password: 1" chk abcde-001 "Wrong-Pass-61"
ok "  nothing on stdout" test ! -s "$T_OUT"
ok "  counted (failures since: 1)" test "$(failures abcde-001)" = 1
expect_rc 6 "  qwert-002's name: 6 (not yours)" chk abcde-001 "$E2E_PW2" qwert-002
ok "  nothing counted against qwert-002" test "$(failures qwert-002)" = 0
expect_rc 5 "  a name nobody has: 5 (not mine)" chk abcde-001 "x" zzzzz-999
expect_rc 0 "  --account (nothing read): 0" chk abcde-001 "" --account
useradd -M -s /usr/sbin/nologin e2enobody
expect_rc 5 "a local account that is no ID, its own name: 5 (pam_unix's business)" \
	chk e2enobody "x"
expect_rc 9 "a password on the command line is never checked: 9 (usage)" \
	chk abcde-001 "" abcde-001 "$E2E_PW"
expect_rc 9 "a terminal on stdin: 9" \
	e2e_pty "$(e2e_as_cmd abcde-001) $helper"
ok "  (run by pam_naccs.so, not by hand)" out_has "not by hand"
cp "$helper" "$E2E_TMP/naccs_chkpwd.copy" && chmod 0755 "$E2E_TMP/naccs_chkpwd.copy"
expect_rc 8 "a copy without the setuid bit: 8" \
	e2e_as abcde-001 sh -c 'printf "%s" "$1" | "$2"' _ "$E2E_PW" "$E2E_TMP/naccs_chkpwd.copy"

# The trail (UTS-2.2.1.4(1)) the helper wrote is whole, with init's key.
key=$(sed -n '/verification key/{n;p;}' "$E2E_TMP/init.out" | tr -d ' ')
ok "the verification key from naccsctl init" test -n "$key"
expect_rc 0 "naccsctl audit verify: the chain holds after the helper's lines" \
	e2e_ctl audit verify --key "$key"
finish
