/* The store's checks of what goes in and comes out (store/internal.h):
 * arguments before any backend sees them, identities the backend returns
 * by the same rules. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/nametag.h"
#include "base/i18n.h"
#include "base/secret.h"
#include "base/text.h"
#include "store/backend.h"
#include "store/internal.h"
#include "store/store.h"

#define EVENT_NAME_MAX 32 /* struct naccs_registry_entry.event */

/* ---- checks ---------------------------------------------------------- */

/* No control characters (C1 included) and well-formed UTF-8: the text ends
 * up in passwd entries, reports and on terminals, where controls could forge
 * lines or drive the terminal (the rules of naccs_text_sanitize). */
static bool no_controls(const char *s)
{
	return naccs_text_is_clean(s, strlen(s), 0);
}

/* s is a NUL-terminated string of fewer than size bytes without controls. */
bool store_text_ok(const char *s, size_t size)
{
	return s != NULL && strnlen(s, size) < size && no_controls(s);
}

/* A field of a passwd entry: also no ':' (the field separator). */
static bool passwd_field_ok(const char *s, size_t size)
{
	return store_text_ok(s, size) && strchr(s, ':') == NULL;
}

static bool path_field_ok(const char *s, size_t size, bool may_be_empty)
{
	return passwd_field_ok(s, size) && ((may_be_empty && s[0] == '\0') || s[0] == '/');
}

/* A PHC string: $alg$params$salt$hash, printable ASCII without spaces. */
bool store_phc_ok(const char *phc)
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
bool store_event_ok(const char *ev)
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
	if (!store_text_ok(id->approval, sizeof(id->approval)) ||
	    (id->approval[0] != '\0' && id->kind != NACCS_KIND_SHARED))
		return _("invalid approval reference (shared IDs only; printable, at most 128 "
			 "bytes)");
	if (!store_text_ok(id->second_id_reason, sizeof(id->second_id_reason)))
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
	if (!store_text_ok(id->created_by, sizeof(id->created_by)))
		return _("invalid created_by");
	return registry_problem(id);
}

/* An identity returned by the backend: the same rules as for input. */
int store_check_stored_identity(const struct naccs_identity *id, struct naccs_err *err)
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

int store_bad_arg(struct naccs_err *err, const char *what)
{
	return naccs_err_set(err, EINVAL, _("credential store: %s"), what);
}

int store_check_login(const char *login, struct naccs_err *err)
{
	if (!naccs_name_valid_login(login))
		return store_bad_arg(
		    err, _("invalid login name (letters, digits, '_', '.', '-'; at most "
			   "32 bytes; starting with a letter or '_')"));
	return 0;
}

/* A login event from PAM items: strings must fit their fields; control
 * characters (a hostile rhost or tty) are replaced, not stored; a time of 0
 * means now. */
int store_clean_event(const struct naccs_login_event *in, struct naccs_login_event *out,
		      struct naccs_err *err)
{
	char *fields[] = {out->service, out->tty, out->rhost};
	size_t sizes[] = {sizeof(out->service), sizeof(out->tty), sizeof(out->rhost)};

	if (in == NULL)
		return store_bad_arg(err, _("no login event"));
	*out = *in;
	for (size_t f = 0; f < sizeof(sizes) / sizeof(sizes[0]); f++) {
		char clean[sizeof(out->rhost)]; /* the largest of the three */

		if (memchr(fields[f], '\0', sizes[f]) == NULL)
			return store_bad_arg(err, _("login event field not terminated"));
		/* The sanitised text is never longer than the original. */
		naccs_text_sanitize(fields[f], sizes[f], clean, sizeof(clean), 0);
		memcpy(fields[f], clean, strlen(clean) + 1);
	}
	if (out->at == 0)
		out->at = naccs_now_wall();
	return 0;
}

/* Free text recorded in the registry: NULL reads as "". */
int store_check_reason(const char *reason, struct naccs_err *err)
{
	if (reason != NULL && !store_text_ok(reason, NACCS_TEXT_MAX))
		return store_bad_arg(err,
				     _("reason or detail too long or with control characters"));
	return 0;
}

/* Who acts: an administrator's or a user's name, never empty. */
int store_check_actor(const char *by, struct naccs_err *err)
{
	if (!store_text_ok(by, NACCS_WHO_MAX) || by[0] == '\0')
		return store_bad_arg(err, _("missing or invalid actor (who makes the change)"));
	return 0;
}

int store_check_phc(const char *phc, struct naccs_err *err)
{
	if (!store_phc_ok(phc))
		return store_bad_arg(err, _("hash is not a PHC string that fits the store"));
	return 0;
}

/* A NACCS user ID as the store holds it (upper case), or -EINVAL. */
int store_normal_pair(const struct naccs_user_id *in, struct naccs_user_id *out,
		      struct naccs_err *err)
{
	if (memchr(in->code, '\0', sizeof(in->code)) == NULL ||
	    memchr(in->number, '\0', sizeof(in->number)) == NULL ||
	    naccs_name_normalize_code(in->code, out->code) < 0 ||
	    naccs_name_normalize_number(in->number, out->number) < 0)
		return store_bad_arg(err, _("invalid NACCS user code or identifying number"));
	return 0;
}

/* A found identity is checked before anyone sees it; on failure the output
 * is cleared so no half-valid record is used by mistake. */
int store_checked_identity(int rc, struct naccs_identity *out, struct naccs_err *err)
{
	if (rc == 0)
		rc = store_check_stored_identity(out, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return store_finish(rc, err);
}

int store_check_new_identity(const struct naccs_identity *id, uint32_t uid_min, uint32_t uid_max,
			     struct naccs_err *err)
{
	struct naccs_identity probe;
	const char *why;

	if (id == NULL)
		return store_bad_arg(err, _("no identity"));
	/* created_by/created_at are outputs: the issuer is recorded instead. */
	probe = *id;
	probe.created_by[0] = '\0';
	if (probe.uid == NACCS_UID_ALLOCATE)
		probe.uid = uid_min;
	why = identity_problem(&probe);
	if (why != NULL)
		return store_bad_arg(err, why);
	/* Allocation never hands out uid 0 (root) or the "no uid" value; uid 0
	 * itself may be registered explicitly (a shared ID such as root). */
	if (id->uid == NACCS_UID_ALLOCATE &&
	    (uid_min == 0 || uid_min > uid_max || uid_max == UINT32_MAX))
		return store_bad_arg(err, _("invalid uid range for allocation"));
	return 0;
}

/* A group name has the syntax of a login (it is published by NSS beside
 * them and named in rules). */
int store_check_group_name(const char *name, struct naccs_err *err)
{
	if (name == NULL || !naccs_name_valid_login(name))
		return store_bad_arg(
		    err, _("invalid group name (letters, digits, '_', '.', '-'; at most "
			   "32 bytes; starting with a letter or '_')"));
	return 0;
}

/* A successful call leaves no message behind (a backend may have noted a
 * failure it then recovered from, e.g. a retry after a busy lock). */
int store_finish(int rc, struct naccs_err *err)
{
	if (rc == 0)
		naccs_err_clear(err);
	return rc;
}

/* Common start of every call: a handle, a valid login (when one is
 * needed), and time left.  Resolves a deadline of 0 to the default. */
int store_enter(struct naccs_store *st, naccs_deadline_t *dl, const char *login, bool needs_login,
		struct naccs_err *err)
{
	naccs_err_clear(err);
	if (st == NULL || st->be == NULL)
		return store_bad_arg(err, _("no store handle"));
	if (needs_login && store_check_login(login, err) < 0)
		return -EINVAL;
	if (*dl == 0)
		*dl = naccs_deadline_in(st->default_ms);
	else if (naccs_deadline_left_ms(*dl) == 0)
		return naccs_err_set(err, ETIMEDOUT,
				     _("credential store: the deadline passed before the call"));
	return 0;
}
