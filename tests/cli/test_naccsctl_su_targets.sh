#!/bin/bash
# naccsctl and the per-target allow lists of [su] (target_NAME,
# UTS-2.2.1.1(1)(g)(カ)): config check refuses an entry that does not
# parse (FILE:LINE, the key, what is wrong), warns of an entry whose target
# is unknown or no shared admin ID (it decides nothing), and config show
# --effective lists the entries with their lines.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

sb_init_cheap
sb_issue --user-code ABCDE --id-number 001 >/dev/null
# Until a shared admin ID exists nothing is gated: config check warns, and
# init's closing lines say how to register root (#16 item 10).
expect_rc 0 "config check with no shared admin ID in the store" sb_ctl config check
ok "  warns: no shared administrator ID, root is not gated" \
	out_has "warning: no shared administrator ID in the store: root is not gated"
ok "  and names the command (--shared --admin --adopt-local)" \
	out_has "naccsctl user add --shared --admin --adopt-local --login root"
expect_rc 0 "init (again) ends with how to register root" sb_ctl init
ok "  naccsctl user add --shared --admin --adopt-local --login root" \
	out_has "naccsctl user add --shared --admin --adopt-local --login root"
sb_ctl user add --shared --admin --login opsroot --approval SSO-1 --no-create-home >/dev/null
expect_rc 0 "config check once a shared admin ID exists" sb_ctl config check
ok "  no warning" bash -c "! grep -q 'no shared administrator ID' '$T_OUT'"
sb_ctl user add --shared --login kiosk --approval SSO-2 --no-create-home >/dev/null
sb_ctl group add ops >/dev/null
sb_conf_keep
l1=$SB_LINE1
l2=$((l1 + 1))
entries() { # the sandbox's file with these [su] lines
	sb_conf_section su "$1"
}

entries "target_ops = opsroot groups=ops ids=ABCDE001"
expect_rc 0 "config check accepts an entry naming a shared admin ID" sb_ctl config check
ok "  without a warning" bash -c "! grep -q warning '$T_OUT'"
expect_rc 0 "config show --effective lists the entry" sb_ctl config show --effective
ok "  with its line" out_has "su.target_ops = opsroot groups=ops ids=ABCDE001  ($SB_CONF:$l1)"

entries "target_typo = opsr00t groups=ops
target_kiosk = kiosk ids=ABCDE001"
expect_rc 0 "config check: entries deciding nothing are warnings" sb_ctl config check
ok "  an unknown target, with file and line" \
	out_has "$SB_CONF:$l1: warning: su.target_typo: 'opsr00t': no such ID in the store; the entry decides nothing"
ok "  a target that is no shared admin ID" \
	out_has "$SB_CONF:$l2: warning: su.target_kiosk: 'kiosk': not a shared administrator ID"

entries "target_bad = opsroot group=ops"
expect_rc 1 "config check refuses an entry that does not parse" sb_ctl config check
ok "  naming file, line, key and what is wrong" \
	out_has "$SB_CONF:$l1: error: su.target_bad: 'group=ops': expected groups=LIST or ids=LIST"
entries "target_bad = opsroot"
expect_rc 1 "config check refuses an entry naming nobody" sb_ctl config check
ok "  and says what is missing" out_has "no groups= or ids="
finish
