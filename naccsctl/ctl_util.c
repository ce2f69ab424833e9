/* naccsctl helpers: messages and argument counts, configuration,
 * the administrator's name, one-time passwords, output escaping, exit-code
 * mapping and events. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "audit/trail.h"
#include "audit/emit.h"
#include "audit/event.h"
#include "base/i18n.h"
#include "base/name.h"
#include "base/num.h"
#include "base/secret.h"
#include "base/text.h"
#include "base/time.h"
#include "base/utf8.h"
#include "ctl.h"

/* ---- messages ---- */

static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", CTL_PROG, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ctl_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void ctl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(_("warning: "), fmt, ap);
	va_end(ap);
}

int ctl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	fprintf(stderr, _("Try '%s%s%s --help' for more information.\n"), CTL_PROG,
		cmd[0] != '\0' ? " " : "", cmd);
	return CTL_EXIT_USAGE;
}

int ctl_bad_option(const char *cmd, int opt, char **argv, int optind_now)
{
	const char *arg = optind_now > 0 ? argv[optind_now - 1] : "?";

	if (opt == ':')
		return ctl_usage_error(cmd, _("option '%s' needs a value"), arg);
	return ctl_usage_error(cmd, _("unknown option '%s'"), arg);
}

int ctl_max_args(const char *cmd, int argc, char **argv, int max)
{
	if (argc - optind > max)
		return ctl_usage_error(cmd, _("unexpected argument '%s'"), argv[optind + max]);
	return CTL_EXIT_OK;
}

/* ---- configuration and store ---- */

static void print_config_warning(void *warn_ctx, const char *msg)
{
	(void)warn_ctx;
	ctl_warn("%s", msg);
}

/* Overrides from the command line: an unknown key is an error here, since a
 * mistyped override would silently change nothing. */
static int apply_overrides(struct ctl_ctx *ctx)
{
	struct naccs_err err;
	int rc;

	naccs_err_clear(&err);
	for (size_t i = 0; i < ctx->n_set_args; i++) {
		/* The file was already checked against --owner; a later owner
		 * would not re-check it. */
		if (strncasecmp(ctx->set_args[i], "general.owner=", strlen("general.owner=")) == 0)
			return ctl_usage_error("", _("use --owner instead of --set general.owner"));
		/* One sentence per problem: the setter's message names --set,
		 * the key and the value; an unknown key is an error here. */
		rc = naccs_config_set_arg_from(&ctx->cfg, ctx->set_args[i], "--set", NULL, NULL,
					       &err);
		if (rc == -ENOENT) {
			char safe[256];

			ctl_safe(ctx->set_args[i], safe, sizeof(safe));
			return ctl_usage_error(
			    "", _("--set '%s': no such configuration key (see naccs.conf(5))"),
			    safe);
		}
		if (rc < 0)
			return ctl_usage_error("", "%s", err.msg);
	}
	if (ctx->store_path != NULL) {
		char arg[PATH_MAX + 16];

		if ((size_t)snprintf(arg, sizeof(arg), "store.path=%s", ctx->store_path) >=
		    sizeof(arg))
			return ctl_usage_error("", _("--store: path too long"));
		rc = naccs_config_set_arg_from(&ctx->cfg, arg, "--store", NULL, NULL, &err);
		if (rc < 0)
			return ctl_usage_error("", "%s", err.msg);
	}
	return CTL_EXIT_OK;
}

int ctl_load_config(struct ctl_ctx *ctx)
{
	struct naccs_err err;
	int rc;

	if (ctx->cfg_loaded)
		return CTL_EXIT_OK;
	naccs_err_clear(&err);
	naccs_config_defaults(&ctx->cfg);
	if (ctx->owner != 0) {
		char owner[32];

		/* Through the setter, so that config show --effective names it. */
		snprintf(owner, sizeof(owner), "%lu", (unsigned long)ctx->owner);
		if (naccs_config_set(&ctx->cfg, "general", "owner", owner, "--owner", false, NULL,
				     NULL, &err) < 0) {
			ctl_error("%s", err.msg);
			return CTL_EXIT_FAIL;
		}
	}
	rc = naccs_config_load(&ctx->cfg, ctx->conf_path, ctx->conf_named, print_config_warning,
			       NULL, &err);
	if (rc == -EACCES && geteuid() != 0) {
		/* The file may be readable by root only (issue #11: say so). */
		ctl_error(_("%s (run naccsctl as root)"), err.msg);
		return CTL_EXIT_FAIL;
	}
	if (rc < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	rc = apply_overrides(ctx);
	if (rc != CTL_EXIT_OK)
		return rc;
	if (naccs_config_validate(&ctx->cfg, &err) < 0) {
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	ctx->cfg_loaded = true;
	return CTL_EXIT_OK;
}

naccs_deadline_t ctl_deadline(const struct ctl_ctx *ctx)
{
	return naccs_deadline_in(ctx->cfg.store_timeout_ms);
}

/* Does msg name what already ('what' in quotes)?  Then "what: " in front
 * would only repeat it. */
static bool names_subject(const char *msg, const char *what)
{
	char quoted[NACCS_LOGIN_MAX * 4 + 4];

	if (what[0] == '\0' ||
	    (size_t)snprintf(quoted, sizeof(quoted), "'%s'", what) >= sizeof(quoted))
		return false;
	return strstr(msg, quoted) != NULL;
}

int ctl_exit_for_store(int rc, const struct naccs_err *err, const char *what)
{
	const char *msg = err->msg[0] != '\0' ? err->msg : strerror(-rc);
	char safe[NACCS_LOGIN_MAX * 4 + 1];

	/* what is typed by the administrator or read from the store: keep
	 * terminal escapes out of the message. */
	ctl_safe(what, safe, sizeof(safe));
	what = safe;
	if (rc == -ENOENT) {
		ctl_error(_("no such ID: %s"), what);
		return CTL_EXIT_NOT_FOUND;
	}
	if (naccs_err_is_unavailable(rc)) {
		ctl_error(_("store unavailable: %s"), msg);
		return CTL_EXIT_UNAVAILABLE;
	}
	if (names_subject(msg, what))
		ctl_error("%s", msg);
	else
		ctl_error("%s: %s", what, msg);
	return CTL_EXIT_FAIL;
}

/* SUDO_USER when it is set, a plausible name and not the actor itself:
 * what the caller claims, for the event detail. */
static const char *sudo_claim(const char *actor)
{
	const char *s = getenv("SUDO_USER");

	if (s == NULL || !naccs_name_valid_login(s) || strcmp(s, actor) == 0)
		return NULL;
	return s;
}

int ctl_print_secret(const char *fmt, ...)
{
	char buf[4096]; /* user add's JSON answer may carry a shared ID's notice */
	va_list ap;
	size_t len, done = 0;
	int n, rc = 0;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		naccs_wipe(buf, sizeof(buf));
		return -EOVERFLOW;
	}
	len = (size_t)n;
	fflush(stdout);
	while (done < len) {
		ssize_t w = write(STDOUT_FILENO, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -errno;
			break;
		}
		done += (size_t)w;
	}
	naccs_wipe(buf, sizeof(buf));
	return rc;
}

/* ---- text and JSON output ---- */

int ctl_json_done(struct naccs_json *w)
{
	struct naccs_err err;

	naccs_err_clear(&err);
	if (naccs_json_finish(w, &err) < 0) {
		/* A document cut short on stdout: end the line, then say why. */
		putchar('\n');
		ctl_error("%s", err.msg);
		return CTL_EXIT_FAIL;
	}
	putchar('\n');
	return CTL_EXIT_OK;
}

void ctl_safe(const char *s, char *out, size_t outlen)
{
	/* C0, DEL, C1 controls (terminal escapes) and malformed UTF-8. */
	naccs_text_sanitize(s, SIZE_MAX, out, outlen, 0);
}

void ctl_time_text(bool present, int64_t t, char *out, size_t outlen)
{
	if (present)
		naccs_format_time(t, out, outlen);
	else
		snprintf(out, outlen, "-");
}

int ctl_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	if (s == NULL)
		return -EINVAL;
	return naccs_parse_ulong(s, strlen(s), 0, max, out);
}

/* ---- events ---- */

void ctl_admin_who(const struct ctl_ctx *ctx, struct naccs_admin_who *who)
{
	who->actor = ctx->actor;
	who->service = CTL_PROG;
	who->claim = sudo_claim(ctx->actor);
}

/* The event of an administrative action, written (trail, syslog, alert)
 * without a word on the terminal: 0 or -errno with err. */
static int emit(const struct ctl_ctx *ctx, const char *action, const char *result,
		const char *reason, const struct naccs_identity *id, const char *login,
		const char *detail, bool trail_written, bool trail_only, struct naccs_err *err)
{
	struct naccs_admin_who who;

	ctl_admin_who(ctx, &who);
	return naccs_admin_event(ctx->cfg_loaded ? &ctx->cfg : NULL, &who, action, result, reason,
				 id, login, detail, trail_written, trail_only, err);
}

int ctl_emit(const struct ctl_ctx *ctx, const char *action, const char *result, const char *reason,
	     const struct naccs_identity *id, const char *login, const char *detail)
{
	struct naccs_err err;
	int rc = emit(ctx, action, result, reason, id, login, detail, false, false, &err);

	if (rc < 0 && ctx->cfg.audit_fail_deny) {
		ctl_error(_("the event could not be recorded: %s"), err.msg);
		return rc;
	}
	if (rc < 0) /* on_audit_failure = allow */
		ctl_warn(_("the event could not be recorded: %s"), err.msg);
	return 0;
}

/* The store's commit hook for the change under way: only the trail line
 * (the syslog line and an alert go out once the change is committed,
 * ctl_report_done), at most once. */
static int change_hook(void *arg, struct naccs_err *err)
{
	struct ctl_ctx *ctx = arg;
	struct naccs_err aerr;
	int rc;

	if (!ctx->change.armed || ctx->change.recorded)
		return 0;
	rc = emit(ctx, ctx->change.action, "done", NULL, ctx->change.id, ctx->change.login,
		  ctx->change.detail, false, true, &aerr);
	if (rc < 0 && ctx->cfg.audit_fail_deny) {
		ctx->change.refused = true;
		snprintf(ctx->change.msg, sizeof(ctx->change.msg), "%s", aerr.msg);
		return naccs_err_set(err, -rc, "%s", aerr.msg);
	}
	if (rc < 0) /* on_audit_failure = allow: the change goes on without it */
		ctl_warn(_("the event could not be recorded: %s"), aerr.msg);
	ctx->change.recorded = true;
	return 0;
}

void ctl_change_begin(struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id,
		      const char *login, const char *detail)
{
	memset(&ctx->change, 0, sizeof(ctx->change));
	ctx->change.action = action;
	ctx->change.id = id;
	ctx->change.login = login;
	ctx->change.detail = detail;
	ctx->change.armed = true;
	naccs_store_set_commit_hook(ctx->store, change_hook, ctx);
}

int ctl_change_end(struct ctl_ctx *ctx)
{
	struct naccs_err err;

	naccs_store_set_commit_hook(ctx->store, NULL, NULL);
	ctx->change.armed = false;
	if (!ctx->change.refused)
		return CTL_EXIT_OK;
	/* The refusal, as any event: syslog at LOG_ALERT and the alert of a
	 * trail that cannot be written (its own line fails as the change's
	 * did, unless there is room again). */
	emit(ctx, ctx->change.action, "error", "audit-unavailable", ctx->change.id,
	     ctx->change.login, ctx->change.detail, false, false, &err);
	ctl_error(_("%s; nothing was changed ([audit] on_audit_failure = deny)"), ctx->change.msg);
	return CTL_EXIT_UNAVAILABLE;
}

int ctl_report_done(const struct ctl_ctx *ctx, const char *action, const struct naccs_identity *id,
		    const char *detail)
{
	struct naccs_err err;

	/* Written in the change's transaction already: now syslog and the
	 * alert, which never change the outcome. */
	if (ctx->change.recorded && ctx->change.action != NULL &&
	    strcmp(ctx->change.action, action) == 0) {
		emit(ctx, action, "done", NULL, ctx->change.id, ctx->change.login,
		     ctx->change.detail, true, false, &err);
		return CTL_EXIT_OK;
	}
	return ctl_emit(ctx, action, "done", NULL, id, NULL, detail) < 0 ? CTL_EXIT_FAIL
									 : CTL_EXIT_OK;
}

int ctl_report_store_error(const struct ctl_ctx *ctx, const char *action, int rc,
			   const struct naccs_err *err, const struct naccs_identity *id,
			   const char *detail)
{
	ctl_emit(ctx, action, "error", "store", id, NULL, detail);
	return ctl_exit_for_store(rc, err, id->login);
}
