#!/bin/bash
# naccsctl group (#8): groups of the store, never issued twice
# (UTS-2.2.1.3(2)(g)(ウ)): add (gid allocated like a uid, skipping the
# system's gids), list, show, member add/remove (recorded in the registry,
# UTS-2.2.1.3(2)(g)(イ)), del (a tombstone: name and gid never again);
# names and gids the system's groups (NSS) already have are refused.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

needs_nss_wrapper
sb_init_cheap
json_eval() { # EXPR over the JSON in the last output
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$T_OUT" "$1"
}
# The system's groups (nss_wrapper stands in for /etc/group and every other
# source): gid 20000 (the default uid_min) belongs to "localgrp".
NSS_PASSWD=$T_TMP/passwd
NSS_GROUP=$T_TMP/group
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$NSS_PASSWD"
if [ "$(id -u)" -ne 0 ]; then
	getent passwd "$(id -u)" >>"$NSS_PASSWD"
fi
printf 'root:x:0:\nusers:x:100:\nlocalgrp:x:20000:\n' >"$NSS_GROUP"
sb_ctl() {
	env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $NSS_WRAPPER_LIBS" \
		NSS_WRAPPER_PASSWD="$NSS_PASSWD" NSS_WRAPPER_GROUP="$NSS_GROUP" \
		"$SB_CTL" --conf "$SB_CONF" --owner "$(id -u)" "$@"
}
sys_gid=20000
sys_group=localgrp
free_gid=20001

otp=$(sb_issue --user-code ABCDE --id-number 001)
ok "issued an individual ID" test -n "$otp"

expect_rc 0 "group add (gid allocated)" sb_ctl group add wheel-naccs
ok "  skips the system's gids: gets $free_gid" out_has "gid $free_gid"
expect_rc 1 "group add: the same name again refused" sb_ctl group add wheel-naccs
ok "  never issued twice" out_has "never issued twice"
expect_rc 1 "group add: the same name in another case refused" sb_ctl group add WHEEL-naccs
expect_rc 1 "group add: a system group's name refused" sb_ctl group add "$sys_group"
ok "  says it is a group of the system" out_has "group of the system"
expect_rc 1 "group add: nor in another case" sb_ctl group add LocalGrp
expect_rc 1 "group add --gid of a system group refused" sb_ctl group add ops --gid "$sys_gid"
ok "  names the system's group" out_has "$sys_group"
expect_rc 1 "group add --gid of a store group refused" sb_ctl group add ops --gid "$free_gid"
expect_rc 2 "group add: a bad name is a usage error" sb_ctl group add "bad name"
expect_rc 2 "group add --gid 0 is a usage error" sb_ctl group add ops --gid 0
expect_rc 0 "group add ops" sb_ctl group add ops
ops_gid=$(sed -n 's/.*(gid \([0-9]*\)).*/\1/p' "$T_OUT")
ok "  got a gid above wheel-naccs's" test "$ops_gid" -gt "$free_gid"

expect_rc 0 "member add by NACCS user ID" sb_ctl group member add wheel-naccs ABCDE001
ok "  names the login" out_has "abcde-001 added to group wheel-naccs"
expect_rc 1 "member add again refused" sb_ctl group member add wheel-naccs abcde-001
ok "  already a member" out_has "already a member"
expect_rc 3 "member add: no such ID" sb_ctl group member add wheel-naccs zzzzz-999
expect_rc 3 "member add: no such group" sb_ctl group member add nogroup abcde-001
ok "  says no such group" out_has "no such group: nogroup"
expect_rc 2 "member: bad subcommand" sb_ctl group member push wheel-naccs abcde-001

expect_rc 0 "group show" sb_ctl group show wheel-naccs
ok "  lists the member" out_has "  abcde-001"
expect_rc 0 "group show --json" sb_ctl --json group show wheel-naccs
ok "  member_logins" test "$(json_eval 'j["member_logins"]')" = "['abcde-001']"
ok "  gid" test "$(json_eval 'j["gid"]')" = "$free_gid"
expect_rc 3 "group show: no such group" sb_ctl group show nogroup

expect_rc 0 "member remove" sb_ctl group member add ops abcde-001
expect_rc 0 "member remove" sb_ctl group member remove ops abcde-001
expect_rc 1 "member remove again refused" sb_ctl group member remove ops abcde-001
ok "  not a member" out_has "not a member"

expect_rc 0 "the registry has the membership changes" sb_ctl --json user show abcde-001
ok "  added, added, removed" test "$(json_eval '[e["event"] for e in j["registry"] if e["event"].startswith("group-")]')" = \
	"['group-member-added', 'group-member-added', 'group-member-removed']"
ok "  with the group and the actor" \
	test "$(json_eval '[e["detail"] for e in j["registry"] if e["event"].startswith("group-")]')" = \
	"['wheel-naccs', 'ops', 'ops']"

expect_rc 0 "group del ops" sb_ctl group del ops --reason "no longer needed"
expect_rc 1 "group del again" sb_ctl group del ops
ok "  already deleted" out_has "already deleted"
expect_rc 1 "a deleted group's name is never issued again" sb_ctl group add ops
ok "  says now deleted" out_has "now deleted"
expect_rc 1 "nor its gid" sb_ctl group add ops2 --gid "$ops_gid"
expect_rc 1 "a deleted group takes no members" sb_ctl group member add ops abcde-001
expect_rc 0 "group add after the delete" sb_ctl group add ops3
ok "  a new gid, not the deleted one's" bash -c "! grep -q 'gid $ops_gid)' '$T_OUT'"

expect_rc 0 "group list" sb_ctl group list
ok "  deleted groups listed as such" grep -q "^ops .*deleted" "$T_OUT"
expect_rc 0 "group list --json" sb_ctl --json group list
ok "  three groups" test "$(json_eval 'len(j)')" = 3
ok "  wheel-naccs has one member" \
	test "$(json_eval '[g["members"] for g in j if g["name"] == "wheel-naccs"][0]')" = 1
expect_rc 2 "group: unknown subcommand" sb_ctl group frobnicate

finish
