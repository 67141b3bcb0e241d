// SPDX-License-Identifier: GPL-2.0
/*
 * The ksvc generic netlink family: every message from user space enters
 * here, is checked against a strict per-operation policy and is answered
 * with an extack message when refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "ksvc.h"

static struct genl_family ksvc_genl_family;

static const struct nla_policy ksvc_info_policy[KSVC_A_MAX + 1] = {
	/* INFO_GET takes no attributes: an empty policy rejects any. */
};

static int ksvc_nl_info_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &ksvc_genl_family, 0,
				KSVC_CMD_INFO_GET);
	if (!hdr)
		goto nla_put_failure;

	mutex_lock(&kn->lock);
	if (nla_put_string(msg, KSVC_A_VERSION, KSVC_VERSION) ||
	    nla_put_u32(msg, KSVC_A_PROTO_VERSION, KSVC_GENL_VERSION) ||
	    nla_put_u64_64bit(msg, KSVC_A_GENERATION, kn->generation,
			      KSVC_A_PAD)) {
		mutex_unlock(&kn->lock);
		goto nla_put_failure;
	}
	mutex_unlock(&kn->lock);

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops ksvc_genl_ops[] = {
	{
		.cmd = KSVC_CMD_INFO_GET,
		.doit = ksvc_nl_info_get,
		.policy = ksvc_info_policy,
		.maxattr = KSVC_A_MAX,
	},
};

static struct genl_family ksvc_genl_family __ro_after_init = {
	.name = KSVC_GENL_NAME,
	.version = KSVC_GENL_VERSION,
	.maxattr = KSVC_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.resv_start_op = 0,
	.ops = ksvc_genl_ops,
	.n_ops = ARRAY_SIZE(ksvc_genl_ops),
	.module = THIS_MODULE,
};

int __init ksvc_genl_init(void)
{
	return genl_register_family(&ksvc_genl_family);
}

void ksvc_genl_exit(void)
{
	genl_unregister_family(&ksvc_genl_family);
}
