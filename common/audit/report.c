/* The audit report (audit/report.h, UTS-2.2.1.4(1)(d)(ア)): the
 * trail's events selected and grouped; naccsctl audit report writes them
 * as text, JSON or CSV. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/trail.h"
#include "audit/report.h"
#include "base/i18n.h"
#include "audit/key.h"
#include "audit/line.h"

#define VALUE_MAX 1024 /* bytes of one value read back (the writer cuts at 512) */

/* ---- times ---- */

/* ---- the kinds of event ---- */

static bool is(const char *s, const char *v)
{
	return s != NULL && strcmp(s, v) == 0;
}

bool naccs_audit_rec_is_lock(const struct naccs_audit_rec *r)
{
	/* A lock of a locked ID or an unlock of an unlocked one changed
	 * nothing (naccsctl records it with reason "unchanged"): the timeline
	 * has it, the locks and unlocks do not. */
	return (is(r->action, "lock") || is(r->action, "unlock")) && !is(r->reason, "unchanged");
}

bool naccs_audit_rec_is_su(const struct naccs_audit_rec *r)
{
	/* The su rule's reasons (policy/su.c, policy/policy.c), and any other
	 * decision on a switch by an ID (the target's own state refusing it,
	 * its access window): those name the individual behind it. */
	return (r->reason != NULL && strncmp(r->reason, "su-", 3) == 0) ||
	       (r->individual_login != NULL && r->individual_login[0] != '\0');
}

bool naccs_audit_rec_is_access(const struct naccs_audit_rec *r)
{
	/* The refusals of [access] rule_NAME (naccs_access_why_name), and
	 * the switching person's own window. */
	static const char *const reasons[] = {"outside-window", "service-not-allowed",
					      "tty-not-allowed", "network-not-allowed",
					      "su-invoker-outside-window"};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (is(r->reason, reasons[i]))
			return true;
	return false;
}

static bool is_failure(const struct naccs_audit_rec *r)
{
	return is(r->type, "auth") && is(r->action, "login") && is(r->result, "deny");
}

/* ---- reading ---- */

/* The string members of a line and where they go: one table for reading
 * and freeing. */
#define REC(m) offsetof(struct naccs_audit_rec, m)
static const struct {
	const char *key;
	size_t off;
} fields[] = {
    {"time", REC(time)},
    {"type", REC(type)},
    {"action", REC(action)},
    {"result", REC(result)},
    {"reason", REC(reason)},
    {"login", REC(login)},
    {"user_code", REC(user_code)},
    {"id_number", REC(id_number)},
    {"service", REC(service)},
    {"tty", REC(tty)},
    {"rhost", REC(rhost)},
    {"actor", REC(actor)},
    {"detail", REC(detail)},
    {"individual_login", REC(individual_login)},
    {"individual_user_code", REC(individual_user_code)},
    {"individual_id_number", REC(individual_id_number)},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static char **field_of(struct naccs_audit_rec *r, size_t i)
{
	return (char **)((char *)r + fields[i].off);
}

static void rec_free(struct naccs_audit_rec *r)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		free(*field_of(r, i));
		*field_of(r, i) = NULL;
	}
}

/* The unsigned number of member key ("key":N), or false. */
static bool number(const char *line, const char *key, uint64_t *v)
{
	char pat[32];
	const char *p;
	char *end;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (p == NULL || p[strlen(pat)] < '0' || p[strlen(pat)] > '9')
		return false;
	errno = 0;
	*v = strtoull(p + strlen(pat), &end, 10);
	return errno == 0 && (*end == ',' || *end == '}');
}

/* One line into r: 0, -EINVAL (not a trail line) or -ENOMEM. */
static int parse(const char *line, struct naccs_audit_rec *r, char *buf)
{
	size_t len = strlen(line);

	memset(r, 0, sizeof(*r));
	/* The trail's form: {"seq":N,...,"mac":"<64 hex>"} */
	if (strncmp(line, "{\"seq\":", 7) != 0 || !number(line, "seq", &r->seq) || len < 80 ||
	    strncmp(line + len - 2 - NACCS_AUDIT_MAC_HEX - 8, ",\"mac\":\"", 8) != 0 ||
	    strcmp(line + len - 2, "\"}") != 0)
		return -EINVAL;
	for (size_t i = 0; i < NFIELDS; i++) {
		char **f = field_of(r, i);

		if (!naccs_audit_field(line, fields[i].key, buf, VALUE_MAX) && buf[0] != '\0')
			return -EINVAL; /* a value with no end */
		*f = strdup(buf);
		if (*f == NULL)
			return -ENOMEM;
	}
	/* The time to the second, as the writer puts it. */
	if (strlen(r->time) != 20 || r->type[0] == '\0')
		return -EINVAL;
	number(line, "uid", &r->uid);
	r->has_loginuid = number(line, "loginuid", &r->loginuid);
	return 0;
}

static bool selected(const struct naccs_audit_rec *r, const struct naccs_audit_query *q,
		     const char *since, const char *until)
{
	/* The trail's times are all "YYYY-MM-DDTHH:MM:SSZ": as strings they
	 * sort as times. */
	if (strcmp(r->time, since) < 0 || strcmp(r->time, until) >= 0)
		return false;
	if (q->type != NULL && !is(r->type, q->type))
		return false;
	if (q->user != NULL && !is(r->login, q->user) && !is(r->individual_login, q->user))
		return false;
	return true;
}

static int push_index(size_t **v, size_t *n, size_t i)
{
	size_t *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -ENOMEM;
	nv[(*n)++] = i;
	*v = nv;
	return 0;
}

static int count_failure(struct naccs_audit_report *r, const struct naccs_audit_rec *e)
{
	struct naccs_audit_failures *nf;

	for (size_t i = 0; i < r->nfailures; i++)
		if (strcmp(r->failures[i].rec->login, e->login) == 0) {
			r->failures[i].count++;
			r->failures[i].rec = e;
			r->failures[i].last = e->time;
			return 0;
		}
	nf = realloc(r->failures, (r->nfailures + 1) * sizeof(*nf));
	if (nf == NULL)
		return -ENOMEM;
	r->failures = nf;
	nf[r->nfailures++] = (struct naccs_audit_failures){e, e->time, e->time, 1};
	return 0;
}

static void note_bad(struct naccs_audit_report *r, const char *file, uint64_t line)
{
	if (r->bad < NACCS_AUDIT_REPORT_BAD_MAX)
		snprintf(r->bad_at[r->bad], sizeof(r->bad_at[0]), "%s:%llu", file,
			 (unsigned long long)line);
	r->bad++;
}

static int read_file(const char *dir, const char *name, const struct naccs_audit_query *q,
		     const char *since, const char *until, struct naccs_audit_report *r, char *buf,
		     struct naccs_err *err)
{
	char path[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	uint64_t no = 0;
	ssize_t got;
	int rc = 0;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return naccs_err_set(err, ENAMETOOLONG, _("audit trail: directory name too long"));
	f = fopen(path, "re");
	if (f == NULL)
		return naccs_err_set(err, errno, _("audit trail: cannot open %s"), path);
	r->files++;
	while (rc == 0 && (got = getline(&line, &cap, f)) > 0) {
		struct naccs_audit_rec e;

		no++;
		r->lines++;
		/* A line without its newline was never acknowledged. */
		if (line[got - 1] != '\n') {
			note_bad(r, name, no);
			break;
		}
		line[got - 1] = '\0';
		rc = parse(line, &e, buf);
		if (rc == -EINVAL) {
			rec_free(&e);
			note_bad(r, name, no);
			rc = 0;
			continue;
		}
		if (rc == 0 && !selected(&e, q, since, until)) {
			rec_free(&e);
			continue;
		}
		if (rc == 0) {
			struct naccs_audit_rec *ne =
			    realloc(r->events, (r->nevents + 1) * sizeof(*ne));

			if (ne == NULL)
				rc = -ENOMEM;
			else {
				r->events = ne;
				ne[r->nevents++] = e;
			}
		}
		if (rc < 0)
			rec_free(&e);
	}
	if (rc == 0 && ferror(f))
		rc = naccs_err_set(err, EIO, _("audit trail: cannot read %s"), path);
	else if (rc == -ENOMEM)
		naccs_err_set(err, ENOMEM, _("audit trail: out of memory"));
	free(line);
	fclose(f);
	return rc;
}

/* The sections, once every event is in place (their pointers into events
 * then stay valid). */
static int group(struct naccs_audit_report *r)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < r->nevents; i++) {
		const struct naccs_audit_rec *e = &r->events[i];

		if (is_failure(e))
			rc = count_failure(r, e);
		if (rc == 0 && naccs_audit_rec_is_lock(e))
			rc = push_index(&r->locks, &r->nlocks, i);
		if (rc == 0 && naccs_audit_rec_is_su(e))
			rc = push_index(&r->su, &r->nsu, i);
		if (rc == 0 && naccs_audit_rec_is_access(e))
			rc = push_index(&r->access, &r->naccess, i);
	}
	return rc;
}

int naccs_audit_report_build(const char *dir, const struct naccs_audit_query *q,
			     struct naccs_audit_report *r, struct naccs_err *err)
{
	char since[32], until[32], **names = NULL, *buf;
	size_t n = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	naccs_audit_iso_time(q->since, since);
	naccs_audit_iso_time(q->until, until);
	buf = malloc(VALUE_MAX);
	if (buf == NULL)
		return naccs_err_set(err, ENOMEM, _("audit trail: out of memory"));
	rc = naccs_audit_list(dir, &names, &n, err);
	/* Every file: a clock set back writes into the later month's file. */
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = read_file(dir, names[i], q, since, until, r, buf, err);
	naccs_audit_names_free(names, n);
	free(buf);
	if (rc == 0 && group(r) < 0)
		rc = naccs_err_set(err, ENOMEM, _("audit trail: out of memory"));
	return rc;
}

void naccs_audit_report_free(struct naccs_audit_report *r)
{
	for (size_t i = 0; i < r->nevents; i++)
		rec_free(&r->events[i]);
	free(r->events);
	free(r->failures);
	free(r->locks);
	free(r->su);
	free(r->access);
	memset(r, 0, sizeof(*r));
}
