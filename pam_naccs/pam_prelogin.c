/* What the user sees around a login besides prompts: the pre-login banner
 * (UTS-2.2.1.1(1)(g)(エ)), the unencrypted-channel warning
 * (UTS-2.2.1.1(1)(b)(ウ)) and the last-login and failure notices
 * (UTS-2.2.1.1(1)(g)(イ), (ウ)), all as PAM_TEXT_INFO.  The texts are
 * common/'s (rules/banner.c, rules/notice.c). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "policy/settings.h"
#include "rules/banner.h"
#include "rules/notice.h"
#include "pam_prelogin.h"

#define SHOWN_KEY "pam_naccs_prelogin_shown"

void prelogin_show(pam_handle_t *pamh, const struct naccs_config *cfg, const char *service)
{
	/* On the heap: the host's stack is the host's (issue 18). */
	char *text;
	struct naccs_err err;
	const void *shown = NULL;
	int rc;

	/* Once per PAM handle: a service that calls auth again (a retry in
	 * the same conversation) does not see the banner twice. */
	if (pam_get_data(pamh, SHOWN_KEY, &shown) == PAM_SUCCESS && shown != NULL)
		return;
	(void)pam_set_data(pamh, SHOWN_KEY, (void *)SHOWN_KEY, NULL);
	text = malloc(NACCS_BANNER_MAX + 1);
	rc = text == NULL ? naccs_err_set(&err, ENOMEM, "banner: out of memory")
			  : naccs_banner_read(naccs_banner_path(cfg), cfg->owner_uid, text, &err);
	if (rc == 0)
		pam_info(pamh, "%s", text);
	else if (rc != -ENOENT) /* never blocks a login */
		pam_syslog(pamh, LOG_WARNING, "banner not shown: %s", err.msg);
	free(text);
	if (naccs_notice_unencrypted(cfg, service))
		pam_info(pamh, "%s", naccs_notice_unencrypted_text());
}

void prelogin_notices(pam_handle_t *pamh, const struct naccs_config *cfg, bool quiet,
		      const struct naccs_decision *d)
{
	char last[NACCS_NOTICE_MAX], failures[NACCS_NOTICE_MAX];
	struct naccs_notice_options opt;

	if (quiet || !d->has_notice)
		return;
	naccs_notice_options_from_config(cfg, &opt);
	naccs_notice_format(&opt, &d->notice, last, failures);
	if (last[0] != '\0')
		pam_info(pamh, "%s", last);
	if (failures[0] != '\0')
		pam_info(pamh, "%s", failures);
}
