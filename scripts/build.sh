#!/bin/bash
# Configure and build out of tree in _build/ (CONFIGURE_FLAGS adds options).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	./autogen.sh >/dev/null
fi
mkdir -p _build
cd _build
if [ ! -f Makefile ] || [ ../configure -nt Makefile ]; then
	../configure --enable-werror ${CONFIGURE_FLAGS:-} >configure.out ||
		{ tail -20 configure.out; exit 1; }
fi
make -j"$(nproc)" -s
