/* A small CSV writer (RFC 4180) for naccsctl's --csv and the reports an
 * administrator opens in a spreadsheet (the periodic review of IDs,
 * UTS-2.2.1.3(2)(d); later the audit report).  Deterministic: the same
 * calls always give the same bytes.
 *
 *  - Records end with CRLF; fields are separated by ','.  The caller writes
 *    the header row like any other record.
 *  - A field is quoted ("...") when it contains ',', '"', CR or LF, and
 *    then every '"' inside is doubled.  Other fields are written as they
 *    are.  NULL is an empty field.
 *  - Spreadsheet formula injection (CWE-1236): a TEXT field whose first
 *    character is '=', '+', '-', '@', TAB or CR would be taken as a formula
 *    by Excel, LibreOffice and Google Sheets, so it is written with a
 *    single quote before it ('=1+1 instead of =1+1): the cell shows the
 *    text, never computes it.  The quote is part of the field (a program
 *    reading the CSV back sees it); numbers written with naccs_csv_int /
 *    naccs_csv_uint are never prefixed (-5 is a number, not a formula).
 *  - Invalid UTF-8 and control characters other than TAB, CR and LF are
 *    REPLACED by U+FFFD and counted in `replaced`, so a CSV shown on a
 *    terminal cannot drive it and a hostile name cannot make a report
 *    impossible to write.
 *  - A record is what is written between two naccs_csv_end_row calls
 *    (an empty record is refused: RFC 4180 has no empty lines).
 *    naccs_csv_finish refuses a record left unfinished (-EINVAL).  A full
 *    buffer fails with -ENOBUFS, a stream write error with -EIO.
 *
 * The first failure sticks: later calls do nothing and return it, so a
 * caller may write a whole table and check naccs_csv_finish() once. */
#ifndef NACCS_CSV_H
#define NACCS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/* Set up by naccs_csv_init_*; callers read len, rows and replaced only. */
struct naccs_csv {
	FILE *out;	 /* the stream written to, or NULL */
	char *buf;	 /* else the caller's buffer of cap bytes */
	size_t cap;	 /* including the terminating NUL */
	size_t len;	 /* bytes written so far (in buf: without the NUL) */
	size_t rows;	 /* records ended, the header included */
	size_t replaced; /* bytes or characters written as U+FFFD */
	int err;	 /* the first failure: 0 or -errno */
	const char *why; /* what failed, for naccs_csv_finish's message */
	bool in_row;	 /* a field of the current record was written */
};

/* Write into buf (cap bytes, NUL-terminated as it goes). */
void naccs_csv_init_buffer(struct naccs_csv *w, char *buf, size_t cap);
/* Write to a stream (e.g. stdout); the caller flushes and closes it. */
void naccs_csv_init_stream(struct naccs_csv *w, FILE *out);

/* One text field (NULL: empty), quoted and guarded as above. */
int naccs_csv_text(struct naccs_csv *w, const char *s);
/* One number field. */
int naccs_csv_int(struct naccs_csv *w, int64_t v);
int naccs_csv_uint(struct naccs_csv *w, uint64_t v);
/* End the record (CRLF). */
int naccs_csv_end_row(struct naccs_csv *w);

/* Every record ended: 0, or the first failure with a message in err.  For
 * a stream, also fails if the stream's error flag is set. */
int naccs_csv_finish(struct naccs_csv *w, struct naccs_err *err);

#endif
