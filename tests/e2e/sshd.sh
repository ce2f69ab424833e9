# The real OpenSSH server for the end-to-end suite (issue #11): Debian's
# /usr/sbin/sshd with a configuration, host key and PAM service of its own,
# listening on a loopback port only, driven by the real ssh client on a
# pseudo-terminal (expect, through e2e_pty of tests/e2e/lib.sh).  Sourced by
# tests/e2e/test_sshd.sh after lib.sh, inside the test's namespace.
#
#   sshd_setup                the key pairs, /run/sshd, the PAM service
#                             naccs-e2e-sshd (Debian's /etc/pam.d/sshd, the
#                             stacks pam-auth-update wrote) and the name the
#                             server runs under
#   sshd_start NAME PORT [CONFIG LINES]
#                             start a server (its log: $SSHD_DIR/NAME.log),
#                             wait until it listens; the lines are added to
#                             (and override: first match wins) its config
#   sshd_stop NAME            stop it
#   sshd_authorize LOGIN      the test's client key may log in as LOGIN
#                             (AuthorizedKeysFile $SSHD_DIR/keys/%u)
#   ssh_cmd [-p N] [-k|-w] [-t] PORT USER HOST [COMMAND]
#                             the ssh client command line as shell text:
#                             keyboard-interactive only (-p N: N password
#                             prompts per connection, default 1), -k the
#                             test's key only, -w the "password" method
#                             only; -t asks for a terminal
#   ssh_pw PORT USER HOST PASSWORD COMMAND
#                             one connection, the password typed at the
#                             prompt; the dialogue on stdout; exits with
#                             ssh's code
#   ssh_hangup CMD            run the ssh command line CMD on a terminal,
#                             wait for the password prompt and kill the
#                             client (kill -9: closing its terminal instead
#                             makes ssh answer the prompt with an empty
#                             password, which is an attempt)
#   sshd_has_ipv6             ::1 is up here (the server listens there too)
#
# The PAM service name: OpenSSH passes its program name (__progname, the
# base name of argv[0]) to pam_start, so a server started through a symbolic
# link named naccs-e2e-sshd reads /etc/pam.d/naccs-e2e-sshd, and the
# machine's own /etc/pam.d/sshd is used by nobody here.

SSHD_SERVICE=naccs-e2e-sshd
SSHD_DIR=$E2E_TMP/sshd
SSHD_PIDS=()

sshd_has_ipv6() {
	ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'
}

sshd_setup() {
	mkdir -p "$SSHD_DIR/keys" && chmod 0755 "$SSHD_DIR" "$SSHD_DIR/keys" || return 1
	ssh-keygen -q -t ed25519 -N '' -C naccs-e2e-host -f "$SSHD_DIR/host_ed25519" || return 1
	ssh-keygen -q -t ed25519 -N '' -C naccs-e2e-client -f "$SSHD_DIR/client_ed25519" || return 1
	# The privilege separation directory (on the namespace's /run).
	mkdir -p /run/sshd && chmod 0755 /run/sshd || return 1
	ln -sf /usr/sbin/sshd "$SSHD_DIR/$SSHD_SERVICE" || return 1
	# Debian's own sshd stack: common-auth, pam_nologin, common-account,
	# pam_loginuid, common-session, pam_limits, pam_env, common-password.
	cp /etc/pam.d/sshd "/etc/pam.d/$SSHD_SERVICE"
}

# sshd_authorize LOGIN: the test's client key may log in as LOGIN.
sshd_authorize() {
	cp "$SSHD_DIR/client_ed25519.pub" "$SSHD_DIR/keys/$1" && chmod 0644 "$SSHD_DIR/keys/$1"
}

sshd_start() {
	local name=$1 port=$2 conf pid
	shift 2
	conf=$SSHD_DIR/$name.conf
	{
		# sshd takes the first value it reads for a keyword: the
		# caller's lines come first.
		printf '%s\n' "$@"
		cat <<EOT
Port $port
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/$name.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $SSHD_DIR/keys/%u
StrictModes no
PermitRootLogin prohibit-password
UseDNS no
PrintMotd no
PrintLastLog no
MaxAuthTries 10
LoginGraceTime 60
LogLevel VERBOSE
EOT
		if sshd_has_ipv6; then
			echo "ListenAddress ::1"
		fi
	} >"$conf"
	"$SSHD_DIR/$SSHD_SERVICE" -t -f "$conf" >"$SSHD_DIR/$name.log" 2>&1 || return 1
	"$SSHD_DIR/$SSHD_SERVICE" -D -e -f "$conf" >>"$SSHD_DIR/$name.log" 2>&1 &
	pid=$!
	e2e_bg "$pid"
	SSHD_PIDS+=("$name:$pid")
	for _ in $(seq 100); do
		grep -q "Server listening on 127.0.0.1 port $port" "$SSHD_DIR/$name.log" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

sshd_stop() {
	local e
	for e in "${SSHD_PIDS[@]}"; do
		if [ "${e%%:*}" = "$1" ]; then
			kill "${e#*:}" 2>/dev/null
			wait "${e#*:}" 2>/dev/null
		fi
	done
	return 0
}

ssh_cmd() {
	local prompts=1 key="" tty=-T method=keyboard-interactive
	while :; do
		case $1 in
		-p) prompts=$2 && shift 2 ;;
		-k) key=1 && shift ;;
		-w) method=password && shift ;;
		-t) tty=-tt && shift ;;
		*) break ;;
		esac
	done
	local port=$1 user=$2 host=$3
	shift 3
	local auth
	if [ -n "$key" ]; then
		auth="-o PreferredAuthentications=publickey -o IdentitiesOnly=yes -i $SSHD_DIR/client_ed25519"
	else
		auth="-o PreferredAuthentications=$method -o PubkeyAuthentication=no"
		auth="$auth -o NumberOfPasswordPrompts=$prompts"
	fi
	# -F /dev/null: neither root's nor the machine's client configuration.
	printf 'ssh -F /dev/null %s -p %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' \
		"$tty" "$port"
	printf ' -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=20 %s' "$auth"
	printf ' -l %q %q' "$user" "$host"
	[ $# -eq 0 ] || printf ' %q' "$*"
	printf '\n'
}

ssh_pw() {
	local port=$1 user=$2 host=$3 pw=$4
	shift 4
	e2e_pty "$(ssh_cmd "$port" "$user" "$host" "$@")" "*assword: " "$pw"
}

ssh_hangup() {
	expect -f - -- "$1" <<'EOT'
set timeout 30
spawn -noecho /bin/sh -c [lindex $argv 0]
expect {
	-gl "Password: " { exec kill -9 [exp_pid]; close; catch wait; exit 0 }
	timeout { exit 124 }
	eof { exit 125 }
}
EOT
}
