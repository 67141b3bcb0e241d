/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ClientIP session affinity (affinity.c).
 */
#ifndef _KSVC_AFFINITY_H
#define _KSVC_AFFINITY_H

#include "ksvc.h"

int ksvc_aff_init(struct ksvc_net *kn);
void ksvc_aff_exit(struct ksvc_net *kn);
const struct ksvc_ep *ksvc_aff_pick(struct ksvc_net *kn, struct ksvc_svc *svc,
				    u8 port_index, u8 family, bool local_only,
				    const union nf_inet_addr *client);
void ksvc_aff_trim(struct ksvc_net *kn, u32 max);
u32 ksvc_aff_count(struct ksvc_net *kn);

#endif /* _KSVC_AFFINITY_H */
