#!/bin/bash
# naccsctl config show --effective: every key with its resolved value and
# where it came from (issue #6: policy profiles and provenance), in text
# and --json; a profile line after a key does not override it; an unknown
# profile is refused; [hash] algorithm/engine combinations are checked
# (UTS-2.2.1.6(1)(e)(イ)).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"

CTL=$NACCS_TOP_BUILDDIR/naccsctl/naccsctl
conf=$T_TMP/naccs.conf
owner=$(id -u)
ctl() { "$CTL" --conf "$conf" --owner "$owner" "$@"; }
write_conf() { cat >"$conf" && chmod 0600 "$conf"; }
json_eval() { # EXPR over the JSON in the last output; k(section, key) is that key's object
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
def k(s, n):
    return [x for x in j["keys"] if x["section"] == s and x["key"] == n][0]
print(eval(sys.argv[2]))' "$T_OUT" "$1"
}

write_conf <<EOF
# a key before the profile line: the key wins
[auth]
fail_delay_ms = 10
[general]
policy_profile = uts2023
[hash]
algorithm = pbkdf2-sha256
EOF

expect_rc 0 "config show --effective" ctl --set hash.pbkdf2_iterations=700000 \
	config show --effective
ok "  the profile, from FILE:LINE" out_has "general.policy_profile = uts2023  ($conf:5)"
ok "  a key before the profile line keeps its value" out_has "auth.fail_delay_ms = 10  ($conf:3)"
ok "  the new algorithm, from the file" out_has "hash.algorithm = pbkdf2-sha256  ($conf:7)"
ok "  --set, named as the command line" \
	out_has "hash.pbkdf2_iterations = 700000  (command line (--set, --store, --owner))"
ok "  a default, named as such" out_has "hash.memory_kib = 65536  (built-in default)"
ok "  every key is listed" test "$(grep -c ' = ' "$T_OUT")" -ge 22

expect_rc 0 "config show --effective --json" ctl --json config show --effective
ok "  profile" test "$(json_eval 'j["profile"]')" = uts2023
ok "  file origin with file and line" \
	test "$(json_eval 'k("auth","fail_delay_ms")["origin"], k("auth","fail_delay_ms")["line"], k("auth","fail_delay_ms")["file"]')" = "('file', 3, '$conf')"
ok "  default origin" test "$(json_eval 'k("hash","engine")["origin"], k("hash","engine")["value"]')" = "('default', 'auto')"
expect_rc 0 "  --set as argument origin (--json after the subcommand)" \
	ctl --set general.policy_profile=nist-800-63b config show --effective --json
ok "    argument origin" test "$(json_eval 'k("general","policy_profile")["origin"], k("general","policy_profile")["value"]')" = "('argument', 'nist-800-63b')"

expect_rc 2 "config show without --effective is a usage error" ctl config show
expect_rc 2 "config show with an extra argument" ctl config show --effective x

expect_rc 2 "an unknown profile through --set" ctl --set general.policy_profile=x config show --effective
ok "  names the accepted profiles" out_has "expected uts2012, uts2023 or nist-800-63b"

# An unknown profile is an error with file and line.
write_conf <<EOF
[general]
policy_profile = uts2020
EOF
expect_rc 1 "an unknown profile is refused" ctl config show --effective
ok "  with file, line and the accepted names" \
	out_has "$conf:2: general.policy_profile = 'uts2020' is not valid; expected uts2012, uts2023 or nist-800-63b"
expect_rc 1 "  config check refuses it too" ctl config check

# Engine and algorithm must fit together.
write_conf <<EOF
[hash]
algorithm = pbkdf2-sha256
engine = libargon2
EOF
expect_rc 1 "pbkdf2-sha256 with engine libargon2 is refused" ctl config check
ok "  the message names both and the fix" \
	out_has "hash.engine = libargon2 computes only argon2id, not hash.algorithm = pbkdf2-sha256; use hash.engine = auto or openssl"
write_conf <<EOF
[hash]
algorithm = pbkdf2-sha256
engine = openssl
pbkdf2_iterations = 100000
EOF
expect_rc 0 "pbkdf2-sha256 with engine openssl is accepted" ctl config check
expect_rc 1 "argon2id with engine openssl is refused" ctl --set hash.algorithm=argon2id \
	config show --effective
ok "  the message" out_has "hash.engine = openssl computes only pbkdf2-sha256"
finish
