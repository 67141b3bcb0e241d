// SPDX-License-Identifier: GPL-2.0
/*
 * The ksvc generic netlink family: every message from user space enters
 * here, is checked against a strict per-operation policy and is answered
 * with an extack message when refused.  Changes take the namespace's
 * ksvc_net.lock (the family runs with parallel_ops, so a long commit in
 * one namespace does not hold the global genetlink mutex).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/sock.h>

#include "netlink.h"
#include "commit.h"
#include "ct.h"
#include "table.h"

/*
 * A transaction whose owner sent nothing for this long (stopped, or
 * stuck) no longer blocks the namespace: the next writer drops it, and
 * its owner's next request finds no transaction.
 */
static unsigned int tx_idle_timeout = 60;
module_param(tx_idle_timeout, uint, 0644);
MODULE_PARM_DESC(tx_idle_timeout,
		 "seconds after which another writer may drop an idle transaction");

/* The open transaction of this socket, or -EBUSY if another one holds it. */
static int ksvc_tx_of(struct ksvc_net *kn, struct sk_buff *skb,
		      struct genl_info *info,
		      struct ksvc_tx **txp)
{
	struct ksvc_tx *tx = kn->tx;

	*txp = NULL;
	if (!tx)
		return 0;
	if (tx->portid == info->snd_portid &&
	    tx->sk == NETLINK_CB(skb).sk) {
		tx->last_used = jiffies;
		*txp = tx;
		return 0;
	}
	if (time_after(jiffies, tx->last_used +
		       (unsigned long)READ_ONCE(tx_idle_timeout) * HZ)) {
		pr_info("dropped a transaction idle for over %u s (port id %u)\n",
			READ_ONCE(tx_idle_timeout), tx->portid);
		WRITE_ONCE(kn->tx, NULL);
		ksvc_tx_free(tx);
		return 0;
	}
	NL_SET_ERR_MSG_MOD(info->extack,
			   "another process has a transaction open in this network namespace");
	return -EBUSY;
}

static int ksvc_stage(struct ksvc_net *kn, struct sk_buff *skb,
		      struct genl_info *info,
		      struct ksvc_change *c)
{
	struct ksvc_tx *tx;
	LIST_HEAD(one);
	int err;

	err = ksvc_tx_of(kn, skb, info, &tx);
	if (err)
		goto free;
	if (tx) {
		list_add_tail(&c->list, &tx->changes);
		tx->last = c;
		tx->n_changes++;
		return 0;
	}
	/* Outside a transaction: a change of its own, applied now. */
	err = ksvc_net_activate(kn);
	if (err)
		goto free;
	list_add_tail(&c->list, &one);
	err = ksvc_commit(kn, &one, false, info->extack);
	list_del(&c->list);
free:
	ksvc_svc_free(c->svc);
	kfree(c);
	return err;
}

static int ksvc_nl_svc_append(struct ksvc_net *kn, struct sk_buff *skb,
			      struct genl_info *info,
			      struct nlattr **stb, struct nlattr *nest)
{
	struct ksvc_name key;
	struct ksvc_svc *svc;
	struct ksvc_tx *tx;
	u32 n, i;
	int err;

	err = ksvc_parse_name(stb, &key, info->extack, nest);
	if (err)
		return err;
	err = ksvc_tx_of(kn, skb, info, &tx);
	if (err)
		return err;
	if (!tx || !tx->last || !tx->last->svc ||
	    memcmp(&tx->last->key, &key, sizeof(key))) {
		NL_SET_ERR_MSG_ATTR(info->extack, stb[KSVC_SVC_A_APPEND],
				    "append must follow the same service's add in one transaction");
		return -EINVAL;
	}
	for (i = 0; i <= KSVC_SVC_A_MAX; i++) {
		if (!stb[i] || i == KSVC_SVC_A_NAMESPACE || i == KSVC_SVC_A_NAME ||
		    i == KSVC_SVC_A_APPEND || i == KSVC_SVC_A_ENDPOINTS)
			continue;
		NL_SET_ERR_MSG_ATTR(info->extack, stb[i],
				    "append carries endpoints only");
		return -EINVAL;
	}
	svc = tx->last->svc;
	n = ksvc_count_nested(stb[KSVC_SVC_A_ENDPOINTS]);
	if (!n)
		return 0;
	/* Checked as they come, so a stream of appends cannot grow unbounded. */
	if ((u64)svc->n_eps + n > ksvc_cfg(kn)->max_endpoints) {
		NL_SET_ERR_MSG_ATTR(info->extack, stb[KSVC_SVC_A_ENDPOINTS],
				    "too many endpoints for the limit (ksvcctl config --max-endpoints)");
		return -ENOSPC;
	}
	err = ksvc_svc_grow_eps(svc, n);
	if (err)
		return err;
	return ksvc_parse_eps(svc, stb[KSVC_SVC_A_ENDPOINTS], info->extack);
}

static int ksvc_nl_svc_new(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct nlattr *stb[KSVC_SVC_A_MAX + 1];
	struct nlattr *nest;
	struct ksvc_change *c;
	struct ksvc_svc *svc;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KSVC_A_SERVICE))
		return -EINVAL;
	nest = info->attrs[KSVC_A_SERVICE];
	err = nla_parse_nested(stb, KSVC_SVC_A_MAX, nest, ksvc_svc_policy,
			       info->extack);
	if (err)
		return err;
	if (stb[KSVC_SVC_A_STATS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, stb[KSVC_SVC_A_STATS],
				    "counters cannot be set");
		return -EINVAL;
	}

	mutex_lock(&kn->lock);
	if (stb[KSVC_SVC_A_APPEND]) {
		err = ksvc_nl_svc_append(kn, skb, info, stb, nest);
		goto out;
	}
	svc = ksvc_parse_svc(stb, nest, ksvc_cfg(kn)->max_endpoints,
			     info->extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c) {
		ksvc_svc_free(svc);
		err = -ENOMEM;
		goto out;
	}
	c->key = svc->key;
	c->svc = svc;
	err = ksvc_stage(kn, skb, info, c);
out:
	mutex_unlock(&kn->lock);
	ksvc_ct_wait(kn);	/* the stale UDP flows of a change are gone */
	return err;
}

static int ksvc_nl_svc_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct nlattr *stb[KSVC_SVC_A_MAX + 1];
	struct ksvc_change *c;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KSVC_A_SERVICE))
		return -EINVAL;
	err = nla_parse_nested(stb, KSVC_SVC_A_MAX, info->attrs[KSVC_A_SERVICE],
			       ksvc_svc_policy, info->extack);
	if (err)
		return err;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	err = ksvc_parse_name(stb, &c->key, info->extack,
			      info->attrs[KSVC_A_SERVICE]);
	if (err) {
		kfree(c);
		return err;
	}
	mutex_lock(&kn->lock);
	err = ksvc_stage(kn, skb, info, c);
	mutex_unlock(&kn->lock);
	ksvc_ct_wait(kn);
	return err;
}

static int ksvc_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct ksvc_tx *tx;
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_tx_of(kn, skb, info, &tx);
	if (!err && tx) {
		NL_SET_ERR_MSG_MOD(info->extack, "flush inside a transaction: use a replace transaction");
		err = -EBUSY;
	}
	if (!err && rcu_access_pointer(kn->tbl))
		err = ksvc_net_flush(kn, info->extack);
	mutex_unlock(&kn->lock);
	ksvc_ct_wait(kn);
	return err;
}

static int ksvc_check_generation(struct ksvc_net *kn, struct genl_info *info)
{
	struct nlattr *a = info->attrs[KSVC_A_GENERATION];

	if (a && nla_get_u64(a) != kn->generation) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "the tables changed since that generation: dump again");
		return -ESTALE;
	}
	return 0;
}

static int ksvc_nl_tx_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct ksvc_tx *tx;
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_tx_of(kn, skb, info, &tx);
	if (!err && tx) {
		NL_SET_ERR_MSG_MOD(info->extack, "a transaction is already open on this socket");
		err = -EBUSY;
	}
	if (!err)
		err = ksvc_check_generation(kn, info);
	if (!err)
		err = ksvc_net_activate(kn);
	if (err)
		goto out;
	tx = kzalloc(sizeof(*tx), GFP_KERNEL_ACCOUNT);
	if (!tx) {
		err = -ENOMEM;
		goto out;
	}
	INIT_LIST_HEAD(&tx->changes);
	tx->portid = info->snd_portid;
	/* Held, so that no other socket can have its address meanwhile. */
	tx->sk = NETLINK_CB(skb).sk;
	sock_hold(tx->sk);
	tx->last_used = jiffies;
	if (info->attrs[KSVC_A_TX_FLAGS])
		tx->flags = nla_get_u32(info->attrs[KSVC_A_TX_FLAGS]);
	WRITE_ONCE(kn->tx, tx);
out:
	mutex_unlock(&kn->lock);
	return err;
}

static int ksvc_nl_tx_end(struct sk_buff *skb, struct genl_info *info,
			  bool commit)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct ksvc_tx *tx;
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_tx_of(kn, skb, info, &tx);
	if (!err && !tx) {
		NL_SET_ERR_MSG_MOD(info->extack, "no transaction is open on this socket");
		err = -ENOENT;
	}
	if (err)
		goto out;
	if (commit) {
		err = ksvc_check_generation(kn, info);
		if (!err)
			err = ksvc_commit(kn, &tx->changes,
					  tx->flags & KSVC_TX_F_REPLACE,
					  info->extack);
	}
	/* Committed or not, the transaction is over. */
	WRITE_ONCE(kn->tx, NULL);
	ksvc_tx_free(tx);
out:
	mutex_unlock(&kn->lock);
	if (commit)
		ksvc_ct_wait(kn);
	return err;
}

static int ksvc_nl_tx_commit(struct sk_buff *skb, struct genl_info *info)
{
	return ksvc_nl_tx_end(skb, info, true);
}

static int ksvc_nl_tx_abort(struct sk_buff *skb, struct genl_info *info)
{
	return ksvc_nl_tx_end(skb, info, false);
}

/*
 * Every change, and every read of the tables and the configuration, needs
 * CAP_NET_ADMIN in the user namespace that owns the network namespace
 * (GENL_UNS_ADMIN_PERM): a container runtime that owns its namespace may
 * configure and read it, nothing else may.  The dump shows every pod
 * address, node port and counter, which conntrack, iptables, nft and
 * IPVS all keep from unprivileged users.  Only INFO_GET is open: the
 * versions, the generation and two counts, so that "ksvcctl version"
 * works for anyone.
 */
static const struct genl_ops ksvc_genl_ops[] = {
	{
		.cmd = KSVC_CMD_INFO_GET,
		.doit = ksvc_nl_info_get,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
	},
	{
		.cmd = KSVC_CMD_CONFIG_SET,
		.doit = ksvc_nl_config_set,
		.policy = ksvc_cfg_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_CONFIG_GET,
		.doit = ksvc_nl_config_get,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_SVC_NEW,
		.doit = ksvc_nl_svc_new,
		.policy = ksvc_svc_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_SVC_DEL,
		.doit = ksvc_nl_svc_del,
		.policy = ksvc_svc_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_SVC_GET,
		.dumpit = ksvc_nl_svc_dump,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_FLUSH,
		.doit = ksvc_nl_flush,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_TX_BEGIN,
		.doit = ksvc_nl_tx_begin,
		.policy = ksvc_tx_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_TX_COMMIT,
		.doit = ksvc_nl_tx_commit,
		.policy = ksvc_tx_op_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KSVC_CMD_TX_ABORT,
		.doit = ksvc_nl_tx_abort,
		.policy = ksvc_none_policy,
		.maxattr = KSVC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family ksvc_genl_family __ro_after_init = {
	.name = KSVC_GENL_NAME,
	.version = KSVC_GENL_VERSION,
	.maxattr = KSVC_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.resv_start_op = 0,	/* strict validation of every operation */
	.ops = ksvc_genl_ops,
	.n_ops = ARRAY_SIZE(ksvc_genl_ops),
	.module = THIS_MODULE,
};

/*
 * A transaction belongs to the socket that opened it: when that socket
 * closes (the process died half-way), drop it, as nf_tables does.
 */
static int ksvc_nl_notify(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct netlink_notify *n = ptr;
	struct ksvc_net *kn;
	struct ksvc_tx *tx = NULL;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	kn = ksvc_pernet(n->net);
	/*
	 * Every generic netlink socket's close comes here: only one that
	 * may own the transaction takes the lock.  A transaction is set
	 * under the lock by a request of its socket, before that socket
	 * can close.
	 */
	if (!READ_ONCE(kn->tx))
		return NOTIFY_DONE;
	mutex_lock(&kn->lock);
	if (kn->tx && kn->tx->portid == n->portid) {
		tx = kn->tx;
		WRITE_ONCE(kn->tx, NULL);
	}
	mutex_unlock(&kn->lock);
	ksvc_tx_free(tx);
	return NOTIFY_DONE;
}

static struct notifier_block ksvc_nl_notifier = {
	.notifier_call = ksvc_nl_notify,
};

int __init ksvc_genl_init(void)
{
	int err;

	get_random_bytes(&ksvc_id_key, sizeof(ksvc_id_key));
	err = netlink_register_notifier(&ksvc_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&ksvc_genl_family);
	if (err)
		netlink_unregister_notifier(&ksvc_nl_notifier);
	return err;
}

void ksvc_genl_exit(void)
{
	genl_unregister_family(&ksvc_genl_family);
	netlink_unregister_notifier(&ksvc_nl_notifier);
}
