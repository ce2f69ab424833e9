/* The text of an [access] rule_NAME line, parsed into a rule
 * (UTS-2.2.1.2(1)(b)(ア)); the syntax is written in rules/access.h.  config/
 * validates its values with this, the policy reads the parsed rule. */
#ifndef NACCS_RULES_ACCESS_PARSE_H
#define NACCS_RULES_ACCESS_PARSE_H

#include "base/err.h"
#include "rules/access.h"

/* Parse one rule's text.  0, or -EINVAL with what is wrong in err. */
int naccs_access_parse(const char *text, struct naccs_access_rule *out, struct naccs_err *err);

#endif
