// SPDX-License-Identifier: GPL-2.0
/*
 * The node configuration of a namespace (set, get) and the family's info.
 */

#include <net/ipv6.h>

#include "affinity.h"
#include "maglev.h"
#include "netlink.h"

/* The node IPs: at most one address of each family. */
static int ksvc_parse_node_ips(struct nlattr *list, struct ksvc_cfg *cfg,
			       struct netlink_ext_ack *extack)
{
	union nf_inet_addr addr;
	struct nlattr *a;
	int rem, err;
	u8 family;

	cfg->node_ip_fams = 0;
	memset(cfg->node_ip, 0, sizeof(cfg->node_ip));
	nla_for_each_nested(a, list, rem) {
		err = ksvc_parse_addr(nla_type(a) == KSVC_CFG_A_ADDR4 ? a : NULL,
				      nla_type(a) == KSVC_CFG_A_ADDR6 ? a : NULL,
				      &family, &addr, extack, a);
		if (err)
			return err;
		if (family == AF_INET6 ? ipv6_addr_loopback(&addr.in6) :
		    ipv4_is_loopback(addr.ip)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "a node IP is not loopback");
			return -EINVAL;
		}
		if (cfg->node_ip_fams & BIT(ksvc_fam(family))) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "one node IP of each family: the primary one");
			return -EINVAL;
		}
		cfg->node_ip_fams |= BIT(ksvc_fam(family));
		cfg->node_ip[ksvc_fam(family)] = addr;
	}
	return 0;
}

/*
 * The Maglev settings: a prime table size; neither may change while a
 * Maglev service exists (its tables were built with them, and every node
 * must agree).  Under kn->lock.
 */
static int ksvc_cfg_maglev(struct ksvc_net *kn, struct ksvc_cfg *cfg,
			   struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct ksvc_table *tbl = rcu_dereference_protected(kn->tbl,
							   lockdep_is_held(&kn->lock));
	const struct ksvc_cfg *old = ksvc_cfg(kn);
	struct ksvc_svc *svc;

	if (tb[KSVC_CFG_A_MAGLEV_SIZE]) {
		cfg->maglev_size = nla_get_u32(tb[KSVC_CFG_A_MAGLEV_SIZE]);
		if (!ksvc_maglev_size_ok(cfg->maglev_size)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_CFG_A_MAGLEV_SIZE],
					    "the Maglev table size must be a prime in 251..65521");
			return -EINVAL;
		}
	}
	if (tb[KSVC_CFG_A_MAGLEV_SEED])
		cfg->maglev_seed = nla_get_u32(tb[KSVC_CFG_A_MAGLEV_SEED]);
	if (cfg->maglev_size == old->maglev_size &&
	    cfg->maglev_seed == old->maglev_seed)
		return 0;
	if (tbl)
		list_for_each_entry(svc, &tbl->list, list)
			if (svc->algo == KSVC_ALGO_MAGLEV) {
				NL_SET_ERR_MSG_MOD(extack,
						   "the Maglev settings cannot change while a Maglev service exists");
				return -EBUSY;
			}
	return 0;
}

/* The node port addresses: a list of addresses, prefixes, or primary. */
static int ksvc_cfg_nodeport(struct ksvc_cfg *cfg, struct nlattr **tb,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem, err;
	u32 i;

	if (tb[KSVC_CFG_A_NODEPORT_ADDRS] && tb[KSVC_CFG_A_NODEPORT_CIDRS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_CFG_A_NODEPORT_ADDRS],
				    "node port addresses or prefixes, not both");
		return -EINVAL;
	}
	if (tb[KSVC_CFG_A_NODEPORT_ADDRS]) {
		struct ksvc_cidr *c;

		cfg->n_np_cidrs = 0;
		nla_for_each_nested(a, tb[KSVC_CFG_A_NODEPORT_ADDRS], rem) {
			if (cfg->n_np_cidrs == KSVC_MAX_NODEPORT_ADDRS) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "too many node port addresses");
				return -E2BIG;
			}
			c = &cfg->np_cidrs[cfg->n_np_cidrs];
			err = ksvc_parse_addr(nla_type(a) == KSVC_CFG_A_ADDR4 ? a : NULL,
					      nla_type(a) == KSVC_CFG_A_ADDR6 ? a : NULL,
					      &c->family, &c->addr, extack, a);
			if (err)
				return err;
			c->prefix = c->family == AF_INET ? 32 : 128;
			cfg->n_np_cidrs++;
		}
	}
	err = ksvc_parse_cidrs(tb[KSVC_CFG_A_NODEPORT_CIDRS], cfg->np_cidrs,
			       ARRAY_SIZE(cfg->np_cidrs), &cfg->n_np_cidrs,
			       extack);
	if (err)
		return err;
	cfg->np_cidr_fams = 0;
	for (i = 0; i < cfg->n_np_cidrs; i++)
		cfg->np_cidr_fams |= BIT(ksvc_fam(cfg->np_cidrs[i].family));
	if (tb[KSVC_CFG_A_NODEPORT_PRIMARY])
		cfg->np_primary = nla_get_u8(tb[KSVC_CFG_A_NODEPORT_PRIMARY]);
	else if (tb[KSVC_CFG_A_NODEPORT_CIDRS] || tb[KSVC_CFG_A_NODEPORT_ADDRS])
		cfg->np_primary = false;	/* a new list replaces primary */
	if (cfg->np_primary && cfg->n_np_cidrs) {
		/* As kube-proxy's validation: "primary" stands alone. */
		NL_SET_ERR_MSG_MOD(extack,
				   "node-port addresses: primary or prefixes, not both");
		return -EINVAL;
	}
	return 0;
}

/* How to tell a pod's traffic: pod CIDRs, an interface prefix or a bridge. */
static int ksvc_cfg_local(struct ksvc_cfg *cfg, struct nlattr **tb,
			  struct netlink_ext_ack *extack)
{
	int err;

	err = ksvc_parse_cidrs(tb[KSVC_CFG_A_LOCAL_CIDRS], cfg->local_cidrs,
			       ARRAY_SIZE(cfg->local_cidrs), &cfg->n_local_cidrs,
			       extack);
	if (err)
		return err;
	if (tb[KSVC_CFG_A_LOCAL_IFACE_PREFIX]) {
		nla_strscpy(cfg->local_prefix, tb[KSVC_CFG_A_LOCAL_IFACE_PREFIX],
			    sizeof(cfg->local_prefix));
		cfg->local_prefix_len = strlen(cfg->local_prefix);
	}
	if (tb[KSVC_CFG_A_LOCAL_BRIDGE])
		nla_strscpy(cfg->local_bridge, tb[KSVC_CFG_A_LOCAL_BRIDGE],
			    sizeof(cfg->local_bridge));
	if (!!cfg->n_local_cidrs + !!cfg->local_prefix[0] +
	    !!cfg->local_bridge[0] > 1) {
		/* As kube-proxy's --detect-local-mode: one way to tell. */
		NL_SET_ERR_MSG_MOD(extack,
				   "one local-traffic detector at a time: pod CIDRs, an interface prefix or a bridge");
		return -EINVAL;
	}
	return 0;
}

/* The request's changes onto cfg, a copy of the live configuration. */
static int ksvc_cfg_parse(struct ksvc_net *kn, struct ksvc_cfg *cfg,
			  struct nlattr **tb, struct netlink_ext_ack *extack)
{
	int err;

	if (tb[KSVC_CFG_A_NODE_NAME])
		nla_strscpy(cfg->node_name, tb[KSVC_CFG_A_NODE_NAME],
			    sizeof(cfg->node_name));
	if (tb[KSVC_CFG_A_ZONE])
		nla_strscpy(cfg->zone, tb[KSVC_CFG_A_ZONE], sizeof(cfg->zone));
	if (tb[KSVC_CFG_A_EXTERNAL_IPS])
		cfg->external_ips = nla_get_u8(tb[KSVC_CFG_A_EXTERNAL_IPS]);
	err = ksvc_parse_cidrs(tb[KSVC_CFG_A_SERVICE_CIDRS], cfg->svc_cidrs,
			       ARRAY_SIZE(cfg->svc_cidrs), &cfg->n_svc_cidrs,
			       extack) ?:
	      ksvc_cfg_nodeport(cfg, tb, extack);
	if (err)
		return err;
	if (tb[KSVC_CFG_A_NODE_IPS]) {
		err = ksvc_parse_node_ips(tb[KSVC_CFG_A_NODE_IPS], cfg, extack);
		if (err)
			return err;
	}
	err = ksvc_cfg_local(cfg, tb, extack);
	if (err)
		return err;
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
	return ksvc_cfg_maglev(kn, cfg, tb, extack);
}

int ksvc_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct nlattr *tb[KSVC_CFG_A_MAX + 1];
	struct ksvc_cfg *cfg, *old;
	int err;

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
	err = ksvc_cfg_parse(kn, cfg, tb, info->extack) ?:
	      ksvc_net_activate(kn);
	if (err) {
		kfree(cfg);
		goto out;
	}
	rcu_assign_pointer(kn->cfg, cfg);
	kn->generation++;
	if (old)
		kfree_rcu(old, rcu);
	/* A lowered cap holds from now on, not as entries expire. */
	ksvc_aff_trim(kn, cfg->max_affinity);
out:
	mutex_unlock(&kn->lock);
	return err;
}

static int ksvc_put_node_ips(struct sk_buff *msg, const struct ksvc_cfg *cfg)
{
	struct nlattr *list = nla_nest_start(msg, KSVC_CFG_A_NODE_IPS);

	if (!list ||
	    ((cfg->node_ip_fams & BIT(0)) &&
	     nla_put_in_addr(msg, KSVC_CFG_A_ADDR4, cfg->node_ip[0].ip)) ||
	    ((cfg->node_ip_fams & BIT(1)) &&
	     nla_put_in6_addr(msg, KSVC_CFG_A_ADDR6, &cfg->node_ip[1].in6)))
		return -EMSGSIZE;
	nla_nest_end(msg, list);
	return 0;
}

int ksvc_nl_config_get(struct sk_buff *skb, struct genl_info *info)
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
	    nla_put_string(msg, KSVC_CFG_A_ZONE, cfg->zone) ||
	    nla_put_u8(msg, KSVC_CFG_A_EXTERNAL_IPS, cfg->external_ips) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAGLEV_SIZE, cfg->maglev_size) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAGLEV_SEED, cfg->maglev_seed) ||
	    nla_put_u8(msg, KSVC_CFG_A_DROP_INVALID, cfg->drop_invalid) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAX_SERVICES, cfg->max_services) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAX_ENDPOINTS, cfg->max_endpoints) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAX_AFFINITY, cfg->max_affinity) ||
	    nla_put_u32(msg, KSVC_CFG_A_AFFINITY_ENTRIES, ksvc_aff_count(kn)) ||
	    nla_put_u32(msg, KSVC_CFG_A_MAX_RESETS, cfg->max_resets) ||
	    nla_put_string(msg, KSVC_CFG_A_LOCAL_IFACE_PREFIX, cfg->local_prefix) ||
	    nla_put_string(msg, KSVC_CFG_A_LOCAL_BRIDGE, cfg->local_bridge) ||
	    nla_put_u8(msg, KSVC_CFG_A_MASQUERADE_ALL, cfg->masquerade_all) ||
	    nla_put_u8(msg, KSVC_CFG_A_NODEPORT_PRIMARY, cfg->np_primary) ||
	    ksvc_put_node_ips(msg, cfg))
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

int ksvc_nl_info_get(struct sk_buff *skb, struct genl_info *info)
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
