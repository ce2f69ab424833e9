#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "base/num.h"

#include "pam_args.h"

static void warn_syslog(void *ctx, const char *msg)
{
	pam_syslog((pam_handle_t *)ctx, LOG_WARNING, "%s", msg);
}

/* The value of an owner argument: "owner=UID", or the same setting written
 * as a key, "general.owner=UID"; NULL for any other argument. */
static const char *owner_value(const char *arg)
{
	static const char *const spellings[] = {"owner=", "general.owner="};

	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		if (strncmp(arg, spellings[i], strlen(spellings[i])) == 0)
			return arg + strlen(spellings[i]);
	}
	return NULL;
}

/* naccsd_socket=PATH: an absolute path that fits a socket address. */
static int socket_value(const char *arg, const char **path, struct naccs_err *err)
{
	const char *v = arg + strlen(PAM_NACCS_ARG_SOCKET);

	if (v[0] != '/')
		return naccs_err_set(err, EINVAL, "%s: not an absolute path", arg);
	if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return naccs_err_set(err, ENAMETOOLONG, "%s: too long for a socket address", arg);
	*path = v;
	return 0;
}

/* First pass: what decides how the file is read (its path, its owner).  Both
 * spellings of the owner are applied here, before the file is checked
 * against it (UTS-2.2.1.2(2)(a)): applied after, the key would change the
 * owner of the store without having decided whether the file is trusted. */
static int pre_args(pam_handle_t *pamh, int argc, const char **argv, struct pam_naccs_opts *o,
		    const char **conf, struct naccs_err *err)
{
	for (int i = 0; i < argc; i++) {
		const char *owner = owner_value(argv[i]);

		if (strncmp(argv[i], "conf=", 5) == 0) {
			*conf = argv[i] + 5;
			if ((*conf)[0] != '/')
				return naccs_err_set(err, EINVAL, "conf=%s: not an absolute path",
						     *conf);
		} else if (owner != NULL) {
			if (naccs_config_set(&o->cfg, "general", "owner", owner, "argument", false,
					     warn_syslog, pamh, err) < 0)
				return -EINVAL;
		} else if (strncmp(argv[i], PAM_NACCS_ARG_SOCKET, strlen(PAM_NACCS_ARG_SOCKET)) ==
			   0) {
			const char *path;

			if (socket_value(argv[i], &path, err) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

/* Second pass, after the file: flags and key overrides win over the file. */
static int post_args(pam_handle_t *pamh, int argc, const char **argv, struct pam_naccs_opts *o,
		     struct naccs_err *err)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "conf=", 5) == 0 || owner_value(a) != NULL ||
		    strncmp(a, PAM_NACCS_ARG_SOCKET, strlen(PAM_NACCS_ARG_SOCKET)) == 0)
			continue; /* applied (or checked) by pre_args */
		if (strcmp(a, "nodelay") == 0)
			o->nodelay = true;
		else if (strcmp(a, "debug") == 0)
			o->cfg.debug = true;
		else if (strcmp(a, "silent") == 0)
			o->quiet = true; /* as PAM_SILENT: no notices */
		else if (strncmp(a, "retry=", 6) == 0) {
			/* pam_pwquality's spelling of password.retry */
			if (naccs_config_set(&o->cfg, "password", "retry", a + 6, "argument", false,
					     warn_syslog, pamh, err) < 0)
				return -EINVAL;
		} else if (strcmp(a, "use_first_pass") == 0 || strcmp(a, "try_first_pass") == 0 ||
			   strcmp(a, "use_authtok") == 0)
			continue; /* read by pam_get_authtok() itself */
		else if (strchr(a, '=') != NULL && strchr(a, '.') != NULL) {
			int rc = naccs_config_set_arg(&o->cfg, a, warn_syslog, pamh, err);

			if (rc < 0 && rc != -ENOENT)
				return rc;
		} else
			pam_syslog(pamh, LOG_WARNING, "unknown module argument ignored: %s", a);
	}
	return 0;
}

int pam_naccs_load_opts(pam_handle_t *pamh, int flags, int argc, const char **argv,
			struct pam_naccs_opts *o)
{
	struct naccs_err err;
	const char *conf = NULL;
	int rc;

	memset(o, 0, sizeof(*o));
	naccs_err_clear(&err);
	naccs_config_defaults(&o->cfg);
	o->quiet = (flags & PAM_SILENT) != 0;
	rc = pre_args(pamh, argc, argv, o, &conf, &err);
	/* A missing default file leaves the built-in defaults; a file named
	 * with conf= must exist. */
	if (rc == 0)
		rc = naccs_config_load(&o->cfg, conf ? conf : NACCS_DEFAULT_CONF, conf != NULL,
				       warn_syslog, pamh, &err);
	if (rc == 0)
		rc = post_args(pamh, argc, argv, o, &err);
	if (rc == 0)
		rc = naccs_config_validate(&o->cfg, &err);
	if (rc < 0) {
		pam_syslog(pamh, LOG_ERR, "configuration refused, failing closed: %s", err.msg);
		return PAM_SERVICE_ERR;
	}
	return PAM_SUCCESS;
}

int pam_naccs_client_args(pam_handle_t *pamh, int flags, int argc, const char **argv,
			  struct pam_naccs_client_args *a)
{
	struct naccs_err err;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	naccs_err_clear(&err);
	a->quiet = (flags & PAM_SILENT) != 0;
	for (int i = 0; i < argc && rc == 0; i++) {
		const char *owner = owner_value(argv[i]);
		unsigned long v;

		if (strncmp(argv[i], PAM_NACCS_ARG_SOCKET, strlen(PAM_NACCS_ARG_SOCKET)) == 0)
			rc = socket_value(argv[i], &a->socket, &err);
		else if (owner != NULL) {
			/* As general.owner: a uid, (uid_t)-1 excluded. */
			rc = naccs_parse_ulong(owner, strlen(owner), 0, 4294967294UL, &v);
			if (rc < 0)
				naccs_err_set(&err, EINVAL, "%s: not a uid", argv[i]);
			else
				a->owner = (uid_t)v;
		} else if (strcmp(argv[i], "nodelay") == 0)
			a->nodelay = true;
		else if (strcmp(argv[i], "silent") == 0)
			a->quiet = true;
	}
	if (rc == 0 && a->socket == NULL)
		rc = naccs_err_set(&err, EINVAL, "no %sPATH argument", PAM_NACCS_ARG_SOCKET);
	if (rc < 0) {
		pam_syslog(pamh, LOG_ERR, "module arguments refused, failing closed: %s", err.msg);
		return PAM_SERVICE_ERR;
	}
	return PAM_SUCCESS;
}
