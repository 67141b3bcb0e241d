// SPDX-License-Identifier: GPL-2.0
/*
 * Services to the kernel (a service's attributes, split across messages
 * when its endpoints do not fit one) and back (the dump, retried until it
 * is consistent).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "nl_int.h"

/* ---- services ---- */

int ks_nl_put_addr(struct nl_msg *msg, int a4, int a6,
		       const struct ks_addr *addr)
{
	if (addr->family == AF_INET)
		return nla_put(msg, a4, 4, addr->a);
	return nla_put(msg, a6, 16, addr->a);
}

struct nlattr *ks_nl_nest(struct nl_msg *msg, int type)
{
	/* Strict validation wants NLA_F_NESTED on every nest. */
	return nla_nest_start(msg, type | NLA_F_NESTED);
}

int ks_nl_put_cidrs(struct nl_msg *msg, int list_type, int type,
			const struct ks_cidr *c, size_t n)
{
	struct nlattr *list, *nest;
	size_t i;

	list = ks_nl_nest(msg, list_type);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		nest = ks_nl_nest(msg, type);
		if (!nest ||
		    ks_nl_put_addr(msg, KSVC_CIDR_A_ADDR4, KSVC_CIDR_A_ADDR6, &c[i].addr) ||
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

	list = ks_nl_nest(msg, KSVC_SVC_A_ENDPOINTS);
	if (!list)
		return -EMSGSIZE;
	for (i = from; i < to; i++) {
		const struct ks_endpoint *ep = &svc->eps[i];

		nest = ks_nl_nest(msg, KSVC_SVC_A_ENDPOINT);
		if (!nest ||
		    ks_nl_put_addr(msg, KSVC_EP_A_ADDR4, KSVC_EP_A_ADDR6, &ep->addr) ||
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
	     ks_nl_put_cidrs(msg, KSVC_SVC_A_SOURCE_RANGES, KSVC_SVC_A_SOURCE_RANGE,
			  svc->ranges, svc->n_ranges)) ||
	    (svc->external_name[0] &&
	     nla_put_string(msg, KSVC_SVC_A_EXTERNAL_NAME, svc->external_name)))
		return -EMSGSIZE;
	if (svc->n_ports) {
		list = ks_nl_nest(msg, KSVC_SVC_A_PORTS);
		if (!list)
			return -EMSGSIZE;
		for (i = 0; i < svc->n_ports; i++) {
			const struct ks_port *p = &svc->ports[i];

			nest = ks_nl_nest(msg, KSVC_SVC_A_PORT);
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
		list = ks_nl_nest(msg, KSVC_SVC_A_FRONTENDS);
		if (!list)
			return -EMSGSIZE;
		for (i = 0; i < svc->n_fes; i++) {
			nest = ks_nl_nest(msg, KSVC_SVC_A_FRONTEND);
			if (!nest ||
			    nla_put_u8(msg, KSVC_FE_A_KIND, svc->fes[i].kind) ||
			    ks_nl_put_addr(msg, KSVC_FE_A_ADDR4, KSVC_FE_A_ADDR6,
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
	struct nlattr *nest = ks_nl_nest(msg, KSVC_A_SERVICE);

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
	nest = ks_nl_nest(msg, KSVC_A_SERVICE);
	if (!nest || nla_put_string(msg, KSVC_SVC_A_NAMESPACE, ns) ||
	    nla_put_string(msg, KSVC_SVC_A_NAME, name)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return ks_nl_send(nl, msg, NULL, NULL);
}

/* ---- dump ---- */

struct ks_dump {
	struct ks_state *st;
	int intr;
	int err;
	size_t cap_eps;		/* of the last service */
};

void ks_nl_get_addr(struct nlattr *a4, struct nlattr *a6,
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
		ks_nl_get_addr(tb[KSVC_EP_A_ADDR4], tb[KSVC_EP_A_ADDR6], &ep->addr);
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

void ks_nl_get_cidr(struct nlattr *nest, struct ks_cidr *c)
{
	struct nlattr *tb[KSVC_CIDR_A_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (nla_parse_nested(tb, KSVC_CIDR_A_MAX, nest, NULL) < 0)
		return;
	ks_nl_get_addr(tb[KSVC_CIDR_A_ADDR4], tb[KSVC_CIDR_A_ADDR6], &c->addr);
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
			ks_nl_get_cidr(a, &svc->ranges[svc->n_ranges++]);
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
			ks_nl_get_addr(ftb[KSVC_FE_A_ADDR4], ftb[KSVC_FE_A_ADDR6],
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
