// SPDX-License-Identifier: GPL-2.0
/*
 * ksvc: Kubernetes Service proxy in the kernel.
 *
 * main.c holds module init and exit only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "ksvc.h"

unsigned int ksvc_net_id __read_mostly;

#ifdef KSVC_FAULT_LEAK
static void *ksvc_fault_leak;
#endif

static int __net_init ksvc_net_init(struct net *net)
{
	struct ksvc_net *kn = ksvc_pernet(net);

	kn->net = net;
	mutex_init(&kn->lock);
	kn->generation = 1;
	return 0;
}

static void __net_exit ksvc_net_exit(struct net *net)
{
	struct ksvc_net *kn = ksvc_pernet(net);

	mutex_destroy(&kn->lock);
}

static struct pernet_operations ksvc_net_ops = {
	.init = ksvc_net_init,
	.exit = ksvc_net_exit,
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
	return err;
}

static void __exit ksvc_exit(void)
{
	ksvc_genl_exit();
	unregister_pernet_subsys(&ksvc_net_ops);
	pr_info("unloaded\n");
}

module_init(ksvc_init);
module_exit(ksvc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kubernetes Service proxy in the kernel");
MODULE_VERSION(KSVC_VERSION);
MODULE_ALIAS_GENL_FAMILY(KSVC_GENL_NAME);
