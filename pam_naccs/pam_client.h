/* Private to pam_naccs.so: the module as a client of naccsd (issue 18,
 * docs/NACCSD-PLAN.md decisions 2, 3 and 6, docs/PROTOCOL.md): PAM items
 * and the conversation in, one request per phase, PAM codes out.  The
 * decision is naccsd's; the module only shows what it answers.  When
 * naccsd cannot be reached within the call's deadline, the public identity
 * index decides as when the store cannot be opened (issue 16): a naccs ID
 * fails closed, any other name is not ours (root and local accounts go on
 * to pam_unix).
 *
 * Small on the host's stack: the messages (about 66 KB each), the
 * configuration and the fall-back decision live on the heap. */
#ifndef PAM_NACCS_CLIENT_H
#define PAM_NACCS_CLIENT_H

#include <stdbool.h>

#include <security/pam_modules.h>

/* How long one PAM call waits for naccsd in all (connects, requests and
 * answers; not the user's typing): a verification takes seconds and may
 * queue in the service's pool, so generous, but bounded.  A test build
 * (--enable-test-hooks) honours NACCS_TEST_CLIENT_MS. */
#define PAM_CLIENT_DEADLINE_MS 15000

/* The one switch between the in-process policy and naccsd: true when this
 * call goes to naccsd (the naccsd_socket= argument).  When the service
 * becomes the default, this is the place that changes. */
bool pam_client_wanted(int argc, const char **argv);

/* pam_sm_authenticate through naccsd: the su gate (AUTH_GATE, root peers)
 * before the prompt, the prompt, AUTHENTICATE. */
int pam_client_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv);
/* pam_sm_acct_mgmt through naccsd (ACCOUNT). */
int pam_client_account(pam_handle_t *pamh, int flags, int argc, const char **argv);

#endif
