#!/bin/bash
# Configure and build out of tree in _build/ (or $BUILD_DIR); CONFIGURE_FLAGS
# adds configure options.  A test build: --enable-tests, so a missing test
# library fails here, loudly (CI), rather than leaving a build whose
# "make check" has nothing to run; CONFIGURE_FLAGS=--disable-tests (last
# wins) builds without them (scripts/demo.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	./autogen.sh >/dev/null
fi
dir=${BUILD_DIR:-_build}
mkdir -p "$dir"
cd "$dir"
flags="--enable-werror --enable-test-hooks --enable-tests ${CONFIGURE_FLAGS:-}"
# Configured again when configure or the flags changed.
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ] ||
	[ "$(cat configure.flags 2>/dev/null)" != "$flags" ]; then
	rm -f configure.flags
	# shellcheck disable=SC2086
	"$top/configure" $flags >configure.out ||
		{ tail -20 configure.out; exit 1; }
	echo "$flags" >configure.flags
fi
make -j"$(nproc)" -s
