// SPDX-License-Identifier: GPL-2.0
/*
 * Attributes into ksvc structs and back: every policy of the family, the
 * parsing of a service (its ports, frontends, endpoints, ranges), and the
 * helpers that put addresses and prefixes into replies.
 */
#include <net/ipv6.h>

#include "maglev.h"
#include "netlink.h"
#include "table.h"

siphash_key_t ksvc_id_key __read_mostly;

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

const struct nla_policy ksvc_svc_policy[KSVC_SVC_A_MAX + 1] = {
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

const struct nla_policy ksvc_cfg_policy[KSVC_CFG_A_MAX + 1] = {
	[KSVC_CFG_A_NODE_NAME] = { .type = NLA_NUL_STRING,
				   .len = KSVC_NODE_NAME_MAX },
	[KSVC_CFG_A_ZONE] = { .type = NLA_NUL_STRING, .len = KSVC_NAME_MAX },
	[KSVC_CFG_A_EXTERNAL_IPS] = NLA_POLICY_MAX(NLA_U8, 1),
	/* u32 range beyond a policy's s16 bounds: checked by the handler */
	[KSVC_CFG_A_MAGLEV_SIZE] = { .type = NLA_U32 },
	[KSVC_CFG_A_MAGLEV_SEED] = { .type = NLA_U32 },
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
	[KSVC_CFG_A_NODE_IPS] = NLA_POLICY_NESTED(ksvc_addrs_policy),
	[KSVC_CFG_A_NODEPORT_PRIMARY] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* Operations that take no attributes: an empty policy rejects any. */
const struct nla_policy ksvc_none_policy[KSVC_A_MAX + 1] = {
};

const struct nla_policy ksvc_svc_op_policy[KSVC_A_MAX + 1] = {
	[KSVC_A_SERVICE] = NLA_POLICY_NESTED(ksvc_svc_policy),
};

const struct nla_policy ksvc_cfg_op_policy[KSVC_A_MAX + 1] = {
	[KSVC_A_CONFIG] = NLA_POLICY_NESTED(ksvc_cfg_policy),
};

const struct nla_policy ksvc_tx_op_policy[KSVC_A_MAX + 1] = {
	[KSVC_A_TX_FLAGS] = NLA_POLICY_MASK(NLA_U32, KSVC_TX_F_ALL),
	[KSVC_A_GENERATION] = { .type = NLA_U64 },
};

int ksvc_parse_addr(struct nlattr *a4, struct nlattr *a6, u8 *family,
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
int ksvc_parse_cidrs(struct nlattr *list, struct ksvc_cidr *out,
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

int ksvc_parse_name(struct nlattr **tb, struct ksvc_name *key,
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

int ksvc_parse_eps(struct ksvc_svc *svc, struct nlattr *list,
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

u32 ksvc_count_nested(struct nlattr *list)
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
struct ksvc_svc *ksvc_parse_svc(struct nlattr **stb, struct nlattr *nest,
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

int ksvc_put_addr(struct sk_buff *msg, int a4, int a6, u8 family,
		  const union nf_inet_addr *addr)
{
	if (family == AF_INET)
		return nla_put_in_addr(msg, a4, addr->ip);
	return nla_put_in6_addr(msg, a6, &addr->in6);
}

int ksvc_put_cidrs(struct sk_buff *msg, int list_type, int type,
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
