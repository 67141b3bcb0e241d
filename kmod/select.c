// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoint selection, a leaf that nat.c and affinity.c call: a service's
 * endpoints in the order that makes each port's usable set one slice of
 * the array (ready, this node's first; then serving and terminating; then
 * the rest), the usable set with kube-proxy's fallback and the Local
 * subset, and the pick of the service's algorithm (random or round robin).
 */
#include <linux/random.h>
#include <linux/sort.h>
#include "select.h"
#include "maglev.h"

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

/*
 * Where an endpoint goes in its class: this node's first; among the ready
 * ones, this node's hinted elsewhere before its others, and the other
 * nodes' hinted elsewhere last (see struct ksvc_range).
 */
static int ksvc_ep_place(const struct ksvc_ep *ep)
{
	bool local = ep->flags & KSVC_EP_F_LOCAL;
	bool away = ep->flags & KSVC_EP_F_ELSEWHERE;

	if (ksvc_ep_class(ep))
		return !local;
	return local ? !away : 2 + away;
}

/* The endpoints' order: by port, family, class, place, address. */
int ksvc_ep_cmp(const void *a, const void *b)
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
	r = ksvc_ep_place(x) - ksvc_ep_place(y);
	if (r)
		return r;
	r = memcmp(&x->addr, &y->addr, sizeof(x->addr));
	if (r)
		return r;
	return memcmp(&x->port, &y->port, sizeof(x->port));
}

/* Sort the endpoints and index each port's slice per family. */
void ksvc_eps_index(struct ksvc_svc *svc)
{
	u32 i;

	sort(svc->eps, svc->n_eps, sizeof(*svc->eps), ksvc_ep_cmp, NULL);
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
			if (!(ep->flags & KSVC_EP_F_ELSEWHERE))
				r->n_ready_here++;
			else if (local)
				r->n_ready_away++;
			break;
		case 1:
			r->n_fallback++;
			r->n_fallback_local += local;
			break;
		}
	}
}

/*
 * The usable endpoints of a port in one family: the ready ones (for the
 * Cluster policy, those the topology hints leave to this node), or when
 * none is ready the serving and terminating ones (kube-proxy's rule); with
 * local_only (traffic policy Local), only this node's.
 */
u32 ksvc_usable(const struct ksvc_svc *svc, u8 port_index, u8 family,
		bool local_only, u32 *first)
{
	const struct ksvc_range *r = &svc->ports[port_index].fam[ksvc_fam(family)];
	u32 fallback = local_only ? r->n_fallback_local : r->n_fallback;

	if (local_only && r->n_ready_local) {
		*first = r->start;
		return r->n_ready_local;
	}
	if (!local_only && r->n_ready_here) {
		*first = r->start + r->n_ready_away;
		return r->n_ready_here;
	}
	/* Hints that leave this node nothing ready are no hints. */
	if (!local_only && r->n_ready) {
		*first = r->start;
		return r->n_ready;
	}
	*first = r->start + r->n_ready;
	return fallback;
}

/*
 * The endpoint for a new connection, by the service's algorithm (Maglev
 * hashes t, the connection's original tuple; without one, or for a Local
 * set, it picks at random).  NULL: none usable.  Called under RCU.
 */
const struct ksvc_ep *ksvc_pick(struct ksvc_svc *svc, u8 port_index, u8 family,
				bool local_only, const struct nf_conntrack_tuple *t)
{
	const struct ksvc_ep *ep;
	u32 first, n, i;

	n = ksvc_usable(svc, port_index, family, local_only, &first);
	if (!n)
		return NULL;
	if (svc->algo == KSVC_ALGO_MAGLEV && !local_only && t) {
		ep = ksvc_maglev_pick(svc, port_index, family, first, t);
		if (ep)
			return ep;
	}
	if (svc->algo == KSVC_ALGO_ROUND_ROBIN) {
		atomic_t *rr = &svc->ports[port_index].rr[ksvc_fam(family)][local_only];

		i = (u32)atomic_inc_return(rr) % n;
	} else {
		i = reciprocal_scale(get_random_u32(), n);
	}
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

/* Do two versions of a port use the same endpoints in one family? */
bool ksvc_same_usable(const struct ksvc_svc *new, u32 pi,
		      const struct ksvc_svc *old, int f)
{
	const struct ksvc_range *a = &new->ports[pi].fam[f];
	const struct ksvc_range *b = &old->ports[pi].fam[f];
	u32 k, n = a->n_ready + a->n_fallback;

	if (a->n_ready != b->n_ready || a->n_ready_local != b->n_ready_local ||
	    a->n_ready_away != b->n_ready_away ||
	    a->n_ready_here != b->n_ready_here ||
	    a->n_fallback != b->n_fallback ||
	    a->n_fallback_local != b->n_fallback_local)
		return false;
	for (k = 0; k < n; k++)
		if (ksvc_ep_cmp(&new->eps[a->start + k], &old->eps[b->start + k]) ||
		    new->eps[a->start + k].flags != old->eps[b->start + k].flags)
			return false;
	return true;
}
