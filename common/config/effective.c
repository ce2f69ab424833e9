/* The effective configuration: each key's value as a file line would write
 * it and where it came from (naccsctl config show --effective), and the
 * file line of a key (the cross-key checks of config/validate.c). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/internal.h"
#include "config/conf.h"

/* The value of k in cfg as a file line would write it. */
static void format_value(const struct conf_key *k, const struct naccs_config *cfg, char *buf,
			 size_t buflen)
{
	const void *field = (const char *)cfg + k->offset;

	switch (k->kind) {
	case KIND_BOOL:
		snprintf(buf, buflen, "%s", *(const bool *)field ? "yes" : "no");
		break;
	case KIND_OWNER:
		snprintf(buf, buflen, "%lu", (unsigned long)*(const uid_t *)field);
		break;
	case KIND_U32:
		snprintf(buf, buflen, "%lu", (unsigned long)*(const uint32_t *)field);
		break;
	case KIND_UINT:
		snprintf(buf, buflen, "%u", *(const unsigned *)field);
		break;
	case KIND_ENGINE:
		snprintf(buf, buflen, "%s",
			 naccs_hash_engine_name(*(const enum naccs_engine_id *)field));
		break;
	case KIND_ALGORITHM:
		snprintf(buf, buflen, "%s",
			 naccs_hash_alg_name(*(const enum naccs_hash_alg *)field));
		break;
	case KIND_LOGIN_FORMAT:
		snprintf(buf, buflen, "%s",
			 naccs_login_format_name(*(const enum naccs_login_format *)field));
		break;
	case KIND_PROFILE:
		snprintf(buf, buflen, "%s",
			 naccs_policy_profile_name(*(const enum naccs_policy_profile *)field));
		break;
	case KIND_PATH:
	case KIND_PASSWD_PATH:
	case KIND_OPT_PATH:
	case KIND_NAMES:
	case KIND_NETWORKS:
	case KIND_LOGIN_PREFIX:
		snprintf(buf, buflen, "%s", (const char *)field);
		break;
	case KIND_MODE:
		snprintf(buf, buflen, "%04o", *(const unsigned *)field);
		break;
	case KIND_PW_CLASSES:
		config_format_pw_classes(*(const unsigned *)field, buf, buflen);
		break;
	case KIND_AUDIT_FAILURE:
		snprintf(buf, buflen, "%s", *(const bool *)field ? "deny" : "allow");
		break;
	}
}

int naccs_config_item(const struct naccs_config *cfg, size_t i, struct naccs_config_item *out)
{
	const struct conf_key *k;

	if (cfg == NULL || out == NULL)
		return -ENOENT;
	if (i >= naccs_config_key_count()) {
		const struct naccs_config_rule *r;
		size_t j = i - naccs_config_key_count();

		if (j < cfg->access_rule_count)
			r = &cfg->access_rules[j];
		else if (j - cfg->access_rule_count < cfg->su_target_count)
			r = &cfg->su_targets[j - cfg->access_rule_count];
		else
			return -ENOENT;
		memset(out, 0, sizeof(*out));
		out->section = j < cfg->access_rule_count ? "access" : "su";
		out->key = r->key;
		snprintf(out->value, sizeof(out->value), "%s", r->text);
		out->origin = r->origin.kind;
		if (out->origin == NACCS_ORIGIN_FILE) {
			out->file = cfg->origin_file;
			out->line = r->origin.line;
		}
		return 0;
	}
	k = config_key_at(i);
	memset(out, 0, sizeof(*out));
	out->section = k->section;
	out->key = k->key;
	format_value(k, cfg, out->value, sizeof(out->value));
	out->origin = cfg->origin[i].kind;
	if (out->origin == NACCS_ORIGIN_PROFILE)
		out->profile = naccs_policy_profile_name(cfg->profile);
	if (out->origin == NACCS_ORIGIN_FILE) {
		out->file = cfg->origin_file;
		out->line = cfg->origin[i].line;
	}
	return 0;
}

const char *naccs_config_origin_name(enum naccs_origin_kind kind)
{
	switch (kind) {
	case NACCS_ORIGIN_DEFAULT:
		return "default";
	case NACCS_ORIGIN_PROFILE:
		return "profile";
	case NACCS_ORIGIN_FILE:
		return "file";
	case NACCS_ORIGIN_ARG:
		return "argument";
	}
	return "unknown";
}

unsigned config_line_of(const struct naccs_config *cfg, const char *section, const char *key1,
			const char *key2)
{
	unsigned line = 0;

	for (size_t i = 0; i < naccs_config_key_count(); i++) {
		const char *k = config_key_at(i)->key;

		if (strcmp(config_key_at(i)->section, section) != 0 ||
		    cfg->origin[i].kind != NACCS_ORIGIN_FILE)
			continue;
		if ((key1 != NULL || key2 != NULL) && !(key1 != NULL && strcmp(k, key1) == 0) &&
		    !(key2 != NULL && strcmp(k, key2) == 0))
			continue;
		if (cfg->origin[i].line > line)
			line = cfg->origin[i].line;
	}
	return line;
}
