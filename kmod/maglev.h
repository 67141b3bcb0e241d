/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maglev consistent hashing (maglev.c), a leaf beside select.c: a lookup
 * table per service port and family, built off the packet path at commit.
 */
#ifndef _KSVC_MAGLEV_H
#define _KSVC_MAGLEV_H

#include <net/netfilter/nf_conntrack_tuple.h>
#include "ksvc.h"

#define KSVC_MAGLEV_MIN		251
#define KSVC_MAGLEV_MAX		65521
#define KSVC_MAGLEV_DEFAULT	16381

bool ksvc_maglev_size_ok(u32 m);
int ksvc_maglev_build(struct ksvc_svc *svc, u32 m, u32 seed);
const struct ksvc_ep *ksvc_maglev_pick(const struct ksvc_svc *svc, u8 port_index,
				       u8 family, u32 first,
				       const struct nf_conntrack_tuple *t);

#endif /* _KSVC_MAGLEV_H */
