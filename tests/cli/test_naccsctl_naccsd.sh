#!/bin/bash
# naccsctl's changes through naccsd (issue 18, docs/NACCSD-PLAN.md step 5):
# with the service running on a private socket ($NACCSCTL_SOCKET, then
# --socket), user lock/unlock/suspend/expire/retire, user passwd (the
# reset), user staff-number and group add, del, member add and remove are
# made by the service (its log line, the
# trail line of service naccsd, actor "uid N"), with the output and exit
# codes naccsctl always had; with the service stopped (its socket gone, or
# left behind with nobody listening) naccsctl makes them
# itself (trail line of service naccsctl).  While the store's lock is held
# (as naccsctl init and upgrade hold it), the service changes nothing.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "naccsd takes ADMIN from root peers only: needs root, skipped"
	exit 77
fi
use_sandbox
sb_init_cheap

NACCSD=$NACCS_TOP_BUILDDIR/naccsd/naccsd
sock=$T_TMP/naccsd.sock
log=$T_TMP/naccsd.log
naccsd_pid=
start_naccsd() {
	"$NACCSD" --foreground --socket "$sock" --conf "$SB_CONF" --owner "$(id -u)" \
		2>>"$log" &
	naccsd_pid=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && return 0
		sleep 0.1
	done
	return 1
}
stop_naccsd() {
	[ -n "$naccsd_pid" ] || return 0
	kill "$naccsd_pid" 2>/dev/null
	wait "$naccsd_pid" 2>/dev/null
	naccsd_pid=
}
trap 'stop_naccsd; rm -rf "$T_TMP"' EXIT
last_trail() { tail -n 1 "$(ls "$SB_DIR"/audit/*.jsonl | tail -1)"; }
trail_has() { grep -qF -- "$1" "$SB_DIR"/audit/*.jsonl; }
log_has() { grep -qF -- "$1" "$log"; }

otp=$(sb_issue --user-code ABCDE --id-number 001)
ok "issued" test -n "$otp"
ok "naccsd started" start_naccsd

export NACCSCTL_SOCKET=$sock
expect_rc 0 "lock through the service" sb_ctl user lock abcde-001 --reason "through the service"
ok "  the same output" out_has "abcde-001: locked"
ok "  naccsd made it (its log)" log_has "ADMIN user.lock abcde-001 by uid $(id -u)"
ok "  the trail line names naccsd" bash -c \
	"grep -F '\"action\":\"lock\"' '$SB_DIR'/audit/*.jsonl | grep -qF '\"service\":\"naccsd\"'"
expect_rc 0 "  show: locked with the reason" sb_ctl user show abcde-001
ok "  locked: yes" grep -qE '^ *locked: +yes.*through the service' "$T_OUT"
expect_rc 0 "lock again: nothing changed" sb_ctl user lock abcde-001
ok "  already locked" out_has "already locked; nothing changed"
SUDO_USER=someone-else expect_rc 0 "unlock (NACCS form), SUDO_USER set" sb_ctl user unlock ABCDE001
ok "  unlocked" out_has "abcde-001: unlocked (failure count cleared)"
ok "  SUDO_USER recorded as a claim" bash -c \
	"grep -F '\"action\":\"unlock\"' '$SB_DIR'/audit/*.jsonl | grep -qF 'SUDO_USER claims someone-else'"
expect_rc 2 "suspend without --reason: a usage error, nothing sent" sb_ctl user suspend abcde-001
expect_rc 3 "an unknown ID" sb_ctl user lock zzzzz-999
ok "  no such ID" out_has "no such ID: zzzzz-999"
expect_rc 0 "expire (a new ID must change its one-time password already)" \
	sb_ctl user expire abcde-001
ok "  already so" out_has "already must change the password at the next login; nothing changed"
expect_rc 0 "suspend --keep-sessions" sb_ctl user suspend abcde-001 --reason leave --keep-sessions
ok "  suspended" out_has "abcde-001: suspended, effective immediately"
ok "  sessions left open" out_has "its running sessions are left open"
ok "  naccsd made it" log_has "ADMIN user.suspend abcde-001"
unset NACCSCTL_SOCKET
expect_rc 0 "unsuspend with --socket" sb_ctl --socket "$sock" user unsuspend abcde-001
ok "  lifted" out_has "abcde-001: suspension lifted"
ok "  naccsd made it" log_has "ADMIN user.unsuspend abcde-001"

# The store's lock held (naccsctl init and upgrade hold it exclusively):
# the service changes nothing, and naccsctl does not make the change itself.
if command -v flock >/dev/null; then
	flock -x "$SB_DIR/state/naccs.db.lock" -c \
		"'$SB_CTL' --conf '$SB_CONF' --owner $(id -u) --socket '$sock' user lock abcde-001" \
		>"$T_OUT" 2>&1
	ok "store lock held: exit 4" test $? -eq 4
	ok "  the service says why" out_has "naccsctl init or upgrade"
	expect_rc 0 "  not locked" sb_ctl user show abcde-001
	ok "  locked: no" grep -qE '^ *locked: +no' "$T_OUT"
	# The service's side (held shared around each request): upgrade
	# waits for it, then gives up without touching the store.
	flock -s "$SB_DIR/state/naccs.db.lock" -c \
		"'$SB_CTL' --conf '$SB_CONF' --owner $(id -u) --set store.timeout_ms=300 upgrade" \
		>"$T_OUT" 2>&1
	ok "upgrade while the service holds the lock: exit 4" test $? -eq 4
	ok "  says so" out_has "the service is using the store; nothing was changed"
	expect_rc 0 "upgrade once it is free" sb_ctl upgrade
else
	skip "store lock held" "no flock(1)"
fi

# Stopped: naccsctl makes the change itself, output unchanged.
stop_naccsd
export NACCSCTL_SOCKET=$sock
expect_rc 0 "service stopped: lock here" sb_ctl user lock abcde-001
ok "  locked" out_has "abcde-001: locked"
ok "  the trail line names naccsctl" bash -c "last_trail() { tail -n 1 \"\$(ls '$SB_DIR'/audit/*.jsonl | tail -1)\"; }; last_trail | grep -qF '\"service\":\"naccsctl\"'"
export NACCSCTL_SOCKET=$T_TMP/no-such.sock
expect_rc 0 "no socket at all: unlock here" sb_ctl user unlock abcde-001
unset NACCSCTL_SOCKET

ok "naccsd started again" start_naccsd
# user passwd (a reset): the one-time password is made by the service and
# shown here, as before.
expect_rc 0 "passwd through the service" sb_ctl --socket "$sock" user passwd abcde-001
ok "  password reset for, with its NACCS user ID" out_has "password reset for abcde-001 (ABCDE-001)"
ok "  the one-time password shown" grep -qE '^one-time password: .{16,}' "$T_OUT"
ok "  naccsd made it" log_has "ADMIN user.reset abcde-001"
expect_rc 0 "passwd --json through the service" sb_ctl --socket "$sock" --json user passwd abcde-001
ok "  one_time_password in JSON" out_has '"one_time_password":"'
ok "  user_code in JSON" out_has '"user_code":"ABCDE"'

# user staff-number: one active individual ID per person, through the
# service too.
sb_issue --user-code ABCDE --id-number 002 >/dev/null
expect_rc 0 "staff-number through the service" sb_ctl --socket "$sock" user staff-number \
	abcde-001 S-100
ok "  recorded" out_has "abcde-001: staff number S-100 recorded"
ok "  naccsd made it" log_has "ADMIN user.staff-number abcde-001"
expect_rc 1 "the same person's second ID is refused" sb_ctl --socket "$sock" user staff-number \
	abcde-002 S-100
ok "  with the way out" out_has "to record it anyway, add --allow-second-id REASON"
expect_rc 0 "  allowed with a reason" sb_ctl --socket "$sock" user staff-number abcde-002 S-100 \
	--allow-second-id "second desk"
ok "  recorded" out_has "abcde-002: staff number S-100 recorded"

# Groups through the service: the gid is checked (or picked) here against
# the system's groups (NSS), the change made by the service; the same
# output; the trail line names naccsd and the administrator as "uid N".
line_of() { grep -hF "\"action\":\"$1\"" "$SB_DIR"/audit/*.jsonl | tail -n 1; }
export -f line_of
export SB_DIR
expect_rc 0 "group add through the service" sb_ctl --socket "$sock" group add desk1 --gid 60100
ok "  the same output" out_has "group desk1 added (gid 60100)"
ok "  naccsd made it" log_has "ADMIN group.add desk1 by uid $(id -u)"
ok "  trail: service naccsd, actor uid N" bash -c "line_of group-add | grep -F '\"service\":\"naccsd\"' | grep -qF '\"actor\":\"uid $(id -u)\"'"
expect_rc 0 "group add, gid picked here" sb_ctl --socket "$sock" group add ops
ok "  with the gid picked" grep -qE '^group ops added \(gid [0-9]+\)$' "$T_OUT"
ok "  naccsd made it" log_has "ADMIN group.add ops"
expect_rc 1 "a group name issued before (any case)" sb_ctl --socket "$sock" group add DESK1
expect_rc 1 "a system group's name: refused here, nothing sent" sb_ctl --socket "$sock" \
	group add root
ok "  nothing sent" bash -c "! grep -qF 'ADMIN group.add root' '$log'"
expect_rc 0 "member add (NACCS form) through the service" sb_ctl --socket "$sock" group member \
	add desk1 ABCDE002
ok "  the same output" out_has "abcde-002 added to group desk1"
ok "  naccsd made it" log_has "ADMIN group.member-add abcde-002"
ok "  trail: naccsd" bash -c "line_of group-member-add | grep -qF '\"service\":\"naccsd\"'"
expect_rc 0 "  show lists it" sb_ctl group show desk1
ok "  member" grep -qE '^  abcde-002$' "$T_OUT"
expect_rc 3 "member add: no such ID" sb_ctl --socket "$sock" group member add desk1 zzzzz-999
ok "  said so" out_has "no such ID: zzzzz-999"
expect_rc 3 "member add: no such group" sb_ctl --socket "$sock" group member add nogroup abcde-002
ok "  said so" out_has "no such group: nogroup"
expect_rc 0 "member remove through the service" sb_ctl --socket "$sock" group member remove \
	desk1 abcde-002
ok "  the same output" out_has "abcde-002 removed from group desk1"
ok "  naccsd made it" log_has "ADMIN group.member-remove abcde-002"
expect_rc 0 "group del through the service" sb_ctl --socket "$sock" group del desk1 --reason gone
ok "  the same output" out_has "group desk1 deleted (its name and gid are never issued again)"
ok "  naccsd made it" log_has "ADMIN group.del desk1"
ok "  trail: naccsd, the reason" bash -c "line_of group-del | grep -F '\"service\":\"naccsd\"' | grep -qF 'gone'"
expect_rc 3 "group del: no such group" sb_ctl --socket "$sock" group del nogroup
ok "  said so" out_has "no such group: nogroup"
expect_rc 0 "the index follows" sb_ctl index check

# Retire through the service again.
expect_rc 0 "retire through the service" sb_ctl --socket "$sock" user retire abcde-001 --yes \
	--keep-sessions
ok "  retired, with its uid" out_has "abcde-001: retired; the ID and uid"
ok "  naccsd made it" log_has "ADMIN user.retire abcde-001"
expect_rc 1 "a retired ID cannot be locked" sb_ctl --socket "$sock" user lock abcde-001
ok "  said so" out_has "abcde-001 is retired; a retired ID cannot be changed"
expect_rc 1 "retire again" sb_ctl --socket "$sock" user retire abcde-001 --yes
ok "  already retired" out_has "abcde-001 is already retired"
stop_naccsd
# Groups with the service stopped: made here (trail line of naccsctl).
expect_rc 0 "service stopped: group add here" sb_ctl --socket "$sock" group add local1
ok "  added" out_has "group local1 added (gid"
ok "  trail: naccsctl" bash -c "line_of group-add | grep -qF '\"service\":\"naccsctl\"'"
expect_rc 0 "  member add here" sb_ctl --socket "$sock" group member add local1 abcde-002
ok "  trail: naccsctl" bash -c "line_of group-member-add | grep -qF '\"service\":\"naccsctl\"'"
expect_rc 0 "  group del here" sb_ctl --socket "$sock" group del local1
ok "  trail: naccsctl" bash -c "line_of group-del | grep -qF '\"service\":\"naccsctl\"'"
expect_rc 0 "the index follows" sb_ctl index check
finish
