/* The events of the module under test, as it sends them to syslog: a test
 * binary linked with testlog.c (and -Wl,--export-dynamic, so the dlopened
 * module uses these) captures every syslog line in one buffer. */
#ifndef NACCS_TESTLOG_H
#define NACCS_TESTLOG_H

#include <stdbool.h>

/* Forget what was captured. */
void tl_reset(void);
/* Was s in one of the lines since the last reset? */
bool tl_logged(const char *s);
/* Everything since the last reset (for a failure message). */
const char *tl_text(void);

#endif
