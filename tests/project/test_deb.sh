#!/bin/bash
# The Debian package: dpkg-buildpackage -us -uc -b builds it from a copy of
# the source tree (nothing is written beside the tree), and it holds what an
# administrator needs, in Debian's places, without the test hooks; its
# maintainer scripts register the pam-auth-update profile without enabling
# it and never touch /etc/nsswitch.conf or /etc/pam.d.  Slow (a whole
# build): only with CI=true or NACCS_TEST_DEB=1.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"

if [ "${CI:-}" != true ] && [ "${NACCS_TEST_DEB:-}" != 1 ]; then
	echo "builds the whole package (minutes): runs with CI=true or NACCS_TEST_DEB=1: skipped"
	exit 77
fi
if [ -n "${NACCS_ASAN_PRELOAD:-}" ]; then
	echo "sanitizer build: the package does not depend on it, checked in the plain phase: skipped"
	exit 77
fi
for tool in dpkg-buildpackage dh dpkg-deb; do
	if ! command -v "$tool" >/dev/null; then
		echo "$tool missing (bash scripts/deps.sh installs debhelper and dpkg-dev)"
		exit 1
	fi
done

. "${NACCS_TOP_SRCDIR}/tests/project/debbuild.sh"
src=$NACCS_TOP_SRCDIR
work=$T_TMP/deb
before=$(ls "$src/.." | grep -c '^naccs-auth_')
naccs_deb_build "$src" "$work"
rc=$?
ok "copied the source tree" test -f "$work/src/debian/control"
ok "dpkg-buildpackage -us -uc -b builds" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -40 "$work/build.log" | sed 's/^/#   /'
# What the build leaves in the tree is ignored by .gitignore: git status
# stays clean after dpkg-buildpackage (checked in the copy, as a checkout).
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -co --exclude-standard) | sort >"$work/copied"
	(cd "$work/src" && git init -q . && git ls-files -o --exclude-standard) | sort >"$work/after"
	comm -13 "$work/copied" "$work/after" >"$work/leftovers"
	ok "  leaves no file .gitignore does not cover" test ! -s "$work/leftovers"
	sed 's/^/#   left: /' "$work/leftovers" | head -20
fi
ok "  configured without --enable-test-hooks" \
	sh -c "! grep -q -- '--enable-test-hooks' '$work/build.log'"
# #11: a production build needs no test library.
ok "  configured with --disable-tests" grep -q -- '--disable-tests' "$work/build.log"
ok "  configure looked for no test library" \
	sh -c "! grep -Eq '^checking for (cmocka|libpamtest|pam_wrapper|nss_wrapper)' '$work/build.log'"
ok "  Build-Depends names no test library (cmocka, libpamtest, the wrappers)" \
	sh -c "! sed -n '/^Build-Depends:/,/^[A-Z]/p' '$src/debian/control' |
	       grep -Eq 'cmocka|pamtest|wrapper|valgrind|clang'"
deb=$(naccs_deb_find "$work")
ok "  naccs-auth_*.deb written outside the source tree" test -f "$deb"
ok "  the source tree keeps no build output" \
	sh -c "[ ! -e '$src/debian/naccs-auth' ] && [ ! -e '$src/debian/files' ] &&
	       [ \"\$(ls '$src/..' | grep -c '^naccs-auth_')\" = '$before' ]"
[ -f "$deb" ] || {
	finish
	exit 1
}
# Kept in the build directory: the end-to-end suite (tests/e2e/run.sh)
# installs this package instead of building it again.
ok "  kept in \$builddir/deb/ for the end-to-end suite" \
	naccs_deb_keep "$work" "$NACCS_TOP_BUILDDIR/deb"

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/files"
has() { grep -qx -- "$1" "$work/files"; }
for f in "/lib/$multiarch/security/pam_naccs.so" "/usr/lib/$multiarch/libnss_naccs.so.2" \
	/usr/sbin/naccsctl /usr/sbin/naccs_chkpwd /usr/share/man/man8/naccs_chkpwd.8.gz \
	/usr/share/man/man8/pam_naccs.8.gz /usr/share/man/man5/naccs.conf.5.gz \
	/usr/share/man/man8/naccsctl.8.gz /usr/share/man/man8/nss_naccs.8.gz \
	/usr/share/man/ja/man8/pam_naccs.8.gz /usr/share/man/ja/man5/naccs.conf.5.gz \
	/usr/share/man/ja/man8/naccsctl.8.gz /usr/share/man/ja/man8/nss_naccs.8.gz \
	/usr/share/man/ja/man8/naccs_chkpwd.8.gz \
	/usr/sbin/naccsd /usr/share/man/man8/naccsd.8.gz /usr/share/man/ja/man8/naccsd.8.gz \
	/lib/systemd/system/naccsd.socket /lib/systemd/system/naccsd.service \
	/usr/share/pam-configs/naccs /usr/lib/tmpfiles.d/naccs.conf \
	/etc/naccs/naccs.conf.example /etc/naccs/banner /etc/naccs/password-blocklist \
	/usr/share/locale/ja/LC_MESSAGES/naccs-auth.mo /usr/share/doc/naccs-auth/copyright \
	/usr/share/bash-completion/completions/naccsctl; do
	ok "package holds $f" has "$f"
done
# The helper for processes that are not root, setuid root like unix_chkpwd.
ok "naccs_chkpwd is setuid root: -rwsr-xr-x root/root" \
	sh -c "dpkg-deb -c '$deb' | grep -Eq '^-rwsr-xr-x root/root .* \./usr/sbin/naccs_chkpwd\$'"
# The PAM directory is libpam-modules' (Debian 12): no second one in /usr,
# which purge would leave behind ("not empty").
ok "package has no /usr/lib/$multiarch/security" \
	sh -c "! grep -q '^/usr/lib/$multiarch/security' '$work/files'"
ok "package holds no libtool archive" sh -c "! grep -q '\\.la\$' '$work/files'"
ok "package holds no test program or stub module" \
	sh -c "! grep -Eq 'pam_rc_stub|/tests?/' '$work/files'"
ok "package creates no /etc/pam.d or nsswitch.conf file" \
	sh -c "! grep -Eq '^/etc/(pam\\.d/|nsswitch\\.conf)' '$work/files'"

dpkg-deb -x "$deb" "$work/root"
dpkg-deb -e "$deb" "$work/control"
module=$work/root/lib/$multiarch/security/pam_naccs.so
# A package never honours the test clock or the test invoker (configure
# --enable-test-hooks): the names are not even in the binaries.
nssmod=$work/root/usr/lib/$multiarch/libnss_naccs.so.2
for b in "$module" "$nssmod" "$work/root/usr/sbin/naccsctl" "$work/root/usr/sbin/naccs_chkpwd" \
	"$work/root/usr/sbin/naccsd"; do
	ok "no test hooks in ${b#"$work/root"} (NACCS_TEST_*, NACCSD_TEST_*)" sh -c "! grep -aEq 'NACCSD?_TEST_' '$b'"
done
nm -D --defined-only "$module" | awk '{print $NF}' >"$work/syms"
ok "the module exports pam_sm_authenticate" grep -qx pam_sm_authenticate "$work/syms"
ok "the module exports only pam_sm_*" sh -c "! grep -v '^pam_sm_' '$work/syms' | grep -q ."
nm -D --defined-only "$nssmod" | awk '$2 == "T" {print $NF}' >"$work/nsssyms"
ok "the NSS module exports _nss_naccs_getpwnam_r" grep -qx _nss_naccs_getpwnam_r "$work/nsssyms"
ok "the NSS module exports only _nss_naccs_*" sh -c "! grep -v '^_nss_naccs_' '$work/nsssyms' | grep -q ."
ok "the NSS module links no SQLite and no crypto" \
	sh -c "! readelf -d '$nssmod' | grep NEEDED | grep -Eq 'sqlite|crypto|ssl|sodium|argon2'"
ok "the profile is the source's" cmp -s "$work/root/usr/share/pam-configs/naccs" \
	"$src/etc/pam-configs/naccs"
ok "the profile is not enabled by default" \
	grep -qx 'Default: no' "$work/root/usr/share/pam-configs/naccs"
tmpf=$work/root/usr/lib/tmpfiles.d/naccs.conf
ok "tmpfiles: /var/lib/naccs 0755 root root" grep -Eq '^d /var/lib/naccs 0755 root root' "$tmpf"
ok "tmpfiles: /var/log/naccs 0700 root root" grep -Eq '^d /var/log/naccs 0700 root root' "$tmpf"

dpkg-deb -f "$deb" Depends >"$work/depends"
ok "depends on libpam-runtime (pam-auth-update)" grep -q libpam-runtime "$work/depends"
ok "depends on the libraries it links (shlibs)" grep -q libsodium "$work/depends"
post=$work/control/postinst
ok "the package runs ldconfig (dpkg trigger)" grep -q ldconfig "$work/control/triggers"
ok "postinst registers the profile: pam-auth-update --package" \
	grep -Eq '^[[:space:]]*pam-auth-update --package$' "$post"
ok "postinst never enables it (--enable / --force)" sh -c "! grep -Eq -- '--enable|--force' '$post'"
# #16: a package that brings a new schema migrates an existing store.
ok "postinst upgrades an existing store: naccsctl upgrade --package" \
	grep -Eq '^[[:space:]]*if ! naccsctl upgrade --package; then$' "$post"
ok "postinst creates /var/lib/naccs 0755 and /var/log/naccs 0700" \
	sh -c "grep -q 'install -d -m 0755 -o root -g root /var/lib/naccs' '$post' &&
	       grep -q 'install -d -m 0700 -o root -g root /var/log/naccs' '$post'"
ok "postinst runs systemd-tmpfiles --create naccs.conf (dh_installtmpfiles)" \
	grep -q 'systemd-tmpfiles.*--create naccs.conf' "$post"
# naccsd (issue 18): registered, never enabled or started by the package.
ok "the packaged naccsd.service starts /usr/sbin/naccsd" \
	grep -qx 'ExecStart=/usr/sbin/naccsd' "$work/root/lib/systemd/system/naccsd.service"
ok "the packaged naccsd.socket is the source's" \
	cmp -s "$work/root/lib/systemd/system/naccsd.socket" "$src/etc/systemd/naccsd.socket"
# (dh_installsystemd --no-enable: an upgrade enables again only what the
# administrator had enabled: "was-enabled" guards each enable.)
ok "postinst never starts naccsd (deb-systemd-invoke)" sh -c "! grep -q 'deb-systemd-invoke' '$post'"
ok "postinst enables naccsd's units only where the administrator had (was-enabled)" \
	test "$(grep -c "deb-systemd-helper enable 'naccsd" "$post")" = \
	"$(grep -c "deb-systemd-helper --quiet was-enabled 'naccsd" "$post")"
ok "prerm takes the profile out on remove" \
	grep -q 'pam-auth-update --package --remove naccs' "$work/control/prerm"
for s in preinst postinst prerm postrm; do
	[ -f "$work/control/$s" ] || continue
	# (postrm names nsswitch.conf in what it says stays; it only reads it.)
	ok "$s never edits /etc/nsswitch.conf or /etc/pam.d" \
		sh -c "! grep -Ev '^[[:space:]]*#' '$work/control/$s' |
		       grep -E 'nsswitch|/etc/pam\\.d' |
		       grep -Eq 'sed |>|tee |mv |cp |rm |ed |install |ln '"
done
ok "/etc files are conffiles" grep -qx /etc/naccs/banner "$work/control/conffiles"

# Purge says what it leaves and how to remove it: postrm run on a root of
# its own ($DPKG_ROOT), once with everything left, once with nothing.
# deb-systemd-helper (naccsd's units) acts on the host's systemd state and
# runs only under dpkg: a stand-in on PATH records what postrm asks of it.
mkdir -p "$work/bin"
printf '#!/bin/sh\necho "$*" >>"%s"\n' "$work/dsh.calls" >"$work/bin/deb-systemd-helper"
chmod 755 "$work/bin/deb-systemd-helper"
purge() { # purge ROOT: postrm purge there, output in $work/purge.out
	DPKG_ROOT=$1 PATH="$work/bin:$PATH" sh "$work/control/postrm" purge >"$work/purge.out" 2>&1
}
pr=$work/purge-root
mkdir -p "$pr/etc/naccs" "$pr/var/lib/naccs" "$pr/var/log/naccs"
printf 'passwd:         files naccs\ngroup:          files naccs\n' >"$pr/etc/nsswitch.conf"
: >"$pr/var/lib/naccs/naccs.db"
: >"$pr/var/log/naccs/2026-01.jsonl"
: >"$pr/etc/naccs/naccs.conf"
ok "postrm purge, with a store, a trail, a configuration: exit 0" purge "$pr"
ok "  says nsswitch.conf still names naccs" grep -q 'nsswitch.conf still names "naccs"' "$work/purge.out"
ok "  says the store and the index stay, how to remove them" \
	sh -c "grep -q '/var/lib/naccs: the credential store' '$work/purge.out' &&
	       grep -q 'passwd.cdb' '$work/purge.out' && grep -q 'rm -r /var/lib/naccs' '$work/purge.out'"
ok "  says the audit trail stays, how to remove it" grep -q 'rm -r /var/log/naccs' "$work/purge.out"
ok "  says the homes stay" grep -q "home directories" "$work/purge.out"
ok "  says /etc/naccs stays" grep -q 'rm -r /etc/naccs' "$work/purge.out"
ok "  deletes none of it" sh -c "test -f '$pr/var/lib/naccs/naccs.db' &&
	test -f '$pr/var/log/naccs/2026-01.jsonl' && grep -q naccs '$pr/etc/nsswitch.conf'"
sed 's/^/#   /' "$work/purge.out"
pr=$work/purge-empty
mkdir -p "$pr/etc" "$pr/var/lib/naccs" "$pr/var/log/naccs"
printf 'passwd:         files systemd\n' >"$pr/etc/nsswitch.conf"
ok "postrm purge, nothing left: exit 0" purge "$pr"
ok "  the empty directories removed" test ! -e "$pr/var/lib/naccs" -a ! -e "$pr/var/log/naccs"
ok "  and nothing said" test ! -s "$work/purge.out"
ok "  and naccsd's unit state purged (deb-systemd-helper purge)" \
	grep -qx "purge naccsd.service naccsd.socket" "$work/dsh.calls"

if command -v lintian >/dev/null; then
	changes=$(ls "$work"/naccs-auth_*.changes | head -1)
	lintian --fail-on error,warning "$changes" >"$work/lintian" 2>&1
	rc=$?
	ok "lintian: no error or warning (docs/ADMIN.md lists what remains)" test "$rc" -eq 0
	sed 's/^/#   /' "$work/lintian"
fi
finish
