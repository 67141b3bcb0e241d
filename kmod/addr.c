// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses: printed for extack messages and logs, matched against
 * prefixes (node-port addresses, pod and Service CIDRs, source ranges).
 */
#include <net/ipv6.h>

#include "addr.h"

void ksvc_format_addr(char *buf, size_t len, u8 family,
		      const union nf_inet_addr *addr)
{
	if (family == AF_INET6)
		snprintf(buf, len, "%pI6c", &addr->in6);
	else
		snprintf(buf, len, "%pI4", &addr->ip);
}

bool ksvc_cidr_match(const struct ksvc_cidr *c, u8 family,
		     const union nf_inet_addr *addr)
{
	union nf_inet_addr mask;

	if (c->family != family)
		return false;
	if (family == AF_INET) {
		mask.ip = c->prefix ? htonl(~0U << (32 - c->prefix)) : 0;
		return !((addr->ip ^ c->addr.ip) & mask.ip);
	}
	return ipv6_prefix_equal(&addr->in6, &c->addr.in6, c->prefix);
}
