#!/bin/bash
# naccsctl's messages (issue #11, administrator experience):
#  - without the rights to the store it says so plainly, naming the
#    permission that is missing and "run naccsctl as root" (exit 4, the
#    store cannot be used), never SQLite's "unable to open database file";
#  - each failure is one clear sentence: no subject repeated in front of a
#    message that names it, no "(... (...))" tangles, no SQLite text, no
#    "error: error:" (the survey of the commands that can fail).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

CTL=$NACCS_TOP_BUILDDIR/naccsctl/naccsctl
ALL=$T_TMP/all.out # every output of this test, for the checks at the end
: >"$ALL"

# expect_msg CODE MESSAGE DESCRIPTION COMMAND...: exit CODE and the output is
# exactly the one line "naccsctl: MESSAGE".
expect_msg() {
	local code=$1 msg=$2 desc=$3
	shift 3
	expect_rc "$code" "$desc" "$@"
	cat "$T_OUT" >>"$ALL"
	ok "  one sentence: $msg" grep -qxF "naccsctl: $msg" "$T_OUT"
	ok "  and nothing else" test "$(wc -l <"$T_OUT")" -eq 1
}

# ---- the rights to the store ----

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# Another uid runs copies of naccsctl and the sandbox script, in a build
# directory of their own it can reach: the real build may lie where it
# cannot (a clone in root's home, mode 0700).
OTHER_BUILD=$NACCS_TOP_BUILDDIR
OTHER_SANDBOX=$NACCS_TOP_SRCDIR/scripts/sandbox.sh
if [ "$(id -u)" -eq 0 ]; then
	OTHER_BUILD=$T_TMP/build
	OTHER_SANDBOX=$OTHER_BUILD/sandbox.sh
	chmod 0711 "$T_TMP"
	mkdir -p -m 0755 "$OTHER_BUILD" "$OTHER_BUILD/naccsctl"
	install -m 0755 "$CTL" "$OTHER_BUILD/naccsctl/naccsctl"
	install -m 0644 "$NACCS_TOP_SRCDIR/scripts/sandbox.sh" "$OTHER_SANDBOX"
fi
OTHER_CTL=$OTHER_BUILD/naccsctl/naccsctl
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	skip "naccsctl as another uid" "needs root and setpriv"
else
	# The sandbox of root, reachable by uid 65534 up to the store, which
	# is root's, mode 0600 (UTS-2.2.1.1(1)(b)(ア)).
	chmod 0755 "$T_TMP"
	sb_init "$T_TMP/sb"
	chmod 0755 "$SB_DIR" "$SB_DIR/etc"
	chmod 0644 "$SB_CONF"
	store=$SB_DIR/state/naccs.db
	nb() { nobody "$OTHER_CTL" --conf "$SB_CONF" "$@"; }
	expect_msg 4 "cannot open the store $store: permission denied (no read permission on the file; run naccsctl as root)" \
		"as uid 65534: user list says which permission is missing" nb user list
	expect_msg 4 "cannot change the store $store: permission denied (no read permission on the file; run naccsctl as root)" \
		"as uid 65534: a change says so too" nb user lock abcde-001
	expect_msg 4 "cannot open the store $store: permission denied (no read permission on the file; run naccsctl as root)" \
		"as uid 65534: store check" nb store check
	expect_msg 4 "cannot change the store $store: permission denied (no read permission on the file; run naccsctl as root)" \
		"as uid 65534: init (nothing tried, no second message)" nb init
	expect_msg 4 "cannot change the store $store: permission denied (no read permission on the file; run naccsctl as root)" \
		"as uid 65534: upgrade" nb upgrade
	chmod 0700 "$SB_DIR/state"
	expect_msg 4 "cannot open the store $store: permission denied (no search permission on the directory $SB_DIR/state; run naccsctl as root)" \
		"as uid 65534: a directory on the way" nb index check
	chmod 0755 "$SB_DIR/state"
	chmod 0600 "$SB_CONF"
	expect_msg 1 "$SB_CONF: cannot open: Permission denied (run naccsctl as root)" \
		"as uid 65534: a configuration only root reads" nb user list
fi

# A store file without write permission, for its owner (uid 65534 when the
# test runs as root: root is never refused a write): which permission.
owner_run() {
	if [ "$(id -u)" -eq 0 ]; then nobody "$@"; else "$@"; fi
}
ouid=$(id -u)
[ "$ouid" -eq 0 ] && ouid=65534
ro=$T_TMP/ro
mkdir -m 0755 "$ro"
[ "$(id -u)" -eq 0 ] && chown 65534:65534 "$ro"
owner_run env SB_BUILD="$OTHER_BUILD" bash -c '. "$1"; sb_init "$2"' _ \
	"$OTHER_SANDBOX" "$ro/sb"
rctl() { owner_run "$OTHER_CTL" --conf "$ro/sb/etc/naccs.conf" --owner "$ouid" "$@"; }
expect_rc 0 "the owner's sandbox: an ID issued" rctl user add --user-code abcde --id-number 001
chmod 0400 "$ro/sb/state/naccs.db"
expect_msg 4 "cannot change the store $ro/sb/state/naccs.db: permission denied (no write permission on the file; run naccsctl as root)" \
	"a store file without write permission: which one is missing" rctl user lock abcde-001
expect_rc 0 "  reading it still works" rctl user show abcde-001

# ---- one clear sentence each (the survey) ----

sb_init "$T_TMP/msg"
g=naccsmsg$$
expect_rc 0 "an individual ID" sb_ctl user add --user-code abcde --id-number 001
uid1=$(sb_ctl --json user show abcde-001 | sed -n 's/.*"uid":\([0-9]*\).*/\1/p')
expect_msg 1 "login 'abcde-001' was already issued; an ID is never issued twice" \
	"user add: the same ID again" sb_ctl user add --user-code ABCDE --id-number 001
expect_msg 1 "uid $uid1 was already issued to login 'abcde-001'; an ID is never issued twice" \
	"user add: a uid already issued" sb_ctl user add --user-code abcde --id-number 002 --uid "$uid1"
expect_rc 0 "an ID to retire" sb_ctl user add --user-code abcde --id-number 003
expect_rc 0 "  retired" sb_ctl user retire abcde-003 --yes
expect_msg 1 "login 'abcde-003' was already issued (now retired); an ID is never issued twice" \
	"user add: a retired ID again" sb_ctl user add --user-code abcde --id-number 003
expect_rc 0 "a shared ID" sb_ctl user add --shared --login shmsg --approval REF-1
expect_msg 1 "login 'shmsg' was already issued; an ID is never issued twice" \
	"user add: the same shared login again" sb_ctl user add --shared --login shmsg --approval REF-2
expect_msg 1 "'shmsg' is a shared ID: a staff number names the one person of an individual ID" \
	"user staff-number on a shared ID" sb_ctl user staff-number shmsg 42

expect_rc 0 "a group" sb_ctl group add "$g"
expect_msg 1 "group '$g' already exists; a group name or gid is never issued twice" \
	"group add: the same group again" sb_ctl group add "$g"
expect_rc 0 "a member" sb_ctl group member add "$g" abcde-001
expect_msg 1 "'abcde-001' is already a member of group '$g'" \
	"group member add twice" sb_ctl group member add "$g" abcde-001
expect_msg 1 "'shmsg' is not a member of group '$g'" \
	"group member remove of a non-member" sb_ctl group member remove "$g" shmsg
expect_rc 0 "the group deleted" sb_ctl group del "$g"
expect_msg 1 "group '$g' is already deleted" "group del twice" sb_ctl group del "$g"
expect_msg 1 "group '$g' was deleted; a deleted group has no members" \
	"group member add to a deleted group" sb_ctl group member add "$g" abcde-001
expect_msg 1 "group '$g' was issued before (now deleted); a group name or gid is never issued twice" \
	"group add: a deleted group's name" sb_ctl group add "$g"

# Bad arguments: the option, the key and why, once.
expect_rc 2 "--set with an unknown key" sb_ctl --set store.nosuch=1 user list
cat "$T_OUT" >>"$ALL"
ok "  one error naming it" grep -qxF "naccsctl: --set 'store.nosuch=1': no such configuration key (see naccs.conf(5))" "$T_OUT"
ok "  not also a warning" sh -c "! grep -q 'warning' '$T_OUT'"
expect_rc 2 "--set with a bad value" sb_ctl --set identity.uid_min=abc user list
cat "$T_OUT" >>"$ALL"
ok "  the key, the value and what is expected, once" \
	grep -qxF "naccsctl: --set: identity.uid_min = 'abc' is not valid; expected a whole number from 1000 to 4294967294" "$T_OUT"
expect_rc 2 "--store relative" sb_ctl --store rel.db user list
cat "$T_OUT" >>"$ALL"
ok "  says what is expected" grep -qF "naccsctl: --store: store.path = 'rel.db' is not valid; expected an absolute path" "$T_OUT"

# An unknown ID, for every subcommand that names one: exit 3, one line.
for sub in "passwd" "show" "lock" "unlock" "failures" "unsuspend" "expire" \
	"suspend --reason x" "retire --yes" "staff-number 7"; do
	read -r -a words <<<"$sub"
	expect_msg 3 "no such ID: nosuch" "user ${words[0]} of an unknown ID" \
		sb_ctl user "${words[0]}" nosuch "${words[@]:1}"
done
expect_rc 0 "a group for the member commands" sb_ctl group add "${g}b"
expect_msg 3 "no such ID: nosuch" "group member add of an unknown ID" \
	sb_ctl group member add "${g}b" nosuch
expect_msg 3 "no such group: nogroup$$" "group member add to an unknown group" \
	sb_ctl group member add "nogroup$$" abcde-001

# Nothing of what this test saw tangles or leaks SQLite's words.
ok "no 'error: error:'" sh -c "! grep -qi 'error: error' '$ALL'"
ok "no SQLite text" sh -c "! grep -Eqi 'constraint failed|unable to open database|sqlite' '$ALL'"
ok "no subject in front of its own message" sh -c "! grep -Eq \"^naccsctl: ([^ :]+): .*'\\1'\" '$ALL'"
finish
