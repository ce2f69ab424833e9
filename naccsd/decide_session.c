/* naccsd's SESSION_OPEN and SESSION_CLOSE (root peers only), as
 * pam_sm_open_session and pam_sm_close_session decide them
 * (pam_naccs/pam_session.c): naccs_policy_session with the peer's process
 * as the session's (its line of the session table), its notices as info
 * lines; naccs_policy_session_close with the record SESSION_OPEN handed the
 * client as its session_mark (docs/PROTOCOL.md, "session_mark"), where the
 * PAM module keeps it in its handle (pam_set_data).
 *
 * The mark is the client's to keep, so it is checked as strictly as a
 * frame: version, flags, every length and character, nothing after its
 * end, and for a counted session this boot.  A root peer can forge nothing
 * with it that it could not do anyway (it states every login item); the
 * checks keep garbage out of the trail and the session table. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "base/name.h"
#include "base/secret.h"
#include "base/time.h"
#include "internal.h"
#include "lock.h"
#include "policy/policy.h"
#include "proto/schema.h"
#include "rules/sessions.h"

#define MARK_VERSION 1
#define MARK_COUNTED 0x1u /* the session has a line in the session table */
#define MARK_SWITCH  0x2u /* a switch: the individual behind it follows */
#define MARK_MAX     256  /* the session_mark fields' maximum */
#define PID_MAX	     4194304L
/* A mark opened later than now by more than this is none of ours (a clock
 * stepped back by less still closes). */
#define MARK_FUTURE_S 3600

struct put {
	uint8_t *p;
	size_t n;
	bool bad;
};

static void put_bytes(struct put *w, const void *v, size_t n)
{
	if (w->bad || n > MARK_MAX - w->n) {
		w->bad = true;
		return;
	}
	memcpy(w->p + w->n, v, n);
	w->n += n;
}

static void put_be(struct put *w, uint64_t v, size_t width)
{
	uint8_t b[8];

	for (size_t i = 0; i < width; i++)
		b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	put_bytes(w, b, width);
}

static void put_str(struct put *w, const char *s)
{
	size_t n = strlen(s);

	put_be(w, n, 1);
	if (n > 255)
		w->bad = true;
	put_bytes(w, s, n);
}

/* r as a version 1 mark into out (MARK_MAX bytes): its length, or 0. */
static size_t mark_encode(const struct naccs_session_record *r, uint8_t out[MARK_MAX])
{
	struct put w = {.p = out};
	unsigned flags = (r->counted ? MARK_COUNTED : 0) | (r->has_individual ? MARK_SWITCH : 0);

	put_be(&w, MARK_VERSION, 1);
	put_be(&w, flags, 1);
	put_be(&w, (uint64_t)r->opened_at, 8);
	put_be(&w, (uint64_t)r->mark.pid, 4);
	put_be(&w, r->mark.start, 8);
	put_str(&w, r->mark.boot);
	put_str(&w, r->login);
	put_str(&w, r->user_code);
	put_str(&w, r->id_number);
	put_str(&w, r->has_individual ? r->individual_login : "");
	put_str(&w, r->has_individual ? r->individual_user_code : "");
	put_str(&w, r->has_individual ? r->individual_id_number : "");
	return w.bad ? 0 : w.n;
}

struct get {
	const uint8_t *p;
	size_t n, off;
	const char *why; /* the first fault, or NULL */
};

static uint64_t get_be(struct get *g, size_t width)
{
	uint64_t v = 0;

	if (g->why != NULL || width > g->n - g->off) {
		g->why = g->why != NULL ? g->why : "truncated";
		return 0;
	}
	for (size_t i = 0; i < width; i++)
		v = v << 8 | g->p[g->off++];
	return v;
}

enum chars { C_LOGIN, C_UPPER, C_BOOT };

static bool chars_ok(const char *s, enum chars kind)
{
	if (kind == C_LOGIN)
		return naccs_name_valid_login(s);
	for (; *s != '\0'; s++) {
		char c = *s;
		bool ok = kind == C_UPPER
			      ? (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			      : (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == '-';

		if (!ok)
			return false;
	}
	return true;
}

/* A string of at most cap - 1 bytes of kind (or "" when empty_ok). */
static void get_str(struct get *g, char *out, size_t cap, enum chars kind, bool empty_ok,
		    const char *name)
{
	size_t n = (size_t)get_be(g, 1);

	out[0] = '\0';
	if (g->why != NULL)
		return;
	if (n >= cap || n > g->n - g->off) {
		g->why = name;
		return;
	}
	memcpy(out, g->p + g->off, n);
	out[n] = '\0';
	g->off += n;
	if ((n == 0 && !empty_ok) || (n > 0 && !chars_ok(out, kind)))
		g->why = name;
}

/* p (n bytes, from a SESSION_CLOSE) into r: 0, or -EINVAL with *why. */
static int mark_decode(const uint8_t *p, size_t n, struct naccs_session_record *r, const char **why)
{
	struct naccs_session_mark self;
	struct get g = {.p = p, .n = n};
	unsigned version, flags;
	uint64_t opened, pid;
	bool sw;

	memset(r, 0, sizeof(*r));
	version = (unsigned)get_be(&g, 1);
	flags = (unsigned)get_be(&g, 1);
	opened = get_be(&g, 8);
	pid = get_be(&g, 4);
	r->mark.start = get_be(&g, 8);
	if (g.why == NULL && version != MARK_VERSION)
		g.why = "version";
	if (g.why == NULL && (flags & ~(MARK_COUNTED | MARK_SWITCH)) != 0)
		g.why = "flags";
	r->counted = (flags & MARK_COUNTED) != 0;
	sw = (flags & MARK_SWITCH) != 0;
	if (g.why == NULL && (opened == 0 || opened > (uint64_t)(naccs_now_wall() + MARK_FUTURE_S)))
		g.why = "opened_at";
	if (g.why == NULL && (pid > PID_MAX || (r->counted && pid == 0)))
		g.why = "pid";
	r->opened_at = (int64_t)opened;
	r->mark.pid = (long)pid;
	get_str(&g, r->mark.boot, sizeof(r->mark.boot), C_BOOT, !r->counted, "boot");
	get_str(&g, r->login, sizeof(r->login), C_LOGIN, false, "login");
	get_str(&g, r->user_code, sizeof(r->user_code), C_UPPER, true, "user_code");
	get_str(&g, r->id_number, sizeof(r->id_number), C_UPPER, true, "id_number");
	get_str(&g, r->individual_login, sizeof(r->individual_login), C_LOGIN, !sw, "individual");
	get_str(&g, r->individual_user_code, sizeof(r->individual_user_code), C_UPPER, true,
		"individual");
	get_str(&g, r->individual_id_number, sizeof(r->individual_id_number), C_UPPER, true,
		"individual");
	if (g.why == NULL && !sw &&
	    (r->individual_login[0] || r->individual_user_code[0] || r->individual_id_number[0]))
		g.why = "individual";
	if (g.why == NULL && g.off != n)
		g.why = "trailing bytes";
	/* A counted session's process lives in this boot: a mark of another
	 * boot names a line that no longer counts. */
	if (g.why == NULL && r->counted) {
		(void)naccs_sessions_self(&self); /* its boot, whatever else fails */
		if (self.boot[0] == '\0' || strcmp(self.boot, r->mark.boot) != 0)
			g.why = "boot";
	}
	r->has_individual = sw;
	if (sw)
		snprintf(r->mark.individual, sizeof(r->mark.individual), "%s", r->individual_login);
	*why = g.why;
	return g.why == NULL ? 0 : -EINVAL;
}

/* The outcome a SESSION_OPEN response carries (docs/PROTOCOL.md): what the
 * PAM module does with the decision. */
static enum naccs_outcome open_answer(const struct naccs_decision *d, enum naccs_outcome o,
				      const struct naccs_err *err)
{
	if (d->su_refused)
		return NACCS_OUT_DENIED; /* PAM_PERM_DENIED (sudo) */
	switch (o) {
	case NACCS_OUT_ALLOW:
		return NACCS_OUT_ALLOW;
	case NACCS_OUT_DENIED: /* the session limit, or its table unusable */
		return NACCS_OUT_REJECTED;
	case NACCS_OUT_UNAVAILABLE:
		/* No session without its trail line (UTS-2.2.1.4(1)(b)); a
		 * store failure alone is not the session's to refuse. */
		if (d->audit_refused)
			return NACCS_OUT_UNAVAILABLE;
		syslog(LOG_ERR, "session: login not recorded: %s", err->msg);
		return NACCS_OUT_NOT_MANAGED;
	case NACCS_OUT_NOT_MANAGED: /* a job ([su] job_services): no login */
		return NACCS_OUT_UNKNOWN;
	default: /* no ID here: not ours */
		return o;
	}
}

static int session_open(const struct naccs_config *cfg, const struct naccsd_peer *peer,
			const struct naccs_msg *req, struct naccs_msg *resp, struct ask *a,
			struct naccs_decision *d, struct naccs_err *err)
{
	struct naccs_session_record r;
	struct naccs_policy pol;
	int lock = -1; /* the store's lock, shared (lock.h) */
	enum naccs_outcome o;
	uint8_t mark[MARK_MAX];
	size_t n = 0;
	int rc;

	if (naccsd_policy_open(&pol, &lock, cfg, false, err) < 0) {
		/* As the PAM module: no store, nothing recorded, not refused. */
		syslog(LOG_ERR, "credential store unavailable: %s", err->msg);
		o = d->outcome = NACCS_OUT_NOT_MANAGED;
	} else {
		/* The session is the peer's process (sshd's monitor, login,
		 * su): its line in the session table names it. */
		naccs_sessions_use_pid((long)peer->pid);
		o = open_answer(d, naccs_policy_session(&pol, &a->req, d, err), err);
		naccs_sessions_use_pid(0);
		naccsd_policy_close(&pol, &lock);
	}
	/* Every session of an ID that goes on is closed with a trail line
	 * (issue 16, item 15): the mark is what the close needs. */
	if (d->known && (o == NACCS_OUT_ALLOW || o == NACCS_OUT_NOT_MANAGED)) {
		naccs_session_record_from(&r, d, naccs_now_wall());
		n = mark_encode(&r, mark);
		naccs_wipe(&r, sizeof(r));
		if (n == 0)
			syslog(LOG_ERR, "session of %s: no session_mark (too long)",
			       d->identity.login);
	}
	naccs_err_clear(err);
	rc = naccsd_respond(cfg, req, resp, a, o, d, err);
	if (rc == 0 && n > 0)
		rc = naccs_msg_set_bytes(resp, NACCS_TAG_SESSION_MARK_OUT, mark, n, err);
	return rc;
}

static int session_close(const struct naccs_config *cfg, const struct naccsd_peer *peer,
			 const struct naccs_msg *req, struct naccs_msg *resp, struct ask *a,
			 struct naccs_decision *d, struct naccs_err *err)
{
	struct naccs_session_record r;
	const uint8_t *p = NULL;
	const char *why = "missing";
	size_t n = 0;
	enum naccs_outcome o = NACCS_OUT_ALLOW;

	if (naccs_msg_get_bytes(req, NACCS_TAG_SESSION_MARK, &p, &n) < 0 ||
	    mark_decode(p, n, &r, &why) < 0) {
		syslog(LOG_WARNING,
		       "SESSION_CLOSE from pid %ld: session_mark refused (%s): nothing recorded",
		       (long)peer->pid, why);
		o = NACCS_OUT_DENIED;
	} else {
		/* The session's ID, as the PAM module's close names the
		 * login it kept (not PAM_USER now). */
		a->req.user = r.login;
		if (naccs_policy_session_close(cfg, &a->req, &r, err) < 0) {
			syslog(LOG_ERR, "session: not removed from the session table: %s",
			       err->msg);
			o = NACCS_OUT_UNAVAILABLE;
		}
	}
	d->outcome = o;
	naccs_err_clear(err);
	return naccsd_respond(cfg, req, resp, a, o, d, err);
}

int naccsd_decide_session(const struct naccs_config *cfg, const struct naccsd_peer *peer,
			  const struct naccs_msg *req, struct naccs_msg *resp, struct ask *a,
			  struct naccs_decision *d, struct naccs_err *err)
{
	if (req->type == NACCS_MSG_SESSION_OPEN)
		return session_open(cfg, peer, req, resp, a, d, err);
	return session_close(cfg, peer, req, resp, a, d, err);
}
