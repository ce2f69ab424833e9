/* The rules' settings read from naccs.conf (policy/settings.h). */
#include "config.h"

#include <string.h>

#include "base/text.h"
#include "policy/settings.h"
#include "rules/su.h"

void naccs_lockout_rule_from_config(const struct naccs_config *cfg, struct naccs_lockout_rule *rule)
{
	memset(rule, 0, sizeof(*rule));
	rule->deny = cfg->lock_deny;
	rule->fail_interval = cfg->lock_fail_interval;
	rule->unlock_time = cfg->lock_unlock_time;
	rule->deny_shared = cfg->lock_deny_shared;
	rule->shared_unlock_time = cfg->lock_shared_unlock_time;
	rule->retention_days = cfg->failure_retention_days;
	rule->unknown_max = cfg->unknown_failures_max;
}

const char *naccs_banner_path(const struct naccs_config *cfg)
{
	return cfg->banner ? cfg->banner_file : NULL;
}

void naccs_notice_options_from_config(const struct naccs_config *cfg,
				      struct naccs_notice_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->last_login = cfg->notice_last_login;
	opt->failures = cfg->notice_failures;
}

bool naccs_notice_unencrypted(const struct naccs_config *cfg, const char *service)
{
	return naccs_text_list_has(cfg->unencrypted_services, service);
}

bool naccs_notice_sessionless(const struct naccs_config *cfg, const char *service)
{
	return naccs_text_list_has(cfg->sessionless_services, service);
}

bool naccs_su_switch_service(const struct naccs_config *cfg, const char *service)
{
	return naccs_su_service_listed(cfg->su_switch_services, service);
}

bool naccs_su_job_service(const struct naccs_config *cfg, const char *service)
{
	return naccs_su_service_listed(cfg->su_job_services, service);
}
