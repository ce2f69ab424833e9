#!/bin/bash
# Tier C of the NSS module (TESTING.md): the real glibc NSS, no wrapper —
# getent, id (initgroups) and ls -l with "passwd: ... naccs" and "group: ...
# naccs" in nsswitch.conf.  The machine's own /etc/nsswitch.conf is never
# edited: a private mount namespace (unshare -m) binds a copy with naccs
# added over it, for the commands of this test only, and glibc loads the
# module from the build (LD_LIBRARY_PATH) — so other processes on the
# machine are never affected, even if the test is killed.  Needs root (for
# the namespace): skipped otherwise, with the reason.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

if [ "$(id -u)" -ne 0 ]; then
	echo "Tier C needs root for a private mount namespace: skipped"
	exit 77
fi
if ! unshare -m true 2>/dev/null; then
	echo "Tier C: no mount namespaces here (unshare -m failed): skipped"
	exit 77
fi
if ! grep -q '^#define NACCS_TEST_HOOKS 1' "$NACCS_TOP_BUILDDIR/config.h"; then
	echo "built without --enable-test-hooks: the module reads only its built-in index: skipped"
	exit 77
fi
sb_init_cheap
sb_issue --user-code ABCDE --id-number 001 >/dev/null
sb_issue --user-code QWERT --id-number 002 >/dev/null
sb_ctl group add ops-naccs >/dev/null
sb_ctl group member add ops-naccs ABCDE001 >/dev/null
uid=$(sb_ctl --json user show abcde-001 | sed -n 's/.*"uid":\([0-9]*\).*/\1/p')
gid=$(sb_ctl --json group show ops-naccs | sed -n 's/.*"gid":\([0-9]*\).*/\1/p')

conf=$T_TMP/nsswitch.conf
sed -e 's/^\(passwd:.*\)$/\1 naccs/' -e 's/^\(group:.*\)$/\1 naccs/' /etc/nsswitch.conf >"$conf"
ok "the copy of nsswitch.conf names naccs for passwd and group" \
	test "$(grep -c '^\(passwd\|group\):.* naccs$' "$conf")" = 2
libdir=$NACCS_TOP_BUILDDIR/nss_naccs/.libs
# sys COMMAND...: run with the copy over /etc/nsswitch.conf, in a private
# mount namespace, glibc finding libnss_naccs.so.2 in the build.
sys() {
	unshare -m /bin/bash -c '
		mount --make-rprivate / && mount --bind "$1" /etc/nsswitch.conf || exit 99
		shift
		exec "$@"' _ "$conf" env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" LD_LIBRARY_PATH="$libdir" \
		NACCS_TEST_NSS_INDEX="$T_TMP/sb/state/passwd.cdb" "$@" 2>&1
}
out=$(sys getent passwd ABCDE001)
echo "# getent passwd ABCDE001: $out"
ok "getent passwd ABCDE001 returns abcde-001 (real glibc)" test "${out%%:*}" = abcde-001
out=$(sys getent passwd "$uid")
ok "getent passwd UID" test "${out%%:*}" = abcde-001
out=$(sys getent group ops-naccs)
echo "# getent group ops-naccs: $out"
ok "getent group: members" test "$out" = "ops-naccs:x:$gid:abcde-001"
out=$(sys id abcde-001)
echo "# id abcde-001: $out"
ok "id LOGIN: uid and the store group (initgroups)" \
	bash -c "[[ '$out' == uid=$uid\(abcde-001\)*groups=*$gid\(ops-naccs\)* ]]"
out=$(sys id ABCDE001)
echo "# id ABCDE001: $out"
ok "id ABCDE001: the same ID, the same groups" \
	bash -c "[[ '$out' == uid=$uid\(abcde-001\)*groups=*$gid\(ops-naccs\)* ]]"
touch "$T_TMP/owned"
chown "$uid:$gid" "$T_TMP/owned"
out=$(sys ls -l "$T_TMP/owned")
echo "# ls -l: $out"
ok "ls -l names the owner and group of a file" \
	bash -c "[[ '$out' == *' abcde-001 ops-naccs '* ]]"
ok "without naccs in nsswitch.conf the system does not know the ID" \
	bash -c "! getent passwd ABCDE001 >/dev/null"
ok "the machine's /etc/nsswitch.conf was not changed" \
	bash -c "! grep -q naccs /etc/nsswitch.conf"
finish
