#!/bin/bash
# naccsctl config check reports every error and warning of a file in one run
# (issue #11, administrator experience), each as FILE:LINE: error|warning:
# TEXT, then a count; exit 1 when there is an error.  A draft is checked
# wherever it lies: a location the trust checks refuse (UTS-2.2.1.2(2)(a))
# is reported (a warning for a draft, an error for the configured file),
# never a reason to skip the syntax and value checks.  The loader the PAM
# module uses still stops at the first error (fail closed).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
# The checks match the English messages: whatever locale the caller runs in.
export LC_ALL=C.UTF-8

CTL=$NACCS_TOP_BUILDDIR/naccsctl/naccsctl
owner=$(id -u)
conf=$T_TMP/naccs.conf
ctl() { "$CTL" --conf "$conf" --owner "$owner" "$@"; }
chmod 0700 "$T_TMP"
printf '[auth]\nfail_delay_ms = 0\n' >"$conf"
chmod 0600 "$conf"

draft=$T_TMP/draft.conf
cat >"$draft" <<'EOT'
# a draft with many problems
[auth]
fail_delay_ms = 0
colour = blue
[hash]
time_cost = lots
[lockout]
deny = 5
this line has no equals sign
[session]
idle_timeout = 10
[identity]
uid_min = 30000
uid_max = 20000
[bad header
shell = /bin/bash
[password]
min_length = -1
EOT
chmod 0600 "$draft"

expect_rc 1 "a draft with several errors: exit 1" ctl config check "$draft"
ok "  unknown key: a warning on its line" out_has "$draft:4: warning: unknown key 'colour' in section [auth] (ignored)"
ok "  bad value: an error on its line" out_has "$draft:6: error: hash.time_cost = 'lots' is not valid"
ok "  a key of a section not implemented: an error on its line" \
	grep -qF "$draft:11: error: [session] idle_timeout: the rules of this section are not implemented" "$T_OUT"
ok "  a line without '=': an error on its line" out_has "$draft:9: error: missing '=' (expected key = value)"
ok "  a cross-key error names the line of the key" \
	out_has "$draft:14: error: identity.uid_min (30000) is greater than identity.uid_max (20000)"
ok "  a malformed section header: one error" out_has "$draft:15: error: malformed section header"
ok "  ... and its keys are not reported once more" sh -c "! grep -q '$draft:16:' '$T_OUT'"
ok "  the error after it is still found" out_has "$draft:18: error: password.min_length = '-1' is not valid"
ok "  [lockout] deny is a known key: nothing on line 8" sh -c "! grep -q '$draft:8:' '$T_OUT'"
ok "  the count of errors and warnings" out_has "$draft: 6 errors, 1 warning"
ok "  every diagnostic is FILE:LINE: error|warning: TEXT" \
	sh -c "[ \$(grep -cE '^$draft:[0-9]+: (error|warning): ' '$T_OUT') -eq 7 ]"
ok "  nothing else printed" test "$(wc -l <"$T_OUT")" -eq 8

# The loader of the PAM module (and of every other command) still stops at
# the first error.
expect_rc 1 "the module's loader: fail closed at the first error" \
	"$CTL" --conf "$draft" --owner "$owner" config show --effective
ok "  one error, the first" sh -c "[ \$(grep -c 'is not valid\|not implemented\|missing' '$T_OUT') -eq 1 ] && grep -qF '$draft:6:' '$T_OUT'"

# A draft in a world-writable (not sticky) directory: its location is a
# warning, its content is checked all the same.
wdir=$T_TMP/world
mkdir "$wdir" && chmod 0777 "$wdir"
cp "$draft" "$wdir/draft.conf" && chmod 0600 "$wdir/draft.conf"
expect_rc 1 "a draft in a world-writable directory: still checked" ctl config check "$wdir/draft.conf"
ok "  the location: a warning naming the directory" \
	out_has "$wdir/draft.conf: warning: not trusted where it lies: $wdir: "
ok "  its syntax errors are reported" out_has "$wdir/draft.conf:6: error: hash.time_cost = 'lots' is not valid"
ok "  every one of them" out_has "$wdir/draft.conf: 6 errors, 2 warnings"
printf '[auth]\nfail_delay_ms = 10\n' >"$wdir/good.conf"
chmod 0666 "$wdir/good.conf"
expect_rc 0 "a good draft anywhere: exit 0 with the location as a warning" ctl config check "$wdir/good.conf"
ok "  the file's own mode is named" out_has "$wdir/good.conf: warning: not trusted where it lies: writable by group or others (mode 0666)"
ok "  OK with the count" out_has "$wdir/good.conf: OK, 1 warning"

# The configured file itself: an untrusted location is an error (the module
# refuses it), and its content is checked too.
cp "$draft" "$conf"
chmod 0620 "$conf"
expect_rc 1 "the configured file group-writable: an error" ctl config check
ok "  the trust error" out_has "$conf: error: not trusted: writable by group or others (mode 0620)"
ok "  and the content" out_has "$conf:6: error: hash.time_cost = 'lots' is not valid"
ok "  counted" out_has "$conf: 7 errors, 1 warning"
printf '[auth]\nfail_delay_ms = 0\n' >"$conf"
chmod 0600 "$conf"
expect_rc 0 "the configured file, clean" ctl config check
ok "  FILE: OK" out_has "$conf: OK"

# A file that cannot be read at all: one error, the reason.
expect_rc 1 "a missing file" ctl config check "$T_TMP/none.conf"
ok "  says so with the count" out_has "$T_TMP/none.conf: 1 error, 0 warnings"
ln -s "$draft" "$T_TMP/link.conf"
expect_rc 1 "a symbolic link is not followed" ctl config check "$T_TMP/link.conf"
ok "  says so" out_has "is a symbolic link"
finish
