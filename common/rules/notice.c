#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "rules/notice.h"
#include "base/text.h"
#include "base/time.h"

/* A terminal as people name it: login(1) sets PAM_TTY to "/dev/pts/0",
 * sshd to "ssh"; shown as "pts/0" (as pam_lastlog does; the access rules
 * match it the same way).  Before, the notice said "on /dev/pts/0" (found
 * by the end-to-end suite, #11). */
static const char *tty_name(const char *tty)
{
	return strncmp(tty, "/dev/", 5) == 0 && tty[5] != '\0' ? tty + 5 : tty;
}

/* Where a login came from, as text: the host, else the terminal, else the
 * service.  Stored values are clean (naccs_store checks them), but a
 * terminal sees them: sanitised once more. */
static void place(const struct naccs_login_event *ev, char *out, size_t outlen)
{
	const char *p = ev->rhost[0] ? ev->rhost : ev->tty[0] ? tty_name(ev->tty) : ev->service;

	naccs_text_sanitize(p, strlen(p), out, outlen, NACCS_TEXT_ELLIPSIS);
}

void naccs_notice_format(const struct naccs_notice_options *opt, const struct naccs_login_notice *n,
			 char last[NACCS_NOTICE_MAX], char failures[NACCS_NOTICE_MAX])
{
	char date[64], host[NACCS_TEXT_MAX], tty[80];

	last[0] = failures[0] = '\0';
	/* Nothing on the first login: there is no "last" to speak of. */
	if (!n->has_previous)
		return;
	if (opt->last_login) { /* UTS-2.2.1.1(1)(g)(イ) */
		const struct naccs_login_event *p = &n->previous;
		const char *where = p->tty[0] ? tty_name(p->tty) : p->service;

		naccs_format_time(p->at, date, sizeof(date));
		naccs_text_sanitize(p->rhost, strlen(p->rhost), host, sizeof(host),
				    NACCS_TEXT_ELLIPSIS);
		naccs_text_sanitize(where, strlen(where), tty, sizeof(tty), NACCS_TEXT_ELLIPSIS);
		if (host[0] != '\0')
			snprintf(last, NACCS_NOTICE_MAX, _("Last login: %s from %s on %s"), date,
				 host, tty);
		else
			snprintf(last, NACCS_NOTICE_MAX, _("Last login: %s on %s"), date, tty);
	}
	if (opt->failures && n->failures > 0 && n->has_last_failure) {
		/* UTS-2.2.1.1(1)(g)(ウ) */
		naccs_format_time(n->last_failure.at, date, sizeof(date));
		place(&n->last_failure, host, sizeof(host));
		snprintf(failures, NACCS_NOTICE_MAX,
			 dngettext(NACCS_TEXTDOMAIN,
				   "%u failed login attempt since your last login; the last from "
				   "%s at %s",
				   "%u failed login attempts since your last login; the last from "
				   "%s at %s",
				   n->failures),
			 n->failures, host, date);
	}
}

/* UTS-2.2.1.1(1)(b)(ウ) */
const char *naccs_notice_unencrypted_text(void)
{
	return _("WARNING: this connection is not encrypted. Your password can be read by "
		 "others on the network; use an encrypted connection (ssh) instead.");
}

/* UTS-2.2.1.1(1)(b)(ウ): also when the user sets or changes a password. */
const char *naccs_notice_unencrypted_change_text(void)
{
	return _("WARNING: this connection is not encrypted. The password you set here can be "
		 "read by others on the network: do not choose a password you use on other "
		 "systems.");
}
