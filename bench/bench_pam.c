/* What the benchmarks that go through PAM share (bench_pam.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bench_pam.h"

int bench_pam_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			r[i].resp = strdup((const char *)data);
	*resp = r;
	return PAM_SUCCESS;
}
