#include "config.h"

#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/trail.h"
#include "config/conf.h"
#include "base/secret.h"
#include "testutil.h"
#include "audit/key.h"
#include "audit/line.h"

char *tu_mkdtemp(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *path = NULL;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if (asprintf(&path, "%s/naccs-%s-XXXXXX", base, tag) < 0 || mkdtemp(path) == NULL) {
		perror("tu_mkdtemp");
		abort();
	}
	return path;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *path)
{
	if (path != NULL)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_rmtree_free(char *path)
{
	tu_rmtree(path);
	free(path);
}

char *tu_write_file(const char *dir, const char *name, const char *text, unsigned mode)
{
	char *path = NULL;
	int fd;
	size_t len = strlen(text);

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0 ||
	    close(fd) != 0) {
		perror(path);
		abort();
	}
	return path;
}

const char *tu_audit_trail(const char *dir, char *conf, size_t conflen)
{
	struct naccs_config cfg;
	struct naccs_err err;
	char key[NACCS_AUDIT_MAC_HEX + 1];
	int rc;

	naccs_config_defaults(&cfg);
	cfg.owner_uid = geteuid(); /* the owner the tests' module arguments name */
	snprintf(cfg.audit_dir, sizeof(cfg.audit_dir), "%s/audit", dir);
	rc = naccs_audit_create(&cfg, key, &err);
	if (rc < 0 && rc != -EEXIST) {
		fprintf(stderr, "tu_audit_trail: %s\n", err.msg);
		abort();
	}
	naccs_wipe(key, sizeof(key));
	snprintf(conf, conflen, "[audit]\ndir = %s\n", cfg.audit_dir);
	return conf;
}

const char *tu_fixture_dir(const char *build_path)
{
	static char paths[4][PATH_MAX];
	static const char *of[4];
	const char *root = getenv("NACCS_FIXTURE_ROOT");
	const char *base = strrchr(build_path, '/');
	size_t i;

	if (root == NULL || root[0] != '/' || base == NULL)
		return build_path;
	for (i = 0; i < 4 && of[i] != NULL; i++)
		if (strcmp(of[i], build_path) == 0)
			return paths[i];
	if (i == 4 ||
	    snprintf(paths[i], sizeof(paths[i]), "%s%s", root, base) >= (int)sizeof(paths[i]))
		abort();
	of[i] = build_path;
	return paths[i];
}

size_t tu_trail_count(const char *dir, const char *needle)
{
	char **names = NULL, adir[PATH_MAX], path[PATH_MAX + 64], line[8192];
	size_t n = 0, c = 0;
	struct naccs_err err;

	snprintf(adir, sizeof(adir), "%s/audit", dir);
	if (naccs_audit_list(adir, &names, &n, &err) < 0)
		return (size_t)-1;
	for (size_t i = 0; i < n && c != (size_t)-1; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", adir, names[i]);
		f = fopen(path, "r");
		if (f == NULL) {
			c = (size_t)-1;
			break;
		}
		while (fgets(line, sizeof(line), f) != NULL)
			c += strstr(line, needle) != NULL;
		fclose(f);
	}
	naccs_audit_names_free(names, n);
	return c;
}

char *tu_trail_text(const char *audit_dir)
{
	char **names = NULL, path[PATH_MAX], *all = calloc(1, 1);
	size_t n = 0, len = 0;
	struct naccs_err err;

	assert_non_null(all);
	assert_int_equal(naccs_audit_list(audit_dir, &names, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		char buf[4096];
		size_t got;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", audit_dir, names[i]);
		fp = fopen(path, "re");
		assert_non_null(fp);
		while ((got = fread(buf, 1, sizeof(buf), fp)) > 0) {
			all = realloc(all, len + got + 1);
			assert_non_null(all);
			memcpy(all + len, buf, got);
			len += got;
			all[len] = '\0';
		}
		fclose(fp);
	}
	naccs_audit_names_free(names, n);
	return all;
}

struct naccs_hash_params tu_hash_params(uint32_t m_kib)
{
	struct naccs_hash_params p;

	naccs_hash_params_default(&p);
	p.m_kib = m_kib;
	p.t_cost = 1;
	return p;
}

void tu_config_in(struct naccs_config *cfg, const char *dir, uid_t owner)
{
	naccs_config_defaults(cfg);
	cfg->owner_uid = owner;
	cfg->hash = tu_hash_params(1024);
	snprintf(cfg->store_path, sizeof(cfg->store_path), "%s/naccs.db", dir);
}

struct tu_snap tu_snap_take(const char *path)
{
	struct tu_snap sn = {false, 0, NULL};
	FILE *fp = fopen(path, "rb");
	size_t cap = 0;

	if (fp == NULL)
		return sn;
	sn.present = true;
	for (;;) {
		size_t n;

		if (sn.len == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			sn.data = realloc(sn.data, cap);
			assert_non_null(sn.data);
		}
		n = fread(sn.data + sn.len, 1, cap - sn.len, fp);
		if (n == 0)
			break;
		sn.len += n;
	}
	fclose(fp);
	return sn;
}

bool tu_snap_same(const struct tu_snap *before, const char *path)
{
	struct tu_snap now = tu_snap_take(path);
	bool same = now.present == before->present && now.len == before->len &&
		    (now.len == 0 || memcmp(now.data, before->data, now.len) == 0);

	free(now.data);
	return same;
}

void tu_fill(const char *path)
{
	static const char zeros[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w;

	assert_true(fd >= 0);
	do
		w = write(fd, zeros, sizeof(zeros));
	while (w > 0);
	/* The last partial block too. */
	while (write(fd, zeros, 1) == 1)
		;
	assert_int_equal(errno, ENOSPC);
	close(fd);
}

void tu_private_tmpfs(const char *what, const char *dir, const char *opts)
{
	if (geteuid() != 0) {
		print_message("# %s needs root (a private mount namespace and a tmpfs): skipped\n",
			      what);
		skip();
	}
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0) {
		print_message("# no private mount namespace here (%d): skipped\n", errno);
		skip();
	}
	if (mount("naccs-test", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
		print_message("# cannot mount a tmpfs (%d): skipped\n", errno);
		skip();
	}
}

bool tu_reachable_as(uid_t uid, gid_t gid, const char *path, int mode)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(setgid(gid) == 0 && setuid(uid) == 0 && access(path, mode) == 0 ? 0 : 1);
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
