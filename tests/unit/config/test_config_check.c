/* The collect mode of the one configuration parser (naccsctl config check,
 * issue #11): every error of every line and every warning reported, with
 * FILE:LINE, the cross-key checks too; the struct untouched when there was
 * an error; the fail-closed parser of the PAM module still stops at the
 * first error (UTS-2.2.1.2(2)(a)). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/conf.h"

struct diags {
	unsigned errors, warnings, untrusted;
	char all[8192]; /* "E|W|U MESSAGE\n" each */
};

static void collect(void *ctx, enum naccs_config_severity sev, const char *msg)
{
	struct diags *d = ctx;
	size_t used = strlen(d->all);
	char c = sev == NACCS_CONFIG_ERROR ? 'E' : sev == NACCS_CONFIG_WARNING ? 'W' : 'U';

	if (sev == NACCS_CONFIG_ERROR)
		d->errors++;
	else if (sev == NACCS_CONFIG_WARNING)
		d->warnings++;
	else
		d->untrusted++;
	snprintf(d->all + used, sizeof(d->all) - used, "%c %s\n", c, msg);
}

static bool has(const struct diags *d, const char *line)
{
	return strstr(d->all, line) != NULL;
}

static const char draft[] = "[auth]\n"		     /* 1 */
			    "colour = blue\n"	     /* 2: unknown key, a warning */
			    "fail_delay_ms = lots\n" /* 3: bad value */
			    "[lockout\n"	     /* 4: malformed header */
			    "deny = 3\n"	     /* 5: skipped, under the bad header */
			    "[session]\n"	     /* 6 */
			    "idle = 5\n"	     /* 7: reserved section */
			    "no equals sign\n"	     /* 8: syntax */
			    "[identity]\n"	     /* 9 */
			    "uid_min = 30000\n"	     /* 10 */
			    "uid_max = 20000\n";     /* 11: cross-key, names this line */

static void collect_every_problem(void **state)
{
	struct naccs_config cfg, before;
	struct diags d = {0};
	struct naccs_err err;
	int n;

	(void)state;
	naccs_config_defaults(&cfg);
	before = cfg;
	n = naccs_config_check_text(&cfg, draft, strlen(draft), "d.conf", collect, &d, &err);
	assert_int_equal(n, 5);
	assert_int_equal(d.errors, 5);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(d.untrusted, 0);
	assert_true(has(&d, "W d.conf:2: unknown key 'colour' in section [auth]"));
	assert_true(has(&d, "E d.conf:3: auth.fail_delay_ms = 'lots' is not valid"));
	assert_true(has(&d, "E d.conf:4: malformed section header"));
	assert_false(has(&d, "d.conf:5:"));
	assert_true(has(&d, "E d.conf:7: [session] idle: the rules of this section"));
	assert_true(has(&d, "E d.conf:8: missing '='"));
	assert_true(has(&d, "E d.conf:11: identity.uid_min (30000) is greater than"));
	/* An error anywhere: the caller's struct is as it was. */
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void collect_clean_text_sets_cfg(void **state)
{
	static const char text[] = "[auth]\nfail_delay_ms = 7\nshade = x\n";
	struct naccs_config cfg;
	struct diags d = {0};
	struct naccs_err err;

	(void)state;
	naccs_config_defaults(&cfg);
	assert_int_equal(
	    naccs_config_check_text(&cfg, text, strlen(text), "c.conf", collect, &d, &err), 0);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(cfg.fail_delay_ms, 7);
}

static void fail_closed_parser_stops_at_first(void **state)
{
	struct naccs_config cfg, before;
	struct naccs_err err;

	(void)state;
	naccs_config_defaults(&cfg);
	before = cfg;
	naccs_err_clear(&err);
	assert_int_equal(
	    naccs_config_parse_text(&cfg, draft, strlen(draft), "d.conf", NULL, NULL, &err),
	    -EINVAL);
	assert_non_null(strstr(err.msg, "d.conf:3:"));
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void collect_needs_a_report_function(void **state)
{
	struct naccs_config cfg;
	struct naccs_err err;

	(void)state;
	naccs_config_defaults(&cfg);
	naccs_err_clear(&err);
	assert_int_equal(naccs_config_check_text(&cfg, "", 0, "x", NULL, NULL, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(collect_every_problem),
	    cmocka_unit_test(collect_clean_text_sets_cfg),
	    cmocka_unit_test(fail_closed_parser_stops_at_first),
	    cmocka_unit_test(collect_needs_a_report_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
