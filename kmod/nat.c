// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path.  ksvc registers lookup functions with the NAT core,
 * which calls them only for the first packet of a connection that has no
 * NAT binding yet; ksvc picks an endpoint and asks the core for the
 * binding.  Conntrack NAT then rewrites every later packet in both
 * directions, so established traffic costs ksvc nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_masquerade.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <linux/inetdevice.h>
#include <net/addrconf.h>
#include <net/ipv6.h>

#include "nat.h"
#include "addr.h"
#include "affinity.h"
#include "select.h"
#include "stats.h"
#include "table.h"

/* Is addr an address of this network namespace? */
static bool ksvc_addr_is_local(struct net *net, u8 family,
			       const union nf_inet_addr *addr)
{
	if (family == AF_INET6)
		return ipv6_chk_addr(net, &addr->in6, NULL, 0);
	return inet_addr_type(net, addr->ip) == RTN_LOCAL;
}

static bool ksvc_addr_is_loopback(u8 family, const union nf_inet_addr *addr)
{
	return family == AF_INET6 ? ipv6_addr_loopback(&addr->in6) :
	       ipv4_is_loopback(addr->ip);
}

/*
 * Is addr one of this node's NodePort addresses?  Called under RCU.  As
 * kube-proxy's --nodeport-addresses, per family: the node IP ("primary"),
 * or the node's addresses inside the prefixes; a family that neither
 * names keeps the default.  Never loopback.
 */
bool ksvc_is_node_addr(struct net *net, const struct ksvc_cfg *cfg, u8 family,
		       const union nf_inet_addr *addr)
{
	int f = ksvc_fam(family);
	u32 i;

	if (ksvc_addr_is_loopback(family, addr))
		return false;
	if (cfg->np_primary && (cfg->node_ip_fams & BIT(f)))
		return nf_inet_addr_cmp(&cfg->node_ip[f], addr) &&
		       ksvc_addr_is_local(net, family, addr);
	if (cfg->np_cidr_fams & BIT(f)) {
		for (i = 0; i < cfg->n_np_cidrs; i++)
			if (ksvc_cidr_match(&cfg->np_cidrs[i], family, addr))
				return ksvc_addr_is_local(net, family, addr);
		return false;
	}
	/*
	 * Default: every local address but loopback and link-local.  DNAT of
	 * 127.0.0.1 would need route_localnet, the hole behind CVE-2020-8558.
	 */
	if (family == AF_INET6) {
		if (ipv6_addr_type(&addr->in6) & IPV6_ADDR_LINKLOCAL)
			return false;
	} else if (ipv4_is_linklocal_169(addr->ip)) {
		return false;
	}
	return ksvc_addr_is_local(net, family, addr);
}

/* Which service, if any, does this connection's original destination name? */
bool ksvc_match(struct net *net, struct ksvc_net *kn, const struct ksvc_cfg *cfg,
		const struct nf_conntrack_tuple *t, struct ksvc_match *m)
{
	struct ksvc_table *tbl = rcu_dereference(kn->tbl);
	struct ksvc_fe_key key;
	struct ksvc_np_key nkey;
	struct ksvc_fe *fe;
	struct ksvc_np *np;

	if (!tbl)
		return false;
	memset(&key, 0, sizeof(key));
	key.addr = t->dst.u3;
	key.port = t->dst.u.all;
	key.proto = t->dst.protonum;
	key.family = t->src.l3num;
	fe = rhashtable_lookup(&tbl->fes, &key, ksvc_fe_params);
	/* An entry without a service holds room for a commit: no match. */
	if (fe && fe->svc) {
		m->svc = fe->svc;
		m->port_index = fe->port_index;
		m->kind = fe->kind;
		return true;
	}
	memset(&nkey, 0, sizeof(nkey));
	nkey.port = t->dst.u.all;
	nkey.proto = t->dst.protonum;
	np = rhashtable_lookup(&tbl->nps, &nkey, ksvc_np_params);
	if (np && np->svc && (np->svc->np_families & BIT(ksvc_fam(t->src.l3num))) &&
	    ksvc_is_node_addr(net, cfg, t->src.l3num, &t->dst.u3)) {
		m->svc = np->svc;
		m->port_index = np->port_index;
		m->kind = KSVC_FE_NODE_PORT;
		return true;
	}
	return false;
}

/*
 * TCP resets, at most rate a second per namespace with a second's worth
 * at once (ksvcctl config --max-resets-per-sec; 0: no limit).  The kernel
 * limits the ICMP errors of the UDP path (icmp_msgs_per_sec) but not
 * resets, and each SYN to a service without endpoints costs one.  GCRA on
 * one atomic, lockless for PREROUTING and LOCAL_OUT alike: reset_tat is
 * when the bucket would be full again; a reset that would push it more
 * than a second ahead is not sent.
 */
static bool ksvc_reset_allowed(struct ksvc_net *kn, u32 rate)
{
	s64 now, tat, next, cost;

	if (!rate)
		return true;
	cost = div_u64(NSEC_PER_SEC, rate);
	now = ktime_get_ns();
	tat = atomic64_read(&kn->reset_tat);
	do {
		next = max(tat, now) + cost;
		if (next - now > NSEC_PER_SEC)
			return false;
	} while (!atomic64_try_cmpxchg(&kn->reset_tat, &tat, next));
	return true;
}

/*
 * No endpoint: TCP gets a reset (unless over the limit: then the SYN is
 * dropped, as if lost), UDP a port unreachable, SCTP nothing.  The
 * caller counts the reject either way.
 */
static unsigned int ksvc_reject(struct sk_buff *skb,
				const struct nf_hook_state *state, u8 proto)
{
	struct ksvc_net *kn = ksvc_pernet(state->net);
	const struct ksvc_cfg *cfg = ksvc_cfg_rcu(kn);
	bool v6 = state->pf == NFPROTO_IPV6;

	switch (proto) {
	case IPPROTO_TCP:
		if (!ksvc_reset_allowed(kn, cfg->max_resets))
			break;
		if (v6)
			nf_send_reset6(state->net, state->sk, skb, state->hook);
		else
			nf_send_reset(state->net, state->sk, skb, state->hook);
		break;
	default:
		/* UDP, SCTP, ping: port unreachable, as nft's reject. */
		if (v6)
			nf_send_unreach6(state->net, skb, ICMPV6_PORT_UNREACH,
					 state->hook);
		else
			nf_send_unreach(skb, ICMP_PORT_UNREACH, state->hook);
		break;
	}
	return NF_DROP;
}

/*
 * Is this connection from a pod of this node?  kube-proxy's local-traffic
 * detectors (--detect-local-mode), one at a time: a source in the pod
 * CIDRs, or arrival on an interface whose name starts with the prefix
 * (InterfaceNamePrefix), or on the pods' bridge (BridgeInterface).  in is
 * the device the connection's first packet came in on, NULL for the
 * node's own.  1: yes, 0: no, -1: no detector for this family (then
 * kube-proxy neither tells pods apart nor masquerades on that ground).
 */
static int ksvc_from_pod(const struct ksvc_cfg *cfg, const struct net_device *in,
			 u8 family, const union nf_inet_addr *src)
{
	int ret = -1;
	u32 i;

	if (cfg->local_prefix_len)
		return in && !strncmp(in->name, cfg->local_prefix,
				      cfg->local_prefix_len);
	if (cfg->local_bridge[0])
		return in && !strcmp(in->name, cfg->local_bridge);
	for (i = 0; i < cfg->n_local_cidrs; i++) {
		if (cfg->local_cidrs[i].family != family)
			continue;
		if (ksvc_cidr_match(&cfg->local_cidrs[i], family, src))
			return 1;
		ret = 0;
	}
	return ret;
}

/* In-cluster traffic: from the node itself, or from a pod. */
static bool ksvc_from_cluster(struct net *net, const struct ksvc_cfg *cfg,
			      const struct net_device *in,
			      const struct nf_conntrack_tuple *t)
{
	u8 family = t->src.l3num;

	return ksvc_from_pod(cfg, in, family, &t->src.u3) == 1 ||
	       ksvc_addr_is_local(net, family, &t->src.u3);
}

/* Does the prefix hold one of this node's addresses (loopback aside)? */
static bool ksvc_cidr_has_node_addr(struct net *net, const struct ksvc_cidr *c)
{
	union nf_inet_addr a = {};
	struct net_device *dev;

	for_each_netdev_rcu(net, dev) {
		if (dev->flags & IFF_LOOPBACK)
			continue;
		if (c->family == AF_INET) {
			const struct in_device *in = __in_dev_get_rcu(dev);
			const struct in_ifaddr *ifa;

			if (!in)
				continue;
			in_dev_for_each_ifa_rcu(ifa, in) {
				a.ip = ifa->ifa_local;
				if (ksvc_cidr_match(c, AF_INET, &a))
					return true;
			}
		} else {
			struct inet6_dev *idev = __in6_dev_get(dev);
			const struct inet6_ifaddr *ifp;
			bool found = false;

			if (!idev)
				continue;
			read_lock_bh(&idev->lock);
			list_for_each_entry(ifp, &idev->addr_list, if_list) {
				a.in6 = ifp->addr;
				found = ksvc_cidr_match(c, AF_INET6, &a);
				if (found)
					break;
			}
			read_unlock_bh(&idev->lock);
			if (found)
				return true;
		}
	}
	return false;
}

static bool ksvc_is_lb_addr(const struct ksvc_svc *svc, u8 family,
			    const union nf_inet_addr *addr)
{
	u32 i;

	for (i = 0; i < svc->n_fes; i++)
		if (svc->fes[i].kind == KSVC_FE_LOAD_BALANCER &&
		    svc->fes[i].key.family == family &&
		    nf_inet_addr_cmp(&svc->fes[i].key.addr, addr))
			return true;
	return false;
}

/*
 * loadBalancerSourceRanges, for the load-balancer addresses only (node
 * ports and external IPs ignore them, as in kube-proxy).  Like kube-proxy's
 * allowFromNode, a Service whose ranges hold the node IP of the family
 * (ksvcctl config --node-ips) also takes traffic whose source is one of
 * its own load-balancer addresses: the node, or the load balancer,
 * hairpinning through it.  Without node IPs ksvc looks for any address of
 * the node but loopback; that walk runs only for such a packet.
 */
static bool ksvc_source_allowed(struct net *net, const struct ksvc_cfg *cfg,
				const struct ksvc_svc *svc, u8 kind,
				const struct nf_conntrack_tuple *t)
{
	u8 family = t->src.l3num;
	u32 i;

	if (kind != KSVC_FE_LOAD_BALANCER || !svc->n_ranges)
		return true;
	for (i = 0; i < svc->n_ranges; i++)
		if (ksvc_cidr_match(&svc->ranges[i], family, &t->src.u3))
			return true;
	if (!ksvc_is_lb_addr(svc, family, &t->src.u3))
		return false;
	if (cfg->node_ip_fams) {
		union nf_inet_addr ip = {};
		int f = ksvc_fam(family);

		/* kube-proxy: a family without a node IP has 127.0.0.1 or ::1. */
		if (cfg->node_ip_fams & BIT(f))
			ip = cfg->node_ip[f];
		else if (family == AF_INET)
			ip.ip = htonl(INADDR_LOOPBACK);
		else
			ip.in6 = in6addr_loopback;
		for (i = 0; i < svc->n_ranges; i++)
			if (ksvc_cidr_match(&svc->ranges[i], family, &ip))
				return true;
		return false;
	}
	for (i = 0; i < svc->n_ranges; i++)
		if (svc->ranges[i].family == family &&
		    ksvc_cidr_has_node_addr(net, &svc->ranges[i]))
			return true;
	return false;
}

/*
 * A new connection no Service port takes.  As kube-proxy's cluster-ips
 * check: to a live cluster IP (on a port or protocol none of its Service's
 * serves) it is rejected; to an address inside the Service CIDRs
 * (ksvcctl config --service-cidrs) that no Service holds, dropped.
 * kube-proxy checks in FORWARD and OUTPUT, so an address of this node is
 * left alone here too.  Anything else is none of ksvc's business.
 */
static unsigned int ksvc_nat_miss(struct ksvc_net *kn, const struct ksvc_cfg *cfg,
				  struct sk_buff *skb,
				  const struct nf_hook_state *state,
				  const struct nf_conntrack_tuple *t)
{
	struct ksvc_table *tbl = rcu_dereference(kn->tbl);
	u8 family = t->src.l3num;
	struct ksvc_cip_key key;
	bool cip, in_cidrs = false;
	u32 i;

	if (!tbl)
		return NF_ACCEPT;
	memset(&key, 0, sizeof(key));
	key.addr = t->dst.u3;
	key.family = family;
	cip = rhashtable_lookup_fast(&tbl->cips, &key, ksvc_cip_params);
	for (i = 0; !cip && i < cfg->n_svc_cidrs; i++)
		in_cidrs = ksvc_cidr_match(&cfg->svc_cidrs[i], family, &t->dst.u3);
	if ((!cip && !in_cidrs) ||
	    ksvc_addr_is_local(state->net, family, &t->dst.u3))
		return NF_ACCEPT;
	if (cip)
		return ksvc_reject(skb, state, t->dst.protonum);
	return NF_DROP;
}

/*
 * Masquerade, decided from the connection's own tuples rather than from
 * packet mark bits that CNI plugins also use, as kube-proxy decides it:
 * hairpin (a pod reaching itself through its service); traffic to a node
 * port, external IP or load-balancer address (externalTrafficPolicy
 * Cluster), so that replies come back through this node; and traffic to a
 * cluster IP that is not from a pod of this node (the node itself, or a
 * client routed to the Service CIDR) when a local-traffic detector says
 * what a pod is, or all of it with masquerade-all.  in: the device the
 * first packet came in on, NULL for the node's own.
 */
static bool ksvc_want_masq(struct net *net, const struct ksvc_cfg *cfg,
			   const struct ksvc_match *m, const struct nf_conn *ct,
			   const struct net_device *in)
{
	const struct nf_conntrack_tuple *orig, *reply;

	orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	reply = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	if (nf_inet_addr_cmp(&orig->src.u3, &reply->src.u3))
		return true;	/* hairpin */
	if (m->kind == KSVC_FE_CLUSTER_IP)
		return cfg->masquerade_all ||
		       !ksvc_from_pod(cfg, in, orig->src.l3num, &orig->src.u3);
	/*
	 * Policy Cluster: always.  Local: only the node's own traffic (its
	 * source address may not be routable from the pod); outside clients
	 * and pods keep their address.
	 */
	return !(m->svc->flags & KSVC_SVC_F_EXT_LOCAL) ||
	       ksvc_addr_is_local(net, orig->src.l3num, &orig->src.u3);
}

/*
 * The decision DNAT took, for the masquerade hook of the same packet:
 * PREROUTING (or LOCAL_OUT) and POSTROUTING run one after the other on one
 * CPU for a connection's first packet, and the match need not be made
 * again (for a node port it costs a FIB lookup).  Two words, each written
 * whole: the packet and its entry, with the decision in the entry
 * pointer's low bit.  A hint that is not this packet's and this entry's
 * (another packet came between, the task moved to another CPU) is no
 * hint: the hook decides from the tuples as before.  Every new connection
 * DNAT sees rewrites it, so a stale one never names a live packet.
 */
struct ksvc_masq_hint {
	const struct sk_buff *skb;
	unsigned long ct;	/* struct nf_conn *, | 1: masquerade */
};

static DEFINE_PER_CPU(struct ksvc_masq_hint, ksvc_masq_hint);

void ksvc_hint_set(const struct sk_buff *skb, const struct nf_conn *ct,
		   bool masq)
{
	this_cpu_write(ksvc_masq_hint.ct, (unsigned long)ct | masq);
	this_cpu_write(ksvc_masq_hint.skb, skb);
}

/* 1 or 0: the decision DNAT took for this packet; -1: none. */
int ksvc_hint_take(const struct sk_buff *skb, const struct nf_conn *ct)
{
	unsigned long h;

	if (this_cpu_read(ksvc_masq_hint.skb) != skb)
		return -1;
	h = this_cpu_read(ksvc_masq_hint.ct);
	if ((h & ~1UL) != (unsigned long)ct)
		return -1;
	this_cpu_write(ksvc_masq_hint.skb, NULL);
	return h & 1;
}

/*
 * DNAT, in PREROUTING (pods, outside) and LOCAL_OUT (the node itself).
 * Only IP_CT_NEW: a reset or ICMP error ksvc sends carries the original
 * connection's entry through LOCAL_OUT as related-reply, and binding or
 * dropping it there would drop ksvc's own reset.
 */
static unsigned int ksvc_nat_dst(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct ksvc_net *kn = ksvc_pernet(state->net);
	const struct nf_conntrack_tuple *t;
	enum ip_conntrack_info ctinfo;
	const struct ksvc_cfg *cfg;
	struct nf_nat_range2 range;
	const struct ksvc_ep *ep;
	struct ksvc_match m;
	struct nf_conn *ct;
	bool local_only, external;
	unsigned int verdict;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW)
		return NF_ACCEPT;
	this_cpu_write(ksvc_masq_hint.skb, NULL);
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	/* One configuration for the whole decision. */
	cfg = ksvc_cfg_rcu(kn);
	if (!ksvc_match(state->net, kn, cfg, t, &m))
		return ksvc_nat_miss(kn, cfg, skb, state, t);

	if (!ksvc_source_allowed(state->net, cfg, m.svc, m.kind, t)) {
		ksvc_ctr_inc(m.svc->ctrs, KSVC_CTR_REJECTS);
		return NF_DROP;
	}
	/*
	 * Traffic policies: externalTrafficPolicy Local keeps traffic from
	 * outside on this node's endpoints (and its source address: no
	 * masquerade); in-cluster traffic to an external address uses every
	 * endpoint.  internalTrafficPolicy Local does the same for in-cluster
	 * traffic to the cluster IP.
	 */
	external = m.kind != KSVC_FE_CLUSTER_IP;
	if (external)
		local_only = (m.svc->flags & KSVC_SVC_F_EXT_LOCAL) &&
			     !ksvc_from_cluster(state->net, cfg, state->in, t);
	else
		local_only = m.svc->flags & KSVC_SVC_F_INT_LOCAL;

	if (m.svc->flags & KSVC_SVC_F_AFFINITY)
		ep = ksvc_aff_pick(kn, m.svc, m.port_index, t->src.l3num,
				   local_only, &t->src.u3);
	else
		ep = ksvc_pick(m.svc, m.port_index, t->src.l3num, local_only, t);
	if (!ep) {
		u32 first;

		ksvc_ctr_inc(m.svc->ctrs, KSVC_CTR_REJECTS);
		/*
		 * Policy Local without a local endpoint drops, but only while
		 * other nodes have usable ones (the client may try another
		 * node); with none anywhere it is a Service without endpoints
		 * and rejects, as kube-proxy's filter verdicts do.
		 */
		if (local_only &&
		    ksvc_usable(m.svc, m.port_index, t->src.l3num, false, &first))
			return NF_DROP;
		return ksvc_reject(skb, state, t->dst.protonum);
	}
	memset(&range, 0, sizeof(range));
	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_addr = ep->addr;
	range.max_addr = ep->addr;
	range.min_proto.all = ep->port;
	range.max_proto.all = ep->port;
	ksvc_ctr_inc(m.svc->ctrs, KSVC_CTR_CONNS);
	ksvc_ctr_inc(m.svc->ctrs, KSVC_CTR_EP(ep - m.svc->eps));
	verdict = nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
	/* The reply tuple now names the endpoint: masquerade is decided. */
	if (verdict == NF_ACCEPT)
		ksvc_hint_set(skb, ct, ksvc_want_masq(state->net, cfg, &m, ct,
						      state->in));
	return verdict;
}

static unsigned int ksvc_nat_src(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct ksvc_net *kn = ksvc_pernet(state->net);
	enum ip_conntrack_info ctinfo;
	const struct ksvc_cfg *cfg;
	struct nf_nat_range2 range;
	struct ksvc_match m;
	struct nf_conn *ct;
	int masq;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || !(ct->status & IPS_DST_NAT))
		return NF_ACCEPT;
	masq = ksvc_hint_take(skb, ct);
	if (masq < 0) {
		const struct net_device *in = NULL;

		cfg = ksvc_cfg_rcu(kn);
		if (!ksvc_match(state->net, kn, cfg,
				&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple, &m))
			return NF_ACCEPT;
		/* The first packet's way in: 0 for the node's own. */
		if (skb->skb_iif && (cfg->local_prefix_len || cfg->local_bridge[0]))
			in = dev_get_by_index_rcu(state->net, skb->skb_iif);
		masq = ksvc_want_masq(state->net, cfg, &m, ct, in);
	}
	if (!masq)
		return NF_ACCEPT;

	memset(&range, 0, sizeof(range));
	range.flags = NF_NAT_RANGE_PROTO_RANDOM_FULLY;
	if (state->pf == NFPROTO_IPV6)
		return nf_nat_masquerade_ipv6(skb, &range, state->out);
	return nf_nat_masquerade_ipv4(skb, state->hook, &range, state->out);
}

static unsigned int ksvc_fwd_invalid(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct ksvc_net *kn = ksvc_pernet(state->net);
	enum ip_conntrack_info ctinfo;
	const struct ksvc_cfg *cfg;

	if (nf_ct_get(skb, &ctinfo) || ctinfo == IP_CT_UNTRACKED)
		return NF_ACCEPT;
	cfg = ksvc_cfg_rcu(kn);
	if (!cfg->drop_invalid ||
	    READ_ONCE(nf_tcp_pernet(state->net)->tcp_be_liberal))
		return NF_ACCEPT;
	return NF_DROP;
}

/*
 * Lookup priorities only order ksvc among NAT lookups (iptables' and
 * nftables' nat chains), and the first that binds wins.  ksvc goes first:
 * a service address must reach the service even when Docker's or a CNI's
 * DNAT rules for local addresses, or a stale kube-proxy rule, match too.
 * Masquerade likewise comes before the CNI's own SNAT rules.
 */
static const struct nf_hook_ops ksvc_nat_ops[] = {
	{
		.hook = ksvc_nat_dst,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_NAT_DST - 10,
	},
	{
		.hook = ksvc_nat_dst,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST - 10,
	},
	{
		.hook = ksvc_nat_src,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_NAT_SRC - 10,
	},
	{
		.hook = ksvc_nat_dst,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST - 10,
	},
	{
		.hook = ksvc_nat_dst,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST - 10,
	},
	{
		.hook = ksvc_nat_src,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_NAT_SRC - 10,
	},
};

static const struct nf_hook_ops ksvc_fwd_ops[] = {
	{
		.hook = ksvc_fwd_invalid,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP_PRI_FILTER - 10,
	},
	{
		.hook = ksvc_fwd_invalid,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP6_PRI_FILTER - 10,
	},
};

static int ksvc_nat_register(struct net *net, const struct nf_hook_ops *ops)
{
	if (ops->pf == NFPROTO_IPV6)
		return nf_nat_ipv6_register_fn(net, ops);
	return nf_nat_ipv4_register_fn(net, ops);
}

static void ksvc_nat_unregister(struct net *net, const struct nf_hook_ops *ops)
{
	if (ops->pf == NFPROTO_IPV6)
		nf_nat_ipv6_unregister_fn(net, ops);
	else
		nf_nat_ipv4_unregister_fn(net, ops);
}

/*
 * Conntrack and the hooks, in a namespace being activated (main.c): on
 * failure nothing stays registered.
 */
int ksvc_hooks_enable(struct ksvc_net *kn)
{
	int i, err;

	lockdep_assert_held(&kn->lock);
	if (kn->hooks_on)
		return 0;
	/* NFPROTO_INET: conntrack for IPv4 and IPv6. */
	err = nf_ct_netns_get(kn->net, NFPROTO_INET);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(ksvc_nat_ops); i++) {
		err = ksvc_nat_register(kn->net, &ksvc_nat_ops[i]);
		if (err)
			goto err_nat;
	}
	err = nf_register_net_hooks(kn->net, ksvc_fwd_ops,
				    ARRAY_SIZE(ksvc_fwd_ops));
	if (err)
		goto err_nat;
	kn->hooks_on = true;
	return 0;

err_nat:
	while (i-- > 0)
		ksvc_nat_unregister(kn->net, &ksvc_nat_ops[i]);
	nf_ct_netns_put(kn->net, NFPROTO_INET);
	return err;
}

void ksvc_hooks_disable(struct ksvc_net *kn)
{
	int i;

	if (!kn->hooks_on)
		return;
	nf_unregister_net_hooks(kn->net, ksvc_fwd_ops, ARRAY_SIZE(ksvc_fwd_ops));
	for (i = 0; i < ARRAY_SIZE(ksvc_nat_ops); i++)
		ksvc_nat_unregister(kn->net, &ksvc_nat_ops[i]);
	nf_ct_netns_put(kn->net, NFPROTO_INET);
	kn->hooks_on = false;
}
