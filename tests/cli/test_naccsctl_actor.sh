#!/bin/bash
# naccsctl: who the administrator is, and the one-time passwords it makes
# (review #5 tidy-ups).
#  - The actor recorded in the registry and the events is the login uid's
#    user, else the real uid's; SUDO_USER is the caller's environment, a
#    claim at most, never the actor (UTS-2.2.1.3(2)(g)(イ): the registry
#    says who issued an ID).
#  - One-time passwords (UTS-2.2.1.3(2)(a)) keep their length and alphabet
#    over many draws, every character of the alphabet turns up, and they
#    are drawn with libsodium's randombytes_uniform.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

sb_init_cheap

# ---- the actor ----
# What naccsctl must record: the login uid's name if one is set, else the
# real uid's name.
expected_actor() {
	local luid
	luid=$(cat /proc/self/loginuid 2>/dev/null || echo 4294967295)
	if [ "$luid" != 4294967295 ] && getent passwd "$luid" >/dev/null; then
		getent passwd "$luid" | cut -d: -f1
	else
		id -un
	fi
}
actor=$(expected_actor)
json_eval() { # EXPR over the JSON in the last output
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$T_OUT" "$1"
}

expect_rc 0 "user add with SUDO_USER=mallory in the environment" \
	env SUDO_USER=mallory "$SB_CTL" --conf "$SB_CONF" --owner "$(id -u)" --json \
	user add --user-code ABCDE --id-number 001
expect_rc 0 "  show it" sb_ctl --json user show abcde-001
ok "  created_by is the real user ($actor), not mallory" \
	test "$(json_eval 'j["created_by"]')" = "$actor"
ok "  the registry line's actor too" test "$(json_eval 'j["registry"][0]["by"]')" = "$actor"
ok "  mallory appears nowhere as an actor" eval '! out_has mallory'

expect_rc 0 "user lock with SUDO_USER=mallory" \
	env SUDO_USER=mallory "$SB_CTL" --conf "$SB_CONF" --owner "$(id -u)" \
	user lock abcde-001 --reason test
expect_rc 0 "  show it" sb_ctl --json user show abcde-001
ok "  the lock is recorded as by $actor" \
	test "$(json_eval 'j["registry"][-1]["by"]')" = "$actor"
sb_ctl user unlock abcde-001 >/dev/null

# ---- one-time passwords ----
ok "naccsctl draws with libsodium's randombytes_uniform" \
	bash -c "nm -D --undefined-only '$SB_CTL' | grep -qw randombytes_uniform"

alphabet='ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789!#%+=?@'
draws=$T_TMP/draws
: >"$draws"
for _ in $(seq 1 100); do
	sb_ctl user passwd abcde-001 | sed -n 's/^one-time password: //p' >>"$draws"
done
ok "100 one-time passwords drawn" test "$(wc -l <"$draws")" -eq 100
ok "  each is 16 characters of the alphabet (no look-alikes I O l o 0 1)" \
	bash -c "! grep -vqE '^[A-HJ-NP-Za-km-z2-9!#%+=?@]{16}\$' '$draws'"
ok "  each has upper case, lower case, a digit and a symbol" \
	bash -c "! grep -vE '[A-Z]' '$draws' | grep -q . &&
		! grep -vE '[a-z]' '$draws' | grep -q . &&
		! grep -vE '[0-9]' '$draws' | grep -q . &&
		! grep -vE '[!#%+=?@]' '$draws' | grep -q ."
ok "  no two are the same" test "$(sort -u "$draws" | wc -l)" -eq 100
# 1600 characters over 63 symbols: each is expected about 25 times, so a
# missing one means a broken draw (chance of a false alarm ~ 1e-9).
missing=$(python3 -c 'import sys
seen = set(open(sys.argv[1]).read())
print("".join(c for c in sys.argv[2] if c not in seen))' "$draws" "$alphabet")
ok "  every character of the alphabet turns up${missing:+ (missing: $missing)}" test -z "$missing"

finish
