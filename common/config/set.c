/* The one setter shared by the file (config/ini.c), PAM module arguments
 * and naccsctl overrides, so every origin is validated the same way: the
 * keys of the table (config/keys.c), the keys named by the administrator,
 * and the policy profile, whose presets it applies (config/profile.c).
 * What it refuses, and why it warns instead, is said in config/keys.c. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"
#include "config/conf.h"
#include "base/i18n.h"
#include "base/text.h"

#define SHOW_BUF 84 /* a user-supplied string quoted in a message: 80 bytes + "..." */

/* A copy of a user-supplied string that is safe to put in a message: control
 * characters (terminal escapes, newlines forging log lines) become '?', and
 * long strings are cut at a character boundary and marked. */
static const char *shown(const char *s, char *buf, size_t buflen)
{
	naccs_text_sanitize(s, SIZE_MAX, buf, buflen, NACCS_TEXT_ELLIPSIS);
	return buf;
}

/* ---- the setter ---- */

/* A key of a rule this version does not have: an error (fail closed), so
 * that "deny = 5" in [lockout] cannot pass for an enforced lockout. */
static int report_not_implemented(const char *section, const char *key, const char *where,
				  struct naccs_err *err)
{
	char sec_buf[SHOW_BUF], key_buf[SHOW_BUF];

	return naccs_err_set(err, EINVAL,
			     _("%s: [%s] %s: the rules of this section are not implemented in this "
			       "version (refused: the setting would have no effect)"),
			     where, shown(section, sec_buf, sizeof(sec_buf)),
			     shown(key, key_buf, sizeof(key_buf)));
}

/* Unknown keys: warn, and tell the caller it was not set.  Only a warning:
 * what is not set keeps its documented default, which is the policy. */
static int report_ignored(const char *section, const char *key, const char *where,
			  naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	char msg[NACCS_ERR_MSG_MAX], sec_buf[SHOW_BUF], key_buf[SHOW_BUF];
	const char *sec = shown(section, sec_buf, sizeof(sec_buf));
	const char *k = shown(key, key_buf, sizeof(key_buf));

	if (config_known_section(section))
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

	config_describe_accepted(k, accepted, sizeof(accepted));
	return naccs_err_set(err, EINVAL, _("%s: %s.%s = '%s' is not valid; expected %s"), where,
			     k->section, k->key, shown(value, val_buf, sizeof(val_buf)), accepted);
}

/* The field of key k in cfg. */
static void *field_of(const struct conf_key *k, struct naccs_config *cfg)
{
	return (char *)cfg + k->offset;
}

/* Take back the presets of the profile set before (those keys return to
 * their built-in defaults), then apply the current profile's presets to
 * every key still at its default.  Explicit keys are never touched, so the
 * result does not depend on where the profile line or argument comes
 * (the two-pass resolution of issue #6, kept inside the one setter). */
static int apply_profile(struct naccs_config *cfg, struct naccs_err *err)
{
	const struct naccs_config_preset *p =
	    cfg->presets ? cfg->presets : config_builtin_presets();
	const char *name = naccs_policy_profile_name(cfg->profile);
	struct naccs_config *def = malloc(sizeof(*def));
	char where[64];

	if (def == NULL)
		return naccs_err_set(err, ENOMEM, _("configuration: out of memory"));
	naccs_config_defaults(def);
	for (size_t i = 0; i < naccs_config_key_count(); i++) {
		const struct conf_key *k = config_key_at(i);

		if (cfg->origin[i].kind != NACCS_ORIGIN_PROFILE)
			continue;
		memcpy(field_of(k, cfg), field_of(k, def), k->size);
		cfg->origin[i] = (struct naccs_config_origin){NACCS_ORIGIN_DEFAULT, 0};
	}
	free(def);
	snprintf(where, sizeof(where), _("profile %s"), name);
	for (; p->profile != NULL; p++) {
		int rc;

		if (strcmp(p->profile, name) != 0)
			continue;
		/* A profile does not choose a profile. */
		if (strcmp(p->section, "general") == 0 && strcmp(p->key, "policy_profile") == 0)
			return naccs_err_set(err, EINVAL, _("%s: presets cannot set a profile"),
					     where);
		rc = config_set_from(cfg, p->section, p->key, p->value, where,
				     (struct naccs_config_origin){NACCS_ORIGIN_PROFILE, 0}, NULL,
				     NULL, err);
		/* Our own table: a preset that does not apply (an unknown key
		 * included) is a bug; fail closed. */
		if (rc == -ENOENT) {
			if (err != NULL)
				err->code = EINVAL;
			return -EINVAL;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Keys named by the administrator: [access] rule_NAME = RULE
 * (UTS-2.2.1.2(1)(b)(ア), rules/access.h) and [su] target_NAME = TARGET
 * groups=... ids=... (UTS-2.2.1.1(1)(g)(カ), rules/su.h).  Each is a key of
 * its own, so it has its own line and origin, and an argument of the same
 * name replaces the file's.  A text that does not parse is an error: the
 * caller fails closed.  The families are config/keys.c's named_keys; this
 * is one of them with its fields in a struct naccs_config. */
struct named_keys {
	const char *section, *prefix;
	struct naccs_config_rule *rules;
	unsigned *count;
	unsigned max;
	named_check_fn check;
};

static int set_named(const struct named_keys *nk, const char *key, const char *value,
		     const char *where, struct naccs_config_origin origin, struct naccs_err *err)
{
	struct naccs_err why;
	char key_buf[SHOW_BUF];
	size_t plen = strlen(nk->prefix), klen = strlen(key), i;

	shown(key, key_buf, sizeof(key_buf));
	for (i = plen; i < klen; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') ||
		      (key[i] >= '0' && key[i] <= '9') || key[i] == '_' || key[i] == '-'))
			break;
	if (klen == plen || i < klen || klen >= NACCS_ACCESS_KEY_MAX)
		return naccs_err_set(err, EINVAL,
				     _("%s: %s.%s: a name is 1 to %d letters, digits, '_' or '-' "
				       "after %s"),
				     where, nk->section, key_buf,
				     (int)(NACCS_ACCESS_KEY_MAX - 1 - plen), nk->prefix);
	naccs_err_clear(&why);
	if (strlen(value) >= NACCS_ACCESS_TEXT_MAX)
		return naccs_err_set(err, EINVAL, _("%s: %s.%s: longer than %d bytes"), where,
				     nk->section, key_buf, NACCS_ACCESS_TEXT_MAX - 1);
	if (nk->check(value, &why) < 0)
		return naccs_err_set(err, EINVAL, _("%s: %s.%s: %s"), where, nk->section, key_buf,
				     why.msg);
	for (i = 0; i < *nk->count; i++)
		if (strcmp(nk->rules[i].key, key) == 0)
			break;
	if (i == nk->max)
		return strcmp(nk->section, "su") == 0
			   ? naccs_err_set(err, EINVAL, _("%s: su.%s: more than %u target entries"),
					   where, key_buf, nk->max)
			   : naccs_err_set(err, EINVAL, _("%s: access.%s: more than %u rules"),
					   where, key_buf, nk->max);
	if (i == *nk->count)
		(*nk->count)++;
	memcpy(nk->rules[i].key, key, klen + 1);
	memcpy(nk->rules[i].text, value, strlen(value) + 1);
	nk->rules[i].origin = origin;
	return 0;
}

int config_set_from(struct naccs_config *cfg, const char *section, const char *key,
		    const char *value, const char *where, struct naccs_config_origin origin,
		    naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
{
	const struct conf_named_keys *named;
	const struct conf_key *k;
	size_t idx;

	if (cfg == NULL || section == NULL || key == NULL || value == NULL)
		return naccs_err_set(err, EINVAL,
				     _("configuration: missing section, key or value"));
	if (where == NULL)
		where = origin.kind == NACCS_ORIGIN_FILE ? _("configuration") : _("argument");

	named = config_find_named(section, key);
	if (named != NULL) {
		const struct named_keys nk = {
		    named->section,
		    named->prefix,
		    (struct naccs_config_rule *)((char *)cfg + named->rules_offset),
		    (unsigned *)((char *)cfg + named->count_offset),
		    named->max,
		    named->check};

		return set_named(&nk, key, value, where, origin, err);
	}
	k = config_find_key(section, key, &idx);
	if (k == NULL && config_reserved_section(section))
		return report_not_implemented(section, key, where, err);
	if (k == NULL)
		return report_ignored(section, key, where, warn, warn_ctx, err);
	if (k->arg_only && origin.kind != NACCS_ORIGIN_ARG)
		return naccs_err_set(err, EINVAL,
				     _("%s: %s.%s can only be given as a module argument"), where,
				     k->section, k->key);
	/* A preset never replaces what the file or an argument set. */
	if (origin.kind == NACCS_ORIGIN_PROFILE && cfg->origin[idx].kind != NACCS_ORIGIN_DEFAULT &&
	    cfg->origin[idx].kind != NACCS_ORIGIN_PROFILE)
		return 0;
	if (config_parse_into(k, cfg, value) != 0)
		return report_bad_value(k, value, where, err);
	cfg->origin[idx] = origin;
	if (k->kind == KIND_PROFILE)
		return apply_profile(cfg, err);
	return 0;
}

int naccs_config_set(struct naccs_config *cfg, const char *section, const char *key,
		     const char *value, const char *where, bool from_file, naccs_warn_fn warn,
		     void *warn_ctx, struct naccs_err *err)
{
	struct naccs_config_origin origin = {from_file ? NACCS_ORIGIN_FILE : NACCS_ORIGIN_ARG, 0};

	return config_set_from(cfg, section, key, value, where, origin, warn, warn_ctx, err);
}

int naccs_config_set_arg(struct naccs_config *cfg, const char *arg, naccs_warn_fn warn,
			 void *warn_ctx, struct naccs_err *err)
{
	return naccs_config_set_arg_from(cfg, arg, _("argument"), warn, warn_ctx, err);
}

int naccs_config_set_arg_from(struct naccs_config *cfg, const char *arg, const char *where,
			      naccs_warn_fn warn, void *warn_ctx, struct naccs_err *err)
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
	return naccs_config_set(cfg, section, key, eq + 1, where, false, warn, warn_ctx, err);

malformed:
	return naccs_err_set(err, EINVAL, _("%s '%s': expected section.key=value"), where,
			     shown(arg, arg_buf, sizeof(arg_buf)));
}
