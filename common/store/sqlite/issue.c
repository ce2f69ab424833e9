/* The SQLite backend of the credential store: issuing an identity.
 *
 * An ID is never issued twice: the login (in any case), the NACCS user ID
 * and the uid must never have been used, retired tombstones included
 * (UTS-2.2.1.3(2)(g)(ウ)); no typed name may come to mean two IDs (a
 * login that reads as another ID's NACCS user ID, or the reverse); an
 * allocated uid is the lowest never-used one in the range.  The identity,
 * its first credential, its flags and the registry line are written in one
 * transaction. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/name.h"
#include "store/sqlite/internal.h"

/* ---- never issued twice ---------------------------------------------- */

/* Step a prepared query whose first column is a login (and second, when
 * with_retired, the retired flag); finalizes st.  1 with the login,
 * printable, in holder when it finds a row; 0 when not; -errno. */
static int holder_of(struct sq *s, sqlite3_stmt *st, char holder[48], bool *retired,
		     struct naccs_err *err)
{
	int rc = sq_step(s, st, err);

	if (rc > 0) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		sq_printable(t != NULL ? t : "", t != NULL ? strlen(t) : 0, holder, 48);
		if (retired != NULL)
			*retired = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* -EEXIST if the prepared query (login, retired) finds a row: one
 * sentence, naming the holder when it is not the login asked for. */
static int taken(struct sq *s, sqlite3_stmt *st, const char *what, const char *login,
		 struct naccs_err *err)
{
	char holder[48];
	bool retired = false;
	int rc = holder_of(s, st, holder, &retired, err);

	if (rc <= 0)
		return rc;
	if (strcmp(holder, login) == 0)
		return naccs_err_set(err, EEXIST,
				     retired
					 ? _("%s was already issued (now retired); an ID is "
					     "never issued twice")
					 : _("%s was already issued; an ID is never issued twice"),
				     what);
	return naccs_err_set(err, EEXIST,
			     retired
				 ? _("%s was already issued to login '%s' (now retired); an "
				     "ID is never issued twice")
				 : _("%s was already issued to login '%s'; an ID is never issued "
				     "twice"),
			     what, holder);
}

/* Everything that makes an identity unique must never have been issued,
 * retired tombstones included (UTS-2.2.1.3(2)(g)(ウ)).  Logins differing
 * only in case count as the same. */
static int check_unissued(struct sq *s, const struct naccs_identity *id, struct naccs_err *err)
{
	char what[NACCS_LOGIN_MAX + NACCS_CODE_MAX + NACCS_NUMBER_LEN + 40];
	sqlite3_stmt *st;
	int rc = sq_prepare(s, &st, err,
			    "SELECT login, retired FROM identities WHERE login = ?1 COLLATE NOCASE",
			    "t", id->login);

	snprintf(what, sizeof(what), _("login '%s'"), id->login);
	if (rc == 0)
		rc = taken(s, st, what, id->login, err);
	if (rc == 0 && id->user_code[0] != '\0') {
		snprintf(what, sizeof(what), _("NACCS user ID %s-%s"), id->user_code,
			 id->id_number);
		rc = sq_prepare(s, &st, err,
				"SELECT login, retired FROM identities "
				"WHERE user_code = ?1 AND id_number = ?2",
				"tt", id->user_code, id->id_number);
		if (rc == 0)
			rc = taken(s, st, what, id->login, err);
	}
	if (rc == 0 && id->uid != NACCS_UID_ALLOCATE) {
		snprintf(what, sizeof(what), _("uid %lu"), (unsigned long)id->uid);
		rc = sq_prepare(s, &st, err, "SELECT login, retired FROM identities WHERE uid = ?1",
				"l", (int64_t)id->uid);
		if (rc == 0)
			rc = taken(s, st, what, id->login, err);
	}
	return rc;
}

/* ---- one name, one ID ------------------------------------------------ */

/* -EEXIST naming the clash if the prepared query (login) finds a row.
 * reading is "LOGIN reads as NACCS user ID CODE-NUMBER". */
static int clash(struct sq *s, sqlite3_stmt *st, const char *reading, struct naccs_err *err)
{
	char holder[48];
	int rc = holder_of(s, st, holder, NULL, err);

	if (rc > 0)
		rc = naccs_err_set(err, EEXIST,
				   _("%s, which already names the ID '%s': a name must never "
				     "mean two IDs"),
				   reading, holder);
	return rc;
}

/* A login or NACCS user ID that would make one typed name mean two IDs
 * (see policy/resolve.h) is refused at issue, in both directions:
 *  - the new login reads as a NACCS user ID that is another ID's, or that
 *    another login also reads as ("opsadmin" after OPSAD-MIN was issued);
 *  - the new NACCS user ID is how an existing login reads (OPSAD-MIN after
 *    the shared login "opsadmin" was issued).
 * Tombstones count: a retired ID's names stay taken (UTS-2.2.1.3(2)(g)(ウ)). */
static int check_pair_reading(struct sq *s, const struct naccs_user_id *pair, bool own,
			      const char *reading, struct naccs_err *err)
{
	char joined[NACCS_CODE_MAX + NACCS_NUMBER_LEN + 1],
	    dashed[NACCS_CODE_MAX + NACCS_NUMBER_LEN + 2];
	sqlite3_stmt *st;
	int rc = 0;

	if (!own) {
		rc = sq_prepare(
		    s, &st, err,
		    "SELECT login FROM identities WHERE user_code = ?1 AND id_number = ?2", "tt",
		    pair->code, pair->number);
		if (rc == 0)
			rc = clash(s, st, reading, err);
	}
	snprintf(joined, sizeof(joined), "%s%s", pair->code, pair->number);
	snprintf(dashed, sizeof(dashed), "%s-%s", pair->code, pair->number);
	if (rc == 0)
		rc = sq_prepare(
		    s, &st, err,
		    /* Not "login = ?1 COLLATE NOCASE OR ...": SQLite 3.40
		     * turns that OR into a case-sensitive IN. */
		    "SELECT login FROM identities WHERE login COLLATE NOCASE IN (?1, ?2)", "tt",
		    joined, dashed);
	if (rc == 0)
		rc = clash(s, st, reading, err);
	return rc;
}

static int check_unambiguous(struct sq *s, const struct naccs_identity *id, struct naccs_err *err)
{
	char reading[NACCS_LOGIN_MAX + NACCS_CODE_MAX + NACCS_NUMBER_LEN + 64];
	struct naccs_user_id own = {{0}, {0}}, read_as;
	bool has_own = id->user_code[0] != '\0';
	int rc = 0;

	if (has_own) {
		snprintf(own.code, sizeof(own.code), "%s", id->user_code);
		snprintf(own.number, sizeof(own.number), "%s", id->id_number);
	}
	if (naccs_name_parse(id->login, &read_as) == 0) {
		bool same = has_own && strcmp(read_as.code, own.code) == 0 &&
			    strcmp(read_as.number, own.number) == 0;

		snprintf(reading, sizeof(reading), _("login '%s' reads as NACCS user ID %s-%s"),
			 id->login, read_as.code, read_as.number);
		if (!same)
			rc = check_pair_reading(s, &read_as, false, reading, err);
	}
	if (rc == 0 && has_own) {
		snprintf(reading, sizeof(reading), _("NACCS user ID %s-%s is how a login reads"),
			 own.code, own.number);
		rc = check_pair_reading(s, &own, true, reading, err);
	}
	return rc;
}

/* ---- one active individual ID per person ------------------------------ */

/* UTS-2.2.1.3(2)(g)(ア): a staff member gets a single individual ID.  A
 * second active (not retired) individual ID with the same staff number is
 * refused (-ENOTUNIQ) unless a reason for it is recorded.  Runs in the
 * transaction that writes the number, so two administrators issuing at
 * once cannot both pass.  self: the row being changed (0 at issue). */
static int check_one_per_person(struct sq *s, const char *staff_number, const char *reason,
				int64_t self, struct naccs_err *err)
{
	char holder[48];
	sqlite3_stmt *st;
	int rc;

	if (staff_number[0] == '\0' || reason[0] != '\0')
		return 0;
	rc = sq_prepare(s, &st, err,
			"SELECT login FROM identities WHERE staff_number = ?1 AND retired = 0 "
			"AND kind = 'individual' AND id <> ?2 ORDER BY id LIMIT 1",
			"tl", staff_number, self);
	if (rc == 0)
		rc = holder_of(s, st, holder, NULL, err);
	if (rc > 0)
		rc = naccs_err_set(
		    err, ENOTUNIQ,
		    _("staff number %s already has the active individual ID '%s': "
		      "one ID per person (UTS-2.2.1.3(2)(g)(ア)); retire it first, or "
		      "record why a second ID is needed"),
		    staff_number, holder);
	return rc;
}

/* The registry lines of the registry attributes. */
static int registry_attributes(struct sq *s, const struct naccs_identity *id, int64_t at,
			       const char *by, struct naccs_err *err)
{
	char detail[NACCS_TEXT_MAX];
	int rc = 0;

	if (id->second_id_reason[0] != '\0') {
		snprintf(detail, sizeof(detail), "%s: %s", id->staff_number, id->second_id_reason);
		rc = sq_registry_add(s, at, id->login, "second-id-allowed", by, detail, err);
	}
	if (rc == 0 && id->approval[0] != '\0')
		rc = sq_registry_add(s, at, id->login, "shared-approved", by, id->approval, err);
	return rc;
}

/* ---- issuing --------------------------------------------------------- */

static int insert_identity(struct sq *s, const struct naccs_identity *id, struct naccs_err *err)
{
	const char *code = id->user_code[0] != '\0' ? id->user_code : NULL;
	const char *number = id->id_number[0] != '\0' ? id->id_number : NULL;
	const char *staff = id->staff_number[0] != '\0' ? id->staff_number : NULL;
	const char *approval = id->approval[0] != '\0' ? id->approval : NULL;
	const char *second = id->second_id_reason[0] != '\0' ? id->second_id_reason : NULL;
	int rc = sq_run(s, NULL, err,
			"INSERT INTO identities (login, user_code, id_number, uid, gid, gecos, "
			"home, shell, kind, admin, created_by, created_at, staff_number, approval, "
			"second_id_reason) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
			"tttllttttdtlttt", id->login, code, number, (int64_t)id->uid,
			(int64_t)id->gid, id->gecos, id->home, id->shell,
			id->kind == NACCS_KIND_SHARED ? "shared" : "individual", id->admin ? 1 : 0,
			id->created_by, id->created_at, staff, approval, second);

	/* check_unissued ran in this transaction, so this is a last resort. */
	if (rc < 0 && (s->last_rc & 0xff) == SQLITE_CONSTRAINT)
		rc =
		    naccs_err_set(err, EEXIST,
				  _("credential store %s: login '%s', its NACCS user ID or its uid "
				    "was already issued"),
				  s->path, id->login);
	return rc;
}

static int add_rows(struct sq *s, struct naccs_identity *id, const char *phc, bool must_change,
		    const char *issued_to, struct naccs_err *err)
{
	int64_t row;
	int rc = insert_identity(s, id, err);

	if (rc < 0)
		return rc;
	row = sqlite3_last_insert_rowid(s->db);
	rc = sq_run(s, NULL, err,
		    "INSERT INTO credentials (identity, phc, changed_at, must_change) "
		    "VALUES (?1, ?2, ?3, ?4)",
		    "ltld", row, phc, id->created_at, must_change ? 1 : 0);
	if (rc == 0)
		rc = sq_run(s, NULL, err, "INSERT INTO flags (identity) VALUES (?1)", "l", row);
	if (rc == 0)
		rc = sq_registry_add(s, id->created_at, id->login, "issued", id->created_by,
				     issued_to, err);
	if (rc == 0)
		rc = registry_attributes(s, id, id->created_at, id->created_by, err);
	return rc;
}

int sq_add_identity(void *impl, naccs_deadline_t dl, struct naccs_identity *id, uint32_t uid_min,
		    uint32_t uid_max, const char *phc, bool must_change, const char *issued_by,
		    const char *issued_to, struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity row = *id;
	int rc = sq_tx_begin(s, dl, true, _("issuing an identity"), err);

	snprintf(row.created_by, sizeof(row.created_by), "%s", issued_by);
	row.created_at = naccs_now_wall();
	if (rc == 0)
		rc = check_unissued(s, &row, err);
	if (rc == 0)
		rc = check_unambiguous(s, &row, err);
	if (rc == 0 && row.kind == NACCS_KIND_INDIVIDUAL)
		rc = check_one_per_person(s, row.staff_number, row.second_id_reason, 0, err);
	if (rc == 0 && row.uid == NACCS_UID_ALLOCATE)
		rc = sq_lowest_unissued_uid(s, uid_min, uid_max, &row.uid, err);
	if (rc == 0)
		rc = add_rows(s, &row, phc, must_change, issued_to, err);
	rc = sq_tx_end(s, rc, err);
	if (rc == 0)
		*id = row;
	return rc;
}

/* ---- the staff number later ------------------------------------------ */

int sq_set_staff_number(void *impl, naccs_deadline_t dl, const char *login,
			const char *staff_number, const char *allow_reason, const char *by,
			struct naccs_err *err)
{
	struct sq *s = impl;
	struct naccs_identity id;
	struct sq_ident_meta meta;
	char detail[NACCS_TEXT_MAX];
	int64_t now = naccs_now_wall();
	int rc = sq_tx_begin(s, dl, true, _("setting a staff number"), err);

	if (rc == 0)
		rc = sq_identity_by_login(s, login, &id, &meta, err);
	if (rc == 0)
		rc = sq_refuse_retired(s, login, &meta, err);
	if (rc == 0 && id.kind != NACCS_KIND_INDIVIDUAL)
		rc = naccs_err_set(err, EINVAL,
				   _("'%s' is a shared ID: a staff number names the one person "
				     "of an individual ID"),
				   login);
	if (rc == 0)
		rc = check_one_per_person(s, staff_number, allow_reason, meta.id, err);
	if (rc == 0)
		rc = sq_run(s, NULL, err,
			    "UPDATE identities SET staff_number = ?2, second_id_reason = "
			    "CASE WHEN ?3 = '' THEN second_id_reason ELSE ?3 END WHERE id = ?1",
			    "ltt", meta.id, staff_number, allow_reason);
	if (rc == 0) {
		snprintf(detail, sizeof(detail), "%s -> %s",
			 id.staff_number[0] != '\0' ? id.staff_number : "-", staff_number);
		rc = sq_registry_add(s, now, login, "staff-number-set", by, detail, err);
	}
	if (rc == 0 && allow_reason[0] != '\0') {
		snprintf(detail, sizeof(detail), "%s: %s", staff_number, allow_reason);
		rc = sq_registry_add(s, now, login, "second-id-allowed", by, detail, err);
	}
	return sq_tx_end(s, rc, err);
}
