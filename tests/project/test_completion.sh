#!/bin/bash
# bash completion for naccsctl (#11, administrator experience): sourced in a
# plain bash, _naccsctl fills COMPREPLY for COMP_WORDS/COMP_CWORD; its tree
# is compared both ways with what "naccsctl help" prints, so it cannot go
# stale: every command, subcommand and option naccsctl's help names is
# offered, and nothing is offered that the help does not name.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"

comp_file=$NACCS_TOP_SRCDIR/etc/bash-completion/naccsctl
CTL=$NACCS_TOP_BUILDDIR/naccsctl/naccsctl
help() { LC_ALL=C "$CTL" help "$@"; }

# comp WORD...: complete the last WORD of "naccsctl WORD...", print
# COMPREPLY sorted, one per line.
comp() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=(naccsctl "$@")
		COMP_CWORD=$#
		COMP_LINE="naccsctl $*"
		COMP_POINT=${#COMP_LINE}
		_naccsctl naccsctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$comp_file" "$@"
}
# same EXPECTED ACTUAL: the two word lists are equal as sets.
same() {
	local a b
	a=$(printf '%s\n' $1 | sed '/^$/d' | sort -u)
	b=$(printf '%s\n' $2 | sed '/^$/d' | sort -u)
	[ "$a" = "$b" ] && return 0
	echo "#   expected: $(echo $a)"
	echo "#   offered:  $(echo $b)"
	return 1
}

# The command tree of a help text: one "PATH<TAB>WORD" line per command word
# ("" for a command, "user" for a subcommand of user, "group member" ...),
# read from the lines that show a command: "  user lock|unlock LOGIN  text"
# and "Usage: naccsctl [OPTIONS] config check [FILE]".
tree_of() {
	awk '
	{
		line = $0
		if (match(line, /naccsctl \[OPTIONS\] /))
			line = substr(line, RSTART + RLENGTH)
		else if (line ~ /^  [a-z]/)
			line = substr(line, 3)
		else
			next
		n = index(line, "  ")
		if (n) line = substr(line, 1, n - 1)
		k = split(line, w, " ")
		path = ""
		for (i = 1; i <= k; i++) {
			if (w[i] !~ /^[a-z][a-z|-]*$/) break
			m = split(w[i], alt, "|")
			for (j = 1; j <= m; j++) print path "\t" alt[j]
			path = (path == "" ? alt[1] : path " " alt[1])
		}
	}'
}
# options OF TEXT...: the --options in the lines that show the command
# path OF ("user list", "group add") and in their continuation lines.
options_of() {
	local of=$1
	awk -v of="$of" '
	{
		line = $0
		if (match(line, /naccsctl \[OPTIONS\] /))
			line = substr(line, RSTART + RLENGTH)
		else if (line ~ /^  [a-z]/)
			line = substr(line, 3)
		else if (inside && line ~ /^     *\[/) {
			print line
			next
		} else {
			inside = 0
			next
		}
		inside = (index(line " ", of " ") == 1)
		if (inside) print line
	}' | grep -o -- '--[a-z][a-z-]*' | sort -u
}

ok "the completion file is valid bash" bash -n "$comp_file"
ok "sourcing it registers _naccsctl for naccsctl" \
	bash --norc -c ". '$comp_file' && complete -p naccsctl | grep -q -- '-F _naccsctl naccsctl'"

# Every help text naccsctl has: the main one and each command's.
help >"$T_TMP/help.main"
top=$(tree_of <"$T_TMP/help.main" | awk -F'\t' '$1 == "" {print $2}' | sort -u)
ok "naccsctl help names commands (the parser works)" sh -c "echo '$top' | grep -qx user"
ok "commands: naccsctl TAB offers exactly the commands of naccsctl help" \
	same "$top" "$(comp '')"
knows() { help "$1" >/dev/null 2>&1; }
for c in $(comp ''); do
	ok "  naccsctl help $c knows the offered command '$c'" knows "$c"
done
ok "a prefix completes: naccsctl us TAB -> user" same user "$(comp us)"

# Subcommands, two levels deep ("group member add").
: >"$T_TMP/tree"
for c in $top; do
	{
		tree_of <"$T_TMP/help.main"
		help "$c" | tree_of
	} | awk -F'\t' -v c="$c" 'index($1, c) == 1 && $1 != ""' >>"$T_TMP/tree"
done
sort -u "$T_TMP/tree" -o "$T_TMP/tree"
for path in $(cut -f1 "$T_TMP/tree" | sort -u | tr ' ' '+'); do
	path=${path//+/ }
	want=$(awk -F'\t' -v p="$path" '$1 == p {print $2}' "$T_TMP/tree")
	# shellcheck disable=SC2086
	ok "subcommands: naccsctl $path TAB offers exactly those of naccsctl help" \
		same "$want" "$(comp $path '')"
	ok "  and after global options (--conf F --json $path)" \
		same "$want" "$(comp --conf /x --json $path '')"
done
ok "  the tree has user lock and unlock, group member add and remove" \
	sh -c "grep -qx 'user	unlock' '$T_TMP/tree' && grep -qx 'group member	remove' '$T_TMP/tree'"
ok "help COMMAND TAB offers the same subcommands (help user)" \
	same "$(awk -F'\t' '$1 == "user" {print $2}' "$T_TMP/tree")" "$(comp help user '')"

# Options: the global ones of the main help; each leaf's own.
global=$(awk '/^Options/ {on = 1} on && /^  --/ {print $1}' "$T_TMP/help.main" | tr -d ,)
global="$global --help"
ok "global options: naccsctl -- TAB offers exactly the main help's" same "$global" "$(comp --)"
leaves=$( (
	echo init
	awk -F'\t' '{print ($1 == "" ? $2 : $1 " " $2)}' "$T_TMP/tree"
) | sort -u)
while IFS= read -r leaf; do
	[ -n "$leaf" ] || continue
	# shellcheck disable=SC2086
	set -- $leaf
	[ "$1" = help ] && continue
	# A command's options are named in its own help (help user add names
	# only add's; help group names all of group's, each on its own line).
	if [ "$1" = user ] && [ $# -ge 2 ]; then
		want=$(help user "$2" | grep -o -- '--[a-z][a-z-]*' | sort -u)
	else
		want=$(help "$1" | options_of "$leaf")
	fi
	# shellcheck disable=SC2086
	ok "options: naccsctl $leaf -- TAB offers exactly those of its help" \
		same "$want" "$(comp $leaf --)"
done <<<"$leaves"

# Values and files.
touch "$T_TMP/naccs-draft.conf"
ok "a file name after --conf" same "$T_TMP/naccs-draft.conf" "$(comp --conf "$T_TMP/naccs-dr")"
ok "a file name after config check" same "$T_TMP/naccs-draft.conf" \
	"$(comp config check "$T_TMP/naccs-dr")"
ok "nothing is offered for an option's value (user add --user-code)" \
	same "" "$(comp user add --user-code '')"
ok "nothing is offered for a LOGIN (user show)" same "" "$(comp user show '')"
ok "the formats after audit report --format" same "csv json text" "$(comp audit report --format '')"
ok "options after a LOGIN (user show abcde-001 --j)" same --json "$(comp user show abcde-001 --j)"
finish
