#!/bin/bash
# naccsctl user add against the system's other accounts (review #5, item 11):
# every uid, gid and login it issues is checked against all NSS sources
# (here nss_wrapper's passwd and group files stand in for /etc/passwd and
# /etc/group), so an issued ID never collides with a local account.
# UTS-2.2.1.3(2)(g)(ア): one ID, one holder — a uid or login shared with a
# local account would make two holders of one ID.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

needs_nss_wrapper
sb_init_cheap

# The fake local accounts: uid 20000 (the default uid_min) is taken, a
# shared account "opsuser" and an individual-looking "fghij-003" exist.
NSS_PASSWD=$T_TMP/passwd
NSS_GROUP=$T_TMP/group
cat >"$NSS_PASSWD" <<EOT
root:x:0:0:root:/root:/bin/bash
localuser:x:20000:100:Local User:/home/localuser:/bin/sh
opsuser:x:20500:20500:Operations:/srv/ops:/bin/sh
fghij-003:x:21000:100:Looks like NACCS:/home/fghij-003:/bin/sh
EOT
# naccsctl names the administrator from the running user: keep it known.
if [ "$(id -u)" -ne 0 ]; then
	getent passwd "$(id -u)" >>"$NSS_PASSWD"
fi
cat >"$NSS_GROUP" <<EOT
root:x:0:
adm:x:4:
users:x:100:
opsuser:x:20500:
EOT

# naccsctl with nss_wrapper answering every passwd and group look-up (both
# files must be set, or the wrapper is silently off).
nss_ctl() {
	env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $NSS_WRAPPER_LIBS" \
		NSS_WRAPPER_PASSWD="$NSS_PASSWD" NSS_WRAPPER_GROUP="$NSS_GROUP" \
		"$SB_CTL" --conf "$SB_CONF" --owner "$(id -u)" "$@"
}
# json_of KEY: the value of a top-level key in the last output (JSON).
json_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T_OUT" "$1"
}

# ---- allocation skips uids that NSS knows ----
expect_rc 0 "user add: allocated around a local account" \
	nss_ctl --json user add --user-code ABCDE --id-number 001
ok "  uid 20001: 20000 belongs to local account localuser" test "$(json_of uid)" = 20001
expect_rc 0 "user add: the next one" nss_ctl --json user add --user-code ABCDE --id-number 002
ok "  uid 20002" test "$(json_of uid)" = 20002
sed -i 's/^localuser:.*/&\nlocal2:x:20003:100::\/home\/local2:\/bin\/sh\nlocal3:x:20004:100::\/home\/local3:\/bin\/sh/' "$NSS_PASSWD"
expect_rc 0 "user add: a run of local uids is skipped" \
	nss_ctl --json user add --user-code ABCDE --id-number 003
ok "  uid 20005: 20003 and 20004 are local" test "$(json_of uid)" = 20005

# ---- administrators issuing at the same moment ----
# Each picks its uid outside the store's transaction, so two may pick the
# same one; the store refuses the second, which then takes the next free
# uid.  Every run must succeed, with distinct uids.
for i in 1 2 3 4 5 6; do
	nss_ctl --json user add --user-code RACEA --id-number "00$i" >"$T_TMP/race$i.out" 2>&1 &
done
race_ok=true
for job in $(jobs -p); do
	wait "$job" || race_ok=false
done
ok "six concurrent user add runs all succeed" $race_ok
ok "  with six distinct uids, none of them local" python3 -c 'import json,sys
uids = [json.load(open(f))["uid"] for f in sys.argv[1:]]
sys.exit(0 if len(set(uids)) == 6 and not {20000, 20003, 20004} & set(uids) else 1)' \
	"$T_TMP"/race?.out

# ---- concurrent rebuilds (issue 16 item 19): every command that changes
# IDs or groups rebuilds the index; run at once, with explicit rebuilds
# beside them, they take turns (the lock file) and each reads one snapshot
# of the store, so the index left in place is the store's last state ----
for i in 1 2 3 4 5 6; do
	nss_ctl group add "rebuild$i" --gid "2900$i" >"$T_TMP/rb-add$i.out" 2>&1 &
	nss_ctl index rebuild >"$T_TMP/rb-idx$i.out" 2>&1 &
done
rebuild_ok=true
for job in $(jobs -p); do
	wait "$job" || rebuild_ok=false
done
$rebuild_ok || head -n 5 "$T_TMP"/rb-*.out
ok "six group add and six index rebuild runs at once all succeed" $rebuild_ok
expect_rc 0 "  the index is the store's last state" nss_ctl index check
ok "  no temporary file left" sh -c "! ls '$SB_DIR'/state/ | grep -q '\.tmp\.'"

# While another rebuild holds the lock (here this shell, with flock(1)),
# a command's rebuild waits for it instead of renaming its own file over
# the other's; once it is free the rebuild follows.
exec 9>"$SB_DIR/state/passwd.cdb.lock"
flock 9
nss_ctl --set store.timeout_ms=20000 group add heldlock --gid 29010 >"$T_TMP/held.out" 2>&1 9>&- &
held=$!
sleep 1
ok "a rebuild waits while another holds the lock" kill -0 "$held"
exec 9>&-
held_rc=0
wait "$held" || held_rc=$?
[ "$held_rc" = 0 ] || cat "$T_TMP/held.out"
ok "  and goes on once it is free" test "$held_rc" = 0
expect_rc 0 "  the index has the new group" nss_ctl index check

# ---- an explicit uid that NSS knows ----
expect_rc 1 "user add --uid of a local account is refused" \
	nss_ctl user add --user-code ABCDE --id-number 004 --uid 20000
ok "  naming the local account" out_has "localuser"
expect_rc 1 "user add --uid 0 (root's) is refused without --adopt-local" \
	nss_ctl user add --shared --approval SSO-2026-014 --login ops2 --uid 0
expect_rc 0 "user add --uid that no one has" \
	nss_ctl --json user add --user-code ABCDE --id-number 004 --uid 20100
ok "  uid 20100" test "$(json_of uid)" = 20100

# ---- a login that NSS knows ----
expect_rc 1 "user add --shared --approval SSO-2026-014 --login of a local account is refused" \
	nss_ctl user add --shared --approval SSO-2026-014 --login opsuser
ok "  saying it is a local account" out_has "local account"
ok "  and how to register it deliberately" out_has "--adopt-local"
expect_rc 1 "an individual ID whose login is a local account is refused" \
	nss_ctl user add --user-code FGHIJ --id-number 003
ok "  naming the login" out_has "fghij-003"
expect_rc 1 "a login differing only in case from a local account is refused" \
	nss_ctl user add --shared --approval SSO-2026-014 --login OpsUser

# ---- deliberately registering a local shared account ----
expect_rc 2 "--adopt-local needs --shared" \
	nss_ctl user add --user-code FGHIJ --id-number 003 --adopt-local
expect_rc 1 "--adopt-local of an account that is not local is refused" \
	nss_ctl user add --shared --approval SSO-2026-014 --login nosuchlocal --adopt-local
expect_rc 1 "--adopt-local with another uid than the local account's is refused" \
	nss_ctl user add --shared --approval SSO-2026-014 --login opsuser --adopt-local --uid 20501
ok "  naming both uids" eval 'out_has 20500 && out_has 20501'
expect_rc 0 "--adopt-local takes the local account's uid" \
	nss_ctl --json user add --shared --approval SSO-2026-014 --login opsuser --adopt-local
ok "  uid 20500" test "$(json_of uid)" = 20500
ok "  and its group, 20500" test "$(json_of gid)" = 20500
expect_rc 0 "  show: home and shell of the local account" nss_ctl --json user show opsuser
ok "  home /srv/ops" test "$(json_of home)" = /srv/ops
ok "  shell /bin/sh" test "$(json_of shell)" = /bin/sh
expect_rc 0 "--adopt-local root with --uid 0" \
	nss_ctl --json user add --shared --approval SSO-2026-014 --login root --adopt-local --uid 0 --name root
ok "  uid 0" test "$(json_of uid)" = 0
ok "  gid 0" test "$(json_of gid)" = 0

# ---- groups ----
expect_rc 1 "--gid of a group NSS does not know is refused" \
	nss_ctl user add --user-code ABCDE --id-number 005 --gid 4242
ok "  naming the gid" out_has "4242"
expect_rc 0 "--gid of a known group" \
	nss_ctl --json user add --user-code ABCDE --id-number 005 --gid 20500
ok "  gid 20500" test "$(json_of gid)" = 20500
expect_rc 0 "a configured default gid that NSS does not know: a warning only" \
	nss_ctl --set identity.gid=4243 --json user add --user-code ABCDE --id-number 006
ok "  the warning names identity.gid" eval 'out_has "warning" && out_has "identity.gid"'
ok "  the ID has gid 4243" python3 -c 'import json,sys
for line in open(sys.argv[1]):
    if line.startswith("{"):
        sys.exit(0 if json.loads(line)["gid"] == 4243 else 1)
sys.exit(1)' "$T_OUT"
expect_rc 0 "the default gid 100 (users) exists: no warning" \
	nss_ctl --json user add --user-code ABCDE --id-number 007
ok "  no warning" eval '! out_has "warning"'

# ---- system groups (issue 16 item 21): an ID in root's group (or another
# system group) gets that group's rights; refused unless the administrator
# says why, and the reason goes to the audit trail ----
expect_rc 1 "user add --gid 0 (root's group) is refused" \
	nss_ctl user add --user-code ABCDE --id-number 008 --gid 0
ok "  saying it is a system group" out_has "system group"
ok "  and how to allow it deliberately" out_has "--allow-system-gid"
expect_rc 3 "  nothing was issued" nss_ctl user show ABCDE-008
expect_rc 1 "identity.gid 4 (adm, a configured default) is refused too" \
	nss_ctl --set identity.gid=4 user add --user-code ABCDE --id-number 008
ok "  naming the group" out_has "adm"
expect_rc 2 "--allow-system-gid needs a reason" \
	nss_ctl user add --user-code ABCDE --id-number 008 --gid 0 --allow-system-gid ""
expect_rc 0 "--allow-system-gid REASON issues it" \
	nss_ctl --json user add --user-code ABCDE --id-number 008 --gid 0 \
	--allow-system-gid "CHG-2026-77 backup operator"
ok "  gid 0" python3 -c 'import json,sys
for line in open(sys.argv[1]):
    if line.startswith("{"):
        sys.exit(0 if json.loads(line)["gid"] == 0 else 1)
sys.exit(1)' "$T_OUT"
ok "  the reason is in the audit trail" \
	sh -c "cat '$SB_DIR'/audit/*.jsonl | grep '\"action\":\"user-add\"' | grep 'abcde-008' | grep -q 'CHG-2026-77 backup operator'"
expect_rc 0 "the users group (gid 100) is no system group for this rule" \
	nss_ctl --json user add --user-code ABCDE --id-number 009 --gid 100

# ---- a local account created later with an ID's uid (issue 16 item 20):
# two holders for one uid (UTS-2.2.1.3(2)(g)(ア)); the local account would
# own the ID's files and could pass for it wherever a uid is resolved ----
expect_rc 0 "store check: healthy, no uid shared" nss_ctl store check
echo "intruder:x:20001:100:Later Local:/tmp:/bin/sh" >>"$NSS_PASSWD"
expect_rc 1 "store check: a local account with an ID's uid is reported" nss_ctl store check
ok "  naming the account, the uid and the ID" \
	eval 'out_has intruder && out_has 20001 && out_has abcde-001'
expect_rc 1 "index check: reported too" nss_ctl index check
ok "  naming the account" out_has intruder
sed -i '/^intruder:/d' "$NSS_PASSWD"
expect_rc 0 "store check: healthy again once it is gone" nss_ctl store check

finish
