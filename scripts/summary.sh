#!/bin/bash
# Print the results of `make check` in BUILDDIR: each test's status, the
# cmocka and shell-test closing lines, failing logs, and one final line.
builddir=${1:-.}
cd "$builddir" || exit 1
pass=0
fail=0
echo "== test results =="
for trs in $(find tests -name '*.trs' | sort); do
	log=${trs%.trs}.log
	res=$(sed -n 's/^:test-result: //p' "$trs")
	name=${trs%.trs}
	detail=$(grep -hE '^\[  (PASSED|FAILED)  \]|^[0-9]+ passed, [0-9]+ failed' "$log" | tr '\n' ' ')
	printf '%-5s %-28s %s\n' "$res" "$name" "$detail"
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
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
