#!/bin/bash
# End to end on the real system: the real libpam (no wrapper) reads a service
# file in /etc/pam.d that names the built module, and pamtester logs in.
# Changes the system, so it runs only as root and only when asked (CI sets
# CI=true; elsewhere NACCS_E2E_SYSTEM=1); the service file is removed after.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

if [ "$(id -u)" -ne 0 ] || [ -z "${CI:-}${NACCS_E2E_SYSTEM:-}" ] || ! command -v pamtester >/dev/null; then
	echo "needs root, pamtester and CI=true or NACCS_E2E_SYSTEM=1: skipped"
	exit 77
fi
service=naccs-e2e-$$
trap 'rm -f "/etc/pam.d/$service"; rm -rf "$T_TMP"' EXIT
sb_init "$T_TMP/sb" "[hash]
memory_kib = 4096
time_cost = 1"
cat >"/etc/pam.d/$service" <<EOT
# naccs-auth end-to-end test (removed when the test ends)
auth     required $SB_MODULE conf=$SB_CONF nodelay
account  required $SB_MODULE conf=$SB_CONF
EOT
SB_SYSTEM_SERVICE=$service
otp=$(sb_issue --user-code ABCDE --id-number 001 --name "Yamada Taro")
ok "naccsctl issued a one-time password" test -n "$otp"
expect_rc 0 "real libpam: right password authenticates" sb_pam ABCDE001 "$otp" authenticate
expect_rc 1 "real libpam: account phase demands a change (PAM_NEW_AUTHTOK_REQD)" \
	sb_pam abcde-001 "$otp" authenticate acct_mgmt
ok "  with the reason" out_has "must be changed"
expect_rc 1 "real libpam: wrong password refused" sb_pam abcde-001 "bad" authenticate
expect_rc 0 "the store shows the last login through $service" sb_ctl user show abcde-001
ok "  service named" out_has "$service"
ok "  one failure since" grep -Eq 'failures since: +1' "$T_OUT"
# The README's account stack with the store unavailable: a naccs ID fails
# closed, a local system account (nobody) is left to pam_unix.
cat >"/etc/pam.d/$service" <<EOT
# naccs-auth end-to-end test (removed when the test ends)
account  [success=done user_unknown=ignore ignore=ignore default=bad] $SB_MODULE conf=$SB_CONF
account  required pam_unix.so
EOT
mv "$SB_DIR/state/naccs.db" "$SB_DIR/state/naccs.db.away"
expect_rc 0 "store unavailable: local account nobody passes the README stack" \
	sb_pam nobody "" acct_mgmt
expect_rc 1 "store unavailable: a naccs ID fails closed" sb_pam abcde-001 "" acct_mgmt
mv "$SB_DIR/state/naccs.db.away" "$SB_DIR/state/naccs.db"
expect_rc 0 "store back: local account nobody still passes" sb_pam nobody "" acct_mgmt

# Issue #6: pam_unix stacked below pam_naccs in the password type.  A naccs
# ID that also has a local account with a shadow password: its change must
# land in the store, never in /etc/shadow, and only a real change clears
# must-change.  The local account is made here and everything restored.
for f in passwd shadow group gshadow; do
	cp -p "/etc/$f" "$T_TMP/$f.orig"
done
restore_accounts() {
	for f in passwd shadow group gshadow; do
		cp -p "$T_TMP/$f.orig" "/etc/$f"
	done
}
trap 'restore_accounts; rm -f "/etc/pam.d/$service"; rm -rf "$T_TMP"' EXIT
otp2=$(sb_issue --user-code ABCDE --id-number 002 --name "Suzuki Hanako")
ok "naccsctl issued abcde-002" test -n "$otp2"
useradd -M -N -s /usr/sbin/nologin abcde-002 && echo 'abcde-002:Local-Shadow-9x' | chpasswd
ok "a local account abcde-002 with a shadow password exists" grep -q '^abcde-002:\$' /etc/shadow
cat >"/etc/pam.d/$service" <<EOT
# naccs-auth end-to-end test (removed when the test ends)
auth     required $SB_MODULE conf=$SB_CONF nodelay
account  [success=done new_authtok_reqd=done user_unknown=ignore ignore=ignore default=bad] $SB_MODULE conf=$SB_CONF
account  required pam_unix.so
password [success=done ignore=ignore default=die] $SB_MODULE conf=$SB_CONF
password required pam_unix.so
EOT
shadow_before=$(sha256sum /etc/shadow)
expect_rc 1 "a weak new password is refused (root changing abcde-002)" \
	sb_pam abcde-002 "short
short" chauthtok
ok "  /etc/shadow unchanged" test "$(sha256sum /etc/shadow)" = "$shadow_before"
expect_rc 0 "  must-change still set" sb_ctl user show abcde-002
ok "  (user show says so)" grep -Eq 'must change password: +yes' "$T_OUT"
expect_rc 0 "a strong new password is accepted" sb_pam abcde-002 "Kq7-vJ2p!wZ4m
Kq7-vJ2p!wZ4m" chauthtok
ok "  /etc/shadow unchanged: the change went to the store" \
	test "$(sha256sum /etc/shadow)" = "$shadow_before"
expect_rc 0 "  must-change cleared by the real change" sb_ctl user show abcde-002
ok "  (user show says so)" grep -Eq 'must change password: +no' "$T_OUT"
expect_rc 0 "the new password logs in through the real stack" \
	sb_pam abcde-002 "Kq7-vJ2p!wZ4m" authenticate acct_mgmt
restore_accounts
ok "local accounts restored" test "$(sha256sum /etc/shadow)" = "$(sha256sum "$T_TMP/shadow.orig" | sed "s|$T_TMP/shadow.orig|/etc/shadow|")"

rm -f "/etc/pam.d/$service"
ok "service file removed" test ! -e "/etc/pam.d/$service"
finish
