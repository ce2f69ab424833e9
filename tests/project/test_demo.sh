#!/bin/bash
# The README's demonstration runs and every step goes as expected (it uses
# the build that make check just made).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
needs_test_hooks "the demo moves the clock: NACCS_TEST_NOW"
expect_rc 0 "scripts/demo.sh runs every step as expected" \
	env NACCS_DEMO_NO_BUILD=1 bash "$NACCS_TOP_SRCDIR/scripts/demo.sh"
ok "  it issued an ID and showed its one-time password once" out_has "one-time password (shown once)"
ok "  a login outside its time window says when it is allowed again" \
	out_has "Login is allowed again from 2026-12-03 08:00 (Thu) +0900."
ok "  getent passwd ABCDE001 printed the canonical entry (NSS)" out_has "abcde-001:x:20000:100:"
ok "  no step was unexpected" bash -c "! grep -q UNEXPECTED '$T_OUT'"
ok "  the audit trail verified with the kept key (#10)" out_has "every MAC checked with the key"
ok "  a tampered copy failed, the line named (#10)" out_has "audit-tampered: FAILED at 20"
# #11: output to a file (not a terminal) carries no terminal escape codes.
no_escape() { [ "$(tr -cd '\033' <"$1" | wc -c)" -eq 0 ]; }
ok "  no terminal escape code in its output to a file (#11)" no_escape "$T_OUT"
ok "  the step titles are there without them" out_has "== 2. Issue an individual ID"
finish
