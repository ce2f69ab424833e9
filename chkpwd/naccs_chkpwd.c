/* naccs_chkpwd: verify the calling user's OWN naccs password for a process
 * that is not root (a screen locker: UTS-2.3.2.1(1)(d)), like pam_unix's
 * unix_chkpwd.  Installed setuid root (the store and the audit trail are
 * root's, 0600 / 0700).  The protocol is common/policy/chkpwd.h; the decision
 * is pam_sm_authenticate's own, naccs_policy_authenticate(): failures
 * counted, lockout, suspension, retirement, the flood cap, the audit trail
 * line (UTS-2.2.1.4(1)(a)), then the fail delay; on success the canonical
 * login on stdout (pam_naccs.so sets PAM_USER to it).  With --account, no
 * password: pam_sm_acct_mgmt's own checks, naccs_policy_account().
 *
 * Nothing of the caller is trusted: the environment is cleared first, the
 * configuration is only the compiled-in file, descriptors above 2 are
 * closed, the umask, resource limits and signals are set here, and the
 * process makes itself wholly root (real uid too) so that the caller can
 * neither kill it between the verification and the recorded failure nor
 * stop it during the fail delay.  A test build (--enable-test-hooks) alone
 * reads NACCS_TEST_CHKPWD_CONF. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "policy/chkpwd.h"
#include "config/conf.h"
#include "audit/event.h"
#include "base/i18n.h"
#include "index/local.h"
#include "policy/policy.h"
#include "policy/resolve.h"
#include "base/secret.h"
#include "base/text.h"
#include "base/time.h"

#define SERVICE_PREFIX "naccs_chkpwd"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHKPWD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CHKPWD_ASAN 1
#endif
#ifdef CHKPWD_ASAN
/* Sanitizer builds (tests): the leak checker stops the world with ptrace,
 * which this process forbids itself (undumpable, no CAP_SYS_PTRACE). */
__attribute__((visibility("default"))) const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

struct caller {
	uid_t uid;
	char actor[32]; /* "uid=N": the real uid before it became root's */
	char conf[PATH_MAX];
};

static void say(const char *msg)
{
	fprintf(stderr, "naccs_chkpwd: %s\n", msg);
}

/* 0, 1 and 2 open (on /dev/null when the caller closed them), so that no
 * file of ours ever becomes someone's stdout; nothing else inherited. */
static int sane_descriptors(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", O_RDWR);

			if (n != fd)
				return -1;
		}
	}
	closefrom(3);
	return 0;
}

/* Limits the caller may have lowered to make a write fail half-way (a
 * recorded failure lost) or the verification impossible. */
static void sane_limits(void)
{
	static const int raise[] = {RLIMIT_FSIZE, RLIMIT_CPU, RLIMIT_AS, RLIMIT_DATA};
	struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY}, none = {0, 0};

	for (size_t i = 0; i < sizeof(raise) / sizeof(raise[0]); i++)
		(void)setrlimit(raise[i], &inf);
	(void)setrlimit(RLIMIT_CORE, &none);
}

/* Signals the terminal or the caller could send to stop us between the
 * verification and the recorded failure (after become_root() the caller
 * may not signal us at all; the terminal still could). */
static void sane_signals(void)
{
	static const int ignore[] = {SIGINT,  SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP,
				     SIGTERM, SIGPIPE, SIGXFSZ, SIGUSR1, SIGUSR2, SIGALRM};
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(ignore) / sizeof(ignore[0]); i++)
		(void)sigaction(ignore[i], &sa, NULL);
	sa.sa_handler = SIG_DFL; /* our own children (an alert command) are waited for */
	(void)sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Root's group only, no supplementary groups, and uid 0 for real, saved
 * and effective: the caller's uid can no longer signal, trace or core-dump
 * this process. */
static int become_root(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Keep only the capabilities a root-owned store and trail need (and those
 * only matter when [general] owner is another uid); the rest leave the
 * bounding set too, so nothing this process runs (an alert command) gets
 * them back.  Best effort: where the kernel refuses, uid 0 stays as it was. */
static void drop_capabilities(void)
{
	static const int keep[] = {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_CHOWN};
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint32_t mask[_LINUX_CAPABILITY_U32S_3] = {0};

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		mask[CAP_TO_INDEX(keep[i])] |= CAP_TO_MASK(keep[i]);
	for (int cap = 0; cap <= 63; cap++) {
		if (mask[CAP_TO_INDEX(cap)] & CAP_TO_MASK(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break; /* past the kernel's last capability */
	}
	memset(data, 0, sizeof(data));
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].effective = data[i].permitted = mask[i];
	(void)syscall(SYS_capset, &hdr, data);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* Everything before a word of the caller's input is looked at. */
static int harden(struct caller *me)
{
	me->uid = getuid();
	snprintf(me->actor, sizeof(me->actor), "uid=%lu", (unsigned long)me->uid);
	me->conf[0] = '\0';
#ifdef NACCS_TEST_HOOKS
	{
		/* Test builds only (tests/cli/test_chkpwd.sh): secure_getenv() is
		 * NULL in a setuid program, so getenv(), before the clear. */
		const char *c = getenv(NACCS_CHKPWD_TEST_CONF_ENV);

		if (c != NULL && c[0] == '/')
			snprintf(me->conf, sizeof(me->conf), "%s", c);
	}
#endif
	if (me->conf[0] == '\0')
		snprintf(me->conf, sizeof(me->conf), "%s", NACCS_DEFAULT_CONF);
	if (clearenv() != 0 || setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) < 0)
		return -1;
	umask(077);
	if (sane_descriptors() < 0)
		return -1;
	sane_limits();
	sane_signals();
	if (geteuid() != 0 || become_root() < 0)
		return -1;
	drop_capabilities();
	return 0;
}

/* The password from stdin: at most NACCS_CHKPWD_INPUT_MAX bytes, and one
 * more if there is more (then refused as too long by the policy).  A NUL
 * byte is no password (PAM never sends one): -1. */
static int read_password(char *buf, size_t cap)
{
	size_t len = 0;

	while (len < cap - 1) {
		ssize_t n = read(0, buf + len, cap - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return memchr(buf, '\0', len) != NULL ? -1 : 0;
}

static void warn_syslog(void *ctx, const char *msg)
{
	(void)ctx;
	syslog(LOG_AUTHPRIV | LOG_WARNING, "naccs_chkpwd: %s", msg);
}

static int load_config(const struct caller *me, struct naccs_config *cfg)
{
	struct naccs_err err;

	naccs_err_clear(&err);
	naccs_config_defaults(cfg);
	/* Only the compiled-in file, owned by root; missing: the defaults. */
	if (naccs_config_load(cfg, me->conf, false, warn_syslog, NULL, &err) < 0 ||
	    naccs_config_validate(cfg, &err) < 0) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "naccs_chkpwd: configuration refused: %s", err.msg);
		return -1;
	}
	return 0;
}

/* Whose password: the ID with the caller's uid; a name given must be that
 * same ID.  NACCS_CHKPWD_OK and *login, or the exit code. */
static int whose(struct naccs_policy *pol, const struct caller *me, const char *name, char *login,
		 size_t cap)
{
	struct naccs_identity mine, named;
	struct naccs_err err;
	char other[256], safe[256 * 4];
	naccs_deadline_t dl = naccs_deadline_in(pol->cfg->store_timeout_ms);
	bool ambiguous = false, have_mine;
	int rc;

	naccs_err_clear(&err);
	rc = naccs_store_find_by_uid(pol->store, dl, (uint32_t)me->uid, &mine, &err);
	if (rc < 0 && rc != -ENOENT)
		goto unavailable;
	have_mine = rc == 0;
	if (name != NULL) {
		rc = naccs_resolve_name(pol->store, dl, name, &named, &ambiguous, &err);
		if (rc < 0 && rc != -ENOENT && rc != -EINVAL)
			goto unavailable;
		if (rc < 0) /* no ID here: not ours, the stack goes on */
			return NACCS_CHKPWD_UNKNOWN;
		if (!have_mine || strcmp(named.login, mine.login) != 0) {
			syslog(LOG_AUTHPRIV | LOG_NOTICE,
			       "naccs_chkpwd: uid %lu asked for the password of '%s', which is not "
			       "its ID: refused",
			       (unsigned long)me->uid, named.login);
			return NACCS_CHKPWD_NOT_YOURS;
		}
	}
	if (!have_mine)
		return NACCS_CHKPWD_UNKNOWN;
	/* The uid must name this ID alone: a local account created later
	 * with it must not check (or lock) the ID's password. */
	rc = naccs_uid_other_account((uint32_t)me->uid, mine.login, other, sizeof(other));
	if (rc != 0) {
		if (rc > 0)
			naccs_text_sanitize(other, SIZE_MAX, safe, sizeof(safe), NACCS_TEXT_QUOTES);
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		       "naccs_chkpwd: uid %lu is ID %s's and also the system account '%s': "
		       "refused while the uid is ambiguous (naccsctl store check)",
		       (unsigned long)me->uid, mine.login, rc > 0 ? safe : "(could not tell)");
		return NACCS_CHKPWD_NOT_YOURS;
	}
	snprintf(login, cap, "%s", mine.login);
	return NACCS_CHKPWD_OK;
unavailable:
	syslog(LOG_AUTHPRIV | LOG_ERR, "naccs_chkpwd: credential store: %s", err.msg);
	return NACCS_CHKPWD_UNAVAILABLE;
}

/* The store unusable: are the caller's uid and the name it gave (if any)
 * both outside the public identity index?  Then it is "not mine" and the
 * stack goes on to pam_unix (a local account's screen locker); an ID, or
 * no trusted index, fails closed (issue 16, index/local.h). */
static bool not_an_id(const struct naccs_config *cfg, const struct caller *me, const char *name)
{
	struct naccs_err err;
	bool held = true;

	naccs_err_clear(&err);
	if (naccs_local_index_holds(cfg, NULL, me->uid, &held, &err) == 0 && !held && name != NULL)
		(void)naccs_local_index_holds(cfg, name, 0, &held, &err);
	if (err.msg[0] != '\0')
		syslog(LOG_AUTHPRIV | LOG_ERR, "naccs_chkpwd: %s", err.msg);
	return !held;
}

/* The fail delay of a refused attempt ([auth] fail_delay_ms), whole. */
static void fail_delay(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* password == NULL: --account, pam_sm_acct_mgmt's checks. */
static int check(const struct caller *me, const char *name, const char *service,
		 const char *password)
{
	bool account = password == NULL;
	static struct naccs_config cfg; /* large: not on the stack */
	struct naccs_policy pol;
	struct naccs_request req;
	struct naccs_decision d;
	struct naccs_err err;
	char login[NACCS_LOGIN_MAX + 1], svc[64];
	int code;

	if (load_config(me, &cfg) < 0)
		return NACCS_CHKPWD_ERROR;
	naccs_err_clear(&err);
	/* The account phase only reads, as in pam_sm_acct_mgmt. */
	if (naccs_policy_open(&pol, &cfg, account, &err) < 0) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "naccs_chkpwd: credential store unavailable: %s",
		       err.msg);
		return not_an_id(&cfg, me, name) ? NACCS_CHKPWD_UNKNOWN : NACCS_CHKPWD_UNAVAILABLE;
	}
	code = whose(&pol, me, name, login, sizeof(login));
	if (code == NACCS_CHKPWD_OK) {
		/* "naccs_chkpwd:NAME": a caller can never pass for sshd. */
		naccs_text_tagged_name(SERVICE_PREFIX, service, svc, sizeof(svc));
		memset(&req, 0, sizeof(req));
		req.user = login;
		req.service = svc;
		req.ruser = me->actor;
		req.trail = &cfg; /* UTS-2.2.1.4(1)(a): the same trail as a login */
		/* pam_sm_authenticate's (pam_sm_acct_mgmt's) own decision. */
		code = naccs_chkpwd_exit_code(
		    account ? naccs_policy_account(&pol, &req, &d, &err)
			    : naccs_policy_authenticate(&pol, &req, password, &d, &err));
		if (d.outcome == NACCS_OUT_UNAVAILABLE)
			syslog(LOG_AUTHPRIV | LOG_ERR, "naccs_chkpwd: failed closed: %s",
			       d.audit_refused ? "the audit trail cannot be written" : err.msg);
		/* No login counts here, unlike pam_sm_acct_mgmt on a service of
		 * [session] sessionless_services: the service name is the
		 * caller's choice (issue #16). */
		/* The protocol (policy/chkpwd.h): the canonical login on stdout
		 * after a successful authentication, for PAM_USER.  Not
		 * written: a failure, so the caller never takes it for one. */
		if (!account && code == NACCS_CHKPWD_OK &&
		    (printf("%s\n", login) < 0 || fflush(stdout) != 0))
			code = NACCS_CHKPWD_UNAVAILABLE;
		naccs_wipe(&d, sizeof(d));
	}
	naccs_policy_close(&pol);
	if (!account && code != NACCS_CHKPWD_OK && code != NACCS_CHKPWD_UNKNOWN)
		fail_delay(cfg.fail_delay_ms);
	naccs_wipe(&err, sizeof(err));
	return code;
}

static void usage(void)
{
	fprintf(stderr, "%s\n",
		_("usage: naccs_chkpwd [--account] [--service NAME] [USER] < password"));
}

int main(int argc, char **argv)
{
	static char password[NACCS_CHKPWD_INPUT_MAX + 2];
	struct caller me;
	const char *name = NULL, *service = NULL;
	bool dashdash = false, account = false;
	int i = 1, code;

	if (harden(&me) < 0) {
		say(_("must be installed setuid root (mode 4755, owner root)"));
		return NACCS_CHKPWD_ERROR;
	}
	openlog("naccs_chkpwd", LOG_PID, LOG_AUTHPRIV);
	naccs_i18n_init();
	/* Like unix_chkpwd: called by pam_naccs.so through a pipe, never
	 * typed at (a password typed here would be visible). */
	if (isatty(0)) {
		syslog(LOG_AUTHPRIV | LOG_NOTICE,
		       "naccs_chkpwd: run from a terminal by uid %lu: refused",
		       (unsigned long)me.uid);
		say(_("this program is run by pam_naccs.so, not by hand; it reads the password "
		      "from a pipe"));
		return NACCS_CHKPWD_USAGE;
	}
	if (i < argc && strcmp(argv[i], "--account") == 0)
		account = true, i++;
	if (i + 1 < argc && strcmp(argv[i], "--service") == 0) {
		service = argv[i + 1];
		i += 2;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		dashdash = true, i++;
	if (i < argc && (dashdash || argv[i][0] != '-'))
		name = argv[i++];
	if (i != argc) { /* never a password on the command line */
		usage();
		return NACCS_CHKPWD_USAGE;
	}
	if (!account && read_password(password, sizeof(password)) < 0) {
		naccs_wipe(password, sizeof(password));
		say(_("unreadable input"));
		return NACCS_CHKPWD_USAGE;
	}
	code = check(&me, name, service, account ? NULL : password);
	naccs_wipe(password, sizeof(password));
	closelog();
	return code;
}
