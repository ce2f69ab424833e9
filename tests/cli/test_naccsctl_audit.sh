#!/bin/bash
# naccsctl and the audit trail (issue #10): init prints the verification key
# once; every change is a trail line naming the administrator (real uid and
# login uid); audit verify passes on an untouched trail and fails, naming
# the file and line, after an edited field, a deleted line, a reordered
# line, a truncated file and a torn last line (UTS-2.2.1.4(1)(c)); audit
# export gives the logins, switches and sessions of issued IDs; with the trail
# unwritable, changes are refused under on_audit_failure = deny and go
# through with a warning under allow (UTS-2.2.1.4(1)(b)).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

sb_init_cheap
AUD=$SB_DIR/audit
KEY=$(sb_audit_key)
FILE=$AUD/$(date -u +%Y-%m).jsonl

ok "init printed a 64-digit verification key once" \
	eval '[[ "$KEY" =~ ^[0-9a-f]{64}$ ]] && [ "$(sb_ctl init | grep -c "verification key")" -eq 0 ]'
ok "the trail directory is 0700, its files 0600" \
	eval '[ "$(stat -c %a "$AUD")" = 700 ] && [ "$(stat -c %a "$FILE")" = 600 ] &&
	      [ "$(stat -c %a "$AUD/state")" = 600 ]'
ok "the key is nowhere on disk" eval '! grep -rq "$KEY" "$AUD"'

sb_issue --user-code ABCDE --id-number 001 >/dev/null
sb_ctl user lock abcde-001 >/dev/null
sb_ctl user unlock abcde-001 >/dev/null
OTP=$(sb_ctl --json user passwd abcde-001 | sed -n 's/.*"one_time_password":"\([^"]*\)".*/\1/p')
ok "each change is a line naming the administrator (uid, loginuid)" \
	eval 'grep -q "\"action\":\"lock\",\"result\":\"done\".*\"user_code\":\"ABCDE\",\"id_number\":\"001\".*\"uid\":$(id -u),\"loginuid\":" "$FILE"'
ok "no one-time password in the trail" eval '[ -n "$OTP" ] && ! grep -qF -- "$OTP" "$FILE"'

expect_rc 0 "verify: an untouched trail passes" sb_ctl audit verify
ok "verify: says the MACs were not checked without the key" out_has "MACs not checked"
expect_rc 0 "verify --key: every MAC checked" sb_ctl audit verify --key "$KEY"
ok "verify --key: says so" out_has "every MAC checked"
expect_rc 0 "verify --key - reads the key from stdin" \
	sh -c 'printf "%s\n" "$1" | "$2" --conf "$3" --owner "$(id -u)" audit verify --key -' \
	sh "$KEY" "$SB_CTL" "$SB_CONF"
expect_rc 1 "verify --key: a wrong key fails at line 1" sb_ctl audit verify --key "$(printf '%064d' 7)"
ok "verify --key: names file and line" out_has "$(basename "$FILE"):1:"
expect_rc 2 "verify --key: not a key is a usage error" sb_ctl audit verify --key nothex

# Tampering: each on a copy of the trail, each found and named.
tampered() { # NAME SED-OR-COMMAND: a copy of the trail with FILE changed
	rm -rf "$T_TMP/t" && cp -a "$AUD" "$T_TMP/t"
	(cd "$T_TMP/t" && eval "$1")
}
verify_copy() {
	"$SB_CTL" --conf "$SB_CONF" --owner "$(id -u)" --set "audit.dir=$T_TMP/t" \
		audit verify --key "$KEY"
}
F=$(basename "$FILE")
tampered "sed -i '3s/\"done\"/\"DONE\"/' $F"
expect_rc 1 "tamper: an edited field is found" verify_copy
ok "tamper: edited field named at line 3" out_has "$F:3: the MAC does not match"
tampered "sed -i '3d' $F"
expect_rc 1 "tamper: a deleted line is found" verify_copy
ok "tamper: deleted line named at line 3" out_has "$F:3: sequence gap"
tampered "awk 'NR == 2 { h = \$0; next } NR == 3 { print; print h; next } 1' $F >x && cat x >$F && rm x"
expect_rc 1 "tamper: reordered lines are found" verify_copy
ok "tamper: reordering named at line 2" out_has "$F:2: sequence"
tampered "sed -i '\$d' $F"
expect_rc 1 "tamper: a truncated file is found" verify_copy
ok "tamper: truncation named" out_has "missing at the end"
tampered "truncate -s -10 $F"
expect_rc 1 "tamper: a torn last line is found" verify_copy
ok "tamper: torn last line named" out_has "incomplete last line"
# Flip the first hex digit of line 2's prev (always a change, never f -> f).
tampered "sed -i '2{/\"prev\":\"f/!s/\"prev\":\"./\"prev\":\"f/;t;s/\"prev\":\"f/\"prev\":\"0/}' $F"
expect_rc 1 "tamper: a broken chain is found without the key too" \
	"$SB_CTL" --conf "$SB_CONF" --owner "$(id -u)" --set "audit.dir=$T_TMP/t" audit verify

# Retention: nothing of this month is past it; never the newest file.
expect_rc 0 "prune: nothing past retention" sb_ctl audit prune
ok "prune: says so" out_has "nothing is past retention (366 days)"
expect_rc 0 "prune: still intact" sb_ctl audit verify --key "$KEY"

# The trail cannot be written: deny refuses the change, nothing changed.
lines_before=$(wc -l <"$FILE")
chmod 0755 "$AUD"
expect_rc 4 "deny: a change is refused when the trail cannot be written" \
	sb_ctl user lock abcde-001
ok "deny: the message says why and that nothing changed" out_has "nothing was changed"
ok "deny: the ID is not locked" eval '! sb_ctl user show abcde-001 | grep -qi "locked: *yes"'
expect_rc 0 "allow: the change goes through" \
	sb_ctl --set audit.on_audit_failure=allow user lock abcde-001
ok "allow: with a warning" out_has "could not be recorded"
chmod 0700 "$AUD"
ok "nothing was written while it was unwritable" eval '[ "$(wc -l <"$FILE")" -eq "$lines_before" ]'
expect_rc 0 "verify: still intact" sb_ctl audit verify --key "$KEY"

# Logins through PAM land in the same trail.
sb_pam abcde-001 wrong authenticate >/dev/null 2>&1
ok "a PAM login attempt is a trail line" \
	eval 'grep -q "\"type\":\"auth\",\"action\":\"login\",\"result\":\"deny\"" "$FILE"'
expect_rc 0 "verify after PAM: intact" sb_ctl audit verify --key "$KEY"

# Export (#16 item 17): what it is, the logins, switches and sessions of
# issued IDs, each column named for what it holds.  Not the NACCS message
# log of NACCS-T7-3-2 (that needs message-level records): no procedure
# code, no administrative events, no names that were never an ID.
sb_ctl user unlock abcde-001 >/dev/null
sb_ctl user add --user-code ZZZZZ --id-number 009 --uid 0 >/dev/null 2>&1
ok "a refused user add of an ID never issued is a trail line" \
	eval 'grep -q "\"action\":\"user-add\",\"result\":\"error\".*\"user_code\":\"ZZZZZ\"" "$FILE"'
sb_pam abcde-001 "$OTP" authenticate open_session >/dev/null 2>&1
sb_pam nosuch-name wrong authenticate >/dev/null 2>&1
today=$(date -u +%Y-%m-%d)
expect_rc 0 "export: runs" sb_ctl audit export --since "$today" --until "$today"
tr -d '\r' <"$T_OUT" >"$T_TMP/export.csv" # RFC 4180: CRLF line ends
ok "export: the header names what each column holds" \
	eval '[ "$(head -1 "$T_TMP/export.csv")" = "time_utc,event,result,pam_service,login,user_code,identifying_number,individual_login,individual_user_code,individual_identifying_number" ]'
ok "export: a refused login of the ID, the PAM service named as such" \
	eval 'grep -Eq "^${today}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z,auth,deny,naccs-sandbox,abcde-001,ABCDE,001,,,$" "$T_TMP/export.csv"'
ok "export: the login with the right password, and its session" \
	eval 'grep -q ",auth,allow,naccs-sandbox,abcde-001,ABCDE,001,,,$" "$T_TMP/export.csv" &&
	      grep -q ",session-open,allow,naccs-sandbox,abcde-001,ABCDE,001,,,$" "$T_TMP/export.csv"'
ok "export: no administrative event (naccsctl is no PAM service)" \
	eval '! grep -q "naccsctl" "$T_TMP/export.csv"'
ok "export: no event of an ID that was never issued" eval '! grep -q "ZZZZZ" "$T_TMP/export.csv"'
ok "export: no name that is not an ID" eval '! grep -q "nosuch" "$T_TMP/export.csv"'
ok "export: ten columns on every row" eval '! awk -F, "NF != 10" "$T_TMP/export.csv" | grep -q .'
expect_rc 2 "export: dates required" sb_ctl audit export --since yesterday --until "$today"
expect_rc 0 "verify after export's events: intact" sb_ctl audit verify --key "$KEY"

finish
