#!/bin/bash
# make uninstall removes everything make install put in place (#11,
# administrator experience): a staged install (DESTDIR) of this build, then
# make uninstall, and not one file may be left (pam_naccs.so and
# libnss_naccs.so.2 once stayed: their .la files, which libtool's uninstall
# works from, are deleted at install).  Directories may stay: automake's
# uninstall never removes directories, which may hold the site's own files
# (README, "Install for real").
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"

dest=$T_TMP/root
build=$NACCS_TOP_BUILDDIR
# Not the caller's make flags: a nested install, quiet.
unset MAKEFLAGS MFLAGS
expect_rc 0 "make install DESTDIR=... installs" make -C "$build" install DESTDIR="$dest"
(cd "$dest" && find . ! -type d | sed 's|^\./|/|' | sort) >"$T_TMP/installed"
sed 's/^/#   installed: /' "$T_TMP/installed"
has() { grep -q -- "$1" "$T_TMP/installed"; }
ok "  it installed pam_naccs.so" has '/security/pam_naccs\.so$'
ok "  it installed libnss_naccs.so.2" has '/libnss_naccs\.so\.2$'
ok "  it installed naccsctl" has '/sbin/naccsctl$'
ok "  it installed the manual pages" has '/man8/naccsctl\.8$'
ok "  it installed the Japanese catalogue" has '/locale/ja/LC_MESSAGES/naccs-auth\.mo$'
ok "  it installed the pam-auth-update profile" has '/pam-configs/naccs$'
ok "  it installed the tmpfiles.d snippet" has '/tmpfiles\.d/naccs\.conf$'
ok "  it installed the bash completion" has '/bash-completion/completions/naccsctl$'
ok "  it installed the example configuration, banner and blocklist" \
	sh -c "grep -q '/naccs/naccs.conf.example$' '$T_TMP/installed' &&
	       grep -q '/naccs/banner$' '$T_TMP/installed' &&
	       grep -q '/naccs/password-blocklist$' '$T_TMP/installed'"
ok "  no libtool archive was installed" sh -c "! grep -q '\\.la\$' '$T_TMP/installed'"

expect_rc 0 "make uninstall DESTDIR=... succeeds" make -C "$build" uninstall DESTDIR="$dest"
(cd "$dest" && find . ! -type d | sed 's|^\./|/|' | sort) >"$T_TMP/left"
ok "make uninstall leaves no file behind" test ! -s "$T_TMP/left"
sed 's/^/#   left behind: /' "$T_TMP/left"

# Uninstalling from the system itself (no DESTDIR, as root) refreshes the
# loader cache too, as install does, so no stale libnss_naccs.so.2 entry
# stays in ld.so.cache: what make would run (make -n runs nothing).
make -n -C "$build" uninstall >"$T_TMP/uninstall-n" 2>&1
ok "make uninstall (system prefix) runs ldconfig after removing the NSS module" \
	sh -c "grep -n 'libnss_naccs.so.2' '$T_TMP/uninstall-n' | head -1 | cut -d: -f1 >'$T_TMP/l1' &&
	       grep -n 'ldconfig' '$T_TMP/uninstall-n' | tail -1 | cut -d: -f1 >'$T_TMP/l2' &&
	       [ -s '$T_TMP/l1' ] && [ -s '$T_TMP/l2' ] && [ \$(cat '$T_TMP/l2') -gt \$(cat '$T_TMP/l1') ]"

# A site's own banner is kept (only the file make install put there goes).
expect_rc 0 "make install again" make -C "$build" install DESTDIR="$dest"
banner=$(find "$dest" -path '*/naccs/banner' | head -1)
echo "site banner" >"$banner"
expect_rc 0 "make uninstall again" make -C "$build" uninstall DESTDIR="$dest"
ok "  a banner the site changed is kept" grep -qx "site banner" "$banner"
ok "  nothing else is left" sh -c "[ \"\$(cd '$dest' && find . ! -type d)\" = './${banner#"$dest"/}' ]"
finish
