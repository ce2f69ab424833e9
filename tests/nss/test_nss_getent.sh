#!/bin/bash
# Tier B of the NSS module (TESTING.md): real programs (getent, id) through
# glibc and nss_wrapper, which loads libnss_naccs.so.2 after its own files
# backend; and naccsctl keeping the public identity index in step with the
# store after every change (add, suspend, retire, groups), index check and
# index rebuild.  UTS-2.2.1.3(2)(g): a retired ID disappears, a suspended
# one keeps its name and uid but gets no shell.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

needs_nss_wrapper
if ! grep -q '^#define NACCS_TEST_HOOKS 1' "$NACCS_TOP_BUILDDIR/config.h"; then
	echo "built without --enable-test-hooks: the module reads only its built-in index"
	exit 77
fi
sb_init_cheap
INDEX=$T_TMP/sb/state/passwd.cdb
NSS_PASSWD=$T_TMP/passwd
NSS_GROUP=$T_TMP/group
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$NSS_PASSWD"
printf 'root:x:0:\nusers:x:100:\n' >"$NSS_GROUP"
# nss: a program with the system's NSS replaced by nss_wrapper: its files
# (above), then libnss_naccs.so.2 over the sandbox's index.
nss() {
	env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $NSS_WRAPPER_LIBS" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		NSS_WRAPPER_PASSWD="$NSS_PASSWD" NSS_WRAPPER_GROUP="$NSS_GROUP" \
		NSS_WRAPPER_MODULE_SO_PATH="$NACCS_TOP_BUILDDIR/nss_naccs/.libs/libnss_naccs.so.2" \
		NSS_WRAPPER_MODULE_FN_PREFIX=naccs NACCS_TEST_NSS_INDEX="$INDEX" "$@"
}
sbn() { # naccsctl, seeing the same system accounts
	env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $NSS_WRAPPER_LIBS" \
		NSS_WRAPPER_PASSWD="$NSS_PASSWD" NSS_WRAPPER_GROUP="$NSS_GROUP" \
		"$SB_CTL" --conf "$SB_CONF" --owner "$(id -u)" "$@"
}
issue() { sbn --json user add "$@" >/dev/null; }
ent() { nss getent "$@" 2>&1; }

ok "init wrote an (empty) index, mode 0644" \
	test "$(stat -c %a "$INDEX")" = 644
issue --user-code ABCDE --id-number 001 --name "Taro Yamada"
expect_rc 0 "index rebuild with one ID" sbn index rebuild
ok "  says '1 ID', not '1 IDs' (ngettext)" out_has ": 1 ID (0 suspended), "
expect_rc 0 "index check with one ID" sbn index check
ok "  says '1 ID'" out_has "up to date (1 ID, "
issue --user-code XYZAB --id-number 7K2
issue --shared --approval APR-2026-01 --login opsadmin
ok "user add rebuilt the index: index check says up to date" sbn index check
ok "getent passwd ABCDE001 returns the canonical entry" \
	test "$(ent passwd ABCDE001)" = "abcde-001:x:20000:100:Taro Yamada:$SB_DIR/home/abcde-001:/bin/bash"
ok "  ABCDE-001 too" test "$(ent passwd ABCDE-001 | cut -d: -f1)" = abcde-001
ok "  abcde001 (any case) too" test "$(ent passwd abcde001 | cut -d: -f1)" = abcde-001
ok "  the login itself" test "$(ent passwd abcde-001 | cut -d: -f3)" = 20000
ok "getent passwd by uid" test "$(ent passwd 20001 | cut -d: -f1)" = xyzab-7k2
ok "the files backend still answers first" test "$(ent passwd root | cut -d: -f3)" = 0
expect_rc 2 "an unknown name: not found (exit 2)" nss getent passwd nosuch-001
expect_rc 2 "a name with a slash: not found" nss getent passwd "../abcde-001"
expect_rc 2 "a login in another case is not a login" nss getent passwd OPSADMIN
ent passwd >"$T_TMP/all"
ok "enumeration: files, then every ID in login order" \
	test "$(cut -d: -f1 "$T_TMP/all" | tr '\n' ' ')" = "root abcde-001 opsadmin xyzab-7k2 "

expect_rc 0 "group add ops" sbn group add ops
gid=$(ent group ops | cut -d: -f3)
expect_rc 0 "member add by NACCS user ID" sbn group member add ops ABCDE001
expect_rc 0 "member add" sbn group member add ops xyzab-7k2
ok "getent group ops lists its members" test "$(ent group ops)" = "ops:x:$gid:abcde-001,xyzab-7k2"
ok "getent group by gid" test "$(ent group "$gid" | cut -d: -f1)" = ops
ok "group enumeration: files, then the store's groups" \
	test "$(ent group | cut -d: -f1 | tr '\n' ' ')" = "root users ops "
ok "getgrouplist (id -G): primary and store groups" \
	test "$(nss id -G abcde-001)" = "100 $gid"
ok "id ABCDE001 names the canonical login" \
	bash -c "$(declare -f nss); NACCS_ASAN_PRELOAD='${NACCS_ASAN_PRELOAD:-}' NSS_WRAPPER_LIBS='$NSS_WRAPPER_LIBS' NSS_PASSWD='$NSS_PASSWD' NSS_GROUP='$NSS_GROUP' NACCS_TOP_BUILDDIR='$NACCS_TOP_BUILDDIR' INDEX='$INDEX' nss id ABCDE001 | grep -q '^uid=20000(abcde-001) gid=100(users)'"

expect_rc 0 "user suspend" sbn user suspend xyzab-7k2 --reason leave
ok "a suspended ID keeps its name and uid, with no shell" \
	test "$(ent passwd XYZAB7K2)" = "xyzab-7k2:x:20001:100::$SB_DIR/home/xyzab-7k2:/usr/sbin/nologin"
expect_rc 0 "user lock" sbn user lock opsadmin --reason test
ok "a locked ID is unchanged (PAM refuses it at login)" \
	test "$(ent passwd opsadmin | cut -d: -f7)" = /bin/bash
expect_rc 0 "user retire" sbn user retire xyzab-7k2 --reason left --yes
expect_rc 2 "a retired ID is gone: by login" nss getent passwd xyzab-7k2
expect_rc 2 "  by NACCS form" nss getent passwd XYZAB-7K2
expect_rc 2 "  by uid" nss getent passwd 20001
ok "  from its groups" test "$(ent group ops)" = "ops:x:$gid:abcde-001"
expect_rc 0 "group del" sbn group del ops --reason done
expect_rc 2 "a deleted group is gone" nss getent group ops

# index check and rebuild
cp "$INDEX" "$T_TMP/old.cdb"
issue --user-code QWERT --id-number 001
cp "$T_TMP/old.cdb" "$INDEX"
expect_rc 1 "index check: an index older than the store is out of date (exit 1)" sbn index check
ok "  names the first difference" out_has "out of date"
expect_rc 0 "index rebuild" sbn index rebuild
ok "  reports what it wrote" out_has "3 IDs (0 suspended)"
expect_rc 0 "index check: up to date again" sbn index check
ok "  the new ID resolves" test "$(ent passwd QWERT001 | cut -d: -f1)" = qwert-001
chmod 0600 "$INDEX"
expect_rc 1 "index check: a wrong mode is reported" sbn index check
ok "  names the mode" out_has "mode 0600"
expect_rc 0 "index rebuild restores the mode" sbn index rebuild
ok "  0644" test "$(stat -c %a "$INDEX")" = 644
rm -f "$INDEX"
expect_rc 1 "index check: a missing index is reported" sbn index check
expect_rc 2 "index without a subcommand: usage error" sbn index
expect_rc 2 "index frobnicate: usage error" sbn index frobnicate
expect_rc 0 "a read-only command does not write the index" sbn user list
ok "  (still missing)" test ! -e "$INDEX"
ok "no temporary index file left behind" \
	bash -c "! ls '$T_TMP/sb/state' | grep -q 'passwd.cdb.tmp'"

# [nss] index: written where the configuration says.
expect_rc 0 "index rebuild with nss.index set" \
	sbn --set "nss.index=$T_TMP/other.cdb" index rebuild
ok "  written there" test -f "$T_TMP/other.cdb"
ok "  and says the module reads its built-in path" out_has "built in"
expect_rc 2 "nss.index must be an absolute path" sbn --set nss.index=rel.cdb index check
finish
