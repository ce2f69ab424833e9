#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pamfixture.h"

bool pfx_have_wrapper(const char *test)
{
	if (getenv("PAM_WRAPPER") != NULL)
		return true;
	fprintf(stderr, "%s: needs pam_wrapper (run through make check)\n", test);
	return false;
}

void pfx_fresh_dir(const char *dir)
{
	tu_rmtree(dir);
	if (mkdir(dir, 0700) != 0)
		fail_msg("mkdir %s", dir);
}

void pfx_write_conf(const char *conf_dir, const char *trail_dir, const char *store_path,
		    const char *hash_lines, const char *tail_fmt, ...)
{
	char text[8192], tail[4096], audit[1200];
	va_list ap;

	va_start(ap, tail_fmt);
	vsnprintf(tail, sizeof(tail), tail_fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text),
		 "%s[store]\npath = %s\n[hash]\n%s[auth]\nfail_delay_ms = 0\n%s",
		 tu_audit_trail(trail_dir, audit, sizeof(audit)), store_path,
		 hash_lines != NULL ? hash_lines : "memory_kib = 1024\ntime_cost = 1\n", tail);
	free(tu_write_file(conf_dir, "naccs.conf", text, 0600));
}

struct naccs_account_state pfx_get_state(const char *store_path, uid_t owner, const char *login)
{
	struct naccs_store *st = tst_open_store(store_path, owner, false);
	struct naccs_account_state s;
	struct naccs_err err;

	if (naccs_store_get_state(st, naccs_deadline_in(5000), login, &s, &err) < 0)
		fail_msg("get_state %s: %s", login, err.msg);
	naccs_store_close(st);
	return s;
}

void pfx_add_user(struct naccs_store *st, const struct pfx_user *u)
{
	struct naccs_hash_params cheap = tu_hash_params(1024);
	struct naccs_identity id;
	struct naccs_err err;
	char phc[NACCS_PHC_MAX], gecos[sizeof(id.gecos)];

	if (u->test_gecos)
		snprintf(gecos, sizeof(gecos), "Test %s", u->login);
	tst_identity(&id, u->login, u->code, u->number, NACCS_UID_ALLOCATE,
		     u->test_gecos ? gecos : u->gecos, "/bin/sh");
	assert_int_equal(
	    naccs_hash_new(u->params != NULL ? u->params : &cheap, u->password, phc, &err), 0);
	if (naccs_store_add_identity(st, naccs_deadline_in(5000), &id, 20000, 29999, phc,
				     u->must_change, "test", "test person", &err) < 0)
		fail_msg("add %s: %s", u->login, err.msg);
}

void pfx_conv_init(struct pfx_conv *c, const char *const *answers, int n_info, int n_err)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; answers != NULL && answers[i] != NULL && i < PFX_SLOTS - 1; i++)
		c->answers[i] = answers[i];
	for (int i = 0; i < n_info && i < PFX_SLOTS; i++)
		c->info[i] = c->info_buf[i];
	for (int i = 0; i < n_err && i < PFX_SLOTS; i++)
		c->errs[i] = c->err_buf[i];
	c->data.in_echo_off = answers != NULL ? c->answers : NULL;
	c->data.out_info = n_info > 0 ? c->info : NULL;
	c->data.out_err = n_err > 0 ? c->errs : NULL;
}

void pfx_conv_pw(struct pfx_conv *c, const char *pw, int n_info, int n_err)
{
	const char *answers[] = {pw, NULL};

	pfx_conv_init(c, answers, n_info, n_err);
}

int pfx_run(const char *service, enum pamtest_ops op, const char *user, struct pfx_conv *c)
{
	struct pam_testcase tc[] = {pam_test(op, PAM_SUCCESS)};
	enum pamtest_err perr;

	perr = run_pamtest(service, user, &c->data, tc, NULL);
	if (perr != PAMTEST_ERR_OK && perr != PAMTEST_ERR_CASE)
		fail_msg("run_pamtest: %d", perr);
	return tc[0].op_rv;
}

int pfx_run_pw(const char *service, enum pamtest_ops op, const char *user, const char *pw,
	       int n_info, int n_err, struct pfx_conv *c)
{
	struct pfx_conv own;

	if (c == NULL)
		c = &own;
	pfx_conv_pw(c, pw, n_info, n_err);
	return pfx_run(service, op, user, c);
}

int pfx_acct_direct(const char *service, const char *user, const struct pam_conv *conv,
		    const char *tty, const char *rhost, const char *ruser)
{
	pam_handle_t *h = NULL;
	int rv;

	assert_int_equal(pam_start(service, user, conv, &h), PAM_SUCCESS);
	if (tty != NULL)
		assert_int_equal(pam_set_item(h, PAM_TTY, tty), PAM_SUCCESS);
	if (rhost != NULL)
		assert_int_equal(pam_set_item(h, PAM_RHOST, rhost), PAM_SUCCESS);
	if (ruser != NULL)
		assert_int_equal(pam_set_item(h, PAM_RUSER, ruser), PAM_SUCCESS);
	rv = pam_acct_mgmt(h, 0);
	pam_end(h, rv);
	return rv;
}
