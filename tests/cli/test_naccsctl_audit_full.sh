#!/bin/bash
# No naccsctl change the audit trail never saw (issue #16 item 12,
# UTS-2.2.1.4(1)(b)): with the trail's file system full, every naccsctl
# command that changes the store (user add, lock, unlock, suspend,
# unsuspend, passwd, staff-number, retire; group add, del, member
# add and remove) is refused with exit 4 and "nothing was changed", and
# nothing changed; the trail still verifies with its key; once there is
# room again, the same commands go through and are recorded.  The trail's
# directory is a 64 KiB tmpfs mounted in a private mount namespace (as
# tests/unit/audit/test_audit_space.c does): root only, skipped otherwise.
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: a full trail needs root (a private mount namespace and a tmpfs)"
	exit 77
fi
if [ -z "${NACCS_FULL_IN_NS:-}" ]; then
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "SKIP: no private mount namespace here (unshare -m failed)"
		exit 77
	fi
	NACCS_FULL_IN_NS=1 exec unshare -m --propagation private /bin/bash "$0" "$@"
fi
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

mkdir -p "$T_TMP/sb"
chmod 0700 "$T_TMP/sb"
mkdir -m 0700 "$T_TMP/sb/audit"
if ! mount -t tmpfs -o size=64k,mode=0700,nosuid,nodev naccs-test "$T_TMP/sb/audit"; then
	echo "SKIP: cannot mount a tmpfs"
	exit 77
fi
trap 'umount "$T_TMP/sb/audit" 2>/dev/null; rm -rf "$T_TMP"' EXIT
sb_init "$T_TMP/sb" "warn_free_space = 0
[hash]
memory_kib = 1024
time_cost = 1"
AUD=$SB_DIR/audit
KEY=$(sb_audit_key)
ok "the sandbox trail is on its own small file system" \
	eval '[ "$(stat -f -c %T "$AUD")" = tmpfs ] && [[ "$KEY" =~ ^[0-9a-f]{64}$ ]]'

sb_issue --user-code ABCDE --id-number 001 >/dev/null
sb_issue --user-code ABCDE --id-number 002 >/dev/null
sb_ctl group add ops >/dev/null
sb_ctl group add old >/dev/null
sb_ctl group member add ops abcde-002 >/dev/null
ok "setup: two IDs, two groups, one member" \
	eval 'sb_ctl group show ops | grep -q abcde-002'

# Full: a filler takes every free block.  The month file's last page may
# still take a line or two: add groups until one is refused.
dd if=/dev/zero of="$AUD/filler" bs=4k 2>/dev/null
dd if=/dev/zero of="$AUD/filler" bs=1 oflag=append conv=notrunc 2>/dev/null
n=0
while sb_ctl group add "pad$n" >"$T_OUT" 2>&1; do
	n=$((n + 1))
	[ "$n" -lt 64 ] || break
done
ok "full: group add is refused once a line no longer fits (exit 4)" \
	eval 'sb_ctl group add "pad$n" >"$T_OUT" 2>&1; [ $? -eq 4 ]'
ok "full: group add says nothing was changed" out_has "nothing was changed"
ok "full: ... and the group was not issued" eval '! sb_ctl group show "pad$n" >/dev/null 2>&1'

state() { sb_ctl --json user show "$1" 2>/dev/null; }
before1=$(state abcde-001)
before2=$(state abcde-002)
groups_before=$(sb_ctl --json group list)
lines_before=$(cat "$AUD"/*.jsonl | wc -l)

refused() { # DESCRIPTION ARGS...: exit 4, "nothing was changed"
	local desc=$1
	shift
	expect_rc 4 "full: $desc is refused (exit 4)" sb_ctl "$@"
	ok "full: $desc says nothing was changed" out_has "nothing was changed"
	ok "full: $desc prints no success" eval '! grep -Eq "^(abcde-00[12]: (locked|unlocked|suspended|suspension|password expired|retired|staff number)|group .* (added|deleted)|abcde-002 (added|removed))" "$T_OUT"'
}
refused "user lock" user lock abcde-001
refused "user suspend" user suspend abcde-001 --reason test
refused "user passwd" user passwd abcde-001
refused "user staff-number" user staff-number abcde-001 S-1
refused "user retire" user retire abcde-001 --yes --reason test
refused "user add" user add --user-code ABCDE --id-number 003
refused "group del" group del old
refused "group member add" group member add ops abcde-001
refused "group member remove" group member remove ops abcde-002
ok "full: no ID changed" eval '[ "$(state abcde-001)" = "$before1" ] && [ "$(state abcde-002)" = "$before2" ]'
ok "full: abcde-003 was not issued" eval '! sb_ctl user show abcde-003 >/dev/null 2>&1'
ok "full: no group changed" eval '[ "$(sb_ctl --json group list)" = "$groups_before" ]'
ok "full: no line was written" eval '[ "$(cat "$AUD"/*.jsonl | wc -l)" -eq "$lines_before" ]'
expect_rc 0 "full: the trail still verifies with its key" sb_ctl audit verify --key "$KEY"

# The changes that take a state away (unlock, unsuspend) need one first.
rm -f "$AUD/filler"
sb_ctl user lock abcde-002 >/dev/null
sb_ctl user suspend abcde-002 --reason test >/dev/null
dd if=/dev/zero of="$AUD/filler" bs=4k 2>/dev/null
dd if=/dev/zero of="$AUD/filler" bs=1 oflag=append conv=notrunc 2>/dev/null
while sb_ctl group add "pad$n" >/dev/null 2>&1; do
	n=$((n + 1))
	[ "$n" -lt 128 ] || break
done
before2=$(state abcde-002)
refused "user unlock" user unlock abcde-002
refused "user unsuspend" user unsuspend abcde-002
ok "full: abcde-002 is still locked and suspended" eval '[ "$(state abcde-002)" = "$before2" ]'

# On on_audit_failure = allow, the change goes through with a warning.
expect_rc 0 "full, allow: the change goes through" \
	sb_ctl --set audit.on_audit_failure=allow user unlock abcde-002
ok "full, allow: with a warning" out_has "could not be recorded"

# Room again: the same changes go through and each is a line.
rm -f "$AUD/filler"
lines_before=$(cat "$AUD"/*.jsonl | wc -l)
expect_rc 0 "room: user lock" sb_ctl user lock abcde-001
ok "room: locked" eval 'sb_ctl user show abcde-001 | grep -Eq "locked: +yes"'
expect_rc 0 "room: group del" sb_ctl group del old
expect_rc 0 "room: group member add" sb_ctl group member add ops abcde-001
new_lines() { cat "$AUD"/*.jsonl | tail -n +$((lines_before + 1)); }
for a in lock group-del group-member-add; do
	ok "room: one $a line, done" \
		eval '[ "$(new_lines | grep -c "\"action\":\"$a\",\"result\":\"done\"")" -eq 1 ]'
done
expect_rc 0 "room: the trail verifies with its key" sb_ctl audit verify --key "$KEY"

finish
