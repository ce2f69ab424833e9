/* Address lists for access rules (rules/netmatch.h).  Every address is
 * held as 16 bytes: an IPv4 address as its IPv4-mapped IPv6 form
 * (::ffff:a.b.c.d) with its prefix length plus 96, so both spellings of one
 * address match the same entries.  inet_pton only: never DNS. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "base/i18n.h"
#include "rules/netmatch.h"
#include "base/num.h"

#define ENTRY_MAX 64 /* "xxxx:...:xxxx/128" fits with room */

/* A literal address into 16 bytes (IPv4 mapped); 0 or -EINVAL. */
static int parse_addr(const char *s, uint8_t out[16], bool *v4)
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memset(out, 0, 10);
		out[10] = 0xff;
		out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		*v4 = true;
		return 0;
	}
	*v4 = false;
	return inet_pton(AF_INET6, s, out) == 1 ? 0 : -EINVAL;
}

/* One entry "ADDR[/LEN]" of len bytes: the network and its prefix length
 * (in the 128-bit space). */
static int parse_entry(const char *s, size_t len, uint8_t net[16], unsigned *prefix)
{
	char buf[ENTRY_MAX];
	const char *slash;
	unsigned long n = 0;
	bool v4;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	slash = strchr(buf, '/');
	if (slash != NULL) {
		buf[slash - buf] = '\0';
		if (naccs_parse_ulong(slash + 1, strlen(slash + 1), 0, 128, &n) != 0)
			return -EINVAL;
	}
	if (parse_addr(buf, net, &v4) != 0)
		return -EINVAL;
	if (slash == NULL)
		n = v4 ? 32 : 128;
	if (v4 && n > 32)
		return -EINVAL;
	*prefix = v4 ? (unsigned)n + 96 : (unsigned)n;
	return 0;
}

static bool in_net(const uint8_t addr[16], const uint8_t net[16], unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(addr, net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((addr[full] ^ net[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* Walk list: each entry parsed; when addr is not NULL, 1 at the first
 * entry that holds it.  -EINVAL (with the entry in err) on a bad one. */
static int walk(const char *list, const uint8_t *addr, struct naccs_err *err)
{
	const char *p = list, *start;
	size_t len;

	while (naccs_text_list_next(&p, &start, &len)) {
		uint8_t net[16];
		unsigned prefix;

		if (parse_entry(start, len, net, &prefix) != 0) {
			if (err != NULL)
				naccs_err_set(err, EINVAL,
					      _("'%.*s' is not an IPv4 or IPv6 address or network "
						"(ADDRESS or ADDRESS/LENGTH; host names are not "
						"accepted)"),
					      (int)(len > 64 ? 64 : len), start);
			return -EINVAL;
		}
		if (addr != NULL && in_net(addr, net, prefix))
			return 1;
	}
	return 0;
}

int naccs_netmatch_check_list(const char *list, struct naccs_err *err)
{
	return walk(list, NULL, err) < 0 ? -EINVAL : 0;
}

int naccs_netmatch(const char *list, const char *addr)
{
	uint8_t a[16];
	bool v4;

	if (list == NULL || addr == NULL || parse_addr(addr, a, &v4) != 0)
		return -EINVAL;
	return walk(list, a, NULL);
}
