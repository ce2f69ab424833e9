#!/bin/bash
# End to end through the real OpenSSH server (issue #11; the sshd checks
# issue #8 left for it; issue #9's sshd trap): Debian's sshd on loopback
# ports with its own configuration, host key and PAM service
# (naccs-e2e-sshd: Debian's sshd stack over the common stacks
# pam-auth-update wrote), keyboard-interactive through PAM, the real ssh
# client on a pseudo-terminal (expect).  Runs inside the namespace of
# tests/e2e/lib.sh: the package installed in overlays, loopback only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"

for tool in /usr/sbin/sshd ssh ssh-keygen; do
	if ! command -v "$tool" >/dev/null; then
		echo "not ok 1 - $tool is missing (bash scripts/deps.sh installs openssh-server, openssh-client)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# deny = 4: the counting checks below stay under it, the lockout reaches it.
e2e_setup "[lockout]
deny = 4
[access]
admin_allowed_networks = ::1
[session]
max_sessions_per_id = 0"

ok "sshd: host and client keys, /run/sshd, PAM service $SSHD_SERVICE" sshd_setup
P=2222
ok "sshd listens on 127.0.0.1 port $P (own config, KbdInteractiveAuthentication yes, PasswordAuthentication no)" \
	sshd_start main "$P"
ok "  its PAM service /etc/pam.d/$SSHD_SERVICE is Debian's sshd stack" \
	grep -q "^@include common-auth" "/etc/pam.d/$SSHD_SERVICE"
ok "  and never on port 22" bash -c "! grep -q 'port 22\$' '$SSHD_DIR/main.log'"

# out_line TEXT...: the last dialogue has a line that is exactly TEXT, for
# each TEXT; no_line TEXT: it has none (the terminal's carriage returns
# removed).
out_line() {
	local t
	for t in "$@"; do
		tr -d '\r' <"$T_OUT" | grep -qx -- "$t" || return 1
	done
}
no_line() { ! out_line "$1"; }
# failures LOGIN: the store's count of failures since the last login.
failures() { e2e_ctl --json user show "$1" | sed -n 's/.*"failures_since_login":\([0-9]*\).*/\1/p'; }
# json_has LOGIN TEXT: naccsctl --json user show LOGIN holds TEXT.
json_has() { e2e_ctl --json user show "$1" | grep -qF -- "$2"; }
# show_has LOGIN REGEX: naccsctl user show LOGIN (text) matches REGEX.
show_has() { e2e_ctl user show "$1" | grep -Eq -- "$2"; }
# audit_count TEXT...: how many lines of the trail hold every TEXT.
audit_count() {
	local f
	f=$(cat /var/log/naccs/*.jsonl 2>/dev/null)
	for t in "$@"; do
		f=$(printf '%s\n' "$f" | grep -F -- "$t")
	done
	printf '%s\n' "$f" | grep -c .
}
svc="\"service\":\"$SSHD_SERVICE\""

# ---- an individual ID with its own password
otp=$(e2e_issue ABCDE 001 --name "Yamada Taro")
u1=abcde-001
ok "ID $u1 issued and its forced change made (pamtester)" e2e_set_password "$u1" "$otp" "$E2E_PW"

# ---- banner before the prompt; login ok (UTS-2.2.1.1(1)(g)(エ))
expect_rc 0 "password login over ssh (keyboard-interactive, PAM): exit 0" \
	ssh_pw "$P" "$u1" 127.0.0.1 "$E2E_PW" "id -un"
ok "  id -un in the session prints $u1" out_line "$u1"
ok "  the banner (/etc/naccs/banner) is shown" \
	grep -q "You are accessing a NACCS information system" "$T_OUT"
banner_line=$(grep -n "You are accessing a NACCS" "$T_OUT" | head -1 | cut -d: -f1)
prompt_line=$(grep -n "Password: " "$T_OUT" | head -1 | cut -d: -f1)
ok "  before the password prompt (line $banner_line < line $prompt_line)" \
	test "${banner_line:-99}" -lt "${prompt_line:-0}"
ok "  with its Japanese text intact" grep -q "このシステムは NACCS 業務用" "$T_OUT"
ok "  the store records the login through $SSHD_SERVICE from 127.0.0.1" \
	show_has "$u1" "last login:.*$SSHD_SERVICE.*127\.0\.0\.1|last login:.*127\.0\.0\.1.*$SSHD_SERVICE"
ok "  the audit trail has the login under $u1, service $SSHD_SERVICE (sshd's program name)" \
	e2e_audit_has "\"login\":\"$u1\"" "$svc" '"rhost":"127.0.0.1"'

# ---- a wrong password counted exactly once per attempt (UTS-2.2.1.1(1)(g)(ウ))
expect_rc 255 "wrong password over ssh: refused (ssh exits 255)" \
	ssh_pw "$P" "$u1" 127.0.0.1 "Wrong-Passw0rd!" "id -un"
ok "  Permission denied" out_has "Permission denied"
n=$(failures "$u1")
ok "  counted exactly once (failures since login: $n)" test "$n" = 1
expect_rc 255 "two wrong passwords in one connection (NumberOfPasswordPrompts=2): refused" \
	e2e_pty "$(ssh_cmd -p 2 "$P" "$u1" 127.0.0.1 id -un)" \
	"Password: " "Wrong-1-Passw0rd!" "Password: " "Wrong-2-Passw0rd!"
n=$(failures "$u1")
ok "  each counted once: 3 in all ($n)" test "$n" = 3

ok "a client killed at the prompt (the connection drops)" \
	ssh_hangup "$(ssh_cmd "$P" "$u1" 127.0.0.1 id -un)"
sleep 1
n=$(failures "$u1")
ok "  is not counted ($n)" test "$n" = 3

# ---- last-login and failures notices (UTS-2.2.1.1(1)(g)(イ), (ウ)): shown
# by sshd only for an interactive login (a terminal, no command).
expect_rc 0 "interactive login with a terminal" \
	e2e_pty "$(ssh_cmd -t "$P" "$u1" 127.0.0.1)" "Password: " "$E2E_PW" "\$ " "exit"
ok "  Last login: ... from 127.0.0.1 shown" grep -q "Last login: .* from 127\.0\.0\.1" "$T_OUT"
ok "  3 failed login attempts since your last login; the last from 127.0.0.1 shown" \
	grep -q "3 failed login attempts since your last login; the last from 127\.0\.0\.1" "$T_OUT"
n=$(failures "$u1")
ok "  the successful password check reset the count ($n)" test "$n" = 0

# ---- lockout at deny = 4 (UTS-2.2.1.1(1)(g)(ウ))
otp=$(e2e_issue QWERT 002 --name "Suzuki Hanako")
u2=qwert-002
e2e_set_password "$u2" "$otp" "$E2E_PW"
e2e_pty "$(ssh_cmd -p 3 "$P" "$u2" 127.0.0.1 id -un)" \
	"Password: " "Wrong-1-Passw0rd!" "Password: " "Wrong-2-Passw0rd!" \
	"Password: " "Wrong-3-Passw0rd!" >"$T_OUT" 2>&1
n=$(failures "$u2")
ok "three wrong passwords in one connection: 3 failures ($n)" test "$n" = 3
ok "  not locked yet" json_has "$u2" '"locked":false'
expect_rc 255 "the fourth wrong password" ssh_pw "$P" "$u2" 127.0.0.1 "Wrong-4-Passw0rd!" "id -un"
ok "  locks $u2 (deny = 4)" json_has "$u2" '"locked":true'
expect_rc 255 "the right password is refused while locked" ssh_pw "$P" "$u2" 127.0.0.1 "$E2E_PW" "id -un"
ok "  no session ran" no_line "$u2"
e2e_ctl user unlock "$u2" >/dev/null 2>&1
expect_rc 0 "after naccsctl user unlock the right password logs in" \
	ssh_pw "$P" "$u2" 127.0.0.1 "$E2E_PW" "id -un"

# ---- admin networks (UTS-2.2.1.3(2)(c)(エ)): an individual admin ID
otp=$(e2e_issue ZXCVB 003 --admin --name "Kanri Ichiro")
u3=zxcvb-003
e2e_set_password "$u3" "$otp" "$E2E_PW"
expect_rc 255 "admin ID from 127.0.0.1 with admin_allowed_networks = ::1: refused" \
	ssh_pw "$P" "$u3" 127.0.0.1 "$E2E_PW" "id -un"
ok "  (audit: admin-network-not-allowed, rhost 127.0.0.1)" \
	e2e_audit_has '"reason":"admin-network-not-allowed"' "\"login\":\"$u3\"" '"rhost":"127.0.0.1"'
if sshd_has_ipv6; then
	expect_rc 0 "admin ID from ::1 (allowed): logs in" ssh_pw "$P" "$u3" ::1 "$E2E_PW" "id -un"
	ok "  (id -un: $u3)" out_line "$u3"
else
	echo "# no ::1 on this machine: the allowed-address login over IPv6 is not tried"
fi
sed -i 's|^admin_allowed_networks = ::1$|admin_allowed_networks = 127.0.0.1|' "$E2E_CONF"
ok "config now allows the admin network 127.0.0.1 only" grep -q '^admin_allowed_networks = 127.0.0.1$' "$E2E_CONF"
expect_rc 0 "admin ID from 127.0.0.1 (UseDNS no: PAM_RHOST is the address): logs in" \
	ssh_pw "$P" "$u3" 127.0.0.1 "$E2E_PW" "id -un"
# UseDNS yes: sshd gives PAM the name 127.0.0.1 resolves to (localhost
# in /etc/hosts); a host name is refused for admin IDs, never resolved.
grep -q '^127\.0\.0\.1[[:space:]].*localhost' /etc/hosts || echo "127.0.0.1 localhost" >>/etc/hosts
P2=2223
ok "a second sshd with UseDNS yes on port $P2" sshd_start dns "$P2" "UseDNS yes"
expect_rc 255 "admin ID from 127.0.0.1 through it (PAM_RHOST = localhost): refused" \
	ssh_pw "$P2" "$u3" 127.0.0.1 "$E2E_PW" "id -un"
ok "  (audit: admin-rhost-not-an-address, rhost localhost)" \
	e2e_audit_has '"reason":"admin-rhost-not-an-address"' "\"login\":\"$u3\"" '"rhost":"localhost"'
expect_rc 0 "  while an ordinary ID logs in through it" ssh_pw "$P2" "$u1" 127.0.0.1 "$E2E_PW" "id -un"
sshd_stop dns

# ---- PasswordAuthentication instead: the client asks the password itself
# (README, "OpenSSH (sshd)"), so the banner cannot come before the prompt.
P3=2224
ok "a third sshd with PasswordAuthentication yes, KbdInteractiveAuthentication no" \
	sshd_start pw "$P3" "PasswordAuthentication yes" "KbdInteractiveAuthentication no"
expect_rc 0 "password method: $u1 logs in" \
	e2e_pty "$(ssh_cmd -w "$P3" "$u1" 127.0.0.1 id -un)" "password: " "$E2E_PW"
ok "  (id -un: $u1)" out_line "$u1"
ok "  no banner before the client's own prompt" \
	bash -c "! grep -q 'You are accessing a NACCS' '$T_OUT'"
expect_rc 255 "  a wrong password is refused" \
	e2e_pty "$(ssh_cmd -w "$P3" "$u1" 127.0.0.1 id -un)" "password: " "Wrong-Passw0rd!"
n=$(failures "$u1")
ok "  and counted once ($n)" test "$n" = 1
e2e_pty "$(ssh_cmd "$P" "$u1" 127.0.0.1 true)" "Password: " "$E2E_PW" >/dev/null 2>&1
sshd_stop pw

# ---- shared administrator IDs: no direct login, by password or key (#8).
# 127.0.0.1 is an allowed admin network now, so what refuses is the
# direct-login rule itself (UTS-2.2.1.1(1)(g)(カ)).
otp=$(e2e_issue_shared opsroot --admin --name "Operations root")
# (its password is only ever checked inside su, #16 item 9: the one-time
# password is its right password here)
ok "shared admin ID opsroot issued" test -n "$otp"
before=$(audit_count '"reason":"direct-login-shared-admin"' '"login":"opsroot"' "$svc")
expect_rc 255 "opsroot with its right password over ssh: refused" \
	ssh_pw "$P" opsroot 127.0.0.1 "$otp" "id -un"
ok "  no session ran" no_line opsroot
after=$(audit_count '"reason":"direct-login-shared-admin"' '"login":"opsroot"' "$svc")
ok "  refused as a direct login to a shared admin ID (audit: $before -> $after)" \
	test "$after" -gt "$before"
n=$(failures opsroot)
ok "  nothing counted against opsroot ($n)" test "$n" = 0
sshd_authorize opsroot
expect_rc 255 "opsroot with an authorised SSH key: refused" \
	e2e_pty "$(ssh_cmd -k "$P" opsroot 127.0.0.1 id -un)"
before=$after
after=$(audit_count '"reason":"direct-login-shared-admin"' '"login":"opsroot"' "$svc")
ok "  by the account phase (audit: $before -> $after)" test "$after" -gt "$before"
sshd_authorize root
expect_rc 0 "root by key while the store does not know root: left to pam_unix, allowed" \
	e2e_pty "$(ssh_cmd -k "$P" root 127.0.0.1 id -un)"
ok "  (id -un: root)" out_line root
e2e_issue_shared root --admin --adopt-local --name "Superuser" >/dev/null
expect_rc 255 "root registered as a shared admin ID (--adopt-local): its key login is refused" \
	e2e_pty "$(ssh_cmd -k "$P" root 127.0.0.1 id -un)"
ok "  (audit: direct-login-shared-admin for root)" \
	e2e_audit_has '"reason":"direct-login-shared-admin"' '"login":"root"' "$svc"

# ---- forced change at login (the one-time password): sshd runs
# pam_chauthtok on PAM_NEW_AUTHTOK_REQD in keyboard-interactive
otp=$(e2e_issue ASDFG 004 --name "Tanaka Jiro")
u4=asdfg-004
expect_rc 0 "first login with the one-time password: the change is asked, then the session runs" \
	e2e_pty "$(ssh_cmd -t "$P" "$u4" 127.0.0.1)" \
	"Password: " "$otp" "Current password: " "$otp" \
	"New password: " "$E2E_PW2" "Retype*password: " "$E2E_PW2" "\$ " 'echo "ID=$(id -un)"; exit'
ok "  told why (set by an administrator, must be changed now)" \
	out_has "set by an administrator and must be changed now"
ok "  the new password was accepted" out_has "The password was changed."
ok "  then the shell runs as $u4" out_has "ID=$u4"
ok "  must-change cleared" json_has "$u4" '"must_change":false'
expect_rc 0 "  the new password logs in" ssh_pw "$P" "$u4" 127.0.0.1 "$E2E_PW2" "id -un"
expect_rc 255 "  the one-time password no longer does" ssh_pw "$P" "$u4" 127.0.0.1 "$otp" "id -un"

# ---- issue #9: the NACCS forms of the name, resolved by sshd's getpwnam
# through the NSS module; PAM and the session run under the canonical login.
uid1=$(e2e_uid "$u1")
for form in ABCDE001 ABCDE-001 abcde001; do
	expect_rc 0 "ssh -l $form: logs in" \
		ssh_pw "$P" "$form" 127.0.0.1 "$E2E_PW" 'id -un; id -u; cat /proc/self/loginuid; echo'
	ok "  the session runs as $u1 (uid $uid1)" \
		out_line "$u1" "$uid1"
	ok "  the audit login uid is $u1's" \
		test "$(tr -d '\r' <"$T_OUT" | grep -cx -- "$uid1")" -ge 2
done
ok "the trail names only the canonical login for sshd (never a typed form)" \
	bash -c "! grep -h '$svc' /var/log/naccs/*.jsonl | grep -Eq '\"login\":\"(ABCDE001|ABCDE-001|abcde001)\"'"
ok "  and has session lines for $u1" e2e_audit_has "\"login\":\"$u1\"" "$svc" '"type":"session"'
ok "  and its logouts (close, remote host, duration)" \
	e2e_audit_has "\"login\":\"$u1\"" "$svc" '"action":"close"' '"rhost":"127.0.0.1"' \
	'"detail":"duration='
n=$(failures "$u1")
ok "  no failure counted along the way ($n)" test "$n" = 0

# ---- concurrent sessions (UTS-2.2.1.2(1)(b)(ア)): the limit with sshd's
# per-connection process, and after kill -9
sed -i 's|^max_sessions_per_id = 0$|max_sessions_per_id = 1|' "$E2E_CONF"
# The limit refuses with the profile's session line as shipped (#16 item 11).
ok "max_sessions_per_id = 1, the session line as pam-auth-update wrote it (default=die)" \
	grep -q '^session[[:space:]]\+\[.*default=die.*\][[:space:]]\+pam_naccs.so' \
	/etc/pam.d/common-session
hold=$E2E_TMP/hold.out
E2E_PTY_TIMEOUT=200 e2e_pty "$(ssh_cmd "$P" "$u1" 127.0.0.1 'echo HOLDING; sleep 300')" \
	"Password: " "$E2E_PW" >"$hold" 2>&1 &
e2e_bg $!
wait_text HOLDING "$hold" 100
ok "a first session is open" grep -q HOLDING "$hold"
table=/var/lib/naccs/sessions/$u1
spid=$(awk 'NF >= 3 { print $2 }' "$table" 2>/dev/null | tail -1)
ok "  counted in the session table ($table: pid ${spid:-none})" test -n "$spid"
ok "  the pid is sshd's process for the connection" \
	bash -c "[ \"\$(readlink /proc/$spid/exe)\" = /usr/sbin/sshd ]"
# sshd goes on after pam_open_session fails, but with the session
# restricted (no forwarding); its child then shows the messages and exits
# 254 ("PAM session not opened") instead of running the command.
expect_rc 254 "a second session of $u1: refused (sshd exits 254: PAM session not opened)" \
	ssh_pw "$P" "$u1" 127.0.0.1 "$E2E_PW" "id -un"
ok "  no command ran" no_line "$u1"
ok "  told why" out_has "$u1 already has 1 session open"
ok "  (audit: too-many-sessions)" e2e_audit_has '"reason":"too-many-sessions"' "\"login\":\"$u1\""
expect_rc 254 "  also as ABCDE001 (the same ID, whatever the form)" \
	ssh_pw "$P" ABCDE001 127.0.0.1 "$E2E_PW" "id -un"
ok "  no command ran" no_line "$u1"
kill -9 "$spid"
sleep 0.5
ok "kill -9 of the first session's sshd process" bash -c "! kill -0 $spid 2>/dev/null"
expect_rc 0 "  the next login is allowed (a dead process never counts)" \
	ssh_pw "$P" "$u1" 127.0.0.1 "$E2E_PW" "id -un"
sed -i 's|^max_sessions_per_id = 1$|max_sessions_per_id = 0|' "$E2E_CONF"

ok "no failure along the way was blamed on sshd itself (no fatal in its log)" \
	bash -c "! grep -q 'fatal: Internal error' '$SSHD_DIR/main.log'"
sshd_stop main
if [ "$T_FAIL" -ne 0 ]; then
	echo "# the end of the server's log ($SSHD_DIR/main.log):"
	tail -40 "$SSHD_DIR/main.log" | sed 's/^/#   /'
fi
# A failed check: what sshd and the trail said, for the reader of the CI log
# (the overlays are gone afterwards).
if [ "$T_FAIL" -gt 0 ]; then
	grep -E 'fatal|error|PAM' "$SSHD_DIR/main.log" | tail -30 | sed 's/^/#   sshd: /'
	tail -n 15 /var/log/naccs/*.jsonl | sed 's/^/#   trail: /'
fi
# NACCS_E2E_KEEP=DIR: the server's logs and the audit trail kept there.
if [ -n "${NACCS_E2E_KEEP:-}" ]; then
	mkdir -p "$NACCS_E2E_KEEP" && cp -r "$SSHD_DIR"/*.log /var/log/naccs/*.jsonl "$NACCS_E2E_KEEP"/
fi
finish
