#!/bin/bash
# The C sources are clang-format clean (the repository's .clang-format).
. "${NACCS_TOP_SRCDIR}/tests/lib.sh"
if ! command -v clang-format >/dev/null; then
	echo "clang-format not installed: skipped"
	exit 77
fi
cd "$NACCS_TOP_SRCDIR" || exit 1
files=$(ls common/*.[ch] pam_naccs/*.[ch] naccsctl/*.[ch] tests/*.[ch] bench/*.[ch] fuzz/*.[ch] 2>/dev/null)
for f in $files; do
	ok "clang-format: $f" clang-format --dry-run --Werror "$f"
done
finish
