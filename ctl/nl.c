// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink layer of ksvcctl: turns plain structs into ksvc generic
 * netlink messages and back, with libnl-3.  One socket per invocation;
 * extended ACKs on, so every refusal comes with the kernel's reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct ks_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* errno from the last NLMSG_ERROR */
	char errmsg[256];	/* its extack message */
};

const char *ks_nl_errmsg(const struct ks_nl *nl)
{
	return nl->errmsg;
}

/* Pull NLMSGERR_ATTR_MSG out of an extended ACK (NETLINK_CAP_ACK is on). */
static int ks_nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct ks_nl *nl = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *attrs;
	int len;

	(void)nla;
	nl->err = e->error;
	nl->errmsg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	attrs = (struct nlattr *)((char *)e + sizeof(*e));
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
	if (len > 0 && !nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int ks_nl_ack_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	*(int *)arg = 0;
	return NL_STOP;
}

int ks_nl_open(struct ks_nl **nlp)
{
	struct ks_nl *nl;
	int one = 1;
	int ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = -EIO;
		goto err;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	nl->family = genl_ctrl_resolve(nl->sk, KSVC_GENL_NAME);
	if (nl->family < 0) {
		ret = -ENOENT;
		goto err;
	}
	*nlp = nl;
	return 0;
err:
	nl_socket_free(nl->sk);
	free(nl);
	return ret;
}

void ks_nl_close(struct ks_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

static struct nl_msg *ks_nl_msg(struct ks_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, KSVC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Send msg (consumed) and wait for its ACK; replies go to parse (may be
 * NULL) with arg.
 */
static int ks_nl_transact(struct ks_nl *nl, struct nl_msg *msg,
			  nl_recvmsg_msg_cb_t parse, void *arg)
{
	struct nl_cb *cb;
	int done = 1;
	int ret;

	nl->err = 0;
	nl->errmsg[0] = '\0';
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_err(cb, NL_CB_CUSTOM, ks_nl_err_cb, nl);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ks_nl_ack_cb, &done);
	if (parse)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse, arg);
	while (done > 0 && !nl->err) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !nl->err) {
			nl->err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return nl->err;
}

static int ks_nl_info_parse(struct nl_msg *msg, void *arg)
{
	struct ks_info *info = arg;
	struct nlattr *tb[KSVC_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSVC_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[KSVC_A_VERSION])
		snprintf(info->version, sizeof(info->version), "%s",
			 nla_get_string(tb[KSVC_A_VERSION]));
	if (tb[KSVC_A_PROTO_VERSION])
		info->proto_version = nla_get_u32(tb[KSVC_A_PROTO_VERSION]);
	if (tb[KSVC_A_GENERATION])
		info->generation = nla_get_u64(tb[KSVC_A_GENERATION]);
	if (tb[KSVC_A_NUM_SERVICES])
		info->n_services = nla_get_u32(tb[KSVC_A_NUM_SERVICES]);
	if (tb[KSVC_A_NUM_ENDPOINTS])
		info->n_endpoints = nla_get_u32(tb[KSVC_A_NUM_ENDPOINTS]);
	info->tx_open = !!tb[KSVC_A_TX_OPEN];
	return NL_OK;
}

int ks_nl_info(struct ks_nl *nl, struct ks_info *info)
{
	struct nl_msg *msg = ks_nl_msg(nl, KSVC_CMD_INFO_GET, 0);

	memset(info, 0, sizeof(*info));
	if (!msg)
		return -ENOMEM;
	return ks_nl_transact(nl, msg, ks_nl_info_parse, info);
}

int ks_nl_report(const struct ks_nl *nl, const char *what, int err)
{
	if (err == -ENOENT && !nl) {
		fprintf(stderr, "ksvcctl: the ksvc kernel module is not loaded (modprobe ksvc)\n");
		return KS_EXIT_NOMODULE;
	}
	if (err == -EPERM) {
		fprintf(stderr, "ksvcctl: %s: permission denied: changing ksvc tables needs CAP_NET_ADMIN\n",
			what);
		return KS_EXIT_PERM;
	}
	if (nl && nl->errmsg[0])
		fprintf(stderr, "ksvcctl: %s: %s (%s)\n", what, nl->errmsg,
			strerror(-err));
	else
		fprintf(stderr, "ksvcctl: %s: %s\n", what, strerror(-err));
	return KS_EXIT_ERROR;
}
