/* The audit trail's lines and files (audit/line.h): a line's body as the
 * writer MACs it, the seq, MAC and time read back from one, the times and
 * the names of the month files.  The layout: audit/trail.h. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit/key.h"
#include "audit/line.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/secret.h"
#include "rules/su.h"
#include "base/text.h"
#include "base/time.h"
#include "base/trust.h"

#define VALUE_MAX 512 /* bytes of one value, with its NUL */

void naccs_audit_month(int64_t t, char out[8])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 8, "%Y-%m", &tm) != 7)
		snprintf(out, 8, "%s", "0000-00");
}

void naccs_audit_iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	/* UTC, to the second (NACCS-T7-3-2; MYNA-#92). */
	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%s", "1970-01-01T00:00:00Z");
}

static void member(struct naccs_json *w, const char *key, const char *value)
{
	char clean[VALUE_MAX];

	if (value == NULL || value[0] == '\0')
		return;
	/* No control characters, no malformed UTF-8 in the record. */
	naccs_text_sanitize(value, SIZE_MAX, clean, sizeof(clean), NACCS_TEXT_ELLIPSIS);
	naccs_json_member_string(w, key, clean);
}

/* The line for ev without its closing ,"mac":"..."}: the MACed body. */
int audit_format_body(const struct naccs_event *ev, uint64_t seq, const char *prev, int64_t now,
		      char *buf, size_t cap, size_t *len, struct naccs_err *err)
{
	struct naccs_json w;
	struct naccs_su_invoker inv;
	char when[32], host[256];
	int rc;

	naccs_audit_iso_time(now, when);
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	naccs_su_read_invoker(&inv);
	naccs_json_init_buffer(&w, buf, cap);
	naccs_json_object_begin(&w);
	naccs_json_member_uint(&w, "seq", seq);
	naccs_json_member_string(&w, "prev", prev);
	naccs_json_member_string(&w, "time", when);
	member(&w, "type", ev->type);
	member(&w, "action", ev->action);
	member(&w, "result", ev->result);
	member(&w, "reason", ev->reason);
	member(&w, "login", ev->login);
	member(&w, "user_code", ev->user_code);
	member(&w, "id_number", ev->id_number);
	member(&w, "service", ev->service);
	member(&w, "tty", ev->tty);
	member(&w, "rhost", ev->rhost);
	member(&w, "actor", ev->actor);
	member(&w, "detail", ev->detail);
	/* The individual behind an su, in fields of their own (the NACCS
	 * items of the person, not only the detail text). */
	member(&w, "individual_login", ev->individual_login);
	member(&w, "individual_user_code", ev->individual_user_code);
	member(&w, "individual_id_number", ev->individual_id_number);
	naccs_json_member_int(&w, "pid", (int64_t)getpid());
	member(&w, "host", host);
	/* The individual behind the process: the real uid and the audit login
	 * uid (an su names its invoker, naccsctl its administrator). */
	naccs_json_member_uint(&w, "uid", inv.uid);
	if (inv.has_loginuid)
		rc = naccs_json_member_uint(&w, "loginuid", inv.loginuid);
	else
		rc = naccs_json_member_null(&w, "loginuid");
	if (rc < 0 || w.len + sizeof(NACCS_AUDIT_MAC_TAIL) + NACCS_AUDIT_MAC_HEX + 3 > cap)
		return naccs_err_set(err, ENOBUFS, _("audit trail: the event is too long"));
	*len = w.len;
	return 0;
}

/* The seq and the MACed body length of one of our lines; false if it is
 * not one. */
bool audit_parse_line(const char *line, uint64_t *seq, size_t *body_len, const char **mac)
{
	size_t len = strlen(line),
	       tail = sizeof(NACCS_AUDIT_MAC_TAIL) - 1 + NACCS_AUDIT_MAC_HEX + 2;
	char *end;

	if (strncmp(line, "{\"seq\":", 7) != 0 || len < tail + 7)
		return false;
	if (line[7] < '0' || line[7] > '9')
		return false;
	errno = 0;
	*seq = strtoull(line + 7, &end, 10);
	if (errno != 0 || *end != ',' || strncmp(line + len - tail, NACCS_AUDIT_MAC_TAIL, 8) != 0 ||
	    strcmp(line + len - 2, "\"}") != 0)
		return false;
	*body_len = len - tail;
	*mac = line + *body_len + 8;
	return true;
}

/* The time of one of our lines into *last_time, when later. */
void audit_later_time(const char *line, int64_t *last_time)
{
	char when[32];
	int64_t t;
	bool date_only;

	if (naccs_audit_field(line, "time", when, sizeof(when)) &&
	    naccs_audit_parse_time(when, &t, &date_only) == 0 && t > *last_time)
		*last_time = t;
}

/* ---- listing ---- */

static bool month_name(const char *n)
{
	/* YYYY-MM.jsonl */
	if (strlen(n) != 13 || strcmp(n + 7, ".jsonl") != 0 || n[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (n[i] < '0' || n[i] > '9'))
			return false;
	return true;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void naccs_audit_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int naccs_audit_list(const char *dir, char ***names, size_t *n, struct naccs_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cnt = 0, cap = 0;

	*names = NULL;
	*n = 0;
	if (d == NULL)
		return naccs_err_set(err, errno, _("audit trail: cannot open %s"), dir);
	while ((e = readdir(d)) != NULL) {
		if (!month_name(e->d_name))
			continue;
		if (cnt == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (nv == NULL)
				break;
			v = nv;
		}
		v[cnt] = strdup(e->d_name);
		if (v[cnt] == NULL)
			break;
		cnt++;
	}
	closedir(d);
	if (e != NULL) {
		naccs_audit_names_free(v, cnt);
		return naccs_err_set(err, ENOMEM, _("audit trail: out of memory"));
	}
	if (cnt > 0)
		qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	return 0;
}

bool naccs_audit_field(const char *line, const char *key, char *out, size_t outlen)
{
	char pat[64];
	const char *p;
	size_t o = 0;

	out[0] = '\0';
	/* Inside a value every '"' is escaped, so ,"key":" only matches a
	 * member. */
	if ((size_t)snprintf(pat, sizeof(pat), ",\"%s\":\"", key) >= sizeof(pat))
		return false;
	p = strstr(line, pat);
	if (p == NULL)
		return false;
	for (p += strlen(pat); *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (o + 1 < outlen)
			out[o++] = *p;
	}
	out[o] = '\0';
	return *p == '"';
}

static bool digits(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

int naccs_audit_parse_time(const char *s, int64_t *t, bool *date_only)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t len = s != NULL ? strlen(s) : 0;
	struct tm tm, back;
	time_t tt;

	if ((len != 10 && len != 20) || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d))
		return -EINVAL;
	/* ISO 8601 in UTC only: the trail's own form, "Z" and seconds. */
	if (len == 20 && (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
			  !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
			  !digits(s + 17, 2, &se) || h > 23 || mi > 59 || se > 59))
		return -EINVAL;
	/* Years of four digits on both ends (the times compare as text). */
	if (y < 1970 || y > 9000 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	tt = timegm(&tm);
	/* timegm normalises 2026-02-30 to March: refuse what does not exist. */
	if (tt == (time_t)-1 || gmtime_r(&tt, &back) == NULL || back.tm_mday != d ||
	    back.tm_mon != mo - 1)
		return -EINVAL;
	*t = (int64_t)tt;
	*date_only = len == 10;
	return 0;
}
