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

/* ---- services ---- */

static int ks_put_addr(struct nl_msg *msg, int a4, int a6,
		       const struct ks_addr *addr)
{
	if (addr->family == AF_INET)
		return nla_put(msg, a4, 4, addr->a);
	return nla_put(msg, a6, 16, addr->a);
}

static struct nlattr *ks_nest(struct nl_msg *msg, int type)
{
	/* Strict validation wants NLA_F_NESTED on every nest. */
	return nla_nest_start(msg, type | NLA_F_NESTED);
}

static int ks_put_cidrs(struct nl_msg *msg, int list_type, int type,
			const struct ks_cidr *c, size_t n)
{
	struct nlattr *list, *nest;
	size_t i;

	list = ks_nest(msg, list_type);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		nest = ks_nest(msg, type);
		if (!nest ||
		    ks_put_addr(msg, KSVC_CIDR_A_ADDR4, KSVC_CIDR_A_ADDR6, &c[i].addr) ||
		    nla_put_u8(msg, KSVC_CIDR_A_PREFIX, c[i].prefix))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	/* An empty list is a setting too ("none"): keep the attribute. */
	nla_nest_end_keep_empty(msg, list);
	return 0;
}

static int ks_put_eps(struct nl_msg *msg, const struct ks_service *svc,
		      size_t from, size_t to)
{
	struct nlattr *list, *nest;
	size_t i;

	list = ks_nest(msg, KSVC_SVC_A_ENDPOINTS);
	if (!list)
		return -EMSGSIZE;
	for (i = from; i < to; i++) {
		const struct ks_endpoint *ep = &svc->eps[i];

		nest = ks_nest(msg, KSVC_SVC_A_ENDPOINT);
		if (!nest ||
		    ks_put_addr(msg, KSVC_EP_A_ADDR4, KSVC_EP_A_ADDR6, &ep->addr) ||
		    nla_put_u8(msg, KSVC_EP_A_PORT_INDEX, ep->port_index) ||
		    nla_put_u16(msg, KSVC_EP_A_PORT, ep->port) ||
		    nla_put_u32(msg, KSVC_EP_A_FLAGS, ep->flags))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	nla_nest_end(msg, list);
	return 0;
}

static int ks_put_svc_head(struct nl_msg *msg, const struct ks_service *svc)
{
	struct nlattr *list, *nest;
	size_t i;

	if (nla_put_u8(msg, KSVC_SVC_A_TYPE, svc->type) ||
	    nla_put_u32(msg, KSVC_SVC_A_FLAGS, svc->flags) ||
	    (svc->algo && nla_put_u8(msg, KSVC_SVC_A_ALGO, svc->algo)) ||
	    ((svc->flags & KSVC_SVC_F_AFFINITY) &&
	     nla_put_u32(msg, KSVC_SVC_A_AFFINITY_TIMEOUT, svc->affinity_timeout)) ||
	    (svc->n_ranges &&
	     ks_put_cidrs(msg, KSVC_SVC_A_SOURCE_RANGES, KSVC_SVC_A_SOURCE_RANGE,
			  svc->ranges, svc->n_ranges)) ||
	    (svc->external_name[0] &&
	     nla_put_string(msg, KSVC_SVC_A_EXTERNAL_NAME, svc->external_name)))
		return -EMSGSIZE;
	if (svc->n_ports) {
		list = ks_nest(msg, KSVC_SVC_A_PORTS);
		if (!list)
			return -EMSGSIZE;
		for (i = 0; i < svc->n_ports; i++) {
			const struct ks_port *p = &svc->ports[i];

			nest = ks_nest(msg, KSVC_SVC_A_PORT);
			if (!nest ||
			    nla_put_string(msg, KSVC_PORT_A_NAME, p->name) ||
			    nla_put_u8(msg, KSVC_PORT_A_PROTO, p->proto) ||
			    nla_put_u16(msg, KSVC_PORT_A_PORT, p->port) ||
			    (p->node_port &&
			     nla_put_u16(msg, KSVC_PORT_A_NODE_PORT, p->node_port)))
				return -EMSGSIZE;
			nla_nest_end(msg, nest);
		}
		nla_nest_end(msg, list);
	}
	if (svc->n_fes) {
		list = ks_nest(msg, KSVC_SVC_A_FRONTENDS);
		if (!list)
			return -EMSGSIZE;
		for (i = 0; i < svc->n_fes; i++) {
			nest = ks_nest(msg, KSVC_SVC_A_FRONTEND);
			if (!nest ||
			    nla_put_u8(msg, KSVC_FE_A_KIND, svc->fes[i].kind) ||
			    ks_put_addr(msg, KSVC_FE_A_ADDR4, KSVC_FE_A_ADDR6,
					&svc->fes[i].addr) ||
			    (svc->fes[i].also &&
			     nla_put_u8(msg, KSVC_FE_A_ALSO, svc->fes[i].also)))
				return -EMSGSIZE;
			nla_nest_end(msg, nest);
		}
		nla_nest_end(msg, list);
	}
	return 0;
}

struct nlattr *ks_nl_put_svc(struct nl_msg *msg, const struct ks_service *svc,
			     int append, size_t from, size_t to)
{
	struct nlattr *nest = ks_nest(msg, KSVC_A_SERVICE);

	/* An empty name is none (the kernel refuses both). */
	if (!nest ||
	    (svc->ns[0] && nla_put_string(msg, KSVC_SVC_A_NAMESPACE, svc->ns)) ||
	    (svc->name[0] && nla_put_string(msg, KSVC_SVC_A_NAME, svc->name)) ||
	    (append && nla_put_flag(msg, KSVC_SVC_A_APPEND)) ||
	    (!append && ks_put_svc_head(msg, svc)) ||
	    (to > from && ks_put_eps(msg, svc, from, to)))
		return NULL;
	return nest;
}

static int ks_nl_svc_msg(struct ks_nl *nl, const struct ks_service *svc,
			 int append, size_t from, size_t to)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	msg = ks_nl_msg_new(nl, KSVC_CMD_SVC_NEW, 0);
	if (!msg)
		return -ENOMEM;
	nest = ks_nl_put_svc(msg, svc, append, from, to);
	if (!nest) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return ks_nl_send(nl, msg, NULL, NULL);
}

int ks_nl_svc_new(struct ks_nl *nl, const struct ks_service *svc, int in_tx)
{
	size_t from, to;
	int err;

	to = svc->n_eps < KS_NL_EPS_PER_MSG ? svc->n_eps : KS_NL_EPS_PER_MSG;
	if (to < svc->n_eps && !in_tx)
		return -E2BIG;
	err = ks_nl_svc_msg(nl, svc, 0, 0, to);
	for (from = to; !err && from < svc->n_eps; from = to) {
		to = from + KS_NL_EPS_PER_MSG;
		if (to > svc->n_eps)
			to = svc->n_eps;
		err = ks_nl_svc_msg(nl, svc, 1, from, to);
	}
	return err;
}

int ks_nl_svc_del(struct ks_nl *nl, const char *ns, const char *name)
{
	struct nl_msg *msg = ks_nl_msg_new(nl, KSVC_CMD_SVC_DEL, 0);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	nest = ks_nest(msg, KSVC_A_SERVICE);
	if (!nest || nla_put_string(msg, KSVC_SVC_A_NAMESPACE, ns) ||
	    nla_put_string(msg, KSVC_SVC_A_NAME, name)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return ks_nl_send(nl, msg, NULL, NULL);
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

/* ---- dump ---- */

struct ks_dump {
	struct ks_state *st;
	int intr;
	int err;
	size_t cap_eps;		/* of the last service */
};

static void ks_get_addr(struct nlattr *a4, struct nlattr *a6,
			struct ks_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (a4) {
		addr->family = AF_INET;
		memcpy(addr->a, nla_data(a4), 4);
	} else if (a6) {
		addr->family = AF_INET6;
		memcpy(addr->a, nla_data(a6), 16);
	}
}

static int ks_dump_eps(struct ks_dump *d, struct ks_service *svc,
		       struct nlattr *list)
{
	struct nlattr *tb[KSVC_EP_A_MAX + 1], *st[KSVC_STATS_A_MAX + 1];
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, list, rem) {
		struct ks_endpoint *ep;

		if (nla_parse_nested(tb, KSVC_EP_A_MAX, a, NULL) < 0)
			return -EINVAL;
		if (svc->n_eps == d->cap_eps) {
			size_t cap = d->cap_eps ? d->cap_eps * 2 : 16;
			void *v = realloc(svc->eps, cap * sizeof(*svc->eps));

			if (!v)
				return -ENOMEM;
			svc->eps = v;
			d->cap_eps = cap;
		}
		ep = &svc->eps[svc->n_eps++];
		memset(ep, 0, sizeof(*ep));
		ks_get_addr(tb[KSVC_EP_A_ADDR4], tb[KSVC_EP_A_ADDR6], &ep->addr);
		if (tb[KSVC_EP_A_PORT_INDEX])
			ep->port_index = nla_get_u8(tb[KSVC_EP_A_PORT_INDEX]);
		if (tb[KSVC_EP_A_PORT])
			ep->port = nla_get_u16(tb[KSVC_EP_A_PORT]);
		if (tb[KSVC_EP_A_FLAGS])
			ep->flags = nla_get_u32(tb[KSVC_EP_A_FLAGS]);
		if (tb[KSVC_EP_A_STATS] &&
		    !nla_parse_nested(st, KSVC_STATS_A_MAX, tb[KSVC_EP_A_STATS], NULL) &&
		    st[KSVC_STATS_A_CONNS])
			ep->conns = nla_get_u64(st[KSVC_STATS_A_CONNS]);
	}
	return 0;
}

static void ks_get_cidr(struct nlattr *nest, struct ks_cidr *c)
{
	struct nlattr *tb[KSVC_CIDR_A_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (nla_parse_nested(tb, KSVC_CIDR_A_MAX, nest, NULL) < 0)
		return;
	ks_get_addr(tb[KSVC_CIDR_A_ADDR4], tb[KSVC_CIDR_A_ADDR6], &c->addr);
	if (tb[KSVC_CIDR_A_PREFIX])
		c->prefix = nla_get_u8(tb[KSVC_CIDR_A_PREFIX]);
}

/* A zeroed array with room for every attribute nested in NEST. */
static void *ks_nested_array(const struct nlattr *nest, size_t size)
{
	const struct nlattr *a;
	size_t n = 0;
	int rem;

	nla_for_each_nested(a, nest, rem)
		n++;
	return calloc(n ? n : 1, size);
}

static int ks_dump_head(struct ks_service *svc, struct nlattr **stb)
{
	struct nlattr *tb[KSVC_PORT_A_MAX + 1], *st[KSVC_STATS_A_MAX + 1];
	struct nlattr *a;
	int rem;

	if (stb[KSVC_SVC_A_TYPE])
		svc->type = nla_get_u8(stb[KSVC_SVC_A_TYPE]);
	if (stb[KSVC_SVC_A_FLAGS])
		svc->flags = nla_get_u32(stb[KSVC_SVC_A_FLAGS]);
	if (stb[KSVC_SVC_A_EXTERNAL_NAME])
		snprintf(svc->external_name, sizeof(svc->external_name), "%s",
			 nla_get_string(stb[KSVC_SVC_A_EXTERNAL_NAME]));
	if (stb[KSVC_SVC_A_ALGO])
		svc->algo = nla_get_u8(stb[KSVC_SVC_A_ALGO]);
	if (stb[KSVC_SVC_A_AFFINITY_TIMEOUT] && (svc->flags & KSVC_SVC_F_AFFINITY))
		svc->affinity_timeout = nla_get_u32(stb[KSVC_SVC_A_AFFINITY_TIMEOUT]);
	if (stb[KSVC_SVC_A_SOURCE_RANGES]) {
		svc->ranges = ks_nested_array(stb[KSVC_SVC_A_SOURCE_RANGES], sizeof(*svc->ranges));
		if (!svc->ranges)
			return -ENOMEM;
		nla_for_each_nested(a, stb[KSVC_SVC_A_SOURCE_RANGES], rem)
			ks_get_cidr(a, &svc->ranges[svc->n_ranges++]);
	}
	if (stb[KSVC_SVC_A_STATS] &&
	    !nla_parse_nested(st, KSVC_STATS_A_MAX, stb[KSVC_SVC_A_STATS], NULL)) {
		if (st[KSVC_STATS_A_CONNS])
			svc->conns = nla_get_u64(st[KSVC_STATS_A_CONNS]);
		if (st[KSVC_STATS_A_REJECTS])
			svc->rejects = nla_get_u64(st[KSVC_STATS_A_REJECTS]);
	}
	if (stb[KSVC_SVC_A_PORTS]) {
		svc->ports = ks_nested_array(stb[KSVC_SVC_A_PORTS], sizeof(*svc->ports));
		if (!svc->ports)
			return -ENOMEM;
		nla_for_each_nested(a, stb[KSVC_SVC_A_PORTS], rem) {
			struct ks_port *p = &svc->ports[svc->n_ports++];

			if (nla_parse_nested(tb, KSVC_PORT_A_MAX, a, NULL) < 0)
				return -EINVAL;
			if (tb[KSVC_PORT_A_NAME])
				snprintf(p->name, sizeof(p->name), "%s",
					 nla_get_string(tb[KSVC_PORT_A_NAME]));
			if (tb[KSVC_PORT_A_PROTO])
				p->proto = nla_get_u8(tb[KSVC_PORT_A_PROTO]);
			if (tb[KSVC_PORT_A_PORT])
				p->port = nla_get_u16(tb[KSVC_PORT_A_PORT]);
			if (tb[KSVC_PORT_A_NODE_PORT])
				p->node_port = nla_get_u16(tb[KSVC_PORT_A_NODE_PORT]);
		}
	}
	if (stb[KSVC_SVC_A_FRONTENDS]) {
		struct nlattr *ftb[KSVC_FE_A_MAX + 1];

		svc->fes = ks_nested_array(stb[KSVC_SVC_A_FRONTENDS], sizeof(*svc->fes));
		if (!svc->fes)
			return -ENOMEM;
		nla_for_each_nested(a, stb[KSVC_SVC_A_FRONTENDS], rem) {
			struct ks_frontend *fe = &svc->fes[svc->n_fes++];

			if (nla_parse_nested(ftb, KSVC_FE_A_MAX, a, NULL) < 0)
				return -EINVAL;
			if (ftb[KSVC_FE_A_KIND])
				fe->kind = nla_get_u8(ftb[KSVC_FE_A_KIND]);
			if (ftb[KSVC_FE_A_ALSO])
				fe->also = nla_get_u8(ftb[KSVC_FE_A_ALSO]);
			ks_get_addr(ftb[KSVC_FE_A_ADDR4], ftb[KSVC_FE_A_ADDR6],
				    &fe->addr);
		}
	}
	return 0;
}

static int ks_dump_parse(struct nl_msg *msg, void *arg)
{
	struct ks_dump *d = arg;
	struct nlattr *tb[KSVC_A_MAX + 1], *stb[KSVC_SVC_A_MAX + 1];
	struct ks_service *svc;
	int err;

	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		d->intr = 1;
	if (d->err || genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSVC_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (!tb[KSVC_A_SERVICE])
		return NL_OK;
	if (nla_parse_nested(stb, KSVC_SVC_A_MAX, tb[KSVC_A_SERVICE], NULL) < 0 ||
	    !stb[KSVC_SVC_A_NAMESPACE] || !stb[KSVC_SVC_A_NAME]) {
		d->err = -EINVAL;
		return NL_SKIP;
	}
	if (stb[KSVC_SVC_A_APPEND]) {
		/* More endpoints of the service before. */
		svc = d->st->n_svcs ? &d->st->svcs[d->st->n_svcs - 1] : NULL;
		if (!svc || strcmp(svc->ns, nla_get_string(stb[KSVC_SVC_A_NAMESPACE])) ||
		    strcmp(svc->name, nla_get_string(stb[KSVC_SVC_A_NAME]))) {
			d->err = -EINVAL;
			return NL_SKIP;
		}
	} else {
		svc = ks_state_add(d->st);
		if (!svc) {
			d->err = -ENOMEM;
			return NL_SKIP;
		}
		d->cap_eps = 0;
		snprintf(svc->ns, sizeof(svc->ns), "%s",
			 nla_get_string(stb[KSVC_SVC_A_NAMESPACE]));
		snprintf(svc->name, sizeof(svc->name), "%s",
			 nla_get_string(stb[KSVC_SVC_A_NAME]));
		err = ks_dump_head(svc, stb);
		if (err) {
			d->err = err;
			return NL_SKIP;
		}
	}
	if (stb[KSVC_SVC_A_ENDPOINTS]) {
		err = ks_dump_eps(d, svc, stb[KSVC_SVC_A_ENDPOINTS]);
		if (err)
			d->err = err;
	}
	return NL_OK;
}

static int ks_nl_dump_once(struct ks_nl *nl, struct ks_state *st, int *intr)
{
	struct ks_dump d = { .st = st };
	struct nl_msg *msg;
	int err;

	msg = ks_nl_msg_new(nl, KSVC_CMD_SVC_GET, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	err = ks_nl_send(nl, msg, ks_dump_parse, &d);
	*intr = d.intr;
	return err ? err : d.err;
}

int ks_nl_dump(struct ks_nl *nl, struct ks_state *out, uint64_t *generation)
{
	struct ks_info before, after;
	int tries, intr, err;

	for (tries = 0; tries < 10; tries++) {
		ks_state_init(out);
		err = ks_nl_info(nl, &before);
		if (!err)
			err = ks_nl_dump_once(nl, out, &intr);
		if (!err)
			err = ks_nl_info(nl, &after);
		if (err) {
			ks_state_free(out);
			return err;
		}
		if (!intr && before.generation == after.generation) {
			ks_state_sort(out);
			if (generation)
				*generation = after.generation;
			return 0;
		}
		ks_state_free(out);
	}
	return -EAGAIN;
}

/* ---- configuration ---- */

static int ks_nl_config_parse(struct nl_msg *msg, void *arg)
{
	struct ks_config *cfg = arg;
	struct nlattr *tb[KSVC_A_MAX + 1], *ctb[KSVC_CFG_A_MAX + 1];
	struct nlattr *a;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSVC_A_MAX, NULL) < 0 ||
	    !tb[KSVC_A_CONFIG] ||
	    nla_parse_nested(ctb, KSVC_CFG_A_MAX, tb[KSVC_A_CONFIG], NULL) < 0)
		return NL_SKIP;
	if (ctb[KSVC_CFG_A_NODE_NAME])
		snprintf(cfg->node_name, sizeof(cfg->node_name), "%s",
			 nla_get_string(ctb[KSVC_CFG_A_NODE_NAME]));
	if (ctb[KSVC_CFG_A_DROP_INVALID])
		cfg->drop_invalid = nla_get_u8(ctb[KSVC_CFG_A_DROP_INVALID]);
	if (ctb[KSVC_CFG_A_MAX_SERVICES])
		cfg->max_services = nla_get_u32(ctb[KSVC_CFG_A_MAX_SERVICES]);
	if (ctb[KSVC_CFG_A_MAX_ENDPOINTS])
		cfg->max_endpoints = nla_get_u32(ctb[KSVC_CFG_A_MAX_ENDPOINTS]);
	if (ctb[KSVC_CFG_A_MAX_AFFINITY])
		cfg->max_affinity = nla_get_u32(ctb[KSVC_CFG_A_MAX_AFFINITY]);
	if (ctb[KSVC_CFG_A_AFFINITY_ENTRIES])
		cfg->affinity_entries = nla_get_u32(ctb[KSVC_CFG_A_AFFINITY_ENTRIES]);
	if (ctb[KSVC_CFG_A_MAX_RESETS])
		cfg->max_resets = nla_get_u32(ctb[KSVC_CFG_A_MAX_RESETS]);
	if (ctb[KSVC_CFG_A_LOCAL_IFACE_PREFIX])
		snprintf(cfg->local_prefix, sizeof(cfg->local_prefix), "%s",
			 nla_get_string(ctb[KSVC_CFG_A_LOCAL_IFACE_PREFIX]));
	if (ctb[KSVC_CFG_A_LOCAL_BRIDGE])
		snprintf(cfg->local_bridge, sizeof(cfg->local_bridge), "%s",
			 nla_get_string(ctb[KSVC_CFG_A_LOCAL_BRIDGE]));
	if (ctb[KSVC_CFG_A_MASQUERADE_ALL])
		cfg->masquerade_all = nla_get_u8(ctb[KSVC_CFG_A_MASQUERADE_ALL]);
	if (ctb[KSVC_CFG_A_LOCAL_CIDRS])
		nla_for_each_nested(a, ctb[KSVC_CFG_A_LOCAL_CIDRS], rem) {
			if (cfg->n_local_cidrs == KSVC_MAX_LOCAL_CIDRS)
				break;
			ks_get_cidr(a, &cfg->local_cidrs[cfg->n_local_cidrs++]);
		}
	if (ctb[KSVC_CFG_A_SERVICE_CIDRS])
		nla_for_each_nested(a, ctb[KSVC_CFG_A_SERVICE_CIDRS], rem) {
			if (cfg->n_svc_cidrs == KSVC_MAX_LOCAL_CIDRS)
				break;
			ks_get_cidr(a, &cfg->svc_cidrs[cfg->n_svc_cidrs++]);
		}
	if (ctb[KSVC_CFG_A_NODEPORT_PRIMARY])
		cfg->np_primary = nla_get_u8(ctb[KSVC_CFG_A_NODEPORT_PRIMARY]);
	if (ctb[KSVC_CFG_A_NODE_IPS])
		nla_for_each_nested(a, ctb[KSVC_CFG_A_NODE_IPS], rem) {
			if (cfg->n_node_ips == 2)
				break;
			ks_get_addr(nla_type(a) == KSVC_CFG_A_ADDR4 ? a : NULL,
				    nla_type(a) == KSVC_CFG_A_ADDR6 ? a : NULL,
				    &cfg->node_ips[cfg->n_node_ips++]);
		}
	if (ctb[KSVC_CFG_A_NODEPORT_CIDRS])
		nla_for_each_nested(a, ctb[KSVC_CFG_A_NODEPORT_CIDRS], rem) {
			if (cfg->n_np_cidrs == KSVC_MAX_NODEPORT_ADDRS)
				break;
			ks_get_cidr(a, &cfg->np_cidrs[cfg->n_np_cidrs++]);
		}
	return NL_OK;
}

int ks_nl_config_get(struct ks_nl *nl, struct ks_config *cfg)
{
	struct nl_msg *msg = ks_nl_msg_new(nl, KSVC_CMD_CONFIG_GET, 0);

	memset(cfg, 0, sizeof(*cfg));
	/* What an older module does not report stays unknown. */
	cfg->max_resets = -1;
	cfg->affinity_entries = -1;
	cfg->masquerade_all = -1;
	cfg->np_primary = -1;
	if (!msg)
		return -ENOMEM;
	return ks_nl_send(nl, msg, ks_nl_config_parse, cfg);
}

int ks_nl_config_set(struct ks_nl *nl, const struct ks_config *cfg)
{
	struct nl_msg *msg = ks_nl_msg_new(nl, KSVC_CMD_CONFIG_SET, 0);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	nest = ks_nest(msg, KSVC_A_CONFIG);
	if (!nest ||
	    (cfg->set_node_name &&
	     nla_put_string(msg, KSVC_CFG_A_NODE_NAME, cfg->node_name)) ||
	    (cfg->drop_invalid >= 0 &&
	     nla_put_u8(msg, KSVC_CFG_A_DROP_INVALID, cfg->drop_invalid)) ||
	    (cfg->max_services &&
	     nla_put_u32(msg, KSVC_CFG_A_MAX_SERVICES, cfg->max_services)) ||
	    (cfg->max_endpoints &&
	     nla_put_u32(msg, KSVC_CFG_A_MAX_ENDPOINTS, cfg->max_endpoints)) ||
	    (cfg->max_affinity &&
	     nla_put_u32(msg, KSVC_CFG_A_MAX_AFFINITY, cfg->max_affinity)) ||
	    (cfg->max_resets >= 0 &&
	     nla_put_u32(msg, KSVC_CFG_A_MAX_RESETS, (uint32_t)cfg->max_resets)) ||
	    (cfg->set_local_prefix &&
	     nla_put_string(msg, KSVC_CFG_A_LOCAL_IFACE_PREFIX, cfg->local_prefix)) ||
	    (cfg->set_local_bridge &&
	     nla_put_string(msg, KSVC_CFG_A_LOCAL_BRIDGE, cfg->local_bridge)) ||
	    (cfg->masquerade_all >= 0 &&
	     nla_put_u8(msg, KSVC_CFG_A_MASQUERADE_ALL, (uint8_t)cfg->masquerade_all)) ||
	    (cfg->np_primary >= 0 &&
	     nla_put_u8(msg, KSVC_CFG_A_NODEPORT_PRIMARY, (uint8_t)cfg->np_primary)))
		goto err;
	if (cfg->set_node_ips) {
		struct nlattr *list = ks_nest(msg, KSVC_CFG_A_NODE_IPS);
		size_t i;

		if (!list)
			goto err;
		for (i = 0; i < cfg->n_node_ips; i++)
			if (ks_put_addr(msg, KSVC_CFG_A_ADDR4, KSVC_CFG_A_ADDR6,
					&cfg->node_ips[i]))
				goto err;
		/* None is a setting too. */
		nla_nest_end_keep_empty(msg, list);
	}
	if (cfg->set_local_cidrs &&
	    ks_put_cidrs(msg, KSVC_CFG_A_LOCAL_CIDRS, KSVC_CFG_A_CIDR,
			 cfg->local_cidrs, cfg->n_local_cidrs))
		goto err;
	if (cfg->set_svc_cidrs &&
	    ks_put_cidrs(msg, KSVC_CFG_A_SERVICE_CIDRS, KSVC_CFG_A_CIDR,
			 cfg->svc_cidrs, cfg->n_svc_cidrs))
		goto err;
	if (cfg->set_np_cidrs &&
	    ks_put_cidrs(msg, KSVC_CFG_A_NODEPORT_CIDRS, KSVC_CFG_A_CIDR,
			 cfg->np_cidrs, cfg->n_np_cidrs))
		goto err;
	nla_nest_end(msg, nest);
	return ks_nl_send(nl, msg, NULL, NULL);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
