#!/bin/bash
# The C sources are clang-format clean (the repository's .clang-format), and
# every source with translatable messages is in po/POTFILES.in (else its
# messages never reach the catalogues and stay English under ja_JP).
. "${NACCS_TOP_SRCDIR}/tests/lib.sh"
if ! command -v clang-format >/dev/null; then
	echo "clang-format not installed: skipped"
	exit 77
fi
cd "$NACCS_TOP_SRCDIR" || exit 1
for f in $(grep -l '_("' common/*.c pam_naccs/*.c naccsctl/*.c chkpwd/*.c); do
	ok "po/POTFILES.in lists $f" grep -qx "$f" po/POTFILES.in
done
files=$(ls common/*.[ch] pam_naccs/*.[ch] naccsctl/*.[ch] chkpwd/*.[ch] tests/*.[ch] bench/*.[ch] fuzz/*.[ch] 2>/dev/null)
for f in $files; do
	ok "clang-format: $f" clang-format --dry-run --Werror "$f"
done
finish
