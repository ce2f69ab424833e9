#!/bin/bash
# The layout of the sources holds (issue 17; common/README.md says it):
#  1. folder order: a file of common/FOLDER/ includes ("FOLDER/file.h") only
#     its own folder or one to its left in
#     base -> proto -> crypto -> rules -> config -> audit -> store -> index -> policy
#     (store/sqlite/ counts as store/);
#  2. adapters: nss_naccs/ includes only base/name.h, index/map.h, its own
#     files and "config.h"; pam_naccs/, chkpwd/ and naccsd/ only common/
#     (any folder), their own files and "config.h" (nothing of naccsctl/ or
#     another adapter); nothing in common/
#     includes an adapter's file, a PAM header or <nss.h>;
#  3. no include loop between modules (a source and its same-named header
#     are one module), found with tsort;
#  4. no .c/.h file over SIZE_MAX lines but those listed, with a reason, in
#     SIZE_EXCEPTIONS;
#  5. every folder of common/ has a README.md; every header of common/ has
#     a same-named source, or is an internal.h, or is listed with a reason in
#     HEADER_ONLY; no header of ours is named config.h (autoconf's).
# Each check is one ok line (4 and 5 also check their lists: every entry
# has a reason and is still needed); what breaks it follows, one
# "#   FILE:LINE: why" line per offence.  NACCS_TOP_SRCDIR is the tree read.
# Pure bash and coreutils (grep, sed, awk, sort, tsort): no python.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
cd "$NACCS_TOP_SRCDIR" || exit 1

ORDER="base proto crypto rules config audit store index policy"
ADAPTERS=(pam_naccs nss_naccs naccsctl chkpwd naccsd)
SIZE_MAX=600
# Files allowed over SIZE_MAX lines: "path|reason", one per entry.
SIZE_EXCEPTIONS=()
# Headers with no same-named source (internal.h needs no entry):
# "path|reason", one per entry.
HEADER_ONLY=(
	"common/crypto/engine.h|the engine table between crypto/hash.c and the engine_*.c files"
	"common/config/conf.h|the public API of config/, implemented by the sources of config/"
	"common/rules/password.h|the password rules, one source per rule (rules/password_*.c)"
	"common/store/backend.h|the backend table store/store.c dispatches to"
	"common/store/sqlite/schema.h|the SQLite backend's migrations, a constant table"
)

# FILE<TAB>LINE<TAB>q|a<TAB>TARGET for every #include ("..." q, <...> a).
# (Hidden folders, .libs and .deps of a build in the tree, are not ours.)
find common "${ADAPTERS[@]}" -name '.?*' -prune -o -type f -name '*.[ch]' -print |
	LC_ALL=C sort >"$T_TMP/files"
# shellcheck disable=SC2016 # awk's own $0, not the shell's
xargs awk '
	/^[ \t]*#[ \t]*include[ \t]*["<]/ {
		s = $0
		sub(/^[ \t]*#[ \t]*include[ \t]*/, "", s)
		k = substr(s, 1, 1) == "\"" ? "q" : "a"
		s = substr(s, 2)
		if (k == "q")
			sub(/".*/, "", s)
		else
			sub(/>.*/, "", s)
		print FILENAME "\t" FNR "\t" k "\t" s
	}' <"$T_TMP/files" >"$T_TMP/incs"

# check DESCRIPTION COMMAND...: one ok line, passed when COMMAND printed
# nothing; what it printed follows, each line as "#   ...".
check() {
	local desc=$1
	shift
	"$@" >"$T_TMP/check" 2>&1
	ok "$desc" test ! -s "$T_TMP/check"
	sed 's/^/#   /' "$T_TMP/check"
}

# A file's folder is the first below common/ (common/store/sqlite/x.c:
# store); a file directly in common/ or in another folder is in none.
order_check() {
	awk -F'\t' -v order="$ORDER" -v adapters="${ADAPTERS[*]}" '
		BEGIN {
			n = split(order, o, " ")
			for (i = 1; i <= n; i++) {
				rank[o[i]] = i
				left[o[i]] = (i > 1 ? left[o[i - 1]] " " : "") o[i] "/"
			}
			split(adapters, a, " ")
			for (i in a)
				adapter[a[i]] = 1
		}
		$1 !~ /^common\// || $3 != "q" { next }
		{
			split($1, p, "/")
			part = p[2]
			where = $1 ":" $2 ": #include \"" $4 "\""
			if (!(part in rank)) {
				if (!(($1) in told))
					print $1 ": not in a folder of " order
				told[$1] = 1
				next
			}
			if ($4 == "config.h")
				next
			if (index($4, "/") == 0) {
				print where " names no folder (write \"FOLDER/file.h\")"
				next
			}
			f = $4
			sub(/\/.*/, "", f)
			if (f in adapter)
				next # check 2 says it
			if (!(f in rank))
				print where ": " f "/ is not a folder of common/"
			else if (rank[f] > rank[part])
				print where ": " f "/ is right of " part "/, which may include only " left[part]
		}' "$T_TMP/incs"
}
check "folder order: common/ includes only its own folder or one to its left (${ORDER// / -> })" \
	order_check

adapter_check() {
	local adapters_re
	adapters_re="^(\.\./)*($(IFS="|"; echo "${ADAPTERS[*]}"))/"
	# Headers an adapter has, by name ("naccsctl.h"), for a bare include.
	find "${ADAPTERS[@]}" -type f -name '*.h' | sed 's,.*/,,' | LC_ALL=C sort -u >"$T_TMP/adapter_headers"
	local file line kind t dir where first
	while IFS=$'\t' read -r file line kind t; do
		dir=${file%/*}
		where="$file:$line: #include $([ "$kind" = q ] && echo "\"$t\"" || echo "<$t>")"
		case $file in
		common/*)
			if [[ $t =~ ^security/ || $t == nss.h ]]; then
				echo "$where: PAM and NSS headers are the adapters' (pam_naccs/, nss_naccs/)"
			elif [ "$kind" = q ] && { [[ $t =~ $adapters_re ]] ||
				{ [[ $t != */* ]] && [ "$t" != config.h ] && grep -qxF "$t" "$T_TMP/adapter_headers"; }; }; then
				echo "$where: common/ never includes an adapter (${ADAPTERS[*]})"
			fi
			;;
		nss_naccs/*)
			[ "$kind" = q ] || continue
			case $t in
			base/name.h | index/map.h | config.h) ;;
			*)
				if [[ $t == */* ]] || [ ! -f "$dir/$t" ]; then
					echo "$where: nss_naccs/ includes only base/name.h, index/map.h, its own files and \"config.h\""
				fi
				;;
			esac
			;;
		pam_naccs/* | chkpwd/* | naccsd/*)
			[ "$kind" = q ] || continue
			[ "$t" = config.h ] && continue
			first=${t%%/*}
			if [[ $t == */* ]]; then
				case " $ORDER " in
				*" $first "*) continue ;;
				esac
			elif [ -f "$dir/$t" ]; then
				continue
			fi
			echo "$where: ${dir}/ includes only common/, its own files and \"config.h\" (nothing of naccsctl/ or another adapter)"
			;;
		esac
	done <"$T_TMP/incs"
}
check "adapters: nss_naccs/ includes only base/name.h and index/map.h of common/; pam_naccs/, chkpwd/, naccsd/ only common/ (nothing of naccsctl/); common/ no adapter, PAM or NSS header" \
	adapter_check

# A module: a source and its same-named header (common/x/foo.c and
# common/x/foo.h are common/x/foo).  An include "T" in DIR is DIR/T, else
# common/T (the compiler's order: the file's folder, then -I common);
# anything else ("config.h", system headers) is not ours.  A header with no
# source (internal.h, HEADER_ONLY) is no module of its own: what it includes
# counts for each file that includes it (store/store.c including
# store/backend.h, which includes store/store.h, is no loop); a loop among
# such headers themselves still is one.
loop_check() {
	local file line kind t dir target
	while IFS=$'\t' read -r file line kind t; do
		[ "$kind" = q ] || continue
		dir=${file%/*}
		if [ -f "$dir/$t" ]; then
			target=$dir/$t
		elif [ -f "common/$t" ]; then
			target=common/$t
		else
			continue
		fi
		case $target in
		*..*) target=$(realpath -m --relative-to=. "$target") ;;
		esac
		[ "${file%.[ch]}" = "${target%.[ch]}" ] && continue
		printf '%s\t%s\t%s:%s: #include "%s"\n' "${file%.[ch]}" "${target%.[ch]}" "$file" "$line" "$t"
	done <"$T_TMP/incs" >"$T_TMP/edges"
	# Modules, and headers without a source.
	sed 's/\.[ch]$//' "$T_TMP/files" | LC_ALL=C sort -u >"$T_TMP/nodes"
	while read -r t; do
		[ -f "$t.c" ] || echo "$t"
	done <"$T_TMP/nodes" >"$T_TMP/headeronly"
	# Module -> module, through any headers without a source on the way
	# (each such edge keeps the includes it went through); and the edges
	# between headers without a source.
	awk -F'\t' -v OFS='\t' '
		FILENAME == ARGV[1] { ho[$1] = 1; next }
		{ e++; s[e] = $1; d[e] = $2; v[e] = $3; out[$1] = out[$1] " " e }
		function walk(src, node, why, seen,    n, idx, j) {
			if (!(node in ho)) {
				if (node != src)
					print src, node, why
				return
			}
			if (index(seen, " " node " "))
				return
			seen = seen " " node " "
			n = split(out[node], idx, " ")
			for (j = 1; j <= n; j++)
				walk(src, d[idx[j]], why "\t" v[idx[j]], seen)
		}
		END {
			for (i = 1; i <= e; i++)
				if (!(s[i] in ho))
					walk(s[i], d[i], v[i], "")
				else if (d[i] in ho)
					print s[i], d[i], v[i]
		}' "$T_TMP/headeronly" "$T_TMP/edges" >"$T_TMP/modedges"
	{
		sed 's/.*/& &/' "$T_TMP/nodes"
		cut -f1,2 "$T_TMP/modedges" | tr '\t' ' '
	} | LC_ALL=C tsort 2>"$T_TMP/tsort" >/dev/null
	# GNU tsort: "tsort: -: input contains a loop:" then "tsort: MEMBER" lines.
	awk '
		/input contains a loop/ { if (n) print s; s = ""; n = 0; next }
		/^tsort: / { sub(/^tsort: /, ""); s = s (n++ ? " " : "") $0 }
		END { if (n) print s }' "$T_TMP/tsort" |
		while read -r t; do
			echo "loop between the modules: $t"
			awk -F'\t' -v m=" $t " '
				index(m, " " $1 " ") && index(m, " " $2 " ") {
					for (i = 3; i <= NF; i++)
						print (i == 3 ? "  " : "    which has ") $i
				}' "$T_TMP/modedges"
		done
}
check "no include loop between modules (a source and its same-named header are one)" loop_check

size_check() {
	local n f e
	while read -r n f; do
		[ "$f" = total ] && continue
		[ "$n" -le "$SIZE_MAX" ] && continue
		for e in "${SIZE_EXCEPTIONS[@]}"; do
			[ "${e%%|*}" = "$f" ] && continue 2
		done
		echo "$f: $n lines (over $SIZE_MAX: split it, or list it in SIZE_EXCEPTIONS with a reason)"
	done < <(xargs wc -l <"$T_TMP/files")
}
check "no .c/.h file over $SIZE_MAX lines (exceptions: ${#SIZE_EXCEPTIONS[@]})" size_check

size_exceptions_check() {
	local e f
	for e in "${SIZE_EXCEPTIONS[@]}"; do
		f=${e%%|*}
		if [ "$f" = "$e" ] || [ -z "${e#*|}" ]; then
			echo "SIZE_EXCEPTIONS: \"$e\" gives no reason (\"path|reason\")"
		elif [ ! -f "$f" ]; then
			echo "SIZE_EXCEPTIONS: $f does not exist: drop the entry"
		elif [ "$(wc -l <"$f")" -le "$SIZE_MAX" ]; then
			echo "SIZE_EXCEPTIONS: $f is $(wc -l <"$f") lines now, not over $SIZE_MAX: drop the entry"
		fi
	done
}
check "SIZE_EXCEPTIONS lists only files over $SIZE_MAX lines, each with a reason" size_exceptions_check

readme_check() {
	local d
	find common -name '.?*' -prune -o -type d -print | LC_ALL=C sort | while read -r d; do
		[ -f "$d/README.md" ] || echo "$d/: no README.md (what it owns, its headers, what it may include)"
	done
}
check "every folder of common/ has a README.md" readme_check

header_check() {
	local h e b
	grep '^common/.*\.h$' "$T_TMP/files" | while read -r h; do
		[ -f "${h%.h}.c" ] && continue
		[ "${h##*/}" = internal.h ] && continue
		for e in "${HEADER_ONLY[@]}"; do
			[ "${e%%|*}" = "$h" ] && continue 2
		done
		b=${h##*/}
		echo "$h: no ${b%.h}.c beside it: name it after its source, make it the folder's internal.h, or list it in HEADER_ONLY with a reason"
	done
	for e in "${HEADER_ONLY[@]}"; do
		h=${e%%|*}
		if [ "$h" = "$e" ] || [ -z "${e#*|}" ]; then
			echo "HEADER_ONLY: \"$e\" gives no reason (\"path|reason\")"
		elif [ ! -f "$h" ]; then
			echo "HEADER_ONLY: $h does not exist: drop the entry"
		fi
	done
	grep '/config\.h$' "$T_TMP/files" | sed 's/$/: "config.h" is autoconf'\''s: name it after what it holds/'
}
check "every header of common/ has its same-named source, is internal.h or is in HEADER_ONLY; none is named config.h" \
	header_check

finish
