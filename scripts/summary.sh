#!/bin/bash
# Print the results of `make check` in BUILDDIR: each test's status, the
# cmocka and shell-test closing lines (for a skipped test, the reason it
# gave), the checks skipped inside a test with their reasons (tests/lib/lib.sh
# skip), failing logs, and one final line.
builddir=${1:-.}
cd "$builddir" || exit 1
pass=0
fail=0
skipped_tests=0
skipped_checks=0
echo "== test results =="
for trs in $(find tests -name '*.trs' | sort); do
	log=${trs%.trs}.log
	res=$(sed -n 's/^:test-result: //p' "$trs")
	name=${trs%.trs}
	detail=$(grep -hE '^\[  (PASSED|FAILED)  \]|^[0-9]+ passed, [0-9]+ failed' "$log" | tr '\n' ' ')
	if [ "$res" = SKIP ]; then
		# The reason: the test's last line before automake's own.
		detail=$(grep -v -e '^SKIP ' -e '^[[:space:]]*$' "$log" | tail -1)
		detail=${detail:-(no reason given)}
		skipped_tests=$((skipped_tests + 1))
	fi
	printf '%-5s %-40s %s\n' "$res" "$name" "$detail"
	if [ "$res" != SKIP ]; then
		while IFS= read -r line; do
			line=${line#ok * - }
			printf '      skipped: %s (%s)\n' "${line%% # SKIP *}" "${line#* # SKIP }"
			skipped_checks=$((skipped_checks + 1))
		done < <(grep -E '^ok [0-9]+ - .* # SKIP ' "$log")
	fi
	n=$(grep -hoE '^\[  PASSED  \] [0-9]+' "$log" | awk '{s+=$NF} END {print s+0}')
	m=$(grep -hoE '^[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
	pass=$((pass + n + m))
	f=$(grep -hoE '^\[  FAILED  \] [0-9]+' "$log" | awk '{s+=$NF} END {print s+0}')
	g=$(grep -hoE ', [0-9]+ failed' "$log" | awk '{s+=$2} END {print s+0}')
	fail=$((fail + f + g))
	# A test that crashed or failed without a closing line still counts once.
	case "$res" in
	PASS | SKIP | XFAIL) ;;
	*) [ $((f + g)) -eq 0 ] && fail=$((fail + 1)) ;;
	esac
	if [ "$res" != PASS ] && [ "$res" != SKIP ]; then
		echo "---- $log ----"
		tail -40 "$log"
	fi
done
if [ $((skipped_tests + skipped_checks)) -gt 0 ]; then
	[ "$skipped_tests" -eq 1 ] && t=test || t=tests
	[ "$skipped_checks" -eq 1 ] && c=check || c=checks
	echo "$skipped_tests $t and $skipped_checks $c skipped (reasons above)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
