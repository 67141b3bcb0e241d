// SPDX-License-Identifier: GPL-2.0
/*
 * sessionAffinity ClientIP: new connections from one client address go to
 * the endpoint its last connection went to, while that was less than the
 * service's timeout ago and the endpoint is still usable.
 *
 * One rhashtable per namespace, keyed by (service id, port, client).  The
 * packet path looks entries up under RCU and adds them with GFP_ATOMIC
 * (bounded by KSVC_AFF_MAX); an entry is never edited in place but
 * replaced, and freed after a grace period.  A delayed work drops expired
 * entries.  The timeout is the service's current one, so a change of the
 * affinity settings takes effect at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/jiffies.h>

#include "ksvc.h"

#define KSVC_AFF_MAX		BIT(20)
#define KSVC_AFF_GC_INTERVAL	(30 * HZ)

struct ksvc_aff_key {
	u64 svc_id;
	union nf_inet_addr client;
	u8 port_index;
	u8 family;
	u8 pad[6];
};

struct ksvc_aff {
	struct rhash_head node;
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

const struct ksvc_ep *ksvc_aff_pick(struct ksvc_net *kn, struct ksvc_svc *svc,
				    u8 port_index, u8 family, bool local_only,
				    const union nf_inet_addr *client)
{
	struct ksvc_aff_key key;
	const struct ksvc_ep *ep;
	struct ksvc_aff *a, *na;
	u32 timeout = svc->affinity_timeout;

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
			return ep;
		}
	}
	ep = ksvc_pick(svc, port_index, family, local_only);
	if (!ep)
		return NULL;
	/*
	 * Remember the choice; without memory, the connection still goes.
	 * Replacing a stale entry does not grow the table: only a new
	 * client is turned away when it is full.
	 */
	if (!a && atomic_read(&kn->aff.nelems) >= KSVC_AFF_MAX)
		return ep;
	na = kzalloc(sizeof(*na), GFP_ATOMIC);
	if (!na)
		return ep;
	na->key = key;
	na->ep_addr = ep->addr;
	na->ep_port = ep->port;
	na->last_used = jiffies;
	na->timeout = timeout;
	if (a) {
		if (rhashtable_replace_fast(&kn->aff, &a->node, &na->node,
					    ksvc_aff_params)) {
			kfree(na);	/* someone else replaced it first */
			return ep;
		}
		kfree_rcu(a, rcu);
	} else if (rhashtable_lookup_insert_fast(&kn->aff, &na->node,
						 ksvc_aff_params)) {
		kfree(na);		/* a concurrent insert won, or no room */
	}
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
		if (ksvc_aff_expired(a, READ_ONCE(a->timeout)) &&
		    !rhashtable_remove_fast(&kn->aff, &a->node, ksvc_aff_params))
			kfree_rcu(a, rcu);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	queue_delayed_work(system_power_efficient_wq, &kn->aff_gc,
			   KSVC_AFF_GC_INTERVAL);
}

int ksvc_aff_init(struct ksvc_net *kn)
{
	int err;

	if (kn->aff_on)
		return 0;
	err = rhashtable_init(&kn->aff, &ksvc_aff_params);
	if (err)
		return err;
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

/* After the hooks are gone and a grace period has passed. */
void ksvc_aff_exit(struct ksvc_net *kn)
{
	if (!kn->aff_on)
		return;
	cancel_delayed_work_sync(&kn->aff_gc);
	rhashtable_free_and_destroy(&kn->aff, ksvc_aff_free, NULL);
	kn->aff_on = false;
}
