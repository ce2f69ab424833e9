#!/bin/bash
# naccsctl audit report (issue #10, UTS-2.2.1.4(1)(d)(ア)): from a trail made
# by real events (PAM logins wrong and right through pamtester, an automatic
# lockout, an administrator's unlock and lock, an su allowed and one refused
# with the invoker given by the test build's hook, a login refused by an
# access rule), each section (failures per ID, locks, su with the individual
# behind it, access refusals, timeline) in each format (text, JSON parsed by
# python3, CSV with its header), the date range (--since included, --until
# DATE the whole day, --until TIME excluded), --user and --type, bad
# arguments (exit 2) and a line that is not the trail's (named FILE:LINE,
# exit 1).  The clock is the test build's NACCS_TEST_NOW, so the days are
# fixed.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
needs_test_hooks "NACCS_TEST_NOW, NACCS_TEST_INVOKER_UID"
use_sandbox

export TZ=UTC
D1=2026-03-10 # a Tuesday
D2=2026-03-11
at() { date -u -d "$1" +%s; }
export NACCS_TEST_NOW
NACCS_TEST_NOW=$(at "${D1}T09:00:00Z")

sb_init_cheap "[lockout]
deny = 3
unlock_time = 600
[su]
switch_services = naccs-su
allow_ids = ABCDE001
[access]
rule_w = id:abcde-002 days=Sun"
otp1=$(sb_issue --user-code ABCDE --id-number 001)
otp2=$(sb_issue --user-code ABCDE --id-number 002)
sb_issue --user-code ABCDE --id-number 003 >/dev/null
otp_root=$(sb_ctl --json user add --shared --admin --login opsroot --approval SSO-1 \
	--no-create-home | sed -n 's/.*"one_time_password":"\([^"]*\)".*/\1/p')
# su: the sandbox's PAM stack as service naccs-su (a switch service).
cp "$SB_DIR/pam.d/naccs-sandbox" "$SB_DIR/pam.d/naccs-su"
su_pam() { # INVOKER-UID TARGET: the account phase of su, the invoker by the test hook
	env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $SB_PAM_WRAPPER" PAM_WRAPPER=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		PAM_WRAPPER_SERVICE_DIR="$SB_DIR/pam.d" \
		NACCS_TEST_INVOKER_UID="$1" NACCS_TEST_LOGINUID="$1" \
		pamtester -v naccs-su "$2" acct_mgmt </dev/null 2>&1
}
uid_of() { sb_ctl --json user show "$1" | sed -n 's/.*"uid":\([0-9]*\).*/\1/p'; }
uid1=$(uid_of abcde-001)
uid3=$(uid_of abcde-003)

# Day 1: abcde-001 sets its password and mistypes it once; abcde-003 is
# locked by three wrong passwords and unlocked by an administrator;
# abcde-002 is refused by its access rule (Sundays only); abcde-001 may
# switch to opsroot, abcde-003 may not.
new='Kq7-vJ2p!wZ4m#Tx8$Ry'
sb_pam abcde-001 "$otp1
$otp1
$new
$new" authenticate 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' acct_mgmt >/dev/null
# (a shared admin ID's one-time password is changed inside su by an
# allowed person: no other service checks it)
env LD_PRELOAD="${NACCS_ASAN_PRELOAD:-} $SB_PAM_WRAPPER" PAM_WRAPPER=1 \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" PAM_WRAPPER_SERVICE_DIR="$SB_DIR/pam.d" \
	NACCS_TEST_INVOKER_UID="$uid1" NACCS_TEST_LOGINUID="$uid1" \
	pamtester -v naccs-su opsroot authenticate 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' \
	>/dev/null 2>&1 <<EOT
$otp_root
$otp_root
$new-0
$new-0
EOT
sb_pam abcde-001 wrong-1 authenticate >/dev/null
for i in 1 2 3; do sb_pam abcde-003 "wrong-$i" authenticate >/dev/null; done
sb_ctl user unlock abcde-003 >/dev/null
sb_ctl user unlock abcde-002 >/dev/null # not locked: nothing changed, no unlock
sb_pam abcde-002 "$otp2" acct_mgmt >/dev/null
NACCS_TEST_NOW=$(at "${D1}T10:00:00Z") # the switches at a time of their own
su_pam "$uid1" opsroot >/dev/null
su_pam "$uid3" opsroot >/dev/null
# Day 2: one more failure of abcde-001; an administrator locks abcde-002.
NACCS_TEST_NOW=$(at "${D2}T09:00:00Z")
sb_pam abcde-001 wrong-2 authenticate >/dev/null
sb_ctl user lock abcde-002 --reason test >/dev/null
sb_ctl user lock abcde-002 --reason again >/dev/null # already locked: no lock

report() { sb_ctl audit report "$@"; }

# ---- text ----
expect_rc 0 "text: day 1" report --since "$D1" --until "$D1"
cp "$T_OUT" "$T_TMP/day1.txt"
ok "text: one month file is '1 file', not '1 files' (ngettext)" \
	grep -Eq '^  [0-9]+ events selected of [0-9]+ lines in 1 file$' "$T_OUT"
ok "text: the range, since included and until excluded" \
	out_has "from ${D1}T00:00:00Z (included) to ${D2}T00:00:00Z (excluded)"
has_in() { # SECTION-HEADING-WORDS LINE-PATTERN: the pattern under that heading
	awk -v h="$1" -v p="$2" 'index($0, h) == 1 { s = 1; next } /^[^ ]/ { s = 0 }
		s && $0 ~ p { f = 1 } END { exit !f }' "$T_OUT"
}
ok "text: failures per ID, three for the locked one" \
	has_in "Failed logins per ID" "^  abcde-003 ABCDE/003 3 ${D1}T"
ok "text: failures per ID, one for abcde-001 on day 1" \
	has_in "Failed logins per ID" "^  abcde-001 ABCDE/001 1 "
ok "text: the automatic lock (by the lockout)" \
	has_in "Locks and unlocks" "^  ${D1}T[0-9:]*Z lock abcde-003 ABCDE/003 lockout locked until"
ok "text: the administrator's unlock, naming the administrator" \
	has_in "Locks and unlocks" "^  ${D1}T[0-9:]*Z unlock abcde-003 ABCDE/003 $(id -un) "
ok "text: an unlock that changed nothing is no unlock" \
	eval '! has_in "Locks and unlocks" " unlock abcde-002 "'
ok "text: ... though the timeline has it" \
	grep -q "^  [0-9]* ${D1}T[0-9:]*Z admin unlock done .*abcde-002" "$T_OUT"
ok "text: the su allowed, the individual and the target" \
	has_in "Switches to shared admin IDs" \
	"^  ${D1}T10:00:00Z allow abcde-001 \\(ABCDE/001, uid $uid1\\) -> opsroot naccs-su su-allowed$"
ok "text: the su refused, the individual and the target" \
	has_in "Switches to shared admin IDs" \
	"^  ${D1}T10:00:00Z deny abcde-003 \\(ABCDE/003, uid $uid3\\) -> opsroot naccs-su su-invoker-"
ok "text: the login outside its access window" \
	has_in "Logins refused by the access rules" \
	"^  ${D1}T[0-9:]*Z abcde-002 ABCDE/002 naccs-sandbox .* outside-window .*rule=rule_w"
ok "text: the timeline, in sequence order" \
	eval 'sed -n "/^Timeline/,\$p" "$T_OUT" | awk "NR > 1 { if (\$1 <= last) exit 1; last = \$1 }"'
ok "text: the timeline holds day 1's events only" \
	eval '! grep -q "^  .*${D2}T" "$T_OUT" && grep -q "^  [0-9]* ${D1}T[0-9:]*Z auth login deny" "$T_OUT"'
ok "text: no password in the report" \
	eval '! grep -qF -- "$new" "$T_OUT" && ! grep -qF -- "$otp1" "$T_OUT" && ! grep -q wrong- "$T_OUT"'

expect_rc 0 "range: --until DATE includes the whole day" report --since "$D1" --until "$D2"
ok "  day 2's failure counted" has_in "Failed logins per ID" "^  abcde-001 ABCDE/001 2 ${D1}T.* ${D2}T"
ok "  day 2's lock by the administrator" has_in "Locks and unlocks" "^  ${D2}T[0-9:]*Z lock abcde-002 "
expect_rc 0 "range: --until TIME is excluded" report --since "$D1" --until "${D2}T09:00:00Z"
ok "  day 2's events left out" eval '! grep -q "^  .*${D2}T09" "$T_OUT"'
expect_rc 0 "range: one second later" report --since "$D1" --until "${D2}T09:00:01Z"
ok "  they are in" grep -q "^  .*${D2}T09:00:00Z" "$T_OUT"
expect_rc 0 "range: --since TIME is included" report --since "${D2}T09:00:00Z" --until "$D2"
ok "  only day 2" eval 'grep -q "^  .*${D2}T09:00:00Z" "$T_OUT" && ! grep -q "^  .*${D1}T" "$T_OUT"'
expect_rc 0 "range: an empty one" report --since 2025-01-01 --until 2025-01-31
ok "  says none in each section" eval '[ "$(grep -c "^  (none)$" "$T_OUT")" -eq 5 ]'

expect_rc 0 "--user: the NACCS form, resolved" report --since "$D1" --until "$D2" --user ABCDE001
ok "  its failures" has_in "Failed logins per ID" "^  abcde-001 ABCDE/001 2 "
ok "  the switch it made (as the individual)" \
	has_in "Switches to shared admin IDs" "allow abcde-001 .* -> opsroot"
ok "  nobody else's events" eval '! grep -q "abcde-00[23]" "$T_OUT"'
expect_rc 0 "--type admin" report --since "$D1" --until "$D2" --type admin
ok "  administrators' events only" \
	eval 'sed -n "/^Timeline/,\$p" "$T_OUT" | sed 1d | awk "\$3 != \"admin\" { exit 1 }"'
ok "  no failures then" has_in "Failed logins per ID" "^  \\(none\\)$"
ok "  the unlock is there" has_in "Locks and unlocks" " unlock abcde-003 "

# ---- JSON ----
sb_ctl audit report --since "$D1" --until "$D2" --format json >"$T_TMP/r.json" 2>"$T_TMP/err"
rc=$?
ok "json: exit 0, nothing on stderr" eval '[ $rc -eq 0 ] && [ ! -s "$T_TMP/err" ]'
ok "json: one document (python3 -m json.tool)" python3 -m json.tool "$T_TMP/r.json" /dev/null
ok "json: every section, with the events" python3 - "$T_TMP/r.json" "$D1" "$D2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
d1, d2 = sys.argv[2], sys.argv[3]
assert r["since"] == d1 + "T00:00:00Z" and r["skipped_lines"] == 0, r
f = {x["login"]: x for x in r["failures"]}
assert f["abcde-003"]["count"] == 3 and f["abcde-001"]["count"] == 2, f
assert f["abcde-001"]["user_code"] == "ABCDE" and f["abcde-001"]["id_number"] == "001"
assert f["abcde-001"]["last"].startswith(d2)
locks = [(x["action"], x["login"], x["type"]) for x in r["locks"]]
assert locks == [("lock", "abcde-003", "auth"), ("unlock", "abcde-003", "admin"),
                 ("lock", "abcde-002", "admin")], locks
su = {x["result"]: x for x in r["su"]}
assert su["allow"]["individual_login"] == "abcde-001", su
assert su["allow"]["individual_user_code"] == "ABCDE"
assert su["allow"]["individual_id_number"] == "001"
assert su["allow"]["login"] == "opsroot"
assert su["deny"]["individual_login"] == "abcde-003"
a = r["access_refusals"]
assert len(a) == 1 and a[0]["login"] == "abcde-002" and a[0]["reason"] == "outside-window", a
seqs = [x["seq"] for x in r["timeline"]]
assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)) and len(seqs) > 10, seqs
EOF

# ---- CSV ----
sb_ctl audit report --since "$D1" --until "$D2" --format csv >"$T_TMP/r.csv" 2>"$T_TMP/err"
rc=$?
ok "csv: exit 0" eval '[ $rc -eq 0 ] && [ ! -s "$T_TMP/err" ]'
ok "csv: the header" eval '[ "$(head -1 "$T_TMP/r.csv" | tr -d "\r")" = "section,time_first,time_last,seq,type,action,result,reason,login,user_code,identifying_number,service,tty,rhost,actor,individual_login,individual_user_code,individual_identifying_number,count,detail" ]'
ok "csv: every section, as many fields on every row" python3 - "$T_TMP/r.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
raw = list(csv.reader(open(sys.argv[1], newline="")))
assert all(len(x) == 20 for x in raw), [len(x) for x in raw]
by = {}
for x in rows:
    by.setdefault(x["section"], []).append(x)
assert set(by) == {"failures", "lock", "su", "access", "timeline"}, set(by)
f = {x["login"]: x["count"] for x in by["failures"]}
assert f == {"abcde-001": "2", "abcde-003": "3"}, f
# (the su that changed opsroot's one-time password: its auth line names
# the individual too, #16 item 9)
assert [x["individual_user_code"] for x in by["su"]] == ["ABCDE", "ABCDE", "ABCDE"]
assert by["access"][0]["reason"] == "outside-window"
assert len(by["timeline"]) > 10
EOF

# ---- export: a switch names the individual behind it (#16 item 17) ----
sb_ctl audit export --since "$D1" --until "$D1" | tr -d '\r' >"$T_TMP/export.csv"
ok "export: the allowed switch, the individual in columns of their own" \
	grep -qx "${D1}T10:00:00Z,account,allow,naccs-su,opsroot,,,abcde-001,ABCDE,001" "$T_TMP/export.csv"
ok "export: the refused one too" \
	grep -qx "${D1}T10:00:00Z,account,deny,naccs-su,opsroot,,,abcde-003,ABCDE,003" "$T_TMP/export.csv"
ok "export: a shared ID without a user code is an issued ID too" \
	grep -qx "${D1}T09:00:00Z,auth,allow,naccs-su,opsroot,,,abcde-001,ABCDE,001" "$T_TMP/export.csv"
ok "export: no administrative event (the unlock)" eval '! grep -q ",naccsctl," "$T_TMP/export.csv"'

# ---- bad arguments: exit 2 ----
expect_rc 2 "usage: --since and --until required" report --since "$D1"
ok "  says so" out_has "--since and --until are required"
expect_rc 2 "usage: a date that does not exist" report --since 2026-02-30 --until "$D2"
ok "  names it" out_has "'2026-02-30' is not a date"
expect_rc 2 "usage: a time with a zone other than UTC" report --since "${D1}T09:00:00+09:00" --until "$D2"
expect_rc 2 "usage: until before since" report --since "$D2" --until "$D1"
expect_rc 2 "usage: an unknown format" report --since "$D1" --until "$D2" --format xml
ok "  names it" out_has "'xml' is not text, json or csv"
expect_rc 2 "usage: a type that cannot be one" report --since "$D1" --until "$D2" --type 'AUTH;'
expect_rc 2 "usage: an unknown option" report --since "$D1" --until "$D2" --color

# ---- a line that is not the trail's ----
F=$(basename "$(ls "$SB_DIR/audit"/*.jsonl | head -1)")
cp -a "$SB_DIR/audit" "$T_TMP/bad"
sed -i '4s/.*/not a trail line/' "$T_TMP/bad/$F"
sb_ctl --set "audit.dir=$T_TMP/bad" audit report --since "$D1" --until "$D2" \
	>"$T_TMP/bad.out" 2>"$T_TMP/bad.err"
rc=$?
ok "damaged: exit 1" eval '[ $rc -eq 1 ]'
ok "  the line named FILE:LINE on stderr" grep -qF "$T_TMP/bad/$F:4: not a line of the audit trail" "$T_TMP/bad.err"
ok "  the rest still reported" grep -q "^  abcde-003 ABCDE/003 3 " "$T_TMP/bad.out"

expect_rc 0 "the trail is intact (report changed nothing)" sb_ctl audit verify --key "$(sb_audit_key)"
finish
