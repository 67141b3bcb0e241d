// SPDX-License-Identifier: GPL-2.0
/* The node configuration, read and set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "nl_int.h"

/* ---- configuration ---- */

static int ks_nl_config_parse(struct nl_msg *msg, void *arg)
{
	struct ks_config *cfg = arg;
	struct nlattr *tb[KSVC_A_MAX + 1], *ctb[KSVC_CFG_A_MAX + 1];
	struct nlattr *a;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSVC_A_MAX, NULL) < 0 ||
	    !tb[KSVC_A_CONFIG] ||
	    nla_parse_nested(ctb, KSVC_CFG_A_MAX, tb[KSVC_A_CONFIG], NULL) < 0)
		return NL_SKIP;
	if (ctb[KSVC_CFG_A_NODE_NAME])
		snprintf(cfg->node_name, sizeof(cfg->node_name), "%s",
			 nla_get_string(ctb[KSVC_CFG_A_NODE_NAME]));
	if (ctb[KSVC_CFG_A_ZONE])
		snprintf(cfg->zone, sizeof(cfg->zone), "%s",
			 nla_get_string(ctb[KSVC_CFG_A_ZONE]));
	cfg->external_ips = !ctb[KSVC_CFG_A_EXTERNAL_IPS] ||
			    nla_get_u8(ctb[KSVC_CFG_A_EXTERNAL_IPS]);
	if (ctb[KSVC_CFG_A_MAGLEV_SIZE])
		cfg->maglev_size = nla_get_u32(ctb[KSVC_CFG_A_MAGLEV_SIZE]);
	if (ctb[KSVC_CFG_A_MAGLEV_SEED]) {
		cfg->maglev_seed = nla_get_u32(ctb[KSVC_CFG_A_MAGLEV_SEED]);
		cfg->set_maglev_seed = 1;
	}
	if (ctb[KSVC_CFG_A_DROP_INVALID])
		cfg->drop_invalid = nla_get_u8(ctb[KSVC_CFG_A_DROP_INVALID]);
	if (ctb[KSVC_CFG_A_MAX_SERVICES])
		cfg->max_services = nla_get_u32(ctb[KSVC_CFG_A_MAX_SERVICES]);
	if (ctb[KSVC_CFG_A_MAX_ENDPOINTS])
		cfg->max_endpoints = nla_get_u32(ctb[KSVC_CFG_A_MAX_ENDPOINTS]);
	if (ctb[KSVC_CFG_A_MAX_AFFINITY])
		cfg->max_affinity = nla_get_u32(ctb[KSVC_CFG_A_MAX_AFFINITY]);
	if (ctb[KSVC_CFG_A_AFFINITY_ENTRIES])
		cfg->affinity_entries = nla_get_u32(ctb[KSVC_CFG_A_AFFINITY_ENTRIES]);
	if (ctb[KSVC_CFG_A_MAX_RESETS])
		cfg->max_resets = nla_get_u32(ctb[KSVC_CFG_A_MAX_RESETS]);
	if (ctb[KSVC_CFG_A_LOCAL_IFACE_PREFIX])
		snprintf(cfg->local_prefix, sizeof(cfg->local_prefix), "%s",
			 nla_get_string(ctb[KSVC_CFG_A_LOCAL_IFACE_PREFIX]));
	if (ctb[KSVC_CFG_A_LOCAL_BRIDGE])
		snprintf(cfg->local_bridge, sizeof(cfg->local_bridge), "%s",
			 nla_get_string(ctb[KSVC_CFG_A_LOCAL_BRIDGE]));
	if (ctb[KSVC_CFG_A_MASQUERADE_ALL])
		cfg->masquerade_all = nla_get_u8(ctb[KSVC_CFG_A_MASQUERADE_ALL]);
	if (ctb[KSVC_CFG_A_LOCAL_CIDRS])
		nla_for_each_nested(a, ctb[KSVC_CFG_A_LOCAL_CIDRS], rem) {
			if (cfg->n_local_cidrs == KSVC_MAX_LOCAL_CIDRS)
				break;
			ks_nl_get_cidr(a, &cfg->local_cidrs[cfg->n_local_cidrs++]);
		}
	if (ctb[KSVC_CFG_A_SERVICE_CIDRS])
		nla_for_each_nested(a, ctb[KSVC_CFG_A_SERVICE_CIDRS], rem) {
			if (cfg->n_svc_cidrs == KSVC_MAX_LOCAL_CIDRS)
				break;
			ks_nl_get_cidr(a, &cfg->svc_cidrs[cfg->n_svc_cidrs++]);
		}
	if (ctb[KSVC_CFG_A_NODEPORT_PRIMARY])
		cfg->np_primary = nla_get_u8(ctb[KSVC_CFG_A_NODEPORT_PRIMARY]);
	if (ctb[KSVC_CFG_A_NODE_IPS])
		nla_for_each_nested(a, ctb[KSVC_CFG_A_NODE_IPS], rem) {
			if (cfg->n_node_ips == 2)
				break;
			ks_nl_get_addr(nla_type(a) == KSVC_CFG_A_ADDR4 ? a : NULL,
				    nla_type(a) == KSVC_CFG_A_ADDR6 ? a : NULL,
				    &cfg->node_ips[cfg->n_node_ips++]);
		}
	if (ctb[KSVC_CFG_A_NODEPORT_CIDRS])
		nla_for_each_nested(a, ctb[KSVC_CFG_A_NODEPORT_CIDRS], rem) {
			if (cfg->n_np_cidrs == KSVC_MAX_NODEPORT_ADDRS)
				break;
			ks_nl_get_cidr(a, &cfg->np_cidrs[cfg->n_np_cidrs++]);
		}
	return NL_OK;
}

int ks_nl_config_get(struct ks_nl *nl, struct ks_config *cfg)
{
	struct nl_msg *msg = ks_nl_msg_new(nl, KSVC_CMD_CONFIG_GET, 0);

	memset(cfg, 0, sizeof(*cfg));
	/* What an older module does not report stays unknown. */
	cfg->max_resets = -1;
	cfg->affinity_entries = -1;
	cfg->masquerade_all = -1;
	cfg->np_primary = -1;
	cfg->external_ips = 1;
	if (!msg)
		return -ENOMEM;
	return ks_nl_send(nl, msg, ks_nl_config_parse, cfg);
}

int ks_nl_config_set(struct ks_nl *nl, const struct ks_config *cfg)
{
	struct nl_msg *msg = ks_nl_msg_new(nl, KSVC_CMD_CONFIG_SET, 0);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	nest = ks_nl_nest(msg, KSVC_A_CONFIG);
	if (!nest ||
	    (cfg->set_node_name &&
	     nla_put_string(msg, KSVC_CFG_A_NODE_NAME, cfg->node_name)) ||
	    (cfg->set_zone && nla_put_string(msg, KSVC_CFG_A_ZONE, cfg->zone)) ||
	    (cfg->set_external_ips &&
	     nla_put_u8(msg, KSVC_CFG_A_EXTERNAL_IPS, !!cfg->external_ips)) ||
	    (cfg->maglev_size &&
	     nla_put_u32(msg, KSVC_CFG_A_MAGLEV_SIZE, cfg->maglev_size)) ||
	    (cfg->set_maglev_seed &&
	     nla_put_u32(msg, KSVC_CFG_A_MAGLEV_SEED, cfg->maglev_seed)) ||
	    (cfg->drop_invalid >= 0 &&
	     nla_put_u8(msg, KSVC_CFG_A_DROP_INVALID, cfg->drop_invalid)) ||
	    (cfg->max_services &&
	     nla_put_u32(msg, KSVC_CFG_A_MAX_SERVICES, cfg->max_services)) ||
	    (cfg->max_endpoints &&
	     nla_put_u32(msg, KSVC_CFG_A_MAX_ENDPOINTS, cfg->max_endpoints)) ||
	    (cfg->max_affinity &&
	     nla_put_u32(msg, KSVC_CFG_A_MAX_AFFINITY, cfg->max_affinity)) ||
	    (cfg->max_resets >= 0 &&
	     nla_put_u32(msg, KSVC_CFG_A_MAX_RESETS, (uint32_t)cfg->max_resets)) ||
	    (cfg->set_local_prefix &&
	     nla_put_string(msg, KSVC_CFG_A_LOCAL_IFACE_PREFIX, cfg->local_prefix)) ||
	    (cfg->set_local_bridge &&
	     nla_put_string(msg, KSVC_CFG_A_LOCAL_BRIDGE, cfg->local_bridge)) ||
	    (cfg->masquerade_all >= 0 &&
	     nla_put_u8(msg, KSVC_CFG_A_MASQUERADE_ALL, (uint8_t)cfg->masquerade_all)) ||
	    (cfg->np_primary >= 0 &&
	     nla_put_u8(msg, KSVC_CFG_A_NODEPORT_PRIMARY, (uint8_t)cfg->np_primary)))
		goto err;
	if (cfg->set_node_ips) {
		struct nlattr *list = ks_nl_nest(msg, KSVC_CFG_A_NODE_IPS);
		size_t i;

		if (!list)
			goto err;
		for (i = 0; i < cfg->n_node_ips; i++)
			if (ks_nl_put_addr(msg, KSVC_CFG_A_ADDR4, KSVC_CFG_A_ADDR6,
					&cfg->node_ips[i]))
				goto err;
		/* None is a setting too. */
		nla_nest_end_keep_empty(msg, list);
	}
	if (cfg->set_local_cidrs &&
	    ks_nl_put_cidrs(msg, KSVC_CFG_A_LOCAL_CIDRS, KSVC_CFG_A_CIDR,
			 cfg->local_cidrs, cfg->n_local_cidrs))
		goto err;
	if (cfg->set_svc_cidrs &&
	    ks_nl_put_cidrs(msg, KSVC_CFG_A_SERVICE_CIDRS, KSVC_CFG_A_CIDR,
			 cfg->svc_cidrs, cfg->n_svc_cidrs))
		goto err;
	if (cfg->set_np_cidrs &&
	    ks_nl_put_cidrs(msg, KSVC_CFG_A_NODEPORT_CIDRS, KSVC_CFG_A_CIDR,
			 cfg->np_cidrs, cfg->n_np_cidrs))
		goto err;
	nla_nest_end(msg, nest);
	return ks_nl_send(nl, msg, NULL, NULL);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
