#!/bin/bash
# Issue 16, item 14: a name typed at the login prompt that is no ID and no
# account of this system (often a password typed one field too early) is
# never written as typed, neither in the trail nor in the store; its tag
# stands for it, and the administrator tests a guess with naccsctl audit
# name-tag (the guess read from standard input, never an argument) and
# finds the attempts with audit report --user TAG.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

sb_init_cheap
AUD=$SB_DIR/audit
FILE=$AUD/$(date -u +%Y-%m).jsonl
GUESS=correct-horse-battery

sb_pam "$GUESS" "Wr0ng-Battery?" authenticate >/dev/null
sb_pam "$GUESS" "Wr0ng-Battery?" authenticate >/dev/null
sb_pam nobody "Wr0ng-Battery?" authenticate >/dev/null

ok "the typed name is nowhere in the trail or the store" \
	eval '! grep -rqF -- "$GUESS" "$AUD" "$SB_DIR"/state/naccs.db*'
ok "the key is made beside the store, 0600" \
	eval '[ "$(stat -c %a "$SB_DIR/state/name-tag.key")" = 600 ] &&
	      [ "$(stat -c %s "$SB_DIR/state/name-tag.key")" = 32 ]'
expect_rc 0 "audit name-tag reads the guess from stdin" \
	sh -c 'printf "%s\nnobody\n" "$1" | "$2" --conf "$3" --owner "$(id -u)" audit name-tag' \
	sh "$GUESS" "$SB_CTL" "$SB_CONF"
TAG=$(head -n1 "$T_OUT")
ok "the tag: # and 16 hex digits" eval '[[ "$TAG" =~ ^#[0-9a-f]{16}$ ]]'
ok "an account of the system is written by its name" eval '[ "$(sed -n 2p "$T_OUT")" = nobody ]'
ok "both attempts carry the guess's tag" \
	eval '[ "$(grep -cF -- "\"login\":\"$TAG\"" "$FILE")" = 2 ]'
ok "the account's attempt is under its name" eval 'grep -qF "\"login\":\"nobody\"" "$FILE"'
expect_rc 0 "audit report --user TAG finds them" \
	sb_ctl audit report --since 2000-01-01 --until 2100-01-01 --user "$TAG" --format csv
ok "the report lists the attempts" eval '[ "$(grep -cF -- "$TAG" "$T_OUT")" -ge 2 ]'
expect_rc 0 "another guess gives another tag" \
	sh -c 'printf "summer2026\n" | "$1" --conf "$2" --owner "$(id -u)" audit name-tag' \
	sh "$SB_CTL" "$SB_CONF"
ok "not the same tag" eval '! out_has "$TAG"'
expect_rc 2 "no name on stdin: a usage error" sh -c '"$1" --conf "$2" --owner "$(id -u)" audit name-tag </dev/null' \
	sh "$SB_CTL" "$SB_CONF"
expect_rc 2 "a name as an argument is refused" sb_ctl audit name-tag "$GUESS"
finish
