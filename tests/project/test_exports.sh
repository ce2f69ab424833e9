#!/bin/bash
# The PAM module exports only pam_sm_* (linker version script).
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
so=$NACCS_TOP_BUILDDIR/pam_naccs/.libs/pam_naccs.so

ok "pam_naccs.so exists" test -f "$so"
nm -D --defined-only "$so" | awk '{print $NF}' | sort >"$T_TMP/syms"
sed 's/^/# exported: /' "$T_TMP/syms"
ok "exports exactly the six pam_sm_* entry points" \
	diff <(printf '%s\n' pam_sm_acct_mgmt pam_sm_authenticate pam_sm_chauthtok \
		pam_sm_close_session pam_sm_open_session pam_sm_setcred) \
	<(grep -v '^PAM_NACCS\|^LIBPAM' "$T_TMP/syms" | grep -v '^_' )
ok "no undefined symbol outside its libraries (ldd -r)" \
	bash -c "! ldd -r '$so' 2>&1 | grep -q 'undefined symbol'"
finish
