/* Verification of the audit trail (audit/trail.h): the chain, the MACs
 * under the evolving key, sequence gaps, reordering, a truncated end and a
 * torn last line; the first problem is named by file and line
 * (UTS-2.2.1.4(1)(c), (d)(ア)). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/trail.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "base/time.h"
#include "audit/key.h"
#include "audit/line.h"
#include "audit/prune.h"
#include "audit/verify.h"

#define MAC_TAIL ",\"mac\":\""
#define DAY	 86400
/* A line may be this far ahead of verify's clock (a copy verified on a
 * machine whose clock is a little behind); more is a line "in the future". */
#define FUTURE_SLACK 3600

struct walk {
	struct naccs_audit_verdict *v;
	uint8_t key[NACCS_AUDIT_KEY_LEN];
	uint64_t key_seq; /* the seq key is for (0: no key) */
	uint64_t expect;  /* next seq (0: none read yet) */
	char prev[NACCS_AUDIT_MAC_HEX + 1];
	/* A pruned trail (audit/prune.c): where the anchor says it
	 * begins, and whether the prune's own line was seen in the chain. */
	bool has_anchor, prune_seen;
	uint64_t anchor_seq;
	char anchor_prev[NACCS_AUDIT_MAC_HEX + 1];
	char first_file[64];
	int64_t now;	   /* verify's clock */
	int64_t last_time; /* of the line before (0: none yet) */
};

static bool fail(struct walk *w, const char *file, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool fail(struct walk *w, const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	w->v->ok = false;
	snprintf(w->v->file, sizeof(w->v->file), "%s", file);
	w->v->line = line;
	va_start(ap, fmt);
	vsnprintf(w->v->why, sizeof(w->v->why), fmt, ap);
	va_end(ap);
	return false;
}

static bool check_line(struct walk *w, const char *file, uint64_t no, char *line, size_t len)
{
	size_t tail = sizeof(MAC_TAIL) - 1 + NACCS_AUDIT_MAC_HEX + 2, body;
	char mac[NACCS_AUDIT_MAC_HEX + 1], month[8], when[32];
	const char *lmac, *prev;
	uint64_t seq;
	int64_t t;
	bool date_only;
	char *end;

	if (len == 0 || line[len - 1] != '\n')
		return fail(w, file, no, "%s",
			    _("incomplete last line (torn write or truncation)"));
	line[--len] = '\0';
	if (strncmp(line, "{\"seq\":", 7) != 0 || len < tail + 90 || line[7] < '0' ||
	    line[7] > '9' || strncmp(line + len - tail, MAC_TAIL, 8) != 0 ||
	    strcmp(line + len - 2, "\"}") != 0)
		return fail(w, file, no, "%s", _("not a line of the trail"));
	errno = 0;
	seq = strtoull(line + 7, &end, 10);
	if (errno != 0 || strncmp(end, ",\"prev\":\"", 9) != 0 ||
	    strlen(end + 9) < NACCS_AUDIT_MAC_HEX + 1 || end[9 + NACCS_AUDIT_MAC_HEX] != '"')
		return fail(w, file, no, "%s", _("not a line of the trail"));
	prev = end + 9;
	body = len - tail;
	lmac = line + body + 8;
	if (w->expect == 0) {
		w->v->first_seq = seq;
		snprintf(w->first_file, sizeof(w->first_file), "%s", file);
		/* After a prune the trail begins where the anchor says, with
		 * the prev it recorded (UTS-2.2.1.4(2)(b)). */
		if (seq != 1 && !(w->has_anchor && seq == w->anchor_seq &&
				  strncmp(prev, w->anchor_prev, NACCS_AUDIT_MAC_HEX) == 0))
			return fail(w, file, no,
				    _("the trail begins at seq %" PRIu64
				      ", not 1: earlier lines are missing"),
				    seq);
		for (int i = 0; seq == 1 && i < NACCS_AUDIT_MAC_HEX; i++)
			if (prev[i] != '0')
				return fail(w, file, no, "%s",
					    _("the first line does not begin the chain"));
	} else if (seq != w->expect) {
		return fail(w, file, no,
			    seq > w->expect
				? _("sequence gap: expected seq %" PRIu64 ", found %" PRIu64
				    " (lines deleted or reordered)")
				: _("sequence out of order: expected seq %" PRIu64
				    ", found %" PRIu64 " (lines reordered or repeated)"),
			    w->expect, seq);
	} else if (strncmp(prev, w->prev, NACCS_AUDIT_MAC_HEX) != 0) {
		return fail(w, file, no, "%s",
			    _("the chain is broken: prev is not the MAC of the line before"));
	}
	/* Each line lives in its month's file or a later one (a clock set
	 * back never writes into an earlier file). */
	if (!naccs_audit_field(line, "time", month, sizeof(month)) || strncmp(month, file, 7) > 0)
		return fail(w, file, no, "%s", _("the line's time does not belong in this file"));
	if (w->key_seq != 0) {
		while (w->key_seq < seq) {
			if (naccs_audit_key_evolve(w->key) < 0)
				return fail(w, file, no, "%s", _("cannot evolve the key"));
			w->key_seq++;
		}
		if (naccs_audit_mac(w->key, line, body, mac) < 0)
			return fail(w, file, no, "%s", _("cannot compute the MAC"));
		if (!naccs_consttime_equal(mac, lmac, NACCS_AUDIT_MAC_HEX))
			return fail(w, file, no, "%s",
				    _("the MAC does not match: the line was altered (or the key "
				      "is not this trail's)"));
	}
	/* Time only goes forward, and never past verify's clock: a line
	 * dated ahead (a prune made to look past retention) or behind is not
	 * the writer's (it never writes a time before the last line's). */
	if (!naccs_audit_field(line, "time", when, sizeof(when)) ||
	    naccs_audit_parse_time(when, &t, &date_only) < 0 || date_only)
		return fail(w, file, no, "%s", _("the line's time is not a time of the trail"));
	if (w->last_time != 0 && t < w->last_time)
		return fail(w, file, no,
			    _("the line's time goes backwards (%s, before the line "
			      "before)"),
			    when);
	if (t > w->now + FUTURE_SLACK)
		return fail(w, file, no, _("the line's time lies in the future (%s)"), when);
	if (w->v->first_seq > 1 && !w->prune_seen) {
		char action[32], detail[256], want[64];

		snprintf(want, sizeof(want), "begins at seq %" PRIu64, w->v->first_seq);
		w->prune_seen = naccs_audit_field(line, "action", action, sizeof(action)) &&
				strcmp(action, "audit-prune") == 0 &&
				naccs_audit_field(line, "detail", detail, sizeof(detail)) &&
				strstr(detail, want) != NULL;
		/* Whoever holds the current key can write a prune line: it is
		 * believed only for what retention allows.  The lines it
		 * removed are older than the first remaining file's month, so
		 * that month must have begun at least the retention minimum
		 * (365 days, NACCS-LOG-RET) before the prune; our prune keeps
		 * every file until then (audit/prune.c). */
		if (w->prune_seen && naccs_audit_month_start(w->first_file) +
					     (int64_t)NACCS_AUDIT_RETENTION_MIN_DAYS * DAY >
					 t)
			return fail(w, file, no,
				    _("the prune at %s removed lines younger than the retention "
				      "minimum (%d days, NACCS-LOG-RET): the trail begins in %.7s"),
				    when, NACCS_AUDIT_RETENTION_MIN_DAYS, w->first_file);
	}
	memcpy(w->prev, lmac, NACCS_AUDIT_MAC_HEX);
	w->prev[NACCS_AUDIT_MAC_HEX] = '\0';
	w->expect = seq + 1;
	w->last_time = t;
	w->v->last_seq = seq;
	w->v->lines++;
	return true;
}

static int walk_file(struct walk *w, const char *dir, const char *name, uint64_t *nlines,
		     struct naccs_err *err)
{
	char path[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int rc = 0;

	*nlines = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return naccs_err_set(err, ENAMETOOLONG, _("audit trail: directory name too long"));
	f = fopen(path, "re");
	if (f == NULL)
		return naccs_err_set(err, errno, _("audit trail: cannot open %s"), path);
	while ((len = getline(&line, &cap, f)) > 0) {
		(*nlines)++;
		if ((size_t)len > NACCS_AUDIT_LINE_MAX) {
			fail(w, name, *nlines, "%s", _("line too long"));
			break;
		}
		if (strlen(line) != (size_t)len) {
			fail(w, name, *nlines, "%s", _("not a line of the trail"));
			break;
		}
		if (!check_line(w, name, *nlines, line, (size_t)len))
			break;
	}
	if (ferror(f))
		rc = naccs_err_set(err, EIO, _("audit trail: cannot read %s"), path);
	free(line);
	fclose(f);
	return rc;
}

/* With K_1: is the state's key K_seq_next, evolved from it? */
static bool state_key_is_the_trails(struct walk *w, const struct naccs_audit_state *st)
{
	while (w->key_seq < st->seq_next) {
		if (naccs_audit_key_evolve(w->key) < 0)
			return false;
		w->key_seq++;
	}
	return w->key_seq == st->seq_next &&
	       naccs_consttime_equal(w->key, st->key, NACCS_AUDIT_KEY_LEN);
}

/* The end of the trail against the state file: lines cut off the end of
 * the last file, or a whole last file deleted, show here. */
static void check_end(struct walk *w, const char *dir, const char *last_file, uint64_t last_line)
{
	struct naccs_audit_state st;
	char path[PATH_MAX];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/state", dir) >= sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		fail(w, "state", 0, "%s", _("the state file is missing"));
		return;
	}
	if (naccs_audit_state_read(fd, &st, NULL) < 0)
		fail(w, "state", 0, "%s", _("the state file is damaged"));
	else if (st.seq_next != (w->expect ? w->expect : 1))
		fail(w, last_file, last_line + 1,
		     _("the trail ends at seq %" PRIu64 " but %" PRIu64
		       " lines were written: lines are missing at the end (truncated)"),
		     w->expect ? w->expect - 1 : 0, st.seq_next - 1);
	else if (w->expect != 0 && strcmp(st.prev, w->prev) != 0)
		fail(w, last_file, last_line, "%s",
		     _("the last line is not the one the state recorded (replaced)"));
	else if (w->key_seq != 0 && !state_key_is_the_trails(w, &st))
		/* Whoever holds the state cannot cut lines off the end and set
		 * it back: the key it must hold then is one only K_1 gives. */
		fail(w, "state", 0, "%s",
		     _("the state's key is not the trail's at its seq: the state was set back "
		       "(lines cut off the end)"));
	naccs_wipe(&st, sizeof(st));
	close(fd);
}

int naccs_audit_verify(const char *dir, const uint8_t *key1, struct naccs_audit_verdict *v,
		       struct naccs_err *err)
{
	return naccs_audit_verify_at(dir, key1, naccs_now_wall(), v, err);
}

int naccs_audit_verify_at(const char *dir, const uint8_t *key1, int64_t now,
			  struct naccs_audit_verdict *v, struct naccs_err *err)
{
	struct walk w;
	char **names = NULL;
	size_t n = 0;
	uint64_t nlines = 0;
	int rc;

	memset(v, 0, sizeof(*v));
	memset(&w, 0, sizeof(w));
	w.now = now;
	v->ok = true;
	w.v = v;
	if (key1 != NULL) {
		memcpy(w.key, key1, sizeof(w.key));
		w.key_seq = 1;
		v->macs_checked = true;
	}
	rc = naccs_audit_anchor_read(dir, &w.anchor_seq, w.anchor_prev);
	w.has_anchor = rc == 1;
	rc = rc < 0 ? naccs_err_set(err, -rc, _("audit trail: cannot read the anchor")) : 0;
	if (rc == 0)
		rc = naccs_audit_list(dir, &names, &n, err);
	for (size_t i = 0; rc == 0 && i < n && v->ok; i++) {
		rc = walk_file(&w, dir, names[i], &nlines, err);
		v->files++;
	}
	if (rc == 0 && v->ok && v->first_seq > 1 && !w.prune_seen)
		fail(&w, w.first_file, 1, "%s",
		     _("the trail begins after seq 1 but no prune line says so: earlier lines "
		       "are missing"));
	if (rc == 0 && v->ok)
		check_end(&w, dir, n > 0 ? names[n - 1] : "", nlines);
	naccs_audit_names_free(names, n);
	naccs_wipe(&w, sizeof(w));
	return rc;
}
