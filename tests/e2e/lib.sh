# End-to-end suite (issue #11): real programs (pamtester, su, login,
# getent, sshd) against naccs-auth installed the way an administrator
# installs it — the built naccs-auth_*.deb through dpkg -i (its maintainer
# scripts, the ldconfig trigger), pam-auth-update --enable naccs, naccsctl
# init with the package's default paths, naccs in /etc/nsswitch.conf.
#
# Nothing on the real system changes, even if a test is killed: a test file
# that sources this library runs itself again inside new mount, PID and
# network namespaces (unshare --mount --pid --net --fork --kill-child), where
#   - /etc, /usr (so /lib, /bin, /sbin on Debian 12's merged /usr), /var,
#     /run and /home are overlay file systems whose lower layer is the real
#     directory and whose upper layer lives on a tmpfs mounted in the
#     namespace: dpkg's database, pam.d, nsswitch.conf, the store, the audit
#     trail, utmp/wtmp and homes are written there and vanish with it;
#   - the network has only the loopback interface (up), so a daemon can only
#     listen on and be reached through loopback addresses;
#   - the test's shell is PID 1: when it exits (or is killed), the kernel
#     kills every process it started, and unshare --kill-child kills it when
#     the runner is killed.
# The trap (e2e_cleanup) still kills the processes registered with e2e_bg
# and unmounts everything in order.
#
# Use (a test file tests/e2e/test_NAME.sh):
#
#   . "$(dirname "$0")/lib.sh"     # re-executes the file inside the namespace
#   e2e_setup ["extra naccs.conf text"]
#   otp=$(e2e_issue ABCDE 001 [naccsctl user add options...])
#   ok "description" COMMAND...    # from tests/lib/lib.sh (also expect_rc,
#   expect_rc 0 "..." COMMAND...   # out_has, finish)
#   finish
#
# Environment: NACCS_TOP_SRCDIR, NACCS_TOP_BUILDDIR (set by run.sh, or
# guessed: the source tree above this file, BUILD_DIR or _build), and
# NACCS_E2E_DEB (the .deb to install; run.sh sets it; else the newest
# naccs-auth_*.deb in $NACCS_TOP_BUILDDIR/deb/).  Runs only as root with
# CI=true or NACCS_E2E=1; otherwise exits 77 (skipped) with the reason.
#
# Functions (stable interface; other test files build on it):
#   e2e_setup [CONF_TEXT]     install the package, enable the profile, write
#                             /etc/naccs/naccs.conf (the example, cheap
#                             hashing for speed, no fail delay, CONF_TEXT
#                             appended), naccsctl init, naccs in nsswitch.conf
#   e2e_conf TEXT             append TEXT (INI lines, with their [section])
#                             to /etc/naccs/naccs.conf
#   e2e_ctl ARGS...           the installed naccsctl (/usr/sbin/naccsctl)
#   e2e_issue CODE NUM [ARGS] naccsctl user add --user-code CODE --id-number
#                             NUM ARGS...; prints the one-time password
#                             (empty output and exit 1 on failure)
#   e2e_issue_shared LOGIN [ARGS...]
#                             naccsctl user add --shared --approval
#                             E2E-APPROVAL --login LOGIN ARGS... (e.g.
#                             --admin, --adopt-local); prints the one-time
#                             password
#   e2e_login CODE NUM        the canonical login of CODE/NUM (abcde-001)
#   e2e_uid LOGIN             the uid naccsctl gave LOGIN
#   e2e_set_password LOGIN OLD NEW
#                             the forced change as login makes it: pamtester
#                             authenticate with OLD (the one-time password),
#                             chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK) with OLD
#                             and NEW twice, through the e2e-chauthtok
#                             service (the common stacks); then LOGIN logs in
#                             with NEW and no change is pending
#   e2e_pam_service NAME      writes /etc/pam.d/NAME: @include common-auth,
#                             common-account, common-password,
#                             common-session (what pam-auth-update wrote)
#   e2e_pamtester SERVICE USER INPUT OP...
#                             pamtester -v SERVICE USER OP..., INPUT typed
#                             on stdin (one line per prompt), output on
#                             stdout (with stderr)
#   e2e_as_cmd LOGIN [LOGINUID]
#                             a shell command prefix for e2e_pty's CMD:
#                             what e2e_as does, as text
#   e2e_as LOGIN CMD...       run CMD as LOGIN as after a real login: real
#                             and effective uid and gid, the groups of
#                             initgroups (through NSS), the audit login uid
#                             (/proc/self/loginuid) set to LOGIN's uid,
#                             HOME, USER, LOGNAME
#   e2e_pty CMD [PATTERN SEND]...
#                             run the shell command CMD on a pseudo-terminal
#                             (expect): wait for each PATTERN (an expect
#                             glob, anywhere in the output) and type SEND
#                             and Enter; then wait for the end.  Prints the
#                             whole dialogue; exits with CMD's exit code,
#                             124 when a PATTERN did not come within
#                             E2E_PTY_TIMEOUT seconds (default 30), 125
#                             when CMD ended before a PATTERN came
#   e2e_audit_has TEXT...     the audit trail has a line holding every TEXT
#   e2e_bg PID                register a background process: killed by
#                             e2e_cleanup
#   e2e_cleanup               kill registered processes, unmount (the trap)
#   E2E_TMP                   a scratch directory on the namespace's tmpfs
#   E2E_PW                    a strong password the policy accepts
#                             (E2E_PW2, E2E_PW3: two more)

: "${NACCS_TOP_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
if [ -z "${NACCS_TOP_BUILDDIR:-}" ]; then
	NACCS_TOP_BUILDDIR=${BUILD_DIR:-$NACCS_TOP_SRCDIR/_build}
fi
NACCS_TOP_BUILDDIR=$(cd "$NACCS_TOP_BUILDDIR" 2>/dev/null && pwd || echo "$NACCS_TOP_BUILDDIR")
export NACCS_TOP_SRCDIR NACCS_TOP_BUILDDIR

# ---- outside the namespace: check, find the package, run the file inside
if [ -z "${NACCS_E2E_INSIDE:-}" ]; then
	if [ "$(id -u)" -ne 0 ] || { [ "${CI:-}" != true ] && [ "${NACCS_E2E:-}" != 1 ]; }; then
		echo "skipped: needs root and CI=true or NACCS_E2E=1"
		exit 77
	fi
	for _e2e_tool in unshare dpkg pam-auth-update pamtester expect; do
		if ! command -v "$_e2e_tool" >/dev/null; then
			echo "not ok 1 - $_e2e_tool is missing (bash scripts/deps.sh installs it)"
			echo "0 passed, 1 failed"
			exit 1
		fi
	done
	if [ -z "${NACCS_E2E_DEB:-}" ]; then
		NACCS_E2E_DEB=$(ls -t "$NACCS_TOP_BUILDDIR"/deb/naccs-auth_*_*.deb 2>/dev/null | head -1)
	fi
	if [ ! -f "${NACCS_E2E_DEB:-}" ]; then
		echo "not ok 1 - no naccs-auth_*.deb in $NACCS_TOP_BUILDDIR/deb (tests/e2e/run.sh builds it)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	NACCS_E2E_DEB=$(cd "$(dirname "$NACCS_E2E_DEB")" && pwd)/$(basename "$NACCS_E2E_DEB")
	export NACCS_E2E_DEB
	# The tmpfs is mounted on this (empty) directory inside the namespace
	# only; the directory itself is all the real system sees, removed after.
	_e2e_root=$(mktemp -d /tmp/naccs-e2e.XXXXXX) || exit 1
	NACCS_E2E_INSIDE=$_e2e_root unshare --mount --pid --net --fork --kill-child \
		--mount-proc --propagation private -- /bin/bash "$0" "$@"
	_e2e_rc=$?
	rmdir "$_e2e_root" 2>/dev/null || rm -rf "$_e2e_root"
	exit "$_e2e_rc"
fi

# ---- inside the namespace
E2E_ROOT=$NACCS_E2E_INSIDE
E2E_PIDS=()
E2E_MOUNTS=()
E2E_PW='Kq7-vJ2p!wZ4m'
E2E_PW2='Tr8#nMx5@qLa2'
E2E_PW3='Hw3$zPe9^cVb6'
E2E_CONF=/etc/naccs/naccs.conf

# Mount the tmpfs first: tests/lib/lib.sh puts its scratch directory (T_TMP)
# under TMPDIR, here on the tmpfs.
if ! mount -t tmpfs -o mode=0755 naccs-e2e "$E2E_ROOT"; then
	echo "not ok 1 - mount a tmpfs in the private namespace"
	echo "0 passed, 1 failed"
	exit 1
fi
E2E_MOUNTS+=("$E2E_ROOT")
mkdir -p "$E2E_ROOT/tmp" "$E2E_ROOT/scratch"
chmod 1777 "$E2E_ROOT/tmp"
export TMPDIR=$E2E_ROOT/tmp
E2E_TMP=$E2E_ROOT/scratch
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"

# show: the last expect_rc output as comment lines (for the log).
show() { sed 's/^/#   /' "$T_OUT"; }

# running PID: the process is there and no zombie; gone PID: it is not.
running() { [ -r "/proc/$1/stat" ] && ! grep -q ') Z ' "/proc/$1/stat"; }
gone() { ! running "$1"; }

# wait_text TEXT FILE TRIES: until FILE holds TEXT, at most TRIES times
# 0.2 s; wait_gone PID TRIES: until the process PID is gone, likewise.
wait_text() {
	local _
	for _ in $(seq 1 "$3"); do
		grep -q "$1" "$2" && return 0
		sleep 0.2
	done
	return 1
}
wait_gone() {
	local _
	for _ in $(seq 1 "$2"); do
		running "$1" || return 0
		sleep 0.2
	done
	return 1
}

# e2e_bg PID: killed by e2e_cleanup.
e2e_bg() { E2E_PIDS+=("$1"); }

e2e_cleanup() {
	local pid i
	for pid in "${E2E_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${E2E_PIDS[@]}"; do
		for i in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
	done
	E2E_PIDS=()
	cd /
	for ((i = ${#E2E_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -l "${E2E_MOUNTS[$i]}" 2>/dev/null
	done
	E2E_MOUNTS=()
}
trap e2e_cleanup EXIT

# _e2e_overlay DIR: DIR becomes an overlay: the real DIR below, writes
# to the namespace's tmpfs.
_e2e_overlay() {
	local dir=$1 name
	name=$(echo "$dir" | tr / _)
	mkdir -p "$E2E_ROOT/ov/$name/upper" "$E2E_ROOT/ov/$name/work" || return 1
	mount -t overlay "overlay-e2e$name" \
		-o "lowerdir=$dir,upperdir=$E2E_ROOT/ov/$name/upper,workdir=$E2E_ROOT/ov/$name/work" \
		"$dir" || return 1
	E2E_MOUNTS+=("$dir")
}

# e2e_conf TEXT: appended to the installed configuration.
e2e_conf() { printf '%s\n' "$1" >>"$E2E_CONF"; }

e2e_ctl() { /usr/sbin/naccsctl "$@"; }

# e2e_issue CODE NUM [ARGS...]: the one-time password of the new ID.
e2e_issue() {
	local code=$1 num=$2 out otp
	shift 2
	out=$(e2e_ctl --json user add --user-code "$code" --id-number "$num" "$@" 2>&1)
	otp=$(printf '%s' "$out" | sed -n 's/.*"one_time_password":"\([^"]*\)".*/\1/p')
	if [ -z "$otp" ]; then
		printf '%s\n' "$out" | sed 's/^/# e2e_issue: /' >&2
		return 1
	fi
	printf '%s\n' "$otp"
}

# e2e_issue_shared LOGIN [ARGS...]: a shared ID; its one-time password.
e2e_issue_shared() {
	local login=$1 out otp
	shift
	out=$(e2e_ctl --json user add --shared --approval E2E-APPROVAL --login "$login" "$@" 2>&1)
	otp=$(printf '%s' "$out" | sed -n 's/.*"one_time_password":"\([^"]*\)".*/\1/p')
	if [ -z "$otp" ]; then
		printf '%s\n' "$out" | sed 's/^/# e2e_issue_shared: /' >&2
		return 1
	fi
	printf '%s\n' "$otp"
}

# e2e_login CODE NUM: the canonical login (the default lower-dash format).
e2e_login() { printf '%s-%s\n' "$(printf '%s' "$1" | tr 'A-Z' 'a-z')" "$2"; }

# e2e_uid LOGIN: the uid of an ID.
e2e_uid() { e2e_ctl --json user show "$1" | sed -n 's/.*"uid":\([0-9]*\).*/\1/p'; }

# e2e_pam_service NAME: a service that uses the stacks pam-auth-update wrote.
e2e_pam_service() {
	cat >"/etc/pam.d/$1" <<EOT
# naccs-auth end-to-end test: the administrator's common stacks
@include common-auth
@include common-account
@include common-password
@include common-session
EOT
}

# e2e_pamtester SERVICE USER INPUT OP...: real libpam, real stacks.
e2e_pamtester() {
	local service=$1 user=$2 input=$3
	shift 3
	printf '%s\n' "$input" | pamtester -v "$service" "$user" "$@" 2>&1
}

# e2e_set_password LOGIN OLD NEW: log in with OLD (the one-time password)
# and make the forced change to NEW, as a login does.
e2e_set_password() {
	[ -f /etc/pam.d/e2e-chauthtok ] || e2e_pam_service e2e-chauthtok
	e2e_pamtester e2e-chauthtok "$1" "$2
$2
$3
$3" authenticate "chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)" >"$E2E_TMP/set_password.out"
}

# e2e_as_cmd LOGIN [LOGINUID]: a shell command prefix (for e2e_pty's CMD)
# that becomes LOGIN as a login leaves a process: the audit login uid
# (LOGINUID, default LOGIN's uid), real and effective uid and gid, the
# groups of initgroups (through NSS), HOME, USER, LOGNAME.
e2e_as_cmd() {
	local login=$1 uid gid home
	uid=$(id -u "$login") && gid=$(id -g "$login") || return 1
	home=$(getent passwd "$login" | cut -d: -f6)
	printf 'echo %s >/proc/self/loginuid && exec setpriv --reuid=%s --regid=%s --init-groups -- env HOME=%s USER=%s LOGNAME=%s' \
		"${2:-$uid}" "$uid" "$gid" "$home" "$login" "$login"
}

# e2e_as LOGIN CMD...: run CMD as LOGIN (see e2e_as_cmd).
e2e_as() {
	local login=$1 prefix
	shift
	prefix=$(e2e_as_cmd "$login") || return 1
	/bin/sh -c "$prefix \"\$@\"" _ "$@"
}

# e2e_pty CMD [PATTERN SEND]...: a dialogue on a pseudo-terminal.
e2e_pty() {
	expect -f - -- "${E2E_PTY_TIMEOUT:-30}" "$@" <<'EOT'
set timeout [lindex $argv 0]
set cmd [lindex $argv 1]
log_user 1
spawn -noecho /bin/sh -c $cmd
foreach {pat answer} [lrange $argv 2 end] {
	expect {
		-gl $pat { send -- "$answer\r" }
		timeout { puts "\n# e2e_pty: timeout waiting for: $pat"; exit 124 }
		eof { puts "\n# e2e_pty: the program ended before: $pat"; catch wait r; exit 125 }
	}
}
expect {
	timeout { puts "\n# e2e_pty: timeout waiting for the end"; exit 124 }
	eof
}
lassign [wait] pid spawnid oserr code
exit $code
EOT
}

# e2e_audit_has TEXT...: some line of the audit trail holds every TEXT.
e2e_audit_has() {
	local f
	f=$(cat /var/log/naccs/*.jsonl 2>/dev/null)
	for t in "$@"; do
		f=$(printf '%s\n' "$f" | grep -F -- "$t") || return 1
	done
	[ -n "$f" ]
}

# e2e_setup [CONF_TEXT]: the machine as an administrator sets it up.
e2e_setup() {
	local d
	for d in /etc /usr /var /run /home; do
		if ! _e2e_overlay "$d"; then
			echo "not ok - overlay over $d"
			finish
			exit 1
		fi
	done
	ip link set lo up 2>/dev/null
	ok "namespace: overlays over /etc /usr /var /run /home, loopback only" \
		test -d "$E2E_ROOT/ov/_etc/upper"
	# dpkg -i: its database in /var/lib/dpkg (overlay), maintainer
	# scripts, the ldconfig trigger.  man-db's trigger (a whole mandb
	# run, tens of seconds) is turned off in the overlay: speed only.
	rm -f /var/lib/man-db/auto-update
	DEBIAN_FRONTEND=noninteractive dpkg -i "$NACCS_E2E_DEB" >"$E2E_TMP/dpkg.out" 2>&1
	local rc=$?
	ok "dpkg -i $(basename "$NACCS_E2E_DEB")" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$E2E_TMP/dpkg.out"
	ok "  dpkg's database (in the overlay) lists naccs-auth installed" \
		sh -c "dpkg-query -W -f='\${Status}' naccs-auth | grep -q 'install ok installed'"
	ok "  postinst made /var/lib/naccs (0755) and /var/log/naccs (0700)" \
		sh -c '[ "$(stat -c %a /var/lib/naccs)" = 755 ] && [ "$(stat -c %a /var/log/naccs)" = 700 ]'
	ok "  ldconfig knows libnss_naccs.so.2" sh -c 'ldconfig -p | grep -q libnss_naccs.so.2'
	ok "  the profile is registered, not enabled" \
		sh -c '[ -f /usr/share/pam-configs/naccs ] && ! grep -q pam_naccs /etc/pam.d/common-auth'
	pam-auth-update --enable naccs >"$E2E_TMP/pam-auth-update.out" 2>&1
	ok "pam-auth-update --enable naccs" \
		sh -c 'grep -q pam_naccs.so /etc/pam.d/common-auth &&
		       grep -q pam_naccs.so /etc/pam.d/common-account &&
		       grep -q pam_naccs.so /etc/pam.d/common-password &&
		       grep -q pam_naccs.so /etc/pam.d/common-session'
	# The administrator's configuration: the example, with cheap hashing
	# (speed: the cost is not what these tests are about) and no fail
	# delay from the module.
	cp /etc/naccs/naccs.conf.example "$E2E_CONF" && chmod 0600 "$E2E_CONF"
	cat >>"$E2E_CONF" <<EOT

# ---- end-to-end test settings
[hash]
memory_kib = 4096
time_cost = 1
[auth]
fail_delay_ms = 0
${1:-}
EOT
	e2e_ctl config check >"$E2E_TMP/config-check.out" 2>&1
	rc=$?
	ok "naccsctl config check accepts the configuration" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$E2E_TMP/config-check.out"
	e2e_ctl init >"$E2E_TMP/init.out" 2>&1
	rc=$?
	ok "naccsctl init (default paths): /var/lib/naccs/naccs.db 0600" \
		sh -c "[ $rc -eq 0 ] && [ \"\$(stat -c %a /var/lib/naccs/naccs.db)\" = 600 ]"
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$E2E_TMP/init.out"
	sed -i -e 's/^\(passwd:.*\)$/\1 naccs/' -e 's/^\(group:.*\)$/\1 naccs/' /etc/nsswitch.conf
	ok "nsswitch.conf: passwd and group name naccs" \
		test "$(grep -c '^\(passwd\|group\):.* naccs$' /etc/nsswitch.conf)" = 2
}
