/* What the attack tests share (attacks.h). */
#include "config.h"

#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "attacks.h"
#include "base/time.h"
#include "proto/message.h"
#include "proto/schema.h"
#include "store/store.h"
#include "teststore.h"

#define ID_AT 8 /* the request id's offset in a body (docs/PROTOCOL.md) */

bool at_valgrind(void)
{
	const char *v = getenv("NACCS_VALGRIND");

	return v != NULL && *v != '\0';
}

uint32_t at_issue(const struct fx *f, const char *number, const char *login)
{
	struct naccs_store *st = fx_store_open(f);
	/* Not the first uid of the range, which every other test's first ID
	 * has: a concurrent test ending that ID's sessions (naccsctl lock)
	 * would signal this test's peers. */
	uint32_t uid = tst_must_add_id(st, AT_GOOD, "ABCDE", number, login,
				       AT_UID_BASE + (uint32_t)atoi(number), false);

	naccs_store_close(st);
	return uid;
}

long at_failures(const struct fx *f, const char *login)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long n;

	assert_int_equal(sqlite3_open_v2(f->store, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*) FROM failures f JOIN identities i"
					    " ON i.id = f.identity WHERE i.login = ?1",
					    -1, &q, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(q, 1, login, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

long at_wait_failures(const struct fx *f, const char *login, long n, unsigned ms)
{
	naccs_deadline_t dl = naccs_deadline_in(ms);
	long got;

	while ((got = at_failures(f, login)) < n && naccs_deadline_left_ms(dl) > 0)
		usleep(20000);
	return got;
}

long at_trail_wrong(const struct fx *f, const char *login)
{
	char who[80];

	snprintf(who, sizeof(who), "\"%s\"", login);
	return fx_trail_lines(f, "\"reason\":\"bad-password\"", who);
}

int at_as_uid(const struct fx *f, uid_t uid, int (*fn)(const struct fx *f, void *arg), void *arg)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(uid) < 0)
			_exit(125);
		_exit(fn(f, arg));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

/* Send body (len bytes) as a frame; read the answer's body into buf. */
static int exchange(int fd, const uint8_t *body, size_t blen, const uint8_t *id, uint8_t *buf,
		    size_t *len, char *code)
{
	struct naccs_msg *m = naccs_msg_new();
	naccs_deadline_t dl = naccs_deadline_in(60000);
	const char *c = NULL;
	uint32_t o;
	int rc = -1;

	code[0] = '\0';
	if (m == NULL || naccs_frame_write(fd, body, blen, dl, NULL) < 0 ||
	    naccs_frame_read(fd, buf, NACCS_PROTO_FRAME_MAX, len, dl, NULL) < 0 ||
	    naccs_msg_decode(m, buf, *len, NULL) < 0)
		goto out;
	/* The answer echoes the id (a refused frame's ERROR may not). */
	if (m->type != NACCS_MSG_ERROR && memcmp(buf + ID_AT, id, NACCS_PROTO_ID_LEN) != 0)
		goto out;
	memset(buf + ID_AT, 0, NACCS_PROTO_ID_LEN);
	if (m->type == NACCS_MSG_ERROR) {
		if (naccs_msg_get_str(m, NACCS_TAG_ERROR_CODE, &c, NULL) == 0)
			snprintf(code, 32, "%s", c);
		rc = -2;
	} else if (naccs_msg_get_u32(m, NACCS_TAG_OUTCOME, &o) == 0) {
		rc = (int)o;
	}
out:
	naccs_msg_free(m);
	return rc;
}

/* m started as type for user (the service a screen locker names). */
static int start(struct naccs_msg *m, uint16_t type, const char *user, const char *password,
		 const uint8_t *id)
{
	if (naccs_msg_start(m, type, id, NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_SERVICE, "xscreensaver", NULL) < 0 ||
	    naccs_msg_set_str(m, NACCS_TAG_USER, user, NULL) < 0 ||
	    (password != NULL && naccs_msg_set_secret(m, NACCS_TAG_PASSWORD, password, NULL) < 0))
		return -1;
	return 0;
}

int at_ask_raw(int fd, uint16_t type, const char *user, const char *password, const uint8_t *id,
	       uint8_t *buf, size_t *len, char *code)
{
	struct naccs_msg *m = naccs_msg_new();
	size_t blen;
	int rc = -1;

	if (m != NULL && start(m, type, user, password, id) == 0 &&
	    naccs_msg_encode(m, buf, NACCS_PROTO_FRAME_MAX, &blen, NULL) == 0)
		rc = exchange(fd, buf, blen, m->request_id, buf, len, code);
	naccs_msg_free(m);
	return rc;
}

int at_ask_bytes(int fd, uint16_t type, const char *user, size_t ulen, uint8_t *buf, size_t *len,
		 char *code)
{
	struct naccs_msg *m = naccs_msg_new();
	char mark[17] = "@@@@@@@@@@@@@@@@";
	uint8_t *body = malloc(NACCS_PROTO_FRAME_MAX), *at;
	size_t blen;
	int rc = -1;

	/* Encoded with a marker, whose value is then swapped for the bytes
	 * (its u32 length before it patched). */
	if (m == NULL || body == NULL || start(m, type, mark, AT_WRONG, NULL) < 0 ||
	    naccs_msg_encode(m, body, NACCS_PROTO_FRAME_MAX, &blen, NULL) < 0 ||
	    (at = memmem(body, blen, mark, 16)) == NULL || blen + ulen > NACCS_PROTO_FRAME_MAX)
		goto out;
	memmove(at + ulen, at + 16, blen - (size_t)(at + 16 - body));
	memcpy(at, user, ulen);
	blen = blen - 16 + ulen;
	at[-4] = (uint8_t)(ulen >> 24);
	at[-3] = (uint8_t)(ulen >> 16);
	at[-2] = (uint8_t)(ulen >> 8);
	at[-1] = (uint8_t)ulen;
	rc = exchange(fd, body, blen, m->request_id, buf, len, code);
out:
	free(body);
	naccs_msg_free(m);
	return rc;
}
