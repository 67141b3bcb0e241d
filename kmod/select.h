/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Endpoint selection (select.c), a leaf: the order of a service's
 * endpoints, the usable set of a port and family, and the picks.
 */
#ifndef _KSVC_SELECT_H
#define _KSVC_SELECT_H

#include <net/netfilter/nf_conntrack_tuple.h>
#include "ksvc.h"

int ksvc_ep_cmp(const void *a, const void *b);
void ksvc_eps_index(struct ksvc_svc *svc);
bool ksvc_same_usable(const struct ksvc_svc *new, u32 pi,
		      const struct ksvc_svc *old, int f);
u32 ksvc_usable(const struct ksvc_svc *svc, u8 port_index, u8 family,
		bool local_only, u32 *first);
const struct ksvc_ep *ksvc_pick(struct ksvc_svc *svc, u8 port_index,
				u8 family, bool local_only,
				const struct nf_conntrack_tuple *t);
const struct ksvc_ep *ksvc_find_usable(const struct ksvc_svc *svc, u8 port_index,
				       u8 family, bool local_only,
				       const union nf_inet_addr *addr, __be16 port);

#endif /* _KSVC_SELECT_H */
