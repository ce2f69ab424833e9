/* Trusted files, UTS-2.2.1.2(2)(a): policy and secrets are used only when
 * nobody but the administrator could have written them.  The tests run as
 * any user (CI runs as root), so the expected owner is a parameter: "wrong
 * owner" is tested by expecting getuid() + 1. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

#include "base/trust.h"
#include "testutil.h"

struct fixture {
	char *dir;
	char *file; /* dir/policy, 0600 */
	uid_t me;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->dir = tu_mkdtemp("trust");
	fx->file = tu_write_file(fx->dir, "policy", "[general]\n", 0600);
	fx->me = getuid();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	chmod(fx->dir, 0700);
	free(fx->file);
	tu_rmtree_free(fx->dir);
	free(fx);
	return 0;
}

static char *path_in(const struct fixture *fx, const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", fx->dir, name) > 0);
	return p;
}

static void test_good_file(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};

	assert_int_equal(naccs_trust_check_file(fx->file, fx->me, &err), 0);
	/* Group and others may read policy; only writing is refused. */
	assert_int_equal(chmod(fx->file, 0644), 0);
	assert_int_equal(naccs_trust_check_file(fx->file, fx->me, &err), 0);
	assert_int_equal(chmod(fx->dir, 0755), 0);
	assert_int_equal(naccs_trust_check_file(fx->file, fx->me, &err), 0);
}

static void test_symlink_refused(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *link = path_in(fx, "link");

	assert_int_equal(symlink(fx->file, link), 0);
	assert_int_equal(naccs_trust_check_file(link, fx->me, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "symbolic link"));
	free(link);
}

static void test_group_writable_file(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char expect[600];

	assert_int_equal(chmod(fx->file, 0664), 0);
	assert_int_equal(naccs_trust_check_file(fx->file, fx->me, &err), -EPERM);
	assert_int_equal(err.code, EPERM);
	snprintf(expect, sizeof(expect),
		 "%s: writable by group or others (mode 0664); expected no group/other write",
		 fx->file);
	assert_string_equal(err.msg, expect);

	assert_int_equal(chmod(fx->file, 0602), 0);
	assert_int_equal(naccs_trust_check_file(fx->file, fx->me, &err), -EPERM);
	assert_non_null(strstr(err.msg, "(mode 0602)"));
}

static void test_world_writable_parent(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};

	/* The file's own directory, even sticky: whoever can write it can put
	 * a file of their own there in place of a missing one (the sticky bit
	 * only protects entries of others). */
	assert_int_equal(chmod(fx->dir, 01777), 0);
	assert_int_equal(naccs_trust_check_file(fx->file, fx->me, &err), -EPERM);
	assert_non_null(strstr(err.msg, fx->dir));
	assert_non_null(strstr(err.msg, "writable by group or others (mode 1777)"));

	assert_int_equal(chmod(fx->dir, 0770), 0);
	assert_int_equal(naccs_trust_check_file(fx->file, fx->me, &err), -EPERM);
}

static void test_wrong_owner(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char expect[600];

	assert_int_equal(naccs_trust_check_file(fx->file, fx->me + 1, &err), -EPERM);
	snprintf(expect, sizeof(expect), "%s: owned by uid %lu, expected uid %lu", fx->file,
		 (unsigned long)fx->me, (unsigned long)fx->me + 1);
	assert_string_equal(err.msg, expect);
	assert_int_equal(naccs_trust_check_dir(fx->dir, fx->me + 1, &err), -EPERM);
}

static void test_missing(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *gone = path_in(fx, "nope");
	char expect[600];

	assert_int_equal(naccs_trust_check_file(gone, fx->me, &err), -ENOENT);
	snprintf(expect, sizeof(expect), "%s: no such file", gone);
	assert_string_equal(err.msg, expect);
	assert_int_equal(naccs_trust_check_dir(gone, fx->me, &err), -ENOENT);
	assert_int_equal(naccs_trust_check_file("", fx->me, &err), -EINVAL);
	assert_int_equal(naccs_trust_check_file(NULL, fx->me, NULL), -EINVAL);
	free(gone);
}

static void test_not_regular(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *fifo = path_in(fx, "fifo");

	assert_int_equal(naccs_trust_check_file(fx->dir, fx->me, &err), -EINVAL);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(naccs_trust_check_file(fifo, fx->me, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a regular file"));
	free(fifo);
}

static void test_directory(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *sub = path_in(fx, "sub"), *link = path_in(fx, "sublink");

	assert_int_equal(naccs_trust_check_dir(fx->dir, fx->me, &err), 0);
	assert_int_equal(mkdir(sub, 0750), 0);
	assert_int_equal(naccs_trust_check_dir(sub, fx->me, &err), 0);

	assert_int_equal(chmod(sub, 0775), 0);
	assert_int_equal(naccs_trust_check_dir(sub, fx->me, &err), -EPERM);
	assert_non_null(strstr(err.msg, "(mode 0775)"));

	assert_int_equal(symlink(sub, link), 0);
	assert_int_equal(naccs_trust_check_dir(link, fx->me, &err), -ENOTDIR);
	assert_int_equal(naccs_trust_check_dir(fx->file, fx->me, &err), -ENOTDIR);
	free(sub);
	free(link);
}

static void test_relative_path(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *cwd = getcwd(NULL, 0);

	/* A bare name is checked against ".", the directory it is in. */
	assert_int_equal(chdir(fx->dir), 0);
	assert_int_equal(naccs_trust_check_file("policy", fx->me, &err), 0);
	assert_int_equal(chmod(".", 0777), 0);
	assert_int_equal(naccs_trust_check_file("policy", fx->me, &err), -EPERM);
	assert_non_null(strstr(err.msg, ".: writable"));
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
}

static void test_fd(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	int fd = open(fx->file, O_RDONLY | O_CLOEXEC), dfd;

	assert_true(fd >= 0);
	assert_int_equal(naccs_trust_check_fd(fd, fx->file, fx->me, &err), 0);
	assert_int_equal(naccs_trust_check_fd(fd, fx->file, fx->me + 1, &err), -EPERM);
	assert_int_equal(fchmod(fd, 0620), 0);
	assert_int_equal(naccs_trust_check_fd(fd, fx->file, fx->me, &err), -EPERM);
	assert_int_equal(naccs_trust_check_fd(fd, NULL, fx->me, &err), -EPERM);
	close(fd);

	dfd = open(fx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	assert_int_equal(naccs_trust_check_fd(dfd, fx->dir, fx->me, &err), -EINVAL);
	close(dfd);
	assert_int_equal(naccs_trust_check_fd(-1, "bad", fx->me, &err), -EBADF);
}

/* ---- the whole directory chain (issue #5 item 5) ---- */

/* fx->dir/sub/policy: fx->dir is the grandparent of the file. */
static char *file_in_sub(const struct fixture *fx)
{
	char *sub = path_in(fx, "sub"), *file;

	assert_int_equal(mkdir(sub, 0755), 0);
	file = tu_write_file(sub, "policy", "[general]\n", 0600);
	free(sub);
	return file;
}

static void test_group_writable_grandparent(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *file = file_in_sub(fx);
	char expect[600];

	assert_int_equal(naccs_trust_check_file(file, fx->me, &err), 0);
	assert_int_equal(chmod(fx->dir, 0775), 0);
	assert_int_equal(naccs_trust_check_file(file, fx->me, &err), -EPERM);
	snprintf(expect, sizeof(expect),
		 "%s: writable by group or others and not sticky (mode 0775); whoever can write "
		 "it can replace what is below it",
		 fx->dir);
	assert_string_equal(err.msg, expect);
	/* the same for the directory check and the open */
	assert_int_equal(naccs_trust_check_dir(fx->dir, fx->me, &err), -EPERM);
	char *sub = path_in(fx, "sub");
	int fd = 99;
	assert_int_equal(naccs_trust_check_dir(sub, fx->me, &err), -EPERM);
	assert_int_equal(naccs_trust_open(file, fx->me, &fd, &err), -EPERM);
	assert_int_equal(fd, -1);
	/* world-writable without the sticky bit: refused too */
	assert_int_equal(chmod(fx->dir, 0777), 0);
	assert_int_equal(naccs_trust_check_file(file, fx->me, &err), -EPERM);
	free(sub);
	free(file);
}

/* A sticky world-writable directory above the parent (like /tmp) is
 * accepted: others cannot rename or remove what they do not own there.
 * The parent itself stays strict (test_world_writable_parent). */
static void test_sticky_ancestor_accepted(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *file = file_in_sub(fx);
	char *sub = path_in(fx, "sub");

	assert_int_equal(chmod(fx->dir, 01777), 0);
	assert_int_equal(naccs_trust_check_file(file, fx->me, &err), 0);
	assert_int_equal(naccs_trust_check_dir(sub, fx->me, &err), 0);
	assert_int_equal(chmod(fx->dir, 01770), 0);
	assert_int_equal(naccs_trust_check_file(file, fx->me, &err), 0);
	free(sub);
	free(file);
}

/* An ancestor owned by somebody other than root and the expected owner
 * could be changed by them: refused.  Needs root to give a directory away. */
static void test_ancestor_other_owner(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *file = file_in_sub(fx);
	const uid_t other = 4242;
	char expect[600];

	if (getuid() != 0) {
		free(file);
		skip();
	}
	assert_int_equal(chown(fx->dir, other, (gid_t)-1), 0);
	assert_int_equal(naccs_trust_check_file(file, fx->me, &err), -EPERM);
	snprintf(expect, sizeof(expect), "%s: owned by uid %lu, expected root or uid %lu", fx->dir,
		 (unsigned long)other, (unsigned long)fx->me);
	assert_string_equal(err.msg, expect);
	/* the expected owner itself may own it (tests run with owner = uid) */
	assert_int_equal(chown(fx->dir, 0, (gid_t)-1), 0);
	assert_int_equal(naccs_trust_check_file(file, fx->me, &err), 0);
	free(file);
}

/* A symbolic link anywhere on the way is refused, not followed. */
static void test_ancestor_symlink(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *file = file_in_sub(fx);
	char *sub = path_in(fx, "sub"), *link = path_in(fx, "link"), *via = NULL;

	assert_int_equal(symlink(sub, link), 0);
	assert_true(asprintf(&via, "%s/policy", link) > 0);
	assert_int_equal(naccs_trust_check_file(via, fx->me, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, "symbolic link"));
	free(via);
	/* and one above the parent: link/deeper/policy */
	char *deeper = NULL;
	assert_true(asprintf(&deeper, "%s/deeper", sub) > 0);
	assert_int_equal(mkdir(deeper, 0755), 0);
	free(tu_write_file(deeper, "policy", "x\n", 0600));
	assert_true(asprintf(&via, "%s/deeper/policy", link) > 0);
	assert_int_equal(naccs_trust_check_file(via, fx->me, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, link));
	free(deeper);
	free(via);
	free(link);
	free(sub);
	free(file);
}

/* A relative path is checked from the working directory up to "/". */
static void test_relative_path_ancestors(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *file = file_in_sub(fx);
	char *sub = path_in(fx, "sub");
	char *cwd = getcwd(NULL, 0);

	assert_int_equal(chdir(sub), 0);
	assert_int_equal(naccs_trust_check_file("policy", fx->me, &err), 0);
	assert_int_equal(chmod(fx->dir, 0777), 0);
	assert_int_equal(naccs_trust_check_file("policy", fx->me, &err), -EPERM);
	assert_non_null(strstr(err.msg, fx->dir));
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	free(sub);
	free(file);
}

/* ---- open first, then check; a swapped file is refused (item 5) ---- */

static void test_open_checks_descriptor(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *link = path_in(fx, "link"), *fifo = path_in(fx, "fifo");
	int fd = -1;

	assert_int_equal(naccs_trust_open(fx->file, fx->me, &fd, &err), 0);
	assert_true(fd >= 0);
	char buf[16] = {0};
	assert_int_equal(read(fd, buf, 9), 9); /* a real, readable descriptor */
	assert_string_equal(buf, "[general]");
	close(fd);
	assert_int_equal(naccs_trust_open_path(fx->file, fx->me, &fd, &err), 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(symlink(fx->file, link), 0);
	assert_int_equal(naccs_trust_open(link, fx->me, &fd, &err), -EINVAL);
	assert_int_equal(naccs_trust_open_path(link, fx->me, &fd, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "symbolic link"));
	/* a FIFO in place of the file does not hang the caller */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(naccs_trust_open(fifo, fx->me, &fd, &err), -EINVAL);
	assert_int_equal(naccs_trust_open_path(fifo, fx->me, &fd, &err), -EINVAL);
	assert_int_equal(fd, -1);
	free(link);
	free(fifo);
}

/* What the descriptor was checked on must still be what the path names: a
 * file renamed over it between the check and the use is refused. */
static void test_swapped_file_refused(void **state)
{
	struct fixture *fx = *state;
	struct naccs_err err = {0};
	char *other = tu_write_file(fx->dir, "other", "[general]\n", 0600);
	char expect[600];
	int fd = -1;

	assert_int_equal(naccs_trust_open(fx->file, fx->me, &fd, &err), 0);
	assert_int_equal(naccs_trust_same_file(fd, fx->file, &err), 0);
	assert_int_equal(rename(other, fx->file), 0); /* the swap */
	assert_int_equal(naccs_trust_same_file(fd, fx->file, &err), -EAGAIN);
	snprintf(expect, sizeof(expect),
		 "%s: replaced or removed while it was being opened (refused)", fx->file);
	assert_string_equal(err.msg, expect);
	assert_int_equal(unlink(fx->file), 0); /* removed: refused as well */
	assert_int_equal(naccs_trust_same_file(fd, fx->file, &err), -EAGAIN);
	close(fd);
	free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_good_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_group_writable_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_world_writable_parent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_owner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_relative_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_group_writable_grandparent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sticky_ancestor_accepted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ancestor_other_owner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ancestor_symlink, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_relative_path_ancestors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_checks_descriptor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_swapped_file_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("naccs_trust", tests, NULL, NULL);
}
