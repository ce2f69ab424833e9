#!/bin/bash
# Install what is missing, then run the whole test suite three ways:
#   1. a normal build with warnings as errors: make check
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build: make check
#   3. the C tests (PAM module included) under valgrind: make check-valgrind
#   4. the fuzz targets built with libFuzzer against the product's library
#      and fuzzed a few seconds each (scripts/fuzz.sh, FUZZ_SECONDS, default
#      here 5); skipped, saying so, without clang's libFuzzer runtime
#   5. (after 1) end to end with real programs: tests/e2e/run.sh installs the
#      Debian package into overlays in a private namespace and drives
#      pamtester, su, login, getent...; only as root with CI=true or
#      NACCS_E2E=1, else skipped (counted nothing)
# Ends with one line for all of it: N passed, N failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/deps.sh --test || exit 1

status=0
total_pass=0
total_fail=0
phase() { # phase NAME BUILDDIR CONFIGURE_FLAGS MAKE_TARGET
	local name=$1 dir=$2 flags=$3 target=$4 line
	echo
	echo "==== $name ===="
	if ! BUILD_DIR=$dir CONFIGURE_FLAGS=$flags bash scripts/build.sh; then
		echo "$name: build failed"
		total_fail=$((total_fail + 1))
		status=1
		return
	fi
	(cd "$dir" && find tests -name '*.log' -o -name '*.trs' | xargs -r rm -f &&
		make -j"$(nproc)" "$target" >make-check.out 2>&1) || status=1
	bash scripts/summary.sh "$dir" >"$dir/summary.out"
	cat "$dir/summary.out"
	line=$(tail -1 "$dir/summary.out")
	total_pass=$((total_pass + $(echo "$line" | awk '{print $1}')))
	total_fail=$((total_fail + $(echo "$line" | awk '{print $3}')))
}
# e2e_phase BUILDDIR: tests/e2e/run.sh, counted like a phase (its last line
# is "N passed, N failed"); skipped without root and CI=true/NACCS_E2E=1.
e2e_phase() {
	local dir=$1 line rc
	echo
	echo "==== end to end (real programs) ===="
	bash tests/e2e/run.sh "$dir" | tee "$dir/e2e.out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 77 ]; then
		return
	fi
	[ "$rc" -eq 0 ] || status=1
	line=$(tail -1 "$dir/e2e.out")
	if ! echo "$line" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
		total_fail=$((total_fail + 1))
		status=1
		return
	fi
	total_pass=$((total_pass + $(echo "$line" | awk '{print $1}')))
	total_fail=$((total_fail + $(echo "$line" | awk '{print $3}')))
}
# fuzz_phase: scripts/fuzz.sh for a short run of each target, counted like
# a phase; exit 77 (no clang or libFuzzer runtime) is a skip, said so.
fuzz_phase() {
	local line rc out=${FUZZ_BUILD_DIR:-$top/_build-fuzz}
	echo
	echo "==== fuzzing (libFuzzer, ${FUZZ_SECONDS:-5} s a target) ===="
	mkdir -p "$out"
	FUZZ_SECONDS=${FUZZ_SECONDS:-5} bash scripts/fuzz.sh | tee "$out/fuzz.out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 77 ]; then
		echo "fuzzing: skipped (see the reason above)"
		return
	fi
	[ "$rc" -eq 0 ] || status=1
	line=$(tail -1 "$out/fuzz.out")
	if ! echo "$line" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
		total_fail=$((total_fail + 1))
		status=1
		return
	fi
	total_pass=$((total_pass + $(echo "$line" | awk '{print $1}')))
	total_fail=$((total_fail + $(echo "$line" | awk '{print $3}')))
}
phase "make check (-Werror)" _build "" check
e2e_phase _build
phase "make check (AddressSanitizer + UBSan)" _build-san "--enable-sanitizers" check
phase "make check-valgrind (C tests under valgrind)" _build "" check-valgrind
fuzz_phase

echo
[ "$total_fail" -eq 0 ] || status=1
echo "total: $total_pass passed, $total_fail failed"
exit $status
