#!/bin/bash
# naccsctl end to end: a temporary config and store, every command, the exit
# codes, and that a one-time password is shown once and stored nowhere.
#
# Environment: NACCS_TOP_BUILDDIR (set by make check), NACCSCTL to test
# another binary, NACCSCTL_WRAPPER to run it under e.g. valgrind.
set -u

builddir=${NACCS_TOP_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CTL=${NACCSCTL:-$builddir/naccsctl/naccsctl}
read -r -a WRAP <<<"${NACCSCTL_WRAPPER:-}"
if [ ! -x "$CTL" ]; then
	echo "naccsctl not built: $CTL" >&2
	exit 99
fi
export LC_ALL=C.UTF-8

tmp=$(mktemp -d "${TMPDIR:-/tmp}/naccsctl-test.XXXXXX") || exit 99
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 0700 "$tmp"
owner=$(id -u)
conf=$tmp/naccs.conf
db=$tmp/state/naccs.db

write_conf() { # FILE, then the text on stdin; mode 0600
	cat >"$1" && chmod 0600 "$1"
}

mkdir "$tmp/home"
create_home=yes
[ "$owner" -eq 0 ] || create_home=no
write_conf "$conf" <<EOF
# test configuration: small hash parameters so the run is fast
[store]
path = $db

[identity]
home_base = $tmp/home
create_home = $create_home
[audit]
dir = $tmp/audit

[hash]
memory_kib = 1024
time_cost = 1
EOF

# ---- a tiny TAP-like harness ----
n=0 passed=0 failed=0
out="" err="" rc=0

ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	echo "#   exit $rc"
	printf '#   stdout: %s\n' "${out//$'\n'/$'\n#           '}"
	printf '#   stderr: %s\n' "${err//$'\n'/$'\n#           '}"
}
check() { # DESC COMMAND...: passes when the command succeeds
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
# Run naccsctl with the test config; sets out, err, rc.
run() {
	out=$("${WRAP[@]}" "$CTL" --conf "$conf" --owner "$owner" "$@" 2>"$tmp/stderr" </dev/null)
	rc=$?
	err=$(cat "$tmp/stderr")
}
run_bare() { # without the global options
	out=$("${WRAP[@]}" "$CTL" "$@" 2>"$tmp/stderr" </dev/null)
	rc=$?
	err=$(cat "$tmp/stderr")
}
has() { grep -q -e "$1" <<<"$2"; }
hasnt() { ! grep -q -e "$1" <<<"$2"; }
rc_is() { [ "$rc" -eq "$1" ]; }
valid_json() { python3 -m json.tool >/dev/null 2>&1 <<<"$1"; }
json_eval() { # JSON EXPR: print a Python expression over the parsed value j
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$2" <<<"$1"
}
otp_of() { sed -n 's/^one-time password: //p' <<<"$1"; }
mode_of() { stat -c %a "$1"; }

# ---- usage ----
run_bare --help
check "--help exits 0 and prints usage" eval 'rc_is 0 && has "^Usage:" "$out"'
main_help=$out
# The main help names every audit subcommand that "help audit" describes.
run_bare help audit
for sub in $(sed -n 's/^  audit \([a-z]*\).*/\1/p' <<<"$out"); do
	check "--help lists audit $sub" has "^  audit $sub" "$main_help"
done
run_bare --version
check "--version exits 0" eval 'rc_is 0 && has "naccsctl" "$out"'
run_bare frobnicate
check "unknown command exits 2 with a hint" eval 'rc_is 2 && has "--help" "$err"'
run_bare
check "no command exits 2" rc_is 2
run_bare --bogus-option
check "unknown global option exits 2" rc_is 2
run_bare help user add
check "help user add" eval 'rc_is 0 && has "--user-code" "$out"'
run_bare user suspend --help
check "user suspend --help needs no config" eval 'rc_is 0 && has "--reason" "$out"'
run_bare --conf "$tmp/missing.conf" user list
check "a named config that is missing is an error" eval 'rc_is 1 && has "missing.conf" "$err"'
run --set nosuch.key=1 user list
check "unknown --set key exits 2" rc_is 2
run --set hash.time_cost=zero user list
check "bad --set value exits 2" rc_is 2
run --set general.owner=0 user list
check "--set general.owner is refused (use --owner)" rc_is 2

# ---- init ----
run init
check "init exits 0" rc_is 0
check "init creates the store with mode 0600" eval '[ -f "$db" ] && [ "$(mode_of "$db")" = 600 ]'
check "init creates the state directory with mode 0755" \
	eval '[ "$(mode_of "$tmp/state")" = 755 ]'
check "init says what it created" has "created store" "$out"
run --store "$tmp/deep/er/x.db" init
check "init without --force-dirs needs the parent" eval 'rc_is 1 && has "force-dirs" "$err"'
run --store "$tmp/deep/er/x.db" init --force-dirs
check "init --force-dirs creates the parents" eval 'rc_is 0 && [ -f "$tmp/deep/er/x.db" ]'

# ---- config check ----
run config check
# (no shared admin ID in this store: the one warning, #16 item 10)
check "config check: FILE: OK" eval 'rc_is 0 && has "^$conf: OK, 1 warning$" "$out" &&
	has "no shared administrator ID" "$out"'
write_conf "$tmp/bad.conf" <<EOF
[hash]
time_cost = 1
memory_kib = lots
EOF
run config check "$tmp/bad.conf"
check "config check: bad value reported with FILE:LINE, exit 1" \
	eval 'rc_is 1 && has "$tmp/bad.conf:3: error" "$out"'
write_conf "$tmp/warn.conf" <<EOF
[store]
path = $db
colour = blue
EOF
run config check "$tmp/warn.conf"
check "config check: unknown key is a warning with FILE:LINE" \
	eval 'rc_is 0 && has "$tmp/warn.conf:3: warning" "$out" && has "OK" "$out"'
chmod 0620 "$tmp/warn.conf"
run config check "$tmp/warn.conf"
check "config check: a group-writable draft: checked, its location a warning" \
	eval 'rc_is 0 && has "$tmp/warn.conf: warning: not trusted where it lies" "$out"'
run_bare --conf "$tmp/warn.conf" --owner "$owner" config check
check "config check: the configured file group-writable is refused" \
	eval 'rc_is 1 && has "$tmp/warn.conf: error: not trusted" "$out"'
run config check "$tmp/none.conf"
check "config check: missing file exits 1" rc_is 1

# ---- user add ----
run user add --user-code abcde --id-number 001 --name "Taro Yamada"
otp1=$(otp_of "$out")
check "user add exits 0" rc_is 0
check "user add: canonical login abcde-001" has "abcde-001" "$out"
check "user add: a 16-character one-time password" eval '[ ${#otp1} -eq 16 ]'
check "user add: says it must be changed and is shown once" \
	eval 'has "changed at first login" "$out" && has "shown only now" "$out"'
check "user add: individual ID stated" has "individual ID" "$out"
check "user add: no password on stderr" eval '[ -n "$otp1" ] && hasnt "$otp1" "$err"'

run user add --user-code ABCDE --id-number 001
check "same code/number again: exit 1, never re-issued" \
	eval 'rc_is 1 && has "already issued" "$err"'
run user add --user-code XYZAB --id-number 002 --login abcde-001
check "individual --login that is another NACCS ID: exit 2" rc_is 2
run user add --shared --approval SSO-2026-014 --login ABCDE001
check "shared login reading as an issued NACCS ID: exit 1" eval 'rc_is 1 && has "abcde-001" "$err"'
run user add --user-code ABCDE
check "individual ID without number: exit 2" rc_is 2
run user add --user-code AB --id-number 001
check "bad user code: exit 2" rc_is 2
run user add --shared --approval SSO-2026-014 --name Operations
check "shared ID without --login: exit 2" rc_is 2
run user add --user-code FGHIJ --id-number 003 --login ABCDE002
check "login that reads as another NACCS ID: exit 2" rc_is 2
run user add --shared --approval SSO-2026-014 --login opsadmin --name Operations --issued-to "Ops team"
check "shared ID with --login" eval 'rc_is 0 && has "opsadmin" "$out" && has "shared ID" "$out"'
run user add --shared --approval SSO-2026-014 --login opsadmin
check "same shared login again: exit 1" eval 'rc_is 1 && has "already issued" "$err"'
run --json user add --user-code fghij --id-number a0a --name "Hanako Sato"
check "user add --json is valid JSON" valid_json "$out"
check "user add --json: login and password fields" \
	eval '[ "$(json_eval "$out" "j[\"login\"]")" = fghij-a0a ] &&
	      [ "$(json_eval "$out" "len(j[\"one_time_password\"])")" = 16 ]'
otp3=$(json_eval "$out" 'j["one_time_password"]' 2>/dev/null)

# ---- init again must not clobber ----
run init
check "init twice: exit 0, store left unchanged" eval 'rc_is 0 && has "unchanged" "$out"'
run user show abcde-001
check "init twice: the issued ID is still there" rc_is 0

# ---- show ----
run user show abcde-001
check "show by login" eval 'rc_is 0 && has "^login: *abcde-001" "$out"'
check "show: must change password" has "^must change password: *yes" "$out"
check "show: registry line for the issue" has "issued" "$out"
run user show ABCDE001
check "show by ABCDE001" eval 'rc_is 0 && has "^login: *abcde-001" "$out"'
run user show abcde-001
run user show ABCDE-001
check "show by ABCDE-001" eval 'rc_is 0 && has "^login: *abcde-001" "$out"'
run user show Abcde001
check "show by mixed case" eval 'rc_is 0 && has "^login: *abcde-001" "$out"'
check "show never prints a hash" hasnt 'argon2' "$out"
run user show abcde-001 --json
check "show --json is valid JSON" valid_json "$out"
check "show --json never prints a hash" hasnt 'argon2' "$out"
check "show --json: must_change and registry" \
	eval '[ "$(json_eval "$out" "j[\"state\"][\"must_change\"]")" = True ] &&
	      [ "$(json_eval "$out" "j[\"registry\"][0][\"event\"]")" = issued ]'
run user show nosuch-001
check "show unknown: exit 3" eval 'rc_is 3 && has "no such ID" "$err"'
run user show $'bad\033[31mname'
check "show hostile name: exit 3, no escape echoed" eval 'rc_is 3 && hasnt $'\033' "$err"'

# ---- the one-time password is stored nowhere ----
stored() { cat "$db" "$db-wal" 2>/dev/null; }
check "store holds hashes (sanity for the next test)" eval 'stored | grep -a -q "argon2id"'
check "one-time password not in the store or its WAL" \
	eval '[ "$(stored | grep -a -c -F -e "$otp1")" = 0 ] &&
	      [ "$(stored | grep -a -c -F -e "$otp3")" = 0 ]'

# ---- list ----
run user list
check "list: all IDs" eval 'rc_is 0 && has "^abcde-001 " "$out" && has "^opsadmin " "$out" &&
	has "^fghij-a0a " "$out"'
check "list never prints a hash" hasnt 'argon2' "$out"
run user list --json
check "list --json is valid JSON" valid_json "$out"
check "list --json: three IDs" eval '[ "$(json_eval "$out" "len(j)")" = 3 ]'
run --json user list --must-change
check "--json before the command works too" \
	eval '[ "$(json_eval "$out" "len(j)")" = 3 ]'
run user list --inactive 0
check "list --inactive 0 lists every ID" eval 'rc_is 0 && has "^abcde-001 " "$out" &&
	has "^opsadmin " "$out" && has "^fghij-a0a " "$out"'
run user list --inactive 1
check "list --inactive 1: new IDs are not inactive" \
	eval 'rc_is 0 && hasnt "^abcde-001 " "$out"'
run user list --inactive x
check "list --inactive needs a number" rc_is 2

# ---- lock / unlock ----
run user lock abcde-001 --reason "left the terminal open"
check "lock" eval 'rc_is 0 && has "locked" "$out"'
run user show ABCDE001
check "show: locked with reason" has "^locked: *yes.*left the terminal open" "$out"
run user list --locked
check "list --locked shows only locked IDs" \
	eval 'has "^abcde-001 " "$out" && hasnt "^opsadmin " "$out"'
run user list --locked --json
check "list --locked --json" \
	eval '[ "$(json_eval "$out" "\",\".join(x[\"login\"] for x in j)")" = abcde-001 ]'
run user lock abcde-001
check "lock again: nothing changed, exit 0" eval 'rc_is 0 && has "already" "$out"'
run user unlock abcde-001
check "unlock" rc_is 0
run user list --locked
check "list --locked after unlock" hasnt "^abcde-001 " "$out"

# ---- suspend ----
run user suspend abcde-001
check "suspend without --reason: exit 2" rc_is 2
run user suspend abcde-001 --reason "password seen by a visitor"
check "suspend with reason" eval 'rc_is 0 && has "suspended" "$out"'
run user show abcde-001
check "show: suspended" has "^suspended: *yes.*visitor" "$out"
run user list --suspended
check "list --suspended" eval 'has "^abcde-001 " "$out" && hasnt "^fghij-a0a " "$out"'
run user unsuspend abcde-001
check "unsuspend" rc_is 0
run user show abcde-001
check "show: no longer suspended" has "^suspended: *no" "$out"

# ---- passwd ----
run user passwd abcde-001
otp2=$(otp_of "$out")
check "passwd prints a new one-time password" \
	eval 'rc_is 0 && [ ${#otp2} -eq 16 ] && [ "$otp2" != "$otp1" ]'
run user show abcde-001
check "passwd: must change, registry password-reset" \
	eval 'has "^must change password: *yes" "$out" && has "password-reset" "$out"'
check "passwd: new password not in the store" \
	eval '[ "$(stored | grep -a -c -F -e "$otp2")" = 0 ]'
run user passwd abcde-001 extra
check "passwd takes exactly one ID" rc_is 2
run user passwd nosuch-009
check "passwd unknown: exit 3" rc_is 3

# ---- retire ----
run user retire abcde-001
check "retire without --yes and no terminal: exit 2" rc_is 2
run user retire abcde-001 --yes --reason "left the company"
check "retire --yes" rc_is 0
run user show abcde-001
check "show: retired" has "^retired: *yes" "$out"
run user list --retired
check "list --retired" eval 'has "^abcde-001 " "$out" && hasnt "^opsadmin " "$out"'
run user retire abcde-001 --yes
check "retire again: exit 1" rc_is 1
run user lock abcde-001
check "a retired ID cannot be locked" rc_is 1
run user passwd abcde-001
check "a retired ID gets no new password" rc_is 1
run user add --user-code ABCDE --id-number 001 --name "Someone Else"
check "a retired ID cannot be re-issued" eval 'rc_is 1 && has "never issued twice" "$err"'

# ---- store unavailable ----
run --store "$tmp/nowhere/naccs.db" user list
check "missing store: exit 4" rc_is 4
run --store "$tmp/nowhere/naccs.db" user show opsadmin
check "missing store on show: exit 4" rc_is 4
mkdir -m 0700 "$tmp/junk"
printf 'this is not a database, not at all.\n%.0s' {1..200} >"$tmp/junk/naccs.db"
chmod 0600 "$tmp/junk/naccs.db"
run --store "$tmp/junk/naccs.db" user list
check "not a store: exit 4" rc_is 4
cp "$db" "$tmp/junk/open.db" && chmod 0666 "$tmp/junk/open.db"
run --store "$tmp/junk/open.db" user list
check "world-writable store refused: exit 4" rc_is 4

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
