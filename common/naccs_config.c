/* The policy configuration: defaults, the one setter shared by the file and
 * by arguments, and the file parser.
 *
 * The file decides who may log in and how passwords are kept, so it is read
 * only when it passes the trusted-file checks (UTS-2.2.1.2(2)(a)), and any
 * value we cannot understand is an error that makes the caller fail closed.
 * Keys we do not know are only warnings: a newer file must not lock everyone
 * out of a machine running an older module.  Every policy value an auditor
 * asks about is a documented key with a documented default
 * (UTS-2.2.1.1(1)(e)(ウ)); see etc/naccs.conf.example.
 *
 * Everything lives in the caller's struct: no global state, since one process
 * (sshd) may run several PAM stacks with different arguments. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "naccs_config.h"
#include "naccs_i18n.h"
#include "naccs_trust.h"

#define CONF_LINE_MAX 1024	    /* bytes per line, not counting the newline */
#define CONF_FILE_MAX (1024 * 1024) /* a policy file is small; refuse anything bigger */
#define CONF_NAME_MAX 64	    /* section and key names, with the NUL */
#define SHOW_MAX      80	    /* bytes of a user-supplied string quoted in a message */
#define ID_MAX	      4294967294UL  /* (uid_t)-1 and (gid_t)-1 mean "no id" */

enum value_kind {
	KIND_BOOL,
	KIND_OWNER,	   /* uid_t */
	KIND_U32,	   /* uint32_t */
	KIND_UINT,	   /* unsigned */
	KIND_ENGINE,	   /* enum naccs_engine_id */
	KIND_ALGORITHM,	   /* enum naccs_hash_alg */
	KIND_LOGIN_FORMAT, /* enum naccs_login_format */
	KIND_PATH,	   /* char[size], absolute */
	KIND_PASSWD_PATH,  /* same, and it ends up in a passwd entry: no ':' */
};

struct conf_key {
	const char *section;
	const char *key;
	enum value_kind kind;
	size_t offset, size;	/* the field in struct naccs_config */
	unsigned long min, max; /* numbers only: what the setter accepts */
	bool arg_only;		/* refused from the file */
};

#define FIELD(f) offsetof(struct naccs_config, f), sizeof(((struct naccs_config *)0)->f)

/* Numbers are range-checked here only as far as a value is meaningless on its
 * face (zero lanes, a salt larger than we can store); the real limits of the
 * hash parameters are naccs_hash_params_validate's, at naccs_config_validate. */
static const struct conf_key conf_keys[] = {
    {"general", "debug", KIND_BOOL, FIELD(debug), 0, 0, false},
    /* The owner decides which files are trusted: letting the file name
     * its own owner would make the check meaningless. */
    {"general", "owner", KIND_OWNER, FIELD(owner_uid), 0, ID_MAX, true},
    {"hash", "engine", KIND_ENGINE, FIELD(hash.engine), 0, 0, false},
    {"hash", "algorithm", KIND_ALGORITHM, FIELD(hash.alg), 0, 0, false},
    {"hash", "memory_kib", KIND_U32, FIELD(hash.m_kib), 1, UINT32_MAX, false},
    {"hash", "time_cost", KIND_U32, FIELD(hash.t_cost), 1, UINT32_MAX, false},
    {"hash", "parallelism", KIND_U32, FIELD(hash.parallelism), 1, 0xFFFFFF, false},
    {"hash", "salt_bytes", KIND_U32, FIELD(hash.salt_len), 1, NACCS_SALT_MAX, false},
    {"hash", "hash_bytes", KIND_U32, FIELD(hash.hash_len), 1, NACCS_HASH_OUT_MAX, false},
    {"hash", "max_password_bytes", KIND_U32, FIELD(hash.max_password_bytes), 1, UINT32_MAX, false},
    {"store", "path", KIND_PATH, FIELD(store_path), 0, 0, false},
    {"store", "timeout_ms", KIND_UINT, FIELD(store_timeout_ms), 100, 600000, false},
    {"auth", "fail_delay_ms", KIND_UINT, FIELD(fail_delay_ms), 0, 60000, false},
    {"auth", "show_locked", KIND_BOOL, FIELD(show_locked), 0, 0, false},
    {"identity", "login_format", KIND_LOGIN_FORMAT, FIELD(login_format), 0, 0, false},
    {"identity", "uid_min", KIND_U32, FIELD(uid_min), 1000, ID_MAX, false},
    {"identity", "uid_max", KIND_U32, FIELD(uid_max), 1000, ID_MAX, false},
    /* gid 0 would put every NACCS user in root's group. */
    {"identity", "gid", KIND_U32, FIELD(default_gid), 1, ID_MAX, false},
    {"identity", "home_base", KIND_PASSWD_PATH, FIELD(home_base), 0, 0, false},
    {"identity", "shell", KIND_PASSWD_PATH, FIELD(shell), 0, 0, false},
};

/* Sections whose rules arrive in later versions: a file written for a newer
 * module keeps working, and the admin is told the keys have no effect yet. */
static const char *const reserved_sections[] = {
    "password", "lockout", "notice", "session", "su", "access", "audit", "nss", "mfa",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void naccs_config_defaults(struct naccs_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->owner_uid = 0;
	cfg->debug = false;
	naccs_hash_params_default(&cfg->hash);
	snprintf(cfg->store_path, sizeof(cfg->store_path), "%s", NACCS_DEFAULT_STORE);
	cfg->store_timeout_ms = 5000;
	cfg->fail_delay_ms = 2000;
	cfg->login_format = NACCS_LOGIN_LOWER_DASH;
	cfg->uid_min = 20000;
	cfg->uid_max = 29999;
	cfg->default_gid = 100;
	snprintf(cfg->home_base, sizeof(cfg->home_base), "%s", "/home");
	snprintf(cfg->shell, sizeof(cfg->shell), "%s", "/bin/bash");
}

/* ---- small helpers (ASCII only: the host's locale must not matter) ---- */

static bool ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool ascii_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_caseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (ascii_lower(*a) != ascii_lower(*b))
			return false;
	}
	return *a == *b;
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

/* A copy of a user-supplied string that is safe to put in a message: control
 * characters (terminal escapes, newlines forging log lines) become '?', and
 * long strings are cut at a character boundary. */
static const char *shown(const char *s, char *buf, size_t buflen)
{
	size_t len = strlen(s), cut = len, i;

	if (len > SHOW_MAX) {
		cut = SHOW_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	if (cut > buflen - 4)
		cut = buflen - 4;
	for (i = 0; i < cut; i++)
		buf[i] = ascii_control((unsigned char)s[i]) ? '?' : s[i];
	buf[i] = '\0';
	if (cut < len)
		strcat(buf, "...");
	return buf;
}

#define SHOW_BUF (SHOW_MAX + 4)

/* ---- value parsers: 0 and *out set, or -EINVAL and *out untouched ---- */

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "1"};
	static const char *const no[] = {"no", "false", "0"};

	for (size_t i = 0; i < COUNT(yes); i++) {
		if (ascii_caseeq(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (ascii_caseeq(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Digits only: no sign, no blanks, no base prefix, no trailing junk; strtoul
 * would accept " -1" as a huge number. */
static int parse_number(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		unsigned long digit;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		digit = (unsigned long)(*s - '0');
		if (digit > max || v > (max - digit) / 10)
			return -EINVAL;
		v = v * 10 + digit;
	}
	if (v < min)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_path(const char *s, bool passwd_field, char *out, size_t outlen)
{
	size_t len = strlen(s);

	if (s[0] != '/' || len >= outlen)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (ascii_control((unsigned char)s[i]) || (passwd_field && s[i] == ':'))
			return -EINVAL;
	}
	memcpy(out, s, len + 1);
	return 0;
}

static int parse_algorithm(const char *s, enum naccs_hash_alg *out)
{
	if (strcmp(s, "argon2id") != 0)
		return -EINVAL;
	*out = NACCS_ALG_ARGON2ID;
	return 0;
}

static int parse_engine(const char *s, enum naccs_engine_id *out)
{
	enum naccs_engine_id id;

	if (naccs_hash_engine_from_name(s, &id) != 0)
		return -EINVAL;
	*out = id;
	return 0;
}

static int parse_login_format(const char *s, enum naccs_login_format *out)
{
	enum naccs_login_format fmt;

	if (naccs_login_format_from_name(s, &fmt) != 0)
		return -EINVAL;
	*out = fmt;
	return 0;
}

static int parse_numeric_field(const struct conf_key *k, void *field, const char *value)
{
	unsigned long v;

	if (parse_number(value, k->min, k->max, &v) != 0)
		return -EINVAL;
	if (k->kind == KIND_OWNER)
		*(uid_t *)field = (uid_t)v;
	else if (k->kind == KIND_U32)
		*(uint32_t *)field = (uint32_t)v;
	else
		*(unsigned *)field = (unsigned)v;
	return 0;
}

/* Parse value into the field k describes; the field is only written on success. */
static int parse_into(const struct conf_key *k, struct naccs_config *cfg, const char *value)
{
	void *field = (char *)cfg + k->offset;

	switch (k->kind) {
	case KIND_BOOL:
		return parse_bool(value, field);
	case KIND_OWNER:
	case KIND_U32:
	case KIND_UINT:
		return parse_numeric_field(k, field, value);
	case KIND_ENGINE:
		return parse_engine(value, field);
	case KIND_ALGORITHM:
		return parse_algorithm(value, field);
	case KIND_LOGIN_FORMAT:
		return parse_login_format(value, field);
	case KIND_PATH:
	case KIND_PASSWD_PATH:
		return parse_path(value, k->kind == KIND_PASSWD_PATH, field, k->size);
	}
	return -EINVAL;
}

/* What an administrator may write for k, for the error message. */
static void describe_accepted(const struct conf_key *k, char *buf, size_t buflen)
{
	switch (k->kind) {
	case KIND_BOOL:
		snprintf(buf, buflen, "%s", _("yes, no, true, false, 1 or 0"));
		break;
	case KIND_OWNER:
	case KIND_U32:
	case KIND_UINT:
		snprintf(buf, buflen, _("a whole number from %lu to %lu"), k->min, k->max);
		break;
	case KIND_ENGINE:
		snprintf(buf, buflen, "%s", _("auto, libargon2 or libsodium"));
		break;
	case KIND_ALGORITHM:
		snprintf(buf, buflen, "%s", "argon2id");
		break;
	case KIND_LOGIN_FORMAT:
		snprintf(buf, buflen, "%s", _("lower-dash, lower, upper-dash or upper"));
		break;
	case KIND_PATH:
		snprintf(buf, buflen,
			 _("an absolute path shorter than %zu bytes, no control characters"),
			 k->size);
		break;
	case KIND_PASSWD_PATH:
		snprintf(buf, buflen,
			 _("an absolute path shorter than %zu bytes, no control characters or ':'"),
			 k->size);
		break;
	}
}

/* ---- the setter ---- */

static const struct conf_key *find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < COUNT(conf_keys); i++) {
		if (strcmp(conf_keys[i].section, section) == 0 &&
		    strcmp(conf_keys[i].key, key) == 0)
			return &conf_keys[i];
	}
	return NULL;
}

static bool is_known_section(const char *section)
{
	for (size_t i = 0; i < COUNT(conf_keys); i++) {
		if (strcmp(conf_keys[i].section, section) == 0)
			return true;
	}
	return false;
}

static bool is_reserved_section(const char *section)
{
	for (size_t i = 0; i < COUNT(reserved_sections); i++) {
		if (strcmp(reserved_sections[i], section) == 0)
			return true;
	}
	return false;
}

/* Unknown and not-yet-supported keys: warn, and tell the caller it was not set. */
static int report_ignored(const char *section, const char *key, const char *where,
			  naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	char msg[NACCS_ERR_MSG_MAX], sec_buf[SHOW_BUF], key_buf[SHOW_BUF];
	const char *sec = shown(section, sec_buf, sizeof(sec_buf));
	const char *k = shown(key, key_buf, sizeof(key_buf));

	if (is_reserved_section(section))
		snprintf(msg, sizeof(msg),
			 _("%s: [%s] key '%s' is not supported by this version (ignored)"), where,
			 sec, k);
	else if (is_known_section(section))
		snprintf(msg, sizeof(msg), _("%s: unknown key '%s' in section [%s] (ignored)"),
			 where, k, sec);
	else
		snprintf(msg, sizeof(msg), _("%s: unknown section [%s] (key '%s' ignored)"), where,
			 sec, k);
	if (warn != NULL)
		warn(warn_ctx, msg);
	return naccs_err_set(err, ENOENT, "%s", msg);
}

static int report_bad_value(const struct conf_key *k, const char *value, const char *where,
			    struct naccs_err *err)
{
	char accepted[160], val_buf[SHOW_BUF];

	describe_accepted(k, accepted, sizeof(accepted));
	return naccs_err_set(err, EINVAL, _("%s: %s.%s = '%s' is not valid; expected %s"), where,
			     k->section, k->key, shown(value, val_buf, sizeof(val_buf)), accepted);
}

int naccs_config_set(struct naccs_config *cfg, const char *section, const char *key,
		     const char *value, const char *where, bool from_file, naccs_warn_fn warn,
		     void *warn_ctx, struct naccs_err *err)
{
	const struct conf_key *k;

	if (cfg == NULL || section == NULL || key == NULL || value == NULL)
		return naccs_err_set(err, EINVAL,
				     _("configuration: missing section, key or value"));
	if (where == NULL)
		where = from_file ? _("configuration") : _("argument");

	k = find_key(section, key);
	if (k == NULL)
		return report_ignored(section, key, where, warn, warn_ctx, err);
	if (k->arg_only && from_file)
		return naccs_err_set(err, EINVAL,
				     _("%s: %s.%s can only be given as a module argument"), where,
				     k->section, k->key);
	if (parse_into(k, cfg, value) != 0)
		return report_bad_value(k, value, where, err);
	return 0;
}

int naccs_config_set_arg(struct naccs_config *cfg, const char *arg, naccs_warn_fn warn,
			 void *warn_ctx, struct naccs_err *err)
{
	char section[CONF_NAME_MAX], key[CONF_NAME_MAX], arg_buf[SHOW_BUF];
	const char *eq, *dot;
	size_t sec_len, key_len;

	if (arg == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	eq = strchr(arg, '=');
	dot = eq != NULL ? memchr(arg, '.', (size_t)(eq - arg)) : NULL;
	if (dot == NULL)
		goto malformed;
	sec_len = (size_t)(dot - arg);
	key_len = (size_t)(eq - dot - 1);
	if (sec_len == 0 || sec_len >= sizeof(section) || key_len == 0 || key_len >= sizeof(key))
		goto malformed;
	memcpy(section, arg, sec_len);
	section[sec_len] = '\0';
	memcpy(key, dot + 1, key_len);
	key[key_len] = '\0';
	return naccs_config_set(cfg, section, key, eq + 1, _("argument"), false, warn, warn_ctx,
				err);

malformed:
	return naccs_err_set(err, EINVAL, _("argument '%s': expected section.key=value"),
			     shown(arg, arg_buf, sizeof(arg_buf)));
}

/* ---- the file parser ---- */

struct parse_state {
	const char *path;
	unsigned line;
	char section[CONF_NAME_MAX];
	bool in_section;
	naccs_warn_fn warn;
	void *warn_ctx;
};

static int syntax_error(const struct parse_state *st, const char *what, struct naccs_err *err)
{
	return naccs_err_set(err, EINVAL, _("%s:%u: %s"), st->path, st->line, what);
}

/* Length of the UTF-8 sequence that starts with lead (0 if lead cannot start
 * one), with the payload bits of lead and the smallest code point that needs
 * this many bytes (to refuse over-long encodings). */
static size_t utf8_sequence(unsigned char lead, unsigned long *cp, unsigned long *min)
{
	if ((lead & 0xE0) == 0xC0) {
		*cp = lead & 0x1F;
		*min = 0x80;
		return 2;
	}
	if ((lead & 0xF0) == 0xE0) {
		*cp = lead & 0x0F;
		*min = 0x800;
		return 3;
	}
	if ((lead & 0xF8) == 0xF0) {
		*cp = lead & 0x07;
		*min = 0x10000;
		return 4;
	}
	return 0;
}

/* Strict UTF-8: no over-long forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned long cp, min;
		size_t n;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_sequence(s[i], &cp, &min);
		if (n == 0 || len - i < n)
			return false;
		for (size_t j = 1; j < n; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n;
	}
	return true;
}

/* "[name]", blanks allowed inside the brackets. */
static int parse_section_header(struct parse_state *st, char *s, struct naccs_err *err)
{
	size_t len = strlen(s);
	char *name;

	if (len < 2 || s[len - 1] != ']')
		return syntax_error(st, _("malformed section header (expected [name])"), err);
	s[len - 1] = '\0';
	name = trim(s + 1);
	if (!valid_name(name))
		return syntax_error(st, _("malformed section header (expected [name])"), err);
	memcpy(st->section, name, strlen(name) + 1);
	st->in_section = true;
	return 0;
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
	char where[PATH_MAX + 16];
	char *eq = strchr(s, '='), *key, *value;
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

	snprintf(where, sizeof(where), "%s:%u", st->path, st->line);
	rc = naccs_config_set(cfg, st->section, key, value, where, true, st->warn, st->warn_ctx,
			      err);
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
	if (!utf8_valid((const unsigned char *)line, len))
		return syntax_error(st, _("invalid UTF-8"), err);
	memcpy(buf, line, len);
	buf[len] = '\0';

	s = trim(buf);
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return parse_section_header(st, s, err);
	return parse_assignment(cfg, st, s, err);
}

static int parse_text(struct naccs_config *cfg, const char *path, const char *text, size_t len,
		      naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	struct parse_state st = {.path = path, .warn = warn, .warn_ctx = warn_ctx};
	size_t pos = 0;

	/* Editors on other systems may start the file with a byte-order mark. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		int rc;

		st.line++;
		rc = parse_line(cfg, &st, text + pos, line_len, err);
		if (rc != 0)
			return rc;
		pos += line_len + (nl != NULL ? 1 : 0);
	}
	return 0;
}

int naccs_config_parse_text(struct naccs_config *cfg, const char *text, size_t len,
			    const char *name, naccs_warn_fn warn, void *warn_ctx,
			    struct naccs_err *err)
{
	struct naccs_config *work;
	int rc;

	if (cfg == NULL || (text == NULL && len > 0))
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	if (name == NULL)
		name = _("configuration");

	/* Parse into a copy so that text with an error leaves cfg as it was. */
	work = malloc(sizeof(*work));
	if (work == NULL)
		return naccs_err_set(err, ENOMEM, _("%s: out of memory"), name);
	*work = *cfg;
	rc = parse_text(work, name, text, len, warn, warn_ctx, err);
	if (rc == 0) {
		*cfg = *work;
		naccs_err_clear(err); /* unknown keys were only warnings */
	}
	free(work);
	return rc;
}

/* ---- loading ---- */

static int open_trusted(const char *path, uid_t owner, int *fd_out, struct naccs_err *err)
{
	int fd, rc;

	/* O_NOFOLLOW: a symbolic link is refused, not followed.  O_NONBLOCK: a
	 * FIFO put in place of the file must not hang the login; it is refused
	 * below as not a regular file. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		int errnum = errno;

		if (errnum == ENOENT)
			return naccs_err_set(err, ENOENT, _("%s: no such file"), path);
		if (errnum == ELOOP)
			return naccs_err_set(err, EINVAL, _("%s: is a symbolic link (refused)"),
					     path);
		return naccs_err_set(err, errnum, _("%s: cannot open: %s"), path, strerror(errnum));
	}
	/* The descriptor check covers what we actually read; the path check
	 * adds the directory that holds it. */
	rc = naccs_trust_check_fd(fd, path, owner, err);
	if (rc == 0)
		rc = naccs_trust_check_file(path, owner, err);
	if (rc != 0) {
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

/* Read the whole file, at most CONF_FILE_MAX bytes, into a malloc'd buffer. */
static int read_bounded(int fd, const char *path, char **text_out, size_t *len_out,
			struct naccs_err *err)
{
	struct stat st;
	size_t cap, len = 0;
	char *text;

	if (fstat(fd, &st) != 0) {
		int errnum = errno;

		return naccs_err_set(err, errnum, _("%s: cannot check: %s"), path,
				     strerror(errnum));
	}
	if (st.st_size > CONF_FILE_MAX)
		return naccs_err_set(err, EFBIG, _("%s: larger than %d bytes"), path,
				     CONF_FILE_MAX);
	/* One spare byte tells us if the file grew while we read it. */
	cap = (size_t)st.st_size + 1;
	text = malloc(cap);
	if (text == NULL)
		return naccs_err_set(err, ENOMEM, _("%s: out of memory"), path);
	while (len < cap) {
		ssize_t n = read(fd, text + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int errnum = errno;

			free(text);
			return naccs_err_set(err, errnum, _("%s: cannot read: %s"), path,
					     strerror(errnum));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == cap) {
		free(text);
		return naccs_err_set(err, EAGAIN, _("%s: changed while being read"), path);
	}
	*text_out = text;
	*len_out = len;
	return 0;
}

int naccs_config_load(struct naccs_config *cfg, const char *path, bool must_exist,
		      naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int fd = -1, rc;

	if (cfg == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	if (path == NULL)
		path = NACCS_DEFAULT_CONF;
	if (strlen(path) >= sizeof(cfg->conf_path))
		return naccs_err_set(err, ENAMETOOLONG, _("%s: path too long"), path);

	rc = open_trusted(path, cfg->owner_uid, &fd, err);
	if (rc == -ENOENT && !must_exist) {
		naccs_err_clear(err);
		return 0;
	}
	if (rc != 0)
		goto out;
	rc = read_bounded(fd, path, &text, &len, err);
	if (rc != 0)
		goto out;
	/* cfg is left as it was when the text has an error. */
	rc = naccs_config_parse_text(cfg, text, len, path, warn, warn_ctx, err);
	if (rc == 0)
		snprintf(cfg->conf_path, sizeof(cfg->conf_path), "%s", path);
out:
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

/* ---- cross-key checks ---- */

int naccs_config_validate(const struct naccs_config *cfg, struct naccs_err *err)
{
	struct naccs_err sub;

	if (cfg == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	if (cfg->uid_min > cfg->uid_max)
		return naccs_err_set(
		    err, EINVAL, _("identity.uid_min (%lu) is greater than identity.uid_max (%lu)"),
		    (unsigned long)cfg->uid_min, (unsigned long)cfg->uid_max);

	naccs_err_clear(&sub);
	if (naccs_hash_params_validate(&cfg->hash, &sub) != 0 ||
	    naccs_hash_pick_engine(&cfg->hash, &sub) < 0)
		return naccs_err_set(err, EINVAL, _("[hash] settings cannot be used: %s"), sub.msg);
	return 0;
}
