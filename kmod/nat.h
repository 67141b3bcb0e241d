/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet path (nat.c): netfilter hooks through the NAT core.
 */
#ifndef _KSVC_NAT_H
#define _KSVC_NAT_H

#include "ksvc.h"

struct nf_conntrack_tuple;

struct ksvc_match {
	struct ksvc_svc *svc;
	u8 port_index;
	u8 kind;		/* enum ksvc_fe_kind, or KSVC_FE_NODE_PORT */
};

#define KSVC_FE_NODE_PORT (KSVC_FE_KIND_MAX + 1)

int ksvc_hooks_enable(struct ksvc_net *kn);
void ksvc_hooks_disable(struct ksvc_net *kn);
bool ksvc_is_node_addr(struct net *net, const struct ksvc_cfg *cfg, u8 family,
		       const union nf_inet_addr *addr);
bool ksvc_match(struct net *net, struct ksvc_net *kn, const struct ksvc_cfg *cfg,
		const struct nf_conntrack_tuple *t, struct ksvc_match *m);
/*
 * DNAT's masquerade decision for the same packet's POSTROUTING, per CPU
 * (take: 1 or 0, or -1 when the hint is not this packet's and entry's).
 */
struct nf_conn;
void ksvc_hint_set(const struct sk_buff *skb, const struct nf_conn *ct,
		   bool masq);
int ksvc_hint_take(const struct sk_buff *skb, const struct nf_conn *ct);

#endif /* _KSVC_NAT_H */
