/* What the benchmarks that go through PAM share (bench_auth, bench_naccsd). */
#ifndef NACCS_BENCH_PAM_H
#define NACCS_BENCH_PAM_H

#include <security/pam_appl.h>

/* A PAM conversation that answers every hidden prompt with data (the
 * password, a C string). */
int bench_pam_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data);

#endif
