// SPDX-License-Identifier: GPL-2.0
/*
 * The dump of services and their endpoints, resumable over several
 * messages and marked interrupted when the tables change under it.
 */
#include <net/sock.h>

#include "netlink.h"
#include "stats.h"

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
 * Where a dump goes on in its next message, kept in cb->ctx: the service
 * to continue with, valid only while the generation it started at holds
 * (nothing changes without bumping it), and the position in it (see
 * ksvc_dump_svc).
 */
struct ksvc_dump_cursor {
	struct ksvc_svc *svc;
	u64 generation;
	u32 pos;
	bool started, done;
};

static struct ksvc_dump_cursor *ksvc_dump_cursor(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct ksvc_dump_cursor) > sizeof(cb->ctx));
	return (struct ksvc_dump_cursor *)cb->ctx;
}

int ksvc_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ksvc_net *kn = ksvc_pernet(sock_net(skb->sk));
	struct ksvc_dump_cursor *cur = ksvc_dump_cursor(cb);
	struct ksvc_svc *svc = NULL;
	struct ksvc_table *tbl;
	u32 pos;
	int err = 0;

	if (cur->done)
		return 0;
	mutex_lock(&kn->lock);
	tbl = rcu_dereference_protected(kn->tbl, lockdep_is_held(&kn->lock));
	cb->seq = kn->generation;
	if (!cur->started) {
		cur->started = true;
		cur->generation = kn->generation;
		if (tbl)
			svc = list_first_entry_or_null(&tbl->list,
						       struct ksvc_svc, list);
	} else if (cur->generation == kn->generation) {
		svc = cur->svc;
	}
	/* else: changed under the dump; the check below flags it. */
	pos = cur->pos;
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
	cur->svc = svc;
	cur->pos = pos;
	if (!svc) {
		cur->done = true;
		if (cur->generation != kn->generation) {
			/* Tell the reader, in a flagged empty message. */
			void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq,
						&ksvc_genl_family, NLM_F_MULTI,
						KSVC_CMD_SVC_GET);

			cb->prev_seq = cur->generation;
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
