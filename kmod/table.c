// SPDX-License-Identifier: GPL-2.0
/*
 * The service table of one network namespace, as a data structure: a
 * service built off to the side (alloc, grow, finalize, free after a grace
 * period), and the table's lookups and mutators.  Which changes to make,
 * and in what order so that none can fail half-way, is commit.c's; every
 * mutator here asserts the namespace's lock it is given.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/ipv6.h>

#include "table.h"
#include "select.h"
#include "stats.h"

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

const struct rhashtable_params ksvc_cip_params = {
	.key_len = sizeof(struct ksvc_cip_key),
	.key_offset = offsetof(struct ksvc_cip, key),
	.head_offset = offsetof(struct ksvc_cip, node),
	.automatic_shrinking = true,
};

const struct rhashtable_params ksvc_svc_params = {
	.key_len = sizeof(struct ksvc_name),
	.key_offset = offsetof(struct ksvc_svc, key),
	.head_offset = offsetof(struct ksvc_svc, node),
	.automatic_shrinking = true,
};

/*
 * A new table, sized for about n_svcs services (0: the smallest), so that
 * a bulk load does not grow it step by step.
 */
struct ksvc_table *ksvc_table_new(u32 n_svcs)
{
	struct ksvc_table *tbl = kzalloc(sizeof(*tbl), GFP_KERNEL_ACCOUNT);
	struct rhashtable_params fe = ksvc_fe_params, svc = ksvc_svc_params;
	struct rhashtable_params cip = ksvc_cip_params;

	BUILD_BUG_ON(offsetof(struct ksvc_fe, node) ||
		     offsetof(struct ksvc_np, node) ||
		     offsetof(struct ksvc_cip, node));
	if (!tbl)
		return NULL;
	/* Most services have one cluster IP and one port. */
	fe.nelem_hint = min_t(u32, n_svcs, 1U << 20);
	svc.nelem_hint = fe.nelem_hint;
	cip.nelem_hint = fe.nelem_hint;
	if (rhashtable_init(&tbl->fes, &fe))
		goto err_fes;
	if (rhashtable_init(&tbl->nps, &ksvc_np_params))
		goto err_nps;
	if (rhashtable_init(&tbl->cips, &cip))
		goto err_cips;
	if (rhashtable_init(&tbl->svcs, &svc))
		goto err_svcs;
	INIT_LIST_HEAD(&tbl->list);
	return tbl;

err_svcs:
	rhashtable_destroy(&tbl->cips);
err_cips:
	rhashtable_destroy(&tbl->nps);
err_nps:
	rhashtable_destroy(&tbl->fes);
err_fes:
	kfree(tbl);
	return NULL;
}

static void ksvc_svc_free_now(struct ksvc_svc *svc)
{
	ksvc_ctrs_free(svc->ctrs);
	kvfree(svc->mag);
	kvfree(svc->eps);
	kvfree(svc->fes);
	kfree(svc->nps);
	kfree(svc->cips);
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
	rhashtable_destroy(&tbl->cips);
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
		/* Room for every address as a cluster IP; finalize counts. */
		svc->cips = kcalloc(n_addrs, sizeof(*svc->cips),
				    GFP_KERNEL_ACCOUNT);
		if (!svc->fes || !svc->cips)
			goto err;
	}
	svc->ctrs = ksvc_ctrs_alloc(0);
	if (!svc->ctrs)
		goto err;
	if (n_eps && ksvc_svc_grow_eps(svc, n_eps))
		goto err;
	return svc;
err:
	ksvc_svc_free_now(svc);
	return NULL;
}

#define KSVC_MAX_SVC_EPS (INT_MAX / sizeof(struct ksvc_ep))

/* Make room for more endpoints in a service that is not published yet. */
int ksvc_svc_grow_eps(struct ksvc_svc *svc, u32 more)
{
	struct ksvc_ctrs *ctrs;
	struct ksvc_ep *eps;
	u32 cap;

	if (WARN_ON_ONCE(svc->published))
		return -EINVAL;
	if ((u64)svc->n_eps + more > KSVC_MAX_SVC_EPS)
		return -E2BIG;
	if (svc->n_eps + more <= svc->cap_eps)
		return 0;
	/* Doubling, but never past what kvcalloc takes (INT_MAX bytes). */
	cap = max_t(u64, svc->n_eps + more,
		    min_t(u64, (u64)svc->cap_eps * 2, KSVC_MAX_SVC_EPS));
	eps = kvcalloc(cap, sizeof(*eps), GFP_KERNEL_ACCOUNT);
	if (!eps)
		return -ENOMEM;
	ctrs = ksvc_ctrs_grow(svc->ctrs, cap);
	if (IS_ERR(ctrs)) {
		kvfree(eps);
		return PTR_ERR(ctrs);
	}
	svc->ctrs = ctrs;
	if (svc->n_eps)
		memcpy(eps, svc->eps, svc->n_eps * sizeof(*eps));
	kvfree(svc->eps);
	svc->eps = eps;
	svc->cap_eps = cap;
	return 0;
}

/*
 * Ready a service for its table: its endpoints sorted and indexed per port
 * (select.c), the families its node ports serve, its cluster IPs.  Done
 * once, off the fast path.
 */
void ksvc_svc_finalize(struct ksvc_svc *svc)
{
	u32 i;

	ksvc_eps_index(svc);
	/*
	 * A node port serves the families the service has cluster IPs in, as
	 * kube-proxy's per-family proxiers do: IPv6 to the node port of an
	 * IPv4-only service is not the service's (a host socket may own it).
	 */
	svc->np_families = 0;
	svc->n_cips = 0;
	for (i = 0; i < svc->n_fes; i++) {
		const struct ksvc_fe *fe = &svc->fes[i];
		struct ksvc_cip *cip;

		if (fe->kind != KSVC_FE_CLUSTER_IP)
			continue;
		svc->np_families |= BIT(ksvc_fam(fe->key.family));
		/* One per address: the entries repeat it for every port. */
		if (i % svc->n_ports)
			continue;
		cip = &svc->cips[svc->n_cips++];
		memset(&cip->key, 0, sizeof(cip->key));
		cip->key.addr = fe->key.addr;
		cip->key.family = fe->key.family;
	}
	if (!svc->np_families)
		svc->np_families = BIT(0) | BIT(1);
}

struct ksvc_svc *ksvc_table_find(struct ksvc_table *tbl,
				 const struct ksvc_name *key)
{
	return rhashtable_lookup_fast(&tbl->svcs, key, ksvc_svc_params);
}

static size_t ksvc_n_fes(const struct ksvc_svc *svc)
{
	return svc->n_fes;
}

static void *ksvc_fe_entry(struct ksvc_svc *svc, u32 i)
{
	return &svc->fes[i];
}

static size_t ksvc_n_nps(const struct ksvc_svc *svc)
{
	return svc->n_nps;
}

static void *ksvc_np_entry(struct ksvc_svc *svc, u32 i)
{
	return &svc->nps[i];
}

static size_t ksvc_n_cips(const struct ksvc_svc *svc)
{
	return svc->n_cips;
}

static void *ksvc_cip_entry(struct ksvc_svc *svc, u32 i)
{
	return &svc->cips[i];
}

const struct ksvc_kind ksvc_kinds[KSVC_KINDS] = {
	{
		.params = &ksvc_fe_params,
		.size = sizeof(struct ksvc_fe),
		.key_off = offsetof(struct ksvc_fe, key),
		.key_len = sizeof(struct ksvc_fe_key),
		.svc_off = offsetof(struct ksvc_fe, svc),
		.count = ksvc_n_fes,
		.entry = ksvc_fe_entry,
	},
	{
		.params = &ksvc_np_params,
		.size = sizeof(struct ksvc_np),
		.key_off = offsetof(struct ksvc_np, key),
		.key_len = sizeof(struct ksvc_np_key),
		.svc_off = offsetof(struct ksvc_np, svc),
		.count = ksvc_n_nps,
		.entry = ksvc_np_entry,
	},
	{
		.params = &ksvc_cip_params,
		.size = sizeof(struct ksvc_cip),
		.key_off = offsetof(struct ksvc_cip, key),
		.key_len = sizeof(struct ksvc_cip_key),
		.svc_off = offsetof(struct ksvc_cip, svc),
		.count = ksvc_n_cips,
		.entry = ksvc_cip_entry,
	},
};

static struct rhashtable *ksvc_kind_ht(struct ksvc_table *tbl, int k)
{
	switch (k) {
	case 0:
		return &tbl->fes;
	case 1:
		return &tbl->nps;
	default:
		return &tbl->cips;
	}
}

const void *ksvc_entry_key(const struct ksvc_kind *kd, const void *e)
{
	return e + kd->key_off;
}

struct ksvc_svc **ksvc_entry_svc(const struct ksvc_kind *kd, void *e)
{
	return e + kd->svc_off;
}

static struct rhash_head *ksvc_entry_node(void *e)
{
	/* Every entry type starts with its rhash_head. */
	return e;
}

void *ksvc_entry_lookup(struct ksvc_table *tbl, int k, const void *key)
{
	return rhashtable_lookup_fast(ksvc_kind_ht(tbl, k), key,
				      *ksvc_kinds[k].params);
}

/*
 * The mutators.  Every change to a table is made with the namespace's lock
 * held, the table being built for a replace too: each asserts it (lock),
 * as the packet path and dumps read without it, under RCU.
 */
int ksvc_entry_insert(struct ksvc_table *tbl, int k, void *e, struct mutex *lock)
{
	lockdep_assert_held(lock);
	return rhashtable_insert_fast(ksvc_kind_ht(tbl, k), ksvc_entry_node(e),
				      *ksvc_kinds[k].params);
}

void ksvc_entry_remove(struct ksvc_table *tbl, int k, void *e, struct mutex *lock)
{
	lockdep_assert_held(lock);
	rhashtable_remove_fast(ksvc_kind_ht(tbl, k), ksvc_entry_node(e),
			       *ksvc_kinds[k].params);
}

/* cur is in the table: this cannot fail. */
void ksvc_entry_replace(struct ksvc_table *tbl, int k, void *cur,
			void *e, struct mutex *lock)
{
	lockdep_assert_held(lock);
	WARN_ON_ONCE(rhashtable_replace_fast(ksvc_kind_ht(tbl, k),
					     ksvc_entry_node(cur),
					     ksvc_entry_node(e),
					     *ksvc_kinds[k].params));
}

/* A new name's node, before its service is published (ksvc_table_link). */
int ksvc_name_insert(struct ksvc_table *tbl,
		     struct ksvc_svc *svc, struct mutex *lock)
{
	lockdep_assert_held(lock);
	return rhashtable_insert_fast(&tbl->svcs, &svc->node, ksvc_svc_params);
}

void ksvc_name_remove(struct ksvc_table *tbl,
		      struct ksvc_svc *svc, struct mutex *lock)
{
	lockdep_assert_held(lock);
	rhashtable_remove_fast(&tbl->svcs, &svc->node, ksvc_svc_params);
}

/* svc (its name inserted) joins the dump order. */
void ksvc_table_link(struct ksvc_table *tbl,
		     struct ksvc_svc *svc, struct mutex *lock)
{
	lockdep_assert_held(lock);
	list_add_tail(&svc->list, &tbl->list);
}

/* new takes old's name and place in the dump order; cannot fail. */
void ksvc_table_swap(struct ksvc_table *tbl, struct ksvc_svc *old,
		     struct ksvc_svc *new, struct mutex *lock)
{
	lockdep_assert_held(lock);
	WARN_ON_ONCE(rhashtable_replace_fast(&tbl->svcs, &old->node, &new->node,
					     ksvc_svc_params));
	list_replace_init(&old->list, &new->list);
}

void ksvc_table_unlink(struct ksvc_table *tbl,
		       struct ksvc_svc *old, struct mutex *lock)
{
	lockdep_assert_held(lock);
	rhashtable_remove_fast(&tbl->svcs, &old->node, ksvc_svc_params);
	list_del_init(&old->list);
}

void ksvc_table_count(struct ksvc_table *tbl, s64 d_svcs,
		      s64 d_eps, struct mutex *lock)
{
	lockdep_assert_held(lock);
	tbl->n_svcs += d_svcs;
	tbl->n_eps += d_eps;
}
