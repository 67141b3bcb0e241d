// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink layer of ksvcctl: turns plain structs into ksvc generic
 * netlink messages and back, with libnl-3.  One socket per invocation;
 * extended ACKs on, so every refusal comes with the kernel's reason.
 * This file: the socket, one request's exchange, info and transactions;
 * nl_svc.c services (to the kernel and back), nl_config.c the node
 * configuration.
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

#include "nl_int.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif


const char *ks_nl_errmsg(const struct ks_nl *nl)
{
	return nl->errmsg;
}

/*
 * One request's exchange: only answers carrying its sequence number count,
 * so that what an abandoned dump or an earlier request left on the socket
 * never passes for this request's verdict.
 */
struct ks_xchg {
	struct ks_nl *nl;
	unsigned int seq;
	int pending;		/* until its ACK, error or NLMSG_DONE */
	ks_nl_parse_fn parse;
	void *arg;
};

/*
 * Pull NLMSGERR_ATTR_MSG out of an extended ACK; without NETLINK_CAP_ACK
 * the request is echoed before the attributes.
 */
static int ks_nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct ks_xchg *x = arg;
	struct ks_nl *nl = x->nl;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	char *attrs = (char *)e + sizeof(*e);
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);

	(void)nla;
	if (nlh->nlmsg_seq != x->seq)
		return NL_SKIP;
	x->pending = 0;
	nl->err = e->error;
	nl->errmsg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		attrs += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
		len -= NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	if (len > 0 && !nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)attrs,
				  len, NULL) && tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

/* The ACK, or a dump's NLMSG_DONE. */
static int ks_nl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct ks_xchg *x = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq != x->seq)
		return NL_SKIP;
	x->pending = 0;
	return NL_STOP;
}

static int ks_nl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct ks_xchg *x = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq != x->seq || !x->parse)
		return NL_SKIP;
	return x->parse(msg, x->arg);
}

/*
 * Sequence numbers are matched by the callbacks above, request by request;
 * a dump's NLM_F_DUMP_INTR goes to the parser with its message.
 */
static int ks_nl_pass(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
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

/*
 * Room for KS_NL_EPS_PER_MSG endpoints and a full service head, and for the
 * fuzzer's nests too large for their 16-bit length.
 */
#define KS_NL_MSG_SIZE (256 * 1024)

struct nl_msg *ks_nl_msg_new(struct ks_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(KS_NL_MSG_SIZE);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, KSVC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_sock *ks_nl_sock(struct ks_nl *nl)
{
	return nl->sk;
}

int ks_nl_send(struct ks_nl *nl, struct nl_msg *msg, ks_nl_parse_fn parse,
	       void *arg)
{
	struct ks_xchg x = { .nl = nl, .pending = 1, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	nl->err = 0;
	nl->errmsg[0] = '\0';
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(nl->sk, msg);
	x.seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_err(cb, NL_CB_CUSTOM, ks_nl_err_cb, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ks_nl_ack_cb, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ks_nl_ack_cb, &x);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ks_nl_valid_cb, &x);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, ks_nl_pass, NULL);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ks_nl_pass, NULL);
	while (x.pending) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && x.pending) {
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
	struct nl_msg *msg = ks_nl_msg_new(nl, KSVC_CMD_INFO_GET, 0);

	memset(info, 0, sizeof(*info));
	if (!msg)
		return -ENOMEM;
	return ks_nl_send(nl, msg, ks_nl_info_parse, info);
}

int ks_nl_report(const struct ks_nl *nl, const char *what, int err)
{
	if (err == -ENOENT && !nl) {
		fprintf(stderr, "ksvcctl: the ksvc kernel module is not loaded (modprobe ksvc)\n");
		return KS_EXIT_NOMODULE;
	}
	if (err == -EPERM) {
		fprintf(stderr, "ksvcctl: %s: permission denied: reading or changing ksvc's tables needs CAP_NET_ADMIN over the network namespace\n",
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

static int ks_nl_simple(struct ks_nl *nl, int cmd, uint32_t *flags,
			uint64_t gen)
{
	struct nl_msg *msg = ks_nl_msg_new(nl, cmd, 0);

	if (!msg)
		return -ENOMEM;
	if ((flags && nla_put_u32(msg, KSVC_A_TX_FLAGS, *flags)) ||
	    (gen && nla_put_u64(msg, KSVC_A_GENERATION, gen))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return ks_nl_send(nl, msg, NULL, NULL);
}

int ks_nl_tx_begin(struct ks_nl *nl, uint32_t flags, uint64_t gen)
{
	return ks_nl_simple(nl, KSVC_CMD_TX_BEGIN, &flags, gen);
}

int ks_nl_tx_commit(struct ks_nl *nl, uint64_t gen)
{
	return ks_nl_simple(nl, KSVC_CMD_TX_COMMIT, NULL, gen);
}

int ks_nl_tx_abort(struct ks_nl *nl)
{
	return ks_nl_simple(nl, KSVC_CMD_TX_ABORT, NULL, 0);
}

int ks_nl_flush(struct ks_nl *nl)
{
	return ks_nl_simple(nl, KSVC_CMD_FLUSH, NULL, 0);
}
