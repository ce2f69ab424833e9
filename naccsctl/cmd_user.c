/* naccsctl user ...: issue IDs, reset passwords, show and list, lock,
 * suspend and retire.  Each action resolves the ID, does one store
 * operation, reports one "admin" event and prints one confirmation line. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "naccs_hash.h"
#include "naccs_i18n.h"
#include "naccs_name.h"
#include "naccs_secret.h"
#include "naccs_store.h"
#include "naccs_time.h"
#include "naccsctl.h"

#define SAFE_MAX	  (NACCS_TEXT_MAX * 4)
#define SECONDS_PER_DAY	  86400
#define INACTIVE_DAYS_MAX 36500UL

/* ---- shared steps ---- */

/* Exactly one positional argument (the ID) after the options. */
static int one_login_arg(const char *cmd, int argc, char **argv, const char **login)
{
	if (optind >= argc)
		return ctl_usage_error(cmd, _("missing LOGIN"));
	if (argc - optind > 1)
		return ctl_usage_error(cmd, _("unexpected argument '%s'"), argv[optind + 1]);
	*login = argv[optind];
	return CTL_EXIT_OK;
}

/* Resolve a name as the administrator typed it: the login itself, else a
 * NACCS form (ABCDE001, ABCDE-001, any case) through the user ID. */
static int resolve(struct ctl_ctx *ctx, const char *name, struct naccs_identity *id)
{
	struct naccs_user_id pair;
	struct naccs_err err;
	bool valid_login = naccs_name_valid_login(name);
	bool naccs_form = naccs_name_parse(name, &pair) == 0;
	int rc = -ENOENT;

	naccs_err_clear(&err);
	if (valid_login)
		rc = naccs_store_find(ctx->store, ctl_deadline(ctx), name, id, &err);
	if (rc == -ENOENT && naccs_form)
		rc = naccs_store_find_by_user_id(ctx->store, ctl_deadline(ctx), &pair, id, &err);
	if (rc < 0)
		return ctl_exit_for_store(rc, &err, name);
	return CTL_EXIT_OK;
}

/* The private state without its hash: naccsctl never needs it and never
 * shows it (UTS-2.2.1.1(1)(e)(イ): there is no reveal function). */
static int load_state(struct ctl_ctx *ctx, const char *login, struct naccs_account_state *st)
{
	struct naccs_err err;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_store_get_state(ctx->store, ctl_deadline(ctx), login, st, &err);
	naccs_wipe(st->phc, sizeof(st->phc));
	if (rc < 0)
		return ctl_exit_for_store(rc, &err, login);
	return CTL_EXIT_OK;
}

/* Open the store, resolve the ID and read its state. */
static int open_and_resolve(struct ctl_ctx *ctx, bool read_only, const char *name,
			    struct naccs_identity *id, struct naccs_account_state *st)
{
	int rc = ctl_open_store(ctx, read_only);

	if (rc == CTL_EXIT_OK)
		rc = resolve(ctx, name, id);
	if (rc == CTL_EXIT_OK && st != NULL)
		rc = load_state(ctx, id->login, st);
	return rc;
}

static int refuse_retired(struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id)
{
	ctl_error(_("%s is retired; a retired ID cannot be changed or used again"), id->login);
	ctl_emit(ctx, action, "error", "retired", id, NULL, NULL);
	return CTL_EXIT_FAIL;
}

static void user_id_text(const struct naccs_identity *id, char *out, size_t outlen)
{
	if (id->user_code[0] != '\0')
		snprintf(out, outlen, "%s-%s", id->user_code, id->id_number);
	else
		snprintf(out, outlen, "-");
}

static const char *kind_name(enum naccs_id_kind kind)
{
	return kind == NACCS_KIND_SHARED ? "shared" : "individual";
}

/* ---- one-time passwords (issue and reset) ---- */

/* UTS-2.2.1.3(2)(a): a random initial secret, changed at first logon.  The
 * value is hashed here and shown once by the caller; only the hash reaches
 * the store (UTS-2.2.1.1(1)(e)(イ)). */
static int new_otp_hash(struct ctl_ctx *ctx, char otp[CTL_OTP_LEN + 1], char phc[NACCS_PHC_MAX])
{
	struct naccs_err err;
	int rc;

	rc = ctl_make_otp(otp, CTL_OTP_LEN + 1);
	if (rc < 0) {
		ctl_error(_("cannot generate a one-time password: %s"), strerror(-rc));
		return CTL_EXIT_FAIL;
	}
	naccs_err_clear(&err);
	rc = naccs_hash_new(&ctx->cfg.hash, otp, phc, &err);
	if (rc < 0) {
		naccs_wipe(otp, CTL_OTP_LEN + 1);
		naccs_wipe(phc, NACCS_PHC_MAX);
		ctl_error(_("cannot hash the one-time password: %s"), err.msg);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static int show_otp(const struct ctl_ctx *ctx, const struct naccs_identity *id, const char *otp,
		    const char *what)
{
	char uid_text[32];
	int rc;

	user_id_text(id, uid_text, sizeof(uid_text));
	if (ctx->json) {
		printf("{\"login\":");
		ctl_json_str(stdout, id->login);
		printf(",\"user_code\":");
		ctl_json_str(stdout, id->user_code[0] != '\0' ? id->user_code : NULL);
		printf(",\"id_number\":");
		ctl_json_str(stdout, id->id_number[0] != '\0' ? id->id_number : NULL);
		printf(",\"uid\":%lu,\"gid\":%lu,\"kind\":\"%s\",\"admin\":%s,",
		       (unsigned long)id->uid, (unsigned long)id->gid, kind_name(id->kind),
		       id->admin ? "true" : "false");
		/* The alphabet has no character JSON would need to escape. */
		rc = ctl_print_secret("\"one_time_password\":\"%s\",", otp);
		printf("\"must_change\":true}\n");
		return rc;
	}
	printf(_("%s %s (%s), uid %lu, gid %lu, %s%s\n"), what, id->login, uid_text,
	       (unsigned long)id->uid, (unsigned long)id->gid,
	       id->kind == NACCS_KIND_SHARED ? _("shared ID") : _("individual ID"),
	       id->admin ? _(", administrator") : "");
	rc = ctl_print_secret(_("one-time password: %s\n"), otp);
	printf(_("It must be changed at first login and is shown only now.\n"));
	return rc;
}

/* ---- user add ---- */

struct add_options {
	const char *code, *number, *login, *name, *home, *shell, *issued_to;
	bool shared, admin;
	bool has_uid, has_gid;
	unsigned long uid, gid;
};

enum {
	OPT_CODE = 0x100,
	OPT_NUMBER,
	OPT_LOGIN,
	OPT_SHARED,
	OPT_ADMIN,
	OPT_UID,
	OPT_GID,
	OPT_NAME,
	OPT_HOME,
	OPT_SHELL,
	OPT_ISSUED_TO,
	OPT_JSON,
	OPT_REASON,
	OPT_YES,
	OPT_LOCKED,
	OPT_SUSPENDED,
	OPT_RETIRED,
	OPT_MUST_CHANGE,
	OPT_INACTIVE,
};

static int parse_add_options(struct ctl_ctx *ctx, int argc, char **argv, struct add_options *o)
{
	static const struct option opts[] = {
	    {"user-code", required_argument, NULL, OPT_CODE},
	    {"id-number", required_argument, NULL, OPT_NUMBER},
	    {"login", required_argument, NULL, OPT_LOGIN},
	    {"shared", no_argument, NULL, OPT_SHARED},
	    {"admin", no_argument, NULL, OPT_ADMIN},
	    {"uid", required_argument, NULL, OPT_UID},
	    {"gid", required_argument, NULL, OPT_GID},
	    {"name", required_argument, NULL, OPT_NAME},
	    {"home", required_argument, NULL, OPT_HOME},
	    {"shell", required_argument, NULL, OPT_SHELL},
	    {"issued-to", required_argument, NULL, OPT_ISSUED_TO},
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CODE:
			o->code = optarg;
			break;
		case OPT_NUMBER:
			o->number = optarg;
			break;
		case OPT_LOGIN:
			o->login = optarg;
			break;
		case OPT_SHARED:
			o->shared = true;
			break;
		case OPT_ADMIN:
			o->admin = true;
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_HOME:
			o->home = optarg;
			break;
		case OPT_SHELL:
			o->shell = optarg;
			break;
		case OPT_ISSUED_TO:
			o->issued_to = optarg;
			break;
		case OPT_JSON:
			ctx->json = true;
			break;
		case OPT_UID:
			if (ctl_parse_uint(optarg, UINT32_MAX - 1, &o->uid) < 0)
				return ctl_usage_error("user add",
						       _("--uid: not a usable uid: '%s'"), optarg);
			o->has_uid = true;
			break;
		case OPT_GID:
			if (ctl_parse_uint(optarg, UINT32_MAX - 1, &o->gid) < 0)
				return ctl_usage_error("user add", _("--gid: not a gid: '%s'"),
						       optarg);
			o->has_gid = true;
			break;
		default:
			return ctl_bad_option("user add", c, argv, optind);
		}
	}
	if (optind < argc)
		return ctl_usage_error("user add", _("unexpected argument '%s'"), argv[optind]);
	return CTL_EXIT_OK;
}

/* Text that ends up in the passwd line NSS publishes: no field separator,
 * no control characters. */
static bool passwd_field_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == ':' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int copy_field(const char *opt, const char *value, char *out, size_t outlen, bool path)
{
	if (!passwd_field_ok(value) || (path && value[0] != '/'))
		return ctl_usage_error("user add", _("%s: not a valid value"), opt);
	if ((size_t)snprintf(out, outlen, "%s", value) >= outlen)
		return ctl_usage_error("user add", _("%s: too long"), opt);
	return CTL_EXIT_OK;
}

/* The user code and identifying number: both or neither; individual IDs
 * need them (one ID per person, UTS-2.2.1.3(2)(g)(ア)). */
static int add_user_id(const struct add_options *o, struct naccs_identity *id)
{
	if (o->code == NULL && o->number == NULL) {
		if (!o->shared)
			return ctl_usage_error("user add", _("an individual ID needs --user-code "
							     "and --id-number"));
		return CTL_EXIT_OK;
	}
	if (o->code == NULL || o->number == NULL)
		return ctl_usage_error("user add", _("give both --user-code and --id-number"));
	if (naccs_name_normalize_code(o->code, id->user_code) < 0)
		return ctl_usage_error(
		    "user add", _("not a user code: '%s' (5 or 7 letters or digits)"), o->code);
	if (naccs_name_normalize_number(o->number, id->id_number) < 0)
		return ctl_usage_error("user add",
				       _("not an identifying number: '%s' (3 letters or digits)"),
				       o->number);
	return CTL_EXIT_OK;
}

static int add_login(const struct ctl_ctx *ctx, const struct add_options *o,
		     struct naccs_identity *id)
{
	struct naccs_user_id pair;

	if (o->login == NULL) {
		if (o->shared)
			return ctl_usage_error("user add", _("a shared ID needs --login"));
		snprintf(pair.code, sizeof(pair.code), "%s", id->user_code);
		snprintf(pair.number, sizeof(pair.number), "%s", id->id_number);
		if (naccs_name_format(&pair, ctx->cfg.login_format, id->login, sizeof(id->login)) <
		    0)
			return ctl_usage_error("user add", _("the login name would be too long"));
		return CTL_EXIT_OK;
	}
	if (!naccs_name_valid_login(o->login))
		return ctl_usage_error("user add", _("not a valid login name: '%s'"), o->login);
	/* An individual ID's own login that reads as another NACCS user ID
	 * would make look-ups by the NACCS form find the wrong account. */
	if (!o->shared && naccs_name_parse(o->login, &pair) == 0 &&
	    (strcmp(pair.code, id->user_code) != 0 || strcmp(pair.number, id->id_number) != 0))
		return ctl_usage_error("user add",
				       _("login '%s' reads as another NACCS user ID (%s-%s)"),
				       o->login, pair.code, pair.number);
	snprintf(id->login, sizeof(id->login), "%s", o->login);
	return CTL_EXIT_OK;
}

static int build_identity(const struct ctl_ctx *ctx, const struct add_options *o,
			  struct naccs_identity *id)
{
	int rc;

	memset(id, 0, sizeof(*id));
	id->kind = o->shared ? NACCS_KIND_SHARED : NACCS_KIND_INDIVIDUAL;
	id->admin = o->admin;
	rc = add_user_id(o, id);
	if (rc == CTL_EXIT_OK)
		rc = add_login(ctx, o, id);
	if (rc == CTL_EXIT_OK)
		rc = copy_field("--name", o->name != NULL ? o->name : "", id->gecos,
				sizeof(id->gecos), false);
	if (rc == CTL_EXIT_OK)
		rc = copy_field("--shell", o->shell != NULL ? o->shell : ctx->cfg.shell, id->shell,
				sizeof(id->shell), true);
	if (rc == CTL_EXIT_OK && o->home != NULL)
		rc = copy_field("--home", o->home, id->home, sizeof(id->home), true);
	if (rc == CTL_EXIT_OK && o->home == NULL &&
	    (size_t)snprintf(id->home, sizeof(id->home), "%s/%s", ctx->cfg.home_base, id->login) >=
		sizeof(id->home))
		rc = ctl_usage_error("user add", _("the home directory would be too long"));
	if (rc != CTL_EXIT_OK)
		return rc;
	id->uid = o->has_uid ? (uint32_t)o->uid : NACCS_UID_ALLOCATE;
	id->gid = o->has_gid ? (uint32_t)o->gid : ctx->cfg.default_gid;
	snprintf(id->created_by, sizeof(id->created_by), "%s", ctx->actor);
	id->created_at = naccs_now_wall();
	return CTL_EXIT_OK;
}

/* UTS-2.2.1.3(2)(g)(イ): the registry records to whom the ID was issued. */
static void default_issued_to(const struct naccs_identity *id, char *out, size_t outlen)
{
	char uid_text[32];

	user_id_text(id, uid_text, sizeof(uid_text));
	/* A name too long for "NAME (CODE-NUMBER)" is recorded alone rather
	 * than cut in the middle of a character. */
	if (id->gecos[0] != '\0' && id->user_code[0] != '\0' &&
	    (size_t)snprintf(out, outlen, "%s (%s)", id->gecos, uid_text) < outlen)
		return;
	if (id->gecos[0] != '\0')
		snprintf(out, outlen, "%s", id->gecos);
	else if (id->user_code[0] != '\0')
		snprintf(out, outlen, "%s", uid_text);
	else
		snprintf(out, outlen, "%s", id->login);
}

/* A shared login may look like a NACCS user ID ("opsadmin" reads as
 * OPSAD-MIN): refused only when that user ID is issued, since look-ups by the
 * NACCS form would then be ambiguous. */
static int check_login_collision(struct ctl_ctx *ctx, const struct naccs_identity *id)
{
	struct naccs_user_id pair;
	struct naccs_identity other;
	struct naccs_err err;
	int rc;

	if (naccs_name_parse(id->login, &pair) != 0 ||
	    (strcmp(pair.code, id->user_code) == 0 && strcmp(pair.number, id->id_number) == 0))
		return CTL_EXIT_OK;
	naccs_err_clear(&err);
	rc = naccs_store_find_by_user_id(ctx->store, ctl_deadline(ctx), &pair, &other, &err);
	if (rc == -ENOENT)
		return CTL_EXIT_OK;
	if (rc < 0)
		return ctl_exit_for_store(rc, &err, id->login);
	ctl_error(_("login '%s' reads as the NACCS user ID of %s; choose another login"), id->login,
		  other.login);
	return CTL_EXIT_FAIL;
}

/* After the store answered: the error, or the event and the password. */
static int report_issue(struct ctl_ctx *ctx, int rc, const struct naccs_err *err,
			const struct naccs_identity *id, const char *otp, const char *issued_to)
{
	if (rc == -EEXIST) {
		/* UTS-2.2.1.3(2)(g)(ウ): the store keeps retired IDs as tombstones. */
		ctl_error("%s: %s (%s)", id->login,
			  _("ID already issued (IDs are never re-issued, UTS-2.2.1.3(2)(g)(ウ))"),
			  err->msg);
		ctl_emit(ctx, "user-add", "error", "exists", id, NULL, NULL);
		return CTL_EXIT_FAIL;
	}
	if (rc < 0) {
		ctl_emit(ctx, "user-add", "error", "store", id, NULL, NULL);
		return ctl_exit_for_store(rc, err, id->login);
	}
	rc = CTL_EXIT_OK;
	if (ctl_emit(ctx, "user-add", "done", NULL, id, NULL, issued_to) < 0)
		rc = CTL_EXIT_FAIL;
	/* The ID exists now: its one-time password must be shown. */
	if (show_otp(ctx, id, otp, _("issued")) < 0) {
		ctl_error(_("could not print the one-time password; reset it with "
			    "'user passwd %s'"),
			  id->login);
		rc = CTL_EXIT_FAIL;
	}
	return rc;
}

static int user_add(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct add_options o = {0};
	struct naccs_identity id;
	struct naccs_err err;
	char issued_to[NACCS_TEXT_MAX];
	char otp[CTL_OTP_LEN + 1];
	char phc[NACCS_PHC_MAX];
	int rc;

	rc = parse_add_options(ctx, argc, argv, &o);
	if (rc == CTL_EXIT_OK)
		rc = build_identity(ctx, &o, &id);
	if (rc == CTL_EXIT_OK && o.issued_to != NULL)
		rc = copy_field("--issued-to", o.issued_to, issued_to, sizeof(issued_to), false);
	else if (rc == CTL_EXIT_OK)
		default_issued_to(&id, issued_to, sizeof(issued_to));
	if (rc == CTL_EXIT_OK)
		rc = ctl_open_store(ctx, false);
	if (rc == CTL_EXIT_OK)
		rc = check_login_collision(ctx, &id);
	if (rc == CTL_EXIT_OK)
		rc = new_otp_hash(ctx, otp, phc);
	if (rc != CTL_EXIT_OK)
		return rc;

	naccs_err_clear(&err);
	/* Issued with must_change: the holder replaces it at first logon. */
	rc = naccs_store_add_identity(ctx->store, ctl_deadline(ctx), &id, ctx->cfg.uid_min,
				      ctx->cfg.uid_max, phc, true, ctx->actor, issued_to, &err);
	naccs_wipe(phc, sizeof(phc));
	rc = report_issue(ctx, rc, &err, &id, otp, issued_to);
	naccs_wipe(otp, sizeof(otp));
	return rc;
}

/* ---- user passwd ---- */

static int parse_json_only(const char *cmd, struct ctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_JSON)
			return ctl_bad_option(cmd, c, argv, optind);
		ctx->json = true;
	}
	return CTL_EXIT_OK;
}

/* An administrator's reset: a new random one-time value that must be
 * changed at next login; never read from argv or the environment
 * (UTS-2.2.1.1(1)(e)(イ)). */
static int user_passwd(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	struct naccs_err err;
	char otp[CTL_OTP_LEN + 1];
	char phc[NACCS_PHC_MAX];
	const char *name;
	int rc;

	rc = parse_json_only("user passwd", ctx, argc, argv);
	if (rc == CTL_EXIT_OK)
		rc = one_login_arg("user passwd", argc, argv, &name);
	if (rc == CTL_EXIT_OK)
		rc = open_and_resolve(ctx, false, name, &id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (st.retired)
		return refuse_retired(ctx, "password-reset", &id);
	rc = new_otp_hash(ctx, otp, phc);
	if (rc != CTL_EXIT_OK)
		return rc;

	naccs_err_clear(&err);
	rc = naccs_store_set_password(ctx->store, ctl_deadline(ctx), id.login, phc, true,
				      PASSWORD_HISTORY_DEFAULT, "password-reset", ctx->actor, &err);
	naccs_wipe(phc, sizeof(phc));
	if (rc < 0) {
		ctl_emit(ctx, "password-reset", "error", "store", &id, NULL, NULL);
		rc = ctl_exit_for_store(rc, &err, id.login);
	} else {
		rc = CTL_EXIT_OK;
		if (ctl_emit(ctx, "password-reset", "done", NULL, &id, NULL, NULL) < 0)
			rc = CTL_EXIT_FAIL;
		if (show_otp(ctx, &id, otp, _("password reset for")) < 0)
			rc = CTL_EXIT_FAIL;
	}
	naccs_wipe(otp, sizeof(otp));
	return rc;
}

/* ---- user show ---- */

struct registry_lines {
	struct naccs_registry_entry *v;
	size_t n, cap;
};

static int collect_registry(void *ctx, const struct naccs_registry_entry *e)
{
	struct registry_lines *r = ctx;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct naccs_registry_entry *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *e;
	return 0;
}

static void text_line(const char *label, const char *value)
{
	char safe[SAFE_MAX];

	ctl_safe(value, safe, sizeof(safe));
	printf("%-24s %s\n", label, safe);
}

static void text_event_line(const char *label, bool present, const struct naccs_login_event *ev)
{
	char when[64], line[SAFE_MAX];

	if (!present) {
		text_line(label, _("never"));
		return;
	}
	ctl_time_text(true, ev->at, when, sizeof(when));
	snprintf(line, sizeof(line), _("%s, service %s, tty %s, from %s"), when,
		 ev->service[0] ? ev->service : "-", ev->tty[0] ? ev->tty : "-",
		 ev->rhost[0] ? ev->rhost : "-");
	text_line(label, line);
}

static void text_flag_line(const char *label, bool on, int64_t at, const char *reason)
{
	char when[64], line[SAFE_MAX];

	if (!on) {
		text_line(label, _("no"));
		return;
	}
	ctl_time_text(at != 0, at, when, sizeof(when));
	if (reason != NULL && reason[0] != '\0')
		snprintf(line, sizeof(line), _("yes, since %s (%s)"), when, reason);
	else
		snprintf(line, sizeof(line), _("yes, since %s"), when);
	text_line(label, line);
}

static void show_identity_text(const struct naccs_identity *id)
{
	char buf[SAFE_MAX], when[64];

	text_line(_("login:"), id->login);
	text_line(_("user code:"), id->user_code[0] ? id->user_code : "-");
	text_line(_("identifying number:"), id->id_number[0] ? id->id_number : "-");
	snprintf(buf, sizeof(buf), "%lu / %lu", (unsigned long)id->uid, (unsigned long)id->gid);
	text_line(_("uid / gid:"), buf);
	text_line(_("name:"), id->gecos);
	text_line(_("home:"), id->home);
	text_line(_("shell:"), id->shell);
	snprintf(buf, sizeof(buf), "%s%s",
		 id->kind == NACCS_KIND_SHARED ? _("shared ID") : _("individual ID"),
		 id->admin ? _(", administrator") : "");
	text_line(_("kind:"), buf);
	ctl_time_text(true, id->created_at, when, sizeof(when));
	snprintf(buf, sizeof(buf), _("%s by %s"), when, id->created_by);
	text_line(_("issued:"), buf);
}

static void show_state_text(const struct naccs_account_state *st)
{
	char buf[SAFE_MAX], when[64];

	ctl_time_text(st->has_password && st->password_changed_at != 0, st->password_changed_at,
		      when, sizeof(when));
	text_line(_("password changed:"), st->has_password ? when : _("no password"));
	text_line(_("must change password:"), st->must_change ? _("yes") : _("no"));
	text_flag_line(_("locked:"), st->locked, st->locked_at, st->lock_reason);
	text_flag_line(_("suspended:"), st->suspended, st->suspended_at, st->suspend_reason);
	text_flag_line(_("retired:"), st->retired, st->retired_at, NULL);
	text_event_line(_("last login:"), st->has_last_success, &st->last_success);
	snprintf(buf, sizeof(buf), "%lu", (unsigned long)st->failures_since_success);
	text_line(_("failures since:"), buf);
	text_event_line(_("last failure:"), st->has_last_failure, &st->last_failure);
}

static void show_registry_text(const struct registry_lines *r)
{
	char when[64], by[SAFE_MAX], detail[SAFE_MAX];

	printf("%s\n", _("registry:"));
	for (size_t i = 0; i < r->n; i++) {
		ctl_time_text(true, r->v[i].at, when, sizeof(when));
		ctl_safe(r->v[i].by, by, sizeof(by));
		ctl_safe(r->v[i].detail, detail, sizeof(detail));
		printf("  %s  %-14s %s %s%s%s\n", when, r->v[i].event, _("by"), by,
		       detail[0] ? "  " : "", detail);
	}
}

static void json_key(const char *key, bool first)
{
	printf("%s\"%s\":", first ? "" : ",", key);
}

static void json_str_field(const char *key, const char *value)
{
	json_key(key, false);
	ctl_json_str(stdout, value != NULL && value[0] != '\0' ? value : NULL);
}

static void json_bool_field(const char *key, bool value)
{
	json_key(key, false);
	fputs(value ? "true" : "false", stdout);
}

static void json_time_field(const char *key, bool present, int64_t t)
{
	json_key(key, false);
	ctl_json_time(stdout, present, t);
}

static void json_event_field(const char *key, bool present, const struct naccs_login_event *ev)
{
	json_key(key, false);
	if (!present) {
		fputs("null", stdout);
		return;
	}
	printf("{\"at\":%lld", (long long)ev->at);
	json_str_field("service", ev->service);
	json_str_field("tty", ev->tty);
	json_str_field("rhost", ev->rhost);
	putchar('}');
}

/* The identity fields, shared by show and list (no braces). */
static void json_identity_fields(const struct naccs_identity *id)
{
	json_key("login", true);
	ctl_json_str(stdout, id->login);
	json_str_field("user_code", id->user_code);
	json_str_field("id_number", id->id_number);
	printf(",\"uid\":%lu,\"gid\":%lu", (unsigned long)id->uid, (unsigned long)id->gid);
	json_str_field("gecos", id->gecos);
	json_str_field("home", id->home);
	json_str_field("shell", id->shell);
	json_str_field("kind", kind_name(id->kind));
	json_bool_field("admin", id->admin);
	json_str_field("created_by", id->created_by);
	json_time_field("created_at", true, id->created_at);
}

static void json_state_fields(const struct naccs_account_state *st, bool first)
{
	json_key("has_password", first);
	fputs(st->has_password ? "true" : "false", stdout);
	json_time_field("password_changed_at", st->has_password && st->password_changed_at != 0,
			st->password_changed_at);
	json_bool_field("must_change", st->must_change);
	json_bool_field("locked", st->locked);
	json_time_field("locked_at", st->locked, st->locked_at);
	json_str_field("lock_reason", st->locked ? st->lock_reason : NULL);
	json_bool_field("suspended", st->suspended);
	json_time_field("suspended_at", st->suspended, st->suspended_at);
	json_str_field("suspend_reason", st->suspended ? st->suspend_reason : NULL);
	json_bool_field("retired", st->retired);
	json_time_field("retired_at", st->retired, st->retired_at);
	json_event_field("last_login", st->has_last_success, &st->last_success);
	printf(",\"failures_since_login\":%lu", (unsigned long)st->failures_since_success);
	json_event_field("last_failure", st->has_last_failure, &st->last_failure);
}

static void show_json(const struct naccs_identity *id, const struct naccs_account_state *st,
		      const struct registry_lines *r)
{
	putchar('{');
	json_identity_fields(id);
	printf(",\"state\":{");
	json_state_fields(st, true);
	printf("},\"registry\":[");
	for (size_t i = 0; i < r->n; i++) {
		printf("%s{\"at\":%lld", i ? "," : "", (long long)r->v[i].at);
		json_str_field("event", r->v[i].event);
		json_str_field("by", r->v[i].by);
		json_str_field("detail", r->v[i].detail);
		putchar('}');
	}
	printf("]}\n");
}

/* Never the hash (UTS-2.2.1.1(1)(e)(イ)); the registry lines are the
 * record of who was given the ID and what changed (UTS-2.2.1.3(2)(g)(イ)). */
static int user_show(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	struct registry_lines reg = {0};
	struct naccs_err err;
	const char *name;
	int rc;

	rc = parse_json_only("user show", ctx, argc, argv);
	if (rc == CTL_EXIT_OK)
		rc = one_login_arg("user show", argc, argv, &name);
	if (rc == CTL_EXIT_OK)
		rc = open_and_resolve(ctx, true, name, &id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	naccs_err_clear(&err);
	rc = naccs_store_registry(ctx->store, ctl_deadline(ctx), id.login, collect_registry, &reg,
				  &err);
	if (rc < 0) {
		rc = ctl_exit_for_store(rc, &err, id.login);
	} else {
		rc = CTL_EXIT_OK;
		if (ctx->json) {
			show_json(&id, &st, &reg);
		} else {
			show_identity_text(&id);
			show_state_text(&st);
			show_registry_text(&reg);
		}
	}
	free(reg.v);
	ctl_emit(ctx, "user-show", rc == CTL_EXIT_OK ? "done" : "error", NULL, &id, NULL, NULL);
	return rc;
}

/* ---- user list ---- */

struct list_filter {
	bool locked, suspended, retired, must_change;
	bool inactive;
	int64_t inactive_before; /* last activity before this wall time */
	struct ctl_ctx *ctx;
	size_t shown;
};

static int parse_list_options(struct ctl_ctx *ctx, int argc, char **argv, struct list_filter *f)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"locked", no_argument, NULL, OPT_LOCKED},
	    {"suspended", no_argument, NULL, OPT_SUSPENDED},
	    {"retired", no_argument, NULL, OPT_RETIRED},
	    {"must-change", no_argument, NULL, OPT_MUST_CHANGE},
	    {"inactive", required_argument, NULL, OPT_INACTIVE},
	    {NULL, 0, NULL, 0},
	};
	unsigned long days;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			ctx->json = true;
			break;
		case OPT_LOCKED:
			f->locked = true;
			break;
		case OPT_SUSPENDED:
			f->suspended = true;
			break;
		case OPT_RETIRED:
			f->retired = true;
			break;
		case OPT_MUST_CHANGE:
			f->must_change = true;
			break;
		case OPT_INACTIVE:
			if (ctl_parse_uint(optarg, INACTIVE_DAYS_MAX, &days) < 0)
				return ctl_usage_error("user list",
						       _("--inactive: not a number of days: '%s'"),
						       optarg);
			f->inactive = true;
			f->inactive_before = naccs_now_wall() - (int64_t)days * SECONDS_PER_DAY;
			break;
		default:
			return ctl_bad_option("user list", c, argv, optind);
		}
	}
	if (optind < argc)
		return ctl_usage_error("user list", _("unexpected argument '%s'"), argv[optind]);
	return CTL_EXIT_OK;
}

/* UTS-2.2.1.3(2)(d): the periodic review of unneeded IDs.  An ID that never
 * logged in counts from the day it was issued. */
static bool list_match(const struct list_filter *f, const struct naccs_identity *id,
		       const struct naccs_account_state *st)
{
	int64_t last = st->has_last_success ? st->last_success.at : id->created_at;

	if ((f->locked && !st->locked) || (f->suspended && !st->suspended) ||
	    (f->retired && !st->retired) || (f->must_change && !st->must_change))
		return false;
	return !f->inactive || last <= f->inactive_before;
}

static void status_words(const struct naccs_account_state *st, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s%s%s", st->locked ? "locked," : "",
		 st->suspended ? "suspended," : "", st->retired ? "retired," : "",
		 st->must_change ? "must-change," : "");
	if (out[0] == '\0')
		snprintf(out, outlen, "active");
	else
		out[strlen(out) - 1] = '\0';
}

static void list_one_text(const struct naccs_identity *id, const struct naccs_account_state *st)
{
	char uid_text[32], kind[32], status[64], last[64];

	user_id_text(id, uid_text, sizeof(uid_text));
	snprintf(kind, sizeof(kind), "%s%s", kind_name(id->kind), id->admin ? ",admin" : "");
	status_words(st, status, sizeof(status));
	if (st->has_last_success)
		ctl_time_text(true, st->last_success.at, last, sizeof(last));
	else
		snprintf(last, sizeof(last), "%s", _("never"));
	printf("%-16s %-12s %7lu  %-16s %-24s %s\n", id->login, uid_text, (unsigned long)id->uid,
	       kind, status, last);
}

static int list_one(void *arg, const struct naccs_identity *id,
		    const struct naccs_account_state *st)
{
	struct list_filter *f = arg;

	if (!list_match(f, id, st))
		return 0;
	if (f->ctx->json) {
		printf("%s\n{", f->shown ? "," : "");
		json_identity_fields(id);
		json_state_fields(st, false);
		putchar('}');
	} else {
		list_one_text(id, st);
	}
	f->shown++;
	return 0;
}

static int user_list(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct list_filter f = {.ctx = ctx};
	struct naccs_err err;
	int rc;

	rc = parse_list_options(ctx, argc, argv, &f);
	if (rc == CTL_EXIT_OK)
		rc = ctl_open_store(ctx, true);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (ctx->json)
		putchar('[');
	else
		printf("%-16s %-12s %7s  %-16s %-24s %s\n", _("LOGIN"), _("USER-ID"), _("UID"),
		       _("KIND"), _("STATUS"), _("LAST-LOGIN"));
	naccs_err_clear(&err);
	rc = naccs_store_list(ctx->store, ctl_deadline(ctx), list_one, &f, &err);
	if (ctx->json)
		printf("%s]\n", f.shown ? "\n" : "");
	if (rc < 0)
		rc = ctl_exit_for_store(rc, &err, ctx->cfg.store_path);
	else
		rc = CTL_EXIT_OK;
	ctl_emit(ctx, "user-list", rc == CTL_EXIT_OK ? "done" : "error", NULL, NULL, NULL, NULL);
	return rc;
}

/* ---- lock, unlock, suspend, unsuspend ---- */

struct flag_action {
	const char *cmd;    /* "user lock" */
	const char *action; /* event action */
	enum naccs_flag flag;
	bool on;
	bool takes_reason, needs_reason;
	const char *done_msg; /* printed after "LOGIN: " */
	const char *same_msg;
};

static const struct flag_action flag_actions[] = {
    {"user lock", "lock", NACCS_FLAG_LOCKED, true, true, false, N_("locked"),
     N_("already locked; nothing changed")},
    {"user unlock", "unlock", NACCS_FLAG_LOCKED, false, false, false,
     N_("unlocked (failure count cleared)"), N_("not locked; nothing changed")},
    {"user suspend", "suspend", NACCS_FLAG_SUSPENDED, true, true, true,
     N_("suspended, effective immediately"), N_("already suspended; nothing changed")},
    {"user unsuspend", "unsuspend", NACCS_FLAG_SUSPENDED, false, false, false,
     N_("suspension lifted"), N_("not suspended; nothing changed")},
};

static int parse_reason_options(const char *cmd, bool takes_reason, bool takes_yes, int argc,
				char **argv, const char **reason, bool *yes)
{
	static const struct option opts[] = {
	    {"reason", required_argument, NULL, OPT_REASON},
	    {"yes", no_argument, NULL, OPT_YES},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == OPT_REASON && takes_reason) {
			if (!passwd_field_ok(optarg) || strlen(optarg) >= NACCS_TEXT_MAX)
				return ctl_usage_error(cmd, _("--reason: not a valid reason"));
			*reason = optarg;
		} else if (c == OPT_YES && takes_yes) {
			*yes = true;
		} else {
			return ctl_bad_option(cmd, c, argv, optind);
		}
	}
	return CTL_EXIT_OK;
}

static bool flag_is_on(enum naccs_flag flag, const struct naccs_account_state *st)
{
	switch (flag) {
	case NACCS_FLAG_LOCKED:
		return st->locked;
	case NACCS_FLAG_SUSPENDED:
		return st->suspended;
	case NACCS_FLAG_MUST_CHANGE:
		return st->must_change;
	}
	return false;
}

/* UTS-2.2.1.1(1)(d): a suspension is committed before this returns, and the
 * PAM module reads the store on every attempt (no cache), so it takes
 * effect at once. */
static int flag_command(struct ctl_ctx *ctx, const struct flag_action *fa, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	struct naccs_err err;
	const char *name, *reason = NULL;
	int rc;

	rc = parse_reason_options(fa->cmd, fa->takes_reason, false, argc, argv, &reason, NULL);
	if (rc == CTL_EXIT_OK)
		rc = one_login_arg(fa->cmd, argc, argv, &name);
	if (rc == CTL_EXIT_OK && fa->needs_reason && (reason == NULL || reason[0] == '\0'))
		rc = ctl_usage_error(fa->cmd, _("--reason is required"));
	if (rc == CTL_EXIT_OK)
		rc = open_and_resolve(ctx, false, name, &id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (st.retired)
		return refuse_retired(ctx, fa->action, &id);
	if (flag_is_on(fa->flag, &st) == fa->on) {
		printf("%s: %s\n", id.login, _(fa->same_msg));
		ctl_emit(ctx, fa->action, "done", "unchanged", &id, NULL, reason);
		return CTL_EXIT_OK;
	}
	naccs_err_clear(&err);
	rc = naccs_store_set_flag(ctx->store, ctl_deadline(ctx), id.login, fa->flag, fa->on, reason,
				  ctx->actor, &err);
	if (rc < 0) {
		ctl_emit(ctx, fa->action, "error", "store", &id, NULL, reason);
		return ctl_exit_for_store(rc, &err, id.login);
	}
	printf("%s: %s\n", id.login, _(fa->done_msg));
	return ctl_emit(ctx, fa->action, "done", NULL, &id, NULL, reason) < 0 ? CTL_EXIT_FAIL
									      : CTL_EXIT_OK;
}

static const struct flag_action *find_flag_action(const char *sub)
{
	for (size_t i = 0; i < sizeof(flag_actions) / sizeof(flag_actions[0]); i++)
		if (strcmp(flag_actions[i].cmd + strlen("user "), sub) == 0)
			return &flag_actions[i];
	return NULL;
}

/* ---- user retire ---- */

static bool confirm_retire(const struct naccs_identity *id)
{
	char answer[16];
	char uid_text[32];

	user_id_text(id, uid_text, sizeof(uid_text));
	fprintf(stderr,
		_("Retire %s (%s) for good? It can never be used or issued again.\n"
		  "Type 'yes' to confirm: "),
		id->login, uid_text);
	fflush(stderr);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return false;
	answer[strcspn(answer, "\n")] = '\0';
	return strcmp(answer, "yes") == 0 || strcmp(answer, _("yes")) == 0;
}

/* UTS-2.2.1.3(2)(g)(ウ): retiring leaves a tombstone (login, user ID and uid
 * stay taken for good); the credential is erased. */
static int user_retire(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct naccs_identity id;
	struct naccs_account_state st;
	struct naccs_err err;
	const char *name, *reason = NULL;
	bool yes = false;
	int rc;

	rc = parse_reason_options("user retire", true, true, argc, argv, &reason, &yes);
	if (rc == CTL_EXIT_OK)
		rc = one_login_arg("user retire", argc, argv, &name);
	if (rc == CTL_EXIT_OK && !yes && !isatty(STDIN_FILENO))
		rc = ctl_usage_error("user retire",
				     _("--yes is required when standard input is not a terminal"));
	if (rc == CTL_EXIT_OK)
		rc = open_and_resolve(ctx, false, name, &id, &st);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (st.retired) {
		ctl_error(_("%s is already retired"), id.login);
		ctl_emit(ctx, "retire", "error", "retired", &id, NULL, reason);
		return CTL_EXIT_FAIL;
	}
	if (!yes && !confirm_retire(&id)) {
		ctl_error(_("%s: not retired"), id.login);
		return CTL_EXIT_FAIL;
	}
	naccs_err_clear(&err);
	rc = naccs_store_retire(ctx->store, ctl_deadline(ctx), id.login, reason, ctx->actor, &err);
	if (rc == -EALREADY) {
		ctl_error(_("%s is already retired"), id.login);
		ctl_emit(ctx, "retire", "error", "retired", &id, NULL, reason);
		return CTL_EXIT_FAIL;
	}
	if (rc < 0) {
		ctl_emit(ctx, "retire", "error", "store", &id, NULL, reason);
		return ctl_exit_for_store(rc, &err, id.login);
	}
	printf(_("%s: retired; the ID and uid %lu will never be issued again\n"), id.login,
	       (unsigned long)id.uid);
	return ctl_emit(ctx, "retire", "done", NULL, &id, NULL, reason) < 0 ? CTL_EXIT_FAIL
									    : CTL_EXIT_OK;
}

/* ---- dispatch ---- */

static const struct {
	const char *name;
	ctl_cmd_fn fn;
} user_commands[] = {
    {"add", user_add},	 {"passwd", user_passwd}, {"show", user_show},
    {"list", user_list}, {"retire", user_retire},
};

int cmd_user(struct ctl_ctx *ctx, int argc, char **argv)
{
	const struct flag_action *fa;

	if (argc < 2)
		return ctl_usage_error("user", _("missing subcommand"));
	for (size_t i = 0; i < sizeof(user_commands) / sizeof(user_commands[0]); i++)
		if (strcmp(argv[1], user_commands[i].name) == 0)
			return user_commands[i].fn(ctx, argc - 1, argv + 1);
	fa = find_flag_action(argv[1]);
	if (fa != NULL)
		return flag_command(ctx, fa, argc - 1, argv + 1);
	return ctl_usage_error("user", _("unknown subcommand '%s'"), argv[1]);
}
