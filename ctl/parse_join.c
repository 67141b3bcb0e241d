// SPDX-License-Identifier: GPL-2.0
/*
 * ks_input_build(): Services joined with their endpoints through sorted
 * arrays (never a scan per Service), and the checks that need every
 * object at once: duplicate Services, frontends and node ports claimed
 * twice.
 */
#include <arpa/inet.h>

#include "parse_int.h"

static void serr(struct ks_input *in, struct ks_errors *errs,
		 struct in_svc *sv, struct in_pos pos, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void serr(struct ks_input *in, struct ks_errors *errs,
		 struct in_svc *sv, struct in_pos pos, const char *path,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ks_errors_add(errs, "%s:%d:%d: Service %s/%s: %s: %s",
		      in->files[sv->file], pos.line, pos.col, sv->s.ns,
		      sv->s.name, path, msg);
	sv->dropped = 1;
}

int svc_key_cmp(const void *a, const void *b)
{
	const struct in_svc *x = *(struct in_svc *const *)a;
	const struct in_svc *y = *(struct in_svc *const *)b;
	int r = strcmp(x->s.ns, y->s.ns);

	if (!r)
		r = strcmp(x->s.name, y->s.name);
	if (!r)
		r = x->seq < y->seq ? -1 : 1;
	return r;
}

/* svcs sorted by name: the first of equal names wins. */
void check_duplicates(struct ks_input *in, struct in_svc **svcs,
			     size_t n, struct ks_errors *errs)
{
	size_t i, first = 0;

	for (i = 1; i < n; i++) {
		struct in_svc *a = svcs[first], *b = svcs[i];

		if (strcmp(a->s.ns, b->s.ns) || strcmp(a->s.name, b->s.name)) {
			first = i;
			continue;
		}
		serr(in, errs, b, b->name_pos, "metadata.name",
		     "duplicate Service (first defined at %s:%d:%d)",
		     in->files[a->file], a->pos.line, a->pos.col);
	}
}

/* An address:port/protocol (or node port/protocol) some Service claims. */
struct claim {
	struct ks_addr addr;	/* family 0: a node port */
	uint16_t port;
	uint8_t proto, port_idx, fe_idx;
	struct in_svc *sv;
};

static int claim_cmp_key(const struct claim *x, const struct claim *y)
{
	int r = ks_addr_cmp(&x->addr, &y->addr);

	if (r)
		return r;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return 0;
}

static int claim_qsort_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int r = claim_cmp_key(x, y);

	if (!r && x->sv->seq != y->sv->seq)
		r = x->sv->seq < y->sv->seq ? -1 : 1;
	return r;
}

static struct claim *collect_claims(struct ks_input *in, size_t *np)
{
	struct claim *v = NULL, c;
	size_t n = 0, cap = 0, i, j, k;

	for (i = 0; i < in->n_svcs; i++) {
		struct in_svc *sv = in->svcs[i];

		if (sv->dropped)
			continue;
		for (j = 0; j < sv->s.n_ports; j++) {
			const struct ks_port *p = &sv->s.ports[j];

			memset(&c, 0, sizeof(c));
			c.sv = sv;
			c.port_idx = j;
			c.proto = p->proto;
			c.port = p->port;
			for (k = 0; k < sv->s.n_fes; k++) {
				if (in->no_external_ips &&
				    sv->s.fes[k].kind == KSVC_FE_EXTERNAL_IP)
					continue;
				c.addr = sv->s.fes[k].addr;
				c.fe_idx = k;
				grow(&v, &cap, n + 1, sizeof(*v));
				v[n++] = c;
			}
			if (!p->node_port)
				continue;
			memset(&c.addr, 0, sizeof(c.addr));
			c.port = p->node_port;
			grow(&v, &cap, n + 1, sizeof(*v));
			v[n++] = c;
		}
	}
	*np = n;
	return v;
}

static void claim_error(struct ks_input *in, struct ks_errors *errs,
			const struct claim *c, const struct in_svc *owner)
{
	const struct in_fe_src *src;
	char path[64], addr[INET6_ADDRSTRLEN];

	if (!c->addr.family) {
		snprintf(path, sizeof(path), "spec.ports[%u].nodePort",
			 c->port_idx);
		serr(in, errs, c->sv, c->sv->np_pos[c->port_idx], path,
		     "node port %u/%s is already used by Service %s/%s",
		     c->port, ks_proto_name(c->proto), owner->s.ns,
		     owner->s.name);
		return;
	}
	src = &c->sv->fe_src[c->fe_idx];
	switch (src->src) {
	case FE_SRC_CIP:
		snprintf(path, sizeof(path), "spec.clusterIP");
		break;
	case FE_SRC_CIPS:
		snprintf(path, sizeof(path), "spec.clusterIPs[%u]", src->idx);
		break;
	case FE_SRC_EIPS:
		snprintf(path, sizeof(path), "spec.externalIPs[%u]", src->idx);
		break;
	default:
		snprintf(path, sizeof(path),
			 "status.loadBalancer.ingress[%u].ip", src->idx);
		break;
	}
	inet_ntop(c->addr.family, c->addr.a, addr, sizeof(addr));
	serr(in, errs, c->sv, src->pos, path,
	     "%s port %u/%s is already used by Service %s/%s", addr, c->port,
	     ks_proto_name(c->proto), owner->s.ns, owner->s.name);
}

/*
 * The kernel maps each address:port/protocol and each node port to one
 * Service: of two claims, the first in input order wins.
 */
void check_claims(struct ks_input *in, struct ks_errors *errs)
{
	struct claim *v;
	size_t n, i, first = 0;

	v = collect_claims(in, &n);
	if (n > 1)
		qsort(v, n, sizeof(*v), claim_qsort_cmp);
	for (i = 1; i < n; i++) {
		if (claim_cmp_key(&v[first], &v[i])) {
			first = i;
			continue;
		}
		/* The winner may have been dropped by an earlier group. */
		if (v[first].sv->dropped) {
			first = i;
			continue;
		}
		if (v[i].sv != v[first].sv && !v[i].sv->dropped)
			claim_error(in, errs, &v[i], v[first].sv);
	}
	free(v);
}

int slice_cmp2(const struct in_slice *s, const char *ns,
		      const char *name)
{
	int r = strcmp(s->ns, ns);

	return r ? r : strcmp(s->svc, name);
}

int slice_qsort_cmp(const void *a, const void *b)
{
	const struct in_slice *x = *(struct in_slice *const *)a;
	const struct in_slice *y = *(struct in_slice *const *)b;
	int r = slice_cmp2(x, y->ns, y->svc);

	if (!r)
		r = x->seq < y->seq ? -1 : 1;
	return r;
}

/* Best first among duplicates: ready, then serving, then not terminating. */
static int ep_rank(uint32_t f)
{
	return (f & KSVC_EP_F_READY ? 4 : 0) + (f & KSVC_EP_F_SERVING ? 2 : 0) +
	       (f & KSVC_EP_F_TERMINATING ? 0 : 1);
}

static int ep_dedup_cmp(const void *a, const void *b)
{
	const struct ks_endpoint *x = a, *y = b;
	int r;

	if (x->port_index != y->port_index)
		return x->port_index < y->port_index ? -1 : 1;
	r = ks_addr_cmp(&x->addr, &y->addr);
	if (r)
		return r;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (ep_rank(x->flags) != ep_rank(y->flags))
		return ep_rank(x->flags) > ep_rank(y->flags) ? -1 : 1;
	return x->flags < y->flags ? -1 : x->flags > y->flags;
}

static int match_port(const struct ks_service *s, const struct in_sport *sp)
{
	size_t i;

	for (i = 0; i < s->n_ports; i++)
		if (s->ports[i].proto == sp->proto &&
		    !strcmp(s->ports[i].name, sp->name))
			return i;
	return -1;
}

/* Sort v[0..n), keep one of each (port, address, target port), the best. */
void finish_endpoints(struct ks_service *out, struct ks_endpoint *v,
			     size_t n)
{
	size_t i, j;

	if (n > 1)
		qsort(v, n, sizeof(*v), ep_dedup_cmp);
	for (i = j = 0; i < n; i++) {
		if (j && v[j - 1].port_index == v[i].port_index &&
		    v[j - 1].port == v[i].port &&
		    !ks_addr_cmp(&v[j - 1].addr, &v[i].addr))
			continue;
		v[j++] = v[i];
	}
	out->eps = v;
	out->n_eps = j;
}

int is_local(const char *node, const char *node_name)
{
	return node_name && *node_name && node && !strcmp(node, node_name);
}

static uint32_t hint_marks(const struct in_hints *h, const struct ks_parse_opts *o)
{
	uint32_t m = 0;
	size_t i;

	if (!h)
		return 0;
	for (i = 0; i < h->n_zones; i++)
		if (o->zone && *o->zone && !strcmp(h->names[i], o->zone))
			m |= EP_T_FOR_ZONE;
	for (; i < h->n_zones + h->n_nodes; i++)
		if (is_local(h->names[i], o->node_name))
			m |= EP_T_FOR_NODE;
	return m | (h->n_zones ? EP_T_ZONE_HINTS : 0) |
	       (h->n_nodes ? EP_T_NODE_HINTS : 0);
}

/*
 * Topology-aware routing for one port in one family, as kube-proxy's
 * topology.go decides it: when every ready endpoint has node hints and
 * some name this node, the Cluster policy's set is the ready endpoints
 * hinted to this node; else the same with zone hints and this node's
 * zone; else every ready endpoint.  The ready endpoints left out get
 * KSVC_EP_F_ELSEWHERE, which the kernel's Cluster set skips.
 */
static void topology_port(struct ks_service *s, uint8_t pi, int family)
{
	int ready = 0, all_node = 1, for_node = 0, all_zone = 1, for_zone = 0;
	uint32_t want;
	size_t i;

	for (i = 0; i < s->n_eps; i++) {
		uint32_t f = s->eps[i].flags;

		if (s->eps[i].port_index != pi ||
		    s->eps[i].addr.family != family || !(f & KSVC_EP_F_READY))
			continue;
		ready = 1;
		all_node &= !!(f & EP_T_NODE_HINTS);
		for_node |= !!(f & EP_T_FOR_NODE);
		all_zone &= !!(f & EP_T_ZONE_HINTS);
		for_zone |= !!(f & EP_T_FOR_ZONE);
	}
	if (!ready)
		return;
	if (all_node && for_node)
		want = EP_T_FOR_NODE;
	else if (all_zone && for_zone)
		want = EP_T_FOR_ZONE;
	else
		return;
	for (i = 0; i < s->n_eps; i++)
		if (s->eps[i].port_index == pi &&
		    s->eps[i].addr.family == family &&
		    (s->eps[i].flags & KSVC_EP_F_READY) &&
		    !(s->eps[i].flags & want))
			s->eps[i].flags |= KSVC_EP_F_ELSEWHERE;
}

/* The topology pass over a Service's endpoints, marked EP_T_*. */
void topology(struct ks_service *s)
{
	size_t i;

	for (i = 0; i < s->n_ports; i++) {
		topology_port(s, (uint8_t)i, AF_INET);
		topology_port(s, (uint8_t)i, AF_INET6);
	}
	for (i = 0; i < s->n_eps; i++)
		s->eps[i].flags &= ~EP_T_ALL;
}

/*
 * Every (endpoint, slice port) of the slices whose port name and protocol
 * match a Service port; the same endpoint from two slices (a handover
 * between slices) is kept once, with its best conditions.  Subsets of
 * Endpoints objects are joined the same way.  Then the slices' topology
 * hints, for this node.
 */
void join_endpoints(struct ks_service *out, struct in_slice **sl,
			   size_t n_sl, const struct ks_parse_opts *o)
{
	size_t i, j, k, n = 0, cap = 0;
	struct ks_endpoint *v = NULL;

	for (i = 0; i < n_sl; i++) {
		for (j = 0; j < sl[i]->n_ports; j++) {
			const struct in_sport *sp = &sl[i]->ports[j];
			int pi = match_port(out, sp);

			if (pi < 0 || !sp->port)
				continue;
			grow(&v, &cap, n + sl[i]->n_eps, sizeof(*v));
			for (k = 0; k < sl[i]->n_eps; k++) {
				const struct in_sep *e = &sl[i]->eps[k];

				memset(&v[n], 0, sizeof(v[n]));
				v[n].addr = e->addr;
				v[n].port_index = pi;
				v[n].port = sp->port;
				v[n].flags = e->flags | hint_marks(e->hints, o);
				if (is_local(e->node, o->node_name))
					v[n].flags |= KSVC_EP_F_LOCAL;
				n++;
			}
		}
	}
	finish_endpoints(out, v, n);
	topology(out);
}
