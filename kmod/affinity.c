// SPDX-License-Identifier: GPL-2.0
/*
 * sessionAffinity ClientIP: new connections from one client address go to
 * the endpoint its last connection went to, while that was less than the
 * service's timeout ago and the endpoint is still usable.
 *
 * One rhashtable per namespace, keyed by (service id, port, client).  The
 * packet path looks entries up under RCU and adds them with GFP_ATOMIC
 * (charged to the sender's memory cgroup when a task of the node sends,
 * in LOCAL_OUT; softirq allocations have no task to charge); an entry is
 * never edited in place but replaced, and freed after a grace period.
 *
 * Client addresses are cheap to spoof, so the table has a cap per
 * namespace (ksvcctl config --max-affinity) and, when full, makes room as
 * xt_recent does for kube-proxy's iptables mode: the least recently used
 * entry goes, so a flood cannot keep new clients from stickiness for the
 * whole timeout.  Entries are on a list in order of last use.  Every
 * insertion, removal and move takes kn->aff_lock, so the list, the table
 * and kn->aff_count agree: an entry is on the list exactly while it is in
 * the table (a lookup may still hold one just unlinked, under RCU; its
 * lru is then empty).
 *
 * A delayed work drops expired entries.  The timeout is the service's
 * current one, so a change of the affinity settings takes effect at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/jiffies.h>

#include "affinity.h"
#include "select.h"

#define KSVC_AFF_GC_INTERVAL	(30 * HZ)
#define KSVC_AFF_TRIM_BATCH	256

struct ksvc_aff_key {
	u64 svc_id;
	union nf_inet_addr client;
	u8 port_index;
	u8 family;
	u8 pad[6];
};

struct ksvc_aff {
	struct rhash_head node;
	struct list_head lru;		/* kn->aff_lru, under kn->aff_lock */
	struct ksvc_aff_key key;
	union nf_inet_addr ep_addr;
	__be16 ep_port;
	unsigned long last_used;	/* jiffies */
	u32 timeout;			/* seconds, when last used (for GC) */
	struct rcu_head rcu;
};

static const struct rhashtable_params ksvc_aff_params = {
	.key_len = sizeof(struct ksvc_aff_key),
	.key_offset = offsetof(struct ksvc_aff, key),
	.head_offset = offsetof(struct ksvc_aff, node),
	.automatic_shrinking = true,
};

static bool ksvc_aff_expired(const struct ksvc_aff *a, u32 timeout)
{
	return time_after(jiffies, READ_ONCE(a->last_used) +
			  (unsigned long)timeout * HZ);
}

/* Out of the table and the list, freed after a grace period. */
static void ksvc_aff_unlink(struct ksvc_net *kn, struct ksvc_aff *a)
{
	lockdep_assert_held(&kn->aff_lock);
	/* Never fails: on the list means in the table. */
	WARN_ON_ONCE(rhashtable_remove_fast(&kn->aff, &a->node, ksvc_aff_params));
	list_del_init(&a->lru);
	WRITE_ONCE(kn->aff_count, kn->aff_count - 1);
	kfree_rcu(a, rcu);
}

/* The least recently used go while there are more than max (budget at most). */
static void ksvc_aff_evict(struct ksvc_net *kn, u32 max, u32 budget)
{
	lockdep_assert_held(&kn->aff_lock);
	while (kn->aff_count > max && budget--)
		ksvc_aff_unlink(kn, list_first_entry(&kn->aff_lru,
						     struct ksvc_aff, lru));
}

/* Used again: last to go. */
static void ksvc_aff_touch(struct ksvc_net *kn, struct ksvc_aff *a)
{
	spin_lock_bh(&kn->aff_lock);
	if (!list_empty(&a->lru))	/* not evicted since the lookup */
		list_move_tail(&a->lru, &kn->aff_lru);
	spin_unlock_bh(&kn->aff_lock);
}

/*
 * Remember a choice: na replaces stale (the entry the lookup found, if
 * any), or is added, evicting the least recently used when the table is
 * full.  False if another CPU was first: the caller frees na.
 */
static bool ksvc_aff_store(struct ksvc_net *kn, struct ksvc_aff *stale,
			   struct ksvc_aff *na, u32 max)
{
	bool stored = false;

	spin_lock_bh(&kn->aff_lock);
	if (stale && !list_empty(&stale->lru)) {
		/* Replacing does not grow the table. */
		if (!rhashtable_replace_fast(&kn->aff, &stale->node, &na->node,
					     ksvc_aff_params)) {
			list_replace_init(&stale->lru, &na->lru);
			list_move_tail(&na->lru, &kn->aff_lru);
			kfree_rcu(stale, rcu);
			stored = true;
		}
	} else if (!rhashtable_lookup_insert_fast(&kn->aff, &na->node,
						  ksvc_aff_params)) {
		list_add_tail(&na->lru, &kn->aff_lru);
		WRITE_ONCE(kn->aff_count, kn->aff_count + 1);
		/*
		 * One out for one in (never na: max >= 1); one more while a
		 * lowered cap is being trimmed (ksvc_aff_trim).
		 */
		ksvc_aff_evict(kn, max, 2);
		stored = true;
	}
	spin_unlock_bh(&kn->aff_lock);
	return stored;
}

const struct ksvc_ep *ksvc_aff_pick(struct ksvc_net *kn, struct ksvc_svc *svc,
				    u8 port_index, u8 family, bool local_only,
				    const union nf_inet_addr *client)
{
	const struct ksvc_cfg *cfg = ksvc_cfg_rcu(kn);
	u32 timeout = svc->affinity_timeout;
	struct ksvc_aff_key key;
	const struct ksvc_ep *ep;
	struct ksvc_aff *a, *na;

	memset(&key, 0, sizeof(key));
	key.svc_id = svc->id;
	key.client = *client;
	key.port_index = port_index;
	key.family = family;

	a = rhashtable_lookup(&kn->aff, &key, ksvc_aff_params);
	if (a && !ksvc_aff_expired(a, timeout)) {
		ep = ksvc_find_usable(svc, port_index, family, local_only,
				      &a->ep_addr, a->ep_port);
		if (ep) {
			WRITE_ONCE(a->last_used, jiffies);
			WRITE_ONCE(a->timeout, timeout);
			ksvc_aff_touch(kn, a);
			return ep;
		}
	}
	ep = ksvc_pick(svc, port_index, family, local_only, NULL);
	if (!ep)
		return NULL;
	/* Remember the choice; without memory, the connection still goes. */
	na = kzalloc(sizeof(*na), GFP_ATOMIC | __GFP_ACCOUNT);
	if (!na)
		return ep;
	na->key = key;
	na->ep_addr = ep->addr;
	na->ep_port = ep->port;
	na->last_used = jiffies;
	na->timeout = timeout;
	if (!ksvc_aff_store(kn, a, na, cfg->max_affinity))
		kfree(na);
	return ep;
}

static void ksvc_aff_gc(struct work_struct *work)
{
	struct ksvc_net *kn = container_of(to_delayed_work(work),
					   struct ksvc_net, aff_gc);
	struct rhashtable_iter iter;
	struct ksvc_aff *a;

	rhashtable_walk_enter(&kn->aff, &iter);
	rhashtable_walk_start(&iter);
	while ((a = rhashtable_walk_next(&iter))) {
		if (IS_ERR(a))
			continue;	/* -EAGAIN: a resize; keep walking */
		if (!ksvc_aff_expired(a, READ_ONCE(a->timeout)))
			continue;
		spin_lock_bh(&kn->aff_lock);
		/* Unless evicted, or used again, since the walk saw it. */
		if (!list_empty(&a->lru) &&
		    ksvc_aff_expired(a, READ_ONCE(a->timeout)))
			ksvc_aff_unlink(kn, a);
		spin_unlock_bh(&kn->aff_lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	queue_delayed_work(system_power_efficient_wq, &kn->aff_gc,
			   KSVC_AFF_GC_INTERVAL);
}

/*
 * The cap was lowered: the least recently used go now, a batch at a time
 * so that packets are not held off the lock for long.
 */
void ksvc_aff_trim(struct ksvc_net *kn, u32 max)
{
	bool done = false;

	lockdep_assert_held(&kn->lock);
	if (!kn->aff_on)
		return;
	while (!done) {
		spin_lock_bh(&kn->aff_lock);
		ksvc_aff_evict(kn, max, KSVC_AFF_TRIM_BATCH);
		done = kn->aff_count <= max;
		spin_unlock_bh(&kn->aff_lock);
		cond_resched();
	}
}

/* Entries in use, for ksvcctl config. */
u32 ksvc_aff_count(struct ksvc_net *kn)
{
	lockdep_assert_held(&kn->lock);
	return kn->aff_on ? READ_ONCE(kn->aff_count) : 0;
}

int ksvc_aff_init(struct ksvc_net *kn)
{
	int err;

	if (kn->aff_on)
		return 0;
	err = rhashtable_init(&kn->aff, &ksvc_aff_params);
	if (err)
		return err;
	spin_lock_init(&kn->aff_lock);
	INIT_LIST_HEAD(&kn->aff_lru);
	kn->aff_count = 0;
	INIT_DELAYED_WORK(&kn->aff_gc, ksvc_aff_gc);
	queue_delayed_work(system_power_efficient_wq, &kn->aff_gc,
			   KSVC_AFF_GC_INTERVAL);
	kn->aff_on = true;
	return 0;
}

static void ksvc_aff_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/*
 * After the hooks are gone and a grace period has passed: no lookup,
 * insertion or eviction can run, and the GC is stopped before the table
 * goes.  Entries evicted earlier are kfree_rcu()'d memory, no module code.
 */
void ksvc_aff_exit(struct ksvc_net *kn)
{
	if (!kn->aff_on)
		return;
	cancel_delayed_work_sync(&kn->aff_gc);
	rhashtable_free_and_destroy(&kn->aff, ksvc_aff_free, NULL);
	INIT_LIST_HEAD(&kn->aff_lru);
	kn->aff_count = 0;
	kn->aff_on = false;
}
