/* The audit trail (issue #10): the cost of one append (lock, state, line,
 * fdatasync, key advance: median and p99 in microseconds) and verification
 * speed (lines per second, every MAC checked).  Not a test: it prints
 * figures measured in this run.  Options: --rounds N (appends, default
 * 1000). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "audit/trail.h"
#include "config/conf.h"
#include "base/secret.h"
#include "audit/key.h"
#include "audit/verify.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct naccs_config cfg;
	struct naccs_audit_verdict v;
	struct naccs_err err;
	struct naccs_event ev = {
	    .type = "auth",
	    .action = "login",
	    .result = "allow",
	    .reason = "password",
	    .login = "abcde-001",
	    .user_code = "ABCDE",
	    .id_number = "001",
	    .service = "sshd",
	    .tty = "ssh",
	    .rhost = "192.0.2.7",
	};
	char dir[] = "/tmp/naccs-bench-audit-XXXXXX", hex[NACCS_AUDIT_MAC_HEX + 1], cmd[128];
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	uint32_t rounds = 1000;
	double *t, t0, total;

	if (argc == 3 && strcmp(argv[1], "--rounds") == 0) {
		if (bench_parse_uint(argv[2], 1000000, &rounds) < 0)
			return 2;
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--rounds N]\n", argv[0]);
		return 2;
	}
	t = calloc(rounds, sizeof(*t));
	if (t == NULL || mkdtemp(dir) == NULL)
		return 1;
	naccs_config_defaults(&cfg);
	cfg.owner_uid = geteuid();
	snprintf(cfg.audit_dir, sizeof(cfg.audit_dir), "%s/audit", dir);
	if (naccs_audit_create(&cfg, hex, &err) < 0 || naccs_audit_key_from_hex(hex, key) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	for (uint32_t i = 0; i < rounds; i++) {
		t0 = bench_now_ms();
		if (naccs_audit_append(&cfg, &ev, 1764547200 + i, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		t[i] = (bench_now_ms() - t0) * 1000.0;
	}
	qsort(t, rounds, sizeof(*t), cmp);
	printf("audit append (lock + line + fdatasync + key advance), %u lines:\n", rounds);
	printf("  median %.0f us, p99 %.0f us\n", t[rounds / 2], t[(size_t)rounds * 99 / 100]);
	t0 = bench_now_ms();
	if (naccs_audit_verify(cfg.audit_dir, key, &v, &err) < 0 || !v.ok) {
		fprintf(stderr, "verify failed\n");
		return 1;
	}
	total = bench_now_ms() - t0;
	printf("audit verify with the key: %llu lines in %.1f ms, %.0f lines/s\n",
	       (unsigned long long)v.lines, total, (double)v.lines / (total / 1000.0));
	naccs_wipe(key, sizeof(key));
	naccs_wipe(hex, sizeof(hex));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	free(t);
	return 0;
}
