# Shared helpers for the shell tests: TAP-like lines and a closing
# "N passed, N failed" summary (", N skipped" when checks were skipped).
: "${NACCS_TOP_BUILDDIR:?run through make check}"
: "${NACCS_TOP_SRCDIR:?run through make check}"
T_PASS=0
T_FAIL=0
T_SKIP=0
T_N=0

ok() { # ok DESCRIPTION COMMAND...
	local desc=$1
	shift
	T_N=$((T_N + 1))
	if "$@"; then
		T_PASS=$((T_PASS + 1))
		echo "ok $T_N - $desc"
	else
		T_FAIL=$((T_FAIL + 1))
		echo "not ok $T_N - $desc"
	fi
}

# needs_test_hooks WHAT: exit 77 (skipped, saying why) in a build configured
# without --enable-test-hooks, which honours none of the NACCS_TEST_*
# variables (WHAT: the ones the test needs).
needs_test_hooks() {
	if ! grep -q '^#define NACCS_TEST_HOOKS 1' "$NACCS_TOP_BUILDDIR/config.h"; then
		echo "needs a build configured with --enable-test-hooks ($1): skipped"
		exit 77
	fi
}

# skip DESCRIPTION REASON: checks that cannot run here, reported as skipped
# with the reason (TAP "# SKIP"), never counted as passed.
skip() {
	T_N=$((T_N + 1))
	T_SKIP=$((T_SKIP + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# expect_rc CODE DESCRIPTION COMMAND...: the command exits with CODE.
expect_rc() {
	local want=$1 desc=$2 rc
	shift 2
	"$@" >"$T_OUT" 2>&1
	rc=$?
	T_N=$((T_N + 1))
	if [ "$rc" -eq "$want" ]; then
		T_PASS=$((T_PASS + 1))
		echo "ok $T_N - $desc"
	else
		T_FAIL=$((T_FAIL + 1))
		echo "not ok $T_N - $desc (exit $rc, expected $want)"
		sed 's/^/#   /' "$T_OUT"
	fi
}

# out_has TEXT: the last expect_rc output contains TEXT.
out_has() { grep -qF -- "$1" "$T_OUT"; }

finish() {
	if [ "$T_SKIP" -gt 0 ]; then
		echo "$T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	else
		echo "$T_PASS passed, $T_FAIL failed"
	fi
	[ "$T_FAIL" -eq 0 ]
}

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/naccs-sh.XXXXXX")
T_OUT=$T_TMP/.out
trap 'rm -rf "$T_TMP"' EXIT

# use_sandbox: scripts/sandbox.sh on this build (sb_init, sb_ctl, sb_pam,
# sb_issue...).
use_sandbox() {
	# shellcheck disable=SC2034 # read by scripts/sandbox.sh
	SB_BUILD=$NACCS_TOP_BUILDDIR
	. "${NACCS_TOP_SRCDIR}/scripts/sandbox.sh"
}

# sb_init_cheap [MORE]: sb_init in $T_TMP/sb with cheap argon2id
# parameters ([hash] memory_kib = 1024, time_cost = 1) and MORE config
# lines after them (after use_sandbox).
sb_init_cheap() {
	local hash='[hash]
memory_kib = 1024
time_cost = 1'
	if [ $# -gt 0 ]; then
		sb_init "$T_TMP/sb" "$hash
$1"
	else
		sb_init "$T_TMP/sb" "$hash"
	fi
}

# sb_conf_keep: remember the sandbox's naccs.conf as it is now (SB_KEPT)
# and the number of the first line of a section sb_conf_section appends to
# it (SB_LINE1).
sb_conf_keep() {
	SB_KEPT=$(cat "$SB_CONF")
	SB_LINE1=$(($(printf '%s\n' "$SB_KEPT" | wc -l) + 2))
}

# sb_conf_section SECTION LINES: the sandbox's naccs.conf (0600) is the kept
# text with a [SECTION] of these lines after it.
sb_conf_section() {
	printf '%s\n[%s]\n%s\n' "$SB_KEPT" "$1" "$2" >"$SB_CONF"
	chmod 0600 "$SB_CONF"
}

# man_conf_keys PAGE: "section.key" of every key term of a naccs.conf(5)
# page (English or Japanese): a .TP whose term starts with the key, under
# .SS "[section]"; sorted, once each.
man_conf_keys() {
	awk '/^\.SS/ { sec = ""; if (match($0, /\[[a-z0-9_]+\]/)) sec = substr($0, RSTART + 1, RLENGTH - 2); next }
	     /^\.SH/ { sec = ""; next }
	     /^\.TP/ { term = 1; next }
	     term { term = 0; line = $0; sub(/^\.[A-Z]+[ \t]+/, "", line); gsub(/"/, "", line);
	            split(line, w, /[ \t=]+/); if (sec != "" && w[1] != "") print sec "." w[1] }' "$1" | sort -u
}

# needs_tools TOOL...: exit 77 (skipped, saying which) when one of the
# programs is not installed.
needs_tools() {
	local tool
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null; then
			echo "$tool not installed: skipped"
			exit 77
		fi
	done
}

# needs_nss_wrapper: exit 77 (skipped) without nss_wrapper.
needs_nss_wrapper() {
	if [ -z "${NSS_WRAPPER_LIBS:-}" ] || [ ! -e "${NSS_WRAPPER_LIBS%% *}" ]; then
		echo "nss_wrapper not available: skipped"
		exit 77
	fi
}
