#!/bin/bash
# The benchmarks still run (they are not tests: the figures are read by
# people, issue notes give them): each one, at the cheapest parameters and
# two rounds, exits 0 and prints the line its reader looks for.  This keeps
# bench/ from rotting between the sessions that measure.  bench_lockout
# and bench_nss are left out: their set-up alone takes minutes.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
b=$NACCS_TOP_BUILDDIR/bench
cheap=(--m-kib 1024 --t 1 --rounds 2)

# runs NAME WANT ARGS...: bench_NAME ARGS exits 0 and prints WANT.
runs() {
	local name=$1 want=$2
	shift 2
	"$b/bench_$name" "$@" >"$T_TMP/$name.out" 2>&1 && grep -q -- "$want" "$T_TMP/$name.out"
}
ok "bench_hash runs (dummy / real ratio)" runs hash "ratio" "${cheap[@]}"
ok "bench_auth runs (authentication / one verification)" \
	runs auth "ratio authentication / one verification" "${cheap[@]}"
ok "bench_chauthtok runs (a change in verifications)" runs chauthtok "password change, history 24" "${cheap[@]}"
ok "bench_audit runs" runs audit "p99" --rounds 2
ok "bench_naccsd runs (PAM through naccsd / one verification)" \
	runs naccsd "ratio PAM through naccsd / one verification" "${cheap[@]}" --burst 8
ok "bench_naccsd reports the service's peak memory" grep -q "VmHWM" "$T_TMP/naccsd.out"
for f in "$T_TMP"/*.out; do
	sed 's/^/#   /' "$f"
done
finish
