#!/bin/bash
# libnss_naccs.so.2 is loaded into every process that asks NSS: it exports
# only _nss_naccs_* (linker version script), carries the soname glibc looks
# for, and depends on nothing but the C library and tinycdb: no SQLite, no
# argon2, no libsodium, no libcrypto, no PAM, no gettext, no store code.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
so=$NACCS_TOP_BUILDDIR/nss_naccs/.libs/libnss_naccs.so.2

ok "libnss_naccs.so.2 exists" test -f "$so"
nm -D --defined-only "$so" | awk '{print $NF}' | sort >"$T_TMP/syms"
sed 's/^/# exported: /' "$T_TMP/syms"
ok "exports exactly the eleven _nss_naccs_* entry points" \
	diff <(printf '%s\n' _nss_naccs_endgrent _nss_naccs_endpwent _nss_naccs_getgrent_r \
		_nss_naccs_getgrgid_r _nss_naccs_getgrnam_r _nss_naccs_getpwent_r \
		_nss_naccs_getpwnam_r _nss_naccs_getpwuid_r _nss_naccs_initgroups_dyn \
		_nss_naccs_setgrent _nss_naccs_setpwent) "$T_TMP/syms"
ok "soname libnss_naccs.so.2" \
	bash -c "readelf -d '$so' | grep -q 'SONAME.*\[libnss_naccs.so.2\]'"
readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort >"$T_TMP/needed"
sed 's/^/# needs: /' "$T_TMP/needed"
ok "needs only libc and libcdb (and the sanitizer runtimes in such a build)" \
	bash -c "! grep -v -e '^libc\.so' -e '^libcdb\.so' -e '^libasan\.so' -e '^libubsan\.so' \
		-e '^libpthread\.so' '$T_TMP/needed'"
ok "ldd: no sqlite, argon2, sodium, crypto, ssl, pam, pwquality, unistring" \
	bash -c "! ldd '$so' | grep -E -i 'sqlite|argon2|sodium|crypto|libssl|libpam|pwquality|unistring'"
# The store, hashing and gettext code is not linked in either (a static
# convenience library would not show in ldd).
nm "$so" 2>/dev/null | awk '{print $NF}' >"$T_TMP/all"
ok "no store, hashing, policy or i18n code inside" \
	bash -c "! grep -E '^(naccs_store_|sq_|naccs_hash|naccs_phc|naccs_policy|naccs_i18n|sqlite3_|argon2|crypto_|EVP_|dgettext|gettext|naccs_index_write|naccs_config)' '$T_TMP/all'"
ok "no undefined symbol outside its libraries (ldd -r)" \
	bash -c "! ldd -r '$so' 2>&1 | grep -q 'undefined symbol'"
finish
