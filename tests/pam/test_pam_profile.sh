#!/bin/bash
# The pam-auth-update profile (etc/pam-configs/naccs): its lines, merged the
# way pam-auth-update merges them with Debian's unix profile (naccs first:
# higher priority; "end" jumps past the primary block), with pam_matrix
# standing in for pam_unix, through pam_wrapper and pamtester.
#   1. the controls, for every code pam_naccs.so may answer (a stub module
#      answers each): an answer about a NACCS ID ends the stack, so a wrong
#      naccs password never falls through to pam_unix; "not mine"
#      (PAM_USER_UNKNOWN, PAM_IGNORE) goes on to pam_unix;
#   2. pam_naccs.so itself in the merged stack.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

PROFILE=$NACCS_TOP_SRCDIR/etc/pam-configs/naccs
STUB=$NACCS_TOP_BUILDDIR/tests/lib/.libs/pam_rc_stub.so
MATRIX=$(pkg-config --variable=modules pam_wrapper)/pam_matrix.so
if ! command -v pamtester >/dev/null || [ ! -f "$MATRIX" ]; then
	echo "pamtester or pam_wrapper's pam_matrix.so not installed: skipped"
	exit 77
fi

# The profile's header: registered, not enabled, above pam_unix (256).
ok "profile: Default: no (registered, never enabled by the package)" \
	grep -qx 'Default: no' "$PROFILE"
prio=$(sed -n 's/^Priority: *//p' "$PROFILE")
ok "profile: priority $prio above pam_unix's 256" test "${prio:-0}" -gt 256
for t in Auth Account Password; do
	ok "profile: $t-Type: Primary (one of the modules that decide)" \
		grep -qx "$t-Type: Primary" "$PROFILE"
done
# The session line is in every session stack: /etc/pam.d/sudo includes
# common-session-noninteractive, and the su rule for sudo is applied at
# session open (#16 item 11).
ok "profile: session in interactive and non-interactive stacks (sudo)" \
	sh -c "! grep -q '^Session-Interactive-Only: yes' '$PROFILE'"

# profile_field FIELD: the line of FIELD (Auth, Auth-Initial, ...).
profile_field() {
	awk -v f="$1" '$0 ~ "^" f ":" { on = 1; next } /^[^ \t]/ { on = 0 }
		on { sub(/^[ \t]+/, ""); print }' "$PROFILE"
}
for t in Auth Account Password; do
	for v in "$t" "$t-Initial"; do
		line=$(profile_field "$v")
		ok "profile: $v names pam_naccs.so once" test "$(echo "$line" | grep -c 'pam_naccs\.so')" = 1
		ok "profile: $v: default=die (nothing about a NACCS ID falls through)" \
			grep -q 'default=die' <<<"$line"
		ok "profile: $v: user_unknown=ignore ignore=ignore (not ours: on to pam_unix)" \
			grep -q 'user_unknown=ignore ignore=ignore' <<<"$line"
	done
done
line=$(profile_field Session)
ok "profile: Session: a refusal refuses (default=die), not optional" \
	bash -c 'grep -q "default=die" <<<"$1" && ! grep -q optional <<<"$1"' _ "$line"
ok "profile: Session: ignore=ignore user_unknown=ignore (local accounts go on)" \
	bash -c 'grep -q "ignore=ignore" <<<"$1" && grep -q "user_unknown=ignore" <<<"$1"' _ "$line"

sb_init "$T_TMP/sb" "[hash]
memory_kib = 4096
time_cost = 1"
SVC=$SB_DIR/pam.d/naccs-sandbox
PASSDB=$T_TMP/passdb

# stack NAKED_MODULE_AND_ARGS: write the merged service: for auth, account
# and password the naccs line (its -Initial form: it comes first; "end" =
# 2: past pam_unix and pam_deny), Debian's unix line (end = 1) with
# pam_matrix, pam_deny, pam_permit; for session the naccs line and
# pam_permit.
stack() {
	local mod=$1 t lc unixctl
	: >"$SVC"
	for t in Auth Account Password; do
		lc=$(echo "$t" | tr 'A-Z' 'a-z')
		case $t in
		Account) unixctl='[success=1 new_authtok_reqd=done default=ignore]' ;;
		*) unixctl='[success=1 default=ignore]' ;;
		esac
		profile_field "$t-Initial" | sed -e 's/=end/=2/g' -e "s|pam_naccs\.so|$mod|" \
			-e "s|^|$lc |" >>"$SVC"
		echo "$lc $unixctl $MATRIX passdb=$PASSDB" >>"$SVC"
		echo "$lc requisite pam_deny.so" >>"$SVC"
		echo "$lc required pam_permit.so" >>"$SVC"
	done
	profile_field Session | sed -e "s|pam_naccs\.so|$mod|" -e 's|^|session |' >>"$SVC"
	echo "session required pam_permit.so" >>"$SVC"
}
# local: an account only pam_unix (pam_matrix) knows.
reset_passdb() { printf 'local:localpw:naccs-sandbox\nabcde-001:stalepw:naccs-sandbox\n' >"$PASSDB"; }

# ---- 0. the real pam-auth-update, in a private mount namespace -------------
# As root (CI), pam-auth-update runs on copies of /etc/pam.d, the profiles,
# /var/lib/pam and the debconf database bind-mounted over the real ones in
# a mount namespace of its own: nothing of the machine changes (each mount
# must succeed before pam-auth-update runs).  It shows that --package only
# registers the profile, that the stack emulated below is the one it
# writes, and that --remove takes the module out again.
norm() { grep -E "^$1[[:space:]].*pam_naccs\.so" "$2" | tr -s ' \t' ' ' | sed 's/ $//'; }
if [ "$(id -u)" -eq 0 ] && command -v pam-auth-update >/dev/null && command -v unshare >/dev/null &&
	unshare -m true 2>/dev/null; then
	pau=$T_TMP/pau
	mkdir -p "$pau/pamd" "$pau/configs" "$pau/varlib" "$pau/debconf"
	cp -a /etc/pam.d/. "$pau/pamd/" && cp -a /usr/share/pam-configs/. "$pau/configs/" &&
		cp "$PROFILE" "$pau/configs/naccs" && cp -a /var/cache/debconf/. "$pau/debconf/" &&
		{ [ ! -d /var/lib/pam ] || cp -a /var/lib/pam/. "$pau/varlib/"; }
	unshare -m sh -c '
		set -e
		mount --bind "$1/pamd" /etc/pam.d
		mount --bind "$1/configs" /usr/share/pam-configs
		mount --bind "$1/varlib" /var/lib/pam
		mount --bind "$1/debconf" /var/cache/debconf
		export DEBIAN_FRONTEND=noninteractive
		pam-auth-update --package
		cat /etc/pam.d/common-auth /etc/pam.d/common-account /etc/pam.d/common-password \
			/etc/pam.d/common-session >"$1/after-package"
		pam-auth-update --enable naccs
		cat /etc/pam.d/common-auth /etc/pam.d/common-account /etc/pam.d/common-password \
			/etc/pam.d/common-session /etc/pam.d/common-session-noninteractive >"$1/after-enable"
		pam-auth-update --package --remove naccs
		cat /etc/pam.d/common-auth /etc/pam.d/common-account /etc/pam.d/common-password \
			/etc/pam.d/common-session >"$1/after-remove"
	' sh "$pau" >"$T_OUT" 2>&1
	ok "pam-auth-update ran on copies (private mount namespace)" test -s "$pau/after-remove"
	sed 's/^/#   /' "$T_OUT"
	ok "pam-auth-update --package registers, does not enable (Default: no)" \
		sh -c "! grep -q pam_naccs '$pau/after-package'"
	ok "pam-auth-update --enable naccs: in auth, account, password, session (both)" \
		test "$(grep -cE '^(auth|account|password|session)[[:space:]].*pam_naccs\.so' "$pau/after-enable")" = 5
	ok "  above pam_unix in auth" sh -c "grep -E '^auth[[:space:]]' '$pau/after-enable' |
		grep -E 'pam_(naccs|unix)\.so' | head -1 | grep -q pam_naccs"
	ok "  in common-session-noninteractive too (sudo's session)" \
		test "$(grep -c pam_naccs "$pau/after-enable")" = 5
	ok "pam-auth-update --remove naccs takes it out" sh -c "! grep -q pam_naccs '$pau/after-remove'"
	ok "the machine's own /etc/pam.d was not touched" sh -c "! grep -q pam_naccs /etc/pam.d/common-*"
	real_enabled=$pau/after-enable
else
	skip "the real pam-auth-update" "not root, or no unshare or pam-auth-update"
	real_enabled=
fi

# ---- 1. the controls, one code at a time ----------------------------------
if [ -n "$real_enabled" ]; then
	stack pam_naccs.so
	for t in auth account password session; do
		ok "emulated $t line = pam-auth-update's" \
			test "$(norm $t "$SVC")" = "$(norm $t "$real_enabled" | sort -u)"
	done
fi
reset_passdb
for rc in success auth_err authinfo_unavail user_unknown ignore; do
	stack "$STUB rc=$rc"
	case $rc in
	success)
		expect_rc 0 "auth: module success ends the stack (pam_unix not asked)" \
			sb_pam local wrong-for-unix authenticate
		;;
	auth_err | authinfo_unavail)
		expect_rc 1 "auth: $rc never falls through (right pam_unix password refused)" \
			sb_pam local localpw authenticate
		;;
	*)
		expect_rc 0 "auth: $rc goes on to pam_unix (right password accepted)" \
			sb_pam local localpw authenticate
		expect_rc 1 "auth: $rc goes on to pam_unix (wrong password refused)" \
			sb_pam local wrong authenticate
		;;
	esac
done
for rc in success perm_denied acct_expired system_err new_authtok_reqd user_unknown ignore; do
	stack "$STUB rc=$rc"
	case $rc in
	success)
		expect_rc 0 "account: module success ends the stack (pam_unix not asked)" \
			sb_pam someone-unix-lacks "" acct_mgmt
		;;
	new_authtok_reqd)
		expect_rc 1 "account: new_authtok_reqd is returned as it is (a change follows)" \
			sb_pam local "" acct_mgmt
		ok "  PAM_NEW_AUTHTOK_REQD" out_has "new one required"
		;;
	user_unknown | ignore)
		expect_rc 0 "account: $rc goes on to pam_unix (its account passes)" \
			sb_pam local "" acct_mgmt
		expect_rc 1 "account: $rc goes on to pam_unix (an account it lacks fails)" \
			sb_pam someone-unix-lacks "" acct_mgmt
		;;
	*)
		expect_rc 1 "account: $rc never falls through (pam_unix's account refused)" \
			sb_pam local "" acct_mgmt
		;;
	esac
done
for rc in success authtok_err try_again ignore; do
	reset_passdb
	stack "$STUB rc=$rc"
	case $rc in
	ignore)
		expect_rc 0 "password: ignore goes on to pam_unix (it changes its password)" \
			sb_pam local "$(printf 'localpw\nNew-unix-pw1\nNew-unix-pw1')" chauthtok
		ok "  pam_unix's password changed" sh -c "! grep -q '^local:localpw:' '$PASSDB'"
		;;
	success)
		expect_rc 0 "password: module success ends the stack" sb_pam local "" chauthtok
		ok "  pam_unix's password untouched" grep -q '^local:localpw:' "$PASSDB"
		;;
	*)
		expect_rc 1 "password: $rc never falls through" \
			sb_pam local "$(printf 'localpw\nNew-unix-pw1\nNew-unix-pw1')" chauthtok
		ok "  pam_unix's password untouched" grep -q '^local:localpw:' "$PASSDB"
		;;
	esac
done
# The session line may refuse (the su rule for sudo, max_sessions_per_id,
# the trail at session open): a refusal stops the session, "not mine"
# (what every name that is no ID gets) goes on (#16 item 11).
for rc in ignore user_unknown success; do
	stack "$STUB rc=$rc"
	expect_rc 0 "session: $rc goes on" sb_pam local "" open_session
done
for rc in perm_denied session_err; do
	stack "$STUB rc=$rc"
	expect_rc 1 "session: $rc refuses the session" sb_pam local "" open_session
done

# ---- 2. pam_naccs.so in the merged stack ------------------------------------
reset_passdb
stack "$SB_MODULE conf=$SB_CONF owner=$(id -u) nodelay"
otp=$(sb_issue --user-code ABCDE --id-number 001 --name "Yamada Taro")
ok "naccsctl issued abcde-001" test -n "$otp"
expect_rc 0 "naccs ID: its naccs password authenticates" sb_pam ABCDE001 "$otp" authenticate
# (typed twice: pam_unix would ask again if the stack went on to it)
expect_rc 1 "naccs ID: a wrong naccs password that is its pam_unix password is refused" \
	sb_pam abcde-001 "$(printf 'stalepw\nstalepw')" authenticate
ok "  counted by naccs" sh -c "'$SB_CTL' --conf '$SB_CONF' --owner $(id -u) user show abcde-001 |
	grep -Eq 'failures since: +1'"
expect_rc 1 "naccs ID: account phase asks for the forced change" \
	sb_pam abcde-001 "" acct_mgmt
ok "  with the reason" out_has "must be changed"
expect_rc 0 "local account: account phase goes on to pam_unix" sb_pam local "" acct_mgmt
expect_rc 1 "unknown everywhere: account phase refused" sb_pam nobody-anywhere "" acct_mgmt
# Run as root, naccs sets another user's password without the current one.
new='Kx7#mQ2v!pLr'
if [ "$(id -u)" -eq 0 ]; then
	expect_rc 0 "naccs ID: password change lands in the store" \
		sb_pam abcde-001 "$(printf '%s\n%s' "$new" "$new")" chauthtok
	ok "  never in pam_unix's database" grep -q '^abcde-001:stalepw:' "$PASSDB"
	expect_rc 0 "  the new naccs password authenticates" sb_pam abcde-001 "$new" authenticate
	expect_rc 1 "  the pam_unix password still does not" \
		sb_pam abcde-001 "$(printf 'stalepw\nstalepw')" authenticate
fi
# (pam_naccs.so asks the new password twice for pam_unix use_authtok, see
# 3. below; pam_matrix, without use_authtok, asks it again.)
expect_rc 0 "local account: password change goes on to pam_unix" \
	sb_pam local "$(printf 'localpw\nNew-unix-pw1\nNew-unix-pw1\nNew-unix-pw1\nNew-unix-pw1')" chauthtok
ok "  pam_unix's password changed" sh -c "! grep -q '^local:localpw:' '$PASSDB'"
expect_rc 0 "local account: session goes on" sb_pam local "" open_session

# A name the store never issued is "not mine" in auth too (PAM_USER_UNKNOWN,
# issue #11): a local account authenticates with its pam_unix password
# through the profile (typed twice: pam_matrix asks again, where pam_unix
# takes the token with try_first_pass) ...
reset_passdb
expect_rc 0 "local account: its pam_unix password authenticates through the profile" \
	sb_pam local "$(printf 'localpw\nlocalpw')" authenticate
expect_rc 1 "local account: a wrong password is refused (by pam_unix)" \
	sb_pam local "$(printf 'wrong-for-unix\nwrong-for-unix')" authenticate
# ... and a name neither knows is still refused by the stack, whatever the
# password (a naccs ID's, a local account's), with the answer a wrong naccs
# password gets: the stack's answer tells no name from another.
expect_rc 1 "unknown everywhere: a naccs password is refused overall" \
	sb_pam nobody-anywhere "$(printf '%s\n%s' "$otp" "$otp")" authenticate
ok "  as an authentication failure" out_has "Authentication failure"
expect_rc 1 "unknown everywhere: a local account's password is refused overall" \
	sb_pam nobody-anywhere "$(printf 'localpw\nlocalpw')" authenticate
ok "  as an authentication failure" out_has "Authentication failure"
expect_rc 1 "naccs ID: a wrong password gets the same answer" \
	sb_pam abcde-001 "$(printf 'wrong-guess\nwrong-guess')" authenticate
ok "  as an authentication failure" out_has "Authentication failure"

# ---- 3. pam_unix below takes the new password from pam_naccs.so ------------
# pam-auth-update writes pam_unix's non-initial line below a module that
# comes first: "use_authtok try_first_pass", so pam_unix never asks the new
# password itself (as below pam_pwquality).  For a name that is not its own,
# pam_naccs.so asks it (twice) and leaves it in PAM_AUTHTOK; before, it asked
# nothing and no local account could change its password once the profile
# was enabled (found by the end-to-end suite, tests/e2e/test_pamtester.sh,
# issue #11).  The stub stands in for pam_unix use_authtok: it fails unless
# PAM_AUTHTOK holds the password typed.
if [ -n "$real_enabled" ]; then
	ok "pam-auth-update gives pam_unix use_authtok below pam_naccs.so" \
		sh -c "grep -E '^password[[:space:]].*pam_unix\.so' '$real_enabled' | grep -q use_authtok"
fi
{
	profile_field Password-Initial | sed -e 's/=end/=2/g' \
		-e "s|pam_naccs\.so|$SB_MODULE conf=$SB_CONF owner=$(id -u) nodelay|" -e 's|^|password |'
	echo "password [success=1 default=ignore] $STUB rc=success use_authtok authtok=New-unix-pw2"
	echo "password requisite pam_deny.so"
	echo "password required pam_permit.so"
} >"$SVC"
expect_rc 0 "local account: pam_naccs.so asks the new password for pam_unix use_authtok" \
	sb_pam local "$(printf 'New-unix-pw2\nNew-unix-pw2')" chauthtok
ok "  asked twice (new, retype)" test "$(grep -o 'ew password: ' "$T_OUT" | wc -l)" = 2
expect_rc 1 "local account: two different entries are refused before pam_unix" \
	sb_pam local "$(printf 'New-unix-pw2\nNew-unix-pw3')" chauthtok
finish
