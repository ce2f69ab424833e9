#!/bin/bash
# Coverage-guided fuzzing of the parsers in common/ with libFuzzer: builds
# each fuzz/fuzz_<target>.c with clang -fsanitize=fuzzer,address,undefined
# (sources compiled directly, no autotools) into _build-fuzz/ (or
# $FUZZ_BUILD_DIR), then runs each for FUZZ_SECONDS (default 20) on a copy of
# fuzz/corpus/<target>/.  Arguments name targets (default: all).  A target
# passes if libFuzzer exits 0; crashing inputs are kept in
# _build-fuzz/artifacts/<target>/ (add them to the seed corpus once fixed).
# Exit 77 when clang or libFuzzer's runtime is missing.
# Ends with one line: N passed, N failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_BUILD_DIR:-$top/_build-fuzz}
seconds=${FUZZ_SECONDS:-20}
CC=${FUZZ_CC:-clang}
all_targets=(config phc name event)
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
if ! pkg_flags=$(pkg-config --cflags --libs libargon2 libsodium libcrypto 2>"$out/pkg.log"); then
	echo "fuzz: libraries missing (run scripts/deps.sh):"
	cat "$out/pkg.log"
	exit 1
fi

# The sources include config.h for the feature macros; configure is not run.
printf '%s\n' '/* scripts/fuzz.sh: what common/ needs from configure */' \
	'#define _GNU_SOURCE 1' '#define ENABLE_NLS 1' >"$out/config.h"
# The part of libnaccs the parsers need (no store, no PAM).
lib_sources=(naccs_err.c naccs_secret.c naccs_name.c naccs_trust.c naccs_path.c
	config_keys.c config_ini.c config_load.c naccs_utf8.c naccs_text.c naccs_num.c
	naccs_hash.c naccs_phc.c hash_libargon2.c hash_libsodium.c hash_openssl.c naccs_event.c)
cflags=(-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
	-Wall -Wextra -Wno-unused-parameter -I"$out" -I"$top/common" -I"$top/fuzz")

echo "fuzz: building ${targets[*]} in $out"
mkdir -p "$out/obj"
objs=()
for src in "${lib_sources[@]}"; do
	obj=$out/obj/${src%.c}.o
	# shellcheck disable=SC2046 # pkg-config prints several flags
	if ! "$CC" "${cflags[@]}" -fsanitize=fuzzer-no-link,address,undefined \
		$(pkg-config --cflags libargon2 libsodium libcrypto) \
		-c "$top/common/$src" -o "$obj"; then
		echo "fuzz: cannot compile common/$src"
		exit 1
	fi
	objs+=("$obj")
done

pass=0
fail=0
for t in "${targets[@]}"; do
	bin=$out/fuzz_$t
	# shellcheck disable=SC2086 # pkg_flags holds several flags
	if ! "$CC" "${cflags[@]}" -fsanitize=fuzzer,address,undefined \
		"$top/fuzz/fuzz_$t.c" "${objs[@]}" $pkg_flags -o "$bin"; then
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
