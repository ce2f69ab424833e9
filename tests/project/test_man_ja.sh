#!/bin/bash
# The Japanese manual pages (man/ja/, issue #11): one for every English page
# in man/, each formats without a single groff warning the way man-db
# formats a page under /usr/share/man/ja (groff -mja, UTF-8 through
# preconv), and none can silently drift from its English page: the same
# sections in the same order, every config key of naccs.conf(5), every
# naccsctl command, every option, constant, dotted key and path the English
# page names, and the same examples.  A failure names the page and exactly
# what its translation lacks.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
src=$NACCS_TOP_SRCDIR

if ! command -v groff >/dev/null; then
	echo "groff not installed (Debian: groff-base): skipped"
	exit 77
fi
if ! groff -mja -z </dev/null 2>/dev/null; then
	echo "groff has no ja.tmac (Debian: groff-base has it): skipped"
	exit 77
fi

# ja_section ENGLISH: the Japanese heading of an English .SH heading (the
# names of the Japanese Linux manual pages); empty when the table lacks it.
ja_section() {
	case $1 in
	NAME) echo "名前" ;;
	SYNOPSIS) echo "書式" ;;
	DESCRIPTION) echo "説明" ;;
	OPTIONS) echo "オプション" ;;
	COMMANDS) echo "コマンド" ;;
	KEYS) echo "キー" ;;
	"MODULE TYPES") echo "モジュールタイプ" ;;
	"AUDIT TRAIL") echo "監査証跡" ;;
	STACKING) echo "スタックの構成" ;;
	SECURITY) echo "セキュリティ" ;;
	SIGNALS) echo "シグナル" ;;
	"EXIT STATUS") echo "終了ステータス" ;;
	FILES) echo "ファイル" ;;
	EXAMPLE | EXAMPLES) echo "例" ;;
	NOTES) echo "注意" ;;
	"SEE ALSO") echo "関連項目" ;;
	esac
}

# warnings PAGE: every warning groff and man give for PAGE as man-db
# formats it from /usr/share/man/ja/manN (it loads ja.tmac for a page in
# a ja/ directory; without it Japanese text cannot be broken into lines).
warnings() {
	local b s d
	b=$(basename "$1")
	s=${b##*.}
	d=$T_TMP/tree/man/ja/man$s
	mkdir -p "$d"
	cp "$1" "$d/$b"
	groff -ww -mja -man -Tutf8 -k -K utf8 -z "$1" 2>&1
	if command -v man >/dev/null; then
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$d/$b" 2>&1 >/dev/null
	fi
}

# plain PAGE: the text of PAGE with the font and spacing escapes removed
# and \- as -, so that names compare as an administrator types them.
plain() {
	sed -e 's/\\f[BIRP]//g; s/\\f(..//g; s/\\-/-/g; s/\\[&%:c|^]//g; s/\\(aq/'"'"'/g' \
		-e 's/\\e/\\/g; s/\\ / /g' "$1"
}

# headings PAGE: the .SH headings in order, without quotes.
headings() { sed -n 's/^\.SH[[:space:]]*//p' "$1" | tr -d '"'; }

# commands PAGE SECTION: the command of every .TP term under .SH SECTION,
# as typed: "user add", "user unsuspend", "index rebuild", "index check".
commands() {
	plain "$1" | awk -v want="$2" '
	     /^\.SH/ { h = $0; sub(/^\.SH[ \t]*/, "", h); gsub(/"/, "", h); in_cmds = (h == want); next }
	     in_cmds && /^\.TP/ { term = 1; next }
	     term { term = 0; line = $0; sub(/^\.[A-Z]+[ \t]+/, "", line); gsub(/"/, "", line);
	            n = split(line, alt, /, /)
	            for (i = 1; i <= n; i++) {
	                m = split(alt[i], w, /[ \t]+/); pre = ""
	                for (j = 1; j <= m; j++) {
	                    if (w[j] ~ /^[a-z][a-z-]*(\|[a-z][a-z-]*)+$/) {
	                        k = split(w[j], o, /\|/)
	                        for (l = 1; l <= k; l++) print pre o[l]
	                        pre = ""; break
	                    }
	                    if (w[j] !~ /^[a-z][a-z-]*$/) break
	                    pre = pre w[j] " "
	                }
	                if (pre != "") { sub(/ $/, "", pre); print pre }
	            } }' | sort -u
}

# names PAGE: what an administrator types or looks for, wherever the page
# names it: long options, constants (PAM_USER_UNKNOWN, LOG_ALERT,
# NSS_STATUS_UNAVAIL), dotted keys of the config sections, absolute paths.
names() {
	plain "$1" | LC_ALL=C grep -v '^\.\\"' | LC_ALL=C grep -oE -- '--[a-z0-9][a-z0-9-]*|\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b|\b(general|hash|store|auth|lockout|notice|su|access|session|identity|password|audit|nss|mfa)\.[a-z_]+[a-z]|(^|[^A-Za-z0-9_./-])/(etc|var|usr|dev|home|bin|path)/[A-Za-z0-9_./*-]*[A-Za-z0-9_*]' |
		LC_ALL=C sed 's|^[^-A-Za-z/]/|/|' | sort -u
}

# examples PAGE: the lines of every .nf/.fi block (examples, synopsis of
# nsswitch.conf, the profile lines), verbatim.
examples() { awk '/^\.fi/ { n = 0 } n { print } /^\.nf/ { n = 1 }' "$1"; }

# th PAGE: the title, section and source of .TH (not the date, not the
# manual's name, which is translated).
th() { awk '/^\.TH/ { print $2, $3, $5, $6; exit }' "$1" | tr -d '"'; }

# missing WANTED HAVE: the lines of WANTED that HAVE lacks.
missing() { comm -23 <(sort -u "$1") <(sort -u "$2"); }

# report WHAT FILE: the missing names, one comment line.
report() { [ -s "$2" ] && echo "# $1: $(tr '\n' ' ' <"$2")"; }

# check_page ENGLISH JAPANESE: every check of one translation.
check_page() {
	local en=$1 ja=$2 p h j
	p=${en##*/}
	ok "man/ja/$p exists (translation of man/$p)" test -f "$ja"
	[ -f "$ja" ] || return 0
	ok "man/ja/$p is UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$ja"
	ok "man/ja/$p declares its coding for man-db (first line)" \
		sh -c "head -1 '$ja' | grep -q 'coding: UTF-8'"
	warnings "$ja" >"$T_TMP/warn" 2>&1
	ok "man/ja/$p formats without warnings (groff -ww -mja, man --warnings)" test ! -s "$T_TMP/warn"
	sed 's/^/#   /' "$T_TMP/warn"

	ok "man/ja/$p: .TH as in man/$p ($(th "$en"))" test "$(th "$en")" = "$(th "$ja")"
	: >"$T_TMP/want-sh"
	headings "$en" | while IFS= read -r h; do
		j=$(ja_section "$h")
		echo "${j:-"($h: no Japanese heading in tests/project/test_man_ja.sh)"}"
	done >"$T_TMP/want-sh"
	headings "$ja" >"$T_TMP/have-sh"
	ok "man/ja/$p: the sections of man/$p, in order" cmp -s "$T_TMP/want-sh" "$T_TMP/have-sh"
	if ! cmp -s "$T_TMP/want-sh" "$T_TMP/have-sh"; then
		diff "$T_TMP/want-sh" "$T_TMP/have-sh" | sed -n 's/^[<>]/#   &/p'
	fi
	sed -n 's/^\.SS[[:space:]]*"*\(\[[a-z0-9_]*\]\).*/\1/p' "$en" >"$T_TMP/want-ss"
	sed -n 's/^\.SS[[:space:]]*"*\(\[[a-z0-9_]*\]\).*/\1/p' "$ja" >"$T_TMP/have-ss"
	ok "man/ja/$p: the [section] subsections of man/$p, in order" cmp -s "$T_TMP/want-ss" "$T_TMP/have-ss"
	ok "man/ja/$p: as many subsections as man/$p" \
		test "$(grep -c '^\.SS' "$en")" = "$(grep -c '^\.SS' "$ja")"

	man_conf_keys "$en" >"$T_TMP/want-keys"
	man_conf_keys "$ja" >"$T_TMP/have-keys"
	missing "$T_TMP/want-keys" "$T_TMP/have-keys" >"$T_TMP/miss"
	ok "man/ja/$p documents every config key man/$p documents" test ! -s "$T_TMP/miss"
	report "config keys in man/$p but not in man/ja/$p" "$T_TMP/miss"
	missing "$T_TMP/have-keys" "$T_TMP/want-keys" >"$T_TMP/miss"
	ok "man/ja/$p documents no config key man/$p does not" test ! -s "$T_TMP/miss"
	report "config keys in man/ja/$p but not in man/$p" "$T_TMP/miss"

	commands "$en" COMMANDS >"$T_TMP/want-cmds"
	commands "$ja" "$(ja_section COMMANDS)" >"$T_TMP/have-cmds"
	missing "$T_TMP/want-cmds" "$T_TMP/have-cmds" >"$T_TMP/miss"
	ok "man/ja/$p documents every naccsctl command man/$p documents" test ! -s "$T_TMP/miss"
	report "commands in man/$p but not in man/ja/$p" "$T_TMP/miss"
	missing "$T_TMP/have-cmds" "$T_TMP/want-cmds" >"$T_TMP/miss"
	ok "man/ja/$p documents no command man/$p does not" test ! -s "$T_TMP/miss"
	report "commands in man/ja/$p but not in man/$p" "$T_TMP/miss"

	names "$en" >"$T_TMP/want-names"
	names "$ja" >"$T_TMP/have-names"
	missing "$T_TMP/want-names" "$T_TMP/have-names" >"$T_TMP/miss"
	ok "man/ja/$p names every option, constant, key and path of man/$p" test ! -s "$T_TMP/miss"
	report "named in man/$p but not in man/ja/$p" "$T_TMP/miss"

	examples "$en" >"$T_TMP/want-ex"
	examples "$ja" >"$T_TMP/have-ex"
	ok "man/ja/$p: the examples of man/$p, verbatim" cmp -s "$T_TMP/want-ex" "$T_TMP/have-ex"
	if ! cmp -s "$T_TMP/want-ex" "$T_TMP/have-ex"; then
		diff "$T_TMP/want-ex" "$T_TMP/have-ex" | sed -n 's/^[<>]/#   &/p'
	fi
}

n=0
for en in "$src"/man/*.[1-8]; do
	check_page "$en" "$src/man/ja/${en##*/}"
	n=$((n + 1))
done
ok "the English pages are found (the loop ran)" test "$n" -ge 4
for ja in "$src"/man/ja/*.[1-8]; do
	[ -e "$ja" ] || continue
	ok "man/ja/${ja##*/} translates an English page" test -f "$src/man/${ja##*/}"
done

# The checks can fail: a key, a command, an option, a section, an example
# or a whole page added to the English pages only is each reported by
# name, and a bad request in a Japanese page gives a warning.  (The names
# below exist nowhere: self_check, selfcheck, --self-check, SELFCHECK.)
# selfcheck_page ENGLISH JAPANESE: the failures check_page reports (its
# counters stay in the subshell).
selfcheck_page() { (check_page "$1" "$2") | grep -E '^(not ok|# )'; }
# fails_with ENGLISH JAPANESE TEXT: check_page fails and says TEXT.
fails_with() { selfcheck_page "$1" "$2" >"$T_TMP/self" && grep -qF -- "$3" "$T_TMP/self"; }

sed 's/^\.SS "\[store\]"$/.SS "[self_check]"\nx\n.TP\n.BI "new_key = " ""\nx\n&/' \
	"$src/man/naccs.conf.5" >"$T_TMP/naccs.conf.5"
ok "self-check: a key only in the English page is reported by name" \
	fails_with "$T_TMP/naccs.conf.5" "$src/man/ja/naccs.conf.5" "self_check.new_key"
sed 's/^\(\.B help .*\)$/.B audit selfcheck\nx\n.TP\n\1/' "$src/man/naccsctl.8" >"$T_TMP/naccsctl.8"
ok "self-check: a naccsctl command only in the English page is reported by name" \
	fails_with "$T_TMP/naccsctl.8" "$src/man/ja/naccsctl.8" " audit selfcheck "
commands "$src/man/naccsctl.8" COMMANDS >"$T_TMP/cmds"
ok "self-check: the commands are found (user unsuspend, index check, audit prune)" \
	sh -c "grep -qx 'user unsuspend' '$T_TMP/cmds' && grep -qx 'index check' '$T_TMP/cmds' &&
	       grep -qx 'audit prune' '$T_TMP/cmds'"
sed 's/^\.SH EXIT STATUS$/.TP\n.B \\-\\-self\\-check\nx\n&/' "$src/man/naccsctl.8" >"$T_TMP/naccsctl.8"
ok "self-check: an option only in the English page is reported by name" \
	fails_with "$T_TMP/naccsctl.8" "$src/man/ja/naccsctl.8" " --self-check "
names "$src/man/pam_naccs.8" >"$T_TMP/names"
ok "self-check: the names are found (PAM_USER_UNKNOWN, lockout.deny, /etc/naccs/naccs.conf)" \
	sh -c "grep -qx PAM_USER_UNKNOWN '$T_TMP/names' && grep -qx lockout.deny '$T_TMP/names' &&
	       grep -qx /etc/naccs/naccs.conf '$T_TMP/names'"
sed 's/^\.SH FILES$/.SH SELFCHECK\nx\n&/' "$src/man/nss_naccs.8" >"$T_TMP/nss_naccs.8"
ok "self-check: a section only in the English page is reported" \
	fails_with "$T_TMP/nss_naccs.8" "$src/man/ja/nss_naccs.8" "(SELFCHECK: no Japanese heading"
sed 's/^naccsctl index check$/naccsctl index check \\-\\-self\\-check/' "$src/man/naccsctl.8" >"$T_TMP/naccsctl.8"
ok "self-check: a changed example is reported" \
	fails_with "$T_TMP/naccsctl.8" "$src/man/ja/naccsctl.8" "not ok"
cp "$src/man/nss_naccs.8" "$T_TMP/self_check.8"
ok "self-check: an English page without a translation is reported" \
	fails_with "$T_TMP/self_check.8" "$src/man/ja/self_check.8" "man/ja/self_check.8 exists"
printf "'\\\\\" -*- coding: UTF-8 -*-\n.TH X 8\n.SH 名前\nx \\\\- 試験\n.SH 説明\n.BX bad\n\\\\[nosuchchar]\n" >"$T_TMP/bad.8"
warnings "$T_TMP/bad.8" >"$T_TMP/warn" 2>&1
ok "self-check: a Japanese page with a bad request gives warnings" test -s "$T_TMP/warn"
printf "'\\\\\" -*- coding: UTF-8 -*-\n.TH X 8\n.ad l\n.SH 名前\nx \\\\- 試験\n.SH 説明\n%s\n" \
	"$(printf '日本語の文章%.0s' $(seq 1 40))" >"$T_TMP/good.8"
warnings "$T_TMP/good.8" >"$T_TMP/warn" 2>&1
ok "self-check: a long Japanese line without blanks breaks without warnings (ja.tmac loaded)" \
	test ! -s "$T_TMP/warn"
sed 's/^/#   /' "$T_TMP/warn"
finish
