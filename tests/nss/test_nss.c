/* Tier A of the NSS module (TESTING.md "NSS module"): libnss_naccs.so.2
 * loaded with dlopen and called directly, over an index naccs_index_write
 * made from a real store.  Canonical entries for NACCS forms, exact buffer
 * sizes (every size below the need is ERANGE, heap buffers of exactly that
 * size so the sanitizers and valgrind see any overrun), hostile names,
 * enumeration and its restart, initgroups, suspended and retired IDs
 * (UTS-2.2.1.3(2)(g)), an index replaced while many threads read it, and
 * the index check. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cdb.h>
#include <cmocka.h>
#include <fcntl.h>

#include "index/map.h"
#include "index/write.h"
#include "store/store.h"
#include "nss_naccs.h"
#include "teststore.h"
#include "testutil.h"

#define DL() naccs_deadline_in(10000)

static void *module;
static char *base_dir;
static char index_path[PATH_MAX];

static __typeof__(_nss_naccs_getpwnam_r) *getpwnam_fn;
static __typeof__(_nss_naccs_getpwuid_r) *getpwuid_fn;
static __typeof__(_nss_naccs_setpwent) *setpwent_fn;
static __typeof__(_nss_naccs_getpwent_r) *getpwent_fn;
static __typeof__(_nss_naccs_endpwent) *endpwent_fn;
static __typeof__(_nss_naccs_getgrnam_r) *getgrnam_fn;
static __typeof__(_nss_naccs_getgrgid_r) *getgrgid_fn;
static __typeof__(_nss_naccs_setgrent) *setgrent_fn;
static __typeof__(_nss_naccs_getgrent_r) *getgrent_fn;
static __typeof__(_nss_naccs_endgrent) *endgrent_fn;
static __typeof__(_nss_naccs_initgroups_dyn) *initgroups_fn;

static void *sym(const char *name)
{
	void *p = dlsym(module, name);

	if (p == NULL)
		fail_msg("%s: %s", name, dlerror());
	return p;
}

static int group_setup(void **state)
{
	base_dir = tu_mkdtemp("nss");
	snprintf(index_path, sizeof(index_path), "%s/passwd.cdb", base_dir);
	/* Honoured by test builds only (--enable-test-hooks). */
	setenv(NACCS_NSS_INDEX_ENV, index_path, 1);
	module = dlopen(NSS_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
	if (module == NULL)
		fail_msg("dlopen %s: %s", NSS_MODULE_PATH, dlerror());
	getpwnam_fn = sym("_nss_naccs_getpwnam_r");
	getpwuid_fn = sym("_nss_naccs_getpwuid_r");
	setpwent_fn = sym("_nss_naccs_setpwent");
	getpwent_fn = sym("_nss_naccs_getpwent_r");
	endpwent_fn = sym("_nss_naccs_endpwent");
	getgrnam_fn = sym("_nss_naccs_getgrnam_r");
	getgrgid_fn = sym("_nss_naccs_getgrgid_r");
	setgrent_fn = sym("_nss_naccs_setgrent");
	getgrent_fn = sym("_nss_naccs_getgrent_r");
	endgrent_fn = sym("_nss_naccs_endgrent");
	initgroups_fn = sym("_nss_naccs_initgroups_dyn");
	return 0;
}

static int group_teardown(void **state)
{
	dlclose(module);
	tu_rmtree_free(base_dir);
	return 0;
}

static void add_id(struct naccs_store *st, const char *login, const char *code, const char *number,
		   uint32_t uid, const char *gecos)
{
	struct naccs_err err;

	if (tst_add_fixed(st, login, code, number, uid, gecos, &err) < 0)
		fail_msg("add %s: %s", login, err.msg);
}

static void add_group(struct naccs_store *st, const char *name, uint32_t gid)
{
	struct naccs_group g;
	struct naccs_err err;

	memset(&g, 0, sizeof(g));
	snprintf(g.name, sizeof(g.name), "%s", name);
	g.gid = gid;
	if (naccs_store_group_add(st, DL(), &g, 30000, 39999, "admin1", &err) < 0)
		fail_msg("group add %s: %s", name, err.msg);
}

static void add_member(struct naccs_store *st, const char *group, const char *login)
{
	struct naccs_err err;

	if (naccs_store_group_member(st, DL(), group, login, true, "admin1", &err) < 0)
		fail_msg("member %s %s: %s", group, login, err.msg);
}

static void write_index(struct naccs_store *st)
{
	struct naccs_err err;

	if (naccs_index_write(st, DL(), index_path, NULL, &err) < 0)
		fail_msg("index: %s", err.msg);
}

/* The standard content: two individual IDs, a shared one, three groups. */
static int setup(void **state)
{
	struct tst_fx *f;

	tst_store_setup(state, "nss-store");
	f = *state;
	add_id(f->st, "abcde-001", "ABCDE", "001", 20001, "Taro Yamada");
	add_id(f->st, "xyzab-7k2", "XYZAB", "7K2", 20002, "Hanako Suzuki");
	add_id(f->st, "opsadmin", "", "", 20003, "Operations");
	add_group(f->st, "ops", 30001);
	add_group(f->st, "wheel-naccs", 30002);
	add_group(f->st, "empty", 30003);
	add_member(f->st, "ops", "abcde-001");
	add_member(f->st, "ops", "xyzab-7k2");
	add_member(f->st, "wheel-naccs", "abcde-001");
	write_index(f->st);
	return 0;
}

/* The index stays: the next set-up replaces it the way naccsctl does. */
static int teardown(void **state)
{
	return tst_store_teardown(state);
}

/* getpwnam into a large buffer: the status, *errnop, and the caller's
 * errno left as it was. */
static enum nss_status pwnam(const char *name, struct passwd *pw, char *buf, size_t len, int *e)
{
	enum nss_status st;

	*e = 0;
	errno = 4242;
	st = getpwnam_fn(name, pw, buf, len, e);
	assert_int_equal(errno, 4242);
	return st;
}

static void assert_abcde(const struct passwd *pw)
{
	assert_string_equal(pw->pw_name, "abcde-001");
	assert_string_equal(pw->pw_passwd, "x");
	assert_int_equal(pw->pw_uid, 20001);
	assert_int_equal(pw->pw_gid, 100);
	assert_string_equal(pw->pw_gecos, "Taro Yamada");
	assert_string_equal(pw->pw_dir, "/home/abcde-001");
	assert_string_equal(pw->pw_shell, "/bin/bash");
}

static void test_getpwnam_canonical_and_forms(void **state)
{
	/* Every accepted NACCS form returns the canonical entry (the
	 * resolver's forms: naccs_name_parse). */
	static const char *const names[] = {"abcde-001", "ABCDE001", "ABCDE-001", "abcde001",
					    "AbCdE-001"};
	struct passwd pw;
	char buf[1024];
	int e;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(&pw, 0, sizeof(pw));
		assert_int_equal(pwnam(names[i], &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
		assert_abcde(&pw);
	}
	assert_int_equal(pwnam("XYZAB7K2", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_string_equal(pw.pw_name, "xyzab-7k2");
	assert_int_equal(pwnam("opsadmin", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_int_equal(pw.pw_uid, 20003);
	/* A login is matched exactly (as stored). */
	assert_int_equal(pwnam("OPSADMIN", &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	assert_int_equal(e, ENOENT);
	assert_int_equal(pwnam("abcde-002", &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	assert_int_equal(e, ENOENT);
}

static void test_getpwuid(void **state)
{
	struct passwd pw;
	char buf[1024];
	int e = 0;

	errno = 4242;
	assert_int_equal(getpwuid_fn(20001, &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_int_equal(errno, 4242);
	assert_abcde(&pw);
	assert_int_equal(getpwuid_fn(20999, &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	assert_int_equal(e, ENOENT);
	assert_int_equal(errno, 4242);
	assert_int_equal(getpwuid_fn(0, &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
}

static void test_invalid_names(void **state)
{
	static const char *const bad[] = {"",		"abc/def", "../etc",	"abcde\n001",
					  "abc\x1b[2J", "abc:def", "tab\there", "del\x7f"};
	char longname[NACCS_INDEX_NAME_MAX + 2];
	struct passwd pw;
	struct group gr;
	char buf[1024];
	long int start = 0, size = 0;
	gid_t *groups = NULL;
	int e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pwnam(bad[i], &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
		assert_int_equal(e, ENOENT);
		assert_int_equal(getgrnam_fn(bad[i], &gr, buf, sizeof(buf), &e),
				 NSS_STATUS_NOTFOUND);
		assert_int_equal(initgroups_fn(bad[i], 100, &start, &size, &groups, 0, &e),
				 NSS_STATUS_NOTFOUND);
	}
	/* Over-long: refused before any look-up, also when it begins with a
	 * valid name. */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(longname, "abcde-001", 9);
	assert_int_equal(pwnam(longname, &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	assert_int_equal(start, 0);
	assert_null(groups);
}

/* The bytes a passwd entry needs in the caller's buffer. */
static size_t pw_need(const struct passwd *pw)
{
	return strlen(pw->pw_name) + 1 + strlen(pw->pw_passwd) + 1 + strlen(pw->pw_gecos) + 1 +
	       strlen(pw->pw_dir) + 1 + strlen(pw->pw_shell) + 1;
}

/* Every size below the need is ERANGE (TRYAGAIN), the exact need works:
 * each in a heap buffer of exactly that size. */
static void test_pw_exact_buffer(void **state)
{
	struct passwd pw;
	char big[1024];
	size_t need;
	int e;

	assert_int_equal(pwnam("ABCDE001", &pw, big, sizeof(big), &e), NSS_STATUS_SUCCESS);
	need = pw_need(&pw);
	for (size_t len = 0; len <= need; len++) {
		char *buf = malloc(len > 0 ? len : 1);

		assert_non_null(buf);
		e = 0;
		errno = 4242;
		if (len < need) {
			assert_int_equal(getpwnam_fn("ABCDE001", &pw, buf, len, &e),
					 NSS_STATUS_TRYAGAIN);
			assert_int_equal(e, ERANGE);
			assert_int_equal(getpwuid_fn(20001, &pw, buf, len, &e),
					 NSS_STATUS_TRYAGAIN);
			assert_int_equal(e, ERANGE);
		} else {
			assert_int_equal(getpwnam_fn("ABCDE001", &pw, buf, len, &e),
					 NSS_STATUS_SUCCESS);
			assert_abcde(&pw);
			assert_int_equal(getpwuid_fn(20001, &pw, buf, len, &e), NSS_STATUS_SUCCESS);
			assert_abcde(&pw);
		}
		assert_int_equal(errno, 4242);
		free(buf);
	}
}

static void assert_ops(const struct group *gr)
{
	assert_string_equal(gr->gr_name, "ops");
	assert_string_equal(gr->gr_passwd, "x");
	assert_int_equal(gr->gr_gid, 30001);
	assert_non_null(gr->gr_mem);
	assert_string_equal(gr->gr_mem[0], "abcde-001");
	assert_string_equal(gr->gr_mem[1], "xyzab-7k2");
	assert_null(gr->gr_mem[2]);
}

static void test_groups(void **state)
{
	struct group gr;
	char buf[1024];
	int e;

	assert_int_equal(getgrnam_fn("ops", &gr, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_ops(&gr);
	assert_int_equal(getgrgid_fn(30001, &gr, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_ops(&gr);
	assert_int_equal(getgrnam_fn("empty", &gr, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_int_equal(gr.gr_gid, 30003);
	assert_null(gr.gr_mem[0]);
	assert_int_equal(getgrnam_fn("nosuch", &gr, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	assert_int_equal(e, ENOENT);
	assert_int_equal(getgrgid_fn(100, &gr, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
}

/* A group's need: the member pointers (aligned; malloc's buffers are),
 * then the strings. */
static void test_gr_exact_buffer(void **state)
{
	size_t need = 3 * sizeof(char *) + sizeof("ops") + sizeof("x") + sizeof("abcde-001") +
		      sizeof("xyzab-7k2");
	struct group gr;
	int e;

	for (size_t len = 0; len <= need; len++) {
		char *buf = malloc(len > 0 ? len : 1);

		assert_non_null(buf);
		e = 0;
		if (len < need) {
			assert_int_equal(getgrnam_fn("ops", &gr, buf, len, &e),
					 NSS_STATUS_TRYAGAIN);
			assert_int_equal(e, ERANGE);
			assert_int_equal(getgrgid_fn(30001, &gr, buf, len, &e),
					 NSS_STATUS_TRYAGAIN);
			assert_int_equal(e, ERANGE);
		} else {
			assert_int_equal(getgrnam_fn("ops", &gr, buf, len, &e), NSS_STATUS_SUCCESS);
			assert_ops(&gr);
		}
		free(buf);
	}
	/* A misaligned buffer still works (the pointers are aligned inside). */
	{
		char *buf = malloc(need + sizeof(char *));

		assert_non_null(buf);
		assert_int_equal(getgrnam_fn("ops", &gr, buf + 1, need + sizeof(char *) - 1, &e),
				 NSS_STATUS_SUCCESS);
		assert_ops(&gr);
		free(buf);
	}
}

/* Every passwd entry by enumeration; an ERANGE in the middle neither skips
 * nor repeats; setpwent starts again. */
static void test_pw_enumeration(void **state)
{
	static const char *const want[] = {"abcde-001", "opsadmin", "xyzab-7k2"};
	struct passwd pw;
	char buf[1024];
	int e;

	for (int round = 0; round < 2; round++) {
		assert_int_equal(setpwent_fn(0), NSS_STATUS_SUCCESS);
		for (size_t i = 0; i < 3; i++) {
			if (i == 1) {
				assert_int_equal(getpwent_fn(&pw, buf, 4, &e), NSS_STATUS_TRYAGAIN);
				assert_int_equal(e, ERANGE);
			}
			assert_int_equal(getpwent_fn(&pw, buf, sizeof(buf), &e),
					 NSS_STATUS_SUCCESS);
			assert_string_equal(pw.pw_name, want[i]);
		}
		assert_int_equal(getpwent_fn(&pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
		assert_int_equal(e, ENOENT);
		assert_int_equal(getpwent_fn(&pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
		if (round == 0) {
			/* Restart in the middle: first entry again. */
			assert_int_equal(setpwent_fn(0), NSS_STATUS_SUCCESS);
			assert_int_equal(getpwent_fn(&pw, buf, sizeof(buf), &e),
					 NSS_STATUS_SUCCESS);
			assert_string_equal(pw.pw_name, want[0]);
		}
	}
	assert_int_equal(endpwent_fn(), NSS_STATUS_SUCCESS);
	/* Without setpwent (endpwent reset it): from the start. */
	assert_int_equal(getpwent_fn(&pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_string_equal(pw.pw_name, want[0]);
	assert_int_equal(endpwent_fn(), NSS_STATUS_SUCCESS);
}

static void test_gr_enumeration(void **state)
{
	static const char *const want[] = {"empty", "ops", "wheel-naccs"};
	struct group gr;
	char buf[1024];
	int e;

	for (int round = 0; round < 2; round++) {
		assert_int_equal(setgrent_fn(0), NSS_STATUS_SUCCESS);
		for (size_t i = 0; i < 3; i++) {
			assert_int_equal(getgrent_fn(&gr, buf, 8, &e), NSS_STATUS_TRYAGAIN);
			assert_int_equal(e, ERANGE);
			assert_int_equal(getgrent_fn(&gr, buf, sizeof(buf), &e),
					 NSS_STATUS_SUCCESS);
			assert_string_equal(gr.gr_name, want[i]);
		}
		assert_int_equal(getgrent_fn(&gr, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	}
	assert_int_equal(endgrent_fn(), NSS_STATUS_SUCCESS);
}

static void test_initgroups(void **state)
{
	long int start, size;
	gid_t *groups;
	int e;

	/* By the canonical login and by a NACCS form; the primary group given
	 * is not added, nor is a gid already in the list. */
	static const char *const names[] = {"abcde-001", "ABCDE001"};
	for (size_t i = 0; i < 2; i++) {
		size = 2;
		groups = malloc((size_t)size * sizeof(gid_t));
		assert_non_null(groups);
		groups[0] = 100;
		groups[1] = 30002;
		start = 2;
		errno = 4242;
		assert_int_equal(initgroups_fn(names[i], 100, &start, &size, &groups, 0, &e),
				 NSS_STATUS_SUCCESS);
		assert_int_equal(errno, 4242);
		assert_int_equal(start, 3);
		assert_true(size >= 3);
		assert_int_equal(groups[2], 30001);
		free(groups);
	}
	/* The primary group skipped; the limit is kept. */
	size = 1;
	groups = malloc(sizeof(gid_t));
	assert_non_null(groups);
	groups[0] = 100;
	start = 1;
	assert_int_equal(initgroups_fn("abcde-001", 30001, &start, &size, &groups, 2, &e),
			 NSS_STATUS_SUCCESS);
	assert_int_equal(start, 2);
	assert_int_equal(size, 2);
	assert_int_equal(groups[1], 30002);
	free(groups);
	/* No groups: success, nothing added; unknown user: not found. */
	size = 0;
	start = 0;
	groups = NULL;
	assert_int_equal(initgroups_fn("opsadmin", 100, &start, &size, &groups, 0, &e),
			 NSS_STATUS_SUCCESS);
	assert_int_equal(start, 0);
	assert_int_equal(initgroups_fn("nosuch", 100, &start, &size, &groups, 0, &e),
			 NSS_STATUS_NOTFOUND);
	assert_null(groups);
}

/* UTS-2.2.1.3(2)(g)(ウ): a retired ID is gone from the index (name, forms,
 * uid, enumeration, groups); a suspended one stays with no shell. */
static void test_retired_and_suspended(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_err err;
	struct passwd pw;
	struct group gr;
	char buf[1024];
	int e, n = 0;

	assert_int_equal(naccs_store_retire(f->st, DL(), "xyzab-7k2", "left", "admin1", &err), 0);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "abcde-001", NACCS_FLAG_SUSPENDED, true,
					      "leave", "admin1", &err),
			 0);
	assert_int_equal(naccs_store_set_flag(f->st, DL(), "opsadmin", NACCS_FLAG_LOCKED, true,
					      "test", "admin1", &err),
			 0);
	write_index(f->st);

	assert_int_equal(pwnam("xyzab-7k2", &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	assert_int_equal(pwnam("XYZAB-7K2", &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	assert_int_equal(getpwuid_fn(20002, &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	assert_int_equal(getgrnam_fn("ops", &gr, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_string_equal(gr.gr_mem[0], "abcde-001");
	assert_null(gr.gr_mem[1]);
	assert_int_equal(setpwent_fn(0), NSS_STATUS_SUCCESS);
	while (getpwent_fn(&pw, buf, sizeof(buf), &e) == NSS_STATUS_SUCCESS) {
		assert_string_not_equal(pw.pw_name, "xyzab-7k2");
		n++;
	}
	endpwent_fn();
	assert_int_equal(n, 2);

	/* Suspended: same name and uid (files keep their owner's name), no
	 * shell; locked: unchanged (locks are PAM's, at each login). */
	assert_int_equal(pwnam("ABCDE001", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_string_equal(pw.pw_name, "abcde-001");
	assert_int_equal(pw.pw_uid, 20001);
	assert_string_equal(pw.pw_shell, NACCS_INDEX_SUSPENDED_SHELL);
	assert_int_equal(pwnam("opsadmin", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_string_equal(pw.pw_shell, "/bin/bash");
}

static void test_missing_index_unavailable(void **state)
{
	struct passwd pw;
	struct group gr;
	char buf[1024];
	int e;

	assert_int_equal(unlink(index_path), 0);
	/* Removed by hand (naccsctl never does): seen at the next call. */
	assert_int_equal(pwnam("abcde-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_UNAVAIL);
	assert_int_equal(e, ENOENT);
	assert_int_equal(getgrgid_fn(30001, &gr, buf, sizeof(buf), &e), NSS_STATUS_UNAVAIL);
	assert_int_equal(setpwent_fn(0), NSS_STATUS_UNAVAIL);
	assert_int_equal(getpwent_fn(&pw, buf, sizeof(buf), &e), NSS_STATUS_UNAVAIL);
	endpwent_fn();
	/* Not an index: unavailable too, never a crash. */
	free(tu_write_file(base_dir, "passwd.cdb", "garbage", 0644));
	assert_int_equal(pwnam("abcde-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_UNAVAIL);
	/* An index others may write is not trusted. */
	{
		struct tst_fx *f = *state;
		char other[PATH_MAX + 8];
		struct naccs_err err;

		snprintf(other, sizeof(other), "%s/other.cdb", base_dir);
		if (naccs_index_write(f->st, DL(), other, NULL, &err) < 0)
			fail_msg("index: %s", err.msg);
		assert_int_equal(chmod(other, 0666), 0);
		assert_int_equal(rename(other, index_path), 0);
		assert_int_equal(pwnam("abcde-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_UNAVAIL);
		assert_int_equal(e, EPERM);
		assert_int_equal(chmod(index_path, 0644), 0);
		assert_int_equal(pwnam("abcde-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	}
}

/* The value of key in the cdb file at path ("" when absent). */
static void cdb_value(const char *path, const char *key, char *out, size_t outlen)
{
	int fd = open(path, O_RDONLY);
	unsigned len = 0;

	assert_true(fd >= 0);
	out[0] = '\0';
	if (cdb_seek(fd, key, (unsigned)strlen(key), &len) > 0 && len < outlen) {
		assert_int_equal(read(fd, out, len), (ssize_t)len);
		out[len] = '\0';
	}
	close(fd);
}

/* A rebuilt index is seen at the next call: naccsctl marks the file it
 * replaced stale, which every process mapping it sees without a system
 * call; the new file is not. */
static void test_replaced_index_seen(void **state)
{
	struct tst_fx *f = *state;
	char old[PATH_MAX + 8], v[8];
	struct passwd pw;
	char buf[1024];
	int e;

	assert_int_equal(pwnam("QWERT-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	snprintf(old, sizeof(old), "%s.old", index_path);
	unlink(old);
	assert_int_equal(link(index_path, old), 0);
	cdb_value(old, "#stale", v, sizeof(v));
	assert_string_equal(v, "0");
	add_id(f->st, "qwert-001", "QWERT", "001", 20010, "New");
	write_index(f->st);
	assert_int_equal(pwnam("QWERT-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_string_equal(pw.pw_name, "qwert-001");
	cdb_value(old, "#stale", v, sizeof(v));
	assert_string_equal(v, "1");
	cdb_value(index_path, "#stale", v, sizeof(v));
	assert_string_equal(v, "0");
	unlink(old);
}

/* A file put there by other means (a rename without naccsctl, as
 * bench_nss does) is seen at the next call too. */
static void test_replaced_by_hand_seen(void **state)
{
	struct tst_fx *f = *state;
	char saved[PATH_MAX + 8];
	struct passwd pw;
	char buf[1024];
	int e;

	snprintf(saved, sizeof(saved), "%s.saved", index_path);
	unlink(saved);
	assert_int_equal(link(index_path, saved), 0);
	add_id(f->st, "qwert-001", "QWERT", "001", 20010, "New");
	write_index(f->st);
	assert_int_equal(pwnam("QWERT-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	/* Back to the old file, by hand: not marked stale. */
	assert_int_equal(rename(saved, index_path), 0);
	assert_int_equal(pwnam("QWERT-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
}

/* ---- an index overwritten in place (cp backup.cdb passwd.cdb, truncate) ---- */

/* The bytes of the file at path (a "backup"), into a heap buffer. */
static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat sb;
	unsigned char *b;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	b = malloc((size_t)sb.st_size);
	assert_non_null(b);
	assert_int_equal(read(fd, b, (size_t)sb.st_size), sb.st_size);
	close(fd);
	*len = (size_t)sb.st_size;
	return b;
}

/* What cp does to an existing destination: the same inode, truncated,
 * then written (here in two halves, with look-ups in between). */
static int overwrite_in_place(const unsigned char *b, size_t len)
{
	int fd = open(index_path, O_WRONLY | O_TRUNC);
	struct passwd pw;
	char buf[1024];
	int e;

	if (fd < 0)
		return 10;
	/* Truncated: whatever the module answers, it answers. */
	(void)getpwnam_fn("abcde-001", &pw, buf, sizeof(buf), &e);
	if (write(fd, b, len / 2) != (ssize_t)(len / 2))
		return 11;
	(void)getpwnam_fn("abcde-001", &pw, buf, sizeof(buf), &e);
	(void)getpwuid_fn(20002, &pw, buf, sizeof(buf), &e);
	if (write(fd, b + len / 2, len - len / 2) != (ssize_t)(len - len / 2))
		return 12;
	return close(fd) == 0 ? 0 : 13;
}

/* The child of test_overwritten_in_place: 0 when every step answered as
 * expected; a SIGBUS ends it with the signal. */
static int overwritten_child(const unsigned char *backup, size_t blen)
{
	struct passwd pw;
	char buf[1024];
	enum nss_status st;
	int e, rc;

	/* The module holds the current index (a look-up, and an enumeration
	 * in progress holds its own reference); a module that keeps an older
	 * file for a while is given the time to take it. */
	for (int i = 0; getpwnam_fn("ZYXWV-001", &pw, buf, sizeof(buf), &e) != NSS_STATUS_SUCCESS;
	     i++) {
		if (i == 40)
			return 1;
		usleep(50000);
	}
	if (setpwent_fn(0) != NSS_STATUS_SUCCESS ||
	    getpwent_fn(&pw, buf, sizeof(buf), &e) != NSS_STATUS_SUCCESS)
		return 2;
	/* truncate(1) to nothing: at once unavailable (not an index), and
	 * the enumeration in progress goes on from what it read. */
	if (truncate(index_path, 0) != 0)
		return 3;
	st = getpwnam_fn("abcde-001", &pw, buf, sizeof(buf), &e);
	if (st != NSS_STATUS_UNAVAIL)
		return 4;
	st = getpwuid_fn(20001, &pw, buf, sizeof(buf), &e);
	if (st != NSS_STATUS_UNAVAIL)
		return 5;
	while ((st = getpwent_fn(&pw, buf, sizeof(buf), &e)) == NSS_STATUS_SUCCESS)
		;
	if (st != NSS_STATUS_NOTFOUND)
		return 6;
	endpwent_fn();
	/* cp backup.cdb passwd.cdb: the backup (without zyxwv-001) is
	 * answered from at once. */
	rc = overwrite_in_place(backup, blen);
	if (rc != 0)
		return rc;
	if (getpwnam_fn("abcde-001", &pw, buf, sizeof(buf), &e) != NSS_STATUS_SUCCESS ||
	    strcmp(pw.pw_name, "abcde-001") != 0)
		return 7;
	if (getpwnam_fn("ZYXWV-001", &pw, buf, sizeof(buf), &e) != NSS_STATUS_NOTFOUND)
		return 8;
	return 0;
}

/* An administrator restoring a backup over the index, or truncating it,
 * while a process (sshd) holds it: the process keeps answering, or
 * answers "unavailable", and never dies of SIGBUS; the restored file is
 * answered from at the next call.  Run in a child so a signal is a
 * failure of this test, not the end of the run. */
static void test_overwritten_in_place(void **state)
{
	struct tst_fx *f = *state;
	char backup_path[PATH_MAX + 8];
	unsigned char *backup;
	size_t blen;
	int status;
	pid_t pid;

	snprintf(backup_path, sizeof(backup_path), "%s/backup.cdb", base_dir);
	{
		struct naccs_err err;

		if (naccs_index_write(f->st, DL(), backup_path, NULL, &err) < 0)
			fail_msg("index: %s", err.msg);
	}
	backup = slurp(backup_path, &blen);
	add_id(f->st, "zyxwv-001", "ZYXWV", "001", 20011, "New");
	write_index(f->st);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* cmocka's handler would carry on with the next test here. */
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		_exit(overwritten_child(backup, blen));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(backup);
	unlink(backup_path);
	if (WIFSIGNALED(status))
		fail_msg("the reader died of signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("the reader's step %d answered wrong", WEXITSTATUS(status));
}

/* ---- many readers while the index is rebuilt again and again ---- */

#define READERS	 6
#define REBUILDS 40

static volatile int stop_readers;

static void *reader(void *arg)
{
	long bad = 0, n = 0;
	unsigned id = (unsigned)(uintptr_t)arg;

	while (!__atomic_load_n(&stop_readers, __ATOMIC_ACQUIRE) || n < 50) {
		struct passwd pw;
		struct group gr;
		char buf[1024];
		int e;

		/* The fixed IDs are in every version of the index: any other
		 * answer, or a wrong byte, is a torn read. */
		if (getpwnam_fn(id % 2 ? "ABCDE001" : "abcde-001", &pw, buf, sizeof(buf), &e) !=
			NSS_STATUS_SUCCESS ||
		    strcmp(pw.pw_name, "abcde-001") != 0 || pw.pw_uid != 20001 ||
		    strcmp(pw.pw_gecos, "Taro Yamada") != 0 ||
		    strcmp(pw.pw_shell, "/bin/bash") != 0)
			bad++;
		if (getpwuid_fn(20002, &pw, buf, sizeof(buf), &e) != NSS_STATUS_SUCCESS ||
		    strcmp(pw.pw_name, "xyzab-7k2") != 0)
			bad++;
		if (getgrnam_fn("ops", &gr, buf, sizeof(buf), &e) != NSS_STATUS_SUCCESS ||
		    gr.gr_gid != 30001 || gr.gr_mem[0] == NULL ||
		    strcmp(gr.gr_mem[0], "abcde-001") != 0)
			bad++;
		if (id == 0 && n % 16 == 0) {
			/* Enumeration: one consistent snapshot, in order. */
			char prev[64] = "";

			setpwent_fn(0);
			while (getpwent_fn(&pw, buf, sizeof(buf), &e) == NSS_STATUS_SUCCESS) {
				if (strcmp(prev, pw.pw_name) >= 0)
					bad++;
				snprintf(prev, sizeof(prev), "%s", pw.pw_name);
			}
			endpwent_fn();
		}
		n++;
	}
	return (void *)(intptr_t)bad;
}

static void test_rebuild_while_reading(void **state)
{
	struct tst_fx *f = *state;
	pthread_t th[READERS];
	long bad = 0;

	stop_readers = 0;
	for (unsigned i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)i), 0);
	for (int r = 0; r < REBUILDS; r++) {
		char login[32], code[8];

		/* A different index each time: one more ID. */
		snprintf(code, sizeof(code), "R%04d", r);
		snprintf(login, sizeof(login), "r%04d-001", r);
		add_id(f->st, login, code, "001", (uint32_t)(21000 + r), "Rebuild");
		write_index(f->st);
	}
	__atomic_store_n(&stop_readers, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < READERS; i++) {
		void *ret;

		assert_int_equal(pthread_join(th[i], &ret), 0);
		bad += (long)(intptr_t)ret;
	}
	assert_int_equal(bad, 0);
}

/* ---- rebuilds are serialised and read one snapshot (issue 16 item 19) ---- */

/* A rebuild waits for the one before it: the lock file beside the index.
 * While another holds it, a rebuild whose deadline passes fails and
 * leaves the index as it was. */
static void test_rebuild_locked(void **state)
{
	struct tst_fx *f = *state;
	char lock[PATH_MAX + 8];
	struct naccs_err err;
	struct stat before, after;
	int fd, rc;

	snprintf(lock, sizeof(lock), "%s.lock", index_path);
	fd = open(lock, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(stat(index_path, &before), 0);
	add_id(f->st, "qwert-001", "QWERT", "001", 20010, "New");
	rc = naccs_index_write(f->st, naccs_deadline_in(300), index_path, NULL, &err);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "lock"));
	assert_int_equal(stat(index_path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	close(fd); /* the other rebuild is done */
	write_index(f->st);
	assert_int_equal(stat(index_path, &after), 0);
	assert_int_not_equal(before.st_ino, after.st_ino);
	{
		struct stat sb;

		assert_int_equal(stat(lock, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, 0600);
	}
}

/* The listing of a read snapshot does not see what another handle
 * committed after it began, and sees it once it ended. */
static int count_groups(void *ctx, const struct naccs_group *g)
{
	(void)g;
	(*(unsigned *)ctx)++;
	return 0;
}

static void test_read_snapshot(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_store *other;
	struct naccs_err err;
	char path[PATH_MAX + 16];
	unsigned n = 0;

	snprintf(path, sizeof(path), "%s/naccs.db", f->dir);
	other = tst_open_store(path, getuid(), false);
	assert_int_equal(naccs_store_read_begin(f->st, DL(), &err), 0);
	assert_int_equal(naccs_store_group_list(f->st, DL(), count_groups, &n, &err), 0);
	assert_int_equal(n, 3);
	add_group(other, "late", 30009);
	n = 0;
	assert_int_equal(naccs_store_group_list(f->st, DL(), count_groups, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(naccs_store_read_end(f->st, 0, &err), 0);
	n = 0;
	assert_int_equal(naccs_store_group_list(f->st, DL(), count_groups, &n, &err), 0);
	assert_int_equal(n, 4);
	naccs_store_close(other);
}

/* naccs_index_check: the index agrees with the store, record by record;
 * a change in the store, a stale file, a wrong mode are each reported. */
static void test_index_check(void **state)
{
	struct tst_fx *f = *state;
	struct naccs_index_stats stats;
	struct naccs_err err;
	char *text;
	size_t len;
	FILE *fp;

	assert_int_equal(naccs_index_check(f->st, DL(), index_path, &stats, &err), 0);
	assert_int_equal(stats.users, 3);
	assert_int_equal(stats.aliases, 4);
	assert_int_equal(stats.groups, 3);
	assert_int_equal(stats.members, 3);
	add_member(f->st, "empty", "opsadmin");
	assert_int_equal(naccs_index_check(f->st, DL(), index_path, &stats, &err), -ESTALE);
	assert_non_null(strstr(err.msg, "differs"));
	write_index(f->st);
	assert_int_equal(naccs_index_check(f->st, DL(), index_path, &stats, &err), 0);
	assert_int_equal(chmod(index_path, 0600), 0);
	assert_int_equal(naccs_index_check(f->st, DL(), index_path, &stats, &err), -ESTALE);
	assert_non_null(strstr(err.msg, "mode"));
	write_index(f->st);
	{
		struct stat sb;

		assert_int_equal(stat(index_path, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, NACCS_INDEX_MODE);
	}
	/* Never a hash or a flag in the public file. */
	fp = fopen(index_path, "rb");
	assert_non_null(fp);
	text = malloc(1 << 16);
	assert_non_null(text);
	len = fread(text, 1, (1 << 16) - 1, fp);
	fclose(fp);
	assert_null(memmem(text, len, "$argon2", 7));
	assert_null(memmem(text, len, "c2FsdA", 6));
	free(text);
	/* No temporary file left beside it. */
	{
		char pattern[PATH_MAX + 16];
		glob_t g;

		snprintf(pattern, sizeof(pattern), "%s.tmp.*", index_path);
		assert_int_equal(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
		globfree(&g);
	}
	unlink(index_path);
	assert_int_equal(naccs_index_check(f->st, DL(), index_path, &stats, &err), -ENOENT);
}

/* ---- a large index: read record by record with pread ---- */

#define BIG_UID 400000u

static void big_login(const char *prefix, unsigned i, char *out, size_t len)
{
	snprintf(out, len, "%s%05u-001", prefix, i);
}

/* An index of n accounts named PREFIXnnnnn-001 (uid BIG_UID + i), written
 * to path directly in the format of index/map.h (thousands of IDs
 * through the store would take long); its size. */
static off_t write_big(const char *path, const char *prefix, unsigned n)
{
	char key[NACCS_INDEX_KEY_MAX], login[32], home[64], count[32];
	unsigned char rec[256];
	struct cdb_make mk;
	struct stat sb;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(cdb_make_start(&mk, fd), 0);
	cdb_make_add(&mk, "#version", 8, NACCS_INDEX_VERSION, strlen(NACCS_INDEX_VERSION));
	cdb_make_add(&mk, "#stale", 6, "0", 1);
	for (unsigned i = 0; i < n; i++) {
		size_t len, klen;

		big_login(prefix, i, login, sizeof(login));
		snprintf(home, sizeof(home), "/home/%s", login);
		len = naccs_index_encode_pw(BIG_UID + i, 100, login, "Big User", home, "/bin/bash",
					    rec, sizeof(rec));
		assert_true(len > 0);
		klen = naccs_index_key('p', login, key, sizeof(key));
		cdb_make_add(&mk, key, (unsigned)klen, rec, (unsigned)len);
		klen = naccs_index_key_num('u', BIG_UID + i, key, sizeof(key));
		cdb_make_add(&mk, key, (unsigned)klen, rec, (unsigned)len);
		klen = naccs_index_key_num('P', i, key, sizeof(key));
		cdb_make_add(&mk, key, (unsigned)klen, rec, (unsigned)len);
	}
	snprintf(count, sizeof(count), "%u 0", n);
	cdb_make_add(&mk, "#count", 6, count, strlen(count));
	assert_int_equal(cdb_make_finish(&mk), 0);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_int_equal(close(fd), 0);
	return sb.st_size;
}

/* Replace the index by a rename, as naccsctl does. */
static off_t replace_big(const char *prefix, unsigned n)
{
	char tmp[PATH_MAX + 8];
	off_t size;

	snprintf(tmp, sizeof(tmp), "%s.new", index_path);
	size = write_big(tmp, prefix, n);
	assert_int_equal(rename(tmp, index_path), 0);
	return size;
}

/* Bytes this process has read with read(2)/pread(2) so far. */
static unsigned long long rchar(void)
{
	unsigned long long n = 0;
	char line[128];
	FILE *f = fopen("/proc/self/io", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "rchar: %llu", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* A descriptor of this process on the index (-1: none). */
static int module_fd(void)
{
	struct stat want, sb;
	int found = -1;

	if (stat(index_path, &want) < 0)
		return -1;
	for (int fd = 3; fd < 1024; fd++)
		if (fstat(fd, &sb) == 0 && sb.st_dev == want.st_dev && sb.st_ino == want.st_ino)
			found = fd;
	return found;
}

/* 1 when name is found with uid, 0 not found, -1 unavailable, -2 wrong. */
static int big_lookup(const char *name, uint32_t uid)
{
	struct passwd pw;
	char buf[1024];
	int e;
	enum nss_status st = getpwnam_fn(name, &pw, buf, sizeof(buf), &e);

	if (st == NSS_STATUS_SUCCESS)
		return strcmp(pw.pw_name, name) == 0 && pw.pw_uid == uid ? 1 : -2;
	if (st == NSS_STATUS_NOTFOUND)
		return 0;
	return st == NSS_STATUS_UNAVAIL ? -1 : -2;
}

/* A large index (over NACCS_INDEX_COPY_MAX): a fresh look-up reads a few
 * records, not the file (flat from 10 to 100,000 accounts); hits and
 * misses by name and uid; a replacement by rename is answered from at
 * once; no descriptor is left open in the host; truncation and
 * overwriting in place under it answer "unavailable" or the right entry,
 * never garbage, never a crash. */
static void test_large_index_read_in_place(void **state)
{
	char name[32], other[PATH_MAX + 8];
	unsigned long long before;
	struct passwd pw;
	char buf[1024];
	unsigned char *b;
	size_t blen;
	off_t size;
	int e, fd;

	(void)state;
	size = replace_big("bg", 3000);
	assert_true(size > 2 * NACCS_INDEX_COPY_MAX);
	big_login("bg", 1234, name, sizeof(name));
	before = rchar();
	assert_int_equal(big_lookup(name, BIG_UID + 1234), 1);
	/* The table of contents (2 KiB), "#version" and the record. */
	assert_true(rchar() - before < 16 * 1024);
	before = rchar();
	assert_int_equal(big_lookup("zz99999-001", 0), 0);
	big_login("bg", 2999, name, sizeof(name));
	assert_int_equal(getpwnam_fn(name, &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_int_equal(pw.pw_uid, BIG_UID + 2999);
	assert_int_equal(getpwuid_fn(BIG_UID + 7, &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	assert_string_equal(pw.pw_name, "bg00007-001");
	assert_int_equal(getpwuid_fn(BIG_UID + 3000, &pw, buf, sizeof(buf), &e),
			 NSS_STATUS_NOTFOUND);
	assert_true(rchar() - before < 16 * 1024);

	/* Replaced by a rename: the new file at the next call. */
	replace_big("nw", 3100);
	big_login("nw", 3050, name, sizeof(name));
	assert_int_equal(big_lookup(name, BIG_UID + 3050), 1);
	big_login("bg", 1, name, sizeof(name));
	assert_int_equal(big_lookup(name, 0), 0);

	/* No descriptor stays open in the host between calls (nothing for it
	 * to close or reuse under the module). */
	assert_int_equal(module_fd(), -1);
	snprintf(other, sizeof(other), "%s.other", index_path);
	write_big(other, "ot", 3000);

	/* Truncated in place to half, then to nothing, while in use. */
	b = slurp(other, &blen);
	assert_int_equal(truncate(index_path, size / 2), 0);
	for (unsigned i = 0; i < 3100; i += 97) {
		int rc;

		big_login("nw", i, name, sizeof(name));
		rc = big_lookup(name, BIG_UID + i);
		assert_true(rc == 1 || rc == 0 || rc == -1);
	}
	assert_int_equal(truncate(index_path, 0), 0);
	assert_int_equal(big_lookup("nw00001-001", 0), -1);
	/* cp other.cdb passwd.cdb: answered from at once. */
	fd = open(index_path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, blen), (ssize_t)blen);
	close(fd);
	free(b);
	big_login("ot", 2222, name, sizeof(name));
	assert_int_equal(big_lookup(name, BIG_UID + 2222), 1);
	big_login("nw", 2222, name, sizeof(name));
	assert_int_equal(big_lookup(name, 0), 0);
	/* Enumeration of a large index: every entry once, in order. */
	assert_int_equal(setpwent_fn(0), NSS_STATUS_SUCCESS);
	for (unsigned i = 0; i < 3000; i++) {
		assert_int_equal(getpwent_fn(&pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
		assert_int_equal(pw.pw_uid, BIG_UID + i);
	}
	assert_int_equal(getpwent_fn(&pw, buf, sizeof(buf), &e), NSS_STATUS_NOTFOUND);
	endpwent_fn();
	unlink(other);
}

/* The index of the store's few IDs is a private copy (a second look-up
 * reads nothing from the file) unless the test threshold says 0: the
 * second run of every test here reads by pread indeed. */
static void test_read_mode(void **state)
{
	const char *max = getenv(NACCS_INDEX_COPY_MAX_ENV);
	unsigned long long before, idle, read;
	struct passwd pw;
	char buf[1024];
	int e;

	(void)state;
	assert_int_equal(getpwnam_fn("abcde-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	/* Reading /proc/self/io counts too: a look-up's bytes are the
	 * difference between the two intervals. */
	before = rchar();
	idle = rchar() - before;
	before = rchar();
	assert_int_equal(getpwnam_fn("abcde-001", &pw, buf, sizeof(buf), &e), NSS_STATUS_SUCCESS);
	read = rchar() - before;
	if (max != NULL && strcmp(max, "0") == 0)
		assert_true(read > idle + 64); /* at least the record */
	else
		assert_true(read < idle + 64); /* nothing (the digits may grow) */
	assert_int_equal(module_fd(), -1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_getpwnam_canonical_and_forms),
	    T(test_getpwuid),
	    T(test_invalid_names),
	    T(test_pw_exact_buffer),
	    T(test_groups),
	    T(test_gr_exact_buffer),
	    T(test_pw_enumeration),
	    T(test_gr_enumeration),
	    T(test_initgroups),
	    T(test_retired_and_suspended),
	    T(test_missing_index_unavailable),
	    T(test_replaced_index_seen),
	    T(test_replaced_by_hand_seen),
	    T(test_overwritten_in_place),
	    T(test_rebuild_while_reading),
	    T(test_rebuild_locked),
	    T(test_read_snapshot),
	    T(test_index_check),
	    T(test_large_index_read_in_place),
	    T(test_read_mode),
	};
	int failed;

#ifndef NACCS_TEST_HOOKS
	puts("built without --enable-test-hooks: the module reads only its built-in index");
	return 77;
#endif
	failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	/* Again with every index read record by record with pread, however
	 * small: the same answers (groups, initgroups, enumeration, an index
	 * replaced, truncated or overwritten in place, many threads). */
	setenv(NACCS_INDEX_COPY_MAX_ENV, "0", 1);
	return failed +
	       cmocka_run_group_tests_name("read by pread", tests, group_setup, group_teardown);
}
