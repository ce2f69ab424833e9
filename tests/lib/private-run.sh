#!/bin/sh
# private-run.sh COMMAND...: run one test (make check's LOG_COMPILER and
# SH_LOG_COMPILER) with a private temporary directory of its own (0700,
# under $TMPDIR or /tmp), removed afterwards: NACCS_FIXTURE_ROOT, where the
# PAM tests keep their fixtures (tests/lib/testutil.h, tu_fixture_dir), and
# PAM_WRAPPER_SERVICE_DIR, a copy of the build's tests/lib/services whose conf=
# (and passdb=) arguments name that directory.  The module's trust checks walk every
# directory above a configuration file: a build tree made with umask 002
# (group writable) would fail them, a private directory in /tmp (sticky)
# does not.  Exit status: the test's.
: "${NACCS_TOP_BUILDDIR:?run through make check}"
root=$(mktemp -d "${TMPDIR:-/tmp}/naccs-check.XXXXXX") || exit 99
chmod 0700 "$root"
mkdir "$root/services" || exit 99
for f in "$NACCS_TOP_BUILDDIR"/tests/lib/services/*; do
	case $f in
	*.in) continue ;;
	esac
	[ -f "$f" ] || continue
	sed "s|=$NACCS_TOP_BUILDDIR/tests/|=$root/|g" "$f" >"$root/services/${f##*/}" || exit 99
done
NACCS_FIXTURE_ROOT=$root
PAM_WRAPPER_SERVICE_DIR=$root/services
export NACCS_FIXTURE_ROOT PAM_WRAPPER_SERVICE_DIR
"$@"
rc=$?
chmod -R u+rwX "$root" 2>/dev/null
rm -rf "$root"
exit $rc
