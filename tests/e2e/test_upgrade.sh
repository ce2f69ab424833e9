#!/bin/bash
# End to end, a package upgrade that brings a new schema (issue 16, item
# 2): the installed package's store is taken back to the previous schema
# (tests/lib/store_downgrade: the old DDL), as the previous naccs-auth left it;
# then dpkg -i of the package, whose postinst runs naccsctl upgrade
# --package.  Once dpkg returns, the ID logs in through the common stacks,
# and the audit trail says what was upgraded.  A fresh install's postinst
# creates nothing; a damaged store does not fail the package's
# configuration (it is said, and left as it is).
. "$(dirname "$0")/lib.sh"
e2e_setup
STORE=/var/lib/naccs/naccs.db
DOWN=$NACCS_TOP_BUILDDIR/tests/lib/store_downgrade
ok "the fresh install's postinst had no store to upgrade" \
	grep -q "nothing to upgrade" "$E2E_TMP/dpkg.out"
ok "  and printed no verification key" sh -c "! grep -Eq '^[0-9a-f]{64}\$' '$E2E_TMP/dpkg.out'"
KEY=$(sed -n '/verification key/{n;p;}' "$E2E_TMP/init.out")

otp=$(e2e_issue ABCDE 001 --name "Yamada Taro")
e2e_set_password abcde-001 "$otp" "$E2E_PW"
expect_rc 0 "abcde-001 logs in" e2e_pamtester e2e-chauthtok abcde-001 "$E2E_PW" authenticate acct_mgmt
now=$(e2e_ctl store check | sed -n 's/^schema version: *\([0-9]*\).*/\1/p')
prev=$((${now:-1} - 1))
ok "the store is at schema $now" test -n "$now"

if [ ! -x "$DOWN" ]; then
	ok "tests/lib/store_downgrade is built (make check builds it)" false
	finish
	exit 1
fi
expect_rc 0 "the store as the previous naccs-auth left it: schema $prev" "$DOWN" "$STORE" "$prev"
expect_rc 1 "at schema $prev the login fails closed" \
	e2e_pamtester e2e-chauthtok abcde-001 "$E2E_PW" authenticate
show

DEBIAN_FRONTEND=noninteractive dpkg -i "$NACCS_E2E_DEB" >"$T_OUT" 2>&1
ok "dpkg -i the package again (postinst configure)" test $? -eq 0
show
ok "  its postinst upgraded the store" out_has "upgraded from schema version $prev to $now"
expect_rc 0 "once dpkg returned, abcde-001 logs in" \
	e2e_pamtester e2e-chauthtok abcde-001 "$E2E_PW" authenticate acct_mgmt
expect_rc 0 "naccsctl store check: healthy" e2e_ctl store check
ok "the audit trail records the upgrade, from and to" \
	e2e_audit_has '"action":"upgrade","result":"done"' "schema $prev -> $now" "(package)"
expect_rc 0 "every line still checks with the key init printed" e2e_ctl audit verify --key "$KEY"

DEBIAN_FRONTEND=noninteractive dpkg -i "$NACCS_E2E_DEB" >"$T_OUT" 2>&1
ok "dpkg -i once more: nothing to do" sh -c "[ $? -eq 0 ] && grep -q 'nothing to do' '$T_OUT'"

# A damaged store: the package is still configured, the store untouched.
mkdir -m 0700 "$E2E_TMP/damaged" && cp -p "$STORE" "$E2E_TMP/damaged/naccs.db"
truncate -s 0 "$STORE"
DEBIAN_FRONTEND=noninteractive dpkg -i "$NACCS_E2E_DEB" >"$T_OUT" 2>&1
ok "a damaged store: dpkg -i still succeeds" test $? -eq 0
ok "  and says the store was not upgraded" out_has "was not upgraded"
ok "  the store left as it was (0 bytes)" test ! -s "$STORE"
show
finish
