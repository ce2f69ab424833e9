#!/bin/bash
# Install what is missing, build with warnings as errors, and run the whole
# test suite (make check). Ends with a one-line summary: N passed, N failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/deps.sh || exit 1
bash scripts/build.sh || { echo "build failed"; exit 1; }
cd _build
make -j"$(nproc)" check >make-check.out 2>&1
rc=$?
bash "$top/scripts/summary.sh" .
exit $rc
