#!/bin/bash
# Install what is missing on a Debian 12 machine.  Installs nothing that is
# already there.
#   bash scripts/deps.sh          build tools and the libraries naccs-auth
#                                 links (and what it needs at run time):
#                                 enough for ./configure --disable-tests,
#                                 make install, and the Debian package
#   bash scripts/deps.sh --demo   and what scripts/demo.sh uses (the PAM and
#                                 NSS wrappers, pamtester, time zones)
#   bash scripts/deps.sh --test   and the test tools (cmocka, libpamtest,
#                                 valgrind, clang, clang-format, lintian, ...):
#                                 what scripts/test.sh and CI need
#   --list                        print the packages instead of installing
# A workstation that only installs the PAM module never gets the test tools.
set -euo pipefail

# Build and run time: configure names each library it needs (NACCS_NEED)
# with its Debian package; debian/control's Build-Depends are these.
PACKAGES=(
	# build
	build-essential autoconf automake libtool pkg-config gettext autopoint
	# libraries (configure names each one if missing)
	libpam0g-dev libargon2-dev libsodium-dev libssl-dev libsqlite3-dev
	libpwquality-dev libunistring-dev cracklib-runtime libcdb-dev
	# the Debian package (README, "Install for real": dpkg-buildpackage)
	debhelper dpkg-dev
)

# scripts/demo.sh: PAM and NSS through the wrappers, a real PAM client, the
# time-window step in real zones (Asia/Tokyo).
DEMO_PACKAGES=(
	libpam-wrapper libnss-wrapper pamtester tzdata
)

# Test tools: scripts/test.sh and CI only (configure --enable-tests needs
# the first line; NACCS_TEST_NEED in configure.ac).  New test tools go here,
# one group of lines per purpose.
TEST_PACKAGES=(
	# tests: unit, PAM and NSS wrappers, real clients
	libcmocka-dev libpamtest0-dev libpam-wrapper libnss-wrapper libuid-wrapper
	pamtester sqlite3 python3 valgrind locales clang-format
	# the end-to-end suite (tests/e2e/): su, login and sudo on a pseudo-terminal
	expect sudo
	# the time-window tests use real zones (Europe/Berlin, America/New_York)
	tzdata
	# tests/project/test_man.sh (groff's warnings), tests/project/test_deb.sh (the package)
	groff-base debhelper dpkg-dev lintian
	# tests/e2e/test_sshd.sh: the real OpenSSH server (its own config and port
	# on loopback; a running ssh.service on port 22 is neither used nor
	# needed) and client
	openssh-server openssh-client
	# fuzzing (scripts/fuzz.sh): libFuzzer's runtime is only recommended by clang
	clang libclang-rt-14-dev
	# tests/project/test_units.sh: systemd-analyze verify and security, on
	# naccsd's unit files only (a container without systemd lacks it; nothing
	# is started: the test needs no running systemd)
	systemd
)

want=("${PACKAGES[@]}")
list=
for arg in "$@"; do
	case $arg in
	--demo) want+=("${DEMO_PACKAGES[@]}") ;;
	--test) want+=("${DEMO_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
	--list) list=1 ;;
	*)
		echo "usage: $0 [--demo | --test] [--list]" >&2
		exit 2
		;;
	esac
done
# Each package once, in order.
declare -A seen=()
wanted=()
for p in "${want[@]}"; do
	[ -n "${seen[$p]:-}" ] && continue
	seen[$p]=1
	wanted+=("$p")
done
if [ -n "$list" ]; then
	printf '%s\n' "${wanted[@]}"
	exit 0
fi

missing=()
for p in "${wanted[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: everything needed is installed"
	exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# A package installed for the tests must not start a service on this
# machine (openssh-server would listen on port 22; the end-to-end suite runs
# its own sshd on loopback inside a namespace): a temporary policy-rc.d
# refuses service starts during the install (invoke-rc.d and
# deb-systemd-invoke honour it), and an sshd installed here is left disabled.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	$SUDO sh -c "printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy"
	trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
for p in "${missing[@]}"; do
	if [ "$p" = openssh-server ] && command -v systemctl >/dev/null; then
		$SUDO systemctl disable ssh.service >/dev/null 2>&1 || true
	fi
done
