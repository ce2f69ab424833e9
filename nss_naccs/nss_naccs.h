/* The entry points of libnss_naccs.so.2 (glibc's NSS module interface for
 * the passwd, group and initgroups databases). */
#ifndef NSS_NACCS_H
#define NSS_NACCS_H

#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

enum nss_status _nss_naccs_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen,
				      int *errnop);
enum nss_status _nss_naccs_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t buflen,
				      int *errnop);
enum nss_status _nss_naccs_setpwent(int stayopen);
enum nss_status _nss_naccs_getpwent_r(struct passwd *pw, char *buf, size_t buflen, int *errnop);
enum nss_status _nss_naccs_endpwent(void);
enum nss_status _nss_naccs_getgrnam_r(const char *name, struct group *gr, char *buf, size_t buflen,
				      int *errnop);
enum nss_status _nss_naccs_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t buflen,
				      int *errnop);
enum nss_status _nss_naccs_setgrent(int stayopen);
enum nss_status _nss_naccs_getgrent_r(struct group *gr, char *buf, size_t buflen, int *errnop);
enum nss_status _nss_naccs_endgrent(void);
enum nss_status _nss_naccs_initgroups_dyn(const char *user, gid_t group, long int *start,
					  long int *size, gid_t **groupsp, long int limit,
					  int *errnop);

#endif
