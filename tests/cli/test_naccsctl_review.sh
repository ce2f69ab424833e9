#!/bin/bash
# naccsctl user list for the periodic review of IDs no longer needed
# (UTS-2.2.1.3(2)(d)): --shared, --admin, --inactive DAYS,
# --never-logged-in, --expired (the password past password.max_age_days, by
# the account phase's own computation), each alone and combined (AND), as
# text, JSON and CSV (RFC 4180, with the guard against spreadsheet formula
# injection).  The clock moves through NACCS_TEST_NOW.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
needs_test_hooks "NACCS_TEST_NOW"
use_sandbox

needs_tools pamtester
sb_init_cheap "[password]
min_age_days = 0
max_age_days = 30
grace_days = 0"

DAY=86400
T0=1800000000
json_eval() { # EXPR over the JSON in the last output
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$T_OUT" "$1"
}
# The logins listed by the last output (JSON), sorted, space-separated.
json_logins() { json_eval '" ".join(sorted(e["login"] for e in j))'; }
# The logins of the data rows of the last output (text), sorted.
text_logins() { awk 'NR > 1 { print $1 }' "$T_OUT" | sort | tr '\n' ' ' | sed 's/ $//'; }
# list_is DESCRIPTION "LOGINS" FILTERS...: the JSON list with FILTERS names
# exactly LOGINS, and so does the text list.
list_is() {
	local desc=$1 want=$2
	shift 2
	expect_rc 0 "$desc (JSON)" sb_ctl --json user list "$@"
	ok "  lists exactly: ${want:-nobody}" test "$(json_logins)" = "$want"
	expect_rc 0 "$desc (text)" sb_ctl user list "$@"
	ok "  the text lists the same" test "$(text_logins)" = "$want"
}

# Day 0: four IDs.
export NACCS_TEST_NOW=$T0
otp1=$(sb_issue --user-code ABCDE --id-number 001 --name '=Yamada, "Taro"')
ok "issued abcde-001 (a gecos with '=', a comma and quotes)" test -n "$otp1"
otp2=$(sb_issue --user-code ABCDE --id-number 002 --name "Suzuki Hanako")
ok "issued abcde-002" test -n "$otp2"
otp3=$(sb_issue --user-code ABCDE --id-number 003 --admin --name "Sato Jiro")
ok "issued abcde-003, an individual administrator ID" test -n "$otp3"
otp4=$(sb_issue --shared --approval SSO-2026-014 --admin --login opsroot --name "Operations")
ok "issued opsroot, a shared administrator ID" test -n "$otp4"
otp5=$(sb_issue --shared --approval SSO-2026-014 --login kiosk --name "Front desk")
ok "issued kiosk, a shared ID" test -n "$otp5"

# Day 10: abcde-001 logs in and sets its own password (it expires on day
# 40); kiosk logs in.  Day 20: abcde-002's password is reset (day 50).
export NACCS_TEST_NOW=$((T0 + 10 * DAY))
new1='Kq7-vJ2p!wZ4m#Tx8$Ry'
expect_rc 0 "abcde-001 logs in on day 10 and changes its password" sb_pam abcde-001 \
	"$otp1
$otp1
$new1
$new1" authenticate 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' acct_mgmt open_session
expect_rc 0 "kiosk logs in on day 10" sb_pam kiosk "$otp5" authenticate open_session
export NACCS_TEST_NOW=$((T0 + 20 * DAY))
expect_rc 0 "abcde-002's password reset on day 20" sb_ctl user passwd abcde-002

# Day 31: the review.  Before each filter existed its option was refused
# (exit 2), so each list_is below fails on the old code.
export NACCS_TEST_NOW=$((T0 + 31 * DAY))
list_is "no filter" "abcde-001 abcde-002 abcde-003 kiosk opsroot"
list_is "--shared" "kiosk opsroot" --shared
list_is "--admin" "abcde-003 opsroot" --admin
list_is "--never-logged-in" "abcde-002 abcde-003 opsroot" --never-logged-in
# abcde-001 and kiosk: last login 21 days ago; the others never, issued 31
# days ago (counted from issue).
list_is "--inactive 30" "abcde-002 abcde-003 opsroot" --inactive 30
list_is "--inactive 21" "abcde-001 abcde-002 abcde-003 kiosk opsroot" --inactive 21
list_is "--inactive 22" "abcde-002 abcde-003 opsroot" --inactive 22
list_is "--inactive 32: nobody" "" --inactive 32
# Passwords set on day 0 expired on day 30; abcde-001's (day 10) expires on
# day 40, abcde-002's (day 20) on day 50.
list_is "--expired" "abcde-003 kiosk opsroot" --expired

# Combinations: every filter given must hold (AND).
list_is "--shared --admin" "opsroot" --shared --admin
list_is "--admin --never-logged-in" "abcde-003 opsroot" --admin --never-logged-in
list_is "--shared --never-logged-in" "opsroot" --shared --never-logged-in
list_is "--shared --expired" "kiosk opsroot" --shared --expired
list_is "--shared --expired --inactive 30" "opsroot" --shared --expired --inactive 30
list_is "--expired --never-logged-in --admin --shared" "opsroot" \
	--expired --never-logged-in --admin --shared
list_is "--expired --inactive 30 (abcde-002 inactive, not expired)" "abcde-003 opsroot" \
	--expired --inactive 30
list_is "--never-logged-in --must-change" "abcde-002 abcde-003 opsroot" \
	--never-logged-in --must-change
list_is "--admin --locked: nobody" "" --admin --locked

# --expired is the account phase's own computation: the expiry date in the
# list is the one user show gives, and the login sees the password as
# expired from the same second.
expect_rc 0 "user show abcde-001 --json" sb_ctl --json user show abcde-001
show_exp=$(json_eval 'j["password"]["expires_at"]')
ok "  expires 30 days after the change of day 10" test "$show_exp" = $((T0 + 40 * DAY))
expect_rc 0 "user list --json" sb_ctl --json user list
ok "  password_expires_at is the same date" \
	test "$(json_eval '[e["password_expires_at"] for e in j if e["login"] == "abcde-001"][0]')" = "$show_exp"
export NACCS_TEST_NOW=$((T0 + 40 * DAY - 1))
list_is "--expired one second before abcde-001's expiry" "abcde-003 kiosk opsroot" --expired
expect_rc 0 "  the login still accepts abcde-001" sb_pam abcde-001 "$new1" authenticate acct_mgmt
export NACCS_TEST_NOW=$((T0 + 40 * DAY))
list_is "--expired at the second of its expiry" "abcde-001 abcde-003 kiosk opsroot" --expired
expect_rc 0 "--expired (text)" sb_ctl user list --expired
ok "  has a PASSWORD-EXPIRED column" out_has "PASSWORD-EXPIRED"
ok "  giving the date" out_has "$(date -d @$((T0 + 40 * DAY)) '+%Y-%m-%d %H:%M:%S')"
expect_rc 1 "  the login now asks abcde-001 to change it" \
	sb_pam abcde-001 "$new1" authenticate acct_mgmt
ok "  as expired" out_has "Your password expired on"
export NACCS_TEST_NOW=$((T0 + 50 * DAY))
list_is "--expired on day 50: abcde-002's too" \
	"abcde-001 abcde-002 abcde-003 kiosk opsroot" --expired
expect_rc 0 "no maximum age (max_age_days = 0): --expired lists nobody" \
	sb_ctl --json --set password.max_age_days=0 user list --expired
ok "  empty" test "$(json_logins)" = ""
expect_rc 0 "  password_expires_at null without a maximum age" \
	sb_ctl --json --set password.max_age_days=0 user list
ok "  null" test "$(json_eval 'j[0]["password_expires_at"]')" = None
# A retired ID is refused before its password's age matters: never
# --expired, listed by --retired.
expect_rc 0 "retire kiosk" sb_ctl user retire kiosk --reason "desk closed" --yes
list_is "--expired leaves out the retired ID" "abcde-001 abcde-002 abcde-003 opsroot" --expired
list_is "--retired lists it" "kiosk" --retired
export NACCS_TEST_NOW=$((T0 + 31 * DAY))
expect_rc 0 "suspend abcde-002" sb_ctl user suspend abcde-002 --reason "on leave"
list_is "--never-logged-in --suspended" "abcde-002" --never-logged-in --suspended

# CSV: a header row, CRLF, RFC 4180 quoting, the formula guard.
expect_rc 0 "--csv" sb_ctl user list --csv
cp "$T_OUT" "$T_TMP/all.csv"
ok "  header row first" bash -c "head -n 1 '$T_TMP/all.csv' | grep -q '^login,user_code,id_number,uid,gid,gecos,kind,admin,status,'"
ok "  every line ends with CRLF" \
	test "$(grep -c $'\r$' "$T_TMP/all.csv")" = "$(wc -l <"$T_TMP/all.csv")"
ok "  six lines (header and five IDs)" test "$(wc -l <"$T_TMP/all.csv")" = 6
ok "  the gecos quoted, quotes doubled, '=' guarded by a leading quote" \
	grep -qF "\"'=Yamada, \"\"Taro\"\"\"" "$T_TMP/all.csv"
ok "  a plain gecos as it is" grep -qF ",Suzuki Hanako," "$T_TMP/all.csv"
csv_eval() { # EXPR over the rows (dicts) of the CSV FILE, read back by Python's csv
	python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], newline=""))); print(eval(sys.argv[2]))' \
		"$1" "$2"
}
ok "  read back: the gecos is the text with its guard quote" \
	test "$(csv_eval "$T_TMP/all.csv" '[x["gecos"] for x in r if x["login"] == "abcde-001"][0]')" = \
	"'=Yamada, \"Taro\""
ok "  read back: five records" test "$(csv_eval "$T_TMP/all.csv" 'len(r)')" = 5
ok "  opsroot: shared, admin yes" \
	test "$(csv_eval "$T_TMP/all.csv" '[(x["kind"], x["admin"]) for x in r if x["login"] == "opsroot"][0]')" = \
	"('shared', 'yes')"
ok "  times in UTC (RFC 3339): created_at of day 0" \
	test "$(csv_eval "$T_TMP/all.csv" 'r[0]["created_at"]')" = "$(date -u -d @$T0 '+%Y-%m-%dT%H:%M:%SZ')"
ok "  password_expires_at: 30 days after the change of day 10" \
	test "$(csv_eval "$T_TMP/all.csv" '[x["password_expires_at"] for x in r if x["login"] == "abcde-001"][0]')" = \
	"$(date -u -d @$((T0 + 40 * DAY)) '+%Y-%m-%dT%H:%M:%SZ')"
ok "  last_login empty for an ID that never logged in" \
	test "$(csv_eval "$T_TMP/all.csv" '[x["last_login"] for x in r if x["login"] == "abcde-002"][0]')" = ""
ok "  a status of several words quoted" grep -qF ',"suspended,must-change",' "$T_TMP/all.csv"
ok "  read back: the status" \
	test "$(csv_eval "$T_TMP/all.csv" '[x["status"] for x in r if x["login"] == "abcde-002"][0]')" = \
	"suspended,must-change"
ok "  read back: the suspend reason" \
	test "$(csv_eval "$T_TMP/all.csv" '[x["suspend_reason"] for x in r if x["login"] == "abcde-002"][0]')" = \
	"on leave"
expect_rc 0 "--csv with filters (--admin --never-logged-in)" \
	sb_ctl user list --csv --admin --never-logged-in
ok "  the header and the two IDs" test "$(csv_eval "$T_OUT" '" ".join(x["login"] for x in r)')" = \
	"abcde-003 opsroot"
expect_rc 0 "--csv with a filter nobody meets" sb_ctl user list --csv --locked
ok "  the header alone" test "$(wc -l <"$T_OUT")" = 1
expect_rc 2 "--csv and --json together refused" sb_ctl --json user list --csv
ok "  saying why" out_has "--csv and --json"
expect_rc 2 "--inactive without a number refused" sb_ctl user list --inactive soon
expect_rc 0 "user list --help names the review filters" sb_ctl user list --help
for opt in --shared --admin --never-logged-in --expired --csv; do
	ok "  $opt" out_has "$opt"
done
finish
