#!/bin/bash
# naccsctl user suspend and retire end the ID's running sessions
# (UTS-2.2.1.1(1)(d): stop the ID's use at once), with real processes: each
# "session" is a process registered in the session table through a real PAM
# session (pamtester open_session; the test hook NACCS_TEST_SESSION_PID
# names the long-lived process as the session's, as login or sshd would
# be), with no session limit configured.  A switch to a shared admin ID by
# the suspended individual (its root shell) ends too; a process that
# ignores SIGTERM is killed after the grace period; the processes below a
# session end with it; another ID's session is left alone; --keep-sessions
# leaves them all; the trail says what was ended.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

sb_init_cheap "[su]
switch_services = naccs-su
allow_ids = ABCDE001"
otp1=$(sb_issue --user-code ABCDE --id-number 001)
sb_issue --user-code ABCDE --id-number 002 >/dev/null
sb_issue --user-code ABCDE --id-number 003 >/dev/null
sb_ctl user add --shared --admin --login opsroot --approval SSO-1 --no-create-home >/dev/null
cp "$SB_DIR/pam.d/naccs-sandbox" "$SB_DIR/pam.d/naccs-su"
uid1=$(sb_ctl --json user show abcde-001 | sed -n 's/.*"uid":\([0-9]*\).*/\1/p')
new='Kq7-vJ2p!wZ4m#Tx8$Ry'
sb_pam abcde-001 "$otp1
$otp1
$new
$new" authenticate 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' >/dev/null

pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# running PID: the process exists and is not a zombie.
running() { [ -r "/proc/$1/stat" ] && ! grep -q ') Z ' "/proc/$1/stat"; }
gone() { ! running "$1"; }

# session PID USER [SERVICE [INVOKER-UID]]: open a PAM session of USER
# whose process is PID (as login or sshd's is).
session() {
	NACCS_TEST_SESSION_PID=$1 NACCS_TEST_INVOKER_UID=${4:-} NACCS_TEST_LOGINUID=${4:-} \
		SERVICE=${3:-naccs-sandbox} bash -c '
		[ -n "$NACCS_TEST_INVOKER_UID" ] || unset NACCS_TEST_INVOKER_UID NACCS_TEST_LOGINUID
		env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $0" PAM_WRAPPER=1 \
			ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
			PAM_WRAPPER_SERVICE_DIR="$1" pamtester -v "$SERVICE" "$2" open_session \
			</dev/null' "$SB_PAM_WRAPPER" "$SB_DIR/pam.d" "$2"
}

start() { # start COMMAND...: run it in the background, its pid in $last
	"$@" &
	last=$!
	disown "$last"
	pids+=("$last")
}

start bash -c 'sleep 301 & wait'
lead1=$last
start bash -c "trap '' TERM HUP; exec sleep 302" # ignores SIGTERM (and SIGHUP)
stubborn=$last
start sleep 303
root_shell=$last
start sleep 304
other=$last
start sleep 305
retiree=$last
sleep 0.3
child1=$(pgrep -P "$lead1" sleep)
ok "the session's child runs" test -n "$child1"

expect_rc 0 "a session of abcde-001 (no limit configured)" session "$lead1" abcde-001
expect_rc 0 "a second session of abcde-001" session "$stubborn" abcde-001
expect_rc 0 "abcde-001 switches to opsroot (su)" session "$root_shell" opsroot naccs-su "$uid1"
expect_rc 0 "a session of abcde-002" session "$other" abcde-002
expect_rc 0 "a session of abcde-003" session "$retiree" abcde-003
ok "the table counts every session without a limit" \
	test "$(wc -l <"$SB_DIR/state/sessions/abcde-001")" = 2
ok "the switch names its individual" grep -q " $root_shell [0-9]* abcde-001\$" \
	"$SB_DIR/state/sessions/opsroot"

# --keep-sessions: suspended, nothing ended, and the trail says so.
expect_rc 0 "suspend --keep-sessions" sb_ctl user suspend abcde-001 --reason "case 1" \
	--keep-sessions
ok "  says they are left open" out_has "left open (--keep-sessions)"
ok "  the sessions still run" running "$lead1"
ok "  the switch still runs" running "$root_shell"
ok "  trail: end-sessions kept" grep -q '"action":"end-sessions","result":"done","reason":"kept"' \
	"$SB_DIR"/audit/*.jsonl

# Suspending again (it is suspended) ends them.
t0=$(date +%s)
expect_rc 0 "suspend again ends the sessions" sb_ctl user suspend abcde-001 --reason "case 1"
t1=$(date +%s)
ok "  the session's process ended" gone "$lead1"
ok "  the process below it ended" gone "$child1"
ok "  the one ignoring SIGTERM was killed" gone "$stubborn"
ok "  after the grace period (5 s)" test $((t1 - t0)) -ge 5
ok "  the su shell of that individual ended" gone "$root_shell"
ok "  another ID's session still runs" running "$other"
ok "  says what ended" out_has "sessions ended (its own: 2, switches to other IDs by this person: 1"
line=$(grep '"action":"end-sessions","result":"done","reason":""' "$SB_DIR"/audit/*.jsonl |
	tail -n 1)
[ -n "$line" ] || line=$(grep '"action":"end-sessions","result":"done"' "$SB_DIR"/audit/*.jsonl |
	tail -n 1)
ok "  trail: sessions=2 switches=1" grep -q "sessions=2 switches=1" <<<"$line"
ok "  trail: the killed one" grep -q "killed=1" <<<"$line"
ok "  trail: the pids" grep -q "pids=[0-9,]*$root_shell" <<<"$line"
ok "  trail: which sessions (PID@ID, the switch's under its target)" \
	grep -q "table=[^ ]*$root_shell@opsroot" <<<"$line"
ok "  trail: the session of the ID" grep -q "table=[^ ]*$lead1@abcde-001" <<<"$line"

# The first suspension (not suspended before) ends them at once.
expect_rc 0 "unsuspend" sb_ctl user unsuspend abcde-001
start sleep 306
again=$last
expect_rc 0 "a new session of abcde-001" session "$again" abcde-001
expect_rc 0 "suspend" sb_ctl user suspend abcde-001 --reason "case 2"
ok "  suspended" out_has "suspended, effective immediately"
ok "  its session ended" gone "$again"

# Nothing left: says so.
expect_rc 0 "suspend once more" sb_ctl user suspend abcde-001 --reason "case 1"
ok "  no session was running" out_has "no session was running"

# retire ends the sessions too.
expect_rc 0 "retire abcde-003" sb_ctl user retire abcde-003 --yes --reason "left"
ok "  its session ended" gone "$retiree"
ok "  another ID's session still runs" running "$other"

# Completion and usage know the option.
expect_rc 2 "--keep-sessions is not an option of lock" sb_ctl user lock abcde-002 --keep-sessions
finish
