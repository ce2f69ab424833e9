#!/bin/bash
# The end-to-end suite (issue #11): tests/e2e/run.sh BUILD_DIR
#
# Runs every tests/e2e/test_*.sh, each in its own private mount, PID and
# network namespace (tests/e2e/lib.sh) with the built Debian package
# installed into overlays over /etc, /usr, /var, /run and /home: the real
# system is never changed.  Only as root with CI=true or NACCS_E2E=1;
# otherwise prints "skipped: ..." and exits 77.
#
# The package: BUILD_DIR/deb/naccs-auth_*.deb (tests/project/test_deb.sh leaves it
# there) when it is newer than every file of the source tree (tests/,
# scripts/ and .ci/ aside: not in the package), else built here from a copy
# of the tree (tests/project/debbuild.sh) and kept there.
# NACCS_E2E_REBUILD=1 always builds; NACCS_E2E_DEB=FILE installs FILE as it
# is.  NACCS_E2E_TESTS="nss su" runs only those files.
#
# Output: each file's ok / not ok lines, one line per file as
# scripts/summary.sh prints them, and last "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${BUILD_DIR:-_build}}
if [ "$(id -u)" -ne 0 ] || { [ "${CI:-}" != true ] && [ "${NACCS_E2E:-}" != 1 ]; }; then
	echo "skipped: needs root and CI=true or NACCS_E2E=1"
	exit 77
fi
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
export NACCS_TOP_SRCDIR=$top NACCS_TOP_BUILDDIR=$build
. "$top/tests/project/debbuild.sh"

pass=0
fail=0
logdir=$build/tests/e2e
mkdir -p "$logdir"

# ---- the package
deb=$(ls -t "$build"/deb/naccs-auth_*_*.deb 2>/dev/null | head -1)
stale=
if [ -n "${NACCS_E2E_DEB:-}" ]; then
	deb=$NACCS_E2E_DEB # the caller's package, as it is
elif [ -n "$deb" ] && [ "${NACCS_E2E_REBUILD:-}" != 1 ]; then
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		stale=$(cd "$top" && git ls-files -co --exclude-standard -z -- . \
			':!tests/' ':!scripts/' ':!.ci/' |
			xargs -0 -r find 2>/dev/null -maxdepth 0 -type f -newer "$deb" | head -1)
	else
		stale=$(find "$top" -path "$build" -prune -o -path "$top/tests" -prune \
			-o -path "$top/scripts" -prune -o -type f -newer "$deb" -print | head -1)
	fi
fi
if [ -z "${NACCS_E2E_DEB:-}" ] && { [ -z "$deb" ] || [ -n "$stale" ] ||
	[ "${NACCS_E2E_REBUILD:-}" = 1 ]; }; then
	echo "# building the package (dpkg-buildpackage -us -uc -b; ${stale:+$stale changed; }minutes)"
	work=$(mktemp -d "${TMPDIR:-/tmp}/naccs-e2e-deb.XXXXXX")
	if naccs_deb_build "$top" "$work" && naccs_deb_keep "$work" "$build/deb"; then
		echo "ok - the package builds (dpkg-buildpackage -us -uc -b)"
		pass=$((pass + 1))
	else
		echo "not ok - the package builds (dpkg-buildpackage -us -uc -b)"
		tail -40 "$work/build.log" 2>/dev/null | sed 's/^/#   /'
		fail=$((fail + 1))
		rm -rf "$work"
		echo "$pass passed, $fail failed"
		exit 1
	fi
	rm -rf "$work"
	deb=$(ls -t "$build"/deb/naccs-auth_*_*.deb | head -1)
else
	echo "# reusing $deb"
fi
export NACCS_E2E_DEB=$deb

# ---- the tests, one namespace each
status=0
results=()
for t in "$top"/tests/e2e/test_*.sh; do
	name=$(basename "$t" .sh)
	if [ -n "${NACCS_E2E_TESTS:-}" ] && ! [[ " $NACCS_E2E_TESTS " == *" ${name#test_} "* ]]; then
		continue
	fi
	log=$logdir/$name.log
	echo "# ---- tests/e2e/$name"
	# Each file has its own time limit; the namespace dies with it.
	timeout -k 10 "${NACCS_E2E_TIMEOUT:-300}" /bin/bash "$t" >"$log" 2>&1
	rc=$?
	grep -E '^(ok|not ok) |^# ' "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
	n=$(echo "$line" | awk '{print $1+0}')
	f=$(echo "$line" | awk '{print $3+0}')
	case $rc in
	0) res=PASS ;;
	77) res=SKIP ;;
	*)
		res=FAIL
		status=1
		# A file that died without its closing line (or timed out:
		# exit 124) still counts once.
		[ "${f:-0}" -eq 0 ] && f=1
		echo "# $name exited $rc; the end of its log:"
		tail -25 "$log" | sed 's/^/#   /'
		;;
	esac
	pass=$((pass + ${n:-0}))
	fail=$((fail + ${f:-0}))
	results+=("$(printf '%-5s %-28s %s' "$res" "tests/e2e/$name" "$line")")
done
echo "== end-to-end results =="
printf '%s\n' "${results[@]}"
[ "$fail" -eq 0 ] || status=1
echo "$pass passed, $fail failed"
exit $status
