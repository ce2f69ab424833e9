#!/bin/bash
# The test summary (scripts/summary.sh) prints why a test was skipped, and
# the skip helper of tests/lib.sh reports a skipped check as skipped (TAP
# "# SKIP" with its reason), never as passed.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"

# A build directory with one test skipped as a whole, one passed with a
# skipped check, one passed.
b=$T_TMP/build
mkdir -p "$b/tests"
printf 'groff not installed (Debian: groff-base): skipped\nSKIP tests/test_a.sh (exit status: 77)\n' \
	>"$b/tests/test_a.log"
printf ':test-result: SKIP\n' >"$b/tests/test_a.trs"
# The second one's log comes from lib.sh itself, in a shell of its own.
(
	T_PASS=0 T_FAIL=0 T_SKIP=0 T_N=0
	ok "a check that ran" true
	skip "homes" "not root: only root can give a home to another uid"
	finish
) >"$b/tests/test_b.log"
printf ':test-result: PASS\n' >"$b/tests/test_b.trs"
printf 'ok 1 - x\n1 passed, 0 failed\nPASS tests/test_c.sh (exit status: 0)\n' >"$b/tests/test_c.log"
printf ':test-result: PASS\n' >"$b/tests/test_c.trs"

ok "skip: reported as '# SKIP' with the reason" \
	grep -qx 'ok 2 - homes # SKIP not root: only root can give a home to another uid' "$b/tests/test_b.log"
ok "skip: not counted as passed" grep -qx '1 passed, 0 failed, 1 skipped' "$b/tests/test_b.log"

expect_rc 0 "summary.sh over the three" bash "$NACCS_TOP_SRCDIR/scripts/summary.sh" "$b"
ok "  the skipped test with its reason" \
	grep -qE '^SKIP +tests/test_a +groff not installed \(Debian: groff-base\): skipped$' "$T_OUT"
ok "  the skipped check with its reason" \
	grep -qF 'skipped: homes (not root: only root can give a home to another uid)' "$T_OUT"
ok "  counted apart" grep -qx '1 test and 1 check skipped (reasons above)' "$T_OUT"
ok "  the closing line counts passes and failures only" grep -qx '2 passed, 0 failed' "$T_OUT"
sed 's/^/#   /' "$T_OUT"
finish
