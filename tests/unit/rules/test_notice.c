/* The session notices' texts (common/rules/notice.c,
 * UTS-2.2.1.1(1)(g)(イ), (ウ)): the terminal is named as people name it. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/conf.h"
#include "policy/settings.h"
#include "rules/notice.h"

static void notice(const char *tty, const char *rhost, char *last, char *failures)
{
	struct naccs_config cfg;
	struct naccs_notice_options opt;
	struct naccs_login_notice n;

	naccs_config_defaults(&cfg);
	memset(&n, 0, sizeof(n));
	n.has_previous = true;
	n.previous.at = 1764547200;
	snprintf(n.previous.service, sizeof(n.previous.service), "login");
	snprintf(n.previous.tty, sizeof(n.previous.tty), "%s", tty);
	snprintf(n.previous.rhost, sizeof(n.previous.rhost), "%s", rhost);
	n.failures = 1;
	n.has_last_failure = true;
	n.last_failure = n.previous;
	naccs_notice_options_from_config(&cfg, &opt);
	naccs_notice_format(&opt, &n, last, failures);
}

/* login(1) sets PAM_TTY to "/dev/pts/0": the notice says "on pts/0" (it
 * said "on /dev/pts/0", found by the end-to-end suite, #11). */
static void test_tty_without_dev(void **state)
{
	char last[NACCS_NOTICE_MAX], failures[NACCS_NOTICE_MAX];

	(void)state;
	notice("/dev/pts/0", "", last, failures);
	assert_non_null(strstr(last, " on pts/0"));
	assert_null(strstr(last, "/dev/"));
	assert_non_null(strstr(failures, "the last from pts/0 at "));
	notice("/dev/tty1", "", last, failures);
	assert_non_null(strstr(last, " on tty1"));
	/* sshd's "ssh" and a host stay as they are. */
	notice("ssh", "192.0.2.7", last, failures);
	assert_non_null(strstr(last, " from 192.0.2.7 on ssh"));
	assert_non_null(strstr(failures, "the last from 192.0.2.7 at "));
	/* "/dev/" alone is not shortened to nothing. */
	notice("/dev/", "", last, failures);
	assert_non_null(strstr(last, " on /dev/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tty_without_dev),
	};

	setenv("LANGUAGE", "C", 1);
	setenv("LC_ALL", "C", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
