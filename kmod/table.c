// SPDX-License-Identifier: GPL-2.0
/*
 * The service tables of one network namespace: building services off to
 * the side, publishing them, replacing and removing them, and committing a
 * batch of changes (a transaction) incrementally or as a whole new table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/mm.h>
#include <net/ipv6.h>

#include "ksvc.h"

/* rhashtable hashes keys with jhash and a random seed per table. */
const struct rhashtable_params ksvc_fe_params = {
	.key_len = sizeof(struct ksvc_fe_key),
	.key_offset = offsetof(struct ksvc_fe, key),
	.head_offset = offsetof(struct ksvc_fe, node),
	.automatic_shrinking = true,
};

const struct rhashtable_params ksvc_np_params = {
	.key_len = sizeof(struct ksvc_np_key),
	.key_offset = offsetof(struct ksvc_np, key),
	.head_offset = offsetof(struct ksvc_np, node),
	.automatic_shrinking = true,
};

const struct rhashtable_params ksvc_svc_params = {
	.key_len = sizeof(struct ksvc_name),
	.key_offset = offsetof(struct ksvc_svc, key),
	.head_offset = offsetof(struct ksvc_svc, node),
	.automatic_shrinking = true,
};

struct ksvc_table *ksvc_table_new(void)
{
	struct ksvc_table *tbl = kzalloc(sizeof(*tbl), GFP_KERNEL_ACCOUNT);

	if (!tbl)
		return NULL;
	if (rhashtable_init(&tbl->fes, &ksvc_fe_params))
		goto err_fes;
	if (rhashtable_init(&tbl->nps, &ksvc_np_params))
		goto err_nps;
	if (rhashtable_init(&tbl->svcs, &ksvc_svc_params))
		goto err_svcs;
	INIT_LIST_HEAD(&tbl->list);
	return tbl;

err_svcs:
	rhashtable_destroy(&tbl->nps);
err_nps:
	rhashtable_destroy(&tbl->fes);
err_fes:
	kfree(tbl);
	return NULL;
}

static void ksvc_svc_free_now(struct ksvc_svc *svc)
{
	kvfree(svc->eps);
	kvfree(svc->fes);
	kfree(svc->nps);
	kfree(svc->ports);
	kfree(svc->ranges);
	kfree(svc->external_name);
	kfree(svc);
}

static void ksvc_svc_free_rcu(struct rcu_head *rcu)
{
	ksvc_svc_free_now(container_of(rcu, struct ksvc_svc, rcu));
}

/*
 * Free a service.  Once it has been in a table a packet may still be
 * looking at it, so it goes after a grace period.
 */
void ksvc_svc_free(struct ksvc_svc *svc)
{
	if (!svc)
		return;
	if (svc->published)
		call_rcu(&svc->rcu, ksvc_svc_free_rcu);
	else
		ksvc_svc_free_now(svc);
}

/*
 * Free a table no reader can reach any more (the caller waited for a grace
 * period after unpublishing it), with its services.
 */
void ksvc_table_free(struct ksvc_table *tbl)
{
	struct ksvc_svc *svc, *tmp;

	if (!tbl)
		return;
	list_for_each_entry_safe(svc, tmp, &tbl->list, list) {
		list_del(&svc->list);
		svc->published = false;
		ksvc_svc_free_now(svc);
	}
	rhashtable_destroy(&tbl->svcs);
	rhashtable_destroy(&tbl->nps);
	rhashtable_destroy(&tbl->fes);
	kfree(tbl);
}

struct ksvc_svc *ksvc_svc_alloc(u32 n_ports, u32 n_addrs, u32 n_eps)
{
	struct ksvc_svc *svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);

	if (!svc)
		return NULL;
	INIT_LIST_HEAD(&svc->list);
	svc->n_ports = n_ports;
	svc->n_fes = n_ports * n_addrs;
	if (n_ports) {
		svc->ports = kcalloc(n_ports, sizeof(*svc->ports),
				     GFP_KERNEL_ACCOUNT);
		svc->nps = kcalloc(n_ports, sizeof(*svc->nps),
				   GFP_KERNEL_ACCOUNT);
		if (!svc->ports || !svc->nps)
			goto err;
	}
	if (svc->n_fes) {
		svc->fes = kvcalloc(svc->n_fes, sizeof(*svc->fes),
				    GFP_KERNEL_ACCOUNT);
		if (!svc->fes)
			goto err;
	}
	if (n_eps && ksvc_svc_grow_eps(svc, n_eps))
		goto err;
	return svc;
err:
	ksvc_svc_free_now(svc);
	return NULL;
}

/* Make room for more endpoints in a service that is not published yet. */
int ksvc_svc_grow_eps(struct ksvc_svc *svc, u32 more)
{
	struct ksvc_ep *eps;
	u32 cap;

	if (WARN_ON_ONCE(svc->published))
		return -EINVAL;
	if (svc->n_eps + more <= svc->cap_eps)
		return 0;
	cap = max(svc->n_eps + more, svc->cap_eps * 2);
	eps = kvcalloc(cap, sizeof(*eps), GFP_KERNEL_ACCOUNT);
	if (!eps)
		return -ENOMEM;
	if (svc->n_eps)
		memcpy(eps, svc->eps, svc->n_eps * sizeof(*eps));
	kvfree(svc->eps);
	svc->eps = eps;
	svc->cap_eps = cap;
	return 0;
}

/* Ready first, then serving-and-terminating (the fallback), then the rest. */
static int ksvc_ep_class(const struct ksvc_ep *ep)
{
	if (ep->flags & KSVC_EP_F_READY)
		return 0;
	if ((ep->flags & KSVC_EP_F_SERVING) &&
	    (ep->flags & KSVC_EP_F_TERMINATING))
		return 1;
	return 2;
}

static int ksvc_ep_cmp(const void *a, const void *b)
{
	const struct ksvc_ep *x = a, *y = b;
	int r;

	if (x->port_index != y->port_index)
		return x->port_index < y->port_index ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	r = ksvc_ep_class(x) - ksvc_ep_class(y);
	if (r)
		return r;
	/* This node's endpoints first in each class. */
	r = !(x->flags & KSVC_EP_F_LOCAL) - !(y->flags & KSVC_EP_F_LOCAL);
	if (r)
		return r;
	r = memcmp(&x->addr, &y->addr, sizeof(x->addr));
	if (r)
		return r;
	return memcmp(&x->port, &y->port, sizeof(x->port));
}

/* Sort the endpoints and index them per port: done once, off the fast path. */
void ksvc_svc_finalize(struct ksvc_svc *svc)
{
	u32 i;

	sort(svc->eps, svc->n_eps, sizeof(*svc->eps), ksvc_ep_cmp, NULL);
	/*
	 * A node port serves the families the service has cluster IPs in, as
	 * kube-proxy's per-family proxiers do: IPv6 to the node port of an
	 * IPv4-only service is not the service's (a host socket may own it).
	 */
	svc->np_families = 0;
	for (i = 0; i < svc->n_fes; i++)
		if (svc->fes[i].kind == KSVC_FE_CLUSTER_IP)
			svc->np_families |= BIT(ksvc_fam(svc->fes[i].key.family));
	if (!svc->np_families)
		svc->np_families = BIT(0) | BIT(1);
	for (i = 0; i < svc->n_ports; i++)
		memset(svc->ports[i].fam, 0, sizeof(svc->ports[i].fam));
	for (i = svc->n_eps; i-- > 0;) {
		const struct ksvc_ep *ep = &svc->eps[i];
		struct ksvc_range *r;
		bool local = ep->flags & KSVC_EP_F_LOCAL;

		r = &svc->ports[ep->port_index].fam[ksvc_fam(ep->family)];
		r->start = i;
		switch (ksvc_ep_class(ep)) {
		case 0:
			r->n_ready++;
			r->n_ready_local += local;
			break;
		case 1:
			r->n_fallback++;
			r->n_fallback_local += local;
			break;
		}
	}
}

/*
 * The usable endpoints of a port in one family: the ready ones, or when
 * none is ready the serving and terminating ones (kube-proxy's rule); with
 * local_only (traffic policy Local), only this node's.
 */
u32 ksvc_usable(const struct ksvc_svc *svc, u8 port_index, u8 family,
		bool local_only, u32 *first)
{
	const struct ksvc_range *r = &svc->ports[port_index].fam[ksvc_fam(family)];
	u32 ready = local_only ? r->n_ready_local : r->n_ready;
	u32 fallback = local_only ? r->n_fallback_local : r->n_fallback;

	if (ready) {
		*first = r->start;
		return ready;
	}
	*first = r->start + r->n_ready;
	return fallback;
}

/*
 * The endpoint for a new connection, by the service's algorithm.  NULL:
 * none usable.  Called under RCU.
 */
const struct ksvc_ep *ksvc_pick(struct ksvc_svc *svc, u8 port_index, u8 family,
				bool local_only)
{
	u32 first, n, i;

	n = ksvc_usable(svc, port_index, family, local_only, &first);
	if (!n)
		return NULL;
	if (svc->algo == KSVC_ALGO_ROUND_ROBIN)
		i = (u32)atomic_inc_return(&svc->ports[port_index].rr) % n;
	else
		i = reciprocal_scale(get_random_u32(), n);
	return &svc->eps[first + i];
}

/* Is (addr, port) one of the endpoints ksvc_pick could choose now? */
const struct ksvc_ep *ksvc_find_usable(const struct ksvc_svc *svc, u8 port_index,
				       u8 family, bool local_only,
				       const union nf_inet_addr *addr, __be16 port)
{
	u32 first, n, i;

	n = ksvc_usable(svc, port_index, family, local_only, &first);
	for (i = first; i < first + n; i++)
		if (svc->eps[i].port == port &&
		    nf_inet_addr_cmp(&svc->eps[i].addr, addr))
			return &svc->eps[i];
	return NULL;
}

bool ksvc_cidr_match(const struct ksvc_cidr *c, u8 family,
		     const union nf_inet_addr *addr)
{
	union nf_inet_addr mask;

	if (c->family != family)
		return false;
	if (family == AF_INET) {
		mask.ip = c->prefix ? htonl(~0U << (32 - c->prefix)) : 0;
		return !((addr->ip ^ c->addr.ip) & mask.ip);
	}
	return ipv6_prefix_equal(&addr->in6, &c->addr.in6, c->prefix);
}

struct ksvc_svc *ksvc_table_find(struct ksvc_table *tbl,
				 const struct ksvc_name *key)
{
	return rhashtable_lookup_fast(&tbl->svcs, key, ksvc_svc_params);
}

/* Keep the counters of endpoints that survive a change of their service. */
static void ksvc_carry_counters(struct ksvc_svc *new, const struct ksvc_svc *old)
{
	u32 i, j;

	new->id = old->id;
	atomic64_set(&new->conns, atomic64_read(&old->conns));
	atomic64_set(&new->rejects, atomic64_read(&old->rejects));
	/* Both arrays are sorted the same way: walk them together. */
	for (i = 0, j = 0; i < new->n_eps && j < old->n_eps;) {
		int r = ksvc_ep_cmp(&new->eps[i], &old->eps[j]);

		if (r == 0) {
			atomic64_set(&new->eps[i].conns,
				     atomic64_read(&old->eps[j].conns));
			i++;
			j++;
		} else if (r < 0) {
			i++;
		} else {
			j++;
		}
	}
}

static const char *ksvc_proto_name(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	return "?";
}

void ksvc_format_addr(char *buf, size_t len, u8 family,
		      const union nf_inet_addr *addr)
{
	if (family == AF_INET6)
		snprintf(buf, len, "%pI6c", &addr->in6);
	else
		snprintf(buf, len, "%pI4", &addr->ip);
}

/* Check that every frontend and node port of svc is free or already its own. */
static int ksvc_check_claims(struct ksvc_table *tbl, struct ksvc_svc *svc,
			     struct ksvc_svc *old, struct netlink_ext_ack *extack)
{
	struct ksvc_fe *cur;
	struct ksvc_np *np;
	u32 i;

	for (i = 0; i < svc->n_fes; i++) {
		cur = rhashtable_lookup_fast(&tbl->fes, &svc->fes[i].key,
					     ksvc_fe_params);
		if (cur && cur->svc != old) {
			char addr[48];

			ksvc_format_addr(addr, sizeof(addr), cur->key.family,
					 &cur->key.addr);
			KSVC_ERR_FMT(extack, "frontend belongs to another service", "frontend %s port %u/%s belongs to %s/%s",
				     addr,
				     ntohs(cur->key.port),
				     ksvc_proto_name(cur->key.proto),
				     cur->svc->key.ns, cur->svc->key.name);
			return -EEXIST;
		}
	}
	for (i = 0; i < svc->n_nps; i++) {
		np = rhashtable_lookup_fast(&tbl->nps, &svc->nps[i].key,
					    ksvc_np_params);
		if (np && np->svc != old) {
			KSVC_ERR_FMT(extack, "node port belongs to another service", "node port %u/%s belongs to %s/%s",
				     ntohs(np->key.port),
				     ksvc_proto_name(np->key.proto),
				     np->svc->key.ns, np->svc->key.name);
			return -EEXIST;
		}
	}
	return 0;
}

/*
 * Put svc in the table, in place of the service of the same name if there
 * is one (returned in *oldp, still allocated: the caller frees it with
 * ksvc_svc_free or puts it back).  Each frontend is swapped in one step,
 * so a packet for an address the service keeps always finds a service.
 * On error the table is as it was.
 */
int ksvc_table_upsert(struct ksvc_table *tbl, struct ksvc_svc *svc,
		      struct ksvc_svc **oldp, struct netlink_ext_ack *extack)
{
	struct ksvc_svc *old;
	u32 i, nf = 0, nn = 0;
	struct ksvc_fe **fe_repl;
	struct ksvc_np **np_repl;
	int err;

	old = ksvc_table_find(tbl, &svc->key);
	*oldp = old;
	err = ksvc_check_claims(tbl, svc, old, extack);
	if (err)
		return err;

	/* What each new entry replaced, to put it back on failure. */
	fe_repl = kcalloc(svc->n_fes + 1, sizeof(*fe_repl), GFP_KERNEL);
	np_repl = kcalloc(svc->n_nps + 1, sizeof(*np_repl), GFP_KERNEL);
	if (!fe_repl || !np_repl) {
		err = -ENOMEM;
		goto out;
	}

	for (i = 0; i < svc->n_fes; i++)
		svc->fes[i].svc = svc;
	for (i = 0; i < svc->n_nps; i++)
		svc->nps[i].svc = svc;
	if (old) {
		ksvc_carry_counters(svc, old);
		err = rhashtable_replace_fast(&tbl->svcs, &old->node,
					      &svc->node, ksvc_svc_params);
	} else {
		err = rhashtable_insert_fast(&tbl->svcs, &svc->node,
					     ksvc_svc_params);
	}
	if (err)
		goto out;
	svc->published = true;

	for (nf = 0; nf < svc->n_fes; nf++) {
		struct ksvc_fe *fe = &svc->fes[nf];
		struct ksvc_fe *cur = rhashtable_lookup_fast(&tbl->fes, &fe->key,
							     ksvc_fe_params);

		if (cur) {
			err = rhashtable_replace_fast(&tbl->fes, &cur->node,
						      &fe->node, ksvc_fe_params);
			fe_repl[nf] = cur;
		} else {
			err = rhashtable_insert_fast(&tbl->fes, &fe->node,
						     ksvc_fe_params);
		}
		if (err)
			goto undo;
	}
	for (nn = 0; nn < svc->n_nps; nn++) {
		struct ksvc_np *np = &svc->nps[nn];
		struct ksvc_np *cur = rhashtable_lookup_fast(&tbl->nps, &np->key,
							     ksvc_np_params);

		if (cur) {
			err = rhashtable_replace_fast(&tbl->nps, &cur->node,
						      &np->node, ksvc_np_params);
			np_repl[nn] = cur;
		} else {
			err = rhashtable_insert_fast(&tbl->nps, &np->node,
						     ksvc_np_params);
		}
		if (err)
			goto undo;
	}

	/* What the old service had and the new one does not: remove it. */
	if (old) {
		for (i = 0; i < old->n_fes; i++) {
			struct ksvc_fe *fe = &old->fes[i];

			if (rhashtable_lookup_fast(&tbl->fes, &fe->key,
						   ksvc_fe_params) == fe)
				rhashtable_remove_fast(&tbl->fes, &fe->node,
						       ksvc_fe_params);
		}
		for (i = 0; i < old->n_nps; i++) {
			struct ksvc_np *np = &old->nps[i];

			if (rhashtable_lookup_fast(&tbl->nps, &np->key,
						   ksvc_np_params) == np)
				rhashtable_remove_fast(&tbl->nps, &np->node,
						       ksvc_np_params);
		}
		list_replace(&old->list, &svc->list);
		tbl->n_eps -= old->n_eps;
	} else {
		list_add_tail(&svc->list, &tbl->list);
		tbl->n_svcs++;
	}
	tbl->n_eps += svc->n_eps;
	kfree(np_repl);
	kfree(fe_repl);
	return 0;

undo:
	/* Put back exactly what was there: the old entries or nothing. */
	while (nn-- > 0) {
		struct ksvc_np *np = &svc->nps[nn];

		if (np_repl[nn])
			rhashtable_replace_fast(&tbl->nps, &np->node,
						&np_repl[nn]->node,
						ksvc_np_params);
		else
			rhashtable_remove_fast(&tbl->nps, &np->node,
					       ksvc_np_params);
	}
	while (nf-- > 0) {
		struct ksvc_fe *fe = &svc->fes[nf];

		if (fe_repl[nf])
			rhashtable_replace_fast(&tbl->fes, &fe->node,
						&fe_repl[nf]->node,
						ksvc_fe_params);
		else
			rhashtable_remove_fast(&tbl->fes, &fe->node,
					       ksvc_fe_params);
	}
	if (old)
		rhashtable_replace_fast(&tbl->svcs, &svc->node, &old->node,
					ksvc_svc_params);
	else
		rhashtable_remove_fast(&tbl->svcs, &svc->node, ksvc_svc_params);
out:
	kfree(np_repl);
	kfree(fe_repl);
	return err;
}

/* Take svc out of the table; the caller frees it (after a grace period). */
void ksvc_table_remove(struct ksvc_table *tbl, struct ksvc_svc *svc)
{
	u32 i;

	for (i = 0; i < svc->n_fes; i++)
		rhashtable_remove_fast(&tbl->fes, &svc->fes[i].node,
				       ksvc_fe_params);
	for (i = 0; i < svc->n_nps; i++)
		rhashtable_remove_fast(&tbl->nps, &svc->nps[i].node,
				       ksvc_np_params);
	rhashtable_remove_fast(&tbl->svcs, &svc->node, ksvc_svc_params);
	list_del_init(&svc->list);
	tbl->n_svcs--;
	tbl->n_eps -= svc->n_eps;
}

void ksvc_tx_free(struct ksvc_tx *tx)
{
	struct ksvc_change *c, *tmp;

	if (!tx)
		return;
	list_for_each_entry_safe(c, tmp, &tx->changes, list) {
		list_del(&c->list);
		ksvc_svc_free(c->svc);
		kfree(c);
	}
	kfree(tx);
}

static int ksvc_check_limits(const struct ksvc_table *tbl,
			     const struct ksvc_cfg *cfg,
			     struct netlink_ext_ack *extack)
{
	if (tbl->n_svcs > cfg->max_services) {
		KSVC_ERR_FMT(extack, "too many services (ksvcctl config --max-services)", "too many services: limit %u (ksvcctl config --max-services)",
			     cfg->max_services);
		return -ENOSPC;
	}
	if (tbl->n_eps > cfg->max_endpoints) {
		KSVC_ERR_FMT(extack, "too many endpoints (ksvcctl config --max-endpoints)", "too many endpoints: limit %u (ksvcctl config --max-endpoints)",
			     cfg->max_endpoints);
		return -ENOSPC;
	}
	return 0;
}

static bool ksvc_svc_has_udp(const struct ksvc_svc *svc)
{
	u32 i;

	for (i = 0; svc && i < svc->n_ports; i++)
		if (svc->ports[i].proto == IPPROTO_UDP)
			return true;
	return false;
}

/* Build a whole new table from the changes; swap it in only if all fit. */
static int ksvc_commit_replace(struct ksvc_net *kn, struct list_head *changes,
			       const struct ksvc_cfg *cfg,
			       struct netlink_ext_ack *extack)
{
	struct ksvc_table *new, *old;
	struct ksvc_change *c;
	struct ksvc_svc *dup;
	int err = 0;

	new = ksvc_table_new();
	if (!new) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for a new table; the old one stays");
		return -ENOMEM;
	}
	list_for_each_entry(c, changes, list) {
		if (!c->svc) {
			NL_SET_ERR_MSG_MOD(extack, "a replace transaction cannot delete services");
			err = -EINVAL;
			break;
		}
		if (ksvc_table_find(new, &c->svc->key)) {
			KSVC_ERR_FMT(extack, "a service given twice", "service %s/%s given twice",
				     c->key.ns, c->key.name);
			err = -EEXIST;
			break;
		}
		ksvc_svc_finalize(c->svc);
		err = ksvc_table_upsert(new, c->svc, &dup, extack);
		if (err)
			break;
		c->svc = NULL;	/* the table owns it now */
		err = ksvc_check_limits(new, cfg, extack);
		if (err)
			break;
	}
	if (err) {
		/* Never published to readers: no grace period needed. */
		ksvc_table_free(new);
		return err;
	}
	old = rcu_dereference_protected(kn->tbl, lockdep_is_held(&kn->lock));
	rcu_assign_pointer(kn->tbl, new);
	synchronize_net();
	ksvc_table_free(old);
	return 0;
}

/* Undo one applied change of an incremental commit. */
static void ksvc_undo(struct ksvc_table *tbl, struct ksvc_change *c)
{
	struct ksvc_svc *cur;

	if (c->old)
		ksvc_table_upsert(tbl, c->old, &cur, NULL);
	else if (c->svc)
		ksvc_table_remove(tbl, c->svc);
	c->old = NULL;	/* back in the table */
}

/*
 * Apply the changes one by one to the live table.  Each service changes
 * atomically; if one change fails, the ones before it are undone, so the
 * table ends as it was.
 */
static int ksvc_commit_incremental(struct ksvc_net *kn,
				   struct list_head *changes,
				   const struct ksvc_cfg *cfg,
				   struct netlink_ext_ack *extack)
{
	struct ksvc_table *tbl;
	struct ksvc_change *c;
	int err = 0;

	tbl = rcu_dereference_protected(kn->tbl, lockdep_is_held(&kn->lock));
	list_for_each_entry(c, changes, list) {
		if (c->svc) {
			ksvc_svc_finalize(c->svc);
			err = ksvc_table_upsert(tbl, c->svc, &c->old, extack);
			if (!err) {
				err = ksvc_check_limits(tbl, cfg, extack);
				if (err)
					ksvc_undo(tbl, c);
			}
		} else {
			c->old = ksvc_table_find(tbl, &c->key);
			if (c->old) {
				ksvc_table_remove(tbl, c->old);
			} else {
				KSVC_ERR_FMT(extack, "service does not exist", "service %s/%s does not exist",
					     c->key.ns, c->key.name);
				err = -ENOENT;
			}
		}
		if (err)
			break;
	}
	if (err) {
		/* Newest first; the change that failed was not applied. */
		list_for_each_entry_continue_reverse(c, changes, list)
			ksvc_undo(tbl, c);
		return err;
	}
	list_for_each_entry(c, changes, list) {
		ksvc_svc_free(c->old);
		c->old = NULL;
		c->svc = NULL;	/* the table owns it now */
	}
	return 0;
}

/*
 * Apply a batch of changes (each with a staged service, or NULL to delete)
 * under kn->lock.  On success the changes' services belong to the table
 * (or are freed); on failure the tables are as they were and the caller
 * frees the changes.
 */
int ksvc_commit(struct ksvc_net *kn, struct list_head *changes, bool replace,
		struct netlink_ext_ack *extack)
{
	const struct ksvc_cfg *cfg;
	struct ksvc_change *c;
	bool udp = false;
	int err;

	lockdep_assert_held(&kn->lock);
	cfg = ksvc_cfg(kn);
	list_for_each_entry(c, changes, list)
		udp |= ksvc_svc_has_udp(c->svc);
	if (replace)
		err = ksvc_commit_replace(kn, changes, cfg, extack);
	else
		err = ksvc_commit_incremental(kn, changes, cfg, extack);
	if (err)
		return err;
	kn->generation++;
	if (udp || replace)
		ksvc_ct_cleanup(kn);
	return 0;
}

/* An empty table swapped in: it is allocated, so it can fail (-ENOMEM). */
int ksvc_net_flush(struct ksvc_net *kn, struct netlink_ext_ack *extack)
{
	LIST_HEAD(none);

	lockdep_assert_held(&kn->lock);
	return ksvc_commit(kn, &none, true, extack);
}
