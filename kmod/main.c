// SPDX-License-Identifier: GPL-2.0
/*
 * ksvc: Kubernetes Service proxy in the kernel.
 *
 * main.c holds module init and exit, and the per-namespace life cycle.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_nat_masquerade.h>

#include "affinity.h"
#include "commit.h"
#include "ct.h"
#include "maglev.h"
#include "nat.h"
#include "netlink.h"
#include "selftest.h"
#include "table.h"

unsigned int ksvc_net_id __read_mostly;

const struct ksvc_cfg ksvc_cfg_defaults = {
	.drop_invalid = true,
	.external_ips = true,
	.maglev_size = KSVC_MAGLEV_DEFAULT,
	.max_services = KSVC_DEFAULT_MAX_SERVICES,
	.max_endpoints = KSVC_DEFAULT_MAX_ENDPOINTS,
	.max_affinity = KSVC_DEFAULT_MAX_AFFINITY,
	.max_resets = KSVC_DEFAULT_MAX_RESETS,
};

#ifdef KSVC_FAULT_LEAK
static void *ksvc_fault_leak;
#endif

static int __net_init ksvc_net_init(struct net *net)
{
	struct ksvc_net *kn = ksvc_pernet(net);

	/* Nothing is allocated until the namespace is first configured. */
	kn->net = net;
	mutex_init(&kn->lock);
	kn->generation = 1;
	ksvc_ct_init(kn);
	return 0;
}

/* Packets first: after this no hook can look at the tables. */
static void __net_exit ksvc_net_pre_exit(struct net *net)
{
	struct ksvc_net *kn = ksvc_pernet(net);

	mutex_lock(&kn->lock);
	ksvc_hooks_disable(kn);
	mutex_unlock(&kn->lock);
	ksvc_ct_exit(kn);
}

/*
 * Activate ksvc in a namespace when it is first configured, not in every
 * namespace (pod namespaces must not pay for it): its table, session
 * affinity, then conntrack and the hooks.  On failure the namespace is as
 * it was, but for an empty table (harmless, freed with the namespace).
 */
int ksvc_net_activate(struct ksvc_net *kn)
{
	int err;

	lockdep_assert_held(&kn->lock);
	if (kn->hooks_on)
		return 0;
	if (!rcu_access_pointer(kn->tbl)) {
		struct ksvc_table *tbl = ksvc_table_new(0);

		if (!tbl)
			return -ENOMEM;
		rcu_assign_pointer(kn->tbl, tbl);
	}
	err = ksvc_aff_init(kn);
	if (err)
		return err;
	err = ksvc_hooks_enable(kn);
	if (err)
		ksvc_aff_exit(kn);
	return err;
}

/* Was ksvc set up here?  Pod namespaces never configure it. */
static bool ksvc_net_used(struct ksvc_net *kn)
{
	bool used;

	mutex_lock(&kn->lock);
	used = rcu_access_pointer(kn->tbl) || rcu_access_pointer(kn->cfg) ||
	       kn->tx || kn->aff_on;
	mutex_unlock(&kn->lock);
	return used;
}

static void ksvc_net_free(struct ksvc_net *kn)
{
	struct ksvc_table *tbl;
	struct ksvc_cfg *cfg;

	mutex_lock(&kn->lock);
	ksvc_tx_free(kn->tx);
	WRITE_ONCE(kn->tx, NULL);
	tbl = rcu_dereference_protected(kn->tbl, lockdep_is_held(&kn->lock));
	cfg = rcu_dereference_protected(kn->cfg, lockdep_is_held(&kn->lock));
	RCU_INIT_POINTER(kn->tbl, NULL);
	RCU_INIT_POINTER(kn->cfg, NULL);
	mutex_unlock(&kn->lock);
	ksvc_aff_exit(kn);
	ksvc_table_free(tbl);
	kfree(cfg);
}

/*
 * The netns core dismantles dying namespaces in batches, one batch at a
 * time on one worker, so a grace period per namespace here made deleting
 * many pods slow.  The tables' readers are the hooks, gone in pre_exit
 * (and the core waited a grace period since), and netlink, which cannot
 * reach a dying namespace; ksvc still waits before freeing what it
 * published, as everywhere, but once per batch and only in a batch where
 * it was configured: pod namespaces cost it nothing.
 */
static void __net_exit ksvc_net_exit_batch(struct list_head *net_exit_list)
{
	struct ksvc_net *kn;
	struct net *net;
	bool used = false;

	list_for_each_entry(net, net_exit_list, exit_list)
		used |= ksvc_net_used(ksvc_pernet(net));
	if (used)
		synchronize_net();
	list_for_each_entry(net, net_exit_list, exit_list) {
		kn = ksvc_pernet(net);
		if (used)
			ksvc_net_free(kn);
		mutex_destroy(&kn->lock);
	}
}

static struct pernet_operations ksvc_net_ops = {
	.init = ksvc_net_init,
	.pre_exit = ksvc_net_pre_exit,
	.exit_batch = ksvc_net_exit_batch,
	.id = &ksvc_net_id,
	.size = sizeof(struct ksvc_net),
};

static int __init ksvc_init(void)
{
	int err;

#ifdef KSVC_FAULT_WARN
	WARN_ON(1);
#endif
#ifdef KSVC_FAULT_LEAK
	/* Lose the pointer so that kmemleak sees an unreferenced object. */
	ksvc_fault_leak = kmalloc(128, GFP_KERNEL);
	ksvc_fault_leak = NULL;
#endif
	err = ksvc_selftest();
	if (err)
		return err;
	/* Masqueraded flows go when their device or address does. */
	err = nf_nat_masquerade_inet_register_notifiers();
	if (err)
		goto err_masq;

	err = register_pernet_subsys(&ksvc_net_ops);
	if (err)
		goto err_pernet;

	/* Last: nothing is reachable from user space before this. */
	err = ksvc_genl_init();
	if (err)
		goto err_genl;

	pr_info("version %s loaded\n", KSVC_VERSION);
	return 0;

err_genl:
	unregister_pernet_subsys(&ksvc_net_ops);
err_pernet:
	nf_nat_masquerade_inet_unregister_notifiers();
err_masq:
	return err;
}

static void __exit ksvc_exit(void)
{
	ksvc_genl_exit();
	unregister_pernet_subsys(&ksvc_net_ops);
	nf_nat_masquerade_inet_unregister_notifiers();
	/* Services freed with call_rcu must be gone before the code is. */
	rcu_barrier();
	pr_info("unloaded\n");
}

module_init(ksvc_init);
module_exit(ksvc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kubernetes Service proxy in the kernel");
MODULE_VERSION(KSVC_VERSION);
MODULE_ALIAS_GENL_FAMILY(KSVC_GENL_NAME);
