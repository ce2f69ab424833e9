/* Address lists for access rules: [access] admin_allowed_networks
 * (UTS-2.2.1.3(2)(c)(エ)).  Entries are IPv4 or IPv6 addresses with an
 * optional prefix length ("192.0.2.0/24", "2001:db8::/32", "10.1.2.3"),
 * separated by spaces or commas.  Addresses only: parsing is inet_pton,
 * never a DNS look-up, so a host name is refused, never resolved.  An IPv4
 * address and its IPv4-mapped IPv6 form (::ffff:192.0.2.1) are the same
 * address: each matches the entries written in the other form. */
#ifndef NACCS_NETMATCH_H
#define NACCS_NETMATCH_H

#include <stddef.h>

#include "base/err.h"

/* Is every entry of list a valid network?  0, or -EINVAL naming the first
 * bad entry in err. */
int naccs_netmatch_check_list(const char *list, struct naccs_err *err);

/* Is addr, a literal IPv4 or IPv6 address, inside one of the networks of
 * list?  1 yes, 0 no, -EINVAL when addr is not a literal address (a host
 * name, a zone index, brackets ...) or list is malformed: callers refuse. */
int naccs_netmatch(const char *list, const char *addr);

#endif
