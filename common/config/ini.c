/* The configuration file's syntax: INI sections, "key = value" lines, '#'
 * and ';' comment lines, strict UTF-8, bounded lines.  Every assignment goes
 * through the one setter (config/set.c); the first error, with FILE:LINE,
 * stops the parse and leaves the caller's struct as it was (what the PAM
 * module reads: fail closed, UTS-2.2.1.2(2)(a)).  The same parser has a
 * collect mode for naccsctl config check (naccs_config_check_text): every
 * error is reported and the parse goes on with the next line, then the
 * cross-key checks (config/validate.c).  config/load.c reads files into this
 * parser; the parser never calls back into it. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"
#include "config/conf.h"
#include "base/i18n.h"
#include "base/utf8.h"

#define CONF_LINE_MAX 1024 /* bytes per line, not counting the newline */

/* ASCII only: the host's locale must not matter. */
static bool ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Section and key names: [A-Za-z0-9_-]+, short. */
static bool valid_name(const char *s)
{
	size_t len = strnlen(s, CONF_NAME_MAX);

	if (len == 0 || len >= CONF_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!name_char(s[i]))
			return false;
	}
	return true;
}

/* Trim in place; returns the first non-blank character. */
static char *trim(char *s)
{
	size_t len;

	while (ascii_space(*s))
		s++;
	len = strlen(s);
	while (len > 0 && ascii_space(s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* ---- the file parser ---- */

struct parse_state {
	const char *path;
	unsigned line;
	char section[CONF_NAME_MAX];
	bool in_section;
	naccs_warn_fn warn;
	void *warn_ctx;
	/* Collect mode: every error goes to report and the parse goes on. */
	naccs_config_diag_fn report;
	void *report_ctx;
	unsigned errors;
	bool bad_section; /* collect mode: under a malformed header, keys are skipped */
};

static int syntax_error(const struct parse_state *st, const char *what, struct naccs_err *err)
{
	return naccs_err_set(err, EINVAL, _("%s:%u: %s"), st->path, st->line, what);
}

/* "[name]", blanks allowed inside the brackets. */
static int parse_section_header(struct parse_state *st, char *s, struct naccs_err *err)
{
	size_t len = strlen(s);
	char *name;

	if (len < 2 || s[len - 1] != ']')
		goto bad;
	s[len - 1] = '\0';
	name = trim(s + 1);
	if (!valid_name(name))
		goto bad;
	memcpy(st->section, name, strlen(name) + 1);
	st->in_section = true;
	st->bad_section = false;
	return 0;
bad:
	/* Collect mode: the keys below belong to no section we know; one
	 * error for the header, not one more per key. */
	st->bad_section = true;
	return syntax_error(st, _("malformed section header (expected [name])"), err);
}

/* Remove one pair of surrounding double quotes; no escapes inside. */
static int unquote(char **value)
{
	char *v = *value;
	size_t len = strlen(v);

	if (v[0] != '"')
		return 0;
	if (len < 2 || v[len - 1] != '"')
		return -EINVAL;
	v[len - 1] = '\0';
	*value = v + 1;
	return 0;
}

static int parse_assignment(struct naccs_config *cfg, struct parse_state *st, char *s,
			    struct naccs_err *err)
{
	/* On the heap: this runs inside PAM hosts (issue 18). */
	const size_t where_len = PATH_MAX + 16;
	char *where, *eq = strchr(s, '='), *key, *value;
	int rc;

	if (eq == NULL)
		return syntax_error(st, _("missing '=' (expected key = value)"), err);
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (!valid_name(key))
		return syntax_error(st, _("malformed key name"), err);
	if (!st->in_section)
		return syntax_error(st, _("key outside any section"), err);
	if (unquote(&value) != 0)
		return syntax_error(st, _("unterminated quoted value"), err);

	where = malloc(where_len);
	if (where == NULL)
		return naccs_err_set(err, ENOMEM, _("%s: out of memory"), st->path);
	snprintf(where, where_len, "%s:%u", st->path, st->line);
	rc = config_set_from(cfg, st->section, key, value, where,
			     (struct naccs_config_origin){NACCS_ORIGIN_FILE, st->line}, st->warn,
			     st->warn_ctx, err);
	free(where);
	return rc == -ENOENT ? 0 : rc; /* unknown keys were reported as warnings */
}

static int parse_line(struct naccs_config *cfg, struct parse_state *st, const char *line,
		      size_t len, struct naccs_err *err)
{
	char buf[CONF_LINE_MAX + 1];
	char *s;

	if (len > CONF_LINE_MAX)
		return syntax_error(st, _("line longer than 1024 bytes"), err);
	if (memchr(line, '\0', len) != NULL)
		return syntax_error(st, _("NUL byte in line"), err);
	if (!naccs_utf8_valid(line, len))
		return syntax_error(st, _("invalid UTF-8"), err);
	memcpy(buf, line, len);
	buf[len] = '\0';

	s = trim(buf);
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return parse_section_header(st, s, err);
	if (st->bad_section)
		return 0;
	return parse_assignment(cfg, st, s, err);
}

/* Warnings of the collect mode go to its report function. */
static void warn_to_report(void *ctx, const char *msg)
{
	const struct parse_state *st = ctx;

	st->report(st->report_ctx, NACCS_CONFIG_WARNING, msg);
}

static int parse_text(struct naccs_config *cfg, struct parse_state *st, const char *text,
		      size_t len, struct naccs_err *err)
{
	size_t pos = 0;

	/* Editors on other systems may start the file with a byte-order mark. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		int rc;

		st->line++;
		rc = parse_line(cfg, st, text + pos, line_len, err);
		if (rc != 0 && (st->report == NULL || rc == -ENOMEM))
			return rc;
		if (rc != 0) { /* collect mode: report it, go on */
			st->report(st->report_ctx, NACCS_CONFIG_ERROR, err->msg);
			st->errors++;
			naccs_err_clear(err);
		}
		pos += line_len + (nl != NULL ? 1 : 0);
	}
	return st->errors > 0 ? -EINVAL : 0;
}

/* Parse into a copy so that text with an error leaves cfg as it was. */
static int parse_copy(struct naccs_config *cfg, const char *text, size_t len, const char *name,
		      struct parse_state *st, struct naccs_err *err)
{
	struct naccs_config *work;
	int rc;

	if (cfg == NULL || (text == NULL && len > 0))
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	if (name == NULL)
		name = _("configuration");
	st->path = name;
	work = malloc(sizeof(*work));
	if (work == NULL)
		return naccs_err_set(err, ENOMEM, _("%s: out of memory"), name);
	*work = *cfg;
	/* The file that FILE:LINE origins name. */
	snprintf(work->origin_file, sizeof(work->origin_file), "%s", name);
	rc = parse_text(work, st, text, len, err);
	/* Collect mode: the cross-key checks too, on what the good lines set. */
	if (rc != -ENOMEM && st->report != NULL)
		st->errors += config_validate_report(work, st->report, st->report_ctx);
	if (st->report != NULL && rc != -ENOMEM)
		rc = st->errors > 0 ? -EINVAL : 0;
	if (rc == 0) {
		*cfg = *work;
		naccs_err_clear(err); /* unknown keys were only warnings */
	}
	free(work);
	return rc;
}

int naccs_config_parse_text(struct naccs_config *cfg, const char *text, size_t len,
			    const char *name, naccs_warn_fn warn, void *warn_ctx,
			    struct naccs_err *err)
{
	struct parse_state st = {.warn = warn, .warn_ctx = warn_ctx};

	return parse_copy(cfg, text, len, name, &st, err);
}

int naccs_config_check_text(struct naccs_config *cfg, const char *text, size_t len,
			    const char *name, naccs_config_diag_fn report, void *report_ctx,
			    struct naccs_err *err)
{
	struct parse_state st = {.report = report, .report_ctx = report_ctx};
	struct naccs_err line_err;
	int rc;

	if (report == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	st.warn = warn_to_report;
	st.warn_ctx = &st;
	naccs_err_clear(&line_err);
	rc = parse_copy(cfg, text, len, name, &st, &line_err);
	if (rc == -ENOMEM || (rc < 0 && st.errors == 0)) {
		naccs_err_set(err, -rc, "%s", line_err.msg);
		return rc;
	}
	naccs_err_clear(err);
	return (int)st.errors;
}
