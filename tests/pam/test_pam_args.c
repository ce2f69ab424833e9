/* PAM module arguments (pam_naccs/pam_args.c), called directly with a real
 * PAM handle: what decides how the file is read (conf=, owner= and its
 * spelling as a key, general.owner=) is applied before the file is read, so
 * the file is checked against the owner the arguments name
 * (UTS-2.2.1.2(2)(a)); keys of rules not implemented yet fail closed in
 * arguments as in the file; naccsd_socket= (issue 18). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "pam_args.h"
#include "testutil.h"

#define REQ_TRUST "UTS-2.2.1.2(2)(a)"

struct fixture {
	char *dir;
	char *conf;
	pam_handle_t *pamh;
	struct pam_naccs_opts opts;
};

static int no_conversation(int n, const struct pam_message **msg, struct pam_response **resp,
			   void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	return PAM_CONV_ERR;
}

static int setup(void **state)
{
	static const struct pam_conv conv = {no_conversation, NULL};
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->dir = tu_mkdtemp("pam-args");
	/* Owned by whoever runs the tests (root in CI), mode 0600 in a 0700
	 * directory: trusted for that uid and for no other. */
	fx->conf = tu_write_file(fx->dir, "naccs.conf", "[auth]\nfail_delay_ms = 7\n", 0600);
	if (pam_start("other", "nobody", &conv, &fx->pamh) != PAM_SUCCESS)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	pam_end(fx->pamh, PAM_SUCCESS);
	free(fx->conf);
	tu_rmtree_free(fx->dir);
	free(fx);
	return 0;
}

/* pam_naccs_load_opts with "conf=<fixture file>" and up to two more. */
static int load(struct fixture *fx, const char *a1, const char *a2)
{
	char conf_arg[512];
	const char *argv[3];
	int argc = 0;

	snprintf(conf_arg, sizeof(conf_arg), "conf=%s", fx->conf);
	argv[argc++] = conf_arg;
	if (a1 != NULL)
		argv[argc++] = a1;
	if (a2 != NULL)
		argv[argc++] = a2;
	return pam_naccs_load_opts(fx->pamh, 0, argc, argv, &fx->opts);
}

static void owner_arg(char *buf, size_t len, const char *prefix, unsigned long uid)
{
	snprintf(buf, len, "%s%lu", prefix, uid);
}

/* owner=UID and general.owner=UID are one setting, applied before the file
 * is read: the file is checked against that owner. */
static void test_owner_spellings_check_the_file(void **state)
{
	static const char *const spellings[] = {"owner=", "general.owner="};
	struct fixture *fx = *state;
	unsigned long me = (unsigned long)getuid(), other = me + 1;
	char arg[64];

	print_message("%s\n", REQ_TRUST);
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		owner_arg(arg, sizeof(arg), spellings[i], me);
		if (load(fx, arg, NULL) != PAM_SUCCESS)
			fail_msg("%s: file owned by the named owner refused", arg);
		assert_int_equal(fx->opts.cfg.owner_uid, me);
		assert_string_equal(fx->opts.cfg.conf_path, fx->conf);
		assert_int_equal(fx->opts.cfg.fail_delay_ms, 7);

		/* The file belongs to someone else than the named owner. */
		owner_arg(arg, sizeof(arg), spellings[i], other);
		if (load(fx, arg, NULL) != PAM_SERVICE_ERR)
			fail_msg("%s: file owned by uid %lu accepted", arg, me);

		/* Not a uid: fails closed. */
		snprintf(arg, sizeof(arg), "%sroot", spellings[i]);
		assert_int_equal(load(fx, arg, NULL), PAM_SERVICE_ERR);
	}
	/* Both given: the later one wins, whichever the spelling. */
	{
		char a1[64], a2[64];

		owner_arg(a1, sizeof(a1), "owner=", other);
		owner_arg(a2, sizeof(a2), "general.owner=", me);
		assert_int_equal(load(fx, a1, a2), PAM_SUCCESS);
		assert_int_equal(fx->opts.cfg.owner_uid, me);
		owner_arg(a1, sizeof(a1), "general.owner=", me);
		owner_arg(a2, sizeof(a2), "owner=", other);
		assert_int_equal(load(fx, a1, a2), PAM_SERVICE_ERR);
	}
}

/* A key of a rule that is not implemented fails closed as an argument too;
 * an unknown key in a known section is only a warning. */
static void test_reserved_key_argument_fails_closed(void **state)
{
	struct fixture *fx = *state;
	char me[64];

	owner_arg(me, sizeof(me), "owner=", (unsigned long)getuid());
	/* [access] has one implemented key (#8); its other rules are not. */
	assert_int_equal(load(fx, me, "access.rule=5"), PAM_SERVICE_ERR);
	/* [lockout], [password] and [su] are implemented now: their keys are
	 * settings. */
	assert_int_equal(load(fx, me, "su.switch_services=su"), PAM_SUCCESS);
	assert_int_equal(load(fx, me, "lockout.deny=5"), PAM_SUCCESS);
	assert_int_equal(load(fx, me, "password.min_length=12"), PAM_SUCCESS);
	assert_int_equal(load(fx, me, "hash.colour=blue"), PAM_SUCCESS);
	assert_int_equal(load(fx, me, "auth.fail_delay_ms=9"), PAM_SUCCESS);
	assert_int_equal(fx->opts.cfg.fail_delay_ms, 9);

	/* And in the file. */
	free(tu_write_file(fx->dir, "naccs.conf", "[access]\nrule = 5\n", 0600));
	assert_int_equal(load(fx, me, NULL), PAM_SERVICE_ERR);
}

/* naccsd_socket=PATH (issue 18): an absolute path that fits a socket
 * address, else the call fails closed; the configuration's own reading
 * takes no notice of it (a '.' in the path is no key override). */
static void test_naccsd_socket_argument(void **state)
{
	struct fixture *fx = *state;
	struct pam_naccs_client_args a;
	char me[64], longer[200];
	const char *argv[3];

	owner_arg(me, sizeof(me), "owner=", (unsigned long)getuid());
	assert_int_equal(load(fx, me, "naccsd_socket=/run/naccs/naccsd.sock"), PAM_SUCCESS);
	assert_int_equal(load(fx, me, "naccsd_socket=run/naccsd.sock"), PAM_SERVICE_ERR);
	argv[0] = "naccsd_socket=/run/naccs/naccsd.sock";
	argv[1] = me;
	argv[2] = "silent";
	assert_int_equal(pam_naccs_client_args(fx->pamh, 0, 3, argv, &a), PAM_SUCCESS);
	assert_string_equal(a.socket, "/run/naccs/naccsd.sock");
	assert_int_equal(a.owner, getuid());
	assert_true(a.quiet);
	assert_false(a.nodelay);
	argv[0] = "naccsd_socket=";
	assert_int_equal(pam_naccs_client_args(fx->pamh, 0, 1, argv, &a), PAM_SERVICE_ERR);
	argv[0] = "naccsd_socket=naccsd.sock";
	assert_int_equal(pam_naccs_client_args(fx->pamh, 0, 1, argv, &a), PAM_SERVICE_ERR);
	/* sun_path holds 107 bytes and the NUL. */
	memset(longer, 'a', sizeof(longer));
	memcpy(longer, "naccsd_socket=/", 15);
	longer[14 + 108] = '\0';
	argv[0] = longer;
	assert_int_equal(pam_naccs_client_args(fx->pamh, 0, 1, argv, &a), PAM_SERVICE_ERR);
	longer[14 + 107] = '\0';
	assert_int_equal(pam_naccs_client_args(fx->pamh, 0, 1, argv, &a), PAM_SUCCESS);
	assert_int_equal(load(fx, me, longer), PAM_SUCCESS);
	argv[0] = "naccsd_socket=/run/naccs/naccsd.sock";
	argv[1] = "owner=root";
	assert_int_equal(pam_naccs_client_args(fx->pamh, 0, 2, argv, &a), PAM_SERVICE_ERR);
	/* PAM_SILENT is quiet too. */
	assert_int_equal(pam_naccs_client_args(fx->pamh, PAM_SILENT, 1, argv, &a), PAM_SUCCESS);
	assert_true(a.quiet);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_owner_spellings_check_the_file),
	    T(test_reserved_key_argument_fails_closed),
	    T(test_naccsd_socket_argument),
	};

	return cmocka_run_group_tests_name("pam_args", tests, NULL, NULL);
}
