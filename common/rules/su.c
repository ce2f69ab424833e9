/* Switching to a shared administrator ID: the rules of rules/su.h
 * (UTS-2.2.1.1(1)(g)(カ)): who invokes, the lists of names, the [su]
 * target_NAME entries.  The decision itself (policy/su.c) reads the store
 * and resolves names with them. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/num.h"
#include "rules/su.h"
#include "base/text.h"
#include "base/proc.h"

#define NO_UID 4294967295UL
/* Longest service name a list may match, with its NUL. */
#define SERVICE_NAME_MAX 64

/* ---- the invoker ------------------------------------------------------ */

static _Thread_local bool invoker_set;
static _Thread_local struct naccs_su_invoker invoker_given;

void naccs_su_use_invoker(const struct naccs_su_invoker *inv)
{
	invoker_set = inv != NULL;
	if (inv != NULL)
		invoker_given = *inv;
}

void naccs_su_read_invoker(struct naccs_su_invoker *inv)
{
	if (invoker_set) {
		*inv = invoker_given;
		return;
	}
	memset(inv, 0, sizeof(*inv));
	inv->uid = (uint32_t)getuid();
	inv->has_loginuid = naccs_proc_loginuid(0, &inv->loginuid);
#ifdef NACCS_TEST_HOOKS
	{
		const char *u = secure_getenv("NACCS_TEST_INVOKER_UID");
		const char *l = secure_getenv("NACCS_TEST_LOGINUID");
		unsigned long v;

		if (u != NULL && naccs_parse_ulong(u, strlen(u), 0, NO_UID - 1, &v) == 0)
			inv->uid = (uint32_t)v;
		if (l != NULL && strcmp(l, "unset") == 0)
			inv->has_loginuid = false;
		else if (l != NULL && naccs_parse_ulong(l, strlen(l), 0, NO_UID - 1, &v) == 0) {
			inv->has_loginuid = true;
			inv->loginuid = (uint32_t)v;
		}
	}
#endif
}

/* ---- lists of names ---------------------------------------------------- */

bool naccs_su_next_name(const char **p, char *out, size_t outlen)
{
	const char *item;
	size_t len;

	while (naccs_text_list_next(p, &item, &len))
		if (len < outlen) {
			memcpy(out, item, len);
			out[len] = '\0';
			return true;
		}
	return false;
}

bool naccs_su_service_listed(const char *list, const char *service)
{
	/* A listed name of SERVICE_NAME_MAX bytes or more is skipped, as
	 * naccs_su_next_name skips it: so such a service matches none. */
	return service != NULL && strlen(service) < SERVICE_NAME_MAX &&
	       naccs_text_list_has(list, service);
}

/* ---- [su] target_NAME entries ------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The list of a "KEY=LIST" word into out (once, not empty). */
static int take_list(const char *word, size_t len, const char *key, char *out, size_t outlen,
		     struct naccs_err *err)
{
	size_t klen = strlen(key);

	if (out[0] != '\0')
		return naccs_err_set(err, EINVAL, _("%s= is given twice"), key);
	if (len == klen + 1)
		return naccs_err_set(err, EINVAL, _("%s= names nobody"), key);
	if (len - klen - 1 >= outlen)
		return naccs_err_set(err, EINVAL, _("%s= is too long"), key);
	memcpy(out, word + klen + 1, len - klen - 1);
	out[len - klen - 1] = '\0';
	return 0;
}

/* A word of the entry as a message quotes it: control characters and bad
 * UTF-8 replaced (base/text.h), so a hostile value cannot forge log lines
 * (UTS-2.2.1.4(1)(d)). */
static const char *shown(const char *s, size_t len, char *buf, size_t buflen)
{
	naccs_text_sanitize(s, len, buf, buflen, NACCS_TEXT_ELLIPSIS);
	return buf;
}

int naccs_su_target_parse(const char *text, struct naccs_su_target *out, struct naccs_err *err)
{
	const char *p = text;
	bool first = true;
	char show[68];

	memset(out, 0, sizeof(*out));
	for (;;) {
		const char *word;
		size_t len;
		int rc;

		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p != '\0' && !is_space(*p))
			p++;
		len = (size_t)(p - word);
		if (first) {
			first = false;
			if (memchr(word, '=', len) != NULL || memchr(word, ',', len) != NULL)
				return naccs_err_set(err, EINVAL,
						     _("'%s' is not a target: expected TARGET "
						       "groups=LIST and/or ids=LIST"),
						     shown(word, len, show, sizeof(show)));
			if (len >= sizeof(out->target))
				return naccs_err_set(err, EINVAL, _("the target is too long"));
			memcpy(out->target, word, len);
			out->target[len] = '\0';
			continue;
		}
		if (len > 7 && strncmp(word, "groups=", 7) == 0)
			rc = take_list(word, len, "groups", out->groups, sizeof(out->groups), err);
		else if (len > 4 && strncmp(word, "ids=", 4) == 0)
			rc = take_list(word, len, "ids", out->ids, sizeof(out->ids), err);
		else if (len == 7 && strncmp(word, "groups=", 7) == 0)
			rc = naccs_err_set(err, EINVAL, _("%s= names nobody"), "groups");
		else if (len == 4 && strncmp(word, "ids=", 4) == 0)
			rc = naccs_err_set(err, EINVAL, _("%s= names nobody"), "ids");
		else
			rc = naccs_err_set(err, EINVAL, _("'%s': expected groups=LIST or ids=LIST"),
					   shown(word, len, show, sizeof(show)));
		if (rc < 0)
			return rc;
	}
	if (first)
		return naccs_err_set(err, EINVAL,
				     _("empty: expected TARGET groups=LIST and/or ids=LIST"));
	if (out->groups[0] == '\0' && out->ids[0] == '\0')
		return naccs_err_set(err, EINVAL,
				     _("no groups= or ids=: name who may switch to %s"),
				     shown(out->target, SIZE_MAX, show, sizeof(show)));
	return 0;
}
