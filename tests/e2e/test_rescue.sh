#!/bin/bash
# End to end, local accounts and root while the store cannot be used
# (issue 16, item 1): /bin/login on a pseudo-terminal and util-linux su,
# through the stacks pam-auth-update wrote.  With the store's header
# overwritten, or the store gone, a local account logs in on the console
# and su's to another with their shadow passwords; a naccs ID is refused
# after its password was asked; without the identity index, nobody.
. "$(dirname "$0")/lib.sh"
e2e_setup
STORE=/var/lib/naccs/naccs.db
LOCAL_PW='Local-Shadow-pw7'

useradd -m -s /bin/sh e2e-local && useradd -m -s /bin/sh e2e-other &&
	printf 'e2e-local:%s\ne2e-other:%s\n' "$LOCAL_PW" "$LOCAL_PW" | chpasswd
ok "two local accounts with shadow passwords" getent shadow e2e-local
otp=$(e2e_issue ABCDE 001 --name "Yamada Taro")
e2e_set_password abcde-001 "$otp" "$E2E_PW"
expect_rc 0 "abcde-001 logs in" e2e_pamtester e2e-chauthtok abcde-001 "$E2E_PW" authenticate acct_mgmt

console() {
	e2e_pty "exec login" "login:" "$1" "assword:" "$2" \
		'\$ ' 'echo LOGIN-OK-$(id -un); exit'
}
su_as() {
	e2e_pty "$(e2e_as_cmd "$1") su -c 'echo SU-OK-\$(id -un)' $2" "assword:" "$3"
}

# rescue CASE: what must hold with the store unusable.
rescue() {
	expect_rc 0 "$1: login e2e-local with its shadow password" console e2e-local "$LOCAL_PW"
	ok "  a shell" out_has "LOGIN-OK-e2e-local"
	show
	expect_rc 0 "$1: e2e-local su's to e2e-other with its password" \
		su_as e2e-local e2e-other "$LOCAL_PW"
	ok "  the command ran" out_has "SU-OK-e2e-other"
	E2E_PTY_TIMEOUT=8 expect_rc 124 "$1: login abcde-001: refused (login asks again)" \
		console abcde-001 "$E2E_PW"
	ok "  its password was asked, then Login incorrect, no shell" \
		sh -c "grep -q 'assword:' '$T_OUT' && grep -q 'Login incorrect' '$T_OUT' &&
		       ! grep -q LOGIN-OK '$T_OUT'"
	show
	expect_rc 1 "$1: su to abcde-001 with its password: refused" \
		su_as e2e-local abcde-001 "$E2E_PW"
	ok "  the command did not run" sh -c "! grep -q SU-OK '$T_OUT'"
}

mkdir -m 0700 "$E2E_TMP/keep" && cp -p "$STORE"* "$E2E_TMP/keep/"
# the header overwritten
dd if=/dev/zero of="$STORE" bs=100 count=1 conv=notrunc 2>/dev/null
rescue "header overwritten"
# the store gone
rm -f "$STORE" "$STORE-wal" "$STORE-shm"
rescue "store missing"
# (naccs.db.lock, the administrators' lock naccsctl init made, stays: a
# lock file, no data.)
ok "  a login made no store, -wal or -shm" \
	sh -c "! ls '$STORE' '$STORE-wal' '$STORE-shm' 2>/dev/null | grep -q ."
# without the index: nobody (fail closed), root's console login included
mv /var/lib/naccs/passwd.cdb "$E2E_TMP/keep/"
E2E_PTY_TIMEOUT=8 expect_rc 124 "no index either: login e2e-local refused" \
	console e2e-local "$LOCAL_PW"
ok "  no shell" sh -c "! grep -q LOGIN-OK '$T_OUT'"
show
# repaired: the backup back in place
cp -p "$E2E_TMP/keep/"* /var/lib/naccs/
expect_rc 0 "the store restored: abcde-001 logs in again" \
	e2e_pamtester e2e-chauthtok abcde-001 "$E2E_PW" authenticate acct_mgmt
finish
