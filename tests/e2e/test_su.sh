#!/bin/bash
# End to end, su (issues #8, #11; UTS-2.2.1.1(1)(g)(カ)): util-linux su on a
# pseudo-terminal (expect) through /etc/pam.d/su, which includes the
# common-* stacks pam-auth-update wrote.  Root is registered as a shared
# administrator ID (--adopt-local), so switching to it is gated by [su]:
# only an active individual ID in the allowed store group may.  The
# invoking person is what su's process is: started as the ID (uid, gid,
# groups through NSS, audit login uid) like after a login, and once after a
# real login(1).  Then the caller's TZ (su is set-uid: the system's zone
# decides the time windows) and sudo, gated at session open (README).
. "$(dirname "$0")/lib.sh"
# switch_services is left at its default (su su-l sudo sudo-i) and the
# profile's session line as shipped: what they say is enforced (#16 item 11).
e2e_setup "[su]
allow_groups = wheel-naccs"

# The people: abcde-001 (allowed), qwert-002 (not in the group), zxcvb-003
# (in the group, locked later), the shared admin ID opsroot; root adopted.
root_otp=$(e2e_issue_shared root --admin --adopt-local --issued-to "operations team")
ok "root registered as a shared admin ID (--adopt-local)" test -n "$root_otp"
ops_otp=$(e2e_issue_shared opsroot --admin --issued-to "operations team")
ok "opsroot issued as a shared admin ID" test -n "$ops_otp"
e2e_ctl group add wheel-naccs >/dev/null
for who in "ABCDE 001 Yamada" "QWERT 002 Suzuki" "ZXCVB 003 Tanaka"; do
	set -- $who
	login=$(e2e_login "$1" "$2")
	otp=$(e2e_issue "$1" "$2" --name "$3")
	e2e_set_password "$login" "$otp" "$E2E_PW"
	expect_rc 0 "$login issued, its one-time password changed" \
		e2e_pamtester e2e-chauthtok "$login" "$E2E_PW" authenticate acct_mgmt
done
e2e_ctl group member add wheel-naccs abcde-001 >/dev/null
e2e_ctl group member add wheel-naccs zxcvb-003 >/dev/null
# A shared admin ID's one-time password is changed inside su by an allowed
# person: no other service ever checks its password (#16 item 9).
for t in "root $root_otp $E2E_PW2" "opsroot $ops_otp $E2E_PW3"; do
	set -- $t
	expect_rc 0 "abcde-001: su $1 with its one-time password: the change is forced" \
		e2e_pty "$(e2e_as_cmd abcde-001) su -c 'echo SU-OK-\$(id -un)' $1" \
		"assword:" "$2" "urrent password:" "$2" "ew password:" "$3" "ew password:" "$3"
	ok "  then the command ran as $1" out_has "SU-OK-$1"
done
expect_rc 1 "a direct login service never checks root's one-time password" \
	e2e_pamtester e2e-chauthtok root "$E2E_PW2" authenticate
expect_rc 0 "no ID has a change pending" e2e_ctl user list --must-change
ok "  (neither root nor opsroot listed)" sh -c "! grep -Eq '(^| )(ops)?root ' '$T_OUT'"

# su_as LOGIN TARGET PASSWORD [LOGINUID]: as LOGIN on a pty, su -c to
# TARGET, PASSWORD typed at the prompt; the dialogue in $T_OUT.
su_as() {
	e2e_pty "$(e2e_as_cmd "$1" "${4:-}") su -c 'echo SU-OK-\$(id -un)' $2" \
		"assword:" "$3"
}
# su_refused LOGIN TARGET [LOGINUID]: as su_as, for an invoker refused
# before any prompt (#16 item 9): nothing is typed.
su_refused() {
	e2e_pty "$(e2e_as_cmd "$1" "${3:-}") su -c 'echo SU-OK-\$(id -un)' $2"
}
# prompted: su asked a password in $T_OUT (not e2e_pty's own note).
prompted() { grep -v '# e2e_pty' "$T_OUT" | grep -q 'assword:'; }
not_prompted() { ! prompted; }

# An allowed individual switches to root with root's (naccs) password.
expect_rc 0 "abcde-001 (in wheel-naccs): su root with root's password" \
	su_as abcde-001 root "$E2E_PW2"
ok "  the command ran as root" out_has "SU-OK-root"
show
# The event names the person, not only the target (UTS-2.2.1.4(1)).
ok "  the audit trail names the individual for su (su-allowed, abcde-001, root)" \
	e2e_audit_has '"su-allowed"' 'abcde-001' '"root"'
expect_rc 1 "abcde-001: su root with a wrong password" su_as abcde-001 root "Wrong-Pass-9"
ok "  the command did not run" sh -c "! grep -q SU-OK '$T_OUT'"

# A person outside the allowed group: the right password is not enough.
expect_rc 1 "qwert-002 (not in wheel-naccs): su root refused" su_refused qwert-002 root
ok "  before any password prompt" not_prompted
ok "  the command did not run" sh -c "! grep -q SU-OK '$T_OUT'"
ok "  with the reason: qwert-002 may not switch to root" out_has "qwert-002 may not switch to root"
show
ok "  the audit trail names qwert-002 (su-invoker-not-allowed)" \
	e2e_audit_has '"su-invoker-not-allowed"' 'qwert-002'

# Nobody locks root out (#16 item 9): an invoker who may not switch is
# refused before any password prompt, whatever it types and however often
# (an ID outside the group, and an unprivileged local account that is no
# ID: the attack); nothing counts against root.
useradd -m -s /bin/bash e2e-local 2>/dev/null
ok "an unprivileged local account e2e-local (uid $(id -u e2e-local 2>/dev/null))" id -u e2e-local
for who in qwert-002 e2e-local; do
	n=0
	for i in 1 2 3 4 5 6; do
		e2e_pty "$(e2e_as_cmd "$who") su -c 'echo SU-OK-\$(id -un)' root" \
			"assword:" "Wrong-Pass-$i" >"$T_OUT" 2>&1
		prompted && n=$((n + 1))
	done
	ok "$who: 6 x su root: never a password prompt ($n prompts)" test "$n" = 0
	ok "  the command never ran" sh -c "! grep -q SU-OK '$T_OUT'"
	show
done
ok "  the trail: su-invoker-not-an-id for e2e-local's uid" \
	e2e_audit_has '"su-invoker-not-an-id"' "\"uid\":$(id -u e2e-local)"
expect_rc 0 "root after 12 refused attempts: naccsctl user show root" e2e_ctl user show root
ok "  root is not locked" grep -Eq '^locked: +no' "$T_OUT"
ok "  no failure counted against root" grep -Eq '^failures since: +0$' "$T_OUT"
expect_rc 0 "abcde-001 still switches to root" su_as abcde-001 root "$E2E_PW2"
ok "  the command ran as root" out_has "SU-OK-root"

# A locked individual, even in the group.
e2e_ctl user lock zxcvb-003 --reason "e2e" >/dev/null
expect_rc 1 "zxcvb-003 (in the group, locked): su root refused" su_refused zxcvb-003 root
ok "  the command did not run" sh -c "! grep -q SU-OK '$T_OUT'"
ok "  with the reason (your ID zxcvb-003 cannot be used)" out_has "zxcvb-003 cannot be used"
show

# A shared ID switching to a shared ID: no chain that hides the person.
expect_rc 1 "opsroot (shared) -> root (shared): refused" su_refused opsroot root
ok "  the command did not run" sh -c "! grep -q SU-OK '$T_OUT'"
ok "  with the reason (from the shared ID opsroot)" out_has "from the shared ID opsroot"
show

# The process runs as one ID, the login was another's (loginuid): refused.
expect_rc 1 "abcde-001's process with qwert-002's login uid: su root refused" \
	su_refused abcde-001 root "$(id -u qwert-002)"
ok "  with the reason (another user than the one who logged in)" \
	out_has "another user than the one who logged in"

# Direct login of a shared admin ID (login(1) on a pty, not a switch
# service): refused, its password never checked (a dummy verification:
# no guessing), nothing counted against it (#16 item 9).
# (login asks again after "Login incorrect": ^D there ends it)
login_opsroot() {
	e2e_pty "exec login" "login:" opsroot "assword:" "$1" "ogin incorrect" $'\004'
}
for i in 1 2 3 4 5 6; do
	login_opsroot "Wrong-Pass-$i" >/dev/null 2>&1
done
login_opsroot "$E2E_PW3" >"$T_OUT" 2>&1
ok "login opsroot (direct, on a console) with its right password: Login incorrect" \
	out_has "Login incorrect"
ok "  no shell" sh -c "! grep -q 'Last login' '$T_OUT'"
ok "  the trail: direct-login-shared-admin" e2e_audit_has '"direct-login-shared-admin"' '"opsroot"'
expect_rc 0 "opsroot after 7 direct logins: naccsctl user show opsroot" e2e_ctl user show opsroot
ok "  not locked" grep -Eq '^locked: +no' "$T_OUT"
ok "  no failure counted" grep -Eq '^failures since: +0$' "$T_OUT"

# A real login(1) of abcde-001 (pam_loginuid sets the login uid), then su
# root in its shell.
expect_rc 0 "login abcde-001 on a console, then su root in its shell" \
	e2e_pty "exec login" "login:" abcde-001 "assword:" "$E2E_PW" \
	'\$ ' "su -c 'echo SU-OK-\$(id -un) LUID-\$(cat /proc/self/loginuid)' root; exit" \
	"assword:" "$E2E_PW2"
ok "  the command ran as root, login uid still abcde-001's" \
	out_has "SU-OK-root LUID-$(id -u abcde-001)"
[ "$(grep -c SU-OK-root "$T_OUT")" -ge 1 ] || show

# The forced change inside su: an individual whose password an
# administrator reset (naccsctl user passwd) is made to change it by su.
reset=$(e2e_ctl --json user passwd qwert-002 | sed -n 's/.*"one_time_password":"\([^"]*\)".*/\1/p')
ok "naccsctl user passwd qwert-002 gave a new one-time password" test -n "$reset"
expect_rc 0 "abcde-001: su qwert-002 with the reset password: the change is forced" \
	e2e_pty "$(e2e_as_cmd abcde-001) su -c 'echo SU-OK-\$(id -un)' qwert-002" \
	"assword:" "$reset" "urrent password:" "$reset" \
	"ew password:" "$E2E_PW3" "ew password:" "$E2E_PW3"
ok "  then the command ran as qwert-002" out_has "SU-OK-qwert-002"
show
expect_rc 0 "  the new password is the store's" \
	e2e_pamtester e2e-chauthtok qwert-002 "$E2E_PW3" authenticate acct_mgmt
# The caller's TZ does not move the time windows (README "Time and terminal
# windows": in a set-uid program the system's zone decides).  Windows of
# abcde-001 around the time now in the system's zone, and around the time
# now in Tokyo (9 hours on from UTC): TZ=Asia/Tokyo must not open the
# second nor close the first.
here=$(date +%H)
tokyo=$(TZ=Asia/Tokyo date +%H)
win() { printf '%02d:00-%02d:00' $(((10#$1 + 22) % 24)) $(((10#$1 + 2) % 24)); }
if [ "$here" != "$tokyo" ]; then
	e2e_conf "[access]
rule_e2e = id:abcde-001 time=$(win "$tokyo")"
	expect_rc 1 "abcde-001 outside its window (open in Tokyo): TZ=Asia/Tokyo su root refused" \
		e2e_pty "$(e2e_as_cmd abcde-001) TZ=Asia/Tokyo su -c 'echo SU-OK-\$(id -un)' root" \
		"assword:" "$E2E_PW2"
	ok "  the command did not run" sh -c "! grep -q SU-OK '$T_OUT'"
	ok "  the audit trail: su-invoker-outside-window" e2e_audit_has su-invoker-outside-window abcde-001
	show
	sed -i "s/^rule_e2e = .*/rule_e2e = id:abcde-001 time=$(win "$here")/" "$E2E_CONF"
	expect_rc 0 "abcde-001 inside its window (closed in Tokyo): TZ=Asia/Tokyo su root allowed" \
		e2e_pty "$(e2e_as_cmd abcde-001) TZ=Asia/Tokyo su -c 'echo SU-OK-\$(id -un)' root" \
		"assword:" "$E2E_PW2"
	ok "  the command ran as root" out_has "SU-OK-root"
	sed -i '/^rule_e2e = /d' "$E2E_CONF"
fi

# sudo (README "shared admin IDs"): sudo authenticates and runs account as
# the invoking person and sets PAM_USER to the target only for the session,
# so the verdict is given at session open: with the shipped profile (its
# session line in common-session-noninteractive, which /etc/pam.d/sudo
# includes, and common-session, which /etc/pam.d/sudo-i includes) and the
# default switch_services, nothing added by hand (#16 item 11).
if command -v sudo >/dev/null; then
	ok "/etc/pam.d/sudo is Debian's (no pam_naccs line of its own)" \
		sh -c "! grep -q pam_naccs /etc/pam.d/sudo /etc/pam.d/sudo-i"
	ok "the profile's session line is in common-session-noninteractive too" \
		grep -q pam_naccs.so /etc/pam.d/common-session-noninteractive
	printf '%s ALL=(ALL:ALL) ALL\n' abcde-001 qwert-002 >/etc/sudoers.d/e2e
	chmod 0440 /etc/sudoers.d/e2e
	sudo_as() {
		e2e_pty "$(e2e_as_cmd "$1") sudo -k -u root sh -c 'echo SUDO-OK-\$(id -un) RUID-\$(id -ru)'" \
			"assword" "$2"
	}
	expect_rc 0 "sudo: abcde-001 (in wheel-naccs), its own password: runs as root" \
		sudo_as abcde-001 "$E2E_PW"
	ok "  the command ran as root" out_has "SUDO-OK-root RUID-0"
	show
	# (the session's own event, "open" for root, names the person in its
	# detail: the su verdict's invoker=...)
	ok "  the audit trail: the session of root on sudo names invoker=abcde-001" \
		e2e_audit_has '"open"' '"service":"sudo"' 'invoker=abcde-001'
	# A chain that hides the person (#8): sudo to root, then su (root
	# needs no password) to the shared admin ID opsroot: the process runs
	# as root, the login was abcde-001's: refused.
	expect_rc 1 "sudo then su: abcde-001 -> root (sudo) -> opsroot (su) refused" \
		e2e_pty "$(e2e_as_cmd abcde-001) sudo -k -u root su -c 'echo SU-OK-\$(id -un)' opsroot" \
		"assword" "$E2E_PW"
	ok "  the command did not run" sh -c "! grep -q SU-OK '$T_OUT'"
	ok "  with the reason (another user than the one who logged in)" \
		out_has "another user than the one who logged in"
	show
	expect_rc 1 "sudo: qwert-002 (not in wheel-naccs): refused at session open" \
		sudo_as qwert-002 "$E2E_PW3"
	ok "  the command did not run" sh -c "! grep -q SUDO-OK '$T_OUT'"
	ok "  the audit trail: su-invoker-not-allowed for qwert-002 on sudo" \
		e2e_audit_has '"su-invoker-not-allowed"' qwert-002 '"sudo"'
	show
	# sudo -i runs as the PAM service sudo-i (/etc/pam.d/sudo-i).
	sudo_i_as() {
		e2e_pty "$(e2e_as_cmd "$1") sudo -k -i -u root sh -c 'echo SUDO-OK-\$(id -un)'" \
			"assword" "$2"
	}
	expect_rc 0 "sudo -i: abcde-001 (in wheel-naccs): runs as root" \
		sudo_i_as abcde-001 "$E2E_PW"
	ok "  the command ran as root" out_has "SUDO-OK-root"
	ok "  the audit trail: the session of root on sudo-i names invoker=abcde-001" \
		e2e_audit_has '"open"' '"service":"sudo-i"' 'invoker=abcde-001'
	expect_rc 1 "sudo -i: qwert-002 (not in wheel-naccs): refused at session open" \
		sudo_i_as qwert-002 "$E2E_PW3"
	ok "  the command did not run" sh -c "! grep -q SUDO-OK '$T_OUT'"
	ok "  the audit trail: su-invoker-not-allowed for qwert-002 on sudo-i" \
		e2e_audit_has '"su-invoker-not-allowed"' qwert-002 '"sudo-i"'
	show
	# A local account with sudo rights: the session line answers
	# PAM_IGNORE for a name that is no ID, sudo goes on.
	printf 'e2e-local ALL=(ALL:ALL) NOPASSWD: ALL\n' >>/etc/sudoers.d/e2e
	expect_rc 0 "sudo: e2e-local (a local account) to a local target (nobody): runs" \
		e2e_pty "$(e2e_as_cmd e2e-local) sudo -n -u nobody sh -c 'echo SUDO-OK-\$(id -un)'"
	ok "  the command ran as nobody" out_has "SUDO-OK-nobody"
else
	echo "# sudo is not installed: the sudo scenarios are not run"
fi

# UTS-2.2.1.1(1)(d): suspending a person ends its running su root shell
# (README "Suspension ends the running sessions"): a real su on a pty,
# left running, ended by naccsctl user suspend; the trail names the switch.
long=$T_TMP/su-long.out
E2E_PTY_TIMEOUT=120 e2e_pty \
	"$(e2e_as_cmd abcde-001) su -c 'echo SU-LONG-\$(id -un); exec sleep 3000' root" \
	"assword:" "$E2E_PW2" >"$long" 2>&1 &
pty=$!
wait_text SU-LONG-root "$long" 150
ok "abcde-001's su root shell runs (sleep 3000 as root)" grep -q SU-LONG-root "$long"
shell=$(pgrep -u 0 -x -f 'sleep 3000' | head -1)
ok "  its process found" test -n "$shell"
ok "  the session table names abcde-001 as the individual of a root session" \
	grep -q ' abcde-001$' /var/lib/naccs/sessions/root
expect_rc 0 "user suspend abcde-001 ends it" e2e_ctl user suspend abcde-001 --reason "e2e exposed"
show
ok "  the root shell is gone" gone "$shell"
# (expect would give up after 120 s: su must end well before.)
wait_gone "$pty" 75
ok "  su returned within 15 s (the pty dialogue ended)" gone "$pty"
kill "$pty" 2>/dev/null
wait "$pty" 2>/dev/null
ok "  the trail: end-sessions with the switch (switches=1)" \
	e2e_audit_has '"end-sessions"' 'abcde-001' 'switches=1'
e2e_ctl user unsuspend abcde-001 >/dev/null

# An allowed person's wrong passwords for root are their own failures
# (#16 item 9): at lockout.deny (5) their ID locks, root never; then su
# refuses them before the prompt, and root stays usable for the others.
for i in 1 2 3 4 5; do
	su_as abcde-001 root "Wrong-Pass-$i" >/dev/null 2>&1
done
expect_rc 0 "after 5 wrong su root passwords of abcde-001: naccsctl user show root" \
	e2e_ctl user show root
ok "  root is not locked" grep -Eq '^locked: +no' "$T_OUT"
ok "  no failure counted against root" grep -Eq '^failures since: +0$' "$T_OUT"
expect_rc 0 "  naccsctl user show abcde-001" e2e_ctl user show abcde-001
ok "  abcde-001 is locked (its own failures)" grep -Eq '^locked: +yes' "$T_OUT"
expect_rc 1 "abcde-001 (locked): su root refused" \
	e2e_pty "$(e2e_as_cmd abcde-001) su -c 'echo SU-OK-\$(id -un)' root"
ok "  without a password prompt" sh -c "! grep -q 'assword:' '$T_OUT'"

ok "  the trail: too-many-switch-failures for abcde-001" \
	e2e_audit_has '"too-many-switch-failures"' '"abcde-001"'
e2e_ctl user unlock zxcvb-003 >/dev/null
expect_rc 0 "zxcvb-003 (in the group) still switches to root" su_as zxcvb-003 root "$E2E_PW2"
ok "  the command ran as root" out_has "SU-OK-root"
finish
