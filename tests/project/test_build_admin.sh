#!/bin/bash
# Building and installing as an administrator does (#11, administrator
# experience):
# - configure needs cmocka, libpamtest, pam_wrapper and nss_wrapper only
#   for the tests: --disable-tests never looks for them, --enable-tests
#   fails naming the missing package, the default disables the tests with a
#   notice, and "make check" of such a build fails saying so;
# - scripts/deps.sh installs build and run-time packages apart from the test
#   tools;
# - po/Makevars names the bug-report address of AC_INIT (no xgettext
#   warning);
# - naccsctl --version prints the package and version of config.h.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"

src=$NACCS_TOP_SRCDIR
build=$NACCS_TOP_BUILDDIR
unset MAKEFLAGS MFLAGS

# ---- configure and the test libraries ----
# (Once: in the plain phase, not again in the sanitizer build.)
if [ -z "${NACCS_ASAN_PRELOAD:-}" ]; then
# A pkg-config that has not got the test libraries (as on a workstation),
# and logs what it is asked.
mkdir -p "$T_TMP/bin"
cat >"$T_TMP/bin/pkg-config" <<EOF
#!/bin/sh
echo "\$*" >>"$T_TMP/pkg-config.log"
for a in "\$@"; do
	case \$a in
	cmocka* | libpamtest* | pam_wrapper* | nss_wrapper*) exit 1 ;;
	esac
done
exec $(command -v pkg-config) "\$@"
EOF
chmod +x "$T_TMP/bin/pkg-config"
# configure_in DIR ARGS...: configure this source in DIR with that
# pkg-config.  To save minutes the runs share a cache of the compiler's
# checks, seeded from this build's (pkg-config's answers are never cached:
# each run asks again; nor the precious variables such as PKG_CONFIG).
sed -n '/^## Cache variables/,/^## Output variables/p' "$build/config.log" |
	grep -E "^[a-z]+_cv_[A-Za-z0-9_]*=([^']*|'[^']*')\$" |
	grep -Ev '^(ac_cv_env_|pkg_cv_)' >"$T_TMP/config.cache"
sh -n "$T_TMP/config.cache" 2>/dev/null || : >"$T_TMP/config.cache"
configure_in() {
	local dir=$1
	shift
	mkdir -p "$dir" && cd "$dir" &&
		PKG_CONFIG="$T_TMP/bin/pkg-config" "$src/configure" --enable-test-hooks \
			--cache-file="$T_TMP/config.cache" "$@"
	local rc=$?
	cd "$T_TMP" || return 1
	return $rc
}

expect_rc 0 "configure (default: auto) succeeds without the test libraries" \
	configure_in "$T_TMP/auto"
ok "  with a notice naming the missing packages" \
	sh -c "grep -q 'tests disabled: missing the Debian packages.*libcmocka-dev' '$T_OUT'"
ok "  and make check fails there too" grep -Eq '^check-local: naccs-tests-disabled' \
	"$T_TMP/auto/Makefile"

: >"$T_TMP/pkg-config.log"
expect_rc 0 "configure --disable-tests succeeds without the test libraries" \
	configure_in "$T_TMP/off" --disable-tests
ok "  it never looked for them" \
	sh -c "! grep -Eq 'cmocka|libpamtest|pam_wrapper|nss_wrapper' '$T_TMP/pkg-config.log'"
ok "  it says that tests are disabled" out_has "tests disabled"
expect_rc 2 "  make check there fails (exit 2: make's error)" make -C "$T_TMP/off" naccs-tests-disabled
ok "  saying that the tests are disabled" out_has "tests are disabled in this build"
ok "  and how to enable them" out_has "configure --enable-tests"
ok "  make check itself runs that rule (check-local)" \
	grep -Eq '^check-local: naccs-tests-disabled' "$T_TMP/off/Makefile"
ok "  make check-valgrind too" \
	grep -Eq '^check-valgrind: naccs-tests-disabled' "$T_TMP/off/Makefile"
ok "  make dist refuses (the tarball would lack the tests' files)" \
	grep -Eq '^dist-hook:' "$T_TMP/off/Makefile"

expect_rc 1 "configure --enable-tests fails without the test libraries" \
	configure_in "$T_TMP/on" --enable-tests
ok "  naming the Debian packages to install" \
	sh -c "grep -q 'libcmocka-dev' '$T_OUT' && grep -q 'libpamtest0-dev' '$T_OUT' &&
	       grep -q 'libpam-wrapper' '$T_OUT' && grep -q 'libnss-wrapper' '$T_OUT'"

else
	skip "configure's test-library options" "sanitizer build: checked in the plain phase"
fi
ok "this (test) build has the tests: no tests-disabled rule in make check" \
	sh -c "! grep -Eq '^check-local: naccs-tests-disabled' '$build/Makefile'"
ok "scripts/build.sh (CI) passes --enable-tests" grep -q -- '--enable-tests' "$src/scripts/build.sh"

# ---- scripts/deps.sh ----
expect_rc 0 "deps.sh --list: the build and run-time packages" bash "$src/scripts/deps.sh" --list
cp "$T_OUT" "$T_TMP/deps.build"
expect_rc 0 "deps.sh --demo --list" bash "$src/scripts/deps.sh" --demo --list
cp "$T_OUT" "$T_TMP/deps.demo"
expect_rc 0 "deps.sh --test --list" bash "$src/scripts/deps.sh" --test --list
cp "$T_OUT" "$T_TMP/deps.test"
lists() { grep -qx -- "$2" "$T_TMP/deps.$1"; }
for p in libcmocka-dev libpamtest0-dev libpam-wrapper libnss-wrapper libuid-wrapper \
	valgrind clang clang-format lintian pamtester; do
	ok "  the build set has no $p" sh -c "! grep -qx -- '$p' '$T_TMP/deps.build'"
	ok "  --test adds $p" lists test "$p"
done
for p in valgrind clang clang-format lintian libcmocka-dev; do
	ok "  --demo has no $p" sh -c "! grep -qx -- '$p' '$T_TMP/deps.demo'"
done
for p in libpam-wrapper libnss-wrapper pamtester; do
	ok "  --demo adds $p (the demo's PAM and NSS)" lists demo "$p"
done
# Every library configure requires is in the build set, every test library
# in the test set (each named by its Debian package in configure.ac).
for p in $(sed -n 's/^NACCS_NEED(\[[A-Z_0-9]*\], \[[^]]*\], \[\([^]]*\)\]).*/\1/p' "$src/configure.ac"); do
	ok "  the build set has $p (configure requires it)" lists build "$p"
done
for p in $(sed -n 's/^ *NACCS_TEST_NEED(\[[A-Z_0-9]*\], \[[^]]*\], \[\([^]]*\)\]).*/\1/p' "$src/configure.ac"); do
	ok "  the test set has $p (configure --enable-tests requires it)" lists test "$p"
done
ok "  the build set has every Build-Depends of debian/control" sh -c "
	sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*: /p' '$src/debian/control' | sed '\$d' |
	sed 's/^Build-Depends://; s/([^)]*)//g' | tr ',' '\n' | tr -d ' \t' | sed '/^\$/d' |
	grep -v '^debhelper-compat' | while read -r p; do
		grep -qx \"\$p\" '$T_TMP/deps.build' || { echo \"#   missing: \$p\"; exit 1; }
	done"
ok "scripts/test.sh installs the test tools (deps.sh --test)" \
	grep -q 'scripts/deps.sh --test' "$src/scripts/test.sh"
ok "scripts/demo.sh installs the demo's (deps.sh --demo)" \
	grep -q 'scripts/deps.sh --demo' "$src/scripts/demo.sh"
expect_rc 2 "deps.sh refuses an unknown option" bash "$src/scripts/deps.sh" --bogus

# ---- the bug-report address ----
addr=$(sed -n 's/^MSGID_BUGS_ADDRESS *= *//p' "$src/po/Makevars")
ok "po/Makevars names a bug-report address" test -n "$addr"
ok "  the one of AC_INIT (config.h PACKAGE_BUGREPORT)" \
	grep -qx "#define PACKAGE_BUGREPORT \"$addr\"" "$build/config.h"
# xgettext as po/Makefile runs it (the bug address from Makevars): no warning.
ok "  xgettext with it gives no warning" sh -c "
	cd '$src' && xgettext --default-domain=naccs-auth --add-comments=TRANSLATORS: \
		--files-from=po/POTFILES.in --keyword=_ --keyword=N_ --from-code=UTF-8 \
		--package-name=naccs-auth --package-version=0 \
		--msgid-bugs-address='$addr' -o '$T_TMP/x.pot' 2>'$T_TMP/xgettext.err' &&
	! grep -i warning '$T_TMP/xgettext.err'"
ok "  and the README says where it comes from" grep -qF "$addr" "$src/README.md"

# ---- naccsctl --version ----
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$build/config.h")
package=$(sed -n 's/^#define PACKAGE_NAME "\(.*\)"$/\1/p' "$build/config.h")
expect_rc 0 "naccsctl --version exits 0 (no configuration needed)" \
	"$build/naccsctl/naccsctl" --conf /nonexistent --version
ok "  and prints the package and version of config.h" \
	test "$(cat "$T_OUT")" = "naccsctl ($package) $version"
ok "  documented in naccsctl(8)" grep -q -- '^\.B \\-\\-version' "$src/man/naccsctl.8"
finish
