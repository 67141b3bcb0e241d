// SPDX-License-Identifier: GPL-2.0
/*
 * The ksvc generic netlink family: every message from user space enters
 * here, is checked against a strict per-operation policy and is answered
 * with an extack message when refused.  Changes take the namespace's
 * ksvc_net.lock (the family runs with parallel_ops, so a long commit in
 * one namespace does not hold the global genetlink mutex).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/in.h>
#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <linux/siphash.h>

#include "ksvc.h"

static struct genl_family ksvc_genl_family;
static siphash_key_t ksvc_id_key __read_mostly;

/* ---- policies ---- */

static const struct nla_policy ksvc_stats_policy[KSVC_STATS_A_MAX + 1] = {
	[KSVC_STATS_A_CONNS] = { .type = NLA_REJECT },
	[KSVC_STATS_A_REJECTS] = { .type = NLA_REJECT },
};

static const struct nla_policy ksvc_port_policy[KSVC_PORT_A_MAX + 1] = {
	[KSVC_PORT_A_NAME] = { .type = NLA_NUL_STRING, .len = KSVC_NAME_MAX },
	[KSVC_PORT_A_PROTO] = { .type = NLA_U8 },
	[KSVC_PORT_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSVC_PORT_A_NODE_PORT] = { .type = NLA_U16 },
};

static const struct nla_policy ksvc_fe_policy[KSVC_FE_A_MAX + 1] = {
	[KSVC_FE_A_KIND] = NLA_POLICY_MAX(NLA_U8, KSVC_FE_KIND_MAX),
	[KSVC_FE_A_ADDR4] = { .type = NLA_BE32 },
	[KSVC_FE_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[KSVC_FE_A_ALSO] = NLA_POLICY_MASK(NLA_U8, (1 << (KSVC_FE_KIND_MAX + 1)) - 1),
};

static const struct nla_policy ksvc_ep_policy[KSVC_EP_A_MAX + 1] = {
	[KSVC_EP_A_ADDR4] = { .type = NLA_BE32 },
	[KSVC_EP_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[KSVC_EP_A_PORT_INDEX] = NLA_POLICY_MAX(NLA_U8, KSVC_MAX_PORTS - 1),
	[KSVC_EP_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSVC_EP_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, KSVC_EP_F_ALL),
	[KSVC_EP_A_STATS] = { .type = NLA_REJECT },
};

/* Lists: a nest holding repeated attributes of one type. */
static const struct nla_policy ksvc_ports_policy[KSVC_SVC_A_MAX + 1] = {
	[KSVC_SVC_A_PORT] = NLA_POLICY_NESTED(ksvc_port_policy),
};

static const struct nla_policy ksvc_fes_policy[KSVC_SVC_A_MAX + 1] = {
	[KSVC_SVC_A_FRONTEND] = NLA_POLICY_NESTED(ksvc_fe_policy),
};

static const struct nla_policy ksvc_eps_policy[KSVC_SVC_A_MAX + 1] = {
	[KSVC_SVC_A_ENDPOINT] = NLA_POLICY_NESTED(ksvc_ep_policy),
};

static const struct nla_policy ksvc_cidr_policy[KSVC_CIDR_A_MAX + 1] = {
	[KSVC_CIDR_A_ADDR4] = { .type = NLA_BE32 },
	[KSVC_CIDR_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[KSVC_CIDR_A_PREFIX] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy ksvc_ranges_policy[KSVC_SVC_A_MAX + 1] = {
	[KSVC_SVC_A_SOURCE_RANGE] = NLA_POLICY_NESTED(ksvc_cidr_policy),
};

/* Not const: 6.1's policy field is a non-const pointer. */
static struct netlink_range_validation ksvc_affinity_range = {
	.min = 1,
	.max = KSVC_MAX_AFFINITY_TIMEOUT,
};

static const struct nla_policy ksvc_svc_policy[KSVC_SVC_A_MAX + 1] = {
	[KSVC_SVC_A_NAMESPACE] = { .type = NLA_NUL_STRING, .len = KSVC_NAME_MAX },
	[KSVC_SVC_A_NAME] = { .type = NLA_NUL_STRING, .len = KSVC_NAME_MAX },
	[KSVC_SVC_A_TYPE] = NLA_POLICY_MAX(NLA_U8, KSVC_SVC_TYPE_MAX),
	[KSVC_SVC_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, KSVC_SVC_F_ALL),
	[KSVC_SVC_A_PORTS] = NLA_POLICY_NESTED(ksvc_ports_policy),
	[KSVC_SVC_A_PORT] = { .type = NLA_REJECT },
	[KSVC_SVC_A_FRONTENDS] = NLA_POLICY_NESTED(ksvc_fes_policy),
	[KSVC_SVC_A_FRONTEND] = { .type = NLA_REJECT },
	[KSVC_SVC_A_ENDPOINTS] = NLA_POLICY_NESTED(ksvc_eps_policy),
	[KSVC_SVC_A_ENDPOINT] = { .type = NLA_REJECT },
	[KSVC_SVC_A_APPEND] = { .type = NLA_FLAG },
	[KSVC_SVC_A_EXTERNAL_NAME] = { .type = NLA_NUL_STRING,
				       .len = KSVC_NODE_NAME_MAX },
	[KSVC_SVC_A_STATS] = NLA_POLICY_NESTED(ksvc_stats_policy),
	[KSVC_SVC_A_ALGO] = NLA_POLICY_MAX(NLA_U8, KSVC_ALGO_MAX),
	[KSVC_SVC_A_AFFINITY_TIMEOUT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ksvc_affinity_range),
	[KSVC_SVC_A_SOURCE_RANGES] = NLA_POLICY_NESTED(ksvc_ranges_policy),
	[KSVC_SVC_A_SOURCE_RANGE] = { .type = NLA_REJECT },
};

static const struct nla_policy ksvc_addrs_policy[KSVC_CFG_A_MAX + 1] = {
	[KSVC_CFG_A_ADDR4] = { .type = NLA_BE32 },
	[KSVC_CFG_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
};

static const struct nla_policy ksvc_cidrs_policy[KSVC_CFG_A_MAX + 1] = {
	[KSVC_CFG_A_CIDR] = NLA_POLICY_NESTED(ksvc_cidr_policy),
};

static const struct nla_policy ksvc_cfg_policy[KSVC_CFG_A_MAX + 1] = {
	[KSVC_CFG_A_NODE_NAME] = { .type = NLA_NUL_STRING,
				   .len = KSVC_NODE_NAME_MAX },
	[KSVC_CFG_A_NODEPORT_ADDRS] = NLA_POLICY_NESTED(ksvc_addrs_policy),
	[KSVC_CFG_A_ADDR4] = { .type = NLA_REJECT },
	[KSVC_CFG_A_ADDR6] = { .type = NLA_REJECT },
	[KSVC_CFG_A_DROP_INVALID] = NLA_POLICY_MAX(NLA_U8, 1),
	[KSVC_CFG_A_MAX_SERVICES] = NLA_POLICY_MIN(NLA_U32, 1),
	[KSVC_CFG_A_MAX_ENDPOINTS] = NLA_POLICY_MIN(NLA_U32, 1),
	[KSVC_CFG_A_LOCAL_CIDRS] = NLA_POLICY_NESTED(ksvc_cidrs_policy),
	[KSVC_CFG_A_CIDR] = { .type = NLA_REJECT },
	[KSVC_CFG_A_MAX_AFFINITY] = NLA_POLICY_MIN(NLA_U32, 1),
	[KSVC_CFG_A_AFFINITY_ENTRIES] = {
		.type = NLA_REJECT,
		.reject_message = "affinity entries are counted, not set",
	},
	[KSVC_CFG_A_MAX_RESETS] = { .type = NLA_U32 },
	[KSVC_CFG_A_LOCAL_IFACE_PREFIX] = { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[KSVC_CFG_A_LOCAL_BRIDGE] = { .type = NLA_NUL_STRING,
				      .len = IFNAMSIZ - 1 },
	[KSVC_CFG_A_MASQUERADE_ALL] = NLA_POLICY_MAX(NLA_U8, 1),
	[KSVC_CFG_A_NODEPORT_CIDRS] = NLA_POLICY_NESTED(ksvc_cidrs_policy),
	[KSVC_CFG_A_SERVICE_CIDRS] = NLA_POLICY_NESTED(ksvc_cidrs_policy),
};

/* Operations that take no attributes: an empty policy rejects any. */
static const struct nla_policy ksvc_none_policy[KSVC_A_MAX + 1] = {
};

static const struct nla_policy ksvc_svc_op_policy[KSVC_A_MAX + 1] = {
	[KSVC_A_SERVICE] = NLA_POLICY_NESTED(ksvc_svc_policy),
};

static const struct nla_policy ksvc_cfg_op_policy[KSVC_A_MAX + 1] = {
	[KSVC_A_CONFIG] = NLA_POLICY_NESTED(ksvc_cfg_policy),
};

static const struct nla_policy ksvc_tx_op_policy[KSVC_A_MAX + 1] = {
	[KSVC_A_TX_FLAGS] = NLA_POLICY_MASK(NLA_U32, KSVC_TX_F_ALL),
	[KSVC_A_GENERATION] = { .type = NLA_U64 },
};

/* ---- parsing a service ---- */

static int ksvc_parse_addr(struct nlattr *a4, struct nlattr *a6, u8 *family,
			   union nf_inet_addr *addr,
			   struct netlink_ext_ack *extack, struct nlattr *nest)
{
	memset(addr, 0, sizeof(*addr));
	if (!!a4 == !!a6) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "exactly one of an IPv4 and an IPv6 address is needed");
		return -EINVAL;
	}
	if (a4) {
		*family = AF_INET;
		addr->ip = nla_get_in_addr(a4);
		if (!addr->ip || ipv4_is_multicast(addr->ip) ||
		    ipv4_is_lbcast(addr->ip)) {
			NL_SET_ERR_MSG_ATTR(extack, a4, "not a unicast address");
			return -EINVAL;
		}
	} else {
		*family = AF_INET6;
		addr->in6 = nla_get_in6_addr(a6);
		if (ipv6_addr_any(&addr->in6) ||
		    ipv6_addr_is_multicast(&addr->in6)) {
			NL_SET_ERR_MSG_ATTR(extack, a6, "not a unicast address");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * A Service's or a pod's address: unicast, and neither loopback nor
 * link-local, as the API server's validation of Service and endpoint IPs
 * insists (a packet to those never leaves the host, or the link).
 */
static int ksvc_parse_routable(struct nlattr *a4, struct nlattr *a6, u8 *family,
			       union nf_inet_addr *addr,
			       struct netlink_ext_ack *extack, struct nlattr *nest)
{
	int err = ksvc_parse_addr(a4, a6, family, addr, extack, nest);

	if (err)
		return err;
	if (*family == AF_INET ? ipv4_is_loopback(addr->ip) :
				 ipv6_addr_loopback(&addr->in6)) {
		NL_SET_ERR_MSG_ATTR(extack, a4 ? a4 : a6, "a loopback address");
		return -EINVAL;
	}
	if (*family == AF_INET ? ipv4_is_linklocal_169(addr->ip) :
	    ipv6_addr_type(&addr->in6) & IPV6_ADDR_LINKLOCAL) {
		NL_SET_ERR_MSG_ATTR(extack, a4 ? a4 : a6, "a link-local address");
		return -EINVAL;
	}
	return 0;
}

/* A prefix; the address is masked, so that lookups compare whole words. */
static int ksvc_parse_cidr(struct nlattr *nest, struct ksvc_cidr *c,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_CIDR_A_MAX + 1];
	int err, i;

	err = nla_parse_nested(tb, KSVC_CIDR_A_MAX, nest, ksvc_cidr_policy,
			       extack);
	if (err)
		return err;
	if (!tb[KSVC_CIDR_A_PREFIX]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a prefix needs a length");
		return -EINVAL;
	}
	memset(c, 0, sizeof(*c));
	if (!!tb[KSVC_CIDR_A_ADDR4] == !!tb[KSVC_CIDR_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "exactly one of an IPv4 and an IPv6 address is needed");
		return -EINVAL;
	}
	c->prefix = nla_get_u8(tb[KSVC_CIDR_A_PREFIX]);
	if (tb[KSVC_CIDR_A_ADDR4]) {
		c->family = AF_INET;
		if (c->prefix > 32) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_CIDR_A_PREFIX],
					    "IPv4 prefix length above 32");
			return -EINVAL;
		}
		c->addr.ip = nla_get_in_addr(tb[KSVC_CIDR_A_ADDR4]) &
			     (c->prefix ? htonl(~0U << (32 - c->prefix)) : 0);
	} else {
		c->family = AF_INET6;
		c->addr.in6 = nla_get_in6_addr(tb[KSVC_CIDR_A_ADDR6]);
		for (i = 0; i < 16; i++) {
			int bits = c->prefix - i * 8;

			if (bits <= 0)
				c->addr.in6.s6_addr[i] = 0;
			else if (bits < 8)
				c->addr.in6.s6_addr[i] &= 0xff << (8 - bits);
		}
	}
	return 0;
}

/* A nested list of prefixes into out[*n]; no list: out left as it was. */
static int ksvc_parse_cidrs(struct nlattr *list, struct ksvc_cidr *out,
			    u32 max, u32 *n, struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem, err;

	if (!list)
		return 0;
	*n = 0;
	nla_for_each_nested(a, list, rem) {
		if (*n == max) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many prefixes");
			return -E2BIG;
		}
		err = ksvc_parse_cidr(a, &out[*n], extack);
		if (err)
			return err;
		(*n)++;
	}
	return 0;
}

/* A Kubernetes name: a DNS label (RFC 1123), as the API server insists. */
static bool ksvc_dns_label(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > KSVC_NAME_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static int ksvc_parse_name(struct nlattr **tb, struct ksvc_name *key,
			   struct netlink_ext_ack *extack, struct nlattr *nest)
{
	memset(key, 0, sizeof(*key));
	if (!tb[KSVC_SVC_A_NAMESPACE] || !tb[KSVC_SVC_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service namespace and name are required");
		return -EINVAL;
	}
	nla_strscpy(key->ns, tb[KSVC_SVC_A_NAMESPACE], sizeof(key->ns));
	nla_strscpy(key->name, tb[KSVC_SVC_A_NAME], sizeof(key->name));
	if (!ksvc_dns_label(key->ns)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_SVC_A_NAMESPACE],
				    "namespace is not a DNS label");
		return -EINVAL;
	}
	if (!ksvc_dns_label(key->name)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_SVC_A_NAME],
				    "service name is not a DNS label");
		return -EINVAL;
	}
	return 0;
}

static int ksvc_parse_ports(struct ksvc_svc *svc, struct nlattr *list,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_PORT_A_MAX + 1];
	struct nlattr *a;
	u32 i = 0, j;
	int rem, err;

	nla_for_each_nested(a, list, rem) {
		struct ksvc_port *p = &svc->ports[i];

		err = nla_parse_nested(tb, KSVC_PORT_A_MAX, a, ksvc_port_policy,
				       extack);
		if (err)
			return err;
		if (!tb[KSVC_PORT_A_PROTO] || !tb[KSVC_PORT_A_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, a, "a port needs a protocol and a port number");
			return -EINVAL;
		}
		p->proto = nla_get_u8(tb[KSVC_PORT_A_PROTO]);
		if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP &&
		    p->proto != IPPROTO_SCTP) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_PORT_A_PROTO],
					    "protocol must be TCP, UDP or SCTP");
			return -EINVAL;
		}
		p->port = htons(nla_get_u16(tb[KSVC_PORT_A_PORT]));
		if (tb[KSVC_PORT_A_NODE_PORT])
			p->node_port = htons(nla_get_u16(tb[KSVC_PORT_A_NODE_PORT]));
		if (tb[KSVC_PORT_A_NAME])
			nla_strscpy(p->name, tb[KSVC_PORT_A_NAME], sizeof(p->name));
		for (j = 0; j < i; j++) {
			if (svc->ports[j].port == p->port &&
			    svc->ports[j].proto == p->proto) {
				NL_SET_ERR_MSG_ATTR(extack, a, "two ports with the same number and protocol");
				return -EINVAL;
			}
			if (p->node_port && svc->ports[j].node_port == p->node_port &&
			    svc->ports[j].proto == p->proto) {
				NL_SET_ERR_MSG_ATTR(extack, a, "two ports with the same node port and protocol");
				return -EINVAL;
			}
		}
		if (p->node_port) {
			struct ksvc_np *np = &svc->nps[svc->n_nps++];

			np->key.port = p->node_port;
			np->key.proto = p->proto;
			np->port_index = i;
		}
		i++;
	}
	return 0;
}

static int ksvc_parse_fes(struct ksvc_svc *svc, struct nlattr *list,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_FE_A_MAX + 1];
	union nf_inet_addr addr;
	struct nlattr *a;
	u32 n = 0, i, j;
	u8 family, kind, also;
	int rem, err;

	nla_for_each_nested(a, list, rem) {
		err = nla_parse_nested(tb, KSVC_FE_A_MAX, a, ksvc_fe_policy,
				       extack);
		if (err)
			return err;
		err = ksvc_parse_routable(tb[KSVC_FE_A_ADDR4], tb[KSVC_FE_A_ADDR6],
					  &family, &addr, extack, a);
		if (err)
			return err;
		kind = tb[KSVC_FE_A_KIND] ? nla_get_u8(tb[KSVC_FE_A_KIND]) :
					     KSVC_FE_CLUSTER_IP;
		also = tb[KSVC_FE_A_ALSO] ? nla_get_u8(tb[KSVC_FE_A_ALSO]) : 0;
		if (also & BIT(kind)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_FE_A_ALSO],
					    "a frontend's other kinds include its own");
			return -EINVAL;
		}
		for (i = 0; i < svc->n_ports; i++) {
			struct ksvc_fe *fe = &svc->fes[n * svc->n_ports + i];

			fe->key.addr = addr;
			fe->key.family = family;
			fe->key.port = svc->ports[i].port;
			fe->key.proto = svc->ports[i].proto;
			fe->port_index = i;
			fe->kind = kind;
			fe->also = also;
		}
		for (j = 0; j < n; j++) {
			if (svc->fes[j * svc->n_ports].key.family == family &&
			    nf_inet_addr_cmp(&svc->fes[j * svc->n_ports].key.addr,
					     &addr)) {
				NL_SET_ERR_MSG_ATTR(extack, a, "frontend address given twice");
				return -EINVAL;
			}
		}
		n++;
	}
	return 0;
}

static int ksvc_parse_eps(struct ksvc_svc *svc, struct nlattr *list,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_EP_A_MAX + 1];
	struct nlattr *a;
	int rem, err;

	u32 n0 = svc->n_eps;

	nla_for_each_nested(a, list, rem) {
		struct ksvc_ep *ep = &svc->eps[svc->n_eps];
		u8 pi;

		err = nla_parse_nested(tb, KSVC_EP_A_MAX, a, ksvc_ep_policy,
				       extack);
		if (err)
			goto err;
		if (!tb[KSVC_EP_A_PORT_INDEX] || !tb[KSVC_EP_A_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, a, "an endpoint needs a port index and a port");
			err = -EINVAL;
			goto err;
		}
		pi = nla_get_u8(tb[KSVC_EP_A_PORT_INDEX]);
		if (pi >= svc->n_ports) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_EP_A_PORT_INDEX],
					    "endpoint refers to a port the service does not have");
			err = -EINVAL;
			goto err;
		}
		memset(ep, 0, sizeof(*ep));
		err = ksvc_parse_routable(tb[KSVC_EP_A_ADDR4], tb[KSVC_EP_A_ADDR6],
					  &ep->family, &ep->addr, extack, a);
		if (err)
			goto err;
		ep->port_index = pi;
		ep->port = htons(nla_get_u16(tb[KSVC_EP_A_PORT]));
		if (tb[KSVC_EP_A_FLAGS])
			ep->flags = nla_get_u32(tb[KSVC_EP_A_FLAGS]);
		svc->n_eps++;
	}
	return 0;
err:
	/* An append that fails leaves what was staged before it. */
	svc->n_eps = n0;
	return err;
}

static u32 ksvc_count_nested(struct nlattr *list)
{
	struct nlattr *a;
	u32 n = 0;
	int rem;

	if (!list)
		return 0;
	nla_for_each_nested(a, list, rem)
		n++;
	return n;
}

/* A service from KSVC_A_SERVICE, built off to the side. */
static struct ksvc_svc *ksvc_parse_svc(struct nlattr **stb, struct nlattr *nest,
				       u32 max_eps, struct netlink_ext_ack *extack)
{
	u32 n_ports, n_addrs, n_eps, n_ranges;
	struct ksvc_svc *svc;
	struct ksvc_name key;
	int err;

	err = ksvc_parse_name(stb, &key, extack, nest);
	if (err)
		return ERR_PTR(err);
	n_ports = ksvc_count_nested(stb[KSVC_SVC_A_PORTS]);
	n_addrs = ksvc_count_nested(stb[KSVC_SVC_A_FRONTENDS]);
	n_eps = ksvc_count_nested(stb[KSVC_SVC_A_ENDPOINTS]);
	if (n_ports > KSVC_MAX_PORTS) {
		NL_SET_ERR_MSG_ATTR(extack, stb[KSVC_SVC_A_PORTS], "too many ports");
		return ERR_PTR(-E2BIG);
	}
	if (n_addrs && !n_ports) {
		NL_SET_ERR_MSG_ATTR(extack, stb[KSVC_SVC_A_FRONTENDS],
				    "a service with frontends needs at least one port");
		return ERR_PTR(-EINVAL);
	}
	if (n_addrs > KSVC_MAX_FRONTENDS) {
		NL_SET_ERR_MSG_ATTR(extack, stb[KSVC_SVC_A_FRONTENDS],
				    "too many frontends");
		return ERR_PTR(-E2BIG);
	}
	if (n_eps > max_eps) {
		NL_SET_ERR_MSG_ATTR(extack, stb[KSVC_SVC_A_ENDPOINTS],
				    "too many endpoints for the limit (ksvcctl config --max-endpoints)");
		return ERR_PTR(-ENOSPC);
	}
	n_ranges = ksvc_count_nested(stb[KSVC_SVC_A_SOURCE_RANGES]);
	if (n_ranges > KSVC_MAX_SOURCE_RANGES) {
		NL_SET_ERR_MSG_ATTR(extack, stb[KSVC_SVC_A_SOURCE_RANGES],
				    "too many prefixes");
		return ERR_PTR(-E2BIG);
	}
	svc = ksvc_svc_alloc(n_ports, n_addrs, n_eps);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	svc->key = key;
	svc->id = siphash(&key, sizeof(key), &ksvc_id_key);
	svc->affinity_timeout = KSVC_DEFAULT_AFFINITY_TIMEOUT;
	if (stb[KSVC_SVC_A_AFFINITY_TIMEOUT])
		svc->affinity_timeout = nla_get_u32(stb[KSVC_SVC_A_AFFINITY_TIMEOUT]);
	if (n_ranges) {
		svc->ranges = kcalloc(n_ranges, sizeof(*svc->ranges),
				      GFP_KERNEL_ACCOUNT);
		if (!svc->ranges) {
			err = -ENOMEM;
			goto err;
		}
		err = ksvc_parse_cidrs(stb[KSVC_SVC_A_SOURCE_RANGES], svc->ranges,
				       n_ranges, &svc->n_ranges, extack);
		if (err)
			goto err;
	}
	if (stb[KSVC_SVC_A_TYPE])
		svc->type = nla_get_u8(stb[KSVC_SVC_A_TYPE]);
	if (stb[KSVC_SVC_A_FLAGS])
		svc->flags = nla_get_u32(stb[KSVC_SVC_A_FLAGS]);
	if (stb[KSVC_SVC_A_ALGO])
		svc->algo = nla_get_u8(stb[KSVC_SVC_A_ALGO]);
	if (stb[KSVC_SVC_A_EXTERNAL_NAME]) {
		svc->external_name = nla_strdup(stb[KSVC_SVC_A_EXTERNAL_NAME],
						GFP_KERNEL_ACCOUNT);
		if (!svc->external_name) {
			err = -ENOMEM;
			goto err;
		}
	}
	if ((svc->type == KSVC_SVC_EXTERNAL_NAME ||
	     svc->type == KSVC_SVC_HEADLESS) && (n_addrs || n_eps)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "ExternalName and headless services are never routed: no frontends or endpoints");
		err = -EINVAL;
		goto err;
	}
	if (n_ports) {
		err = ksvc_parse_ports(svc, stb[KSVC_SVC_A_PORTS], extack);
		if (err)
			goto err;
	}
	if (n_addrs) {
		err = ksvc_parse_fes(svc, stb[KSVC_SVC_A_FRONTENDS], extack);
		if (err)
			goto err;
	}
	if (n_eps) {
		err = ksvc_parse_eps(svc, stb[KSVC_SVC_A_ENDPOINTS], extack);
		if (err)
			goto err;
	}
	return svc;
err:
	ksvc_svc_free(svc);
	return ERR_PTR(err);
}

/* ---- transactions ---- */

/*
 * A transaction whose owner sent nothing for this long (stopped, or
 * stuck) no longer blocks the namespace: the next writer drops it, and
 * its owner's next request finds no transaction.
 */
static unsigned int tx_idle_timeout = 60;
module_param(tx_idle_timeout, uint, 0644);
MODULE_PARM_DESC(tx_idle_timeout,
		 "seconds after which another writer may drop an idle transaction");

/* The open transaction of this socket, or -EBUSY if another one holds it. */
static int ksvc_tx_of(struct ksvc_net *kn, struct sk_buff *skb,
		      struct genl_info *info,
		      struct ksvc_tx **txp)
{
	struct ksvc_tx *tx = kn->tx;

	*txp = NULL;
	if (!tx)
		return 0;
	if (tx->portid == info->snd_portid &&
	    tx->sk == NETLINK_CB(skb).sk) {
		tx->last_used = jiffies;
		*txp = tx;
		return 0;
	}
	if (time_after(jiffies, tx->last_used +
		       (unsigned long)READ_ONCE(tx_idle_timeout) * HZ)) {
		pr_info("dropped a transaction idle for over %u s (port id %u)\n",
			READ_ONCE(tx_idle_timeout), tx->portid);
		WRITE_ONCE(kn->tx, NULL);
		ksvc_tx_free(tx);
		return 0;
	}
	NL_SET_ERR_MSG_MOD(info->extack,
			   "another process has a transaction open in this network namespace");
	return -EBUSY;
}

static int ksvc_stage(struct ksvc_net *kn, struct sk_buff *skb,
		      struct genl_info *info,
		      struct ksvc_change *c)
{
	struct ksvc_tx *tx;
	LIST_HEAD(one);
	int err;

	err = ksvc_tx_of(kn, skb, info, &tx);
	if (err)
		goto free;
	if (tx) {
		list_add_tail(&c->list, &tx->changes);
		tx->last = c;
		tx->n_changes++;
		return 0;
	}
	/* Outside a transaction: a change of its own, applied now. */
	err = ksvc_hooks_enable(kn);
	if (err)
		goto free;
	list_add_tail(&c->list, &one);
	err = ksvc_commit(kn, &one, false, info->extack);
	list_del(&c->list);
free:
	ksvc_svc_free(c->svc);
	kfree(c);
	return err;
}

static int ksvc_nl_svc_append(struct ksvc_net *kn, struct sk_buff *skb,
			      struct genl_info *info,
			      struct nlattr **stb, struct nlattr *nest)
{
	struct ksvc_name key;
	struct ksvc_svc *svc;
	struct ksvc_tx *tx;
	u32 n, i;
	int err;

	err = ksvc_parse_name(stb, &key, info->extack, nest);
	if (err)
		return err;
	err = ksvc_tx_of(kn, skb, info, &tx);
	if (err)
		return err;
	if (!tx || !tx->last || !tx->last->svc ||
	    memcmp(&tx->last->key, &key, sizeof(key))) {
		NL_SET_ERR_MSG_ATTR(info->extack, stb[KSVC_SVC_A_APPEND],
				    "append must follow the same service's add in one transaction");
		return -EINVAL;
	}
	for (i = 0; i <= KSVC_SVC_A_MAX; i++) {
		if (!stb[i] || i == KSVC_SVC_A_NAMESPACE || i == KSVC_SVC_A_NAME ||
		    i == KSVC_SVC_A_APPEND || i == KSVC_SVC_A_ENDPOINTS)
			continue;
		NL_SET_ERR_MSG_ATTR(info->extack, stb[i],
				    "append carries endpoints only");
		return -EINVAL;
	}
	svc = tx->last->svc;
	n = ksvc_count_nested(stb[KSVC_SVC_A_ENDPOINTS]);
	if (!n)
		return 0;
	/* Checked as they come, so a stream of appends cannot grow unbounded. */
	if ((u64)svc->n_eps + n > ksvc_cfg(kn)->max_endpoints) {
		NL_SET_ERR_MSG_ATTR(info->extack, stb[KSVC_SVC_A_ENDPOINTS],
				    "too many endpoints for the limit (ksvcctl config --max-endpoints)");
		return -ENOSPC;
	}
	err = ksvc_svc_grow_eps(svc, n);
	if (err)
		return err;
	return ksvc_parse_eps(svc, stb[KSVC_SVC_A_ENDPOINTS], info->extack);
}

static int ksvc_nl_svc_new(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct nlattr *stb[KSVC_SVC_A_MAX + 1];
	struct nlattr *nest;
	struct ksvc_change *c;
	struct ksvc_svc *svc;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KSVC_A_SERVICE))
		return -EINVAL;
	nest = info->attrs[KSVC_A_SERVICE];
	err = nla_parse_nested(stb, KSVC_SVC_A_MAX, nest, ksvc_svc_policy,
			       info->extack);
	if (err)
		return err;
	if (stb[KSVC_SVC_A_STATS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, stb[KSVC_SVC_A_STATS],
				    "counters cannot be set");
		return -EINVAL;
	}

	mutex_lock(&kn->lock);
	if (stb[KSVC_SVC_A_APPEND]) {
		err = ksvc_nl_svc_append(kn, skb, info, stb, nest);
		goto out;
	}
	svc = ksvc_parse_svc(stb, nest, ksvc_cfg(kn)->max_endpoints,
			     info->extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c) {
		ksvc_svc_free(svc);
		err = -ENOMEM;
		goto out;
	}
	c->key = svc->key;
	c->svc = svc;
	err = ksvc_stage(kn, skb, info, c);
out:
	mutex_unlock(&kn->lock);
	ksvc_ct_wait(kn);	/* the stale UDP flows of a change are gone */
	return err;
}

static int ksvc_nl_svc_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct nlattr *stb[KSVC_SVC_A_MAX + 1];
	struct ksvc_change *c;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KSVC_A_SERVICE))
		return -EINVAL;
	err = nla_parse_nested(stb, KSVC_SVC_A_MAX, info->attrs[KSVC_A_SERVICE],
			       ksvc_svc_policy, info->extack);
	if (err)
		return err;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	err = ksvc_parse_name(stb, &c->key, info->extack,
			      info->attrs[KSVC_A_SERVICE]);
	if (err) {
		kfree(c);
		return err;
	}
	mutex_lock(&kn->lock);
	err = ksvc_stage(kn, skb, info, c);
	mutex_unlock(&kn->lock);
	ksvc_ct_wait(kn);
	return err;
}

static int ksvc_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct ksvc_tx *tx;
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_tx_of(kn, skb, info, &tx);
	if (!err && tx) {
		NL_SET_ERR_MSG_MOD(info->extack, "flush inside a transaction: use a replace transaction");
		err = -EBUSY;
	}
	if (!err && rcu_access_pointer(kn->tbl))
		err = ksvc_net_flush(kn, info->extack);
	mutex_unlock(&kn->lock);
	ksvc_ct_wait(kn);
	return err;
}

static int ksvc_check_generation(struct ksvc_net *kn, struct genl_info *info)
{
	struct nlattr *a = info->attrs[KSVC_A_GENERATION];

	if (a && nla_get_u64(a) != kn->generation) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "the tables changed since that generation: dump again");
		return -ESTALE;
	}
	return 0;
}

static int ksvc_nl_tx_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct ksvc_tx *tx;
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_tx_of(kn, skb, info, &tx);
	if (!err && tx) {
		NL_SET_ERR_MSG_MOD(info->extack, "a transaction is already open on this socket");
		err = -EBUSY;
	}
	if (!err)
		err = ksvc_check_generation(kn, info);
	if (!err)
		err = ksvc_hooks_enable(kn);
	if (err)
		goto out;
	tx = kzalloc(sizeof(*tx), GFP_KERNEL_ACCOUNT);
	if (!tx) {
		err = -ENOMEM;
		goto out;
	}
	INIT_LIST_HEAD(&tx->changes);
	tx->portid = info->snd_portid;
	/* Held, so that no other socket can have its address meanwhile. */
	tx->sk = NETLINK_CB(skb).sk;
	sock_hold(tx->sk);
	tx->last_used = jiffies;
	if (info->attrs[KSVC_A_TX_FLAGS])
		tx->flags = nla_get_u32(info->attrs[KSVC_A_TX_FLAGS]);
	WRITE_ONCE(kn->tx, tx);
out:
	mutex_unlock(&kn->lock);
	return err;
}

static int ksvc_nl_tx_end(struct sk_buff *skb, struct genl_info *info,
			  bool commit)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct ksvc_tx *tx;
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_tx_of(kn, skb, info, &tx);
	if (!err && !tx) {
		NL_SET_ERR_MSG_MOD(info->extack, "no transaction is open on this socket");
		err = -ENOENT;
	}
	if (err)
		goto out;
	if (commit) {
		err = ksvc_check_generation(kn, info);
		if (!err)
			err = ksvc_commit(kn, &tx->changes,
					  tx->flags & KSVC_TX_F_REPLACE,
					  info->extack);
	}
	/* Committed or not, the transaction is over. */
	WRITE_ONCE(kn->tx, NULL);
	ksvc_tx_free(tx);
out:
	mutex_unlock(&kn->lock);
	if (commit)
		ksvc_ct_wait(kn);
	return err;
}

static int ksvc_nl_tx_commit(struct sk_buff *skb, struct genl_info *info)
{
	return ksvc_nl_tx_end(skb, info, true);
}

static int ksvc_nl_tx_abort(struct sk_buff *skb, struct genl_info *info)
{
	return ksvc_nl_tx_end(skb, info, false);
}

/* ---- configuration ---- */

static int ksvc_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct nlattr *tb[KSVC_CFG_A_MAX + 1];
	struct ksvc_cfg *cfg, *old;
	struct nlattr *a;
	int rem, err;

	if (GENL_REQ_ATTR_CHECK(info, KSVC_A_CONFIG))
		return -EINVAL;
	err = nla_parse_nested(tb, KSVC_CFG_A_MAX, info->attrs[KSVC_A_CONFIG],
			       ksvc_cfg_policy, info->extack);
	if (err)
		return err;

	mutex_lock(&kn->lock);
	old = rcu_dereference_protected(kn->cfg, lockdep_is_held(&kn->lock));
	cfg = kmemdup(ksvc_cfg(kn), sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg) {
		err = -ENOMEM;
		goto out;
	}
	if (tb[KSVC_CFG_A_NODE_NAME])
		nla_strscpy(cfg->node_name, tb[KSVC_CFG_A_NODE_NAME],
			    sizeof(cfg->node_name));
	if (tb[KSVC_CFG_A_NODEPORT_ADDRS] && tb[KSVC_CFG_A_NODEPORT_CIDRS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KSVC_CFG_A_NODEPORT_ADDRS],
				    "node port addresses or prefixes, not both");
		err = -EINVAL;
		goto out_free;
	}
	if (tb[KSVC_CFG_A_NODEPORT_ADDRS]) {
		struct ksvc_cidr *c;

		cfg->n_np_cidrs = 0;
		nla_for_each_nested(a, tb[KSVC_CFG_A_NODEPORT_ADDRS], rem) {
			if (cfg->n_np_cidrs == KSVC_MAX_NODEPORT_ADDRS) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "too many node port addresses");
				err = -E2BIG;
				goto out_free;
			}
			c = &cfg->np_cidrs[cfg->n_np_cidrs];
			err = ksvc_parse_addr(nla_type(a) == KSVC_CFG_A_ADDR4 ? a : NULL,
					      nla_type(a) == KSVC_CFG_A_ADDR6 ? a : NULL,
					      &c->family, &c->addr, info->extack, a);
			if (err)
				goto out_free;
			c->prefix = c->family == AF_INET ? 32 : 128;
			cfg->n_np_cidrs++;
		}
	}
	err = ksvc_parse_cidrs(tb[KSVC_CFG_A_SERVICE_CIDRS], cfg->svc_cidrs,
			       ARRAY_SIZE(cfg->svc_cidrs), &cfg->n_svc_cidrs,
			       info->extack) ?:
	      ksvc_parse_cidrs(tb[KSVC_CFG_A_NODEPORT_CIDRS], cfg->np_cidrs,
			       ARRAY_SIZE(cfg->np_cidrs), &cfg->n_np_cidrs,
			       info->extack) ?:
	      ksvc_parse_cidrs(tb[KSVC_CFG_A_LOCAL_CIDRS], cfg->local_cidrs,
			       ARRAY_SIZE(cfg->local_cidrs), &cfg->n_local_cidrs,
			       info->extack);
	if (err)
		goto out_free;
	if (tb[KSVC_CFG_A_LOCAL_IFACE_PREFIX])
		nla_strscpy(cfg->local_prefix, tb[KSVC_CFG_A_LOCAL_IFACE_PREFIX],
			    sizeof(cfg->local_prefix));
	if (tb[KSVC_CFG_A_LOCAL_BRIDGE])
		nla_strscpy(cfg->local_bridge, tb[KSVC_CFG_A_LOCAL_BRIDGE],
			    sizeof(cfg->local_bridge));
	if (!!cfg->n_local_cidrs + !!cfg->local_prefix[0] +
	    !!cfg->local_bridge[0] > 1) {
		/* As kube-proxy's --detect-local-mode: one way to tell. */
		NL_SET_ERR_MSG_MOD(info->extack,
				   "one local-traffic detector at a time: pod CIDRs, an interface prefix or a bridge");
		err = -EINVAL;
		goto out_free;
	}
	if (tb[KSVC_CFG_A_MASQUERADE_ALL])
		cfg->masquerade_all = nla_get_u8(tb[KSVC_CFG_A_MASQUERADE_ALL]);
	if (tb[KSVC_CFG_A_DROP_INVALID])
		cfg->drop_invalid = nla_get_u8(tb[KSVC_CFG_A_DROP_INVALID]);
	if (tb[KSVC_CFG_A_MAX_SERVICES])
		cfg->max_services = nla_get_u32(tb[KSVC_CFG_A_MAX_SERVICES]);
	if (tb[KSVC_CFG_A_MAX_ENDPOINTS])
		cfg->max_endpoints = nla_get_u32(tb[KSVC_CFG_A_MAX_ENDPOINTS]);
	if (tb[KSVC_CFG_A_MAX_AFFINITY])
		cfg->max_affinity = nla_get_u32(tb[KSVC_CFG_A_MAX_AFFINITY]);
	if (tb[KSVC_CFG_A_MAX_RESETS])
		cfg->max_resets = nla_get_u32(tb[KSVC_CFG_A_MAX_RESETS]);
	err = ksvc_hooks_enable(kn);
	if (err)
		goto out_free;
	rcu_assign_pointer(kn->cfg, cfg);
	kn->generation++;
	if (old)
		kfree_rcu(old, rcu);
	/* A lowered cap holds from now on, not as entries expire. */
	ksvc_aff_trim(kn, cfg->max_affinity);
	goto out;
out_free:
	kfree(cfg);
out:
	mutex_unlock(&kn->lock);
	return err;
}

static int ksvc_put_addr(struct sk_buff *msg, int a4, int a6, u8 family,
			 const union nf_inet_addr *addr)
{
	if (family == AF_INET)
		return nla_put_in_addr(msg, a4, addr->ip);
	return nla_put_in6_addr(msg, a6, &addr->in6);
}

static int ksvc_put_cidrs(struct sk_buff *msg, int list_type, int type,
			  const struct ksvc_cidr *c, u32 n)
{
	struct nlattr *list, *nest;
	u32 i;

	list = nla_nest_start(msg, list_type);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		nest = nla_nest_start(msg, type);
		if (!nest ||
		    ksvc_put_addr(msg, KSVC_CIDR_A_ADDR4, KSVC_CIDR_A_ADDR6,
				  c[i].family, &c[i].addr) ||
		    nla_put_u8(msg, KSVC_CIDR_A_PREFIX, c[i].prefix))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	nla_nest_end(msg, list);
	return 0;
}

static int ksvc_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	const struct ksvc_cfg *cfg;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	/* Room for the three lists full: 3 x 64 prefixes of 32 bytes, and more. */
	msg = nlmsg_new(8192, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksvc_genl_family, 0,
				KSVC_CMD_CONFIG_GET);
	if (!hdr)
		goto err;
	mutex_lock(&kn->lock);
	cfg = ksvc_cfg(kn);
	nest = nla_nest_start(msg, KSVC_A_CONFIG);
	if (!nest ||
	    nla_put_string(msg, KSVC_CFG_A_NODE_NAME, cfg->node_name) ||
	    nla_put_u8(msg, KSVC_CFG_A_DROP_INVALID, cfg->drop_invalid) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAX_SERVICES, cfg->max_services) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAX_ENDPOINTS, cfg->max_endpoints) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAX_AFFINITY, cfg->max_affinity) ||
	    nla_put_u32(msg, KSVC_CFG_A_AFFINITY_ENTRIES, ksvc_aff_count(kn)) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAX_RESETS, cfg->max_resets) ||
	    nla_put_string(msg, KSVC_CFG_A_LOCAL_IFACE_PREFIX, cfg->local_prefix) ||
	    nla_put_string(msg, KSVC_CFG_A_LOCAL_BRIDGE, cfg->local_bridge) ||
	    nla_put_u8(msg, KSVC_CFG_A_MASQUERADE_ALL, cfg->masquerade_all))
		goto err_unlock;
	if (ksvc_put_cidrs(msg, KSVC_CFG_A_NODEPORT_CIDRS, KSVC_CFG_A_CIDR,
			   cfg->np_cidrs, cfg->n_np_cidrs))
		goto err_unlock;
	if (ksvc_put_cidrs(msg, KSVC_CFG_A_SERVICE_CIDRS, KSVC_CFG_A_CIDR,
			   cfg->svc_cidrs, cfg->n_svc_cidrs))
		goto err_unlock;
	if (ksvc_put_cidrs(msg, KSVC_CFG_A_LOCAL_CIDRS, KSVC_CFG_A_CIDR,
			   cfg->local_cidrs, cfg->n_local_cidrs))
		goto err_unlock;
	nla_nest_end(msg, nest);
	mutex_unlock(&kn->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&kn->lock);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- info ---- */

static int ksvc_nl_info_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct ksvc_table *tbl;
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksvc_genl_family, 0,
				KSVC_CMD_INFO_GET);
	if (!hdr)
		goto err;
	mutex_lock(&kn->lock);
	tbl = rcu_dereference_protected(kn->tbl, lockdep_is_held(&kn->lock));
	if (nla_put_string(msg, KSVC_A_VERSION, KSVC_VERSION) ||
	    nla_put_u32(msg, KSVC_A_PROTO_VERSION, KSVC_GENL_VERSION) ||
	    nla_put_u64_64bit(msg, KSVC_A_GENERATION, kn->generation,
			      KSVC_A_PAD) ||
	    nla_put_u32(msg, KSVC_A_NUM_SERVICES, tbl ? tbl->n_svcs : 0) ||
	    nla_put_u32(msg, KSVC_A_NUM_ENDPOINTS, tbl ? tbl->n_eps : 0) ||
	    (kn->tx && nla_put_flag(msg, KSVC_A_TX_OPEN))) {
		mutex_unlock(&kn->lock);
		goto err;
	}
	mutex_unlock(&kn->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- dump ---- */

static int ksvc_put_stats(struct sk_buff *msg, int type, u64 conns, u64 rejects,
			  bool with_rejects)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	if (!nest ||
	    nla_put_u64_64bit(msg, KSVC_STATS_A_CONNS, conns, KSVC_STATS_A_PAD) ||
	    (with_rejects &&
	     nla_put_u64_64bit(msg, KSVC_STATS_A_REJECTS, rejects,
			       KSVC_STATS_A_PAD)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int ksvc_put_svc_head(struct sk_buff *msg, const struct ksvc_svc *svc)
{
	struct nlattr *list, *nest;
	u32 i;

	if (nla_put_u8(msg, KSVC_SVC_A_TYPE, svc->type) ||
	    nla_put_u32(msg, KSVC_SVC_A_FLAGS, svc->flags) ||
	    nla_put_u8(msg, KSVC_SVC_A_ALGO, svc->algo) ||
	    nla_put_u32(msg, KSVC_SVC_A_AFFINITY_TIMEOUT, svc->affinity_timeout) ||
	    (svc->n_ranges &&
	     ksvc_put_cidrs(msg, KSVC_SVC_A_SOURCE_RANGES, KSVC_SVC_A_SOURCE_RANGE,
			    svc->ranges, svc->n_ranges)) ||
	    (svc->external_name &&
	     nla_put_string(msg, KSVC_SVC_A_EXTERNAL_NAME, svc->external_name)) ||
	    ksvc_put_stats(msg, KSVC_SVC_A_STATS,
			   ksvc_ctr_read(svc->ctrs, KSVC_CTR_CONNS),
			   ksvc_ctr_read(svc->ctrs, KSVC_CTR_REJECTS), true))
		return -EMSGSIZE;
	list = nla_nest_start(msg, KSVC_SVC_A_PORTS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < svc->n_ports; i++) {
		const struct ksvc_port *p = &svc->ports[i];

		nest = nla_nest_start(msg, KSVC_SVC_A_PORT);
		if (!nest ||
		    nla_put_string(msg, KSVC_PORT_A_NAME, p->name) ||
		    nla_put_u8(msg, KSVC_PORT_A_PROTO, p->proto) ||
		    nla_put_u16(msg, KSVC_PORT_A_PORT, ntohs(p->port)) ||
		    (p->node_port &&
		     nla_put_u16(msg, KSVC_PORT_A_NODE_PORT, ntohs(p->node_port))))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	nla_nest_end(msg, list);
	list = nla_nest_start(msg, KSVC_SVC_A_FRONTENDS);
	if (!list)
		return -EMSGSIZE;
	/* One frontend per address: the entries repeat it for every port. */
	for (i = 0; svc->n_ports && i < svc->n_fes; i += svc->n_ports) {
		const struct ksvc_fe *fe = &svc->fes[i];

		nest = nla_nest_start(msg, KSVC_SVC_A_FRONTEND);
		if (!nest || nla_put_u8(msg, KSVC_FE_A_KIND, fe->kind) ||
		    ksvc_put_addr(msg, KSVC_FE_A_ADDR4, KSVC_FE_A_ADDR6,
				  fe->key.family, &fe->key.addr) ||
		    (fe->also && nla_put_u8(msg, KSVC_FE_A_ALSO, fe->also)))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	nla_nest_end(msg, list);
	return 0;
}

/* Put endpoints from *ep on, as many as fit; advances *ep. */
static int ksvc_put_eps(struct sk_buff *msg, const struct ksvc_svc *svc,
			u32 *ep_pos)
{
	struct nlattr *list, *nest;

	list = nla_nest_start(msg, KSVC_SVC_A_ENDPOINTS);
	if (!list)
		return -EMSGSIZE;
	for (; *ep_pos < svc->n_eps; (*ep_pos)++) {
		const struct ksvc_ep *ep = &svc->eps[*ep_pos];

		nest = nla_nest_start(msg, KSVC_SVC_A_ENDPOINT);
		if (!nest)
			break;
		if (ksvc_put_addr(msg, KSVC_EP_A_ADDR4, KSVC_EP_A_ADDR6,
				  ep->family, &ep->addr) ||
		    nla_put_u8(msg, KSVC_EP_A_PORT_INDEX, ep->port_index) ||
		    nla_put_u16(msg, KSVC_EP_A_PORT, ntohs(ep->port)) ||
		    nla_put_u32(msg, KSVC_EP_A_FLAGS, ep->flags) ||
		    ksvc_put_stats(msg, KSVC_EP_A_STATS,
				   ksvc_ctr_read(svc->ctrs,
						 KSVC_CTR_EP(*ep_pos)),
				   0, false)) {
			nla_nest_cancel(msg, nest);
			break;
		}
		nla_nest_end(msg, nest);
	}
	nla_nest_end(msg, list);
	return 0;
}

/*
 * One message for a service, or for the next part of its endpoints
 * (KSVC_SVC_A_APPEND) when they do not fit in one.  *pos: 0 before the
 * service's first message, then 1 + the endpoints sent so far.
 */
static int ksvc_dump_svc(struct sk_buff *msg, struct netlink_callback *cb,
			 const struct ksvc_svc *svc, u32 *pos)
{
	bool head = *pos == 0;
	u32 first = head ? 0 : *pos - 1;
	u32 ep_pos = first;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ksvc_genl_family, NLM_F_MULTI, KSVC_CMD_SVC_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(msg, KSVC_A_SERVICE);
	if (!nest ||
	    nla_put_string(msg, KSVC_SVC_A_NAMESPACE, svc->key.ns) ||
	    nla_put_string(msg, KSVC_SVC_A_NAME, svc->key.name) ||
	    (!head && nla_put_flag(msg, KSVC_SVC_A_APPEND)) ||
	    (head && ksvc_put_svc_head(msg, svc)) ||
	    ksvc_put_eps(msg, svc, &ep_pos))
		goto cancel;
	/* A continuation that carries no endpoint: try a fresh message. */
	if (!head && ep_pos == first)
		goto cancel;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	*pos = ep_pos + 1;
	return 0;
cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/*
 * cb->args: [0] the service to continue with (valid only while the
 * generation in [1] holds: nothing can change without bumping it), [2]
 * the position in it (see ksvc_dump_svc), [3] set once done.
 */
static int ksvc_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ksvc_net *kn = ksvc_pernet(sock_net(skb->sk));
	struct ksvc_svc *svc = NULL;
	struct ksvc_table *tbl;
	u32 pos;
	int err = 0;

	if (cb->args[3])
		return 0;
	mutex_lock(&kn->lock);
	tbl = rcu_dereference_protected(kn->tbl, lockdep_is_held(&kn->lock));
	cb->seq = kn->generation;
	if (!cb->args[1]) {
		cb->args[1] = kn->generation;
		if (tbl)
			svc = list_first_entry_or_null(&tbl->list,
						       struct ksvc_svc, list);
	} else if (cb->args[1] == kn->generation) {
		svc = (struct ksvc_svc *)cb->args[0];
	}
	/* else: changed under the dump; the check below flags it. */
	pos = cb->args[2];
	while (svc) {
		err = ksvc_dump_svc(skb, cb, svc, &pos);
		if (err)
			break;
		if (pos - 1 < svc->n_eps)
			continue;	/* more endpoints: next message */
		pos = 0;
		svc = list_is_last(&svc->list, &tbl->list) ? NULL :
			list_next_entry(svc, list);
	}
	cb->args[0] = (long)svc;
	cb->args[2] = pos;
	if (!svc) {
		cb->args[3] = 1;
		if (cb->args[1] != kn->generation) {
			/* Tell the reader, in a flagged empty message. */
			void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq,
						&ksvc_genl_family, NLM_F_MULTI,
						KSVC_CMD_SVC_GET);

			cb->prev_seq = cb->args[1];
			if (hdr) {
				genl_dump_check_consistent(cb, hdr);
				genlmsg_end(skb, hdr);
			}
		}
	}
	mutex_unlock(&kn->lock);
	if (err && skb->len == 0)
		return err;	/* one part does not fit in an empty message */
	return skb->len;
}

/*
 * Every change, and every read of the tables and the configuration, needs
 * CAP_NET_ADMIN in the user namespace that owns the network namespace
 * (GENL_UNS_ADMIN_PERM): a container runtime that owns its namespace may
 * configure and read it, nothing else may.  The dump shows every pod
 * address, node port and counter, which conntrack, iptables, nft and
 * IPVS all keep from unprivileged users.  Only INFO_GET is open: the
 * versions, the generation and two counts, so that "ksvcctl version"
 * works for anyone.
 */
static const struct genl_ops ksvc_genl_ops[] = {
	{
		.cmd = KSVC_CMD_INFO_GET,
		.doit = ksvc_nl_info_get,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
	},
	{
		.cmd = KSVC_CMD_CONFIG_SET,
		.doit = ksvc_nl_config_set,
		.policy = ksvc_cfg_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_CONFIG_GET,
		.doit = ksvc_nl_config_get,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_SVC_NEW,
		.doit = ksvc_nl_svc_new,
		.policy = ksvc_svc_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_SVC_DEL,
		.doit = ksvc_nl_svc_del,
		.policy = ksvc_svc_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_SVC_GET,
		.dumpit = ksvc_nl_svc_dump,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_FLUSH,
		.doit = ksvc_nl_flush,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_TX_BEGIN,
		.doit = ksvc_nl_tx_begin,
		.policy = ksvc_tx_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_TX_COMMIT,
		.doit = ksvc_nl_tx_commit,
		.policy = ksvc_tx_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_TX_ABORT,
		.doit = ksvc_nl_tx_abort,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family ksvc_genl_family __ro_after_init = {
	.name = KSVC_GENL_NAME,
	.version = KSVC_GENL_VERSION,
	.maxattr = KSVC_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.resv_start_op = 0,	/* strict validation of every operation */
	.ops = ksvc_genl_ops,
	.n_ops = ARRAY_SIZE(ksvc_genl_ops),
	.module = THIS_MODULE,
};

/*
 * A transaction belongs to the socket that opened it: when that socket
 * closes (the process died half-way), drop it, as nf_tables does.
 */
static int ksvc_nl_notify(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct netlink_notify *n = ptr;
	struct ksvc_net *kn;
	struct ksvc_tx *tx = NULL;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	kn = ksvc_pernet(n->net);
	/*
	 * Every generic netlink socket's close comes here: only one that
	 * may own the transaction takes the lock.  A transaction is set
	 * under the lock by a request of its socket, before that socket
	 * can close.
	 */
	if (!READ_ONCE(kn->tx))
		return NOTIFY_DONE;
	mutex_lock(&kn->lock);
	if (kn->tx && kn->tx->portid == n->portid) {
		tx = kn->tx;
		WRITE_ONCE(kn->tx, NULL);
	}
	mutex_unlock(&kn->lock);
	ksvc_tx_free(tx);
	return NOTIFY_DONE;
}

static struct notifier_block ksvc_nl_notifier = {
	.notifier_call = ksvc_nl_notify,
};

int __init ksvc_genl_init(void)
{
	int err;

	get_random_bytes(&ksvc_id_key, sizeof(ksvc_id_key));
	err = netlink_register_notifier(&ksvc_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&ksvc_genl_family);
	if (err)
		netlink_unregister_notifier(&ksvc_nl_notifier);
	return err;
}

void ksvc_genl_exit(void)
{
	genl_unregister_family(&ksvc_genl_family);
	netlink_unregister_notifier(&ksvc_nl_notifier);
}
