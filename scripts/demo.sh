#!/bin/bash
# Install what is missing, build, and show the main job in a sandbox: a
# temporary config and store, PAM through pam_wrapper and a real PAM client
# (pamtester). Nothing outside the temporary directory changes.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# make check runs the demo on the build it just made.
# The demo needs the build, the PAM and NSS wrappers and pamtester, not the
# test tools: its own build without the test suite, in _build-demo/.
if [ -z "${NACCS_DEMO_NO_BUILD:-}" ]; then
	bash scripts/deps.sh --demo || exit 1
	BUILD_DIR=_build-demo CONFIGURE_FLAGS=--disable-tests bash scripts/build.sh ||
		{ echo "build failed"; exit 1; }
fi
SB_BUILD=${NACCS_TOP_BUILDDIR:-$top/_build-demo}
. "$top/scripts/sandbox.sh"
demo_dir=$(mktemp -d "${TMPDIR:-/tmp}/naccs-demo.XXXXXX")
naccsd_pid=
trap '[ -z "$naccsd_pid" ] || kill "$naccsd_pid" 2>/dev/null; rm -rf "$demo_dir"' EXIT
failures=0

# Bold step titles on a terminal only: no escape codes in a file, a pipe or
# with TERM=dumb (tests/project/test_demo.sh).
if [ -t 1 ] && [ -n "${TERM:-}" ] && [ "${TERM:-}" != dumb ]; then
	step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	step() { printf '\n== %s\n' "$*"; }
fi
show() { # show COMMAND...: print the command, run it, print its output
	local shown
	shown=$(printf ' %q' "$@")
	shown=${shown/#' demo_nss'/}
	printf '$%s\n' "${shown/#' sb_ctl'/ naccsctl}"
	"$@" 2>&1 | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}
expect() { # expect ok|fail COMMAND...: narrate whether it went as expected
	local want=$1 rc
	shift
	show "$@"
	rc=$?
	if { [ "$want" = ok ] && [ $rc -eq 0 ]; } || { [ "$want" = fail ] && [ $rc -ne 0 ]; }; then
		echo "    -> as expected (exit $rc)"
	else
		echo "    -> UNEXPECTED (exit $rc)"
		failures=$((failures + 1))
	fi
}
login() { # login USER PASSWORD OPS...: pamtester, password typed on stdin
	# (several lines: one answer per prompt)
	printf '$ echo ******** | pamtester naccs-sandbox %s\n' "$1 ${*:3}"
	local user=$1 pw=$2
	shift 2
	sb_pam "$user" "$pw" "$@" | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}
expect_login() {
	local want=$1 rc
	shift
	login "$@"
	rc=$?
	if { [ "$want" = ok ] && [ $rc -eq 0 ]; } || { [ "$want" = fail ] && [ $rc -ne 0 ]; }; then
		echo "    -> as expected"
	else
		echo "    -> UNEXPECTED (exit $rc)"
		failures=$((failures + 1))
	fi
}

step "1. naccsctl init: the audit trail (0700) and a private store (0600, SQLite WAL) in $demo_dir"
# Lock after 3 wrong passwords within 15 minutes, for 10 minutes; the
# pre-login banner from the sandbox (installed as /etc/naccs/banner); no
# minimum password age, so the demo can show the history rule at once.
sb_init "$demo_dir" "[lockout]
deny = 3
fail_interval = 900
unlock_time = 600
[notice]
banner_file = $demo_dir/etc/banner
[password]
min_age_days = 0"
show ls -l "$demo_dir/state"
show cat "$SB_CONF"

step "2. Issue an individual ID for user code ABCDE, identifying number 001"
printf '$ naccsctl user add --user-code ABCDE --id-number 001 --name "Yamada Taro"\n'
otp=$(sb_issue --user-code ABCDE --id-number 001 --name "Yamada Taro" --issued-to "Yamada Taro")
echo "    login abcde-001, one-time password (shown once): $otp"

step "3. Log in with the one-time password: authenticated, then a change is forced"
expect_login ok abcde-001 "$otp" authenticate
expect_login fail abcde-001 "$otp" authenticate acct_mgmt

step "3a. The forced change, as login(1) does it: a weak password is refused with its reason"
echo "    (answers: the one-time password, then as the current password, then the new one twice)"
expect_login fail abcde-001 "$otp
$otp
yamada2024
yamada2024
abcdefgh
abcdefgh
Password1
Password1" authenticate 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)'

step "3b. A strong password is accepted; the account phase lets the user in"
new_pw='Kq7-vJ2p!wZ4m'
expect_login ok abcde-001 "$otp
$otp
$new_pw
$new_pw" authenticate 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' acct_mgmt
expect_login fail abcde-001 "$otp" authenticate
expect_login ok abcde-001 "$new_pw" authenticate acct_mgmt

step "3c. Going back to an earlier password is refused (history, UTS-2.2.1.1(1)(g)(オ))"
if [ "$(id -u)" -eq 0 ]; then
	echo "    (run as root, passwd asks no current password: root changes another"
	echo "    user's password; the rules still apply)"
	answers="$otp
$otp"
else
	answers="$new_pw
$otp
$otp"
fi
expect_login fail abcde-001 "$answers" chauthtok
expect ok sb_ctl user show abcde-001
otp=$new_pw # the password in force from here on

step "4. The NACCS forms ABCDE001 and ABCDE-001 reach the same account"
expect_login ok ABCDE001 "$otp" authenticate
expect_login ok ABCDE-001 "$otp" authenticate

step "5. One name, one ID: a shared ID whose login reads like a NACCS user ID"
printf '$ naccsctl user add --shared --approval SSO-2026-014 --login opsadmin --name "Operations"\n'
otp_ops=$(sb_issue --shared --approval SSO-2026-014 --login opsadmin --name "Operations" --issued-to "Operations desk")
echo "    one-time password (shown once): $otp_ops"
expect_login ok opsadmin "$otp_ops" authenticate
echo "    'opsadmin' also reads as NACCS user ID OPSAD-MIN: issuing that is refused,"
echo "    so typing 'opsadmin' can never mean someone else"
expect fail sb_ctl user add --user-code OPSAD --id-number MIN --name "Someone Else"

step "6. A wrong password is refused and recorded; an unknown ID takes the same work"
expect_login fail abcde-001 "wrong-password" authenticate
expect_login fail abcde-001 "another-guess" authenticate
echo "    an ID the store never issued is \"not mine\" (User not known): recorded too,"
echo "    and a full stack goes on to pam_unix, which refuses it as well"
expect_login fail ZZZZZ999 "whatever" authenticate
expect ok sb_ctl user show abcde-001

step "7. An administrator locks the ID: even the right password is refused,"
echo "    with the answer of a wrong one (a guess on a locked ID tells nothing);"
echo "    both attempts are counted"
expect ok sb_ctl user lock abcde-001 --reason "too many failures"
expect_login fail abcde-001 "$otp" authenticate
expect_login fail abcde-001 "a-guess" authenticate

step "8. Unlock: the ID works again"
expect ok sb_ctl user unlock abcde-001
expect_login ok abcde-001 "$otp" authenticate

step "9. Suspend at once after a reported leak (UTS-2.2.1.1(1)(d)), then list"
expect ok sb_ctl user suspend abcde-001 --reason "password seen on a sticky note"
expect_login fail abcde-001 "$otp" authenticate
expect ok sb_ctl user list

step "10. The pre-login banner (UTS-2.2.1.1(1)(g)(エ)), shown before the first prompt"
install -m 0644 "$top/etc/banner" "$demo_dir/etc/banner"
printf '$ naccsctl user add --user-code ABCDE --id-number 002 --name "Suzuki Hanako"\n'
otp2=$(sb_issue --user-code ABCDE --id-number 002 --name "Suzuki Hanako" --issued-to "Suzuki Hanako")
echo "    login abcde-002, one-time password (shown once): $otp2"
echo "    First login with a session: the banner, and no last-login notice yet"
expect_login ok abcde-002 "$otp2" authenticate open_session
rm -f "$demo_dir/etc/banner"
echo "    (banner file removed for the rest of the demo, to keep it short: a"
echo "    missing banner file is no error)"

step "11. Lockout: 3 wrong passwords within 15 minutes lock the ID (UTS-2.2.1.1(1)(g)(ウ))"
expect_login fail abcde-002 "guess-1" authenticate
expect_login fail abcde-002 "guess-2" authenticate
expect_login fail abcde-002 "guess-3" authenticate
echo "    Locked in the transaction of the third failure, for 10 minutes:"
expect ok sb_ctl user list --locked
echo "    While locked, even the right password gets the wrong password's answer:"
expect_login fail abcde-002 "$otp2" authenticate
echo "    The failed attempts (time, service, tty, source):"
expect ok sb_ctl user failures abcde-002

step "12. An administrator unlocks it (the registry records who)"
expect ok sb_ctl user unlock abcde-002
expect ok sb_ctl user list --locked

step "13. The next login tells the last login and the failed attempts since (UTS-2.2.1.1(1)(g)(イ), (ウ))"
expect_login ok abcde-002 "$otp2" authenticate open_session

step "14. su to a shared administrator ID (UTS-2.2.1.1(1)(g)(カ)): only from an allowed person"
# The sandbox cannot run as other users: a test build's hook stands in for
# the invoking process's real uid and audit login uid (an installed module
# reads getuid() and /proc/self/loginuid; it has no such hook).
printf '[su]\nallow_groups = wheel-naccs\n' >>"$SB_CONF"
cp "$SB_DIR/pam.d/naccs-sandbox" "$SB_DIR/pam.d/su"
uid_of() { sb_ctl --json user show "$1" | sed -n 's/.*"uid":\([0-9]*\).*/\1/p'; }
su_check() { # su_check ok|fail INVOKER TARGET: the account phase of su, as su(1) runs it
	local want=$1 inv
	inv=$(uid_of "$2")
	printf '$ (as %s, uid %s) su %s   [account phase]\n' "$2" "$inv" "$3"
	if env NACCS_TEST_INVOKER_UID="$inv" NACCS_TEST_LOGINUID="$inv" \
		LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $SB_PAM_WRAPPER" PAM_WRAPPER=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		PAM_WRAPPER_SERVICE_DIR="$SB_DIR/pam.d" \
		pamtester -v su "$3" acct_mgmt </dev/null 2>&1 | sed 's/^/    /'; then
		rc=0
	else
		rc=1
	fi
	if { [ "$want" = ok ] && [ $rc -eq 0 ]; } || { [ "$want" = fail ] && [ $rc -ne 0 ]; }; then
		echo "    -> as expected"
	else
		echo "    -> UNEXPECTED"
		failures=$((failures + 1))
	fi
}
echo "    A shared admin ID (the demo cannot register the machine's root), a"
echo "    shared ID that is not admin, and the group whose members may switch:"
printf '$ naccsctl user add --shared --approval SSO-2026-014 --admin --login opsroot --issued-to "operations team"\n'
sb_issue --shared --approval SSO-2026-014 --admin --login opsroot --issued-to "operations team" >/dev/null
echo "    The administrator sets opsroot's first password (as root: passwd opsroot):"
expect_login ok opsroot "Vr5#pLx-9qTe
Vr5#pLx-9qTe" chauthtok
expect ok sb_ctl user add --shared --approval SSO-2026-014 --login opsshared --issued-to "operations team"
expect ok sb_ctl group add wheel-naccs
expect ok sb_ctl group member add wheel-naccs abcde-001
expect ok sb_ctl user unsuspend abcde-001
echo "    abcde-001 (a member, in good standing) may switch:"
su_check ok abcde-001 opsroot
echo "    abcde-002 gets a password of its own (as root: passwd abcde-002; an ID still on"
echo "    its one-time password may not switch at all):"
expect_login ok abcde-002 "Mw8!tRq-2zLp
Mw8!tRq-2zLp" chauthtok
echo "    abcde-002 (another individual, not a member) may not:"
su_check fail abcde-002 opsroot
echo "    Nor can abcde-002 lock opsroot for everybody by guessing: su refuses it"
echo "    before any password prompt, and nothing is counted against opsroot"
echo "    (an allowed person's wrong guesses count against that person's own ID):"
inv=$(uid_of abcde-002)
printf '$ (as abcde-002, uid %s) su opsroot, 6 times with a wrong password   [auth phase]\n' "$inv"
for i in 1 2 3 4 5 6; do
	out=$(echo "Wrong-guess-$i" | env NACCS_TEST_INVOKER_UID="$inv" NACCS_TEST_LOGINUID="$inv" \
		LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $SB_PAM_WRAPPER" PAM_WRAPPER=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		PAM_WRAPPER_SERVICE_DIR="$SB_DIR/pam.d" pamtester -v su opsroot authenticate 2>&1)
done
printf '%s\n' "$out" | sed 's/^/    /'
printf '$ naccsctl user show opsroot | grep -E "^(locked|failures since)"\n'
state=$(sb_ctl user show opsroot | grep -E '^(locked|failures since)')
printf '%s\n' "$state" | sed 's/^/    /'
if ! printf '%s\n' "$out" | grep -q 'Password:' &&
	printf '%s\n' "$state" | grep -Eq '^locked: +no' &&
	printf '%s\n' "$state" | grep -Eq '^failures since: +0$'; then
	echo "    -> as expected (no prompt, opsroot neither locked nor charged)"
else
	echo "    -> UNEXPECTED"
	failures=$((failures + 1))
fi
echo "    opsshared (a shared ID: no chains that hide the person) may not, even as a member:"
expect ok sb_ctl group member add wheel-naccs opsshared
su_check fail opsshared opsroot
echo "    Nobody logs in to opsroot directly (here the sandbox's login service):"
expect_login fail opsroot "any-password" acct_mgmt

step "15. Registry rules (UTS-2.2.1.3(2)(g)(ア), (2)(b)): one active individual ID per person, approvals, homes, digit-first codes"
echo "    One ID per person (UTS-2.2.1.3(2)(g)(ア)): the staff number is recorded ..."
expect ok sb_ctl user staff-number abcde-001 E-1001
echo "    ... so a second active ID for the same person is refused:"
expect fail sb_ctl user add --user-code KLMNO --id-number 001 --staff-number E-1001
echo "    unless the reason is recorded (shown by user show, kept in the registry):"
expect ok sb_ctl user add --user-code KLMNO --id-number 001 --staff-number E-1001 \
	--allow-second-id "acting head of the Narita office until March"
echo "    A shared ID without the approval reference of whoever authorised it is refused:"
expect fail sb_ctl user add --shared --login kiosk
echo "    A user code that starts with a digit: login n1bcde-001 (identity.login_prefix);"
echo "    its NACCS form 1BCDE001 still names it:"
show sb_ctl user add --user-code 1BCDE --id-number 001
expect ok sb_ctl user show 1BCDE001
if [ "$(id -u)" -eq 0 ]; then
	echo "    Its home, made like useradd -m inside the sandbox (owner, mode 0700):"
	show ls -ld "$demo_dir/home/n1bcde-001"
fi

step "16. Time windows (UTS-2.2.1.2(1)(b)(ア)): the group ops may log in on weekdays 08:00-18:00"
# The sandbox's clock and zone: a test build's NACCS_TEST_NOW (an installed
# module has no such hook) and TZ=Asia/Tokyo, so the output is the same on
# every machine.  2026-12-02 is a Wednesday.
printf '[access]\nrule_ops = group:ops days=Mon-Fri time=08:00-18:00\n' >>"$SB_CONF"
expect ok sb_ctl group add ops
expect ok sb_ctl group member add ops abcde-002
printf '$ naccsctl config show --effective | grep rule_\n'
sb_ctl config show --effective | grep rule_ | sed 's/^/    /'
echo "    Wednesday 10:00 in Tokyo: inside the window"
NACCS_TEST_NOW=1796173200 TZ=Asia/Tokyo expect_login ok abcde-002 "Mw8!tRq-2zLp" authenticate acct_mgmt
echo "    Wednesday 20:00: refused, and told when login is allowed again"
NACCS_TEST_NOW=1796209200 TZ=Asia/Tokyo expect_login fail abcde-002 "Mw8!tRq-2zLp" authenticate acct_mgmt

step "17. naccsd, the one place that decides (issue 18): the same login asked of the service"
# The service runs in the sandbox as this user (--owner: a client of this
# uid may ask what root's may); the sandbox's PAM service asks it
# (naccsd_socket=) for auth and account, and naccsctl sends its changes to it.
naccsd_sock=$demo_dir/naccsd.sock
printf '$ naccsd --foreground --socket %s --conf naccs.conf &\n' "$naccsd_sock"
"$SB_BUILD/naccsd/naccsd" --foreground --socket "$naccsd_sock" --conf "$SB_CONF" \
	--owner "$(id -u)" 2>"$demo_dir/naccsd.log" &
naccsd_pid=$!
for _ in $(seq 1 100); do
	[ -S "$naccsd_sock" ] && break
	sleep 0.1
done
sed 's/^/    /' "$demo_dir/naccsd.log"
cp "$SB_DIR/pam.d/naccs-sandbox" "$demo_dir/naccs-sandbox.in-process"
sed -i -E "s#^(auth|account)( .*)\$#\1\2 naccsd_socket=$naccsd_sock#" "$SB_DIR/pam.d/naccs-sandbox"
echo "    The PAM service now reads:"
sed 's/^/      /' "$SB_DIR/pam.d/naccs-sandbox"
expect_login ok abcde-001 "$new_pw" authenticate acct_mgmt
expect_login fail abcde-001 "Wrong-Pass-1" authenticate
echo "    An administrator's change goes to the service too (one writer):"
expect ok sb_ctl --socket "$naccsd_sock" user lock abcde-001 --reason "asked of naccsd"
expect_login fail abcde-001 "$new_pw" authenticate
expect ok sb_ctl --socket "$naccsd_sock" user unlock abcde-001
echo "    With the service stopped, a naccs ID fails closed (local accounts go on to pam_unix):"
kill -TERM "$naccsd_pid"
wait "$naccsd_pid" 2>/dev/null
expect_login fail abcde-001 "$new_pw" authenticate
cp "$demo_dir/naccs-sandbox.in-process" "$SB_DIR/pam.d/naccs-sandbox"

step "18. NSS: getent passwd ABCDE001 returns the canonical entry (libnss_naccs.so.2)"
# nss_wrapper stands in for /etc/nsswitch.conf ("passwd: files naccs"): its
# files hold only root; the module reads the sandbox's public index, which
# naccsctl rebuilt after each change above (a test build reads the index
# named by NACCS_TEST_NSS_INDEX; an installed module has it compiled in).
demo_nss() {
	env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $(pkg-config --libs nss_wrapper)" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		NSS_WRAPPER_PASSWD="$demo_dir/nss-passwd" NSS_WRAPPER_GROUP="$demo_dir/nss-group" \
		NSS_WRAPPER_MODULE_SO_PATH="$SB_BUILD/nss_naccs/.libs/libnss_naccs.so.2" \
		NSS_WRAPPER_MODULE_FN_PREFIX=naccs NACCS_TEST_NSS_INDEX="$SB_DIR/state/passwd.cdb" "$@"
}
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$demo_dir/nss-passwd"
printf 'root:x:0:\nusers:x:100:\n' >"$demo_dir/nss-group"
expect ok sb_ctl index check
expect ok demo_nss getent passwd ABCDE001
expect ok demo_nss getent passwd abcde-002
expect ok demo_nss getent group wheel-naccs
expect ok demo_nss id abcde-001
echo "    A retired ID disappears from the index (its uid is never given again):"
expect ok sb_ctl user retire abcde-002 --reason "left the company" --yes
expect fail demo_nss getent passwd ABCDE002

step "19. The audit trail (UTS-2.2.1.4): every step above is one chained, MACed line"
echo "    init printed the verification key once; the administrator keeps it offline"
echo "    (here: $demo_dir/verification.key)."
sb_audit_key >"$demo_dir/verification.key"
show ls -l "$SB_DIR/audit"
audit_file=$(ls "$SB_DIR/audit"/*.jsonl | tail -1)
echo "    The lockout of step 11, as the trail has it:"
grep '"type":"auth","action":"lock"' "$audit_file" | head -1 | sed 's/^/    /'
as_expected() { # WANT RC
	if { [ "$1" = ok ] && [ "$2" -eq 0 ]; } || { [ "$1" = fail ] && [ "$2" -ne 0 ]; }; then
		echo "    -> as expected (exit $2)"
	else
		echo "    -> UNEXPECTED (exit $2)"
		failures=$((failures + 1))
	fi
}
today=$(date -u +%Y-%m-%d)
printf '$ naccsctl audit export --since %s --until %s | head -4\n' "$today" "$today"
sb_ctl audit export --since "$today" --until "$today" | head -4 | sed 's/^/    /'
as_expected ok "${PIPESTATUS[0]}"
printf '$ naccsctl audit report --since 2026-01-01 --until 2099-12-31 --user ABCDE002 | sed "/^Timeline/,\$d"\n'
sb_ctl audit report --since 2026-01-01 --until 2099-12-31 --user ABCDE002 | sed '/^Timeline/,$d' |
	sed 's/^/    /'
as_expected ok "${PIPESTATUS[0]}"
audit_verify() { # [naccsctl options]: verify with the kept key, on stdin
	sb_ctl "$@" audit verify --key - <"$demo_dir/verification.key" 2>&1 | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}
printf '$ naccsctl audit verify --key - <verification.key\n'
audit_verify
as_expected ok $?
echo "    Someone edits one line of a copy (a refusal becomes an \"allow\"): verify names it."
cp -a "$SB_DIR/audit" "$SB_DIR/audit-tampered"
line=$(grep -n '"result":"deny"' "$audit_file" | head -1 | cut -d: -f1)
sed -i "${line}s/\"result\":\"deny\"/\"result\":\"allow\"/" \
	"$SB_DIR/audit-tampered/$(basename "$audit_file")"
printf '$ naccsctl --set audit.dir=%s audit verify --key - <verification.key\n' \
	"$SB_DIR/audit-tampered"
audit_verify --set "audit.dir=$SB_DIR/audit-tampered"
as_expected fail $?


echo
if [ "$failures" -eq 0 ]; then
	echo "demo: every step went as expected"
else
	echo "demo: $failures step(s) did not go as expected"
	exit 1
fi
