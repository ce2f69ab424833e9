#!/bin/bash
# Every fuzz target (built with fuzz/driver.c) over its seed corpus: the
# parsers of untrusted and admin-supplied text must neither crash nor break
# an invariant on the valid and hostile inputs kept there.  In the sanitizer
# build the targets carry ASan/UBSan; under make check-valgrind they run
# under $NACCS_VALGRIND.  scripts/fuzz.sh does the real fuzzing.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"

corpus=$NACCS_TOP_SRCDIR/fuzz/corpus
# run TARGET INPUT...: the target ran every input and exited 0.
run() {
	local target=$1
	shift
	# shellcheck disable=SC2086 # NACCS_VALGRIND is a command line
	${NACCS_VALGRIND:-} "$NACCS_TOP_BUILDDIR/fuzz/fuzz_$target" "$@" >"$T_OUT" 2>&1
	local rc=$?
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T_OUT"
	return "$rc"
}

for target in config phc name event proto; do
	n=$(find "$corpus/$target" -maxdepth 1 -type f | wc -l)
	ok "fuzz_$target: seed corpus present ($n inputs)" test "$n" -gt 0
	ok "fuzz_$target: no crash or invariant failure over the corpus" run "$target" "$corpus/$target"
	ok "  every input ran" grep -q ": $n inputs run" "$T_OUT"
done
# The shipped example must stay a valid input of the config parser.
ok "fuzz_config: etc/naccs.conf.example" run config "$NACCS_TOP_SRCDIR/etc/naccs.conf.example"
finish
