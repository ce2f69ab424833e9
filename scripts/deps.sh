#!/bin/bash
# Install what is missing on a Debian 12 machine (build tools, libraries,
# test wrappers, real clients). Installs nothing that is already there.
set -euo pipefail

PACKAGES=(
	# build
	build-essential autoconf automake libtool pkg-config gettext autopoint
	# libraries (configure names each one if missing)
	libpam0g-dev libargon2-dev libsodium-dev libssl-dev libsqlite3-dev
	libpwquality-dev libunistring-dev cracklib-runtime libcdb-dev
	# tests: unit, PAM and NSS wrappers, real clients
	libcmocka-dev libpamtest0-dev libpam-wrapper libnss-wrapper libuid-wrapper
	pamtester sqlite3 python3 valgrind locales clang-format
	# the end-to-end suite (tests/e2e/): su, login and sudo on a pseudo-terminal
	expect sudo
	# the time-window tests use real zones (Europe/Berlin, America/New_York)
	tzdata
	# tests/test_man.sh (groff's warnings), tests/test_deb.sh (the package)
	groff-base debhelper dpkg-dev lintian
	# tests/e2e/test_sshd.sh: the real OpenSSH server (its own config and port
	# on loopback; a running ssh.service on port 22 is neither used nor
	# needed) and client
	openssh-server openssh-client
	# fuzzing (scripts/fuzz.sh): libFuzzer's runtime is only recommended by clang
	clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
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
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
