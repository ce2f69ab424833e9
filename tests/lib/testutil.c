#include "config.h"

#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
