/* The flood cap (common/rules/flood.c): a machine-wide counting semaphore
 * of lock files.  Never more than max holders at once, measured across
 * processes; a killed holder frees its slot; a full cap makes the caller
 * wait, then fail with -EAGAIN. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/flood.h"
#include "base/time.h"
#include "testutil.h"

struct shared {
	int inside;
	int max_inside;
	int busy; /* -EAGAIN answers */
};

static char *dir;

static int setup(void **state)
{
	char *top = tu_mkdtemp("flood");

	if (asprintf(&dir, "%s/verify", top) < 0)
		return -1;
	free(top);
	return 0;
}

static int teardown(void **state)
{
	char *top = strdup(dir);

	*strrchr(top, '/') = '\0';
	tu_rmtree_free(top);
	free(dir);
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* N processes, each holding a slot for hold_ms: the largest number seen
 * inside at once. */
static struct shared *run_parallel(int n, unsigned max, unsigned wait_ms, unsigned hold_ms)
{
	struct shared *sh =
	    mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[64];

	assert_true(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct naccs_flood_slot slot;
			struct naccs_err err;
			int rc = naccs_flood_acquire(dir, max, wait_ms, getuid(), &slot, &err);

			if (rc == -EAGAIN) {
				__atomic_add_fetch(&sh->busy, 1, __ATOMIC_SEQ_CST);
				_exit(0);
			}
			if (rc < 0)
				_exit(2);
			int now = __atomic_add_fetch(&sh->inside, 1, __ATOMIC_SEQ_CST);
			int seen = __atomic_load_n(&sh->max_inside, __ATOMIC_SEQ_CST);

			while (now > seen &&
			       !__atomic_compare_exchange_n(&sh->max_inside, &seen, now, false,
							    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
				;
			sleep_ms(hold_ms);
			__atomic_sub_fetch(&sh->inside, 1, __ATOMIC_SEQ_CST);
			naccs_flood_release(&slot);
			_exit(0);
		}
	}
	for (int i = 0; i < n; i++) {
		int status = 0;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	return sh;
}

/* 24 attempts at once with a cap of 2: never more than 2 inside (and 2 are
 * reached: the measure is real); everyone waits for a slot. */
static void test_cap_holds(void **state)
{
	struct shared *sh = run_parallel(24, 2, 20000, 20);

	printf("# flood cap 2, 24 processes: at most %d verifications at once, %d busy\n",
	       sh->max_inside, sh->busy);
	assert_int_equal(sh->max_inside, 2);
	assert_int_equal(sh->busy, 0);
	munmap(sh, sizeof(*sh));
}

/* A short wait with a full cap: the rest are told to try again. */
static void test_busy_is_eagain(void **state)
{
	struct shared *sh = run_parallel(8, 2, 10, 200);

	assert_true(sh->max_inside <= 2);
	assert_true(sh->busy >= 1);
	munmap(sh, sizeof(*sh));
}

/* A holder killed while it holds its slot does not keep it. */
static void test_killed_holder_frees_slot(void **state)
{
	struct naccs_flood_slot slot;
	struct naccs_err err;
	int pipefd[2], status;
	char c;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (naccs_flood_acquire(dir, 1, 1000, getuid(), &slot, &err) != 0)
			_exit(2);
		(void)!write(pipefd[1], "x", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	/* Held: nobody else gets in. */
	assert_int_equal(naccs_flood_acquire(dir, 1, 20, getuid(), &slot, &err), -EAGAIN);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_int_equal(naccs_flood_acquire(dir, 1, 1000, getuid(), &slot, &err), 0);
	naccs_flood_release(&slot);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* No cap: nothing taken.  A directory others may write: refused. */
static void test_no_cap_and_unsafe_dir(void **state)
{
	struct naccs_flood_slot slot;
	struct naccs_err err;

	assert_int_equal(naccs_flood_acquire(dir, 0, 0, getuid(), &slot, &err), 0);
	assert_int_equal(slot.fd, -1);
	assert_int_equal(naccs_flood_acquire(dir, 1, 0, getuid(), &slot, &err), 0);
	naccs_flood_release(&slot);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(naccs_flood_acquire(dir, 1, 0, getuid(), &slot, &err), -EPERM);
	assert_int_equal(naccs_flood_acquire(dir, 1, 0, getuid() + 1, &slot, &err), -EPERM);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_cap_holds),
	    T(test_busy_is_eagain),
	    T(test_killed_holder_frees_slot),
	    T(test_no_cap_and_unsafe_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
