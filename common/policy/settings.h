/* What the rules need of naccs.conf: each rule family takes its own
 * settings (rules/), and these read them from struct naccs_config, so the
 * rules never see the configuration as a whole. */
#ifndef NACCS_POLICY_SETTINGS_H
#define NACCS_POLICY_SETTINGS_H

#include <stdbool.h>

#include "config/conf.h"
#include "rules/lockout.h"
#include "rules/notice.h"

/* [lockout] (rules/lockout.h). */
void naccs_lockout_rule_from_config(const struct naccs_config *cfg,
				    struct naccs_lockout_rule *rule);

/* [notice] banner_file when [notice] banner is on, else NULL (for
 * naccs_banner_read, rules/banner.h). */
const char *naccs_banner_path(const struct naccs_config *cfg);

/* [notice] last_login, failures (naccs_notice_format, rules/notice.h). */
void naccs_notice_options_from_config(const struct naccs_config *cfg,
				      struct naccs_notice_options *opt);

/* Is service one of [notice] unencrypted_services? */
bool naccs_notice_unencrypted(const struct naccs_config *cfg, const char *service);
/* Is service one of [session] sessionless_services?  Its logins count when
 * auth and account both succeed with no change pending; any other
 * service's when its session opens (issue #16). */
bool naccs_notice_sessionless(const struct naccs_config *cfg, const char *service);

/* Is service one of [su] switch_services (rules/su.h)? */
bool naccs_su_switch_service(const struct naccs_config *cfg, const char *service);

/* Is service one of [su] job_services (cron, atd: jobs of an account, run
 * without a login)?  Their account phase does not refuse a shared admin ID
 * as a direct login (root's cron jobs run); they never authenticate (auth
 * refuses a shared admin ID there as on any service that is no switch);
 * their session is no login (not recorded, not counted). */
bool naccs_su_job_service(const struct naccs_config *cfg, const char *service);

#endif
