/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses: printing them for messages, matching them against prefixes
 * (addr.c).
 */
#ifndef _KSVC_ADDR_H
#define _KSVC_ADDR_H

#include "ksvc.h"

void ksvc_format_addr(char *buf, size_t len, u8 family,
		      const union nf_inet_addr *addr);
bool ksvc_cidr_match(const struct ksvc_cidr *c, u8 family,
		     const union nf_inet_addr *addr);

#endif /* _KSVC_ADDR_H */
