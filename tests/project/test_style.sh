#!/bin/bash
# The C sources are clang-format clean (the repository's .clang-format), and
# every source with translatable messages is in po/POTFILES.in (else its
# messages never reach the catalogues and stay English under ja_JP).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
needs_tools clang-format
cd "$NACCS_TOP_SRCDIR" || exit 1
# No reference to a file the repository does not have (BRIEF.md was the
# design brief, never part of it; the README and comments say it themselves).
no_brief() {
	! grep -rIl --exclude-dir=.git --exclude-dir='_build*' --exclude-dir=autom4te.cache \
		--exclude=test_style.sh -e 'BRIEF\.md' -e 'BRIEF [§"]' . | sed 's/^/#   /' | grep .
}
ok "no reference to BRIEF.md, which the repository does not have" no_brief
for f in $(find common pam_naccs naccsctl chkpwd -name '*.c' | LC_ALL=C sort | xargs grep -l '_("'); do
	ok "po/POTFILES.in lists $f" grep -qx "$f" po/POTFILES.in
done
files=$(find common pam_naccs naccsctl chkpwd tests bench fuzz -name '*.[ch]' | LC_ALL=C sort)
for f in $files; do
	ok "clang-format: $f" clang-format --dry-run --Werror "$f"
done
finish
