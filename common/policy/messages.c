#include "config.h"

#include <stdio.h>

#include "base/i18n.h"
#include "policy/messages.h"

const char *naccs_message_locked(const char *reason, char *buf, size_t cap)
{
	if (reason == NULL)
		snprintf(buf, cap, "%s",
			 _("This ID is locked. Ask an administrator to unlock it."));
	else
		snprintf(buf, cap, _("This ID is locked (%s). Ask an administrator to unlock it."),
			 reason[0] ? reason : _("no reason given"));
	return buf;
}

const char *naccs_message_suspended(const char *reason, char *buf, size_t cap)
{
	if (reason == NULL)
		snprintf(buf, cap, "%s", _("This ID is suspended. Ask an administrator."));
	else
		snprintf(buf, cap, _("This ID is suspended (%s). Ask an administrator."),
			 reason[0] ? reason : _("no reason given"));
	return buf;
}

const char *naccs_message_retired(void)
{
	return _("This ID has been retired and can no longer be used.");
}

const char *naccs_message_must_change(void)
{
	return _("Your password was set by an administrator and must be changed now.");
}

const char *naccs_message_state(enum naccs_outcome o, const struct naccs_account_state *st,
				char *buf, size_t cap)
{
	switch (o) {
	case NACCS_OUT_LOCKED:
		return naccs_message_locked(st != NULL ? st->lock_reason : NULL, buf, cap);
	case NACCS_OUT_SUSPENDED:
		return naccs_message_suspended(st != NULL ? st->suspend_reason : NULL, buf, cap);
	case NACCS_OUT_RETIRED:
		return naccs_message_retired();
	case NACCS_OUT_CHANGE_REQUIRED:
		return st != NULL ? naccs_message_must_change()
				  : _("Your password must be changed now.");
	case NACCS_OUT_EXPIRED:
		return st != NULL
			   ? NULL
			   : _("Your password has expired. Ask an administrator to reset it.");
	case NACCS_OUT_DENIED:
		return st != NULL
			   ? NULL
			   : _("This ID may not be used here now (the site's access rules).");
	default:
		return NULL;
	}
}
