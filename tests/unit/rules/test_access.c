/* Access rules of #8: the address lists of [access] admin_allowed_networks
 * (UTS-2.2.1.3(2)(c)(エ)): IPv4, IPv6 and IPv4-mapped IPv6 CIDRs, host
 * names refused, never resolved; and the configuration keys of [su] and
 * [access] (implemented keys accepted and validated, the keys of rules not
 * implemented yet still refused). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/conf.h"
#include "rules/netmatch.h"

static void test_ipv4(void **state)
{
	(void)state;
	assert_int_equal(naccs_netmatch("192.0.2.0/24", "192.0.2.77"), 1);
	assert_int_equal(naccs_netmatch("192.0.2.0/24", "192.0.3.1"), 0);
	assert_int_equal(naccs_netmatch("10.0.0.0/8, 192.0.2.5", "192.0.2.5"), 1);
	assert_int_equal(naccs_netmatch("10.0.0.0/8 192.0.2.5", "192.0.2.6"), 0);
	assert_int_equal(naccs_netmatch("172.16.0.0/12", "172.31.255.255"), 1);
	assert_int_equal(naccs_netmatch("172.16.0.0/12", "172.32.0.0"), 0);
	assert_int_equal(naccs_netmatch("0.0.0.0/0", "203.0.113.9"), 1);
	assert_int_equal(naccs_netmatch("", "192.0.2.1"), 0); /* empty: nowhere */
}

static void test_ipv6(void **state)
{
	(void)state;
	assert_int_equal(naccs_netmatch("2001:db8::/32", "2001:db8:1::5"), 1);
	assert_int_equal(naccs_netmatch("2001:db8::/32", "2001:db9::5"), 0);
	assert_int_equal(naccs_netmatch("fe80::/10", "febf::1"), 1);
	assert_int_equal(naccs_netmatch("fe80::/10", "fec0::1"), 0);
	assert_int_equal(naccs_netmatch("::1", "::1"), 1);
	assert_int_equal(naccs_netmatch("::1", "::2"), 0);
	/* An IPv6 address never matches an IPv4 network by accident. */
	assert_int_equal(naccs_netmatch("0.0.0.0/0", "2001:db8::1"), 0);
}

static void test_v4_mapped(void **state)
{
	(void)state;
	/* The same address in both spellings matches both kinds of entry. */
	assert_int_equal(naccs_netmatch("192.0.2.0/24", "::ffff:192.0.2.10"), 1);
	assert_int_equal(naccs_netmatch("192.0.2.0/24", "::ffff:192.0.3.10"), 0);
	assert_int_equal(naccs_netmatch("::ffff:192.0.2.0/120", "192.0.2.10"), 1);
	assert_int_equal(naccs_netmatch("::ffff:192.0.2.0/120", "192.0.3.10"), 0);
}

static void test_host_names_refused(void **state)
{
	(void)state;
	/* Not a literal address: refused (-EINVAL), never looked up. */
	assert_int_equal(naccs_netmatch("0.0.0.0/0", "localhost"), -EINVAL);
	assert_int_equal(naccs_netmatch("0.0.0.0/0", "example.com"), -EINVAL);
	assert_int_equal(naccs_netmatch("::/0", "fe80::1%eth0"), -EINVAL);
	assert_int_equal(naccs_netmatch("::/0", "[::1]"), -EINVAL);
	assert_int_equal(naccs_netmatch("0.0.0.0/0", "192.0.2.1 "), -EINVAL);
	assert_int_equal(naccs_netmatch("0.0.0.0/0", ""), -EINVAL);
	/* Lists: a host name, a bad prefix, junk. */
	assert_int_equal(naccs_netmatch_check_list("192.0.2.0/24 ::1/128", NULL), 0);
	assert_int_equal(naccs_netmatch_check_list("gateway.example", NULL), -EINVAL);
	assert_int_equal(naccs_netmatch_check_list("192.0.2.0/33", NULL), -EINVAL);
	assert_int_equal(naccs_netmatch_check_list("2001:db8::/129", NULL), -EINVAL);
	assert_int_equal(naccs_netmatch_check_list("192.0.2.0/-1", NULL), -EINVAL);
	assert_int_equal(naccs_netmatch_check_list("192.0.2.0/", NULL), -EINVAL);
	assert_int_equal(naccs_netmatch("192.0.2.0/24 bad", "192.0.2.1"), 1);
	assert_int_equal(naccs_netmatch("bad 192.0.2.0/24", "192.0.2.1"), -EINVAL);
}

static int set(struct naccs_config *cfg, const char *section, const char *key, const char *value,
	       struct naccs_err *err)
{
	return naccs_config_set(cfg, section, key, value, "test", true, NULL, NULL, err);
}

static void test_config_keys(void **state)
{
	struct naccs_config cfg;
	struct naccs_err err;

	(void)state;
	naccs_config_defaults(&cfg);
	assert_string_equal(cfg.su_switch_services, "su su-l sudo sudo-i");
	assert_string_equal(cfg.su_allow_groups, "");
	assert_string_equal(cfg.su_allow_ids, "");
	assert_string_equal(cfg.admin_allowed_networks, "");
	assert_int_equal(set(&cfg, "su", "switch_services", "su su-l sudo", &err), 0);
	assert_int_equal(set(&cfg, "su", "allow_groups", "wheel-naccs, ops", &err), 0);
	assert_int_equal(set(&cfg, "su", "allow_ids", "abcde-001 ABCDE002", &err), 0);
	assert_int_equal(set(&cfg, "su", "allow_ids", "a;b", &err), -EINVAL);
	assert_int_equal(
	    set(&cfg, "access", "admin_allowed_networks", "192.0.2.0/24, 2001:db8::/32", &err), 0);
	assert_string_equal(cfg.admin_allowed_networks, "192.0.2.0/24, 2001:db8::/32");
	/* A host name is refused where the list is read, not resolved. */
	assert_int_equal(set(&cfg, "access", "admin_allowed_networks", "gw.example", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "no host names"));
	/* Time and terminal windows are not implemented: their keys fail
	 * closed (a rule nobody enforces must not look enforced). */
	assert_int_equal(set(&cfg, "access", "time_windows", "Mon-Fri 08:00-18:00", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not implemented in this version"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4),	cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_v4_mapped),	cmocka_unit_test(test_host_names_refused),
	    cmocka_unit_test(test_config_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
