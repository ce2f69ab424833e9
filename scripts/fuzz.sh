#!/bin/bash
# Coverage-guided fuzzing of the parsers in common/ with libFuzzer: configures
# a build of the product's own library, common/libnaccs.la (the one
# pam_naccs.so and naccsctl link), in _build-fuzz/ (or $FUZZ_BUILD_DIR) with
# clang -fsanitize=fuzzer-no-link,address,undefined, links each
# fuzz/fuzz_<target>.c against it with -fsanitize=fuzzer (through the
# build's libtool, so the library's own dependencies come with it), then
# runs each for FUZZ_SECONDS (default 20) on a copy of fuzz/corpus/<target>/.
# Arguments name targets (default: all).  A target passes if libFuzzer exits
# 0; crashing inputs are kept in _build-fuzz/artifacts/<target>/ (add them to
# the seed corpus once fixed).  scripts/test.sh runs it for a few seconds a
# target (CI).  Exit 77 when clang or libFuzzer's runtime is missing.
# Ends with one line: N passed, N failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_BUILD_DIR:-$top/_build-fuzz}
seconds=${FUZZ_SECONDS:-20}
CC=${FUZZ_CC:-clang}
all_targets=(config phc name event proto)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

case $seconds in
'' | *[!0-9]*)
	echo "fuzz: FUZZ_SECONDS must be a whole number of seconds"
	exit 2
	;;
esac
for t in "${targets[@]}"; do
	if [ ! -f "$top/fuzz/fuzz_$t.c" ]; then
		echo "fuzz: no target '$t' (targets: ${all_targets[*]})"
		exit 2
	fi
done

if ! command -v "$CC" >/dev/null; then
	echo "fuzz: $CC not installed (Debian: apt-get install clang libclang-rt-14-dev): skipped"
	exit 77
fi
mkdir -p "$out"
# libFuzzer's runtime comes in a separate package (libclang-rt-N-dev).
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return d == NULL && n > 0; }' \
	>"$out/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$out/probe.c" -o "$out/probe" \
	>"$out/probe.log" 2>&1; then
	echo "fuzz: $CC cannot link libFuzzer (Debian: apt-get install libclang-rt-14-dev): skipped"
	sed 's/^/#   /' "$out/probe.log" | head -5
	exit 77
fi

# The product's library, configured and built as the product's, with the
# fuzzer's instrumentation (configured again when the flags change).
fuzz_cflags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
	(cd "$top" && ./autogen.sh >/dev/null) || exit 1
fi
if [ ! -f "$out/Makefile" ] || [ "$top/configure" -nt "$out/Makefile" ] ||
	[ "$(cat "$out/fuzz.flags" 2>/dev/null)" != "$CC $fuzz_cflags" ]; then
	rm -f "$out/fuzz.flags"
	if ! (cd "$out" && "$top/configure" CC="$CC" CFLAGS="$fuzz_cflags" \
		--disable-tests >configure.out 2>&1); then
		echo "fuzz: configure failed; log $out/configure.out"
		tail -5 "$out/configure.out" | sed 's/^/#   /'
		exit 1
	fi
	echo "$CC $fuzz_cflags" >"$out/fuzz.flags"
fi
echo "fuzz: building common/libnaccs.la and ${targets[*]} in $out"
if ! make -C "$out" -s -j"$(nproc)" common/libnaccs.la >"$out/make.out" 2>&1; then
	echo "fuzz: cannot build common/libnaccs.la; log $out/make.out"
	tail -5 "$out/make.out" | sed 's/^/#   /'
	exit 1
fi
cflags=(-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
	-Wall -Wextra -Wno-unused-parameter -I"$out" -I"$top/common" -I"$top/fuzz")

pass=0
fail=0
for t in "${targets[@]}"; do
	bin=$out/fuzz_$t
	if ! "$out/libtool" --silent --tag=CC --mode=link "$CC" "${cflags[@]}" \
		-fsanitize=fuzzer,address,undefined "$top/fuzz/fuzz_$t.c" \
		"$out/common/libnaccs.la" -o "$bin" >"$out/fuzz_$t.build" 2>&1; then
		sed 's/^/#   /' "$out/fuzz_$t.build" | head -20
		echo "fuzz_$t: build failed"
		fail=$((fail + 1))
		continue
	fi
	corpus=$out/corpus/$t
	artifacts=$out/artifacts/$t
	rm -rf "$corpus" "$artifacts"
	mkdir -p "$corpus" "$artifacts"
	cp "$top/fuzz/corpus/$t"/* "$corpus/"
	log=$out/fuzz_$t.log
	"$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	crashes=$(find "$artifacts" -type f | wc -l)
	echo "fuzz_$t: ${runs:-0} runs, $crashes crashes"
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "fuzz_$t: libFuzzer exited $rc; log $log"
		grep -E 'ERROR|SUMMARY|invariant|Test unit written' "$log" | head -10 | sed 's/^/#   /'
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
