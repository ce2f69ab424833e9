#!/bin/bash
# End to end, login(1) (issue #11): /bin/login run as root on a
# pseudo-terminal, as a console's getty runs it, the name and the password
# typed at its prompts; /etc/pam.d/login is Debian's (pam_loginuid,
# pam_lastlog, ...) with the common-* stacks pam-auth-update wrote.
. "$(dirname "$0")/lib.sh"
e2e_setup

otp=$(e2e_issue ABCDE 001 --name "Yamada Taro")
e2e_set_password abcde-001 "$otp" "$E2E_PW"
ok "abcde-001 issued, its one-time password changed" test -s "$E2E_TMP/set_password.out"
# console NAME PASSWORD [PATTERN SEND]...: log in on a pty; in the shell,
# print who we are and leave.
console() {
	local name=$1 pw=$2
	shift 2
	e2e_pty "exec login" "login:" "$name" "assword:" "$pw" "$@" \
		'\$ ' 'echo LOGIN-OK-$(id -un)-LUID-$(cat /proc/self/loginuid); exit'
}

# UTS-2.2.1.1(1)(a): a console login with the right password.
expect_rc 0 "login ABCDE001 (the NACCS form) with the right password" console ABCDE001 "$E2E_PW"
ok "  a shell as abcde-001, the login uid set by pam_loginuid" \
	out_has "LOGIN-OK-abcde-001-LUID-$(id -u abcde-001)"
show

# A wrong password: login says so and asks again (the name, then the
# password); the failure is the store's.
expect_rc 0 "login with a wrong password, then the right one" \
	e2e_pty "exec login" "login:" abcde-001 "assword:" "Wrong-Pass-42" \
	"login:" abcde-001 "assword:" "$E2E_PW" \
	'\$ ' 'echo LOGIN-OK-$(id -un); exit'
ok "  Login incorrect, then a shell" sh -c "grep -q 'Login incorrect' '$T_OUT' && grep -q LOGIN-OK-abcde-001 '$T_OUT'"
# UTS-2.2.1.1(1)(f): the notices at the session's start (the module's
# session line in common-session).
# (pam_lastlog, in Debian's login stack, says "Last login: Tue Dec  1 ...";
# naccs-auth's notice has an ISO date and the terminal, without /dev/.)
ok "  the notice: Last login: YYYY-MM-DD ... on pts/N (naccs-auth's)" \
	grep -Eq 'Last login: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4} on pts/' "$T_OUT"
ok "  the notice: 1 failed login attempt since the last login" out_has "1 failed login attempt"
show

# A wrong password only: no shell.
E2E_PTY_TIMEOUT=8 expect_rc 124 "login with a wrong password: no shell (login asks again)" \
	e2e_pty "exec login" "login:" abcde-001 "assword:" "Wrong-Pass-43" \
	'\$ ' 'echo LOGIN-OK; exit'
ok "  no shell ran" sh -c "! grep -q LOGIN-OK '$T_OUT' && grep -q 'Login incorrect' '$T_OUT'"

# The forced change at a console login: a new ID's one-time password.
otp2=$(e2e_issue QWERT 002 --name "Suzuki Hanako")
expect_rc 0 "login with a one-time password: the change is forced, then a shell" \
	e2e_pty "exec login" "login:" qwert-002 "assword:" "$otp2" \
	"urrent password:" "$otp2" "ew password:" "$E2E_PW2" "ew password:" "$E2E_PW2" \
	'\$ ' 'echo LOGIN-OK-$(id -un); exit'
ok "  a shell as qwert-002 after the change" out_has "LOGIN-OK-qwert-002"
show
expect_rc 0 "  the new password is the store's" \
	e2e_pamtester e2e-chauthtok qwert-002 "$E2E_PW2" authenticate acct_mgmt

# UTS-2.2.1.1(1)(d): suspending an ID ends its running console session
# (README "Suspension ends the running sessions"): a real login left
# running a command in its shell, ended by naccsctl user suspend.
long=$T_TMP/login-long.out
E2E_PTY_TIMEOUT=120 e2e_pty "exec login" "login:" qwert-002 "assword:" "$E2E_PW2" \
	'\$ ' 'echo LOGIN-LONG-$(id -un); sleep 3001' >"$long" 2>&1 &
pty=$!
wait_text LOGIN-LONG-qwert-002 "$long" 150
ok "qwert-002's console session runs (sleep 3001 in its shell)" grep -q LOGIN-LONG-qwert-002 "$long"
cmd=$(pgrep -u qwert-002 -x -f 'sleep 3001' | head -1)
ok "  its command found" test -n "$cmd"
ok "  the session table holds the session" test -s /var/lib/naccs/sessions/qwert-002
expect_rc 0 "user suspend qwert-002 ends it" e2e_ctl user suspend qwert-002 --reason "e2e exposed"
show
ok "  the command is gone" gone "$cmd"
ok "  no process of qwert-002 is left" sh -c "! pgrep -u qwert-002 >/dev/null"
wait_gone "$pty" 75
ok "  login returned within 15 s (the pty dialogue ended)" gone "$pty"
kill "$pty" 2>/dev/null
wait "$pty" 2>/dev/null
ok "  the trail: end-sessions of qwert-002 (sessions=1)" \
	e2e_audit_has '"end-sessions"' 'qwert-002' 'sessions=1'
finish
