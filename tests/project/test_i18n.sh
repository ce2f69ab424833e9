#!/bin/bash
# Messages are in Japanese under ja_JP.UTF-8 and in English otherwise, for
# naccsctl and for the PAM module inside a real client (pamtester). The
# locale and the catalogue are built into the test's own directory (LOCPATH,
# NACCS_LOCALEDIR): nothing is installed.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

if ! command -v pamtester >/dev/null || [ ! -f /usr/share/i18n/locales/ja_JP ]; then
	echo "pamtester or the ja_JP locale source (package locales) missing: skipped"
	exit 77
fi
mkdir -p "$T_TMP/locpath" "$T_TMP/localedir/ja/LC_MESSAGES"
localedef -i ja_JP -f UTF-8 "$T_TMP/locpath/ja_JP.UTF-8" 2>/dev/null
ok "ja_JP.UTF-8 locale built" test -d "$T_TMP/locpath/ja_JP.UTF-8"
ok "Japanese catalogue compiled" \
	msgfmt -c -o "$T_TMP/localedir/ja/LC_MESSAGES/naccs-auth.mo" "$NACCS_TOP_SRCDIR/po/ja.po"
export LOCPATH=$T_TMP/locpath NACCS_LOCALEDIR=$T_TMP/localedir

sb_init_cheap

ja() { LC_ALL=ja_JP.UTF-8 "$@"; }
en() { LC_ALL=C.UTF-8 "$@"; }

expect_rc 3 "naccsctl: unknown ID, English" en sb_ctl user show ZZZZZ999
ok "  says 'no such ID'" out_has "no such ID"
expect_rc 3 "naccsctl: unknown ID, Japanese" ja sb_ctl user show ZZZZZ999
ok "  not in English" bash -c "! grep -q 'no such ID' '$T_OUT'"
ok "  in Japanese (ID が見つかりません or similar: non-ASCII text)" grep -qP '[^\x00-\x7F]' "$T_OUT"
sed 's/^/# /' "$T_OUT"

# pamtester never calls setlocale(), so it shows the module's messages in
# English whatever the environment says: use the libpamtest client, which
# does, as login(1) and su(1) do.
expect_rc 0 "PAM messages in English under C.UTF-8 (locked, must change)" \
	en env NACCS_TEST_FILTER=test_messages_follow_locale \
	LD_PRELOAD="$NACCS_ASAN_PRELOAD $PAM_WRAPPER_LIBS" "$NACCS_TOP_BUILDDIR/tests/pam/test_pam"
expect_rc 0 "PAM messages in Japanese under ja_JP.UTF-8 (locked, must change)" \
	ja env NACCS_TEST_FILTER=test_messages_follow_locale NACCS_TEST_EXPECT_JA=1 \
	LD_PRELOAD="$NACCS_ASAN_PRELOAD $PAM_WRAPPER_LIBS" "$NACCS_TOP_BUILDDIR/tests/pam/test_pam"
sed 's/^/# /' "$T_OUT"
# test_lockout moves the clock (NACCS_TEST_NOW): a test build only.
if grep -q '^#define NACCS_TEST_HOOKS 1' "$NACCS_TOP_BUILDDIR/config.h"; then
	expect_rc 0 "login notices in English under C.UTF-8 (last login, failures since)" \
		en env NACCS_TEST_FILTER=test_session_notices \
		LD_PRELOAD="$NACCS_ASAN_PRELOAD $PAM_WRAPPER_LIBS" "$NACCS_TOP_BUILDDIR/tests/pam/test_lockout"
	expect_rc 0 "login notices in Japanese under ja_JP.UTF-8 (last login, failures since)" \
		ja env NACCS_TEST_FILTER=test_session_notices NACCS_TEST_EXPECT_JA=1 \
		LD_PRELOAD="$NACCS_ASAN_PRELOAD $PAM_WRAPPER_LIBS" "$NACCS_TOP_BUILDDIR/tests/pam/test_lockout"
	sed 's/^/# /' "$T_OUT"
else
	skip "login notices in English and Japanese" \
		"needs a build configured with --enable-test-hooks (NACCS_TEST_NOW)"
fi
finish
