/* A stand-in for libFuzzer's main(), so that the fuzz targets build with gcc
 * and run under make check and valgrind: each argument is a file, or a
 * directory whose regular files are all run (in name order); each file's
 * bytes go to LLVMFuzzerTestOneInput once.  A crash or a violated invariant
 * aborts; otherwise the exit status is 0, or 1 if an input could not be read.
 * Prints one line: how many inputs ran. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* Read a regular file whole into an exact-size buffer and run it. */
static int run_file(const char *path)
{
	struct stat st;
	uint8_t *data;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: cannot read: %s\n", path,
			fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	data = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (data == NULL)
		abort();
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, data + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		free(data);
		return -1;
	}
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int not_hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Returns the number of inputs run, or -1. */
static int run_dir(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, not_hidden, alphasort), ran = 0;

	if (n < 0) {
		fprintf(stderr, "%s: cannot list: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(list[i]->d_name) + 2;
		char *path = malloc(len);

		if (path == NULL)
			abort();
		snprintf(path, len, "%s/%s", dir, list[i]->d_name);
		if (ran >= 0)
			ran = run_file(path) == 0 ? ran + 1 : -1;
		free(path);
		free(list[i]);
	}
	free(list);
	return ran;
}

int main(int argc, char **argv)
{
	int total = 0, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int n;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			status = 1;
		else
			total += n;
	}
	printf("%s: %d inputs run\n", argv[0], total);
	return status;
}
