#!/bin/bash
# End to end, naccsd (issue 18): the packaged /usr/sbin/naccsd, started in
# the foreground on /run/naccs/naccsd.sock as a machine without systemd
# would, and the common stacks pam-auth-update wrote switched to ask it
# (naccsd_socket= on pam_naccs.so's auth and account lines).  Then the real
# programs — pamtester, su on a pseudo-terminal — log in through the
# service; the store counts and the trail records as before.  Stopping the
# service, or a socket with the wrong owner, fails closed for naccs IDs
# while a local account still logs in through pam_unix.
. "$(dirname "$0")/lib.sh"
e2e_setup
sock=/run/naccs/naccsd.sock
svc=e2e-naccsd
e2e_pam_service "$svc"
pt() { e2e_pamtester "$svc" "$@"; }

login=$(e2e_login ABCDE 001)
otp=$(e2e_issue ABCDE 001 --name "Yamada Taro")
e2e_set_password "$login" "$otp" "$E2E_PW"
login2=$(e2e_login QWERT 002)
otp=$(e2e_issue QWERT 002 --name "Suzuki Hanako")
e2e_set_password "$login2" "$otp" "$E2E_PW2"
useradd -m -s /bin/bash e2elocal && echo 'e2elocal:Local-Pass-7q' | chpasswd
ok "two IDs issued, their passwords set; a local account e2elocal" \
	sh -c "id '$login' && id '$login2' && id e2elocal" >/dev/null

# start_naccsd: the packaged binary, as its unit would run it.
# Each start has its own log, naccsd-N.log.
starts=0
start_naccsd() {
	starts=$((starts + 1))
	install -d -m 0755 /run/naccs
	/usr/sbin/naccsd --foreground --socket "$sock" >"$E2E_TMP/naccsd-$starts.log" 2>&1 &
	naccsd_pid=$!
	e2e_bg "$naccsd_pid"
	wait_text "listening" "$E2E_TMP/naccsd-$starts.log" 50
}
stop_naccsd() {
	kill -TERM "$naccsd_pid" && wait_gone "$naccsd_pid" 50
}
start_naccsd
ok "/usr/sbin/naccsd --foreground --socket $sock: listening" test -S "$sock"
ok "  the socket is mode 0666, root's" sh -c "[ \"\$(stat -c '%a %U' '$sock')\" = '666 root' ]"

# The administrator's switch: the module's auth and account lines ask naccsd.
sed -i "s|pam_naccs.so\(.*\)$|pam_naccs.so\1 naccsd_socket=$sock|" \
	/etc/pam.d/common-auth /etc/pam.d/common-account
ok "common-auth and common-account name the socket" \
	sh -c "grep -q 'naccsd_socket=$sock' /etc/pam.d/common-auth &&
	       grep -q 'naccsd_socket=$sock' /etc/pam.d/common-account"

# UTS-2.2.1.1(1)(a): through the service, with the real libpam.
expect_rc 0 "pamtester: the right password authenticates through naccsd (ABCDE001)" \
	pt ABCDE001 "$E2E_PW" authenticate acct_mgmt
before=$(e2e_ctl --json user show "$login" | sed -n 's/.*"failures_since_login":\([0-9]*\).*/\1/p')
expect_rc 1 "a wrong password is refused" pt "$login" "Wrong-Pass-42" authenticate
after=$(e2e_ctl --json user show "$login" | sed -n 's/.*"failures_since_login":\([0-9]*\).*/\1/p')
ok "  and counted once by the service (failures $before -> $after)" \
	test "$after" = "$((${before:-0} + 1))"
ok "  the trail holds the refusal, on this service" \
	e2e_audit_has "\"$login\"" "\"$svc\"" '"bad-password"'

# su on a pseudo-terminal, from one ID to another: su's auth and account
# through naccsd.
expect_rc 0 "su (util-linux) from $login to $login2 through naccsd" \
	e2e_pty "$(e2e_as_cmd "$login") su -c 'echo SU-OK-\$(id -un)' $login2" \
	"assword:" "$E2E_PW2"
ok "  the command ran as $login2" out_has "SU-OK-$login2"
expect_rc 1 "su with a wrong password is refused" \
	e2e_pty "$(e2e_as_cmd "$login") su -c 'echo SU-OK' $login2" "assword:" "Wrong-Pass-43"
ok "  (su: Authentication failure)" out_has "Authentication failure"

# A local account is not naccsd's: pam_unix decides, with naccsd up...
expect_rc 0 "the local account logs in through pam_unix (naccsd running)" \
	pt e2elocal "Local-Pass-7q" authenticate acct_mgmt

# ... and with it stopped; a naccs ID then fails closed.
stop_naccsd
ok "naccsd stopped (SIGTERM): its socket is gone" test ! -e "$sock"
expect_rc 1 "naccsd stopped: the naccs ID is refused (fails closed)" \
	pt "$login" "$E2E_PW" authenticate
ok "  as authentication information unavailable" \
	grep -qi "cannot retrieve authentication info\|unavailable" "$T_OUT"
expect_rc 0 "naccsd stopped: the local account still logs in (pam_unix)" \
	pt e2elocal "Local-Pass-7q" authenticate acct_mgmt
expect_rc 0 "naccsd stopped: root's own su from root still works (pam_rootok)" \
	e2e_pty "su -c 'echo ROOT-OK' e2elocal"
ok "  (ROOT-OK)" out_has "ROOT-OK"

# A socket that is not root's is not trusted: as if naccsd were away.
start_naccsd
chown nobody "$sock"
expect_rc 1 "a socket owned by nobody: the naccs ID is refused" \
	pt "$login" "$E2E_PW" authenticate
expect_rc 0 "  the local account is not affected" pt e2elocal "Local-Pass-7q" authenticate
chown root "$sock"
expect_rc 0 "the socket root's again: the ID logs in" pt "$login" "$E2E_PW" authenticate acct_mgmt

# SIGKILL: a client never hangs; the service started again serves at once.
kill -KILL "$naccsd_pid"
wait_gone "$naccsd_pid" 50
expect_rc 1 "naccsd killed (stale socket left): the ID is refused at once" \
	pt "$login" "$E2E_PW" authenticate
start_naccsd
expect_rc 0 "naccsd started again on the stale socket: the ID logs in" \
	pt "$login" "$E2E_PW" authenticate acct_mgmt
expect_rc 0 "the store passes naccsctl store check after the kill" e2e_ctl store check
expect_rc 0 "the audit trail verifies after the kill" e2e_ctl audit verify
stop_naccsd
finish
