#!/bin/bash
# End to end, NSS (issues #9, #11): the installed libnss_naccs.so.2 through
# the real glibc with "passwd: files naccs" and "group: files naccs" in
# /etc/nsswitch.conf: getent passwd by login, by every NACCS form the README
# documents and by uid, getent group with members, id (initgroups from the
# store), ls -l names a file's owner, the home naccsctl made, a suspended ID
# with nologin, a retired ID gone.  The index is the package's built-in path
# (/var/lib/naccs/passwd.cdb): no test hook.
. "$(dirname "$0")/lib.sh"
e2e_setup

e2e_issue ABCDE 001 --name "Yamada Taro" >/dev/null
ok "issued abcde-001" test -n "$(e2e_uid abcde-001)"
e2e_issue QWERT 002 --name "Suzuki Hanako" >/dev/null
e2e_ctl group add ops-e2e >/dev/null
e2e_ctl group member add ops-e2e ABCDE001 >/dev/null
uid=$(e2e_uid abcde-001)
gid=$(e2e_ctl --json group show ops-e2e | sed -n 's/.*"gid":\([0-9]*\).*/\1/p')
ok "the store group has a gid" test -n "$gid"

# UTS-2.2.1.1(1)(a): one ID, every NACCS form names it (README "Names").
for name in abcde-001 ABCDE001 ABCDE-001 abcde001 AbCdE-001; do
	out=$(getent passwd "$name")
	ok "getent passwd $name: the canonical entry" \
		bash -c "[[ '$out' == abcde-001:x:$uid:*:Yamada\ Taro:/home/abcde-001:/bin/bash ]]"
done
echo "# getent passwd ABCDE001: $(getent passwd ABCDE001)"
out=$(getent passwd "$uid")
ok "getent passwd UID" test "${out%%:*}" = abcde-001
ok "getent passwd of a name nobody has fails" bash -c '! getent passwd ZZZZZ999'
ok "local accounts still come from files (root)" \
	test "$(getent passwd root | cut -d: -f1,3)" = root:0
out=$(getent group ops-e2e)
echo "# getent group ops-e2e: $out"
ok "getent group: the store group and its member" test "$out" = "ops-e2e:x:$gid:abcde-001"
out=$(getent group "$gid")
ok "getent group GID" test "${out%%:*}" = ops-e2e
out=$(id ABCDE001)
echo "# id ABCDE001: $out"
ok "id ABCDE001: uid, and the store group through initgroups" \
	bash -c "[[ '$out' == uid=$uid\(abcde-001\)*groups=*$gid\(ops-e2e\)* ]]"
out=$(id -Gn abcde-001)
ok "id -Gn abcde-001 lists ops-e2e" bash -c "[[ ' $out ' == *' ops-e2e '* ]]"
touch "$E2E_TMP/owned"
chown "$uid:$gid" "$E2E_TMP/owned"
out=$(ls -l "$E2E_TMP/owned")
echo "# ls -l: $out"
ok "ls -l names the owner and the group" bash -c "[[ '$out' == *' abcde-001 ops-e2e '* ]]"
out=$(ls -ld /home/abcde-001)
ok "naccsctl user add made /home/abcde-001, owned by the ID, 0700" \
	bash -c "[[ '$out' == drwx------*' abcde-001 '* ]]"
ok "naccsctl index check: index and store agree" e2e_ctl index check

# A suspended ID stays visible, with a shell that refuses logins (README).
e2e_ctl user suspend qwert-002 --reason "e2e" >/dev/null
out=$(getent passwd QWERT002)
ok "a suspended ID: still there, shell /usr/sbin/nologin" \
	bash -c "[[ '$out' == qwert-002:*:/usr/sbin/nologin ]]"

# A retired ID disappears from every look-up; its uid is never reissued.
e2e_ctl user retire abcde-001 --reason "e2e" --yes >/dev/null
ok "retired: getent passwd ABCDE001 finds nothing" bash -c '! getent passwd ABCDE001'
ok "retired: getent passwd UID finds nothing" bash -c "! getent passwd $uid"
ok "retired: the group no longer lists it" test "$(getent group ops-e2e)" = "ops-e2e:x:$gid:"
out=$(ls -l "$E2E_TMP/owned")
ok "retired: ls -l shows the bare uid" bash -c "[[ '$out' == *' $uid ops-e2e '* ]]"
finish
