/* The cross-key checks, once every key is set (e.g. uid_min <= uid_max, the
 * hash engine can compute the parameters): the first problem for the caller
 * to fail closed (naccs_config_validate), or every one, with the file line
 * of a key it concerns, for the collect mode of config/ini.c. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/internal.h"
#include "config/conf.h"
#include "base/i18n.h"

/* Where the problems of the cross-key checks go: the first one to err
 * (naccs_config_validate: the caller fails closed), or every one to report
 * with the line of the key it concerns (collect mode). */
struct problems {
	const struct naccs_config *cfg;
	struct naccs_err *err;
	naccs_config_diag_fn report;
	void *report_ctx;
	unsigned count;
};

/* Collect mode: FILE:LINE: msg to the report (origin_file is shorter than
 * PATH_MAX, so its place is never cut).  The PATH_MAX-sized line on the
 * heap, apart from problem(): the first-problem mode runs on a PAM host's
 * stack (pam_naccs's configuration, issue 18).  Without memory the problem
 * is reported all the same, without its place. */
static __attribute__((noinline)) void report_problem(struct problems *p, unsigned line,
						     const char *msg)
{
	const size_t full_len = NACCS_ERR_MSG_MAX + PATH_MAX + 40;
	char *full = malloc(full_len);

	p->count++;
	if (full == NULL) {
		p->report(p->report_ctx, NACCS_CONFIG_ERROR, msg);
		return;
	}
	/* FILE:LINE: like the messages of the lines themselves. */
	if (line > 0)
		snprintf(full, full_len, "%s:%u: %s", p->cfg->origin_file, line, msg);
	else
		snprintf(full, full_len, "%s: %s", p->cfg->origin_file, msg);
	p->report(p->report_ctx, NACCS_CONFIG_ERROR, full);
	free(full);
}

/* One problem; true when the checks go on (collect mode).  line: the file
 * line it concerns (0: none, e.g. a profile's preset). */
static bool problem(struct problems *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool problem(struct problems *p, unsigned line, const char *fmt, ...)
{
	char msg[NACCS_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->report == NULL) {
		naccs_err_set(p->err, EINVAL, "%s", msg);
		return false;
	}
	report_problem(p, line, msg);
	return true;
}

static int validate(struct problems *p)
{
	const struct naccs_config *cfg = p->cfg;
	struct naccs_err sub;

	if (cfg->uid_min > cfg->uid_max &&
	    !problem(p, config_line_of(cfg, "identity", "uid_min", "uid_max"),
		     _("identity.uid_min (%lu) is greater than identity.uid_max (%lu)"),
		     (unsigned long)cfg->uid_min, (unsigned long)cfg->uid_max))
		return -EINVAL;
	if (cfg->password.min_length > cfg->password.max_length &&
	    !problem(p, config_line_of(cfg, "password", "min_length", "max_length"),
		     _("password.min_length (%lu) is greater than password.max_length (%lu)"),
		     (unsigned long)cfg->password.min_length,
		     (unsigned long)cfg->password.max_length))
		return -EINVAL;
	if (cfg->password.min_classes > (unsigned)__builtin_popcount(cfg->password.classes) &&
	    !problem(p, config_line_of(cfg, "password", "min_classes", "classes"),
		     _("password.min_classes (%lu) is more than the classes that "
		       "count (password.classes)"),
		     (unsigned long)cfg->password.min_classes))
		return -EINVAL;
	naccs_err_clear(&sub);
	if ((naccs_hash_params_validate(&cfg->hash, &sub) != 0 ||
	     naccs_hash_pick_engine(&cfg->hash, &sub) < 0) &&
	    !problem(p, config_line_of(cfg, "hash", NULL, NULL),
		     _("[hash] settings cannot be used: %s"), sub.msg))
		return -EINVAL;
	return p->count > 0 ? -EINVAL : 0;
}

int naccs_config_validate(const struct naccs_config *cfg, struct naccs_err *err)
{
	struct problems p = {.cfg = cfg, .err = err};

	if (cfg == NULL)
		return naccs_err_set(err, EINVAL, _("configuration: missing argument"));
	return validate(&p);
}

unsigned config_validate_report(const struct naccs_config *cfg, naccs_config_diag_fn report,
				void *report_ctx)
{
	struct problems p = {.cfg = cfg, .report = report, .report_ctx = report_ctx};

	validate(&p);
	return p.count;
}
