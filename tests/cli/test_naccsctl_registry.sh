#!/bin/bash
# naccsctl registry rules (#8) and new IDs' names and homes (#9):
#  - one active individual ID per person (UTS-2.2.1.3(2)(g)(ア)):
#    --staff-number, a second one refused unless --allow-second-id REASON
#    (recorded), user staff-number, user list --no-staff-number,
#    identity.require_staff_number; shown by user show and user list;
#  - shared IDs (UTS-2.2.1.3(2)(b)): --approval REF required and recorded,
#    the notice to tell every user of the shared ID;
#  - identity.login_prefix: a user code starting with a digit gets a valid
#    login, and its NACCS forms still name it (naccsctl and PAM);
#  - homes like useradd -m, from a skeleton, never following a symbolic
#    link, in the sandbox (never /home).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

sb_init_cheap
json_eval() { # EXPR over the JSON in the last output
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$T_OUT" "$1"
}
# Homes need root (they are given to another uid); without it the sandbox
# makes none and those checks are skipped.
root=no
[ "$(id -u)" -eq 0 ] && root=yes

# ---- one active individual ID per person ----
expect_rc 0 "user add --staff-number" \
	sb_ctl user add --user-code ABCDE --id-number 001 --staff-number E-1001 --no-create-home
expect_rc 1 "a second active individual ID of the same person is refused (UTS-2.2.1.3(2)(g)(ア))" \
	sb_ctl user add --user-code ABCDE --id-number 002 --staff-number E-1001 --no-create-home
ok "  naming the ID the person has" out_has "abcde-001"
ok "  and how to allow it" out_has "--allow-second-id"
expect_rc 3 "  nothing was issued" sb_ctl user show abcde-002
expect_rc 0 "with --allow-second-id REASON it is issued" \
	sb_ctl user add --user-code ABCDE --id-number 002 --staff-number E-1001 \
	--allow-second-id "acting head of office until 2027-03" --no-create-home
expect_rc 0 "user show" sb_ctl user show abcde-002
ok "  shows the staff number" grep -q "^staff number: *E-1001$" "$T_OUT"
ok "  and the reason" grep -q "^second ID allowed: *acting head of office until 2027-03$" "$T_OUT"
ok "  and its registry line" grep -q "second-id-allowed.*E-1001: acting head of office" "$T_OUT"
expect_rc 0 "user show --json" sb_ctl --json user show abcde-002
ok "  staff_number and second_id_reason" \
	test "$(json_eval 'j["staff_number"] + "|" + j["second_id_reason"]')" = \
	"E-1001|acting head of office until 2027-03"
expect_rc 2 "--allow-second-id without --staff-number is a usage error" \
	sb_ctl user add --user-code ABCDE --id-number 003 --allow-second-id x --no-create-home
expect_rc 2 "a staff number with a control character is refused" \
	sb_ctl user add --user-code ABCDE --id-number 003 --staff-number "$(printf 'E\t1')"
expect_rc 2 "an over-long staff number is refused" \
	sb_ctl user add --user-code ABCDE --id-number 003 \
	--staff-number 123456789012345678901234567890123
expect_rc 2 "--staff-number on a shared ID is refused" \
	sb_ctl user add --shared --approval A1 --login kiosk --staff-number E-1 --no-create-home

# retiring the first ID frees the person for a new one
expect_rc 0 "retire abcde-001" sb_ctl user retire abcde-001 --yes
expect_rc 0 "after retiring, the person may be issued a new ID" \
	sb_ctl user add --user-code ABCDE --id-number 004 --staff-number E-1001 \
	--allow-second-id "abcde-002 is still active" --no-create-home

# ---- the staff number later, and the review of IDs without one ----
expect_rc 0 "an ID without a staff number" \
	sb_ctl user add --user-code FGHIJ --id-number 001 --no-create-home
expect_rc 0 "user list --no-staff-number" sb_ctl user list --no-staff-number
ok "  lists it" out_has "fghij-001"
ok "  and not the IDs that have one" bash -c "! grep -q abcde- '$T_OUT'"
expect_rc 1 "user staff-number: the rule of user add" sb_ctl user staff-number FGHIJ001 E-1001
ok "  names the holder" out_has "abcde-002"
expect_rc 0 "user staff-number with a number of its own" sb_ctl user staff-number FGHIJ-001 E-2001
expect_rc 0 "  now nothing is listed" sb_ctl --json user list --no-staff-number
ok "  (empty list)" test "$(json_eval 'len(j)')" = 0
expect_rc 0 "  recorded in the registry" sb_ctl user show fghij-001
ok "  staff-number-set - -> E-2001" grep -q "staff-number-set.*- -> E-2001" "$T_OUT"
expect_rc 0 "user list --csv" sb_ctl user list --csv
ok "  has the staff_number and approval columns" \
	bash -c "head -n 1 '$T_OUT' | grep -q ',failures_since_login,staff_number,approval'"
ok "  fghij-001's staff number" grep -q "^fghij-001,.*,E-2001," "$T_OUT"
expect_rc 0 "user list --json" sb_ctl --json user list
ok "  carries staff_number" \
	test "$(json_eval '[x["staff_number"] for x in j if x["login"] == "fghij-001"][0]')" = E-2001

# identity.require_staff_number = yes: individual IDs need one
expect_rc 2 "require_staff_number: an individual ID without one is refused" \
	sb_ctl --set identity.require_staff_number=yes user add --user-code KLMNO --id-number 001
ok "  saying so" out_has "--staff-number"

# ---- shared IDs (UTS-2.2.1.3(2)(b)) ----
expect_rc 2 "user add --shared without --approval is refused" \
	sb_ctl user add --shared --admin --login opsroot --no-create-home
ok "  with a clear message" out_has "needs --approval"
expect_rc 2 "--approval on an individual ID is refused" \
	sb_ctl user add --user-code KLMNO --id-number 001 --approval X --no-create-home
expect_rc 0 "user add --shared --approval" \
	sb_ctl user add --shared --admin --login opsroot --approval "SSO-2026-014" \
	--issued-to "Operations team (Suzuki)" --no-create-home
ok "  tells the administrator to inform every user that it is shared" \
	out_has "Tell every person who will use it that it is shared"
ok "  who is responsible" out_has "issued to: Operations team (Suzuki)"
ok "  and that su is the only way in to an administrator ID" out_has "the only way in is su"
expect_rc 0 "with --json the notice is a member of the answer" \
	sb_ctl --json user add --shared --login kiosk --approval "SSO-2026-015" --no-create-home
ok "  (valid JSON, notice says it is shared)" \
	test "$(json_eval '"SHARED ID" in j["notice"] and "administrator ID" not in j["notice"]')" = True
expect_rc 0 "--json, an administrator ID: both notices in the answer" \
	sb_ctl --json user add --shared --admin --login opsroot2 --approval "SSO-2026-016" \
	--issued-to "Operations team (Suzuki)" --no-create-home
ok "  (valid JSON with its password and the su notice)" \
	test "$(json_eval 'len(j["one_time_password"]) > 0 and "su" in j["notice"]')" = True
expect_rc 0 "user show: the approval" sb_ctl user show opsroot
ok "  approval: SSO-2026-014" grep -q "^approval: *SSO-2026-014$" "$T_OUT"
ok "  registry line shared-approved" grep -q "shared-approved.*SSO-2026-014" "$T_OUT"

# ---- identity.login_prefix (#9) ----
expect_rc 0 "a user code starting with a digit gets a valid login" \
	sb_ctl user add --user-code 1bcde --id-number 001 --no-create-home
ok "  n1bcde-001 (the default prefix n)" out_has "issued n1bcde-001"
for form in 1BCDE001 1BCDE-001 1bcde-001 n1bcde-001; do
	expect_rc 0 "  '$form' names it" sb_ctl user show "$form"
	ok "    as n1bcde-001" grep -q "^login: *n1bcde-001$" "$T_OUT"
done
expect_rc 0 "another prefix" \
	sb_ctl --set identity.login_prefix=site_ user add --user-code 2BCDE --id-number 001 \
	--no-create-home
ok "  site_2bcde-001" out_has "issued site_2bcde-001"
expect_rc 2 "a prefix that would make the login read as another NACCS user ID" \
	sb_ctl --set identity.login_prefix=nx user add --user-code 3BCDE --id-number 001 \
	--no-create-home
ok "  is refused" out_has "reads as another NACCS user ID"
expect_rc 2 "an invalid prefix is refused" \
	sb_ctl --set identity.login_prefix=1n user list
otp=$(sb_issue --user-code 4BCDE --id-number 001 --no-create-home)
expect_rc 0 "PAM: the NACCS form 4BCDE001 authenticates as the prefixed login" \
	sb_pam 4BCDE001 "$otp" authenticate open_session
expect_rc 0 "  user show: the login was recorded" sb_ctl --json user show n4bcde-001
ok "  last_login set" test "$(json_eval 'j["state"]["last_login"] is not None')" = True

# ---- homes (#9) ----
home=$SB_DIR/home
skel=$T_TMP/skel
mkdir -p "$skel/.config/app"
printf 'alias ll="ls -l"\n' >"$skel/.bashrc"
chmod 0644 "$skel/.bashrc"
printf 'x\n' >"$skel/.config/app/rc"
ln -s /etc/shadow "$skel/shadow-link"
mkfifo "$skel/fifo"
hctl() { sb_ctl --set identity.skel="$skel" "$@"; }
if [ "$root" = yes ]; then
	expect_rc 0 "user add makes the home" hctl user add --user-code HOMEA --id-number 001
	uid=$(stat -c %u "$home/homea-001")
	ok "  says so" out_has "home directory $home/homea-001 created"
	ok "  owned by the issued uid and gid 100, mode 0700" \
		test "$(stat -c '%u %g %a' "$home/homea-001")" = "$uid 100 700"
	ok "  uid is the ID's" bash -c "[ \"$uid\" -ge 20000 ]"
	ok "  skel files copied, owned by the ID" \
		test "$(stat -c '%u %a' "$home/homea-001/.bashrc")" = "$uid 644"
	ok "  nested directories too" test "$(stat -c %u "$home/homea-001/.config/app/rc")" = "$uid"
	ok "  a symbolic link copied as a link, never followed" \
		test "$(readlink "$home/homea-001/shadow-link")" = /etc/shadow
	ok "  the link itself owned by the ID" \
		test "$(stat -c %u "$home/homea-001/shadow-link")" = "$uid"
	ok "  /etc/shadow untouched (still root's)" test "$(stat -c %u /etc/shadow)" = 0
	ok "  a FIFO is left out" test ! -e "$home/homea-001/fifo"

	expect_rc 0 "--no-create-home" hctl user add --user-code HOMEA --id-number 002 \
		--no-create-home
	ok "  no home" test ! -e "$home/homea-002"
	expect_rc 0 "identity.home_mode = 0750" \
		hctl --set identity.home_mode=0750 user add --user-code HOMEA --id-number 003
	ok "  mode 750" test "$(stat -c %a "$home/homea-003")" = 750
	expect_rc 2 "a group-writable home_mode is refused" \
		sb_ctl --set identity.home_mode=0770 user list

	mkdir "$home/homea-004"
	expect_rc 1 "an existing directory not the ID's is refused before issuing" \
		hctl user add --user-code HOMEA --id-number 004
	ok "  saying so" out_has "exists already"
	expect_rc 3 "  and nothing was issued" sb_ctl user show homea-004
	ln -s /etc "$home/homea-005"
	expect_rc 1 "a symbolic link at the home's path is refused" \
		hctl user add --user-code HOMEA --id-number 005
	ok "  /etc untouched" test "$(stat -c %u /etc)" = 0
	mkdir "$T_TMP/real"
	ln -s "$T_TMP/real" "$SB_DIR/homes-link"
	expect_rc 1 "a symbolic link above the home is never followed" \
		hctl --set identity.home_base="$SB_DIR/homes-link" user add \
		--user-code HOMEA --id-number 006
	ok "  says so" out_has "symbolic link"
	ok "  nothing made behind it" test -z "$(ls -A "$T_TMP/real")"
	expect_rc 1 "a missing directory above the home is refused before issuing" \
		hctl --set identity.home_base="$SB_DIR/nohomes" user add \
		--user-code HOMEA --id-number 007
	expect_rc 3 "  and nothing was issued" sb_ctl user show homea-007

	# A skeleton that cannot be read whole: the half-made home is removed.
	badskel=$T_TMP/badskel
	mkdir -p "$badskel/d"
	printf 'x\n' >"$badskel/d/f"
	ln -s "$T_TMP" "$badskel/d/f2"
	mkdir -p "$badskel/e"
	# An unreadable file cannot be copied, but root reads anything: a
	# directory nested deeper than the limit fails the copy instead.
	deep=$badskel/e
	for _ in $(seq 1 40); do deep=$deep/x; done
	mkdir -p "$deep"
	expect_rc 1 "a skeleton that cannot be copied: user add fails after issuing" \
		sb_ctl --set identity.skel="$badskel" user add --user-code HOMEA --id-number 008
	ok "  says the ID was issued without its home" out_has "was not created"
	ok "  and leaves no half-made home" test ! -e "$home/homea-008"
	expect_rc 0 "  the ID exists (IDs are never deleted)" sb_ctl user show homea-008

	expect_rc 0 "--adopt-local never makes a home" \
		sb_ctl user add --shared --approval A2 --login root --adopt-local --uid 0 --name root
	ok "  (/root untouched)" test "$(stat -c %u /root)" = 0
else
	skip "homes" "not root: only root can give a home to another uid"
fi

finish
