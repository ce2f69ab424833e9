#!/bin/bash
# naccsctl and the time and terminal rules of [access]
# (UTS-2.2.1.2(1)(b)(ア)): config check refuses a rule that does not parse
# (FILE:LINE, the rule's key, what is wrong) and warns of a rule naming a
# group or ID the store does not have (it would apply to nobody);
# config show --effective lists every rule with the line it came from.
. "${NACCS_TOP_SRCDIR}/tests/lib/lib.sh"
use_sandbox

sb_init_cheap
sb_issue --user-code ABCDE --id-number 001 >/dev/null
sb_ctl group add ops >/dev/null
sb_conf_keep
# The lines of the first and second rule (after the sandbox's own lines and
# the [access] header).
l1=$SB_LINE1
l2=$((l1 + 1))
rules() { # the sandbox's file with these [access] lines
	sb_conf_section access "$1"
}

rules "rule_ops = group:ops days=Mon-Fri time=08:00-18:00
rule_one = id:ABCDE001 time=22:00-06:00"
expect_rc 0 "config check accepts good rules whose names the store has" sb_ctl config check
ok "  without a warning (but the one of no shared admin ID)" \
	bash -c "! grep ': warning: ' '$T_OUT' | grep -vq 'no shared administrator ID'"
expect_rc 0 "config show --effective lists the rules" sb_ctl config show --effective
ok "  each with its line" out_has "access.rule_ops = group:ops days=Mon-Fri time=08:00-18:00  ($SB_CONF:$l1)"
ok "  in the order written" out_has "access.rule_one = id:ABCDE001 time=22:00-06:00  ($SB_CONF:$l2)"

rules "rule_typo = group:opps days=Mon-Fri
rule_gone = id:abcde-999"
expect_rc 0 "config check: rules naming nobody are warnings" sb_ctl config check
ok "  the unknown group, with file and line" \
	out_has "$SB_CONF:$l1: warning: access.rule_typo: 'opps': no such group in the store; the rule applies to nobody"
ok "  the unknown ID" out_has "$SB_CONF:$l2: warning: access.rule_gone: 'abcde-999': no such ID in the store"
sb_ctl group del ops --reason test >/dev/null
rules "rule_ops = group:ops"
expect_rc 0 "config check: a deleted group" sb_ctl config check
ok "  is a warning" out_has "'ops': the group was deleted"

rules "rule_bad = group:ops time=08:00-25:00"
expect_rc 1 "config check refuses a rule that does not parse" sb_ctl config check
ok "  naming file, line, rule and what is wrong" \
	out_has "$SB_CONF:$l1: error: access.rule_bad: time: '08:00-25:00' is not a window"
rules "rule_bad = ops days=Mon"
expect_rc 1 "config check refuses a rule without whom it names" sb_ctl config check
ok "  and says how a rule starts" out_has "a rule starts with id:NAME, group:NAME or all"
rules "windows = Mon-Fri 08:00-18:00"
expect_rc 1 "other [access] keys stay refused" sb_ctl config check
ok "  as not implemented" out_has "not implemented in this version"
finish
