# A sandbox for the demo and the end-to-end tests: a temporary config, store
# and PAM service directory; pamtester and naccsctl run against them, PAM
# through pam_wrapper. Nothing outside the sandbox directory is touched.
# Source it with SB_BUILD (the build dir) set; then call sb_init DIR.

: "${SB_BUILD:?SB_BUILD must name the build directory}"
SB_CTL=$SB_BUILD/naccsctl/naccsctl
SB_MODULE=$SB_BUILD/pam_naccs/.libs/pam_naccs.so
SB_PAM_WRAPPER=$(pkg-config --libs pam_wrapper)

# sb_init DIR [extra config text]: write the config, the PAM service
# "naccs-sandbox" and create the audit trail (DIR/audit) and the store with
# naccsctl init.
sb_init() {
	SB_DIR=$1
	mkdir -p "$SB_DIR/pam.d" "$SB_DIR/etc" "$SB_DIR/home"
	chmod 0700 "$SB_DIR" "$SB_DIR/etc"
	SB_CONF=$SB_DIR/etc/naccs.conf
	# Homes go to the sandbox, never /home; only root can give a home to
	# another uid, so without root user add makes none.
	local create_home=yes
	[ "$(id -u)" -eq 0 ] || create_home=no
	cat >"$SB_CONF" <<EOT
# sandbox configuration (see etc/naccs.conf.example for every key)
[store]
path = $SB_DIR/state/naccs.db
[auth]
fail_delay_ms = 0
[identity]
home_base = $SB_DIR/home
create_home = $create_home
[audit]
dir = $SB_DIR/audit
${2:-}
EOT
	chmod 0600 "$SB_CONF"
	local args="conf=$SB_CONF owner=$(id -u)"
	cat >"$SB_DIR/pam.d/naccs-sandbox" <<EOT
auth     required $SB_MODULE $args nodelay
account  required $SB_MODULE $args
password required $SB_MODULE $args
session  required $SB_MODULE $args
EOT
	printf 'auth required pam_deny.so\naccount required pam_deny.so\npassword required pam_deny.so\n' \
		>"$SB_DIR/pam.d/other"
	# The output holds the audit trail's verification key (printed once):
	# kept in the sandbox for sb_audit_key.
	sb_ctl init >"$SB_DIR/init.out"
}

# sb_audit_key: the sandbox trail's verification key, as init printed it.
sb_audit_key() {
	sed -n '/verification key/{n;p;}' "$SB_DIR/init.out"
}

# sb_ctl ARGS...: naccsctl on the sandbox's config and store.
sb_ctl() {
	"$SB_CTL" --conf "$SB_CONF" --owner "$(id -u)" "$@"
}

# sb_issue ARGS...: issue an ID (naccsctl user add ARGS), print its
# one-time password.
sb_issue() {
	sb_ctl --json user add "$@" | sed -n 's/.*"one_time_password":"\([^"]*\)".*/\1/p'
}

# sb_pam USER PASSWORD OPERATION...: a real PAM conversation through
# pamtester (authenticate, acct_mgmt, chauthtok, ...); the password is typed
# on stdin (several lines answer several prompts, in order).
# With SB_SYSTEM_SERVICE=NAME set, the real libpam reads /etc/pam.d/NAME
# instead (no wrapper).
sb_pam() {
	local user=$1 pw=$2
	shift 2
	if [ -n "${SB_SYSTEM_SERVICE:-}" ]; then
		printf '%s\n' "$pw" | env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-}" \
			ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
			pamtester -v "$SB_SYSTEM_SERVICE" "$user" "$@" 2>&1
		return
	fi
	# Under a sanitizer build the ASan runtime must come first; pamtester's
	# own leaks are not ours to report.
	printf '%s\n' "$pw" | env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $SB_PAM_WRAPPER" PAM_WRAPPER=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		PAM_WRAPPER_SERVICE_DIR="$SB_DIR/pam.d" \
		pamtester -v naccs-sandbox "$user" "$@" 2>&1
}
