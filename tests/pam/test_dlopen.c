/* The module loads with every symbol resolved (RTLD_NOW), offers the six PAM
 * entry points and nothing of libnaccs. */
#include "config.h"

#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

static void test_dlopen_now(void **state)
{
	static const char *entry[] = {"pam_sm_authenticate", "pam_sm_setcred",
				      "pam_sm_acct_mgmt",    "pam_sm_chauthtok",
				      "pam_sm_open_session", "pam_sm_close_session"};
	static const char *hidden[] = {"naccs_policy_authenticate", "naccs_store_open",
				       "naccs_hash_verify", "naccs_config_load",
				       "pam_naccs_load_opts"};
	void *h = dlopen(PAM_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		fail_msg("dlopen(%s): %s", PAM_MODULE_PATH, dlerror());
	for (size_t i = 0; i < sizeof(entry) / sizeof(entry[0]); i++)
		assert_non_null(dlsym(h, entry[i]));
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		assert_null(dlsym(h, hidden[i]));
	dlclose(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_dlopen_now)};

	return cmocka_run_group_tests_name("dlopen", tests, NULL, NULL);
}
