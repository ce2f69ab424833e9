/* The credential store dispatcher: picks the backend named by the store
 * path and forwards each call to it.
 *
 * Everything that does not depend on the backend is done here, once, so a
 * second backend (a distributed engine, later) gets it for free:
 *  - arguments are checked before any backend sees them: hostile or
 *    oversized names, strings that do not fit the fixed fields, text with
 *    control characters where it would reach passwd entries, reports or
 *    terminals;
 *  - a deadline that has already passed fails with -ETIMEDOUT without
 *    touching the store; a deadline of 0 means "the default budget"
 *    (naccs_store_options.timeout_ms);
 *  - identities coming back from the backend are checked against the same
 *    rules as those going in, so a bad row never reaches NSS or PAM. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "audit/nametag.h"
#include "base/secret.h"
#include "store/store.h"
#include "store/backend.h"
#include "base/text.h"

/* Budget for a call made with deadline 0 and for opening, when the options
 * give none. */
#define DEFAULT_TIMEOUT_MS 5000
#define EVENT_NAME_MAX	   32 /* struct naccs_registry_entry.event */

struct naccs_store {
	const struct naccs_store_backend *be;
	void *impl;
	unsigned default_ms;
};

/* ---- checks ---------------------------------------------------------- */

/* No control characters (C1 included) and well-formed UTF-8: the text ends
 * up in passwd entries, reports and on terminals, where controls could forge
 * lines or drive the terminal (the rules of naccs_text_sanitize). */
static bool no_controls(const char *s)
{
	return naccs_text_is_clean(s, strlen(s), 0);
}

/* s is a NUL-terminated string of fewer than size bytes without controls. */
static bool text_ok(const char *s, size_t size)
{
	return s != NULL && strnlen(s, size) < size && no_controls(s);
}

/* A field of a passwd entry: also no ':' (the field separator). */
static bool passwd_field_ok(const char *s, size_t size)
{
	return text_ok(s, size) && strchr(s, ':') == NULL;
}

static bool path_field_ok(const char *s, size_t size, bool may_be_empty)
{
	return passwd_field_ok(s, size) && ((may_be_empty && s[0] == '\0') || s[0] == '/');
}

/* A PHC string: $alg$params$salt$hash, printable ASCII without spaces. */
static bool phc_ok(const char *phc)
{
	size_t len;

	if (phc == NULL)
		return false;
	len = strnlen(phc, NACCS_PHC_MAX);
	if (len == 0 || len >= NACCS_PHC_MAX || phc[0] != '$')
		return false;
	for (size_t i = 0; i < len; i++)
		if (phc[i] <= 0x20 || phc[i] >= 0x7f)
			return false;
	return true;
}

/* Registry event names: lower-case words joined by '-'. */
static bool event_ok(const char *ev)
{
	size_t len;

	if (ev == NULL)
		return false;
	len = strnlen(ev, EVENT_NAME_MAX);
	if (len == 0 || len >= EVENT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((ev[i] >= 'a' && ev[i] <= 'z') || ev[i] == '-'))
			return false;
	return true;
}

/* A stored code must already be in its normal (upper-case) form. */
static bool code_ok(const char *code)
{
	char norm[NACCS_CODE_MAX + 1];

	return memchr(code, '\0', NACCS_CODE_MAX + 1) != NULL &&
	       naccs_name_normalize_code(code, norm) == 0 && strcmp(norm, code) == 0;
}

static bool number_ok(const char *number)
{
	char norm[NACCS_NUMBER_LEN + 1];

	return memchr(number, '\0', NACCS_NUMBER_LEN + 1) != NULL &&
	       naccs_name_normalize_number(number, norm) == 0 && strcmp(norm, number) == 0;
}

/* An individual ID has its NACCS user ID; a shared one has both parts or
 * neither. */
static bool user_id_ok(const struct naccs_identity *id)
{
	bool no_code = memchr(id->user_code, '\0', 1) != NULL;
	bool no_number = memchr(id->id_number, '\0', 1) != NULL;

	if (id->kind == NACCS_KIND_SHARED && no_code && no_number)
		return true;
	return code_ok(id->user_code) && number_ok(id->id_number);
}

bool naccs_store_staff_number_ok(const char *s)
{
	size_t len;

	if (s == NULL || !passwd_field_ok(s, NACCS_STAFF_MAX + 1))
		return false;
	len = strlen(s);
	return len > 0 && s[0] != ' ' && s[len - 1] != ' ';
}

/* The registry attributes (UTS-2.2.1.3(2)(g)(ア), (2)(b)): a staff number
 * only on an individual ID, an approval reference only on a shared one. */
static const char *registry_problem(const struct naccs_identity *id)
{
	if (memchr(id->staff_number, '\0', sizeof(id->staff_number)) == NULL ||
	    (id->staff_number[0] != '\0' &&
	     (id->kind != NACCS_KIND_INDIVIDUAL || !naccs_store_staff_number_ok(id->staff_number))))
		return _("invalid staff number (individual IDs only; printable, at most 32 bytes)");
	if (!text_ok(id->approval, sizeof(id->approval)) ||
	    (id->approval[0] != '\0' && id->kind != NACCS_KIND_SHARED))
		return _("invalid approval reference (shared IDs only; printable, at most 128 "
			 "bytes)");
	if (!text_ok(id->second_id_reason, sizeof(id->second_id_reason)))
		return _("invalid reason for a second ID (printable, at most 192 bytes)");
	return NULL;
}

/* The first rule an identity breaks, or NULL. */
static const char *identity_problem(const struct naccs_identity *id)
{
	if (!naccs_name_valid_login(memchr(id->login, '\0', sizeof(id->login)) ? id->login : NULL))
		return _("invalid login name");
	if (id->kind != NACCS_KIND_INDIVIDUAL && id->kind != NACCS_KIND_SHARED)
		return _("unknown kind");
	if (!user_id_ok(id))
		return _("invalid NACCS user code or identifying number");
	if (id->uid == UINT32_MAX || id->gid == UINT32_MAX)
		return _("invalid uid or gid");
	if (!passwd_field_ok(id->gecos, sizeof(id->gecos)))
		return _("invalid gecos (too long, ':' or control characters)");
	if (!path_field_ok(id->home, sizeof(id->home), false))
		return _("invalid home directory (not an absolute path)");
	if (!path_field_ok(id->shell, sizeof(id->shell), true))
		return _("invalid shell (not an absolute path)");
	if (!text_ok(id->created_by, sizeof(id->created_by)))
		return _("invalid created_by");
	return registry_problem(id);
}

/* An identity returned by the backend: the same rules as for input. */
static int check_stored_identity(const struct naccs_identity *id, struct naccs_err *err)
{
	const char *why = identity_problem(id);
	char who[NACCS_LOGIN_MAX + 1];

	if (why == NULL)
		return 0;
	/* The login may be the bad field: quote only what is safe to print. */
	snprintf(
	    who, sizeof(who), "%s",
	    naccs_name_valid_login(memchr(id->login, '\0', sizeof(id->login)) ? id->login : NULL)
		? id->login
		: "?");
	return naccs_err_set(err, EINVAL, _("credential store: malformed identity '%s': %s"), who,
			     why);
}

static int bad_arg(struct naccs_err *err, const char *what)
{
	return naccs_err_set(err, EINVAL, _("credential store: %s"), what);
}

/* A successful call leaves no message behind (a backend may have noted a
 * failure it then recovered from, e.g. a retry after a busy lock). */
static int finish(int rc, struct naccs_err *err)
{
	if (rc == 0)
		naccs_err_clear(err);
	return rc;
}

static int check_login(const char *login, struct naccs_err *err)
{
	if (!naccs_name_valid_login(login))
		return bad_arg(err, _("invalid login name (letters, digits, '_', '.', '-'; at most "
				      "32 bytes; starting with a letter or '_')"));
	return 0;
}

/* Common start of every call: a handle, a valid login (when one is
 * needed), and time left.  Resolves a deadline of 0 to the default. */
static int enter(struct naccs_store *st, naccs_deadline_t *dl, const char *login, bool needs_login,
		 struct naccs_err *err)
{
	naccs_err_clear(err);
	if (st == NULL || st->be == NULL)
		return bad_arg(err, _("no store handle"));
	if (needs_login && check_login(login, err) < 0)
		return -EINVAL;
	if (*dl == 0)
		*dl = naccs_deadline_in(st->default_ms);
	else if (naccs_deadline_left_ms(*dl) == 0)
		return naccs_err_set(err, ETIMEDOUT,
				     _("credential store: the deadline passed before the call"));
	return 0;
}

/* A login event from PAM items: strings must fit their fields; control
 * characters (a hostile rhost or tty) are replaced, not stored; a time of 0
 * means now. */
static int clean_event(const struct naccs_login_event *in, struct naccs_login_event *out,
		       struct naccs_err *err)
{
	char *fields[] = {out->service, out->tty, out->rhost};
	size_t sizes[] = {sizeof(out->service), sizeof(out->tty), sizeof(out->rhost)};

	if (in == NULL)
		return bad_arg(err, _("no login event"));
	*out = *in;
	for (size_t f = 0; f < sizeof(sizes) / sizeof(sizes[0]); f++) {
		char clean[sizeof(out->rhost)]; /* the largest of the three */

		if (memchr(fields[f], '\0', sizes[f]) == NULL)
			return bad_arg(err, _("login event field not terminated"));
		/* The sanitised text is never longer than the original. */
		naccs_text_sanitize(fields[f], sizes[f], clean, sizeof(clean), 0);
		memcpy(fields[f], clean, strlen(clean) + 1);
	}
	if (out->at == 0)
		out->at = naccs_now_wall();
	return 0;
}

/* Free text recorded in the registry: NULL reads as "". */
static int check_reason(const char *reason, struct naccs_err *err)
{
	if (reason != NULL && !text_ok(reason, NACCS_TEXT_MAX))
		return bad_arg(err, _("reason or detail too long or with control characters"));
	return 0;
}

/* Who acts: an administrator's or a user's name, never empty. */
static int check_actor(const char *by, struct naccs_err *err)
{
	if (!text_ok(by, NACCS_WHO_MAX) || by[0] == '\0')
		return bad_arg(err, _("missing or invalid actor (who makes the change)"));
	return 0;
}

static int check_phc(const char *phc, struct naccs_err *err)
{
	if (!phc_ok(phc))
		return bad_arg(err, _("hash is not a PHC string that fits the store"));
	return 0;
}

/* A NACCS user ID as the store holds it (upper case), or -EINVAL. */
static int normal_pair(const struct naccs_user_id *in, struct naccs_user_id *out,
		       struct naccs_err *err)
{
	if (memchr(in->code, '\0', sizeof(in->code)) == NULL ||
	    memchr(in->number, '\0', sizeof(in->number)) == NULL ||
	    naccs_name_normalize_code(in->code, out->code) < 0 ||
	    naccs_name_normalize_number(in->number, out->number) < 0)
		return bad_arg(err, _("invalid NACCS user code or identifying number"));
	return 0;
}

/* ---- open and close -------------------------------------------------- */

/* "sqlite:/path" or a plain absolute path mean the SQLite backend. */
static int pick_backend(const char *path, const struct naccs_store_backend **be, const char **rest,
			struct naccs_err *err)
{
	static const char prefix[] = "sqlite:";

	if (strncmp(path, prefix, sizeof(prefix) - 1) == 0)
		path += sizeof(prefix) - 1;
	else if (path[0] != '/' && strchr(path, ':') != NULL)
		return naccs_err_set(err, EPROTONOSUPPORT,
				     _("credential store: unknown backend in '%s' (only sqlite)"),
				     path);
	if (path[0] != '/')
		return bad_arg(err, _("the store path must be absolute"));
	*be = &naccs_store_sqlite;
	*rest = path;
	return 0;
}

int naccs_store_open(const struct naccs_store_options *opt, struct naccs_store **out,
		     struct naccs_err *err)
{
	struct naccs_store_options bopt;
	struct naccs_store *st;
	int rc;

	naccs_err_clear(err);
	if (out != NULL)
		*out = NULL;
	if (opt == NULL || out == NULL || opt->path == NULL || opt->path[0] == '\0')
		return bad_arg(err, _("no store options or path"));
	if (opt->create && opt->read_only)
		return bad_arg(err, _("a new store cannot be read-only"));
	if (opt->migrate && opt->read_only)
		return bad_arg(err, _("a store opened read-only cannot be upgraded"));
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return naccs_err_set(err, ENOMEM, _("credential store: out of memory"));
	bopt = *opt;
	if (bopt.timeout_ms == 0)
		bopt.timeout_ms = DEFAULT_TIMEOUT_MS;
	st->default_ms = bopt.timeout_ms;
	rc = pick_backend(opt->path, &st->be, &bopt.path, err);
	if (rc == 0)
		rc = st->be->open(&bopt, &st->impl, err);
	if (rc < 0) {
		free(st);
		return rc;
	}
	*out = st;
	return finish(0, err);
}

int naccs_store_inspect(const struct naccs_store_options *opt, bool deep,
			struct naccs_store_report *out, struct naccs_err *err)
{
	const struct naccs_store_backend *be = NULL;
	struct naccs_store_options bopt;
	int rc;

	naccs_err_clear(err);
	if (out != NULL) {
		memset(out, 0, sizeof(*out));
		out->schema_version = -1;
	}
	if (opt == NULL || out == NULL || opt->path == NULL || opt->path[0] == '\0')
		return bad_arg(err, _("no store options or path"));
	bopt = *opt;
	bopt.create = false;
	bopt.migrate = false;
	bopt.read_only = true;
	if (bopt.timeout_ms == 0)
		bopt.timeout_ms = DEFAULT_TIMEOUT_MS;
	rc = pick_backend(opt->path, &be, &bopt.path, err);
	if (rc == 0)
		rc = be->inspect(&bopt, deep, out, err);
	return rc;
}

void naccs_store_close(struct naccs_store *st)
{
	if (st == NULL)
		return;
	st->be->close(st->impl);
	free(st);
}

int naccs_store_schema_version(struct naccs_store *st, naccs_deadline_t dl, int *version,
			       struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && version == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return finish(st->be->schema_version(st->impl, dl, version, err), err);
}

/* ---- look-ups -------------------------------------------------------- */

/* A found identity is checked before anyone sees it; on failure the output
 * is cleared so no half-valid record is used by mistake. */
static int checked_identity(int rc, struct naccs_identity *out, struct naccs_err *err)
{
	if (rc == 0)
		rc = check_stored_identity(out, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return finish(rc, err);
}

int naccs_store_find(struct naccs_store *st, naccs_deadline_t dl, const char *login,
		     struct naccs_identity *out, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0 && out == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return checked_identity(st->be->find(st->impl, dl, login, out, err), out, err);
}

int naccs_store_find_by_user_id(struct naccs_store *st, naccs_deadline_t dl,
				const struct naccs_user_id *uid_pair, struct naccs_identity *out,
				struct naccs_err *err)
{
	struct naccs_user_id norm;
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && (uid_pair == NULL || out == NULL))
		rc = bad_arg(err, _("no NACCS user ID or no output"));
	/* Any case is accepted; the store holds the upper-case form. */
	if (rc == 0)
		rc = normal_pair(uid_pair, &norm, err);
	if (rc < 0)
		return rc;
	return checked_identity(st->be->find_by_user_id(st->impl, dl, &norm, out, err), out, err);
}

int naccs_store_find_by_uid(struct naccs_store *st, naccs_deadline_t dl, uint32_t uid,
			    struct naccs_identity *out, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && out == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return checked_identity(st->be->find_by_uid(st->impl, dl, uid, out, err), out, err);
}

int naccs_store_get_state(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			  struct naccs_account_state *out, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0 && out == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	rc = st->be->get_state(st->impl, dl, login, out, err);
	if (rc == 0 && out->has_password && !phc_ok(out->phc))
		rc = naccs_err_set(err, EINVAL,
				   _("credential store: malformed credential of '%s' (not a PHC "
				     "string)"),
				   login);
	if (rc < 0)
		naccs_wipe(out, sizeof(*out));
	return finish(rc, err);
}

int naccs_store_find_name(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			  const struct naccs_user_id *pair, struct naccs_name_match *out,
			  struct naccs_err *err)
{
	struct naccs_user_id norm;
	int rc = enter(st, &dl, login, login != NULL, err);

	if (rc == 0 && out == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc == 0 && pair != NULL)
		rc = normal_pair(pair, &norm, err);
	if (rc < 0)
		return rc;
	rc = st->be->find_name(st->impl, dl, login, pair != NULL ? &norm : NULL, out, err);
	if (rc == 0 && out->by_login_found)
		rc = check_stored_identity(&out->by_login, err);
	if (rc == 0 && out->by_pair_found)
		rc = check_stored_identity(&out->by_pair, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return finish(rc, err);
}

int naccs_store_typical_hash(struct naccs_store *st, naccs_deadline_t dl,
			     char params[NACCS_PHC_MAX], struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && params == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	rc = st->be->typical_hash(st->impl, dl, params, err);
	/* Only the start of a PHC string: "$alg$...$" in printable ASCII. */
	if (rc == 0 && params[0] != '\0' && (!phc_ok(params) || params[strlen(params) - 1] != '$'))
		rc = naccs_err_set(err, EINVAL,
				   _("credential store: malformed typical hash parameters"));
	if (rc < 0)
		params[0] = '\0';
	return finish(rc, err);
}

/* ---- login outcomes -------------------------------------------------- */

/* Both outcomes: the checks of enter(), an output for the state and a clean
 * login event, then the backend; on failure no state is left behind. */
static int record_outcome(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			  const struct naccs_login_event *ev, bool success,
			  struct naccs_account_state *state, struct naccs_err *err)
{
	struct naccs_login_event clean;
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0 && state == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc == 0)
		rc = clean_event(ev, &clean, err);
	if (rc < 0)
		return rc;
	if (success)
		rc = st->be->record_success(st->impl, dl, login, &clean, state, err);
	else
		rc = st->be->record_failure(st->impl, dl, login, &clean, state, err);
	if (rc < 0 && rc != -ECANCELED)
		naccs_wipe(state, sizeof(*state));
	return finish(rc, err);
}

int naccs_store_record_failure(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev,
			       struct naccs_account_state *after, struct naccs_err *err)
{
	return record_outcome(st, dl, login, ev, false, after, err);
}

int naccs_store_record_success(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			       const struct naccs_login_event *ev,
			       struct naccs_account_state *before, struct naccs_err *err)
{
	return record_outcome(st, dl, login, ev, true, before, err);
}

int naccs_store_record_unknown_failure(struct naccs_store *st, naccs_deadline_t dl,
				       const char *name, const struct naccs_login_event *ev,
				       unsigned *dropped, struct naccs_err *err)
{
	struct naccs_login_event clean;
	char kept[NACCS_LOGIN_MAX + 1] = "";
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = clean_event(ev, &clean, err);
	if (rc < 0)
		return rc;
	/* Only a name as it may be written (audit/nametag.h: an account of
	 * the system, or a tag) is kept: users sometimes type their password
	 * into the name field, and it must not be stored. */
	if (name != NULL && strnlen(name, sizeof(kept)) < sizeof(kept) &&
	    (naccs_name_is_tag(name) || naccs_name_is_account(name)))
		snprintf(kept, sizeof(kept), "%s", name);
	rc = st->be->record_unknown_failure(st->impl, dl, kept, &clean, dropped, err);
	naccs_wipe(kept, sizeof(kept));
	return finish(rc, err);
}

void naccs_store_set_lockout(struct naccs_store *st, const struct naccs_lockout_rule *rule)
{
	if (st != NULL && rule != NULL)
		st->be->set_lockout(st->impl, rule);
}

void naccs_store_set_commit_hook(struct naccs_store *st, naccs_store_commit_fn fn, void *ctx)
{
	if (st != NULL)
		st->be->set_commit_hook(st->impl, fn, ctx);
}

int naccs_store_session_login(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			      const struct naccs_login_event *ev, unsigned max_age,
			      enum naccs_login_step step, struct naccs_login_notice *out,
			      struct naccs_err *err)
{
	struct naccs_login_event clean;
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0 && out == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc == 0)
		rc = clean_event(ev, &clean, err);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = st->be->session_login(st->impl, dl, login, &clean, max_age, step, out, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return finish(rc, err);
}

int naccs_store_failures(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 int64_t since, naccs_failure_fn cb, void *ctx, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0 && cb == NULL)
		rc = bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	return finish(st->be->failures(st->impl, dl, login, since, cb, ctx, err), err);
}

/* ---- administration -------------------------------------------------- */

static int check_new_identity(const struct naccs_identity *id, uint32_t uid_min, uint32_t uid_max,
			      struct naccs_err *err)
{
	struct naccs_identity probe;
	const char *why;

	if (id == NULL)
		return bad_arg(err, _("no identity"));
	/* created_by/created_at are outputs: the issuer is recorded instead. */
	probe = *id;
	probe.created_by[0] = '\0';
	if (probe.uid == NACCS_UID_ALLOCATE)
		probe.uid = uid_min;
	why = identity_problem(&probe);
	if (why != NULL)
		return bad_arg(err, why);
	/* Allocation never hands out uid 0 (root) or the "no uid" value; uid 0
	 * itself may be registered explicitly (a shared ID such as root). */
	if (id->uid == NACCS_UID_ALLOCATE &&
	    (uid_min == 0 || uid_min > uid_max || uid_max == UINT32_MAX))
		return bad_arg(err, _("invalid uid range for allocation"));
	return 0;
}

int naccs_store_add_identity(struct naccs_store *st, naccs_deadline_t dl, struct naccs_identity *id,
			     uint32_t uid_min, uint32_t uid_max, const char *phc, bool must_change,
			     const char *issued_by, const char *issued_to, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = check_new_identity(id, uid_min, uid_max, err);
	if (rc == 0)
		rc = check_phc(phc, err);
	if (rc == 0)
		rc = check_actor(issued_by, err);
	if (rc == 0)
		rc = check_reason(issued_to, err);
	if (rc < 0)
		return rc;
	return finish(st->be->add_identity(st->impl, dl, id, uid_min, uid_max, phc, must_change,
					   issued_by, issued_to != NULL ? issued_to : "", err),
		      err);
}

int naccs_store_set_password(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			     const char *phc, bool must_change, unsigned keep_history,
			     const char *event, const char *by, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = check_phc(phc, err);
	if (rc == 0 && !event_ok(event))
		rc = bad_arg(err, _("invalid registry event name"));
	if (rc == 0)
		rc = check_actor(by, err);
	if (rc < 0)
		return rc;
	return finish(st->be->set_password(st->impl, dl, login, phc, must_change, keep_history,
					   event, by, err),
		      err);
}

int naccs_store_replace_hash(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			     const char *old_phc, const char *new_phc, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = check_phc(old_phc, err);
	if (rc == 0)
		rc = check_phc(new_phc, err);
	if (rc < 0)
		return rc;
	return finish(st->be->replace_hash(st->impl, dl, login, old_phc, new_phc, err), err);
}

int naccs_store_set_flag(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 enum naccs_flag flag, bool on, const char *reason, const char *by,
			 struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0 && flag != NACCS_FLAG_LOCKED && flag != NACCS_FLAG_SUSPENDED &&
	    flag != NACCS_FLAG_MUST_CHANGE)
		rc = bad_arg(err, _("unknown flag"));
	if (rc == 0)
		rc = check_reason(reason, err);
	if (rc == 0)
		rc = check_actor(by, err);
	if (rc < 0)
		return rc;
	return finish(
	    st->be->set_flag(st->impl, dl, login, flag, on, reason != NULL ? reason : "", by, err),
	    err);
}

int naccs_store_retire(struct naccs_store *st, naccs_deadline_t dl, const char *login,
		       const char *reason, const char *by, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = check_reason(reason, err);
	if (rc == 0)
		rc = check_actor(by, err);
	if (rc < 0)
		return rc;
	return finish(st->be->retire(st->impl, dl, login, reason != NULL ? reason : "", by, err),
		      err);
}

/* ---- enumeration ----------------------------------------------------- */

/* Wraps the caller's callback so every listed identity is checked first. */
struct list_guard {
	naccs_store_list_fn cb;
	void *ctx;
	struct naccs_err *err;
	int cb_rc;
};

static int list_guard_cb(void *ctx, const struct naccs_identity *id,
			 const struct naccs_account_state *state)
{
	struct list_guard *g = ctx;
	int rc = check_stored_identity(id, g->err);

	if (rc < 0)
		return rc;
	g->cb_rc = g->cb(g->ctx, id, state);
	return g->cb_rc;
}

int naccs_store_read_begin(struct naccs_store *st, naccs_deadline_t dl, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc < 0)
		return rc;
	return st->be->read_begin(st->impl, dl, err);
}

int naccs_store_read_end(struct naccs_store *st, int rc, struct naccs_err *err)
{
	if (st == NULL || st->be == NULL)
		return rc;
	return st->be->read_end(st->impl, rc, err);
}

int naccs_store_list(struct naccs_store *st, naccs_deadline_t dl, naccs_store_list_fn cb, void *ctx,
		     struct naccs_err *err)
{
	struct list_guard g = {.cb = cb, .ctx = ctx, .err = err, .cb_rc = 0};
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && cb == NULL)
		rc = bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	rc = st->be->list(st->impl, dl, list_guard_cb, &g, err);
	if (rc < 0 && rc == g.cb_rc && (err == NULL || err->code == 0))
		rc = naccs_err_set(err, -rc, _("credential store: listing stopped by the caller"));
	return finish(rc, err);
}

int naccs_store_registry(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			 naccs_registry_fn cb, void *ctx, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, login != NULL, err);

	if (rc == 0 && cb == NULL)
		rc = bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	return finish(st->be->registry(st->impl, dl, login, cb, ctx, err), err);
}

/* ---- uids ------------------------------------------------------------ */

int naccs_store_next_free_uid(struct naccs_store *st, naccs_deadline_t dl, uint32_t from,
			      uint32_t max, uint32_t *uid, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && uid == NULL)
		rc = bad_arg(err, _("no output"));
	/* The same range rule as allocation in add_identity: never uid 0 and
	 * never the "no uid" value. */
	if (rc == 0 && (from == 0 || from > max || max == NACCS_UID_ALLOCATE))
		rc = bad_arg(err, _("invalid uid range for allocation"));
	if (rc < 0)
		return rc;
	return finish(st->be->next_free_uid(st->impl, dl, from, max, uid, err), err);
}

/* ---- the user's own change ------------------------------------------- */

int naccs_store_get_history(struct naccs_store *st, naccs_deadline_t dl, const char *login,
			    struct naccs_history_entry *out, size_t max, size_t *n,
			    struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0 && (n == NULL || (out == NULL && max > 0)))
		rc = bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	*n = 0;
	if (max == 0)
		return 0;
	rc = st->be->get_history(st->impl, dl, login, out, max, n, err);
	for (size_t i = 0; rc == 0 && i < *n; i++) {
		if (!phc_ok(out[i].phc))
			rc = naccs_err_set(err, EINVAL,
					   _("credential store: a history hash of '%s' is not a "
					     "PHC string"),
					   login);
	}
	if (rc < 0) {
		naccs_wipe(out, max * sizeof(*out));
		*n = 0;
	}
	return finish(rc, err);
}

int naccs_store_change_password(struct naccs_store *st, naccs_deadline_t dl, const char *login,
				const char *expected, const char *phc, unsigned keep_history,
				const char *by, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = check_phc(expected, err);
	if (rc == 0)
		rc = check_phc(phc, err);
	if (rc == 0)
		rc = check_actor(by, err);
	if (rc < 0)
		return rc;
	return finish(
	    st->be->change_password(st->impl, dl, login, expected, phc, keep_history, by, err),
	    err);
}

/* ---- groups ---------------------------------------------------------- */

/* A group name has the syntax of a login (it is published by NSS beside
 * them and named in rules). */
static int check_group_name(const char *name, struct naccs_err *err)
{
	if (name == NULL || !naccs_name_valid_login(name))
		return bad_arg(err, _("invalid group name (letters, digits, '_', '.', '-'; at most "
				      "32 bytes; starting with a letter or '_')"));
	return 0;
}

int naccs_store_group_add(struct naccs_store *st, naccs_deadline_t dl, struct naccs_group *g,
			  uint32_t gid_min, uint32_t gid_max, const char *by, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && (g == NULL || !text_ok(by, NACCS_WHO_MAX)))
		rc = bad_arg(err, _("no group or no actor"));
	if (rc == 0)
		rc = check_group_name(g->name, err);
	/* gid 0 is root's group: never issued here. */
	if (rc == 0 && g->gid == 0)
		rc = bad_arg(err, _("gid 0 is never issued"));
	if (rc == 0 && g->gid == NACCS_GID_ALLOCATE &&
	    (gid_min == 0 || gid_min > gid_max || gid_max == NACCS_GID_ALLOCATE))
		rc = bad_arg(err, _("invalid gid range for allocation"));
	if (rc < 0)
		return rc;
	return finish(st->be->group_add(st->impl, dl, g, gid_min, gid_max, by, err), err);
}

int naccs_store_group_del(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			  const char *reason, const char *by, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = check_group_name(name, err);
	if (rc == 0 &&
	    (!text_ok(by, NACCS_WHO_MAX) || (reason != NULL && !text_ok(reason, NACCS_TEXT_MAX))))
		rc = bad_arg(err, _("bad actor or reason"));
	if (rc < 0)
		return rc;
	return finish(st->be->group_del(st->impl, dl, name, reason, by, err), err);
}

int naccs_store_group_find(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			   struct naccs_group *out, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = check_group_name(name, err);
	if (rc == 0 && out == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return finish(st->be->group_find(st->impl, dl, name, out, err), err);
}

int naccs_store_group_list(struct naccs_store *st, naccs_deadline_t dl, naccs_group_fn cb,
			   void *ctx, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && cb == NULL)
		rc = bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	return finish(st->be->group_list(st->impl, dl, cb, ctx, err), err);
}

int naccs_store_group_members(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			      naccs_member_fn cb, void *ctx, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0)
		rc = check_group_name(name, err);
	if (rc == 0 && cb == NULL)
		rc = bad_arg(err, _("no callback"));
	if (rc < 0)
		return rc;
	return finish(st->be->group_members(st->impl, dl, name, cb, ctx, err), err);
}

int naccs_store_group_has_member(struct naccs_store *st, naccs_deadline_t dl, const char *name,
				 const char *login, bool *member, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = check_group_name(name, err);
	if (rc == 0 && member == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc < 0)
		return rc;
	return finish(st->be->group_has_member(st->impl, dl, name, login, member, err), err);
}

int naccs_store_group_member(struct naccs_store *st, naccs_deadline_t dl, const char *name,
			     const char *login, bool add, const char *by, struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0)
		rc = check_group_name(name, err);
	if (rc == 0 && !text_ok(by, NACCS_WHO_MAX))
		rc = bad_arg(err, _("bad actor"));
	if (rc < 0)
		return rc;
	return finish(st->be->group_member(st->impl, dl, name, login, add, by, err), err);
}

int naccs_store_next_free_gid(struct naccs_store *st, naccs_deadline_t dl, uint32_t from,
			      uint32_t max, uint32_t *gid, struct naccs_err *err)
{
	int rc = enter(st, &dl, NULL, false, err);

	if (rc == 0 && gid == NULL)
		rc = bad_arg(err, _("no output"));
	if (rc == 0 && (from == 0 || from > max || max == NACCS_GID_ALLOCATE))
		rc = bad_arg(err, _("invalid gid range for allocation"));
	if (rc < 0)
		return rc;
	return finish(st->be->next_free_gid(st->impl, dl, from, max, gid, err), err);
}

int naccs_store_set_staff_number(struct naccs_store *st, naccs_deadline_t dl, const char *login,
				 const char *staff_number, const char *allow_reason, const char *by,
				 struct naccs_err *err)
{
	int rc = enter(st, &dl, login, true, err);

	if (rc == 0 && !naccs_store_staff_number_ok(staff_number))
		rc = bad_arg(err, _("invalid staff number (printable, at most 32 bytes)"));
	if (rc == 0 && allow_reason != NULL && !text_ok(allow_reason, NACCS_SECOND_ID_MAX + 1))
		rc = bad_arg(err,
			     _("invalid reason for a second ID (printable, at most 192 bytes)"));
	if (rc == 0)
		rc = check_actor(by, err);
	if (rc < 0)
		return rc;
	return finish(st->be->set_staff_number(st->impl, dl, login, staff_number,
					       allow_reason != NULL ? allow_reason : "", by, err),
		      err);
}
