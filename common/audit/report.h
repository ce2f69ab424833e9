/* The audit report (UTS-2.2.1.4(1)(d)(ア), #10): the events of the trail
 * (audit/trail.h) between two times, optionally of one ID and of one event
 * type, read and grouped for an administrator:
 *  - failures per ID: refused logins (type auth, action login, result deny),
 *    counted per login with the first and last time;
 *  - locks: every lock and unlock (the automatic lock after too many
 *    failures, an administrator's lock and unlock);
 *  - switches: every su decision on a shared admin ID (reason su-..., or
 *    any decision naming the individual behind a switch:
 *    individual_login, _user_code, _id_number) and the target;
 *  - access refusals: logins refused by [access] rule_NAME (outside the
 *    days and hours, or from a service, terminal or network not allowed);
 *  - the timeline: every selected event in trail order.
 * Reading does not verify the chain (naccsctl audit verify does): a line
 * that is not one of the trail's is skipped and named (FILE:LINE). */
#ifndef NACCS_AUDIT_REPORT_H
#define NACCS_AUDIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* What to select: since <= time < until (seconds since the epoch, UTC);
 * user: a canonical login, matched against the event's login and the
 * individual behind an su (NULL: everyone); type: the event type ("auth",
 * "account", "session", "password", "admin"; NULL: every type). */
struct naccs_audit_query {
	int64_t since, until;
	const char *user;
	const char *type;
};

/* One event of the trail; every string is malloc'd ("" when absent). */
struct naccs_audit_rec {
	uint64_t seq;
	char *time, *type, *action, *result, *reason, *login, *user_code, *id_number;
	char *service, *tty, *rhost, *actor, *detail;
	char *individual_login, *individual_user_code, *individual_id_number;
	uint64_t uid;
	bool has_loginuid;
	uint64_t loginuid;
};

struct naccs_audit_failures {
	const struct naccs_audit_rec *rec; /* the last failure: login and codes */
	const char *first, *last;	   /* times of the first and the last */
	uint64_t count;
};

#define NACCS_AUDIT_REPORT_BAD_MAX 10 /* unreadable lines named, at most */

struct naccs_audit_report {
	struct naccs_audit_rec *events; /* the timeline, in trail order */
	size_t nevents;
	struct naccs_audit_failures *failures; /* by login */
	size_t nfailures;
	size_t *locks, nlocks; /* indexes into events */
	size_t *su, nsu;
	size_t *access, naccess;
	uint64_t files, lines;
	uint64_t bad;				     /* lines that are not the trail's, skipped */
	char bad_at[NACCS_AUDIT_REPORT_BAD_MAX][48]; /* "FILE:LINE" of the first */
};

/* Is the event a lock or unlock / an su decision / an access refusal? */
bool naccs_audit_rec_is_lock(const struct naccs_audit_rec *r);
bool naccs_audit_rec_is_su(const struct naccs_audit_rec *r);
bool naccs_audit_rec_is_access(const struct naccs_audit_rec *r);

/* Read the month files of dir and fill *r (free with
 * naccs_audit_report_free, also after a failure).  0, or -errno with a
 * message when the trail cannot be read. */
int naccs_audit_report_build(const char *dir, const struct naccs_audit_query *q,
			     struct naccs_audit_report *r, struct naccs_err *err);
void naccs_audit_report_free(struct naccs_audit_report *r);

#endif
