/* naccsctl user add: issue an ID with a one-time password.  The options
 * become a new identity (user code and identifying number, login, passwd
 * fields), which the store adds with the hash of the password; the
 * password is shown once. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "crypto/hash.h"
#include "base/i18n.h"
#include "base/name.h"
#include "base/secret.h"
#include "store/store.h"
#include "base/time.h"
#include "ctl_store.h"
#include "ctl.h"
#include "cmd_user.h"
#include "ctl_home.h"

struct add_options {
	const char *code, *number, *login, *name, *home, *shell, *issued_to;
	const char *staff_number, *second_id_reason, *approval, *allow_system_gid;
	bool shared, admin, adopt_local, no_create_home;
	bool has_uid, has_gid;
	unsigned long uid, gid;
};

/* How often an allocated uid may be lost to another administrator issuing
 * an ID at the same moment before user add gives up. */
#define ADD_RACE_RETRIES 8

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
	OPT_ADOPT_LOCAL,
	OPT_STAFF_NUMBER,
	OPT_ALLOW_SECOND_ID,
	OPT_APPROVAL,
	OPT_NO_CREATE_HOME,
	OPT_ALLOW_SYSTEM_GID,
};

/* The registry rules (UTS-2.2.1.3(2)(g)(ア), (2)(b)): a staff number is a
 * person's, so only an individual ID has one; a shared ID is created only
 * with the approval reference of whoever authorised it. */
static int check_registry_options(const struct add_options *o)
{
	if (o->shared && (o->staff_number != NULL || o->second_id_reason != NULL))
		return ctl_usage_error("user add",
				       _("--staff-number and --allow-second-id are for individual "
					 "IDs: a shared ID is not one person's"));
	if (!o->shared && o->approval != NULL)
		return ctl_usage_error("user add", _("--approval is for shared IDs (--shared)"));
	if (o->shared && (o->approval == NULL || o->approval[0] == '\0'))
		return ctl_usage_error(
		    "user add",
		    _("a shared ID needs --approval REF: the approval reference of the person who "
		      "authorised it (UTS-2.2.1.3(2)(b))"));
	if (o->second_id_reason != NULL && o->staff_number == NULL)
		return ctl_usage_error("user add", _("--allow-second-id needs --staff-number"));
	return CTL_EXIT_OK;
}

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
	    {"adopt-local", no_argument, NULL, OPT_ADOPT_LOCAL},
	    {"staff-number", required_argument, NULL, OPT_STAFF_NUMBER},
	    {"allow-second-id", required_argument, NULL, OPT_ALLOW_SECOND_ID},
	    {"approval", required_argument, NULL, OPT_APPROVAL},
	    {"no-create-home", no_argument, NULL, OPT_NO_CREATE_HOME},
	    {"allow-system-gid", required_argument, NULL, OPT_ALLOW_SYSTEM_GID},
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
		case OPT_ADOPT_LOCAL:
			o->adopt_local = true;
			break;
		case OPT_STAFF_NUMBER:
			o->staff_number = optarg;
			break;
		case OPT_ALLOW_SECOND_ID:
			o->second_id_reason = optarg;
			break;
		case OPT_APPROVAL:
			o->approval = optarg;
			break;
		case OPT_NO_CREATE_HOME:
			o->no_create_home = true;
			break;
		case OPT_ALLOW_SYSTEM_GID:
			/* Recorded in the trail: a printable reason, never empty. */
			if (optarg[0] == '\0' || !user_passwd_field_ok(optarg) ||
			    strlen(optarg) >= NACCS_TEXT_MAX)
				return ctl_usage_error("user add",
						       _("--allow-system-gid: give a reason"));
			o->allow_system_gid = optarg;
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
	/* Only a shared account (root, say) is ever adopted: a person gets an
	 * ID of their own (UTS-2.2.1.3(2)(g)(ア)). */
	if (o->adopt_local && !o->shared)
		return ctl_usage_error("user add", _("--adopt-local needs --shared"));
	c = check_registry_options(o);
	return c != CTL_EXIT_OK ? c : ctl_max_args("user add", argc, argv, 0);
}

static int copy_field(const char *opt, const char *value, char *out, size_t outlen, bool path)
{
	if (!user_passwd_field_ok(value) || (path && value[0] != '/'))
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
		char uid_text[32];
		int rc;

		if (o->shared)
			return ctl_usage_error("user add", _("a shared ID needs --login"));
		snprintf(pair.code, sizeof(pair.code), "%s", id->user_code);
		snprintf(pair.number, sizeof(pair.number), "%s", id->id_number);
		/* A user code that starts with a digit gets identity.login_prefix
		 * in front, so its login is still valid. */
		rc = naccs_name_format_prefixed(&pair, ctx->cfg.login_format, ctx->cfg.login_prefix,
						id->login, sizeof(id->login));
		if (rc == -ENAMETOOLONG)
			return ctl_usage_error("user add", _("the login name would be too long"));
		if (rc < 0) {
			user_id_text(id, uid_text, sizeof(uid_text));
			return ctl_usage_error("user add", _("not a valid login name: '%s'"),
					       uid_text);
		}
		/* A prefixed login must not read as another NACCS user ID. */
		if (naccs_name_parse(id->login, &pair) == 0 &&
		    (strcmp(pair.code, id->user_code) != 0 ||
		     strcmp(pair.number, id->id_number) != 0))
			return ctl_usage_error(
			    "user add",
			    _("login '%s' (identity.login_prefix) reads as another NACCS user ID "
			      "(%s-%s); choose another prefix or --login"),
			    id->login, pair.code, pair.number);
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

/* The registry attributes: the person's staff number (one active
 * individual ID per person, UTS-2.2.1.3(2)(g)(ア)), the reason for a
 * second one, a shared ID's approval reference (UTS-2.2.1.3(2)(b)). */
static int add_registry_fields(const struct ctl_ctx *ctx, const struct add_options *o,
			       struct naccs_identity *id)
{
	int rc = CTL_EXIT_OK;

	if (o->staff_number != NULL) {
		if (!naccs_store_staff_number_ok(o->staff_number))
			return ctl_usage_error("user add",
					       _("--staff-number: not a staff number (printable "
						 "text, at most %d bytes, no ':')"),
					       NACCS_STAFF_MAX);
		snprintf(id->staff_number, sizeof(id->staff_number), "%s", o->staff_number);
	} else if (!o->shared && ctx->cfg.require_staff_number) {
		return ctl_usage_error("user add", _("an individual ID needs --staff-number "
						     "(identity.require_staff_number)"));
	}
	if (o->second_id_reason != NULL)
		rc = copy_field("--allow-second-id", o->second_id_reason, id->second_id_reason,
				sizeof(id->second_id_reason), false);
	if (rc == CTL_EXIT_OK && o->second_id_reason != NULL && id->second_id_reason[0] == '\0')
		rc = ctl_usage_error("user add", _("--allow-second-id: give a reason"));
	if (rc == CTL_EXIT_OK && o->approval != NULL)
		rc = copy_field("--approval", o->approval, id->approval, sizeof(id->approval),
				false);
	return rc;
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
		rc = add_registry_fields(ctx, o, id);
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

/* Issue id: with an allocated uid, the lowest one neither the store nor
 * the system knows (user_pick_free_uid); the store refuses a uid issued
 * meanwhile by another naccsctl (-EEXIST), and then the next one is tried.
 * Store result and message in *err. */
static int add_to_store(struct ctl_ctx *ctx, struct naccs_identity *id, const char *phc,
			const char *issued_to, int *exit_code, struct naccs_err *err)
{
	const bool allocate = id->uid == NACCS_UID_ALLOCATE;
	uint32_t from = ctx->cfg.uid_min;
	int rc = 0;

	*exit_code = CTL_EXIT_OK;
	for (int attempt = 0; attempt <= ADD_RACE_RETRIES; attempt++) {
		struct naccs_identity holder;
		struct naccs_err find_err;

		if (allocate) {
			*exit_code = user_pick_free_uid(ctx, from, &id->uid);
			if (*exit_code != CTL_EXIT_OK)
				return 0;
		}
		naccs_err_clear(err);
		/* Issued with must_change: the holder replaces it at first logon. */
		rc = naccs_store_add_identity(ctx->store, ctl_deadline(ctx), id, ctx->cfg.uid_min,
					      ctx->cfg.uid_max, phc, true, ctx->actor, issued_to,
					      err);
		if (rc != -EEXIST || !allocate)
			break;
		/* Lost the uid to someone else, or is the login or user ID
		 * what was already issued? */
		naccs_err_clear(&find_err);
		if (naccs_store_find_by_uid(ctx->store, ctl_deadline(ctx), id->uid, &holder,
					    &find_err) != 0)
			break;
		from = id->uid + 1;
	}
	return rc;
}

/* UTS-2.2.1.3(2)(b): every user of a shared ID must be told that it is
 * shared, who answers for it, and (for an administrator ID) that su from
 * their own individual ID is the only way in.  Shown with the password
 * (text), or as its "notice" member (JSON). */
static void shared_notice(const struct naccs_identity *id, const char *issued_to, char *out,
			  size_t outlen)
{
	char login[NACCS_LOGIN_MAX * 4 + 1], who[NACCS_TEXT_MAX * 4], ref[NACCS_APPROVAL_MAX * 4];
	int n;

	ctl_safe(id->login, login, sizeof(login));
	ctl_safe(issued_to, who, sizeof(who));
	ctl_safe(id->approval, ref, sizeof(ref));
	n = snprintf(out, outlen,
		     _("NOTICE: '%s' is a SHARED ID (approval %s). Tell every person who will use "
		       "it that it is shared, who is responsible for it (issued to: %s), and that "
		       "each of them answers for what they do with it.\n"),
		     login, ref, who);
	if (id->admin && n > 0 && (size_t)n < outlen)
		snprintf(out + n, outlen - (size_t)n,
			 _("NOTICE: '%s' is an administrator ID: nobody logs in to it directly; "
			   "the only way in is su from one's own individual ID.\n"),
			 login);
}

/* Whether user add makes the home (identity.create_home, like useradd -m):
 * not with --no-create-home, nor for an adopted local account (it has
 * one). */
static bool wants_home(const struct ctl_ctx *ctx, const struct add_options *o)
{
	return ctx->cfg.create_home && !o->no_create_home && !o->adopt_local;
}

static int check_home(struct ctl_ctx *ctx, const struct add_options *o,
		      const struct naccs_identity *id)
{
	struct naccs_identity issued;
	struct naccs_err err;

	/* A login issued before (retired ones too) is the store's refusal to
	 * report, not its home's. */
	naccs_err_clear(&err);
	if (naccs_store_find(ctx->store, ctl_deadline(ctx), id->login, &issued, &err) == 0)
		return CTL_EXIT_OK;
	naccs_err_clear(&err);
	if (ctl_home_check(id->home, o->has_uid, (uid_t)id->uid, &err) == 0)
		return CTL_EXIT_OK;
	ctl_error(_("home directory: %s"), err.msg);
	return CTL_EXIT_FAIL;
}

/* After the ID was issued: its home, from identity.skel.  A failure leaves
 * the ID issued (IDs are never deleted) and says what to do. */
static int make_home(const struct ctl_ctx *ctx, const struct naccs_identity *id)
{
	struct naccs_err err;
	char safe[NACCS_TEXT_MAX * 4];
	int rc;

	naccs_err_clear(&err);
	rc = ctl_home_create(id->home, ctx->cfg.skel, (uid_t)id->uid, (gid_t)id->gid,
			     (mode_t)ctx->cfg.home_mode, &err);
	ctl_safe(id->home, safe, sizeof(safe));
	if (rc < 0) {
		ctl_error(_("the ID was issued, but its home directory was not created: %s"),
			  err.msg);
		ctl_error(_("create %s for uid %lu by hand"), safe, (unsigned long)id->uid);
		return CTL_EXIT_FAIL;
	}
	if (!ctx->json && rc == 1)
		printf(_("home directory %s exists already (owned by the ID): kept as it is\n"),
		       safe);
	else if (!ctx->json)
		printf(_("home directory %s created\n"), safe);
	return CTL_EXIT_OK;
}

/* After the store answered: the error, or the event and the password. */
static int report_issue(struct ctl_ctx *ctx, int rc, const struct naccs_err *err,
			const struct naccs_identity *id, const char *otp, const char *issued_to,
			const char *detail)
{
	char notice[2560] = "";

	if (rc == -ENOTUNIQ) {
		/* UTS-2.2.1.3(2)(g)(ア): one active individual ID per person. */
		ctl_error("%s: %s", id->login, err->msg);
		ctl_error(_("to issue a second ID to this person anyway, add --allow-second-id "
			    "REASON (the reason is recorded in the registry)"));
		ctl_emit(ctx, "user-add", "error", "second-id", id, NULL, NULL);
		return CTL_EXIT_FAIL;
	}
	if (rc == -EEXIST) {
		/* UTS-2.2.1.3(2)(g)(ウ): the store keeps retired IDs as tombstones;
		 * its message is the one sentence (what was issued, to whom). */
		ctl_error("%s", err->msg);
		ctl_emit(ctx, "user-add", "error", "exists", id, NULL, NULL);
		return CTL_EXIT_FAIL;
	}
	if (rc < 0)
		return ctl_report_store_error(ctx, "user-add", rc, err, id, NULL);
	rc = ctl_report_done(ctx, "user-add", id, detail);
	if (id->kind == NACCS_KIND_SHARED)
		shared_notice(id, issued_to, notice, sizeof(notice));
	/* The ID exists now: its one-time password must be shown. */
	if (user_show_otp(ctx, id, otp, _("issued"), notice[0] != '\0' ? notice : NULL) < 0) {
		ctl_error(_("could not print the one-time password; reset it with "
			    "'user passwd %s'"),
			  id->login);
		rc = CTL_EXIT_FAIL;
	}
	return rc;
}

int user_add(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct add_options o = {0};
	struct user_add_given given;
	struct naccs_identity id;
	struct naccs_err err;
	char issued_to[NACCS_TEXT_MAX];
	char detail[2 * NACCS_TEXT_MAX + 64];
	char otp[CTL_OTP_MAX + 1];
	char phc[NACCS_PHC_MAX];
	int rc, exit_code;

	rc = parse_add_options(ctx, argc, argv, &o);
	given = (struct user_add_given){.uid = o.has_uid,
					.gid = o.has_gid,
					.home = o.home != NULL,
					.shell = o.shell != NULL,
					.adopt_local = o.adopt_local,
					.allow_system_gid = o.allow_system_gid};
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
	if (rc == CTL_EXIT_OK) {
		rc = user_check_local(&given, &id);
		if (rc != CTL_EXIT_OK)
			ctl_emit(ctx, "user-add", "error", "local-account", &id, NULL, NULL);
	}
	if (rc == CTL_EXIT_OK && wants_home(ctx, &o))
		rc = check_home(ctx, &o, &id);
	if (rc == CTL_EXIT_OK)
		rc = user_new_otp(ctx, &id, otp, phc);
	if (rc != CTL_EXIT_OK)
		return rc;

	/* --allow-system-gid: the gid and the reason go to the trail. */
	if (o.allow_system_gid != NULL)
		snprintf(detail, sizeof(detail), "%s; system gid %lu allowed: %s", issued_to,
			 (unsigned long)id.gid, o.allow_system_gid);
	else
		snprintf(detail, sizeof(detail), "%s", issued_to);
	ctl_change_begin(ctx, "user-add", &id, NULL, detail);
	rc = add_to_store(ctx, &id, phc, issued_to, &exit_code, &err);
	naccs_wipe(phc, sizeof(phc));
	if (ctl_change_end(ctx) != CTL_EXIT_OK)
		exit_code = CTL_EXIT_UNAVAILABLE; /* not issued: no password to show */
	else if (exit_code == CTL_EXIT_OK)
		exit_code = report_issue(ctx, rc, &err, &id, otp, issued_to, detail);
	else
		ctl_emit(ctx, "user-add", "error", "uid", &id, NULL, NULL);
	naccs_wipe(otp, sizeof(otp));
	if (rc == 0 && exit_code == CTL_EXIT_OK && wants_home(ctx, &o))
		exit_code = make_home(ctx, &id);
	return exit_code;
}
