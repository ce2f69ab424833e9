#!/bin/bash
# Configure and build out of tree in _build/ (or $BUILD_DIR); CONFIGURE_FLAGS
# adds configure options.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	./autogen.sh >/dev/null
fi
dir=${BUILD_DIR:-_build}
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	"$top/configure" --enable-werror --enable-test-hooks ${CONFIGURE_FLAGS:-} >configure.out ||
		{ tail -20 configure.out; exit 1; }
fi
make -j"$(nproc)" -s
