#!/bin/bash
# The manual pages: each one formats without a single groff warning, and
# they cannot silently drift from the code: every key of the config table
# (common/config/keys.c) is documented in naccs.conf(5), every top-level
# command of naccsctl (naccsctl/naccsctl.c) in naccsctl(8).  A failure
# names exactly what is missing.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
src=$NACCS_TOP_SRCDIR

if ! command -v groff >/dev/null; then
	echo "groff not installed (Debian: groff-base): skipped"
	exit 77
fi

pages="pam_naccs.8 naccs.conf.5 naccsctl.8 nss_naccs.8 naccs_chkpwd.8 naccsd.8"

# warnings PAGE: every warning groff (and man, when there) gives for PAGE.
warnings() {
	groff -ww -man -z "$1" 2>&1
	if command -v man >/dev/null; then
		MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null
	fi
}

# config_keys FILE: "section.key" of every entry of the conf_keys[] table,
# and "access.rule_" for the [access] rule_NAME keys the setter takes
# besides the table (set_named), documented as the term "rule_ NAME", and
# "su.target_" for the [su] target_NAME keys alike.
config_keys() {
	{
		sed -n '/^static const struct conf_key conf_keys\[\] = {/,/^};/p' "$1" |
			sed -n 's/^[[:space:]]*{"\([a-z0-9_]*\)", "\([a-z0-9_]*\)", KIND_.*/\1.\2/p'
		if grep -q 'NACCS_ACCESS_RULE_PREFIX' "$1"; then
			echo "access.rule_"
		fi
		if grep -q 'NACCS_SU_TARGET_PREFIX' "$1"; then
			echo "su.target_"
		fi
	} | sort -u
}

# naccsctl_commands FILE: the names of the top-level command table.
naccsctl_commands() {
	sed -n 's/^[[:space:]]*{"\([a-z][a-z-]*\)", cmd_[a-z_]*,.*/\1/p' "$1" | sort -u
}

# documented_commands PAGE: the first word of every term under .SH COMMANDS.
documented_commands() {
	awk '/^\.SH/ { in_cmds = ($0 ~ /COMMANDS/); next }
	     in_cmds && /^\.TP/ { term = 1; next }
	     term { term = 0; line = $0; sub(/^\.[A-Z]+[ \t]+/, "", line); gsub(/"/, "", line);
	            split(line, w, /[ \t\\]+/); print w[1] }' "$1" | sort -u
}

# missing WANTED HAVE: the lines of WANTED that HAVE lacks (both sorted).
missing() { comm -23 "$1" "$2"; }

for p in $pages; do
	f=$src/man/$p
	ok "$p exists" test -f "$f"
	warnings "$f" >"$T_TMP/warn" 2>&1
	ok "$p formats without warnings (groff -ww, man --warnings)" test ! -s "$T_TMP/warn"
	sed 's/^/#   /' "$T_TMP/warn"
done

config_keys "$src/common/config/keys.c" >"$T_TMP/keys"
man_conf_keys "$src/man/naccs.conf.5" >"$T_TMP/doc-keys"
ok "the config table has keys (the extraction works)" test "$(wc -l <"$T_TMP/keys")" -gt 40
missing "$T_TMP/keys" "$T_TMP/doc-keys" >"$T_TMP/missing-keys"
ok "every config key of common/config/keys.c is in naccs.conf(5)" test ! -s "$T_TMP/missing-keys"
if [ -s "$T_TMP/missing-keys" ]; then
	echo "# keys missing from man/naccs.conf.5: $(tr '\n' ' ' <"$T_TMP/missing-keys")"
fi
missing "$T_TMP/doc-keys" "$T_TMP/keys" >"$T_TMP/extra-keys"
ok "naccs.conf(5) documents no key the code does not have" test ! -s "$T_TMP/extra-keys"
if [ -s "$T_TMP/extra-keys" ]; then
	echo "# keys in man/naccs.conf.5 that common/config/keys.c lacks: $(tr '\n' ' ' <"$T_TMP/extra-keys")"
fi

naccsctl_commands "$src/naccsctl/naccsctl.c" >"$T_TMP/cmds"
documented_commands "$src/man/naccsctl.8" >"$T_TMP/doc-cmds"
ok "naccsctl has commands (the extraction works)" test "$(wc -l <"$T_TMP/cmds")" -ge 5
missing "$T_TMP/cmds" "$T_TMP/doc-cmds" >"$T_TMP/missing-cmds"
ok "every naccsctl command is in naccsctl(8)" test ! -s "$T_TMP/missing-cmds"
if [ -s "$T_TMP/missing-cmds" ]; then
	echo "# commands missing from man/naccsctl.8: $(tr '\n' ' ' <"$T_TMP/missing-cmds")"
fi

# The checks can fail: a key added to the table, a command added to
# naccsctl, a bad request in a page are each found.
# (The names below exist nowhere: self_check.new_key, selfcheck.)
sed 's/^\(    {"password", "retry", .*\)$/\1\n    {"self_check", "new_key", KIND_PATH, FIELD(x), 0, 0, false},/' \
	"$src/common/config/keys.c" >"$T_TMP/keys-plus.c"
config_keys "$T_TMP/keys-plus.c" >"$T_TMP/keys-plus"
ok "self-check: a new key without documentation is reported by name" \
	test "$(missing "$T_TMP/keys-plus" "$T_TMP/doc-keys")" = "self_check.new_key"
sed '/NACCS_ACCESS_RULE_PREFIX/d' "$src/common/config/keys.c" >"$T_TMP/keys-norule.c"
sed 's/^\.BI "rule_" NAME/.BI "renamed_" NAME/' "$src/man/naccs.conf.5" >"$T_TMP/norule.5"
man_conf_keys "$T_TMP/norule.5" >"$T_TMP/doc-keys-norule"
ok "self-check: [access] rule_NAME undocumented is reported" \
	test "$(missing "$T_TMP/keys" "$T_TMP/doc-keys-norule")" = "access.rule_"
ok "self-check: rule_NAME is expected only while the setter takes it" \
	test -z "$(config_keys "$T_TMP/keys-norule.c" | grep -x 'access.rule_')"
sed 's/^\(    {"help", cmd_help, .*\)$/\1\n    {"selfcheck", cmd_selfcheck, true, ctl_usage_selfcheck},/' \
	"$src/naccsctl/naccsctl.c" >"$T_TMP/ctl-plus.c"
naccsctl_commands "$T_TMP/ctl-plus.c" >"$T_TMP/cmds-plus"
ok "self-check: a new command without documentation is reported by name" \
	test "$(missing "$T_TMP/cmds-plus" "$T_TMP/doc-cmds")" = "selfcheck"
printf '.TH X 8\n.SH NAME\nx \\- y\n.SH DESCRIPTION\n.BX bad\n\\[nosuchchar]\n' >"$T_TMP/bad.8"
warnings "$T_TMP/bad.8" >"$T_TMP/warn" 2>&1
ok "self-check: a page with a bad request gives warnings" test -s "$T_TMP/warn"

# naccs_chkpwd(8) comes with the helper (issue #11); it is not built yet.
if [ -e "$src/naccs_chkpwd" ] || grep -q naccs_chkpwd "$src/Makefile.am"; then
	ok "naccs_chkpwd(8) exists once the helper does" test -f "$src/man/naccs_chkpwd.8"
fi
finish
